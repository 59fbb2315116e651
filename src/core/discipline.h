// SPDX-License-Identifier: ISC
// The reference / clock discipline (the role of chrony's reference.c): turns the selected
// offset estimate into ClockCommands for the parent, and nothing else touches the clock.
//
// Signs (sample.h): offset > 0: the local clock is BEHIND the reference (correct it forward).
// Source frequency (SourceEstimate::freq_ppm) > 0: the local clock runs FASTER than the source.
// Correction frequency (FrequencyCommand, frequency_ppm(), DriftCommand) > 0: the kernel makes
// the clock run FASTER; this is tempus' frequency everywhere else too (drift.h converts to the
// file's sign).
//
// Phase correction: SlewCommand{offset, rate}, carried out by the parent as a temporary
// frequency offset (chrony's method on Linux): the clock runs at the frequency in force ± rate
// until the offset is applied (core/slew.h has the exact arithmetic), and a new SlewCommand
// REPLACES what remains. The rate is chosen like chrony's: |offset| / (corr_time_ratio × the
// interval since the previous update), at least the kernel's 500 ppm (so small corrections still
// end long before the next measurement) and at most max_slew_rate_ppm (maxslewrate, default
// 83333 ppm, capped at kMaxSlewRatePpm; a maxslewrate below 500 ppm is honoured and wins over
// the 500 ppm floor). The first update, with no interval yet, slews at the cap: a 0.1 s
// start-up offset takes 1.2 s at the default, instead of 200 s at the kernel's fixed 500 ppm.
// Rates are multiples of 2^-16 ppm (the ipc unit), so the parent runs exactly what is modelled.
// pending_slew() models the remainder from (offset, rate, start), the same SlewPlan the parent
// runs, and the caller subtracts it from new measurements (chrony's "cooked"
// time), so slews that outlast a poll interval do not disturb the regression either.
//
// Feedback into the statistics: every update that changes the clock returns a Correction. The
// caller applies it to EVERY SourceStats (SourceStats::apply_correction(when, phase,
// dfreq_ppm)) before adding further samples, and subtracts pending_slew(t) from every new
// sample's offset taken at local time t. Then all regressions stay relative to the clock as
// corrected, and a source's freq_ppm is the residual error of the frequency now in force.
//
// Time arguments are local (system clock) times, non-decreasing across calls.
// Pure: no syscalls; returns commands as values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/packet.h"
#include "core/sample.h"
#include "core/slew.h"
#include "core/time.h"

namespace tempus::core {

// The slowest rate the discipline picks unless maxslewrate is lower: the kernel's single-shot
// slew rate (Linux: 500 µs per second).
inline constexpr double kMinSlewRatePpm = 500.0;
// The fastest: the kernel's tick range (±10 %, ipc kMaxSlewRateScaledPpm) less the frequency
// bound, so that frequency + rate always fits.
inline constexpr double kMaxSlewRatePpm = 100000.0 - 500.0;
// The kernel's (and the parent's) frequency correction bound.
inline constexpr double kMaxFrequencyPpm = 500.0;
// The parent's largest slew (proc/bounds.h kMaxSlewBoundNs).
inline constexpr Duration kMaxSlew = Duration::s(1000);
// The kernel's maxerror/esterror ceiling (ipc kKernelMaxErrorUs).
inline constexpr Duration kMaxKernelError = Duration::s(16);
// How often tick() refreshes the kernel status between updates: the kernel's maxerror then
// stays within 0.52 s (1024 s × 500 µs/s) of the grown root distance.
inline constexpr Duration kStatusRefresh = Duration::s(1024);

struct MaxChangeLimit {
  Duration offset;  // a correction larger than this...
  int start = 0;    // ...is checked from update number `start` (0-based count of updates) on...
  int ignore = 0;   // ...ignored this many times; the next one is fatal
};

struct DisciplineConfig {
  // makestep THRESHOLD LIMIT: step when |offset| > threshold during the first `limit` updates
  // (limit < 0: on every update; limit 0 or threshold ≤ 0: never).
  Duration make_step_threshold;
  int make_step_limit = 0;
  // initstepslew THRESHOLD: the first update steps when |offset| > this, whatever makestep
  // says (0: off).
  Duration init_step_threshold;
  double max_update_skew_ppm = 1000.0;   // maxupdateskew: no frequency update above this skew
  double max_slew_rate_ppm = 1e6 / 12.0; // maxslewrate (see header comment)
  double corr_time_ratio = 3.0;          // corrtimeratio (see header comment)
  std::optional<MaxChangeLimit> max_change;
  double max_clock_error_ppm = 1.0;      // maxclockerror: dispersion growth of our own clock
  double max_drift_ppm = 100000.0;       // maxdrift; the command bound is min(this, 500 ppm)
  bool drift_file = false;               // emit DriftCommand (driftfile configured)
  Duration drift_interval = Duration::s(3600);
};

// The value loaded from the drift file, as a correction (drift.h correction_from_drift()).
struct InitialFrequency {
  double freq_ppm = 0;  // > 0: make the clock run faster
  double skew_ppm = 0;
};

// One update from the selected (and combined) sources, evaluated at local time `now`.
struct ReferenceUpdate {
  Timestamp now;
  uint32_t ref_id = 0;         // the selected source's reference ID (ours: its address/refid)
  uint8_t stratum = 0;         // the selected source's stratum (ours will be +1)
  Leap leap = Leap::kNone;     // the selection's leap vote
  Duration offset;             // combined offset at `now`, > 0: local behind (cooked, see above)
  Duration offset_sd;          // its standard error
  double freq_ppm = 0;         // selected source's SourceEstimate::freq_ppm at `now`
  double skew_ppm = 0;         // and its skew
  Duration root_delay;         // selected source's root delay (incl. our path to it)
  Duration root_dispersion;    // selected source's root dispersion at `now`
};

// What the caller must apply to every SourceStats (see header comment).
struct Correction {
  Timestamp when;
  Duration phase;        // > 0: clock moved forward (a step, or a slew taken as done)
  double dfreq_ppm = 0;  // > 0: clock made to run faster
  bool operator==(const Correction&) const = default;
};

struct UpdateResult {
  std::vector<ClockCommand> commands;   // in order
  std::optional<Correction> correction; // present whenever the clock's phase or rate changed
  bool stepped = false;
  bool ignored = false;  // maxchange: the update was ignored
  bool fatal = false;    // maxchange: ignore budget exhausted, the daemon must exit
};

// chronyc tracking fields (formatting is the report formatter's job).
struct TrackingReport {
  bool synced = false;
  uint32_t ref_id = 0;
  uint8_t stratum = 0;          // ours: source stratum + 1 (0 when not synced)
  Timestamp ref_time;           // local time of the last update
  Duration system_time_offset;  // correction still to come (pending slew), > 0: clock behind
  Duration last_offset;         // offset of the last update, > 0: clock was behind
  Duration rms_offset;          // long-term RMS of update offsets
  double freq_ppm = 0;          // correction in force, > 0: runs faster (chronyc's "slow")
  double residual_freq_ppm = 0; // source's frequency minus what was corrected (> 0: fast)
  double skew_ppm = 0;          // error bound of freq_ppm
  Duration root_delay;
  Duration root_dispersion;     // grown to the report time
  Duration update_interval;     // between the last two updates
  Leap leap = Leap::kUnsync;
};

class Discipline {
 public:
  // initial: the drift file's value, if one was read.
  Discipline(const DisciplineConfig& cfg, std::optional<InitialFrequency> initial);

  // Commands for start-up: the initial frequency, and "not synchronised" status.
  std::vector<ClockCommand> start(Timestamp now);

  UpdateResult update(const ReferenceUpdate& u);

  // Periodic housekeeping: the drift file every drift_interval, and while synchronised the
  // kernel status again every kStatusRefresh, its maxerror the root distance grown to `now`
  // (the kernel's own growth, 500 µs/s, would cross timedated's 16 s limit between long
  // polls). Call at least every kStatusRefresh.
  std::vector<ClockCommand> tick(Timestamp now);

  // Final drift write (if a driftfile is configured and a frequency is known).
  std::vector<ClockCommand> shutdown(Timestamp now);

  // A phase correction from outside the measurements (leapsecmode slew: ∓1 s at a leap second,
  // which the reference made too, so the statistics get no Correction): added to the slew
  // still pending.
  std::vector<ClockCommand> slew_by(Timestamp now, Duration d);

  // No usable source any more: kernel status "not synchronised".
  std::vector<ClockCommand> unsynchronise(Timestamp now);

  // Phase the parent has still to apply at local time `now` from the last SlewCommand, > 0:
  // the clock will still move forward. Subtract it from a sample's offset measured at `now`.
  Duration pending_slew(Timestamp now) const;

  double frequency_ppm() const { return freq_ppm_; }
  double skew_ppm() const { return skew_ppm_; }
  int updates() const { return updates_; }
  TrackingReport tracking(Timestamp now) const;

 private:
  DriftCommand drift_command() const;
  static StatusCommand kernel_status(Duration root_delay, Duration root_dispersion,
                                     Duration offset_sd, Leap leap);
  double freq_bound_ppm() const;
  // The rate for correcting `offset` when the previous update was `interval` ago (0: none).
  double slew_rate_ppm(Duration offset, Duration interval) const;

  DisciplineConfig cfg_;
  double freq_ppm_ = 0;      // correction in force
  double skew_ppm_;          // its error bound
  bool freq_known_ = false;  // from the drift file or from an update
  int updates_ = 0;
  int max_change_ignored_ = 0;
  Timestamp slew_time_;      // when the last SlewCommand was issued
  SlewPlan slew_;            // and what it asked (offset 0: none)
  Timestamp last_drift_;
  Timestamp status_time_;    // when the last synchronised kernel status was sent
  // tracking
  bool synced_ = false;
  ReferenceUpdate last_;
  Duration update_interval_;
  double mean_sq_offset_s2_ = 0;
  double residual_freq_ppm_ = 0;
};

}  // namespace tempus::core
