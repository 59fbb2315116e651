// SPDX-License-Identifier: ISC
#include "ipc/channel.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

namespace tempus::ipc {

using core::Unexpected;

namespace {

// Room for a few fds, so that a peer attaching more than one is seen and its fds closed, rather
// than the kernel silently truncating the list (which it also reports, as MSG_CTRUNC).
constexpr size_t kCtrlFds = 4;

ChannelError sys_error(int e) { return ChannelError{IpcError::kSyscall, e}; }
ChannelError ipc_error(IpcError e) { return ChannelError{e, 0}; }

}  // namespace

bool ChannelError::would_block() const {
  return code == IpcError::kSyscall && (sys_errno == EAGAIN || sys_errno == EWOULDBLOCK);
}

std::string to_string(const ChannelError& e) {
  std::string s(to_string(e.code));
  if (e.code == IpcError::kSyscall) {
    s += ": " + std::generic_category().message(e.sys_errno) + " (errno " +
         std::to_string(e.sys_errno) + ")";
  }
  return s;
}

core::Result<std::pair<UniqueFd, UniqueFd>, ChannelError> make_socket_pair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return Unexpected{sys_error(errno)};
  return std::pair{UniqueFd(sv[0]), UniqueFd(sv[1])};
}

core::Status<ChannelError> send_frame(int fd, core::Bytes frame, int pass_fd) {
  if (frame.size() > kMaxFrameLen) return Unexpected{ipc_error(IpcError::kFrameTooLong)};
  iovec iov{};
  iov.iov_base = const_cast<std::byte*>(frame.data());
  iov.iov_len = frame.size();
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> ctrl{};
  if (pass_fd >= 0) {
    msg.msg_control = ctrl.data();
    msg.msg_controllen = ctrl.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    // CMSG_DATA need not be aligned for int; copying the bytes is the portable way.
    std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  ssize_t n;
  do {
    n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Unexpected{sys_error(errno)};
  if (static_cast<size_t>(n) != frame.size()) return Unexpected{ipc_error(IpcError::kShortWrite)};
  return {};
}

core::Result<ReceivedFrame, ChannelError> recv_frame(int fd, FrameDecoder& decoder) {
  std::array<std::byte, kMaxFrameLen> buf;
  iovec iov{};
  iov.iov_base = buf.data();
  iov.iov_len = buf.size();
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * kCtrlFds)> ctrl{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrl.data();
  msg.msg_controllen = ctrl.size();
  ssize_t n;
  do {
    n = ::recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Unexpected{sys_error(errno)};

  // Take ownership of every fd first, so each error path below closes them.
  std::vector<UniqueFd> fds;
  bool foreign = false;
  if (msg.msg_controllen > 0) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
          int v;
          std::memcpy(&v, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          fds.emplace_back(v);
        }
      } else {
        foreign = true;  // e.g. SCM_CREDENTIALS, which we never enable
      }
    }
  }
  if (msg.msg_flags & MSG_CTRUNC) return Unexpected{ipc_error(IpcError::kControlTruncated)};
  if (foreign) return Unexpected{ipc_error(IpcError::kUnexpectedControl)};
  if (fds.size() > 1) return Unexpected{ipc_error(IpcError::kTooManyFds)};
  if (n == 0) return Unexpected{ipc_error(IpcError::kPeerClosed)};
  if (msg.msg_flags & MSG_TRUNC) return Unexpected{ipc_error(IpcError::kFrameTooLong)};

  const core::Bytes data = core::Bytes(buf).first(static_cast<size_t>(n));
  if (auto s = decoder.feed(data); !s.ok()) return Unexpected{ipc_error(s.error())};
  auto f = decoder.next();
  if (!f.ok()) return Unexpected{ipc_error(f.error())};
  if (!f->has_value() || decoder.pending() != 0)
    return Unexpected{ipc_error(IpcError::kNotOneFrame)};
  ReceivedFrame rf;
  rf.frame = std::move(**f);
  if (!fds.empty()) rf.fd = std::move(fds.front());
  return rf;
}

Channel::Channel(UniqueFd fd, ChannelOptions opts)
    : fd_(std::move(fd)), opts_(opts), local_pid_(static_cast<uint32_t>(::getpid())) {}

core::Status<ChannelError> Channel::fail(ChannelError e) {
  if (!error_) error_ = e;
  return Unexpected{*error_};
}

core::Status<ChannelError> Channel::send_encoded(std::vector<std::byte> frame, UniqueFd pass) {
  if (error_) return Unexpected{*error_};
  auto h = decode_header(frame);
  if (!h.ok()) return Unexpected{ipc_error(h.error())};
  if (h->len != frame.size()) return Unexpected{ipc_error(IpcError::kNotOneFrame)};
  if (!is_allowed(h->type, opts_.self, opts_.peer))
    return Unexpected{ipc_error(IpcError::kForbiddenType)};
  if (pass.valid() && (opts_.fd_allowed == nullptr || !opts_.fd_allowed(h->type)))
    return Unexpected{ipc_error(IpcError::kUnexpectedFd)};
  if (out_.size() >= kMaxQueuedFrames) return Unexpected{ipc_error(IpcError::kQueueFull)};
  out_.push_back(Outgoing{std::move(frame), std::move(pass)});
  return flush();
}

core::Status<ChannelError> Channel::flush() {
  if (error_) return Unexpected{*error_};
  while (!out_.empty()) {
    const Outgoing& o = out_.front();
    auto s = send_frame(fd_.get(), o.frame, o.fd.get());
    if (!s.ok()) {
      if (s.error().would_block()) return {};
      return fail(s.error());
    }
    out_.pop_front();  // closes our copy of a passed fd: the kernel holds its own now
  }
  return {};
}

core::Status<ChannelError> Channel::check_incoming(const ReceivedFrame& rf) const {
  const FrameHeader& h = rf.frame.header;
  if (!is_allowed(h.type, opts_.peer, opts_.self))
    return Unexpected{ipc_error(IpcError::kForbiddenType)};
  if (opts_.peer_pid != 0 && h.pid != opts_.peer_pid)
    return Unexpected{ipc_error(IpcError::kBadPid)};
  if (rf.fd.valid() && (opts_.fd_allowed == nullptr || !opts_.fd_allowed(h.type)))
    return Unexpected{ipc_error(IpcError::kUnexpectedFd)};
  return {};
}

core::Result<size_t, ChannelError> Channel::on_readable() {
  if (error_) return Unexpected{*error_};
  size_t got = 0;
  while (in_.size() < kMaxInbox) {
    auto rf = recv_frame(fd_.get(), decoder_);
    if (!rf.ok()) {
      if (rf.error().would_block()) break;
      (void)fail(rf.error());
      return Unexpected{*error_};
    }
    if (auto s = check_incoming(*rf); !s.ok()) {
      (void)fail(s.error());
      return Unexpected{*error_};
    }
    in_.push_back(std::move(*rf));
    ++got;
  }
  return got;
}

std::optional<ReceivedFrame> Channel::next() {
  if (in_.empty()) return std::nullopt;
  ReceivedFrame rf = std::move(in_.front());
  in_.pop_front();
  return rf;
}

}  // namespace tempus::ipc
