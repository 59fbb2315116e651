// SPDX-License-Identifier: ISC
// Moving frames between processes: UniqueFd-owning socket, fd passing, a buffered Channel.
//
// Socket type: AF_UNIX SOCK_SEQPACKET. One frame is one datagram, so
//  - frame boundaries are the kernel's: a reader never sees half a frame or two frames glued,
//    and a datagram that is not exactly one frame is a protocol violation, not a state to keep;
//  - an fd passed with SCM_RIGHTS belongs unambiguously to the one frame of its datagram
//    (on SOCK_STREAM ancillary data attaches to a byte range and may be merged or split);
//  - sendmsg is all-or-nothing: a frame (≤ 16 KiB, far below the socket buffer) is either queued
//    by the kernel whole or refused with EAGAIN, so the output buffer holds whole frames and no
//    partial-write bookkeeping is needed;
//  - the peer's close() is still seen as EOF (recvmsg returns 0), unlike SOCK_DGRAM.
// Every call uses MSG_DONTWAIT (the fd may be blocking or not) and MSG_NOSIGNAL (no SIGPIPE).
// Received fds get O_CLOEXEC (MSG_CMSG_CLOEXEC), so they never leak into a re-exec'd child.
//
// This file makes syscalls (socketpair, sendmsg, recvmsg, getpid); it never blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/frame.h"
#include "ipc/msg_type.h"
#include "ipc/unique_fd.h"

namespace tempus::ipc {

// An IpcError, plus the errno when code == kSyscall.
struct ChannelError {
  IpcError code = IpcError::kSyscall;
  int sys_errno = 0;  // errno of the failed syscall (code == kSyscall), else 0
  bool would_block() const;  // kSyscall with EAGAIN/EWOULDBLOCK: try again when the fd is ready
  bool operator==(const ChannelError&) const = default;
};
// e.g. "syscall: Bad file descriptor (errno 9)" or "bad_pid".
std::string to_string(const ChannelError& e);

struct ReceivedFrame {
  Frame frame;
  UniqueFd fd;  // the fd passed with the frame, if any (close-on-exec)
};

// A connected SOCK_SEQPACKET socketpair, both ends O_CLOEXEC (spawn code dup2()s the child's end
// onto its fixed number, which clears the flag there).
core::Result<std::pair<UniqueFd, UniqueFd>, ChannelError> make_socket_pair();

// Sends `frame` as one datagram, with `pass_fd` (when ≥ 0) attached via SCM_RIGHTS; the caller
// keeps its copy of pass_fd. The bytes are sent as given (the Channel sends only well-formed
// frames; tests use this to send malformed ones). EINTR is retried; EAGAIN is returned as
// kSyscall/EAGAIN. Errors: kFrameTooLong (> kMaxFrameLen), kSyscall, kShortWrite.
core::Status<ChannelError> send_frame(int fd, core::Bytes frame, int pass_fd = -1);

// Receives one datagram (at most kMaxFrameLen bytes, at most one fd), feeds it to `decoder` and
// returns the one frame it must form; the decoder is left empty. Any fd received with a datagram
// that is rejected is closed. Errors: kSyscall (EAGAIN when nothing is waiting), kPeerClosed,
// kControlTruncated (MSG_CTRUNC), kUnexpectedControl, kTooManyFds, kFrameTooLong (MSG_TRUNC),
// kNotOneFrame, and the decoder's errors.
core::Result<ReceivedFrame, ChannelError> recv_frame(int fd, FrameDecoder& decoder);

// Who is at each end of a Channel, and what the receiving side accepts.
struct ChannelOptions {
  Role self = Role::kParent;
  Role peer = Role::kNet;
  // When non-zero, every received header must carry this pid (the parent knows its children's
  // pids from fork; a child knows its parent's from getppid()).
  uint32_t peer_pid = 0;
  // Which types may carry an fd on this channel, sent or received (default: msg_type.h
  // carries_fd, i.e. none yet; nullptr = none).
  bool (*fd_allowed)(MsgType) = carries_fd;
};

// One end of a socketpair with an output queue of whole frames and an inbox, for an event loop:
// call on_readable() when the fd is readable and drain next(); call flush() when it is writable
// and wants_write() is true. A protocol or syscall error is sticky: every later call returns it
// (design.md §2: a bad frame from a peer process is fatal, the caller exits).
class Channel {
 public:
  static constexpr size_t kMaxQueuedFrames = 256;  // output queue bound
  static constexpr size_t kMaxInbox = 32;          // frames received but not yet taken by next()

  // fd: a SOCK_SEQPACKET socket (make_socket_pair). Outgoing headers carry getpid().
  Channel(UniqueFd fd, ChannelOptions opts);

  int fd() const { return fd_.get(); }
  uint32_t local_pid() const { return local_pid_; }
  bool failed() const { return error_.has_value(); }

  // Encodes m (validate() first) with this process's pid and queues it, optionally passing an
  // fd (its ownership moves into the queue; it is closed once sent or if the send fails), then
  // tries to flush. Errors: m's validate() errors, kForbiddenType (m may not go self → peer),
  // kUnexpectedFd, kQueueFull (not sticky: the caller may drop the message, e.g. a log line),
  // and flush()'s.
  template <class M>
  core::Status<ChannelError> send(const M& m, uint32_t peer_id = 0, UniqueFd pass = {}) {
    auto f = encode_message(m, peer_id, local_pid_);
    if (!f.ok()) return core::Unexpected{ChannelError{f.error(), 0}};
    return send_encoded(std::move(*f), std::move(pass));
  }
  // The same for an already encoded frame, which must be well-formed (len == size, known type).
  core::Status<ChannelError> send_encoded(std::vector<std::byte> frame, UniqueFd pass = {});

  // Sends queued frames until the queue is empty or the socket would block (not an error).
  core::Status<ChannelError> flush();
  bool wants_write() const { return !out_.empty(); }
  size_t queued() const { return out_.size(); }

  // Receives datagrams until the socket would block or the inbox holds kMaxInbox frames; returns
  // how many frames arrived. Every frame is checked: known type and length (frame.h), allowed
  // peer → self, header pid, fd only where fd_allowed. Frames received before an error stay
  // available from next() (e.g. the log line a child sent just before closing).
  core::Result<size_t, ChannelError> on_readable();
  // The oldest received frame, or nullopt.
  std::optional<ReceivedFrame> next();

 private:
  struct Outgoing {
    std::vector<std::byte> frame;
    UniqueFd fd;
  };
  core::Status<ChannelError> fail(ChannelError e);
  core::Status<ChannelError> check_incoming(const ReceivedFrame& rf) const;

  UniqueFd fd_;
  ChannelOptions opts_;
  uint32_t local_pid_;
  FrameDecoder decoder_;
  std::deque<Outgoing> out_;
  std::deque<ReceivedFrame> in_;
  std::optional<ChannelError> error_;
};

}  // namespace tempus::ipc
