// SPDX-License-Identifier: ISC
// The numbered scenarios and their bounds. RMS and max |error| are measured from 3000 s to
// 20000 s of simulated time; "time to 1 ms" is the first second from which |error| stays
// ≤ 1 ms until the end.
#include <cstdio>
#include <cstdlib>

#include "sim.h"

namespace tempus::sim {

namespace {

core::DisciplineConfig makestep(double threshold_s, int limit) {
  core::DisciplineConfig d;
  d.make_step_threshold = core::Duration::from_seconds_f(threshold_s);
  d.make_step_limit = limit;
  d.drift_file = true;
  return d;
}

// The common start: 0.1 s off (ahead), oscillator +100 ppm, frequency random walk of
// 0.0003 ppm/√s (≈ 0.02 ppm per hour: a PC in a room with stable temperature).
SimClock::Options start_clock() {
  // TEMPUS_SIM_WANDER overrides the random walk (ppm/√s) for experiments.
  const char* w = std::getenv("TEMPUS_SIM_WANDER");
  return {.initial_error_s = 0.1,
          .oscillator_ppm = 100.0,
          .wander_ppm_per_sqrt_s = w ? std::atof(w) : 0.0003};
}

}  // namespace

std::vector<Scenario> scenarios() {
  std::vector<Scenario> v;

  // 001. Issue 4: no makestep; the 0.1 s is slewed away at up to maxslewrate (83333 ppm).
  {
    Scenario s;
    s.id = "001";
    s.name = "one server, 0.1 s and +100 ppm off, no makestep";
    s.clock = start_clock();
    s.servers = {ServerSpec{}};
    s.discipline = makestep(0, 0);
    s.bounds.max_steps = 0;
    v.push_back(s);
  }
  // 002. Five servers, two of them false: never selected nor combined.
  {
    Scenario s;
    s.id = "002";
    s.name = "5 servers, 2 falsetickers (+0.5 s, -0.3 s)";
    s.clock = start_clock();
    s.servers = {ServerSpec{}, ServerSpec{}, ServerSpec{}, ServerSpec{}, ServerSpec{}};
    s.servers[1].offset_s = 0.5;
    s.servers[1].expect_never_selected = true;
    s.servers[3].offset_s = -0.3;
    s.servers[3].expect_never_selected = true;
    s.discipline = makestep(0.05, 3);
    v.push_back(s);
  }
  // 003. 20 % of the exchanges lost.
  {
    Scenario s;
    s.id = "003";
    s.name = "one server, 20 % loss";
    s.clock = start_clock();
    s.servers = {ServerSpec{}};
    s.servers[0].loss = 0.2;
    s.discipline = makestep(0.05, 3);
    // A lost iburst reply leaves the first frequency estimate on fewer samples and the next
    // sample 64 s later; 120 s is met by 16 of 20 seeds, 300 s by all.
    s.bounds.max_time_to_1ms_s = 300;
    v.push_back(s);
  }
  // 004. One server of three steps by 1 s at 10000 s: not followed.
  {
    Scenario s;
    s.id = "004";
    s.name = "3 servers, one steps +1 s at 10000 s";
    s.clock = start_clock();
    s.servers = {ServerSpec{}, ServerSpec{}, ServerSpec{}};
    s.servers[1].step_at_s = 10000;
    s.servers[1].step_s = 1.0;
    s.discipline = makestep(0.05, 3);
    v.push_back(s);
  }
  // 005. makestep 1.0 3 from 10 s off: stepped within the first updates, then converged.
  {
    Scenario s;
    s.id = "005";
    s.name = "10 s off, makestep 1.0 3";
    s.clock = start_clock();
    s.clock.initial_error_s = -10.0;
    s.servers = {ServerSpec{}};
    s.discipline = makestep(1.0, 3);
    s.bounds.min_steps = 1;
    s.bounds.max_steps = 1;
    s.bounds.step_by_update = 3;
    v.push_back(s);
  }
  // 006. 001 with RHEL's makestep 1.0 3 (no step at 0.1 s) and maxslewrate 500: the slew is
  // held to the old kernel rate, so the 0.1 s takes ≥ 200 s.
  {
    Scenario s;
    s.id = "006";
    s.name = "one server, 0.1 s off, maxslewrate 500";
    s.clock = start_clock();
    s.servers = {ServerSpec{}};
    s.discipline = makestep(1.0, 3);
    s.discipline.max_slew_rate_ppm = 500;
    s.bounds.max_time_to_1ms_s = 400;
    s.bounds.max_steps = 0;
    v.push_back(s);
  }
  // 007. 001 against a chronyd that answers at once with precision 2^-20: T3 − T2 is the noise
  // below its precision, negative half the time, and every reply is a measurement.
  {
    Scenario s;
    s.id = "007";
    s.name = "one server answering at once (T3 - T2 within its precision)";
    s.clock = start_clock();
    s.servers = {ServerSpec{}};
    s.servers[0].precision = -20;
    s.servers[0].processing_s = 0;
    s.discipline = makestep(0, 0);
    s.bounds.max_steps = 0;
    v.push_back(s);
  }
  return v;
}

void check(const Scenario& sc, Outcome& out) {
  const Bounds& b = sc.bounds;
  char buf[160];
  auto fail = [&](const char* what) { out.failures.emplace_back(what); };
  if (out.time_to_1ms_s < 0 || out.time_to_1ms_s > b.max_time_to_1ms_s) {
    std::snprintf(buf, sizeof buf, "time to 1 ms %.0f s > %.0f s", out.time_to_1ms_s,
                  b.max_time_to_1ms_s);
    fail(buf);
  }
  if (out.rms_us > b.max_rms_us) {
    std::snprintf(buf, sizeof buf, "RMS %.1f us > %.1f us", out.rms_us, b.max_rms_us);
    fail(buf);
  }
  if (out.max_abs_us > b.max_abs_us) {
    std::snprintf(buf, sizeof buf, "max |offset| %.1f us > %.1f us", out.max_abs_us, b.max_abs_us);
    fail(buf);
  }
  if (b.max_steps >= 0 && out.steps > b.max_steps) fail("too many steps");
  if (out.steps < b.min_steps) fail("too few steps");
  if (b.step_by_update >= 0 && (out.first_step_update < 0 || out.first_step_update >= b.step_by_update))
    fail("no step within the first updates");
  if (out.false_selections > 0) fail("a falseticker was selected or combined");
  if (b.max_reply_errors >= 0 && out.reply_errors > b.max_reply_errors) {
    std::snprintf(buf, sizeof buf, "%d replies dropped as invalid > %d", out.reply_errors,
                  b.max_reply_errors);
    fail(buf);
  }
  if (out.violations > 0) fail("a clock command was outside the parent's bounds");
}

}  // namespace tempus::sim
