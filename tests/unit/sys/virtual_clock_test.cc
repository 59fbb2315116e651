// SPDX-License-Identifier: ISC
// VirtualClock on a fake base time: rate, slew, step, status, leap seconds; bit-exact results.
#include "sys/virtual_clock.h"

#include <cerrno>

#include <gtest/gtest.h>
#include <sys/timex.h>

namespace tempus::sys {
namespace {

using core::Duration;
using core::Timestamp;

constexpr int64_t kPpm = kScaledPerPpm;
// 2023-11-14T22:13:20Z; its UTC midnight is at 1'700'006'400.
const Timestamp kStart = Timestamp::from_unix(1'700'000'000, 0);

struct Fixture {
  Timestamp base = kStart;
  VirtualClock make(VirtualClock::Options o = {}) {
    return VirtualClock([this] { return base; }, o);
  }
};

VirtualClock::Options opts(Duration offset, int64_t osc_error, uint32_t status = STA_UNSYNC) {
  VirtualClock::Options o;
  o.initial_offset = offset;
  o.oscillator_error_scaled_ppm = osc_error;
  o.initial_status = status;
  return o;
}

ipc::SetKernelStatus synced(ipc::LeapState leap = ipc::LeapState::kNone) {
  ipc::SetKernelStatus s;
  s.leap = leap;
  s.synced = true;
  s.maxerror_us = 1000;
  s.esterror_us = 100;
  return s;
}

TEST(VirtualClock, StartsAtOffsetAndFollowsBase) {
  Fixture f;
  auto c = f.make(opts(Duration::ms(-250), 0));
  EXPECT_EQ(c.now(), kStart - Duration::ms(250));
  f.base = f.base + Duration::s(100);
  EXPECT_EQ(c.now(), kStart + Duration::s(100) - Duration::ms(250));
}

TEST(VirtualClock, OscillatorErrorAndCorrection) {
  Fixture f;
  auto c = f.make(opts(Duration{}, 100 * kPpm));
  f.base = f.base + Duration::s(1000);
  EXPECT_EQ(c.now() - f.base, Duration::ms(100));  // 100 ppm of 1000 s
  ASSERT_TRUE(c.set_frequency(-100 * kPpm).ok());
  f.base = f.base + Duration::s(1000);
  EXPECT_EQ(c.now() - f.base, Duration::ms(100));  // fully compensated
  ASSERT_TRUE(c.set_frequency(-150 * kPpm).ok());
  f.base = f.base + Duration::s(10);
  EXPECT_EQ(c.now() - f.base, Duration::ms(100) - Duration::us(500));
}

TEST(VirtualClock, RemaindersMakeResultIndependentOfCallPattern) {
  Fixture fa, fb;
  const VirtualClock::Options o = opts(Duration{}, 3 * kPpm + 7);
  auto a = fa.make(o);
  auto b = fb.make(o);
  ASSERT_TRUE(a.slew(Duration::ns(123'456'789)).ok());
  ASSERT_TRUE(b.slew(Duration::ns(123'456'789)).ok());
  for (int i = 0; i < 100'000; ++i) {
    fa.base = fa.base + Duration::ns(3'333'333);
    (void)a.now();
  }
  fb.base = fb.base + Duration::ns(int64_t{3'333'333} * 100'000);
  EXPECT_EQ(a.now(), b.now());
  // 333.33 s at 3 ppm + 7/65536 ppm, plus the slew (finished after 246.9 s at 500 ppm).
  const Duration elapsed = Duration::ns(int64_t{3'333'333} * 100'000);
  const int64_t rate_ns = elapsed.count_ns() * (3 * kPpm + 7) / (int64_t{1'000'000} * kPpm);
  EXPECT_EQ(a.now() - (kStart + elapsed), Duration::ns(rate_ns + 123'456'789));
}

TEST(VirtualClock, SlewAt500PpmAndReplaces) {
  Fixture f;
  auto c = f.make();
  auto s = c.slew(Duration::ms(1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->slew_pending, Duration::ms(1));
  EXPECT_EQ(s->slew_replaced, Duration{});
  f.base = f.base + Duration::s(1);
  EXPECT_EQ(c.now() - f.base, Duration::us(500));
  EXPECT_EQ(c.read()->slew_pending, Duration::us(500));
  // A new slew replaces the remaining 500 µs.
  s = c.slew(Duration::ms(-1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->slew_replaced, Duration::us(500));
  f.base = f.base + Duration::s(5);
  EXPECT_EQ(c.now() - f.base, Duration::us(-500));  // +0.5 ms then −1 ms, no overshoot
  EXPECT_EQ(c.read()->slew_pending, Duration{});
}

TEST(VirtualClock, SlewBoundsLikeTheKernel) {
  Fixture f;
  auto c = f.make();
  EXPECT_EQ(c.slew(kMaxSlew + Duration::ns(1)).error(), Errno{EINVAL});
  EXPECT_EQ(c.slew(Duration::min()).error(), Errno{EINVAL});
  EXPECT_EQ(c.adjustments(), 0u);
}

TEST(VirtualClock, StepIsInstantAndExact) {
  Fixture f;
  auto c = f.make();
  auto s = c.step(Duration::ns(-1'234'567'891));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->time, kStart - Duration::ns(1'234'567'891));
  EXPECT_EQ(c.now(), kStart - Duration::ns(1'234'567'891));
  EXPECT_EQ(c.step(Duration{}).error(), Errno{EINVAL});
  EXPECT_EQ(c.adjustments(), 1u);
}

TEST(VirtualClock, FrequencyStateAndTickSplit) {
  Fixture f;
  auto c = f.make();
  auto s = c.set_frequency(-1234 * kPpm);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->effective_freq_scaled_ppm, -1234 * kPpm);
  EXPECT_EQ(s->tick_us, 9988);
  EXPECT_EQ(s->freq_scaled_ppm, -34 * kPpm);
  EXPECT_EQ(c.set_frequency(kMaxFrequencyScaledPpm + 1).error(), Errno{EINVAL});
  f.base = f.base + Duration::s(1);
  EXPECT_EQ(c.now() - f.base, Duration::us(-1234));
}

TEST(VirtualClock, StatusAndMaxErrorGrowth) {
  Fixture f;
  auto c = f.make();
  auto s = c.read();
  EXPECT_EQ(s->status, static_cast<uint32_t>(STA_UNSYNC));
  EXPECT_EQ(s->time_state, TIME_ERROR);
  EXPECT_EQ(s->maxerror_us, ipc::kKernelMaxErrorUs);

  s = c.set_status(synced());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, 0u);
  EXPECT_EQ(s->time_state, TIME_OK);
  EXPECT_EQ(s->maxerror_us, 1000);
  EXPECT_EQ(s->esterror_us, 100);

  f.base = f.base + Duration::ms(10'500);
  EXPECT_EQ(c.read()->maxerror_us, 1000 + 10 * 500);  // 500 µs per whole second
  f.base = f.base + Duration::ms(500);
  EXPECT_EQ(c.read()->maxerror_us, 1000 + 11 * 500);
  f.base = f.base + Duration::s(40'000);  // past 16 s: the kernel declares itself unsynced
  s = c.read();
  EXPECT_EQ(s->maxerror_us, ipc::kKernelMaxErrorUs);
  EXPECT_EQ(s->status, static_cast<uint32_t>(STA_UNSYNC));
  EXPECT_EQ(s->time_state, TIME_ERROR);
}

TEST(VirtualClock, StatusKeepsOtherBitsAndSetsTai) {
  Fixture f;
  auto c = f.make(opts(Duration{}, 0, STA_UNSYNC | STA_FREQHOLD));
  auto st = synced();
  st.tai_offset_s = 37;
  auto s = c.set_status(st);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, static_cast<uint32_t>(STA_FREQHOLD));
  EXPECT_EQ(s->tai_offset_s, 37);
  st.tai_offset_s = 0;  // unknown: leave it
  EXPECT_EQ(c.set_status(st)->tai_offset_s, 37);
}

TEST(VirtualClock, LeapSecondInsertedAtMidnight) {
  Fixture f;
  // Virtual 23:59:50 UTC.
  auto c = f.make(opts(Timestamp::from_unix(1'700'006'390, 0) - kStart, 0));
  auto s = c.set_status(synced(ipc::LeapState::kInsert));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->time_state, TIME_INS);
  f.base = f.base + Duration::s(20);
  s = c.read();
  EXPECT_EQ(s->time, Timestamp::from_unix(1'700'006'409, 0));  // one second repeated
  EXPECT_EQ(s->time_state, TIME_WAIT);
  f.base = f.base + Duration::s(86'400);  // no second leap while waiting
  EXPECT_EQ(c.now(), Timestamp::from_unix(1'700'092'809, 0));
  EXPECT_EQ(c.set_status(synced())->time_state, TIME_OK);
}

TEST(VirtualClock, LeapSecondDeleted) {
  Fixture f;
  auto c = f.make(opts(Timestamp::from_unix(1'700'006'390, 0) - kStart, 0));
  ASSERT_TRUE(c.set_status(synced(ipc::LeapState::kDelete)).ok());
  EXPECT_EQ(c.read()->time_state, TIME_DEL);
  f.base = f.base + Duration::s(8);  // 23:59:58: not yet
  EXPECT_EQ(c.now(), Timestamp::from_unix(1'700'006'398, 0));
  f.base = f.base + Duration::s(1);  // 23:59:59 does not exist
  EXPECT_EQ(c.now(), Timestamp::from_unix(1'700'006'400, 0));
  EXPECT_EQ(c.read()->time_state, TIME_WAIT);
}

TEST(VirtualClock, BaseGoingBackwardsHolds) {
  Fixture f;
  auto c = f.make();
  f.base = f.base + Duration::s(10);
  const Timestamp t = c.now();
  f.base = f.base - Duration::s(5);
  EXPECT_EQ(c.now(), t);
  f.base = f.base + Duration::s(7);  // resumes from the high-water mark: 2 s past it
  EXPECT_EQ(c.now(), t + Duration::s(2));
}

}  // namespace
}  // namespace tempus::sys

namespace tempus::sys {
namespace {

TEST(VirtualClock, TimerDurationIsLocalTimeOnTheBase) {
  Fixture f;
  VirtualClock c = f.make(opts(Duration(), 100 * kPpm));
  ASSERT_TRUE(c.set_frequency(83'333 * kPpm).ok());
  const Duration base = c.timer_duration(Duration::s(1));
  // 1 s / (1 + 83433 ppm), to the ns (truncated).
  EXPECT_EQ(base, Duration::ns(922'992'007));
  const Timestamp before = c.now();
  f.base = f.base + base;
  EXPECT_NEAR((c.now() - before).to_seconds_f(), 1.0, 2e-9);
  EXPECT_EQ(c.read_time().value(), c.now());
  ASSERT_TRUE(c.set_frequency(-100 * kPpm).ok());  // the oscillator corrected: rate 1
  EXPECT_EQ(c.timer_duration(Duration::s(7)), Duration::s(7));
}

}  // namespace
}  // namespace tempus::sys
