// SPDX-License-Identifier: ISC
// RateSlew over a VirtualClock on a fake base time: the clock gains exactly what the
// discipline's SlewPlan models, the base frequency comes back on time, late timers are trimmed,
// early ones re-armed, a frequency change keeps the slew, and end()/step()/the destructor leave
// the clock at its base frequency.
#include "proc/rate_slew.h"

#include <gtest/gtest.h>

#include "core/slew.h"
#include "sys/virtual_clock.h"

namespace tempus::proc {
namespace {

using core::Duration;
using core::Timestamp;

constexpr int64_t kPpm = sys::kScaledPerPpm;
const Timestamp kStart = Timestamp::from_unix(1'700'000'000, 0);
const int64_t kDefaultRate = 5'461'333'333;  // maxslewrate 83333.33 ppm in 2^-16 ppm

class RateSlewTest : public ::testing::Test {
 protected:
  // The oscillator runs 100 ppm fast and the base frequency corrects it, so without a slew the
  // virtual clock keeps exactly to the base time: its phase against it is what slews applied.
  RateSlewTest() : clock_([this] { return base_; }, options()), slew_(clock_, arm()) {
    EXPECT_TRUE(slew_.set_frequency(-100 * kPpm).ok());
  }
  static sys::VirtualClock::Options options() {
    sys::VirtualClock::Options o;
    o.oscillator_error_scaled_ppm = 100 * kPpm;
    return o;
  }
  RateSlew::ArmTimer arm() {
    return [this](std::optional<Duration> d) { timer_ = d; };
  }
  Duration phase() { return clock_.now() - base_; }
  int64_t frequency() { return clock_.read()->effective_freq_scaled_ppm; }
  // The timer fires `late` after it was due.
  void fire(Duration late = Duration()) {
    ASSERT_TRUE(timer_.has_value());
    base_ = base_ + *timer_ + late;
    slew_.on_timer();
  }

  Timestamp base_ = kStart;
  std::optional<Duration> timer_;
  sys::VirtualClock clock_;
  RateSlew slew_;
};

TEST_F(RateSlewTest, GainsWhatTheDisciplineModels) {
  const Duration offset = Duration::ms(100);
  auto r = slew_.slew(offset, kDefaultRate);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slew_pending, offset);
  EXPECT_EQ(r->slew_replaced, Duration());
  EXPECT_EQ(frequency(), -100 * kPpm + kDefaultRate);
  EXPECT_TRUE(slew_.active());
  // The discipline's model of the same command (base and rate in ppm as on the wire).
  const core::SlewPlan plan{.offset = offset,
                            .rate_ppm = static_cast<double>(kDefaultRate) / kPpm};
  EXPECT_NEAR(plan.duration().to_seconds_f(), 1.3, 1e-3);  // 0.1 s in 1.3 s of local time
  base_ = base_ + Duration::ms(600);
  const Duration local = clock_.now() - kStart;
  EXPECT_NEAR(phase().to_seconds_f(), plan.applied(local).to_seconds_f(), 2e-9);
  EXPECT_NEAR(slew_.remaining().to_seconds_f(), plan.remaining(local).to_seconds_f(), 2e-9);

  base_ = kStart;  // the timer is due its full duration after the start
  fire();          // on time: no trim
  EXPECT_FALSE(slew_.active());
  EXPECT_FALSE(timer_.has_value());
  EXPECT_EQ(frequency(), -100 * kPpm);
  EXPECT_EQ(clock_.read()->slew_pending, Duration());
  EXPECT_NEAR(phase().to_seconds_f(), 0.1, 20e-9);
  base_ = base_ + Duration::s(100);
  EXPECT_NEAR(phase().to_seconds_f(), 0.1, 20e-9);  // and it stays there
}

TEST_F(RateSlewTest, NegativeSlew) {
  ASSERT_TRUE(slew_.slew(Duration::ms(-20), 1000 * kPpm).ok());
  EXPECT_EQ(frequency(), -1100 * kPpm);
  fire();
  EXPECT_EQ(frequency(), -100 * kPpm);
  EXPECT_NEAR(phase().to_seconds_f(), -0.02, 20e-9);
}

TEST_F(RateSlewTest, LateTimerIsTrimmedBySingleShotSlew) {
  ASSERT_TRUE(slew_.slew(Duration::ms(100), kDefaultRate).ok());
  fire(Duration::ms(10));  // 10 ms late at 83333 ppm: ≈ 833 µs too far
  EXPECT_FALSE(slew_.active());
  EXPECT_EQ(frequency(), -100 * kPpm);
  const Duration trim = *clock_.read()->slew_pending;
  EXPECT_NEAR(trim.to_seconds_f(), -833e-6, 2e-6);
  base_ = base_ + Duration::s(2);  // the kernel's 500 ppm takes 1.7 s for it
  EXPECT_NEAR(phase().to_seconds_f(), 0.1, 1e-6);
}

TEST_F(RateSlewTest, EarlyTimerIsRearmedForTheRest) {
  ASSERT_TRUE(slew_.slew(Duration::ms(100), kDefaultRate).ok());
  const Duration full = *timer_;
  base_ = base_ + full / 2;
  slew_.on_timer();
  EXPECT_TRUE(slew_.active());
  ASSERT_TRUE(timer_.has_value());
  EXPECT_NEAR(timer_->to_seconds_f(), (full / 2).to_seconds_f(), 1e-6);
  fire();
  EXPECT_FALSE(slew_.active());
  EXPECT_NEAR(phase().to_seconds_f(), 0.1, 20e-9);
}

TEST_F(RateSlewTest, NewSlewReplacesTheRemainder) {
  ASSERT_TRUE(slew_.slew(Duration::ms(10), 1000 * kPpm).ok());
  base_ = base_ + Duration::s(5);  // about half done
  const Duration left = slew_.remaining();
  auto r = slew_.slew(Duration::ms(-3), 500 * kPpm);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slew_replaced, left);
  const Duration before = phase();
  EXPECT_EQ(frequency(), -600 * kPpm);
  fire();
  EXPECT_NEAR((phase() - before).to_seconds_f(), -0.003, 20e-9);
  // Offset 0 ends a slew at once.
  ASSERT_TRUE(slew_.slew(Duration::ms(1), 1000 * kPpm).ok());
  ASSERT_TRUE(slew_.slew(Duration(), 1000 * kPpm).ok());
  EXPECT_FALSE(slew_.active());
  EXPECT_FALSE(timer_.has_value());
  EXPECT_EQ(frequency(), -100 * kPpm);
}

TEST_F(RateSlewTest, FrequencyChangeMovesTheBaseAndKeepsTheSlew) {
  ASSERT_TRUE(slew_.slew(Duration::ms(10), 1000 * kPpm).ok());
  base_ = base_ + Duration::s(4);
  const Duration at_change = phase();
  ASSERT_TRUE(slew_.set_frequency(-50 * kPpm).ok());
  EXPECT_TRUE(slew_.active());
  EXPECT_EQ(frequency(), 950 * kPpm);
  const Timestamp t_change = base_;
  fire();
  EXPECT_FALSE(slew_.active());
  EXPECT_EQ(frequency(), -50 * kPpm);
  // Against a clock that ran at the new base (+50 ppm on the base time) from the change on;
  // the 50 ppm the base is off by now is an error of 5 × 10^-5 of the 6 ms left (slew.h).
  const Duration drift = Duration::from_seconds_f((base_ - t_change).to_seconds_f() * 50e-6);
  EXPECT_NEAR((phase() - drift).to_seconds_f(), 0.01, 0.5e-6);
  EXPECT_GT(at_change, Duration::ms(3));
}

TEST_F(RateSlewTest, StepEndAndDestructorRestoreTheBase) {
  ASSERT_TRUE(slew_.slew(Duration::ms(10), 1000 * kPpm).ok());
  ASSERT_TRUE(slew_.step(Duration::s(1)).ok());
  EXPECT_FALSE(slew_.active());
  EXPECT_FALSE(timer_.has_value());
  EXPECT_EQ(frequency(), -100 * kPpm);

  ASSERT_TRUE(slew_.slew(Duration::ms(10), 1000 * kPpm).ok());
  slew_.end();
  EXPECT_FALSE(slew_.active());
  EXPECT_EQ(frequency(), -100 * kPpm);
  const uint32_t calls = clock_.adjustments();
  slew_.end();  // nothing running: no clock call
  slew_.on_timer();
  EXPECT_EQ(clock_.adjustments(), calls);

  {
    RateSlew other(clock_, [](std::optional<Duration>) {});
    ASSERT_TRUE(other.set_frequency(20 * kPpm).ok());
    ASSERT_TRUE(other.slew(Duration::ms(-10), 1000 * kPpm).ok());
    EXPECT_EQ(frequency(), -980 * kPpm);
  }
  EXPECT_EQ(frequency(), 20 * kPpm);
}

TEST(RateSlew, BaseIsTheKernelsFrequencyUntilSet) {
  Timestamp base = kStart;
  sys::VirtualClock clock([&base] { return base; }, {});
  ASSERT_TRUE(clock.set_frequency(7 * kPpm).ok());  // left by an earlier daemon
  RateSlew slew(clock, [](std::optional<Duration>) {});
  ASSERT_TRUE(slew.slew(Duration::ms(1), 500 * kPpm).ok());
  EXPECT_EQ(clock.read()->effective_freq_scaled_ppm, 507 * kPpm);
  slew.end();
  EXPECT_EQ(clock.read()->effective_freq_scaled_ppm, 7 * kPpm);
}

}  // namespace
}  // namespace tempus::proc
