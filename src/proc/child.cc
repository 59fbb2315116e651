// SPDX-License-Identifier: ISC
#include "proc/child.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ipc/services.h"
#include "ipc/text.h"
#include "sys/log.h"
#include "sys/privdrop.h"
#include "sys/seccomp.h"
#include "tempus_build.h"

namespace tempus::proc {

LinkedChannel::LinkedChannel(event_base* base, ipc::UniqueFd fd, ipc::ChannelOptions opts,
                             FrameHandler on_frame, ErrorHandler on_error)
    : channel_(std::move(fd), opts), on_frame_(std::move(on_frame)),
      on_error_(std::move(on_error)) {
  read_ev_ = sys::Event(base, channel_.fd(), EV_READ | EV_PERSIST, [this](short) { on_readable(); });
  write_ev_ = sys::Event(base, channel_.fd(), EV_WRITE, [this](short) { on_writable(); });
  read_ev_.add();
}

void LinkedChannel::after_send(const core::Status<ipc::ChannelError>& st) {
  if (!st.ok()) {
    if (channel_.failed()) {
      fail(st.error());
    } else if (st.error().code != ipc::IpcError::kQueueFull) {
      // The message itself was invalid (a bug on this side): it is dropped, the channel lives.
      sys::logf(sys::Severity::kError, "dropped an outgoing message: %s",
                ipc::to_string(st.error()).c_str());
    }
    return;
  }
  if (channel_.wants_write() && !write_ev_.pending()) write_ev_.add();
}

void LinkedChannel::on_readable() {
  if (closed_) return;  // drain() may run after an error
  auto n = channel_.on_readable();
  // Frames that arrived before an error are still handed over (e.g. a child's last log line).
  while (auto f = channel_.next()) on_frame_(*f);
  if (!n.ok() && !n.error().would_block()) fail(n.error());
}

void LinkedChannel::on_writable() {
  if (closed_) return;
  auto st = channel_.flush();
  if (!st.ok() && !st.error().would_block()) {
    fail(st.error());
    return;
  }
  if (channel_.wants_write()) write_ev_.add();
}

void LinkedChannel::fail(const ipc::ChannelError& e) {
  if (closed_) return;
  closed_ = true;
  read_ev_.del();
  write_ev_.del();
  // A peer that died with frames of ours unread resets the socket: that is an end, not an attack.
  if (e.code == ipc::IpcError::kSyscall && (e.sys_errno == ECONNRESET || e.sys_errno == EPIPE)) {
    on_error_(ipc::ChannelError{ipc::IpcError::kPeerClosed, 0});
    return;
  }
  on_error_(e);
}

void relay_logs(LinkedChannel& parent, const Options& opts) {
  sys::log_set_sink(
      [&parent](sys::Severity s, std::string_view text) {
        ipc::LogLine line;
        line.priority = static_cast<uint8_t>(s);
        line.text = ipc::sanitize_text(text, ipc::LogLine::kMaxText);
        parent.send(line);
      },
      sys::threshold_for_level(opts.debug >= 2 ? -1 : static_cast<int>(opts.log_level)));
}

void enter_sandbox(ipc::Role role, const Options& opts, bool chroot) {
  // Stopping is the parent's decision: a terminal's Ctrl-C or systemd's SIGTERM to the whole
  // cgroup must not kill a child behind its back (the parent sends Shutdown instead).
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  const auto filter = role == ipc::Role::kNet ? sys::FilterRole::kNet : sys::FilterRole::kDns;
  const pid_t parent = getppid();
  if (sys::can_drop_privileges()) {
    const std::string name = opts.user.value_or(TEMPUS_DEFAULT_USER);
    auto ids = sys::lookup_user(name);
    if (!ids) sys::fatal("cannot run as user %s: %s", name.c_str(), ids.error().c_str());
    std::optional<std::string> dir;
    if (chroot) dir = ids->home;
    if (auto st = sys::drop_child(*ids, dir); !st)
      sys::fatal("cannot drop privileges: %s", st.error().c_str());
  } else if (!opts.allow_non_root) {
    sys::fatal("must be started as root (-U allows otherwise)");
  }
  // A child never outlives the parent: the parent, left with CAP_SYS_TIME only, cannot signal a
  // process of another user, so the kernel does it when the parent exits. Set after the uid
  // change, which clears it; a parent already gone by then is caught by the getppid() check.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    sys::fatal("prctl(PR_SET_PDEATHSIG): %s", std::strerror(errno));
  if (getppid() != parent) sys::fatal("the parent process is gone");
  sys::FilterContext ctx;
  ctx.self_pid = getpid();
  if (auto st = sys::install_sigsys_reporter(kParentFd, sys::ReportKind::kIpcFrame); !st)
    sys::fatal("cannot install SIGSYS reporter: %s", st.error().c_str());
  if (auto st = sys::install_filter(filter, ctx); !st)
    sys::fatal("cannot install seccomp filter: %s", st.error().c_str());
}

std::optional<std::string> test_hook() {
#ifdef TEMPUS_TEST_HOOKS
  if (const char* h = std::getenv("TEMPUS_TEST_HOOK")) return std::string(h);
#endif
  return std::nullopt;
}

void forbidden_syscall() { syscall(SYS_acct, nullptr); }

}  // namespace tempus::proc
