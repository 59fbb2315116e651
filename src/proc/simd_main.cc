// SPDX-License-Identifier: ISC
// tempus-simd: the NTP client of tempusd in one process, for clock-and-network simulators that
// work by LD_PRELOAD (chrony's clknetsim), so tempus can be measured next to chronyd on identical
// simulated networks. Test-only: built with -Dtests=true, never installed.
//
// What differs from tempusd is only the process shell: no fork, no privilege separation, no
// seccomp, no dns child (sources must be IP addresses), no control socket, no NTP server. The
// net role's client (Associations over core::Engine, the LocalClock that turns the discipline's
// commands into the five clock verbs) runs unchanged, and its verbs go straight to the parent's
// ClockService (bounds, step budget, LinuxClock: direct adjtimex/clock_adjtime calls) instead of
// over a socketpair: clknetsim treats any descriptor it does not simulate as always readable, so
// an IPC socket in the loop would spin without simulated time ever advancing. The loop is
// libevent on its poll(2) backend, which clknetsim intercepts (it has no epoll).
//
// It refuses to start unless sim_guard.h's checks show that a simulator intercepts every clock
// call, so it can never discipline a real clock.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "proc/associations.h"
#include "proc/bounds.h"
#include "proc/clock_service.h"
#include "proc/load_config.h"
#include "proc/local_clock.h"
#include "proc/net.h"
#include "proc/ntp_server.h"
#include "proc/options.h"
#include "proc/sim_guard.h"
#include "sys/event.h"
#include "sys/linux_clock.h"
#include "sys/log.h"
#include "sys/udp.h"

namespace {

using namespace tempus;
using sys::Severity;

event_base* g_base = nullptr;

// clknetsim ends a run by raising SIGTERM from inside the intercepted poll() (synchronously, in
// this single thread), so breaking the loop here cannot interrupt libevent half-way.
void on_terminate(int) {
  if (g_base) event_base_loopbreak(g_base);
}

// What the one-process shell leaves out, said once at start.
void warn_unsupported(config::Config& cfg, const proc::Options& opts) {
  if (!cfg.drift_file.empty()) {
    sys::logf(Severity::kWarning, "driftfile %s ignored by tempus-simd", cfg.drift_file.c_str());
    cfg.drift_file.clear();
  }
  if (!cfg.refclocks.empty()) sys::logf(Severity::kWarning, "refclocks ignored by tempus-simd");
  if (proc::server_enabled(cfg))
    sys::logf(Severity::kWarning, "allow ignored: tempus-simd serves no clients");
  if (!opts.ignored.empty()) sys::logf(Severity::kWarning, "ignored options given");
}

int run(const proc::Options& opts, config::Config cfg) {
  warn_unsupported(cfg, opts);
  for (const auto& s : cfg.sources) {
    if (!s.address)
      sys::fatal("%s: tempus-simd resolves no names; give an IP address", s.host.c_str());
  }
  auto base = sys::make_poll_event_base();
  if (!base) sys::fatal("cannot create an event base on libevent's poll backend");
  g_base = base.get();

  const auto bounds = proc::clock_bounds(cfg, opts);
  if (!ipc::validate(bounds)) sys::fatal("invalid clock bounds");
  sys::RealKernelClockApi kernel;
  std::unique_ptr<sys::LinuxClock> backend;
  if (!opts.no_adjust) backend = std::make_unique<sys::LinuxClock>(kernel);
  sys::Event slew_timer;
  proc::ClockService service(bounds, backend.get(), std::nullopt, &sys::monotonic_ns,
                             [&slew_timer](std::optional<core::Duration> d) {
                               if (d) slew_timer.add(*d); else slew_timer.del();
                             });
  slew_timer = sys::Event::timer(base.get(), [&service](short) { service.on_slew_timer(); });

  int exit_code = 0;
  auto stop = [&](int code) {
    exit_code = code;
    event_base_loopbreak(base.get());
  };
  std::unique_ptr<proc::LocalClock> clock;
  if (opts.no_adjust) {
    clock = proc::make_no_adjust_clock(base.get());
  } else {
    clock = proc::make_system_clock(
        [&](const ipc::AnyMessage& m) {
          auto r = service.handle(m);
          if (!r) {
            // The parent would end the daemon here (fail closed); so does this shell.
            sys::logf(Severity::kCritical, "refused %s: %s",
                      std::string(ipc::to_string(ipc::type_of(m))).c_str(), r.error().c_str());
            stop(1);
            return;
          }
          proc::log_clock_result(m, *r);
        },
        cfg.rtc_sync);
  }
  proc::Associations assocs(base.get(), cfg, *clock, std::nullopt, std::nullopt, [&] { stop(1); });
  for (size_t i = 0; i < cfg.sources.size(); ++i)
    proc::start_polling(assocs, cfg.sources[i], i, {*cfg.sources[i].address});

  struct sigaction sa {};
  sa.sa_handler = on_terminate;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sys::logf(Severity::kInfo, "tempus-simd running (pid %d)", getpid());
  event_base_dispatch(base.get());
  if (exit_code == 0) assocs.shutdown();
  service.end_slew();
  g_base = nullptr;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // First, before anything else can touch a clock.
  if (auto ok = proc::simulator_status(); !ok) {
    std::fprintf(stderr, "tempus-simd: refusing to start: %s\n", ok.error().c_str());
    return 1;
  }
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto opts = proc::parse_options(args, "tempus-simd.conf");
  if (!opts) {
    std::fprintf(stderr, "tempus-simd: %s\n", opts.error().c_str());
    return 1;
  }
  if (opts->role != proc::Role::kParent || opts->one_shot != proc::OneShot::kNone ||
      opts->print_config || opts->show_help || opts->show_version) {
    std::fprintf(stderr, "tempus-simd: takes only -f FILE (or directives), -d, -L and -x\n");
    return 1;
  }
  const sys::Severity threshold =
      sys::threshold_for_level(opts->debug >= 2 ? -1 : static_cast<int>(opts->log_level));
  sys::log_open("tempus-simd", sys::LogTarget::kStderr, threshold);
  auto cfg = proc::load_config(*opts);
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error().to_string().c_str());
    return 1;
  }
  for (const auto& w : cfg->warnings) sys::logf(Severity::kWarning, "%s", w.to_string().c_str());
  return run(*opts, cfg->config);
}
