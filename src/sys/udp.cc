// SPDX-License-Identifier: ISC
#include "sys/udp.h"

#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cstring>

// fcntl(2) by its own name: with _FILE_OFFSET_BITS=64 (meson's default) glibc's header renames
// calls to fcntl64, which clknetsim does not intercept, so its simulated sockets would get EBADF
// from the kernel. Both names are the same function for the commands used here.
extern "C" int fcntl_by_name(int fd, int cmd, ...) __asm__("fcntl");

namespace tempus::sys {

namespace {

// O_NONBLOCK and FD_CLOEXEC on a socket made with a plain type (clknetsim's socket() refuses
// SOCK_NONBLOCK and SOCK_CLOEXEC).
bool set_nonblock_cloexec(int fd) {
  const int fl = fcntl_by_name(fd, F_GETFL);
  return fl >= 0 && fcntl_by_name(fd, F_SETFL, fl | O_NONBLOCK) == 0 &&
         fcntl_by_name(fd, F_SETFD, FD_CLOEXEC) == 0;
}

}  // namespace

socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (e.address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    sin->sin_addr.s_addr = htonl(e.address.v4_value());
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(e.port);
  std::memcpy(&sin6->sin6_addr, e.address.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

Endpoint from_sockaddr(const sockaddr_storage& ss) {
  Endpoint e;
  if (ss.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    e.address = core::IpAddress::v4(ntohl(sin->sin_addr.s_addr));
    e.port = ntohs(sin->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::array<uint8_t, 16> b{};
    std::memcpy(b.data(), &sin6->sin6_addr, 16);
    e.address = core::IpAddress::v6(b);
    e.port = ntohs(sin6->sin6_port);
  }
  return e;
}

std::optional<core::Timestamp> software_timestamp(const msghdr& in) {
  auto& msg = const_cast<msghdr&>(in);  // the CMSG macros take non-const pointers
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    timespec ts{};
    if (c->cmsg_type == SCM_TIMESTAMPING && c->cmsg_len >= CMSG_LEN(sizeof(scm_timestamping))) {
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);  // ts[0]: software
    } else if (c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
    } else {
      continue;
    }
    if (ts.tv_sec != 0 || ts.tv_nsec != 0) return core::Timestamp::from_unix(ts.tv_sec, ts.tv_nsec);
  }
  return std::nullopt;
}

core::Result<ClientSocket, Errno> open_client_socket(const Endpoint& server,
                                                     const std::optional<Endpoint>& local) {
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(server, ss);
  ipc::UniqueFd fd(socket(ss.ss_family, SOCK_DGRAM, 0));
  if (!fd || !set_nonblock_cloexec(fd.get())) return core::Unexpected{last_errno()};
  // Software RX and TX timestamps; TX ones come back on the error queue without the packet.
  const int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_TX_SOFTWARE |
                    SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_TSONLY;
  const bool tx = setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) == 0;
  if (!tx) {
    const int on = 1;  // older kernels: receive timestamps only
    if (setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
      return core::Unexpected{last_errno()};
  }
  if (local) {
    sockaddr_storage ls;
    const socklen_t llen = to_sockaddr(*local, ls);
    const int on = 1;
    if (local->port != 0 && setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0)
      return core::Unexpected{last_errno()};
    if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&ls), llen) != 0)
      return core::Unexpected{last_errno()};
  }
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0)
    return core::Unexpected{last_errno()};
  return ClientSocket{std::move(fd), tx};
}

std::optional<core::IpAddress> local_address(int fd, const Endpoint& remote) {
  ipc::UniqueFd probe;
  if (fd < 0) {
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(remote, ss);
    probe = ipc::UniqueFd(socket(ss.ss_family, SOCK_DGRAM, 0));
    // connect() on UDP sends nothing: it only picks the route and the source address.
    if (!probe || connect(probe.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0)
      return std::nullopt;
    fd = probe.get();
  }
  sockaddr_storage local{};
  socklen_t llen = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) return std::nullopt;
  return from_sockaddr(local).address;
}

core::Status<Errno> set_server_tx_timestamps(int fd, bool on) {
  // Receive times, and transmit times of the replies numbered per datagram (OPT_ID) and
  // without the payload (OPT_TSONLY), for the server's counters and interleaved mode.
  int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (on)
    flags |= SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) != 0)
    return core::Unexpected{last_errno()};
  return {};
}

core::Result<ipc::UniqueFd, Errno> open_server_socket(const Endpoint& local,
                                                       const std::string& device) {
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(local, ss);
  ipc::UniqueFd fd(socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return core::Unexpected{last_errno()};
  const int on = 1;
  if (ss.ss_family == AF_INET6 &&
      setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
    return core::Unexpected{last_errno()};
  if (!set_server_tx_timestamps(fd.get(), true) &&
      setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
    return core::Unexpected{last_errno()};
  if (!device.empty() && setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                                    static_cast<socklen_t>(device.size())) != 0)
    return core::Unexpected{last_errno()};
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0)
    return core::Unexpected{last_errno()};
  return fd;
}

core::Status<Errno> send_to(int fd, std::span<const std::byte> data, const Endpoint& to) {
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(to, ss);
  const ssize_t n = sendto(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                           reinterpret_cast<const sockaddr*>(&ss), len);
  if (n < 0) return core::Unexpected{last_errno()};
  return {};
}

core::Result<Received, Errno> receive(int fd, std::span<std::byte> buf) {
  sockaddr_storage from{};
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[256];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
  if (n < 0) return core::Unexpected{last_errno()};
  Received r;
  r.size = (msg.msg_flags & MSG_TRUNC) ? 0 : static_cast<size_t>(n);
  r.from = from_sockaddr(from);
  r.kernel_rx = software_timestamp(msg);
  return r;
}

std::optional<core::Timestamp> last_tx_timestamp(int fd, uint32_t& queued) {
  std::optional<core::Timestamp> last;
  queued = std::min(queued, kMaxQueuedTx);
  while (queued > 0) {
    alignas(cmsghdr) char control[256];
    char data[64];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    --queued;
    if (auto t = software_timestamp(msg)) last = t;
  }
  return last;
}

core::Status<Errno> send(int fd, std::span<const std::byte> data) {
  const ssize_t n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0) return core::Unexpected{last_errno()};
  if (static_cast<size_t>(n) != data.size()) return core::Unexpected{Errno{EMSGSIZE}};
  return {};
}

core::Result<ipc::UniqueFd, Errno> bind_unix_socket(const std::string& path, int type,
                                                    mode_t mode) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sa.sun_path) return core::Unexpected{Errno{ENAMETOOLONG}};
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  ipc::UniqueFd fd(socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return core::Unexpected{last_errno()};
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return core::Unexpected{Errno{EEXIST}};
    unlink(path.c_str());
  }
  // bind() creates the file with 0777 & ~umask: the umask gives it exactly `mode`.
  const mode_t old = umask(static_cast<mode_t>(~mode & 0777));
  const int rc = bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  umask(old);
  if (rc != 0) return core::Unexpected{last_errno()};
  return fd;
}

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * core::kNsPerSec + ts.tv_nsec;
}

core::Timestamp realtime_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return core::Timestamp::from_unix(ts.tv_sec, ts.tv_nsec);
}

core::Duration measure_clock_precision() {
  std::optional<core::Duration> best;
  core::Timestamp last = realtime_now();
  for (int i = 0; i < 5000; ++i) {
    const core::Timestamp t = realtime_now();
    if (t > last) best = std::min(best.value_or(t - last), t - last);
    last = t;
  }
  return best.value_or(core::Duration());
}

}  // namespace tempus::sys
