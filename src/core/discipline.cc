// SPDX-License-Identifier: ISC
#include "core/discipline.h"

#include <algorithm>
#include <cmath>

namespace tempus::core {

namespace {

// Skew assumed when no drift file gave one: effectively "frequency unknown".
constexpr double kUnknownSkewPpm = 1e6;
// Weight of a new offset in the long-term RMS (chronyc tracking "RMS offset").
constexpr double kRmsWeight = 0.125;

Duration clamp_dur(Duration d, Duration lo, Duration hi) { return std::clamp(d, lo, hi); }

}  // namespace

Discipline::Discipline(const DisciplineConfig& cfg, std::optional<InitialFrequency> initial)
    : cfg_(cfg), skew_ppm_(kUnknownSkewPpm) {
  if (initial && std::isfinite(initial->freq_ppm) && std::isfinite(initial->skew_ppm)) {
    freq_ppm_ = std::clamp(initial->freq_ppm, -freq_bound_ppm(), freq_bound_ppm());
    skew_ppm_ = std::max(std::fabs(initial->skew_ppm), 1e-3);
    freq_known_ = true;
  }
}

double Discipline::freq_bound_ppm() const {
  return std::min(kMaxFrequencyPpm, std::fabs(cfg_.max_drift_ppm));
}

std::vector<ClockCommand> Discipline::start(Timestamp now) {
  last_drift_ = now;
  return {FrequencyCommand{freq_ppm_},
          StatusCommand{.leap = Leap::kUnsync, .synced = false, .max_error = kMaxKernelError,
                        .est_error = kMaxKernelError}};
}

Duration Discipline::pending_slew(Timestamp now) const {
  return slew_.remaining(now - slew_time_);
}

double Discipline::slew_rate_ppm(Duration offset, Duration interval) const {
  const double cap = std::isfinite(cfg_.max_slew_rate_ppm)
                         ? std::clamp(cfg_.max_slew_rate_ppm, 1.0 / 65536, kMaxSlewRatePpm)
                         : kMaxSlewRatePpm;
  double rate = cap;
  const double time_s = cfg_.corr_time_ratio * interval.to_seconds_f();
  if (time_s > 0 && std::isfinite(time_s)) rate = offset.abs().to_seconds_f() / time_s * 1e6;
  rate = std::clamp(rate, std::min(kMinSlewRatePpm, cap), cap);
  // The wire's unit, so that the parent runs exactly the plan modelled here.
  return std::max(std::round(rate * 65536.0), 1.0) / 65536.0;
}

DriftCommand Discipline::drift_command() const {
  return DriftCommand{.freq_ppm = freq_ppm_, .skew_ppm = std::min(skew_ppm_, kMaxFrequencyPpm)};
}

UpdateResult Discipline::update(const ReferenceUpdate& u) {
  UpdateResult r;
  const Timestamp now = u.now;
  const int update_no = updates_;

  // maxchange: a correction this large after `start` updates is an attack or a broken source.
  if (cfg_.max_change && update_no >= cfg_.max_change->start &&
      u.offset.abs() > cfg_.max_change->offset) {
    if (max_change_ignored_ < cfg_.max_change->ignore) {
      ++max_change_ignored_;
      r.ignored = true;
    } else {
      r.fatal = true;
    }
    return r;
  }
  ++updates_;

  // Frequency: inverse-variance weighted average of the frequency in force (residual 0, error
  // skew_ppm_) and the source's estimate of the residual (u.freq_ppm, error u.skew_ppm).
  double dfreq_ppm = 0;
  if (std::isfinite(u.freq_ppm) && std::isfinite(u.skew_ppm) &&
      u.skew_ppm <= cfg_.max_update_skew_ppm) {
    const double new_skew = std::max(u.skew_ppm, 1e-6);
    const double w_old = 1.0 / (skew_ppm_ * skew_ppm_);
    const double w_new = 1.0 / (new_skew * new_skew);
    const double gain = w_new / (w_old + w_new);
    const double target = std::clamp(freq_ppm_ - gain * u.freq_ppm, -freq_bound_ppm(),
                                      freq_bound_ppm());
    dfreq_ppm = target - freq_ppm_;
    // The regression already holds the whole history, so the source's skew bounds ours from
    // below; the combination only smooths the step between updates.
    skew_ppm_ = std::max(new_skew, 1.0 / std::sqrt(w_old + w_new));
    freq_known_ = true;
    if (dfreq_ppm != 0) {
      freq_ppm_ = target;
      r.commands.emplace_back(FrequencyCommand{freq_ppm_});
    }
  }
  residual_freq_ppm_ = u.freq_ppm + dfreq_ppm;

  // Phase. The offset is relative to the clock as it will be once the pending slew is done.
  const Duration pending = pending_slew(now);
  const bool step_allowed = cfg_.make_step_threshold > Duration() && cfg_.make_step_limit != 0 &&
                            (cfg_.make_step_limit < 0 || update_no < cfg_.make_step_limit);
  const bool init_step = update_no == 0 && cfg_.init_step_threshold > Duration() &&
                         u.offset.abs() > cfg_.init_step_threshold;
  Duration phase = u.offset;
  if ((init_step || (step_allowed && u.offset.abs() > cfg_.make_step_threshold)) &&
      u.offset + pending != Duration()) {
    if (pending != Duration()) r.commands.emplace_back(SlewCommand{Duration(), kMinSlewRatePpm});
    r.commands.emplace_back(StepCommand{u.offset + pending});
    slew_ = SlewPlan{};
    r.stepped = true;
  } else {
    const Duration wanted = clamp_dur(u.offset + pending, -kMaxSlew, kMaxSlew);
    const double rate = slew_rate_ppm(wanted, update_no > 0 ? now - last_.now : Duration());
    r.commands.emplace_back(SlewCommand{wanted, rate});
    slew_time_ = now;
    slew_ = SlewPlan{.offset = wanted, .rate_ppm = wanted < Duration() ? -rate : rate};
    phase = wanted - pending;
  }
  r.correction = Correction{.when = now, .phase = phase, .dfreq_ppm = dfreq_ppm};

  r.commands.emplace_back(kernel_status(u.root_delay, u.root_dispersion, u.offset_sd, u.leap));
  status_time_ = now;

  if (cfg_.drift_file && freq_known_ && now - last_drift_ >= cfg_.drift_interval) {
    r.commands.emplace_back(drift_command());
    last_drift_ = now;
  }

  // Tracking bookkeeping.
  if (synced_) update_interval_ = now - last_.now;
  const double off_s = u.offset.to_seconds_f();
  mean_sq_offset_s2_ = synced_ ? (1 - kRmsWeight) * mean_sq_offset_s2_ + kRmsWeight * off_s * off_s
                               : off_s * off_s;
  synced_ = true;
  last_ = u;
  return r;
}

// Kernel status: maxerror = root distance, esterror = the offset's standard error.
StatusCommand Discipline::kernel_status(Duration root_delay, Duration root_dispersion,
                                        Duration offset_sd, Leap leap) {
  const Duration max_err = clamp_dur(root_delay / 2 + root_dispersion, Duration(), kMaxKernelError);
  return StatusCommand{.leap = leap == Leap::kUnsync ? Leap::kNone : leap,
                       .synced = true,
                       .max_error = max_err,
                       .est_error = clamp_dur(offset_sd, Duration(), max_err)};
}

std::vector<ClockCommand> Discipline::tick(Timestamp now) {
  std::vector<ClockCommand> out;
  // Between updates the kernel grows maxerror by 500 µs/s, so a long poll (maxpoll 16: 18 h)
  // would take it past timedated's 16 s "synchronized" limit; our own estimate grows by
  // skew + maxclockerror only. Refreshed at least every kStatusRefresh.
  if (synced_ && now - status_time_ >= kStatusRefresh) {
    const TrackingReport t = tracking(now);
    out.emplace_back(kernel_status(t.root_delay, t.root_dispersion, last_.offset_sd, t.leap));
    status_time_ = now;
  }
  if (cfg_.drift_file && freq_known_ && now - last_drift_ >= cfg_.drift_interval) {
    out.emplace_back(drift_command());
    last_drift_ = now;
  }
  return out;
}

std::vector<ClockCommand> Discipline::shutdown(Timestamp now) {
  std::vector<ClockCommand> out;
  if (cfg_.drift_file && freq_known_) {
    out.emplace_back(drift_command());
    last_drift_ = now;
  }
  return out;
}

std::vector<ClockCommand> Discipline::slew_by(Timestamp now, Duration d) {
  // At the fastest rate allowed (maxslewrate), as chronyd slews a leap second.
  const Duration wanted = clamp_dur(pending_slew(now) + d, -kMaxSlew, kMaxSlew);
  const double rate = slew_rate_ppm(wanted, Duration());
  slew_time_ = now;
  slew_ = SlewPlan{.offset = wanted, .rate_ppm = wanted < Duration() ? -rate : rate};
  return {SlewCommand{wanted, rate}};
}

std::vector<ClockCommand> Discipline::unsynchronise(Timestamp /*now*/) {
  synced_ = false;
  return {StatusCommand{.leap = Leap::kUnsync, .synced = false, .max_error = kMaxKernelError,
                        .est_error = kMaxKernelError}};
}

TrackingReport Discipline::tracking(Timestamp now) const {
  TrackingReport t;
  t.synced = synced_;
  t.freq_ppm = freq_ppm_;
  t.skew_ppm = skew_ppm_;
  t.system_time_offset = pending_slew(now);
  if (!synced_) return t;
  t.ref_id = last_.ref_id;
  t.stratum = static_cast<uint8_t>(std::min<int>(last_.stratum + 1, 16));
  t.ref_time = last_.now;
  t.last_offset = last_.offset;
  t.rms_offset = Duration::from_seconds_f(std::sqrt(mean_sq_offset_s2_));
  t.residual_freq_ppm = residual_freq_ppm_;
  t.root_delay = last_.root_delay;
  const double age_s = std::max(0.0, (now - last_.now).to_seconds_f());
  t.root_dispersion = last_.root_dispersion +
                      Duration::from_seconds_f(age_s * (skew_ppm_ + cfg_.max_clock_error_ppm) * 1e-6);
  t.update_interval = update_interval_;
  t.leap = last_.leap;
  return t;
}

}  // namespace tempus::core
