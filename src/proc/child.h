// SPDX-License-Identifier: ISC
// What the net and dns roles share: their channels (fd 3 to the parent, fd 4 between net and
// dns, placed there by the parent's spawn_self), log relaying to the parent, closing the sandbox,
// and the test-build hooks.
#pragma once

#include <optional>
#include <string>

#include "ipc/channel.h"
#include "proc/options.h"
#include "sys/event.h"

namespace tempus::proc {

inline constexpr int kParentFd = 3;
inline constexpr int kPeerFd = 4;

// A channel with its libevent read/write events. on_frame is called for each received frame;
// a channel error (peer closed, bad frame) calls on_error once.
class LinkedChannel {
 public:
  using FrameHandler = std::function<void(ipc::ReceivedFrame&)>;
  using ErrorHandler = std::function<void(const ipc::ChannelError&)>;

  LinkedChannel(event_base* base, ipc::UniqueFd fd, ipc::ChannelOptions opts,
                FrameHandler on_frame, ErrorHandler on_error);
  template <class M>
  void send(const M& m, uint32_t peer_id = 0) {
    auto st = channel_.send(m, peer_id);
    after_send(st);
  }
  ipc::Channel& channel() { return channel_; }
  // Reads whatever the peer left in the socket now, without waiting for the event loop (the
  // parent calls it when a child has exited, so the child's last words are logged first).
  void drain() { on_readable(); }
  bool closed() const { return closed_; }

 private:
  void after_send(const core::Status<ipc::ChannelError>& st);
  void on_readable();
  void on_writable();
  void fail(const ipc::ChannelError& e);

  ipc::Channel channel_;
  FrameHandler on_frame_;
  ErrorHandler on_error_;
  bool closed_ = false;
  sys::Event read_ev_;
  sys::Event write_ev_;
};

// Routes this process's log lines to the parent as LogLine frames (dropped if the queue is full).
void relay_logs(LinkedChannel& parent, const Options& opts);

// Closes the sandbox of a child role: ignores SIGINT/SIGTERM/SIGHUP (the parent decides when to
// stop), looks up the user (-u, default tempus), drops to it
// (chroot into its home directory when `chroot` is set), then installs the role's seccomp filter
// with a SIGSYS reporter on the parent channel. Without root or the capabilities
// sys::can_drop_privileges() asks for (-U), only the filter is installed.
// Any failure is fatal.
void enter_sandbox(ipc::Role role, const Options& opts, bool chroot);

// Test builds only (-Dtest_hooks=true): the value of TEMPUS_TEST_HOOK, e.g. "net-syscall".
// Release builds always return nullopt.
std::optional<std::string> test_hook();

// Makes a syscall no role's filter allows and none kills outright (acct(NULL)), so the SIGSYS
// reporter runs and the process dies of SIGSYS. Only reachable from test hooks.
void forbidden_syscall();

}  // namespace tempus::proc
