// SPDX-License-Identifier: ISC
// ClockBounds checks and the step rate limit.
#include "ipc/bounds.h"

#include <limits>

#include <gtest/gtest.h>

namespace tempus::ipc {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();

ClockBounds typical() {
  ClockBounds b;
  b.max_slew_ns = 2 * kSec;
  b.max_step_ns = 1000 * kSec;
  b.max_steps_per_hour = 3;
  b.max_abs_freq_scaled_ppm = int64_t{100} << 16;
  b.max_slew_rate_scaled_ppm = int64_t{1000} << 16;
  return b;
}

TEST(ClockBounds, Validate) {
  EXPECT_TRUE(validate(typical()).ok());
  ClockBounds b = typical();
  b.max_slew_ns = 0;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b = typical();
  b.max_step_ns = -1;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b = typical();
  b.max_steps_per_hour = kMaxStepsPerHourCap + 1;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b = typical();
  b.max_abs_freq_scaled_ppm = kKernelMaxFreqScaledPpm + 1;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b.max_abs_freq_scaled_ppm = 0;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b = typical();
  b.max_slew_rate_scaled_ppm = 0;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b.max_slew_rate_scaled_ppm = kMaxSlewRateScaledPpm + 1;
  EXPECT_EQ(validate(b).error(), IpcError::kBadBounds);
  b.max_slew_rate_scaled_ppm = kMaxSlewRateScaledPpm;
  EXPECT_TRUE(validate(b).ok());
  b.max_slew_rate_scaled_ppm = 1;
  EXPECT_TRUE(validate(b).ok());
  b = typical();
  b.max_step_ns = 0;  // never step: valid
  b.max_steps_per_hour = 0;
  EXPECT_TRUE(validate(b).ok());
}

TEST(ClockBounds, Slew) {
  const auto b = typical();
  EXPECT_TRUE(check(b, SlewOffset{2 * kSec}).ok());
  EXPECT_TRUE(check(b, SlewOffset{-2 * kSec}).ok());
  EXPECT_TRUE(check(b, SlewOffset{0}).ok());
  EXPECT_EQ(check(b, SlewOffset{2 * kSec + 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{-2 * kSec - 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{kMin64}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{kMax64}).error(), IpcError::kOutOfRange);
  // The rate: 1 .. maxslewrate.
  EXPECT_TRUE(check(b, SlewOffset{kSec, int64_t{1000} << 16}).ok());
  EXPECT_TRUE(check(b, SlewOffset{-kSec, 1}).ok());
  EXPECT_EQ(check(b, SlewOffset{kSec, (int64_t{1000} << 16) + 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{0, (int64_t{1000} << 16) + 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{kSec, 0}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{kSec, -1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SlewOffset{kSec, kMaxSlewRateScaledPpm + 1}).error(), IpcError::kOutOfRange);
}

TEST(ClockBounds, Frequency) {
  const auto b = typical();
  EXPECT_TRUE(check(b, SetFrequency{int64_t{100} << 16}).ok());
  EXPECT_TRUE(check(b, SetFrequency{-(int64_t{100} << 16)}).ok());
  EXPECT_EQ(check(b, SetFrequency{(int64_t{100} << 16) + 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, SetFrequency{kMin64}).error(), IpcError::kOutOfRange);
  EXPECT_TRUE(check(b, WriteDrift{-(int64_t{100} << 16), 10}).ok());
  EXPECT_EQ(check(b, WriteDrift{-(int64_t{100} << 16) - 1, 10}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, WriteDrift{0, -1}).error(), IpcError::kOutOfRange);
}

TEST(ClockBounds, Step) {
  auto b = typical();
  EXPECT_TRUE(check(b, StepClock{1000 * kSec}).ok());
  EXPECT_TRUE(check(b, StepClock{-1000 * kSec}).ok());
  EXPECT_EQ(check(b, StepClock{1000 * kSec + 1}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, StepClock{0}).error(), IpcError::kOutOfRange);
  EXPECT_EQ(check(b, StepClock{kMin64}).error(), IpcError::kOutOfRange);
  b.max_step_ns = 0;
  EXPECT_EQ(check(b, StepClock{1}).error(), IpcError::kStepDisabled);
  b = typical();
  b.max_steps_per_hour = 0;
  EXPECT_EQ(check(b, StepClock{1}).error(), IpcError::kStepDisabled);
}

TEST(ClockBounds, KernelStatusRunsValidate) {
  const auto b = typical();
  EXPECT_TRUE(check(b, SetKernelStatus{LeapState::kInsert, true, 37, 1000, 10}).ok());
  EXPECT_EQ(check(b, SetKernelStatus{static_cast<LeapState>(7), false, 0, 0, 0}).error(),
            IpcError::kBadEnum);
  EXPECT_EQ(check(b, SetKernelStatus{LeapState::kNone, false, 0, -1, 0}).error(),
            IpcError::kOutOfRange);
}

TEST(StepBudget, SlidingHour) {
  StepBudget budget(typical());  // 3 per hour
  const int64_t t0 = 5000 * kSec;
  EXPECT_TRUE(budget.admit(t0).ok());
  EXPECT_TRUE(budget.admit(t0 + 10 * kSec).ok());
  EXPECT_TRUE(budget.admit(t0 + 20 * kSec).ok());
  EXPECT_EQ(budget.recent(t0 + 20 * kSec), 3u);
  EXPECT_EQ(budget.admit(t0 + 30 * kSec).error(), IpcError::kStepRateExceeded);
  EXPECT_EQ(budget.recent(t0 + 30 * kSec), 3u);  // the refused step is not recorded
  // Just under an hour after the first: still full. At exactly an hour: one slot frees.
  EXPECT_EQ(budget.admit(t0 + 3600 * kSec - 1).error(), IpcError::kStepRateExceeded);
  EXPECT_TRUE(budget.admit(t0 + 3600 * kSec).ok());
  EXPECT_EQ(budget.admit(t0 + 3600 * kSec + 1).error(), IpcError::kStepRateExceeded);
  EXPECT_EQ(budget.recent(t0 + 3600 * kSec + 1), 3u);
  EXPECT_EQ(budget.recent(t0 + 10 * 3600 * kSec), 0u);
}

TEST(StepBudget, DisabledAndBackwardsTime) {
  ClockBounds none = typical();
  none.max_steps_per_hour = 0;
  StepBudget off(none);
  EXPECT_EQ(off.admit(0).error(), IpcError::kStepDisabled);

  ClockBounds one = typical();
  one.max_steps_per_hour = 1;
  StepBudget budget(one);
  EXPECT_TRUE(budget.admit(10 * 3600 * kSec).ok());
  // A time before the recorded step must not free its slot.
  EXPECT_EQ(budget.admit(0).error(), IpcError::kStepRateExceeded);
  EXPECT_EQ(budget.admit(kMin64).error(), IpcError::kStepRateExceeded);
  EXPECT_TRUE(budget.admit(kMax64).ok());
}

}  // namespace
}  // namespace tempus::ipc
