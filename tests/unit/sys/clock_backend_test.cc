// SPDX-License-Identifier: ISC
// LinuxClock against a recording fake kernel: the exact struct timex of every verb, errno
// propagation, the tick split beyond ±500 ppm. One test reads the real kernel clock, modes 0 only,
// through a guard that refuses anything else: these tests never change the host's clock.
#include "sys/linux_clock.h"

#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include <gtest/gtest.h>
#include <sys/timex.h>
#include <time.h>

namespace tempus::sys {
namespace {

using core::Duration;
using core::Timestamp;
using core::Unexpected;

constexpr int64_t kPpm = kScaledPerPpm;
constexpr int kStaRonly = STA_PPSSIGNAL | STA_PPSJITTER | STA_PPSWANDER | STA_PPSERROR |
                          STA_CLOCKERR | STA_NANO | STA_MODE | STA_CLK;

// A small model of kernel/time/ntp.c that records every call. Fails the next calls with the
// errnos queued in fail_with.
class FakeKernel final : public KernelClockApi {
 public:
  std::vector<struct timex> calls;  // as LinuxClock passed them in
  std::deque<int> fail_with;        // errno for the next adjtime calls (0 = succeed)
  int gettime_calls = 0;
  std::vector<Timestamp> settime_calls;
  int64_t hz = 100;

  // Kernel state.
  int status = STA_UNSYNC;
  long freq = 0, tick = 10000, maxerror = 16'000'000, esterror = 16'000'000, offset = 0;
  long time_adjust = 0;  // µs, the single-shot slew remaining
  int tai = 0;
  int state = TIME_OK;
  Timestamp now = Timestamp::from_unix(1'700'000'000, 123'456'789);

  core::Result<int, Errno> adjtime(struct timex& tx) override {
    calls.push_back(tx);
    if (!fail_with.empty()) {
      const int e = fail_with.front();
      fail_with.pop_front();
      if (e != 0) return Unexpected{Errno{e}};
    }
    long ret_offset = offset;
    if (tx.modes == ADJ_OFFSET_SINGLESHOT) {
      ret_offset = time_adjust;
      time_adjust = tx.offset;
    } else {
      if (tx.modes & ADJ_SETOFFSET)
        now = now + Duration::s(tx.time.tv_sec) + Duration::ns(tx.time.tv_usec);
      if (tx.modes & ADJ_NANO) status |= STA_NANO;
      if (tx.modes & ADJ_STATUS) status = (status & kStaRonly) | (tx.status & ~kStaRonly);
      if (tx.modes & ADJ_FREQUENCY) freq = tx.freq;
      if (tx.modes & ADJ_TICK) tick = tx.tick;
      if (tx.modes & ADJ_MAXERROR) maxerror = tx.maxerror;
      if (tx.modes & ADJ_ESTERROR) esterror = tx.esterror;
      if (tx.modes & ADJ_TAI) tai = static_cast<int>(tx.constant);
    }
    tx.offset = ret_offset;
    tx.freq = freq;
    tx.tick = tick;
    tx.status = status;
    tx.maxerror = maxerror;
    tx.esterror = esterror;
    tx.tai = tai;
    tx.time.tv_sec = static_cast<time_t>(now.unix_sec());
    tx.time.tv_usec = (status & STA_NANO) ? now.nsec() : now.nsec() / 1000;
    return (status & STA_UNSYNC) ? TIME_ERROR : state;
  }
  core::Result<Timestamp, Errno> get_realtime() override {
    ++gettime_calls;
    return now;
  }
  core::Status<Errno> set_realtime(Timestamp t) override {
    settime_calls.push_back(t);
    now = t;
    return {};
  }
  int64_t user_hz() override { return hz; }
};

// ---- read -----------------------------------------------------------------------------------

TEST(LinuxClock, ReadIsModesZeroAndNormalisesMicroseconds) {
  FakeKernel k;
  k.status = STA_PLL;  // no STA_NANO: offset and time.tv_usec are µs
  k.offset = -25;
  k.freq = 12 * kPpm;
  LinuxClock c(k);
  auto s = c.read();
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(k.calls.size(), 1u);
  EXPECT_EQ(k.calls[0].modes, 0u);
  EXPECT_EQ(s->time_state, TIME_OK);
  EXPECT_EQ(s->status, static_cast<uint32_t>(STA_PLL));
  EXPECT_EQ(s->pll_offset, Duration::us(-25));
  EXPECT_EQ(s->freq_scaled_ppm, 12 * kPpm);
  EXPECT_EQ(s->effective_freq_scaled_ppm, 12 * kPpm);
  EXPECT_EQ(s->tick_us, 10000);
  EXPECT_EQ(s->time, Timestamp::from_unix(1'700'000'000, 123'456'000));
  EXPECT_FALSE(s->slew_pending.has_value());
}

TEST(LinuxClock, ReadWithStaNanoTakesNanoseconds) {
  FakeKernel k;
  k.status = STA_NANO | STA_UNSYNC;
  k.offset = -25;
  LinuxClock c(k);
  auto s = c.read();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->time_state, TIME_ERROR);
  EXPECT_EQ(s->pll_offset, Duration::ns(-25));
  EXPECT_EQ(s->time, Timestamp::from_unix(1'700'000'000, 123'456'789));
}

TEST(LinuxClock, ErrnoPropagates) {
  FakeKernel k;
  LinuxClock c(k);
  k.fail_with = {EPERM};
  EXPECT_EQ(c.read().error(), Errno{EPERM});
  k.fail_with = {EPERM};
  EXPECT_EQ(c.set_frequency(kPpm).error(), Errno{EPERM});
  k.fail_with = {EPERM};
  EXPECT_EQ(c.slew(Duration::ms(1)).error(), Errno{EPERM});
  k.fail_with = {EPERM};
  EXPECT_EQ(c.step(Duration::s(1)).error(), Errno{EPERM});  // not EINVAL: no fallback
  EXPECT_EQ(k.gettime_calls, 0);
  EXPECT_TRUE(k.settime_calls.empty());
  EXPECT_EQ(k.freq, 0);
  EXPECT_EQ(k.time_adjust, 0);
}

// ---- slew -----------------------------------------------------------------------------------

TEST(LinuxClock, SlewIsSingleShotInMicroseconds) {
  FakeKernel k;
  k.time_adjust = 700;  // a previous slew still running
  LinuxClock c(k);
  auto s = c.slew(Duration::ns(1'234'567));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(k.calls.size(), 1u);
  EXPECT_EQ(k.calls[0].modes, static_cast<unsigned>(ADJ_OFFSET_SINGLESHOT));  // nothing else
  EXPECT_EQ(k.calls[0].offset, 1235);  // rounded to nearest µs
  EXPECT_EQ(k.time_adjust, 1235);      // replaced, not added
  EXPECT_EQ(s->slew_pending, Duration::us(1235));
  EXPECT_EQ(s->slew_replaced, Duration::us(700));
}

TEST(LinuxClock, SlewRoundsHalvesAwayFromZero) {
  FakeKernel k;
  LinuxClock c(k);
  const std::pair<int64_t, long> cases[] = {{1499, 1},   {1500, 2},   {-1499, -1}, {-1500, -2},
                                            {499, 0},    {-499, 0},   {0, 0},
                                            {-2'000'000'000, -2'000'000}};
  for (const auto& [ns, us] : cases) {
    ASSERT_TRUE(c.slew(Duration::ns(ns)).ok());
    EXPECT_EQ(k.calls.back().offset, us) << ns;
  }
}

TEST(LinuxClock, SlewBeyondLimitRefusedWithoutSyscall) {
  FakeKernel k;
  LinuxClock c(k);
  EXPECT_TRUE(c.slew(kMaxSlew).ok());
  EXPECT_TRUE(c.slew(-kMaxSlew).ok());
  EXPECT_EQ(k.calls.size(), 2u);
  EXPECT_EQ(c.slew(kMaxSlew + Duration::ns(1)).error(), Errno{EINVAL});
  EXPECT_EQ(c.slew(Duration::min()).error(), Errno{EINVAL});
  EXPECT_EQ(k.calls.size(), 2u);
}

// ---- frequency ------------------------------------------------------------------------------

TEST(LinuxClock, FrequencyWithinKernelRangeUsesNominalTick) {
  FakeKernel k;
  k.tick = 10003;  // left behind by an earlier daemon: must be reset
  LinuxClock c(k);
  for (int64_t f : {int64_t{0}, 12 * kPpm + 1234, -12 * kPpm, 500 * kPpm, -500 * kPpm}) {
    auto s = c.set_frequency(f);
    ASSERT_TRUE(s.ok());
    const auto& tx = k.calls.back();
    EXPECT_EQ(tx.modes, static_cast<unsigned>(ADJ_FREQUENCY | ADJ_TICK));
    EXPECT_EQ(tx.freq, f);
    EXPECT_EQ(tx.tick, 10000);
    EXPECT_EQ(s->freq_scaled_ppm, f);
    EXPECT_EQ(s->effective_freq_scaled_ppm, f);
  }
}

TEST(LinuxClock, FrequencyBeyond500PpmMovesTheTick) {
  FakeKernel k;
  LinuxClock c(k);
  EXPECT_EQ(c.nominal_tick_us(), 10000);
  EXPECT_EQ(c.tick_unit_scaled_ppm(), 100 * kPpm);
  struct Case {
    int64_t f;
    long tick, freq;
  } cases[] = {
      {500 * kPpm + 1, 10005, 1},                       // just past: 5 units, 1 left
      {1234 * kPpm + kPpm / 2, 10012, 34 * kPpm + kPpm / 2},
      {-1234 * kPpm - kPpm / 2, 9988, -34 * kPpm - kPpm / 2},
      {1250 * kPpm, 10013, -50 * kPpm},                 // half a unit rounds away from zero
      {100'000 * kPpm, 11000, 0},                       // the kernel's +10 % tick limit
      {-100'000 * kPpm, 9000, 0},
  };
  for (const auto& cs : cases) {
    auto s = c.set_frequency(cs.f);
    ASSERT_TRUE(s.ok()) << cs.f;
    const auto& tx = k.calls.back();
    EXPECT_EQ(tx.modes, static_cast<unsigned>(ADJ_FREQUENCY | ADJ_TICK));
    EXPECT_EQ(tx.tick, cs.tick) << cs.f;
    EXPECT_EQ(tx.freq, cs.freq) << cs.f;
    EXPECT_EQ(s->tick_us, cs.tick);
    EXPECT_EQ(s->effective_freq_scaled_ppm, cs.f);  // tick and freq add up exactly
  }
}

TEST(LinuxClock, FrequencyBeyondTickRangeRefusedWithoutSyscall) {
  FakeKernel k;
  LinuxClock c(k);
  EXPECT_EQ(c.set_frequency(kMaxFrequencyScaledPpm + 1).error(), Errno{EINVAL});
  EXPECT_EQ(c.set_frequency(-kMaxFrequencyScaledPpm - 1).error(), Errno{EINVAL});
  EXPECT_EQ(c.set_frequency(std::numeric_limits<int64_t>::min()).error(), Errno{EINVAL});
  EXPECT_TRUE(k.calls.empty());
}

TEST(LinuxClock, TickUnitFollowsUserHz) {
  FakeKernel k;
  k.hz = 1024;  // alpha: TICK_USEC = 977
  k.tick = 977;
  LinuxClock c(k);
  EXPECT_EQ(c.nominal_tick_us(), 977);
  EXPECT_EQ(c.tick_unit_scaled_ppm(), (int64_t{1'000'000} * kPpm + 488) / 977);
  auto s = c.set_frequency(2000 * kPpm);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(k.calls.back().tick, 977 + 2);  // 2 × 1023.5 ppm
  EXPECT_EQ(s->effective_freq_scaled_ppm, 2000 * kPpm);
  EXPECT_LE(std::abs(k.calls.back().freq), 500 * kPpm);
}

// ---- step -----------------------------------------------------------------------------------

TEST(LinuxClock, StepIsAtomicSetOffsetInNanoseconds) {
  struct Case {
    int64_t ns;
    time_t sec;
    long nsec;
  } cases[] = {
      {1'500'000'000, 1, 500'000'000},
      {-1'500'000'000, -2, 500'000'000},  // {sec, nsec} with 0 ≤ nsec < 1e9, as the kernel wants
      {-1, -1, 999'999'999},
      {1, 0, 1},
      {-86'400'000'000'000, -86'400, 0},
  };
  for (const auto& cs : cases) {
    FakeKernel k;
    const Timestamp before = k.now;
    LinuxClock c(k);
    auto s = c.step(Duration::ns(cs.ns));
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(k.calls.size(), 1u);
    EXPECT_EQ(k.calls[0].modes, static_cast<unsigned>(ADJ_SETOFFSET | ADJ_NANO));
    EXPECT_EQ(k.calls[0].time.tv_sec, cs.sec) << cs.ns;
    EXPECT_EQ(k.calls[0].time.tv_usec, cs.nsec) << cs.ns;
    EXPECT_EQ(k.now - before, Duration::ns(cs.ns));
    EXPECT_EQ(s->time, k.now);  // state after the step, read in the same call
    EXPECT_EQ(k.gettime_calls, 0);
  }
}

TEST(LinuxClock, StepFallsBackToSettimeOnEinval) {
  FakeKernel k;
  const Timestamp before = k.now;
  LinuxClock c(k);
  k.fail_with = {EINVAL};  // a kernel without ADJ_SETOFFSET
  auto s = c.step(Duration::ns(-2'000'000'001));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(k.settime_calls.size(), 1u);
  EXPECT_EQ(k.settime_calls[0], before - Duration::ns(2'000'000'001));
  EXPECT_EQ(k.gettime_calls, 1);
  ASSERT_EQ(k.calls.size(), 2u);  // the refused setoffset, then a modes 0 read
  EXPECT_EQ(k.calls[1].modes, 0u);
}

TEST(LinuxClock, StepZeroRefused) {
  FakeKernel k;
  LinuxClock c(k);
  EXPECT_EQ(c.step(Duration{}).error(), Errno{EINVAL});
  EXPECT_EQ(c.step(Duration::min()).error(), Errno{EINVAL});
  EXPECT_TRUE(k.calls.empty());
}

// ---- status ---------------------------------------------------------------------------------

ipc::SetKernelStatus status(ipc::LeapState leap, bool synced, int32_t tai = 0) {
  ipc::SetKernelStatus s;
  s.leap = leap;
  s.synced = synced;
  s.tai_offset_s = tai;
  s.maxerror_us = 12'345;
  s.esterror_us = 678;
  return s;
}

TEST(LinuxClock, StatusIsReadModifyWrite) {
  FakeKernel k;
  k.status = STA_UNSYNC | STA_FREQHOLD | STA_DEL | STA_NANO;
  LinuxClock c(k);
  auto s = c.set_status(status(ipc::LeapState::kInsert, true));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(k.calls.size(), 2u);
  EXPECT_EQ(k.calls[0].modes, 0u);
  const auto& tx = k.calls[1];
  EXPECT_EQ(tx.modes, static_cast<unsigned>(ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR));
  // INS replaces DEL, UNSYNC cleared, FREQHOLD kept (and the read-only NANO passed through).
  EXPECT_EQ(tx.status, STA_FREQHOLD | STA_INS | STA_NANO);
  EXPECT_EQ(tx.maxerror, 12'345);
  EXPECT_EQ(tx.esterror, 678);
  EXPECT_EQ(s->status, static_cast<uint32_t>(STA_FREQHOLD | STA_INS | STA_NANO));
}

TEST(LinuxClock, StatusLeapAndSyncTable) {
  struct Case {
    ipc::LeapState leap;
    bool synced;
    int want;  // bits among INS/DEL/UNSYNC
  } cases[] = {
      {ipc::LeapState::kNone, true, 0},
      {ipc::LeapState::kNone, false, STA_UNSYNC},
      {ipc::LeapState::kInsert, false, STA_INS | STA_UNSYNC},
      {ipc::LeapState::kDelete, true, STA_DEL},
      {ipc::LeapState::kUnsync, false, STA_UNSYNC},
  };
  for (const auto& cs : cases) {
    FakeKernel k;
    k.status = STA_PLL | STA_INS | STA_DEL;  // STA_PLL stays whatever we do
    LinuxClock c(k);
    ASSERT_TRUE(c.set_status(status(cs.leap, cs.synced)).ok());
    EXPECT_EQ(k.calls.back().status, STA_PLL | cs.want) << static_cast<int>(cs.leap);
    EXPECT_EQ(k.calls.back().modes & ADJ_TAI, 0u);
  }
}

TEST(LinuxClock, StatusSetsTaiOnlyWhenKnown) {
  FakeKernel k;
  k.tai = 35;
  LinuxClock c(k);
  ASSERT_TRUE(c.set_status(status(ipc::LeapState::kNone, true, 37)).ok());
  EXPECT_EQ(k.calls.back().modes,
            static_cast<unsigned>(ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TAI));
  EXPECT_EQ(k.calls.back().constant, 37);
  EXPECT_EQ(k.tai, 37);
  ASSERT_TRUE(c.set_status(status(ipc::LeapState::kNone, true, 0)).ok());
  EXPECT_EQ(k.calls.back().modes & ADJ_TAI, 0u);
  EXPECT_EQ(k.tai, 37);
}

TEST(LinuxClock, StatusReadFailureWritesNothing) {
  FakeKernel k;
  LinuxClock c(k);
  k.fail_with = {EFAULT};
  EXPECT_EQ(c.set_status(status(ipc::LeapState::kNone, true)).error(), Errno{EFAULT});
  EXPECT_EQ(k.calls.size(), 1u);
  k.fail_with = {0, EPERM};
  EXPECT_EQ(c.set_status(status(ipc::LeapState::kNone, true)).error(), Errno{EPERM});
  EXPECT_EQ(k.status, STA_UNSYNC);
}

TEST(LinuxClock, StatusOutOfRangeRefusedWithoutSyscall) {
  FakeKernel k;
  LinuxClock c(k);
  auto s = status(ipc::LeapState::kNone, true);
  s.maxerror_us = ipc::kKernelMaxErrorUs + 1;
  EXPECT_EQ(c.set_status(s).error(), Errno{EINVAL});
  s = status(ipc::LeapState::kNone, true);
  s.leap = static_cast<ipc::LeapState>(7);
  EXPECT_EQ(c.set_status(s).error(), Errno{EINVAL});
  EXPECT_EQ(c.set_status(status(ipc::LeapState::kNone, true, -1)).error(), Errno{EINVAL});
  EXPECT_TRUE(k.calls.empty());
}

TEST(ClockBackendHelpers, ReportedTimeState) {
  EXPECT_EQ(reported_time_state(TIME_INS, STA_INS), TIME_INS);
  EXPECT_EQ(reported_time_state(TIME_INS, STA_INS | STA_UNSYNC), TIME_ERROR);
  EXPECT_EQ(reported_time_state(TIME_OK, STA_PPSFREQ), TIME_ERROR);  // PPS without signal
  EXPECT_EQ(reported_time_state(TIME_OK, STA_PPSFREQ | STA_PPSSIGNAL), TIME_OK);
  EXPECT_STREQ(time_state_name(TIME_WAIT), "wait");
  EXPECT_STREQ(time_state_name(42), "unknown");
}

// ---- the real kernel, read-only --------------------------------------------------------------

// Forwards modes-0 adjtime and clock_gettime to the real kernel; anything else is a test bug and
// is refused here, before it could reach the kernel.
class ReadOnlyKernel final : public KernelClockApi {
 public:
  core::Result<int, Errno> adjtime(struct timex& tx) override {
    if (tx.modes != 0) {
      ADD_FAILURE() << "test tried to change the clock: modes " << tx.modes;
      return Unexpected{Errno{EPERM}};
    }
    return real_.adjtime(tx);
  }
  core::Result<Timestamp, Errno> get_realtime() override { return real_.get_realtime(); }
  core::Status<Errno> set_realtime(Timestamp) override {
    ADD_FAILURE() << "test tried to set the clock";
    return Unexpected{Errno{EPERM}};
  }
  int64_t user_hz() override { return real_.user_hz(); }

 private:
  RealKernelClockApi real_;
};

TEST(RealKernelClockApi, ReadOnlyStateIsSane) {
  ReadOnlyKernel k;
  const int64_t hz = k.user_hz();
  EXPECT_GT(hz, 0);
  LinuxClock c(k);
  auto before = k.get_realtime();
  auto s = c.read();
  auto after = k.get_realtime();
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  EXPECT_GE(s->time_state, TIME_OK);
  EXPECT_LE(s->time_state, TIME_ERROR);
  EXPECT_LE(s->status, 0xffffu);
  EXPECT_LE(std::abs(s->freq_scaled_ppm), ipc::kKernelMaxFreqScaledPpm);
  EXPECT_GE(s->tick_us, 900'000 / hz);
  EXPECT_LE(s->tick_us, 1'100'000 / hz);
  EXPECT_GE(s->maxerror_us, 0);
  EXPECT_GE(s->esterror_us, 0);
  EXPECT_GE(s->tai_offset_s, 0);
  // timex.time is CLOCK_REALTIME at the call (µs or ns resolution).
  EXPECT_GE(s->time, before.value() - Duration::us(1));
  EXPECT_LE(s->time, after.value() + Duration::us(1));
}

}  // namespace
}  // namespace tempus::sys
