// SPDX-License-Identifier: ISC
#include "proc/bounds.h"

#include <algorithm>
#include <cmath>

namespace tempus::proc {

ipc::ClockBounds clock_bounds(const config::Config& cfg, const Options& opts) {
  ipc::ClockBounds b;
  b.max_slew_ns = kMaxSlewBoundNs;
  b.max_abs_freq_scaled_ppm = ipc::kKernelMaxFreqScaledPpm;
  const double rate = std::round(cfg.max_slew_rate_ppm * 65536.0);
  b.max_slew_rate_scaled_ppm =
      std::isfinite(rate) ? static_cast<int64_t>(std::clamp(
                                rate, 1.0, static_cast<double>(ipc::kMaxSlewRateScaledPpm)))
                          : ipc::kMaxSlewRateScaledPpm;
  uint32_t steps = 0;
  if (opts.one_shot == OneShot::kSetOnce) {
    steps = 1;
  } else if (cfg.make_step_limit < 0) {
    steps = kStepsPerHourWhenUnlimited;
  } else if (cfg.make_step_limit > 0) {
    steps = static_cast<uint32_t>(
        std::min<int>(cfg.make_step_limit, static_cast<int>(ipc::kMaxStepsPerHourCap)));
  }
  // `chronyc makestep` may step once an hour beside makestep's own steps (net keeps to that),
  // only where the configuration lets the daemon step at all.
  steps = std::min(steps + command_steps_per_hour(cfg, opts), ipc::kMaxStepsPerHourCap);
  // initstepslew may step once at start, beside makestep's own steps.
  if (cfg.init_step_slew && !cfg.init_step_slew->hosts.empty() &&
      cfg.init_step_slew->threshold > core::Duration())
    steps = std::min(steps + 1, ipc::kMaxStepsPerHourCap);
  // leapsecmode step steps once at a leap second.
  if (cfg.leap_sec_mode == config::LeapSecMode::kStep)
    steps = std::min(steps + 1, ipc::kMaxStepsPerHourCap);
  b.max_steps_per_hour = steps;
  b.max_step_ns = steps > 0 ? kMaxStepBoundNs : 0;
  return b;
}

uint32_t command_steps_per_hour(const config::Config& cfg, const Options& opts) {
  return cfg.make_step_limit != 0 && opts.one_shot == OneShot::kNone ? kCommandStepsPerHour : 0;
}

bool command_step_allowed(uint32_t per_hour, std::optional<int64_t> last_step_ns,
                          int64_t now_ns) {
  if (per_hour == 0) return false;
  return !last_step_ns || now_ns - *last_step_ns >= ipc::kNsPerHour;
}

}  // namespace tempus::proc
