// SPDX-License-Identifier: ISC
// The parent's hard limits on the clock verbs (design.md §2). ClockBounds is filled from the
// config before any child starts and never changes afterwards; the parent runs every decoded clock
// verb through check() and, for StepClock, through StepBudget::admit() before touching the clock.
// Anything rejected here is a fatal protocol violation by net (fail closed): net's own policy
// (makestep, maxchange, maxslewrate) must have kept it within these bounds already.
// Pure code: the monotonic time is an argument.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "ipc/error.h"
#include "ipc/messages.h"

namespace tempus::ipc {

inline constexpr int64_t kNsPerHour = int64_t{3600} * 1'000'000'000;
inline constexpr uint32_t kMaxStepsPerHourCap = 64;  // largest max_steps_per_hour accepted

struct ClockBounds {
  // Largest |SlewOffset.offset_ns| in ns; > 0.
  int64_t max_slew_ns = 0;
  // Largest SlewOffset.rate_scaled_ppm (maxslewrate), 2^-16 ppm; 1..kMaxSlewRateScaledPpm.
  int64_t max_slew_rate_scaled_ppm = kMaxSlewRateScaledPpm;
  // Largest |StepClock.offset_ns| in ns; 0 = the parent never steps.
  int64_t max_step_ns = 0;
  // Most steps admitted in any 3600 s window of CLOCK_MONOTONIC; 0 = never step;
  // ≤ kMaxStepsPerHourCap.
  uint32_t max_steps_per_hour = 0;
  // Largest |frequency| for SetFrequency and WriteDrift, 2^-16 ppm; 1..kKernelMaxFreqScaledPpm.
  int64_t max_abs_freq_scaled_ppm = kKernelMaxFreqScaledPpm;
  bool operator==(const ClockBounds&) const = default;
};

// ok when the bounds themselves are sane (ranges above); otherwise kBadBounds. The parent calls
// it once at start and refuses to start children with bad bounds.
core::Status<IpcError> validate(const ClockBounds& b);

// Each check first runs the message's own validate() (so a hand-built struct is held to the same
// rules as a decoded one), then the bound. Errors: the message's validate() errors, kOutOfRange,
// kStepDisabled.
core::Status<IpcError> check(const ClockBounds& b, const SlewOffset& m);
core::Status<IpcError> check(const ClockBounds& b, const SetFrequency& m);
core::Status<IpcError> check(const ClockBounds& b, const StepClock& m);  // magnitude only
core::Status<IpcError> check(const ClockBounds& b, const SetKernelStatus& m);
core::Status<IpcError> check(const ClockBounds& b, const WriteDrift& m);

// Counts steps in a sliding one-hour window. admit() is called after check() passed, right
// before the step: it records the step and returns ok, or returns kStepDisabled /
// kStepRateExceeded and records nothing.
class StepBudget {
 public:
  explicit StepBudget(const ClockBounds& b) : max_per_hour_(b.max_steps_per_hour) {}
  // monotonic_ns: CLOCK_MONOTONIC in ns (never the clock being stepped). Non-decreasing between
  // calls; a value earlier than a recorded step counts that step as recent.
  core::Status<IpcError> admit(int64_t monotonic_ns);
  // Steps recorded within the hour before monotonic_ns.
  uint32_t recent(int64_t monotonic_ns) const;

 private:
  uint32_t max_per_hour_;
  std::vector<int64_t> steps_;  // monotonic times of admitted steps, oldest first
};

}  // namespace tempus::ipc
