// SPDX-License-Identifier: ISC
#include "ctl/cmdmon_client.h"

#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/cmdmon_reply.h"

namespace tempus::ctl {

namespace {

namespace cm = core::cmdmon;

constexpr int kInitialTimeoutMs = 1000;
constexpr int kMaxRetries = 2;

bool to_sockaddr(const std::string& path, sockaddr_un& sa) {
  sa = {};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sa.sun_path) return false;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return true;
}

int64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

uint32_t random_sequence() {
  uint32_t v = 0;
  if (getrandom(&v, sizeof v, 0) != sizeof v) v = static_cast<uint32_t>(monotonic_ms());
  return v;
}

}  // namespace

std::optional<CmdmonClient> CmdmonClient::open(const std::string& server_path,
                                               std::string& error) {
  sockaddr_un remote{}, local{};
  const auto slash = server_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : server_path.substr(0, slash);
  const std::string local_path = dir + (dir == "/" ? "" : "/") + "tempusctl." +
                                 std::to_string(getpid()) + ".sock";
  if (!to_sockaddr(server_path, remote) || !to_sockaddr(local_path, local)) {
    error = "socket path too long: " + server_path;
    return std::nullopt;
  }
  ipc::UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  unlink(local_path.c_str());  // a stale one of an earlier process with our pid
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    error = "cannot bind " + local_path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  CmdmonClient c(std::move(fd), local_path);
  // The daemon (another user) must be able to send to us, as chronyc's socket allows.
  chmod(local_path.c_str(), 0666);
  if (connect(c.fd_.get(), reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0) {
    error = "cannot connect to " + server_path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return c;
}

CmdmonClient::CmdmonClient(CmdmonClient&& o) noexcept
    : fd_(std::move(o.fd_)), local_(std::move(o.local_)) {
  o.local_.clear();
}

CmdmonClient::~CmdmonClient() {
  if (!local_.empty()) unlink(local_.c_str());
}

std::optional<cm::Reply> CmdmonClient::ask(const cm::Request& request) {
  cm::Request q = request;
  std::array<std::byte, 2048> buf;
  for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
    q.attempt = static_cast<uint16_t>(attempt);
    q.sequence = random_sequence();
    const auto out = cm::encode_request(q);
    if (send(fd_.get(), out.data(), out.size(), 0) < 0) return std::nullopt;
    const int64_t deadline = monotonic_ms() + (int64_t{kInitialTimeoutMs} << attempt);
    for (int64_t now = monotonic_ms(); now < deadline; now = monotonic_ms()) {
      pollfd p{fd_.get(), POLLIN, 0};
      const int n = poll(&p, 1, static_cast<int>(deadline - now));
      if (n < 0 && errno == EINTR) return std::nullopt;  // interrupted: give up, as chronyc
      if (n <= 0) break;
      const ssize_t len = recv(fd_.get(), buf.data(), buf.size(), 0);
      if (len < 0) break;  // e.g. ECONNREFUSED: try again
      auto r = cm::decode_reply(std::span(buf.data(), static_cast<size_t>(len)), q.command,
                                q.sequence);
      if (r.ok()) return r.value();
      // An answer of a format we do not decode: chronyc's "508 Bad reply" follows.
      if (r.error() == cm::ReplyError::kUnknownFormat)
        return cm::Reply{q.command, q.sequence, cm::Status::kSuccess, {}};
      // Anything else is not the answer to this request: keep waiting.
    }
  }
  return std::nullopt;
}

}  // namespace tempus::ctl
