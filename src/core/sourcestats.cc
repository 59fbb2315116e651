// SPDX-License-Identifier: ISC
#include "core/sourcestats.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tempus::core {

namespace {

// Frequency error bound assumed while fewer than 3 samples allow no fit (chrony's worst case).
constexpr double kWorstSkewPpm = 2000.0;
// Floor for the std dev used to weight samples, so an exact fit cannot give infinite weights.
constexpr double kMinWeightStdDevS = 1e-7;
// Below this spread of local times (s²·weight) the slope is not determinable.
constexpr double kMinSxx = 1e-12;
constexpr double kSignlessResidualS = 1e-9;

double seconds(Duration d) { return d.to_seconds_f(); }

}  // namespace

double t_coefficient_95(size_t dof) {
  static constexpr std::array<double, 11> kTable = {0.0,   12.706, 4.303, 3.182, 2.776, 2.571,
                                                    2.447, 2.365,  2.306, 2.262, 2.228};
  if (dof == 0) return kTable[1];
  if (dof < kTable.size()) return kTable[dof];
  return 1.96 + 2.5 / static_cast<double>(dof);  // within 0.3 % of the table above 10
}

size_t critical_runs(size_t n) {
  if (n < 8) return 0;
  // Wald–Wolfowitz runs test with n/2 residuals of each sign: mean 1 + n/2, variance
  // n(n−2) / (4(n−1)). Fewer runs than mean − 2σ mean the residuals are not random: the line
  // does not fit (≈ 2.3 % false alarms per test).
  const auto nf = static_cast<double>(n);
  const double mean = 1.0 + nf / 2.0;
  const double sd = std::sqrt(nf * (nf - 2.0) / (4.0 * (nf - 1.0)));
  return static_cast<size_t>(std::ceil(mean - 2.0 * sd));
}

SourceStats::SourceStats(const SourceStatsConfig& cfg) : cfg_(cfg) {
  cfg_.max_samples = std::max<size_t>(cfg_.max_samples, 1);
  samples_.reserve(cfg_.max_samples + 1);
}

void SourceStats::reset() {
  samples_.clear();
  fit_ = Fit{};
  fit_ok_ = false;
  regression_ = Regression{};
  ref_time_ = Timestamp();
}

bool SourceStats::add_sample(const Sample& s) {
  if (!samples_.empty() && s.local_time < samples_.back().time) return false;
  const double offset_s = seconds(s.offset);
  samples_.push_back(Stored{
      .time = s.local_time,
      .offset_s = offset_s,
      .measured_offset_s = offset_s,
      .distance_s = seconds(s.delay.abs()) / 2.0 + seconds(s.dispersion.abs()),
      .delay_s = seconds(s.delay.abs()),
      .root_delay = s.root_delay,
      .root_dispersion = s.root_dispersion,
      .stratum = s.stratum,
      .leap = s.leap,
      .ref_id = s.ref_id,
  });
  if (samples_.size() > cfg_.max_samples)
    samples_.erase(samples_.begin(),
                   samples_.begin() + static_cast<std::ptrdiff_t>(samples_.size() - cfg_.max_samples));
  refit();
  return true;
}

bool SourceStats::fit_from(size_t start, Fit& out) const {
  const size_t n = samples_.size() - start;
  const Stored& newest = samples_.back();
  if (n < 3) return false;

  // Weights as chrony: a sample whose own error (delay/2 + dispersion) exceeds the best one's by
  // k previous standard deviations counts as a sample with (1 + k)² times the variance. With
  // exponential network jitter this is what separates good samples from queued ones.
  double min_dist = newest.distance_s;
  for (size_t i = start; i < samples_.size(); ++i) min_dist = std::min(min_dist, samples_[i].distance_s);
  const double sd_w = std::max(fit_.std_dev_s, kMinWeightStdDevS);
  const bool weighted = fit_.std_dev_s > 0;

  double sw = 0, sx = 0, sy = 0;
  std::vector<double> x(n), w(n);
  for (size_t k = 0; k < n; ++k) {
    const Stored& s = samples_[start + k];
    x[k] = seconds(s.time - newest.time);  // ≤ 0
    const double m = weighted ? 1.0 + (s.distance_s - min_dist) / sd_w : 1.0;
    w[k] = 1.0 / (m * m);
    sw += w[k];
    sx += w[k] * x[k];
    sy += w[k] * s.offset_s;
  }
  const double xm = sx / sw;
  const double ym = sy / sw;
  double sxx = 0, sxy = 0;
  for (size_t k = 0; k < n; ++k) {
    const double dx = x[k] - xm;
    sxx += w[k] * dx * dx;
    sxy += w[k] * dx * (samples_[start + k].offset_s - ym);
  }
  if (sxx < kMinSxx) return false;

  Fit f;
  f.slope = sxy / sxx;
  f.offset_s = ym - f.slope * xm;  // at x = 0, the newest sample
  double ssr = 0;
  size_t runs = 0, counted = 0;
  bool prev_pos = false;
  for (size_t k = 0; k < n; ++k) {
    const double r = samples_[start + k].offset_s - f.offset_s - f.slope * x[k];
    ssr += w[k] * r * r;
    // Residuals below the timestamps' 1 ns resolution carry no sign (an exact line passes).
    if (std::fabs(r) < kSignlessResidualS) continue;
    const bool pos = r > 0;
    if (counted++ == 0 || pos != prev_pos) ++runs;
    prev_pos = pos;
  }
  // Variance of a weight-1 sample. Dividing by the effective number of samples (Σw)²/Σw²
  // rather than n keeps the weighting from feeding on itself: if a few low-delay samples take
  // all the weight, they fit themselves almost exactly, and an n − 2 divisor would shrink the
  // std dev, sharpen the weights further and freeze the line.
  double sw2 = 0;
  for (size_t k = 0; k < n; ++k) sw2 += w[k] * w[k];
  const double n_eff = sw * sw / sw2;
  const size_t dof = n - 2;
  const double s2 = ssr / std::max(n_eff - 2.0, 0.5);
  f.std_dev_s = std::sqrt(s2);
  f.slope_var = s2 / sxx;
  f.offset_var_s2 = s2 * (1.0 / sw + xm * xm / sxx);
  f.skew_ppm = std::sqrt(f.slope_var) * t_coefficient_95(dof) * 1e6;
  f.runs = runs;
  f.counted = counted;
  out = f;
  return true;
}

void SourceStats::refit() {
  ref_time_ = samples_.back().time;
  const size_t keep_min = std::max<size_t>(cfg_.min_samples, 3);

  size_t start = 0;
  Fit f;
  bool ok = false;
  // Runs test (chrony's RGR_FindBestRegression idea): drop the oldest samples while the
  // residuals of the fit show too few sign changes.
  while (true) {
    const size_t n = samples_.size() - start;
    ok = fit_from(start, f);
    if (!ok || n <= keep_min || f.runs >= critical_runs(f.counted)) break;
    ++start;
  }
  if (start > 0) samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(start));

  if (!ok) {
    // Too few samples (or no spread in time) for a line: newest offset, unknown frequency.
    const Stored& newest = samples_.back();
    f = Fit{};
    f.offset_s = newest.offset_s;
    f.std_dev_s = newest.distance_s;
    f.offset_var_s2 = newest.distance_s * newest.distance_s;
    f.skew_ppm = kWorstSkewPpm;
    f.runs = samples_.size();
  }
  regression_ = Regression{};
  if (ok) {
    regression_ = Regression{.valid = true,
                             .time = ref_time_,
                             .std_dev_s = f.std_dev_s,
                             .offset_s = f.offset_s,
                             .offset_sd_s = std::sqrt(f.offset_var_s2),
                             .freq_ppm = -f.slope * 1e6,
                             .skew_ppm = f.skew_ppm,
                             .stress = fit_ok_ && fit_.slope_var > 0
                                           ? std::fabs(fit_.slope - f.slope) /
                                                 std::sqrt(fit_.slope_var)
                                           : 0.0,
                             .samples = samples_.size(),
                             .dropped = start,
                             .runs = f.runs};
  }
  fit_ = f;
  fit_ok_ = ok;
}

std::string_view to_string(DelayTest t) {
  switch (t) {
    case DelayTest::kPass: return "pass";
    case DelayTest::kDelayRatio: return "delay above maxdelayratio";
    case DelayTest::kDelayDevRatio: return "delay increase above maxdelaydevratio";
  }
  return "unknown delay test";
}

DelayTest SourceStats::check_delay(const Sample& s, double max_delay_ratio,
                                   double max_delay_dev_ratio) const {
  if (samples_.empty()) return DelayTest::kPass;
  double min_delay_s = samples_.front().delay_s;
  for (const Stored& st : samples_) min_delay_s = std::min(min_delay_s, st.delay_s);
  const double delay_s = seconds(s.delay.abs());

  if (max_delay_ratio > 0 && min_delay_s > 0 && delay_s > max_delay_ratio * min_delay_s)
    return DelayTest::kDelayRatio;

  if (max_delay_dev_ratio <= 0 || !fit_ok_ ||
      samples_.size() < std::max<size_t>(cfg_.min_samples, 3))
    return DelayTest::kPass;
  // Offsets err by up to half the round trip's queueing, so the delay increase is compared
  // in offset units with the line's scatter.
  const double increase_s = (delay_s - min_delay_s) / 2.0;
  const double elapsed_s = std::max(0.0, seconds(s.local_time - ref_time_));
  const double allowed_s = max_delay_dev_ratio * fit_.std_dev_s +
                           elapsed_s * (fit_.skew_ppm + cfg_.max_clock_error_ppm) * 1e-6;
  if (increase_s <= allowed_s) return DelayTest::kPass;
  const double predicted_s = fit_.offset_s + fit_.slope * seconds(s.local_time - ref_time_);
  if (std::fabs(seconds(s.offset) - predicted_s) - increase_s > allowed_s) return DelayTest::kPass;
  return DelayTest::kDelayDevRatio;
}

void SourceStats::apply_correction(Timestamp when, Duration phase, double dfreq_ppm) {
  const double phase_s = seconds(phase);
  const double dfreq = dfreq_ppm * 1e-6;
  for (Stored& s : samples_) {
    const double delta_s = phase_s + dfreq * seconds(s.time - when);
    s.time = s.time + Duration::from_seconds_f(delta_s);
    s.offset_s -= delta_s;
  }
  if (samples_.empty()) return;
  const double ref_delta_s = phase_s + dfreq * seconds(ref_time_ - when);
  ref_time_ = ref_time_ + Duration::from_seconds_f(ref_delta_s);
  fit_.offset_s -= ref_delta_s;
  if (samples_.size() >= 3 && fit_.skew_ppm < kWorstSkewPpm) fit_.slope -= dfreq;
}

SourceEstimate SourceStats::estimate(Timestamp now) const {
  SourceEstimate e;
  if (samples_.empty()) return e;
  const Stored& newest = samples_.back();
  const double elapsed_s = seconds(now - ref_time_);
  const double age_s = std::fabs(elapsed_s);
  e.valid = true;
  e.selectable = fit_ok_;
  e.ref_time = ref_time_;
  e.offset = Duration::from_seconds_f(fit_.offset_s + fit_.slope * elapsed_s);
  e.offset_sd = Duration::from_seconds_f(std::sqrt(fit_.offset_var_s2) + age_s * fit_.skew_ppm * 1e-6);
  e.freq_ppm = -fit_.slope * 1e6;
  e.skew_ppm = fit_.skew_ppm;
  e.std_dev = Duration::from_seconds_f(fit_.std_dev_s);
  e.root_delay = newest.root_delay;
  e.root_dispersion =
      newest.root_dispersion +
      Duration::from_seconds_f(age_s * (fit_.skew_ppm + cfg_.max_clock_error_ppm) * 1e-6);
  e.root_distance = e.root_delay / 2 + e.root_dispersion + e.std_dev;
  e.stratum = newest.stratum;
  e.leap = newest.leap;
  e.ref_id = newest.ref_id;
  return e;
}

SourceStatsReport SourceStats::report(Timestamp now) const {
  SourceStatsReport r;
  if (samples_.empty()) return r;
  const SourceEstimate e = estimate(now);
  r.np = samples_.size();
  r.nr = fit_.runs;
  r.span = samples_.back().time - samples_.front().time;
  r.freq_ppm = e.freq_ppm;
  r.skew_ppm = e.skew_ppm;
  r.offset = e.offset;
  r.std_dev = e.std_dev;
  return r;
}

LastSampleReport SourceStats::last_sample() const {
  LastSampleReport r;
  if (samples_.empty()) return r;
  const Stored& s = samples_.back();
  r.valid = true;
  r.local_time = s.time;
  r.adjusted_offset = Duration::from_seconds_f(s.offset_s);
  r.measured_offset = Duration::from_seconds_f(s.measured_offset_s);
  r.error = Duration::from_seconds_f(s.distance_s);
  return r;
}

}  // namespace tempus::core
