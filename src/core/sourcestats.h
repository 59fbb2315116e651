// SPDX-License-Identifier: ISC
// Per-source statistics (the role of chrony's sourcestats.c): the last N samples of one source
// and a weighted linear regression of offset against local time, giving
//   - the source's offset estimate at any local time, and its standard error;
//   - the frequency of the local clock relative to the source (ppm) and its error bound (skew);
//   - the residual standard deviation ("Std Dev", the source's jitter for selection);
//   - the runs test: when the residuals of a fit change sign too rarely, the line does not fit
//     (the frequency moved), and the oldest samples are dropped until it does.
//
// Signs (sample.h): offset > 0: the local clock is BEHIND the source. freq_ppm > 0: the local
// clock runs FASTER than the source (chrony's "Frequency" column has the same sign), so its
// offset to the source decreases with time: d(offset)/dt = −freq_ppm × 10^−6.
//
// Times: every `Timestamp` argument is local (system clock) time. Samples must be added in
// non-decreasing local time.
//
// Clock corrections: whenever the discipline changes the local clock (a slew it ordered, a new
// frequency, a step), every SourceStats must be told through apply_correction() BEFORE the next
// sample is added, so old and new samples stay on one consistent line (chrony's
// SST_SlewSamples). Samples are not thrown away on a correction.
//
// Pure, single-threaded, no allocation beyond the sample vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/packet.h"
#include "core/sample.h"
#include "core/time.h"

namespace tempus::core {

struct SourceStatsConfig {
  size_t max_samples = 64;  // maxsamples: oldest samples beyond it are dropped (≥ 1)
  size_t min_samples = 6;   // minsamples: the runs test never prunes below this (≥ 3 applies)
  // maxclockerror: the local oscillator's frequency error bound assumed when dispersion grows.
  double max_clock_error_ppm = 1.0;
};

// The regression's view of the source at one local time (see SourceStats::estimate()).
struct SourceEstimate {
  bool valid = false;          // false until the first sample
  bool selectable = false;     // a regression line exists (≥ 3 samples spread in time); until
                               // then offer the source to selection as not selectable (chrony)
  Timestamp ref_time;          // local time of the newest sample (the regression's origin)
  Duration offset;             // estimated offset at the requested time, > 0: local behind
  Duration offset_sd;          // standard error of `offset` (grows with skew × elapsed)
  double freq_ppm = 0;         // local clock vs source, > 0: local runs faster
  double skew_ppm = 0;         // error bound of freq_ppm (≈ 95 % interval half width)
  Duration std_dev;            // residual standard deviation of the fit (jitter)
  Duration root_delay;         // newest sample's root delay
  Duration root_dispersion;    // newest sample's root dispersion + growth to the requested time
  // root_delay / 2 + root_dispersion (as grown) + std_dev: as RFC 5905's root distance, it
  // includes the source's jitter, so that a source whose line no longer fits its samples (it
  // stepped, or its path changed) claims no narrower interval in selection than its scatter.
  Duration root_distance;
  uint8_t stratum = 0;         // newest sample's
  Leap leap = Leap::kUnsync;   // newest sample's
  uint32_t ref_id = 0;         // newest sample's
};

// chronyc sourcestats columns.
struct SourceStatsReport {
  size_t np = 0;         // NP: samples currently held
  size_t nr = 0;         // NR: runs of residual signs in the last fit
  Duration span;         // Span: newest − oldest sample local time
  double freq_ppm = 0;   // Frequency (sign as above)
  double skew_ppm = 0;   // Freq Skew
  Duration offset;       // Offset: estimated at the requested time
  Duration std_dev;      // Std Dev
};

// chronyc sources "Last sample" column: adjusted offset [measured offset] +/- error.
struct LastSampleReport {
  bool valid = false;
  Timestamp local_time;        // as adjusted by later corrections
  Duration adjusted_offset;    // the sample's offset after every later correction
  Duration measured_offset;    // as measured
  Duration error;              // delay / 2 + dispersion of that measurement
};

// Verdict of SourceStats::check_delay() on a new sample (chrony's maxdelayratio and
// maxdelaydevratio tests). A rejected sample is dropped, not added (chrony does not accumulate
// it either), and the client is told SampleQuality::kPoor.
enum class DelayTest : uint8_t {
  kPass,
  kDelayRatio,     // delay > max_delay_ratio × the minimum delay held
  kDelayDevRatio,  // delay increase over the minimum > max_delay_dev_ratio × std dev
};
std::string_view to_string(DelayTest t);

class SourceStats {
 public:
  explicit SourceStats(const SourceStatsConfig& cfg = {});

  // Records one measurement and refits. A sample older than the newest one held is ignored
  // (returns false). s.offset and s.local_time must already be on the discipline's corrected
  // time line (see discipline.h: Discipline::pending_slew()).
  bool add_sample(const Sample& s);

  // The local clock has been corrected at local time `when`: from then on it reads `phase`
  // later (phase > 0: moved forward) and runs `dfreq_ppm` faster (dfreq_ppm > 0: faster) than
  // it would have. Every stored sample is rewritten as if it had been taken on the corrected
  // clock, extrapolating the correction linearly in both directions:
  //   t' = t + phase + dfreq × (t − when),  offset' = offset − phase − dfreq × (t − when).
  // For a step use the step as `phase`. The fit is updated accordingly (no refit needed).
  void apply_correction(Timestamp when, Duration phase, double dfreq_ppm);

  // The delay tests on `s` (offset cooked as for add_sample()) against the samples held; a
  // ratio ≤ 0 disables its test. Read-only: the caller adds the sample only on kPass.
  //   maxdelayratio: s.delay / (minimum delay held) > max_delay_ratio → kDelayRatio. Needs
  //     one sample held.
  //   maxdelaydevratio: with I = (s.delay − minimum delay held) / 2, the increase of the
  //     sample's error bound (delay / 2), and A = max_delay_dev_ratio × std dev + (skew +
  //     maxclockerror) × (s.local_time − newest sample), the prediction's growth since the
  //     fit: I > A → kDelayDevRatio, unless the offset misses the line's prediction by more
  //     than I + A (then the source or our clock moved: the sample is news, kept). Needs a
  //     regression over at least min_samples samples: the std dev of fewer is no yardstick.
  DelayTest check_delay(const Sample& s, double max_delay_ratio, double max_delay_dev_ratio) const;

  // Forgets everything (e.g. after the source was replaced, or an unexpected clock jump).
  void reset();

  size_t samples() const { return samples_.size(); }

  // Regression estimate extrapolated to local time `now` (≥ the newest sample, normally).
  // Dispersion grows after the newest sample by (skew + maxclockerror) × elapsed.
  SourceEstimate estimate(Timestamp now) const;

  SourceStatsReport report(Timestamp now) const;
  LastSampleReport last_sample() const;

  // The last regression (add_sample()'s refit), for statistics.log; valid only when it found
  // a line (≥ 3 samples spread in time). Signs as SourceEstimate.
  struct Regression {
    bool valid = false;
    Timestamp time;           // the newest sample's (the fit's origin)
    double std_dev_s = 0;
    double offset_s = 0;      // at `time`, > 0: local clock behind
    double offset_sd_s = 0;
    double freq_ppm = 0;      // > 0: local clock runs faster
    double skew_ppm = 0;
    double stress = 0;        // |previous − new slope| / previous slope's sd (0: no previous)
    size_t samples = 0;       // in the fit
    size_t dropped = 0;       // oldest samples the runs test discarded
    size_t runs = 0;
  };
  const Regression& last_regression() const { return regression_; }

 private:
  struct Stored {
    Timestamp time;             // local time, corrected
    double offset_s;            // corrected offset
    double measured_offset_s;   // as measured, for reports
    double distance_s;          // delay / 2 + dispersion (the sample's own error)
    double delay_s;             // round-trip delay, for the delay tests
    Duration root_delay;
    Duration root_dispersion;
    uint8_t stratum;
    Leap leap;
    uint32_t ref_id;
  };
  struct Fit {
    double offset_s = 0;     // at ref_time_
    double offset_var_s2 = 0;
    double slope = 0;        // d(offset)/dt, s/s
    double slope_var = 0;
    double skew_ppm = 0;
    double std_dev_s = 0;
    size_t runs = 0;
    size_t counted = 0;
  };

  void refit();
  // Fits samples_[start..] with the current weights; false if not enough spread in time.
  bool fit_from(size_t start, Fit& out) const;

  SourceStatsConfig cfg_;
  std::vector<Stored> samples_;  // oldest first
  Fit fit_;
  bool fit_ok_ = false;
  Regression regression_;
  Timestamp ref_time_;           // the fit's origin: newest sample's time
};

// Student's t, two-sided 95 %, for `dof` degrees of freedom (≥ 1). Exposed for tests.
double t_coefficient_95(size_t dof);
// Fewest runs of residual signs among n that still pass the runs test (mean − 2σ, normal
// approximation for equal numbers of each sign); 0 for n < 8. Exposed for tests.
size_t critical_runs(size_t n);

}  // namespace tempus::core
