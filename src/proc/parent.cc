// SPDX-License-Identifier: ISC
#include "proc/parent.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "ipc/any_message.h"
#include "proc/bounds.h"
#include "proc/child.h"
#include "proc/clock_service.h"
#include "proc/cmdmon_server.h"
#include "proc/log_files.h"
#include "proc/nts_ke_service.h"
#include "sys/linux_clock.h"
#include "sys/log.h"
#include "sys/privdrop.h"
#include "sys/seccomp.h"
#include "sys/selinux.h"
#include "sys/spawn.h"
#include "sys/state_files.h"
#include "sys/udp.h"
#include "sys/virtual_clock.h"
#include "tempus_build.h"

namespace tempus::proc {

namespace {

using sys::Severity;

constexpr core::Duration kStopGrace = core::Duration::s(5);

const char* role_name(ipc::Role r) { return r == ipc::Role::kNet ? "net" : "dns"; }

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")" +
           (sig == SIGSYS ? ": seccomp violation" : "");
  }
  return "stopped";
}

std::string dirname_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string basename_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The clock the parent disciplines: none under -x (so no clock call is ever made), the host's,
// or in test builds (TEMPUS_TEST_CLOCK=virtual) a virtual clock that is not the host's.
std::unique_ptr<sys::ClockBackend> make_backend(const Options& opts, sys::KernelClockApi& api) {
  if (opts.no_adjust) return nullptr;
#ifdef TEMPUS_TEST_HOOKS
  if (const char* c = std::getenv("TEMPUS_TEST_CLOCK"); c && std::string(c) == "virtual")
    return std::make_unique<sys::VirtualClock>(&sys::realtime_now, sys::VirtualClock::Options{});
#endif
  return std::make_unique<sys::LinuxClock>(api);
}

// The drift file's directory, opened now so the parent can replace the file after its sandbox
// closed; nullopt without a driftfile directive.
std::optional<DriftTarget> open_drift_target(const std::string& path) {
  if (path.empty()) return std::nullopt;
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  auto fd = sys::open_dir(dir);
  if (!fd) sys::fatal("cannot open the drift file's directory %s: %s", dir.c_str(),
                      sys::to_string(fd.error()).c_str());
  return DriftTarget{std::move(*fd), path.substr(slash == std::string::npos ? 0 : slash + 1)};
}

class Parent {
 public:
  Parent(const Options& opts, const config::Config& cfg) : opts_(opts), cfg_(cfg) {}

  int run(const std::vector<std::string>& argv);

 private:
  struct Child {
    ipc::Role role;
    pid_t pid = -1;
    bool alive = false;
    bool hello = false;
    bool ready = false;
    bool failed = false;  // it broke the protocol: nothing it sends is acted on any more
    std::unique_ptr<LinkedChannel> link;
  };

  void spawn_children(const std::vector<std::string>& argv);
  void close_sandbox();
  void on_frame(Child& c, ipc::ReceivedFrame& rf);
  void on_clock_verb(Child& c, const ipc::AnyMessage& m, uint32_t peer_id);
  void on_notify(const ipc::SdNotify& n);
  void violation(Child& c, const std::string& what);
  void begin_stop(int code, const char* why);
  void reap();
  void finish();
  Child* child_by_pid(pid_t pid);

  const Options& opts_;
  const config::Config& cfg_;
  sys::EventBasePtr base_;
  std::array<Child, 2> children_{Child{ipc::Role::kNet}, Child{ipc::Role::kDns}};
  sys::RealKernelClockApi kernel_;
  std::unique_ptr<sys::ClockBackend> backend_;
  std::vector<int> dir_fds_;  // the only directories the parent's filter lets it write in
  std::unique_ptr<ClockService> clock_;
  ipc::UniqueFd run_dir_;
  ipc::UniqueFd nts_dir_;  // ntsdumpdir, when the NTS server saves its keys there
  ipc::UniqueFd cmd_dir_;  // chronyc's socket directory (proc/cmdmon_server.h), if enabled
  std::optional<LogFiles> logs_;  // logdir, with `log ...` (proc/log_files.h)
  bool stopping_ = false;
  int exit_code_ = 0;
  std::vector<sys::Event> signals_;
  sys::Event stop_timer_;
  sys::Event lifetime_timer_;
  sys::Event slew_timer_;  // ends the clock slew in progress (ClockService)
};

void Parent::spawn_children(const std::vector<std::string>& argv) {
  auto exe = sys::self_exe_path();
  if (!exe) sys::fatal("%s", exe.error().c_str());
  auto pn = ipc::make_socket_pair();
  auto pd = ipc::make_socket_pair();
  auto nd = ipc::make_socket_pair();
  if (!pn || !pd || !nd) sys::fatal("socketpair failed");

  const std::pair<ipc::UniqueFd*, ipc::UniqueFd*> ends[2] = {{&pn->second, &nd->first},
                                                            {&pd->second, &nd->second}};
  std::unique_ptr<ipc::UniqueFd> parent_ends[2] = {
      std::make_unique<ipc::UniqueFd>(std::move(pn->first)),
      std::make_unique<ipc::UniqueFd>(std::move(pd->first))};
  const sys::SelinuxState selinux = sys::selinux_state();
  for (size_t i = 0; i < children_.size(); ++i) {
    Child& c = children_[i];
    std::vector<std::string> args = argv;
    args.push_back(std::string("--role=") + role_name(c.role));
    const int fds[2] = {ends[i].first->get(), ends[i].second->get()};
    // Each child's own SELinux domain (sys/selinux.h), for this one exec.
    const bool domain_set = sys::set_child_exec_context(
        selinux, c.role == ipc::Role::kNet ? sys::kSelinuxNetType : sys::kSelinuxDnsType,
        role_name(c.role));
    auto pid = sys::spawn_self(*exe, args, fds);
    if (domain_set) sys::clear_exec_context();
    if (!pid) sys::fatal("cannot start the %s process: %s", role_name(c.role), pid.error().c_str());
    c.pid = *pid;
    c.alive = true;
    c.link = std::make_unique<LinkedChannel>(
        base_.get(), std::move(*parent_ends[i]),
        ipc::ChannelOptions{.self = ipc::Role::kParent, .peer = c.role,
                            .peer_pid = static_cast<uint32_t>(c.pid)},
        [this, &c](ipc::ReceivedFrame& rf) { on_frame(c, rf); },
        [this, &c](const ipc::ChannelError& e) {
          if (e.code == ipc::IpcError::kPeerClosed) return;  // SIGCHLD tells the rest
          violation(c, "invalid frame: " + ipc::to_string(e));
        });
  }
  // pn/pd/nd's child ends close here: only the children hold them now.
}

void Parent::close_sandbox() {
  if (sys::can_drop_privileges()) {
    // A test build's virtual clock needs no capability at all: keep none, so such runs are
    // safe even where CAP_SYS_TIME was removed beforehand (capsh --drop=cap_sys_time).
    const bool virtual_clock = backend_ && !dynamic_cast<sys::LinuxClock*>(backend_.get());
    auto st = virtual_clock ? sys::keep_no_capabilities() : sys::keep_only_sys_time();
    if (!st) sys::fatal("cannot drop capabilities: %s", st.error().c_str());
  }
  sys::FilterContext ctx;
  ctx.self_pid = getpid();
  for (const auto& c : children_) ctx.child_pids.push_back(c.pid);
  ctx.dir_fds = dir_fds_;
  if (auto st = sys::install_sigsys_reporter(STDERR_FILENO, sys::ReportKind::kText); !st)
    sys::fatal("cannot install SIGSYS reporter: %s", st.error().c_str());
  if (auto st = sys::install_filter(sys::FilterRole::kParent, ctx); !st)
    sys::fatal("cannot install seccomp filter: %s", st.error().c_str());
}

void Parent::on_frame(Child& c, ipc::ReceivedFrame& rf) {
  // The kill in violation() fails once the parent holds only CAP_SYS_TIME: until the child is
  // gone, what it sends after the violation (in-bounds clock verbs too) is ignored.
  if (c.failed) return;
  auto m = ipc::decode_any(rf.frame);
  if (!m) {
    violation(c, std::string("malformed ") + std::string(ipc::to_string(rf.frame.header.type)) +
                     ": " + std::string(ipc::to_string(m.error())));
    return;
  }
  if (auto* h = std::get_if<ipc::Hello>(&*m)) {
    if (c.hello || h->role != c.role || h->pid != static_cast<uint32_t>(c.pid))
      return violation(c, "unexpected hello");
    c.hello = true;
  } else if (auto* r = std::get_if<ipc::Ready>(&*m)) {
    if (!c.hello || c.ready || r->role != c.role || r->pid != static_cast<uint32_t>(c.pid))
      return violation(c, "unexpected ready");
    c.ready = true;
    if (children_[0].ready && children_[1].ready) {
      sys::logf(Severity::kInfo, "tempusd %s running (net pid %d, dns pid %d)%s", TEMPUS_VERSION,
                children_[0].pid, children_[1].pid, opts_.no_adjust ? ", clock not adjusted (-x)" : "");
      sd_notify(0, "READY=1");
    }
  } else if (auto* l = std::get_if<ipc::LogLine>(&*m)) {
    sys::log_line(static_cast<Severity>(std::max<int>(l->priority, 2)),
                  std::string(role_name(c.role)) + ": " + l->text);
  } else if (auto* v = std::get_if<ipc::SeccompViolation>(&*m)) {
    sys::logf(Severity::kError, "%s: seccomp: forbidden syscall %s (%u, arch 0x%x)",
              role_name(c.role), sys::syscall_name(static_cast<int>(v->syscall_nr)).c_str(),
              v->syscall_nr, v->arch);
  } else if (auto* n = std::get_if<ipc::SdNotify>(&*m)) {
    on_notify(*n);
  } else if (auto* s = std::get_if<ipc::Shutdown>(&*m)) {
    // chronyc shutdown, relayed by net: an orderly stop, exit status 0.
    if (s->reason != ipc::ShutdownReason::kStop) return violation(c, "unexpected shutdown");
    begin_stop(0, "shutdown command");
  } else if (auto* w = std::get_if<ipc::WriteFile>(&*m)) {
    // The NTS files, whole, into ntsdumpdir (mode 0600); log lines (checked whole printable
    // lines by decode) appended to logdir.
    int err = EPERM;
    if (c.role == ipc::Role::kNet && ipc::is_log_file(w->file) && logs_)
      err = w->op == ipc::FileOp::kAppend ? logs_->append(w->file, w->data)
                                          : logs_->reopen(w->file);
    const bool nts_file = w->file == ipc::FileId::kNtsKeys || w->file == ipc::FileId::kNtsCookies;
    if (c.role == ipc::Role::kNet && nts_file && w->op == ipc::FileOp::kReplace && nts_dir_) {
      const char* name = w->file == ipc::FileId::kNtsKeys ? kNtsKeysFile : kNtsCookiesFile;
      auto st = sys::write_atomically(nts_dir_.get(), name, w->data, 0600);
      err = st ? 0 : st.error().code;
      if (!st)
        sys::logf(Severity::kError, "cannot save %s in %s: %s", name, cfg_.nts_dump_dir.c_str(),
                  sys::to_string(st.error()).c_str());
    }
    c.link->send(ipc::FileResult{.file = w->file, .op = w->op, .error = err},
                 rf.frame.header.peer_id);
  } else {
    on_clock_verb(c, *m, rf.frame.header.peer_id);
  }
}

void Parent::on_clock_verb(Child& c, const ipc::AnyMessage& m, uint32_t peer_id) {
  if (c.role != ipc::Role::kNet || !ipc::is_clock_verb(ipc::type_of(m)))
    return violation(c, std::string("unexpected ") + std::string(ipc::to_string(ipc::type_of(m))));
  auto result = clock_->handle(m);
  if (!result) return violation(c, "refused " + std::string(ipc::to_string(ipc::type_of(m))) +
                                       ": " + result.error());
  log_clock_result(m, *result);
  c.link->send(*result, peer_id);
}

void Parent::on_notify(const ipc::SdNotify& n) {
  switch (n.state) {
    case ipc::SdState::kReady: sd_notify(0, "READY=1"); break;
    case ipc::SdState::kStopping: sd_notify(0, "STOPPING=1"); break;
    case ipc::SdState::kWatchdog: sd_notify(0, "WATCHDOG=1"); break;
    case ipc::SdState::kStatus: sd_notifyf(0, "STATUS=%s", n.status.c_str()); break;
  }
}

void Parent::violation(Child& c, const std::string& what) {
  // Fail closed (design.md §2): whatever the child asked is not done, and the daemon ends.
  c.failed = true;
  sys::logf(Severity::kCritical, "%s process: %s; stopping", role_name(c.role), what.c_str());
  // It is not trusted to stop by itself. Without CAP_KILL this kill fails once the parent has
  // dropped to CAP_SYS_TIME (the child runs as another user): then the child dies of its
  // parent-death signal (enter_sandbox) when the parent exits at the end of the stop.
  if (c.alive) kill(c.pid, SIGKILL);
  begin_stop(1, nullptr);
}

void Parent::begin_stop(int code, const char* why) {
  exit_code_ = std::max(exit_code_, code);
  if (stopping_) return;
  stopping_ = true;
  // Whatever stops the daemon, the clock must not keep running off its frequency.
  clock_->end_slew();
  if (why) sys::logf(Severity::kInfo, "stopping (%s)", why);
  sd_notify(0, "STOPPING=1");
  for (auto& c : children_) {
    if (!c.alive) continue;
    c.link->send(ipc::Shutdown{.reason = code == 0 ? ipc::ShutdownReason::kStop
                                                   : ipc::ShutdownReason::kPeerFailed});
  }
  stop_timer_ = sys::Event::timer(base_.get(), [this](short) {
    bool orphaned = false;
    for (auto& c : children_) {
      if (!c.alive) continue;
      sys::logf(Severity::kWarning, "%s process did not stop; killing it", role_name(c.role));
      if (kill(c.pid, SIGKILL) != 0) orphaned = true;  // EPERM without CAP_KILL: see violation()
    }
    // The parent's exit is what kills them then (their parent-death signal).
    if (orphaned) finish();
  });
  stop_timer_.add(kStopGrace);
  reap();
}

Parent::Child* Parent::child_by_pid(pid_t pid) {
  for (auto& c : children_)
    if (c.pid == pid) return &c;
  return nullptr;
}

void Parent::reap() {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    Child* c = child_by_pid(pid);
    if (!c) continue;
    c->alive = false;
    // Anything still queued from it (its last log lines, a seccomp report) comes first.
    c->link->drain();
    const bool clean = stopping_ && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (opts_.one_shot != OneShot::kNone && c->role == ipc::Role::kNet && WIFEXITED(status) &&
        !stopping_) {
      // -q/-Q: net ends the daemon when it has done the one correction (or given up).
      sys::logf(Severity::kInfo, "net process (pid %d) %s", pid, describe_exit(status).c_str());
      begin_stop(WEXITSTATUS(status), "one-shot mode done");
      continue;
    }
    sys::logf(clean ? Severity::kInfo : Severity::kError, "%s process (pid %d) %s",
              role_name(c->role), pid, describe_exit(status).c_str());
    if (!clean) begin_stop(1, nullptr);
  }
  if (stopping_ && !children_[0].alive && !children_[1].alive) finish();
}

void Parent::finish() {
  clock_->end_slew();  // a slew net asked for while stopping
  if (run_dir_) unlinkat(run_dir_.get(), basename_of(opts_.control_socket).c_str(), 0);
  if (cmd_dir_) unlinkat(cmd_dir_.get(), basename_of(cmdmon_path(cfg_, opts_)).c_str(), 0);
  event_base_loopbreak(base_.get());
}

int Parent::run(const std::vector<std::string>& argv) {
  base_ = sys::make_event_base();
  if (!base_) sys::fatal("cannot create event base");

  const auto bounds = clock_bounds(cfg_, opts_);
  if (auto st = ipc::validate(bounds); !st) sys::fatal("invalid clock bounds");
  backend_ = make_backend(opts_, kernel_);
  auto drift = open_drift_target(cfg_.drift_file);
  if (drift) dir_fds_.push_back(drift->dir.get());
  slew_timer_ = sys::Event::timer(base_.get(), [this](short) { clock_->on_slew_timer(); });
  clock_ = std::make_unique<ClockService>(
      bounds, backend_.get(), std::move(drift), &sys::monotonic_ns,
      [this](std::optional<core::Duration> d) {
        if (d) slew_timer_.add(*d); else slew_timer_.del();
      });

  const std::string run_dir = dirname_of(opts_.control_socket);
  if (mkdir(run_dir.c_str(), 0755) != 0 && errno != EEXIST)
    sys::fatal("cannot create %s: %s", run_dir.c_str(), strerror(errno));
  auto rd = sys::open_dir(run_dir);
  if (!rd) sys::fatal("cannot open %s: %s", run_dir.c_str(), sys::to_string(rd.error()).c_str());
  run_dir_ = std::move(*rd);
  dir_fds_.push_back(run_dir_.get());
  if (const std::string path = cmdmon_path(cfg_, opts_); !path.empty()) {
    auto plan = plan_cmdmon(path, opts_);
    auto dir = plan ? prepare_cmdmon_dir(plan->dir, plan->gid)
                    : core::Result<ipc::UniqueFd, std::string>(core::Unexpected{plan.error()});
    if (dir) {
      cmd_dir_ = std::move(*dir);
      dir_fds_.push_back(cmd_dir_.get());
    } else {
      sys::logf(Severity::kWarning, "command socket %s disabled: %s", path.c_str(),
                dir.error().c_str());
    }
  }

  // ntsdumpdir: the NTS server's master keys and the client's cookies are saved there for net
  // (WriteFile kNtsKeys, kNtsCookies).
  if (!cfg_.nts_dump_dir.empty() && (nts_server_configured(cfg_) || nts_client_configured(cfg_))) {
    if (mkdir(cfg_.nts_dump_dir.c_str(), 0700) != 0 && errno != EEXIST)
      sys::logf(Severity::kWarning, "cannot create %s: %s", cfg_.nts_dump_dir.c_str(),
                strerror(errno));
    if (auto d = sys::open_dir(cfg_.nts_dump_dir)) {
      nts_dir_ = std::move(*d);
      dir_fds_.push_back(nts_dir_.get());
    } else {
      sys::logf(Severity::kWarning, "ntsdumpdir %s: %s; NTS keys will not be saved",
                cfg_.nts_dump_dir.c_str(), sys::to_string(d.error()).c_str());
    }
  }

  // logdir: chronyd's statistics logs, appended for net (WriteFile kLog*). Created like
  // chronyd does; without it (or without `log`) nothing is written.
  if (!cfg_.log_dir.empty() && cfg_.log.any()) {
    if (mkdir(cfg_.log_dir.c_str(), 0755) != 0 && errno != EEXIST)
      sys::logf(Severity::kWarning, "cannot create %s: %s", cfg_.log_dir.c_str(), strerror(errno));
    if (auto d = sys::open_dir(cfg_.log_dir)) {
      dir_fds_.push_back(d->get());
      logs_.emplace(std::move(*d));
    } else {
      sys::logf(Severity::kWarning, "logdir %s: %s; statistics logs disabled",
                cfg_.log_dir.c_str(), sys::to_string(d.error()).c_str());
    }
  }

  signal(SIGPIPE, SIG_IGN);
  for (int sig : {SIGTERM, SIGINT}) {
    signals_.push_back(sys::Event::signal(base_.get(), sig, [this, sig](short) {
      begin_stop(0, sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }));
  }
  signals_.push_back(sys::Event::signal(base_.get(), SIGCHLD, [this](short) { reap(); }));
  signals_.push_back(sys::Event::signal(base_.get(), SIGHUP, [](short) {
    sys::logf(Severity::kInfo, "SIGHUP ignored (reload is not supported yet)");
  }));
  for (auto& s : signals_) s.add();

  spawn_children(argv);
  close_sandbox();
  if (test_hook() == "parent-syscall") forbidden_syscall();
  // -t ends the daemon, except with -q/-Q, where net owns the timeout and reports the outcome
  // ("No suitable source", exit 1): two timers firing together raced to pick the exit status.
  if (opts_.timeout && opts_.one_shot == OneShot::kNone) {
    lifetime_timer_ = sys::Event::timer(base_.get(), [this](short) { begin_stop(0, "timeout (-t)"); });
    lifetime_timer_.add(*opts_.timeout);
  }
  event_base_dispatch(base_.get());
#ifdef TEMPUS_TEST_HOOKS
  // What the virtual clock was made to do: tests of refused verbs expect none.
  if (auto* v = dynamic_cast<sys::VirtualClock*>(backend_.get()))
    sys::logf(Severity::kInfo, "virtual clock: %u adjustments", v->adjustments());
#endif
  return exit_code_;
}

}  // namespace

int run_parent(const Options& opts, const config::ParseOutput& cfg,
               const std::vector<std::string>& argv) {
  const Severity threshold =
      sys::threshold_for_level(opts.debug >= 2 ? -1 : static_cast<int>(opts.log_level));
  if (opts.log_file) {
    if (!sys::log_open("tempusd", sys::LogTarget::kFile, threshold, *opts.log_file))
      sys::logf(Severity::kError, "cannot open log file %s", opts.log_file->c_str());
  } else {
    // -q/-Q run in the foreground and report on the terminal, as chronyd's do.
    const bool terminal = opts.debug || opts.one_shot != OneShot::kNone;
    sys::log_open("tempusd", terminal ? sys::LogTarget::kStderr : sys::LogTarget::kSyslog,
                  threshold);
  }
  for (const auto& w : cfg.warnings) sys::logf(Severity::kWarning, "%s", w.to_string().c_str());
  for (const auto& i : opts.ignored)
    sys::logf(Severity::kWarning, "option %s is not implemented yet; ignored", i.c_str());
  if (!sys::can_drop_privileges() && !opts.allow_non_root)
    sys::fatal("must be started as root, or with CAP_SETUID, CAP_SETGID and CAP_SETPCAP as "
               "ambient capabilities (-U allows otherwise, without privilege separation)");
  if (!opts.foreground && opts.one_shot == OneShot::kNone && daemon(0, 0) != 0)
    sys::fatal("cannot detach: %s", strerror(errno));
  umask(022);  // files the parent writes (drift) are created with mode & ~umask

  Parent parent(opts, cfg.config);
  return parent.run(argv);
}

}  // namespace tempus::proc
