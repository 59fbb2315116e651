// SPDX-License-Identifier: ISC
#include "ipc/bounds.h"

#include <algorithm>
#include <limits>

namespace tempus::ipc {

using core::Unexpected;

namespace {

// |v| ≤ limit without overflow; the messages' validate() already excluded INT64_MIN.
bool within(int64_t v, int64_t limit) {
  return v != std::numeric_limits<int64_t>::min() && (v < 0 ? -v : v) <= limit;
}

bool in_window(int64_t step_ns, int64_t now_ns) {
  // A step in the future (now went backwards) counts as recent. For step ≤ now the unsigned
  // difference is exact, so this cannot overflow.
  if (step_ns > now_ns) return true;
  return static_cast<uint64_t>(now_ns) - static_cast<uint64_t>(step_ns) <
         static_cast<uint64_t>(kNsPerHour);
}

}  // namespace

core::Status<IpcError> validate(const ClockBounds& b) {
  if (b.max_slew_ns <= 0) return Unexpected{IpcError::kBadBounds};
  if (b.max_slew_rate_scaled_ppm < 1 || b.max_slew_rate_scaled_ppm > kMaxSlewRateScaledPpm)
    return Unexpected{IpcError::kBadBounds};
  if (b.max_step_ns < 0) return Unexpected{IpcError::kBadBounds};
  if (b.max_steps_per_hour > kMaxStepsPerHourCap) return Unexpected{IpcError::kBadBounds};
  if (b.max_abs_freq_scaled_ppm <= 0 || b.max_abs_freq_scaled_ppm > kKernelMaxFreqScaledPpm)
    return Unexpected{IpcError::kBadBounds};
  return {};
}

core::Status<IpcError> check(const ClockBounds& b, const SlewOffset& m) {
  if (auto s = m.validate(); !s.ok()) return s;
  if (!within(m.offset_ns, b.max_slew_ns) || m.rate_scaled_ppm > b.max_slew_rate_scaled_ppm)
    return Unexpected{IpcError::kOutOfRange};
  return {};
}

core::Status<IpcError> check(const ClockBounds& b, const SetFrequency& m) {
  if (auto s = m.validate(); !s.ok()) return s;
  if (!within(m.freq_scaled_ppm, b.max_abs_freq_scaled_ppm))
    return Unexpected{IpcError::kOutOfRange};
  return {};
}

core::Status<IpcError> check(const ClockBounds& b, const StepClock& m) {
  if (auto s = m.validate(); !s.ok()) return s;
  if (b.max_step_ns == 0 || b.max_steps_per_hour == 0) return Unexpected{IpcError::kStepDisabled};
  if (!within(m.offset_ns, b.max_step_ns)) return Unexpected{IpcError::kOutOfRange};
  return {};
}

core::Status<IpcError> check(const ClockBounds&, const SetKernelStatus& m) {
  return m.validate();
}

core::Status<IpcError> check(const ClockBounds& b, const WriteDrift& m) {
  if (auto s = m.validate(); !s.ok()) return s;
  if (!within(m.freq_scaled_ppm, b.max_abs_freq_scaled_ppm))
    return Unexpected{IpcError::kOutOfRange};
  return {};
}

uint32_t StepBudget::recent(int64_t monotonic_ns) const {
  return static_cast<uint32_t>(std::count_if(
      steps_.begin(), steps_.end(), [&](int64_t t) { return in_window(t, monotonic_ns); }));
}

core::Status<IpcError> StepBudget::admit(int64_t monotonic_ns) {
  if (max_per_hour_ == 0) return Unexpected{IpcError::kStepDisabled};
  std::erase_if(steps_, [&](int64_t t) { return !in_window(t, monotonic_ns); });
  if (steps_.size() >= max_per_hour_) return Unexpected{IpcError::kStepRateExceeded};
  steps_.push_back(monotonic_ns);
  return {};
}

}  // namespace tempus::ipc
