// SPDX-License-Identifier: ISC
// What timedatectl sees: the discipline's status commands, turned into the parent's
// SetKernelStatus verb (to_verb) and applied to a kernel-like clock (VirtualClock, which grows
// maxerror by 500 µs/s and sets STA_UNSYNC at 16 s as the kernel does). systemd's timedated
// says "System clock synchronized: yes" when adjtimex's maxerror is below 16 s, whatever
// STA_UNSYNC says; STA_UNSYNC is cleared only with rtcsync (it turns on the kernel's 11-minute
// RTC copy, as with chronyd).
#include <gtest/gtest.h>
#include <sys/timex.h>

#include "core/discipline.h"
#include "proc/local_clock.h"
#include "sys/virtual_clock.h"

namespace tempus::proc {
namespace {

using core::Duration;
using core::Timestamp;

const Timestamp kStart = Timestamp::from_unix(1'700'000'000, 0);

// systemd's rule (time-util.c ntp_synced()).
bool timedated_synchronized(const sys::ClockState& s) { return s.maxerror_us < 16'000'000; }

ipc::SetKernelStatus verb(const core::ClockCommand& c, bool rtcsync) {
  const ipc::AnyMessage m = to_verb(c, rtcsync);
  const auto* s = std::get_if<ipc::SetKernelStatus>(&m);
  EXPECT_NE(s, nullptr);
  return s ? *s : ipc::SetKernelStatus{};
}

TEST(KernelStatus, SynchronisedSetsMaxerrorAndClearsUnsyncOnlyWithRtcsync) {
  const core::StatusCommand synced{.leap = core::Leap::kInsert,
                                   .synced = true,
                                   .max_error = Duration::ms(12),
                                   .est_error = Duration::us(300),
                                   .tai_offset_s = 37};
  const ipc::SetKernelStatus without = verb(synced, false);
  EXPECT_FALSE(without.synced);  // STA_UNSYNC stays: the kernel must not write the RTC
  EXPECT_EQ(without.maxerror_us, 12'000);
  EXPECT_EQ(without.esterror_us, 300);
  EXPECT_EQ(without.leap, ipc::LeapState::kInsert);
  EXPECT_EQ(without.tai_offset_s, 37);
  const ipc::SetKernelStatus with = verb(synced, true);
  EXPECT_TRUE(with.synced);
  EXPECT_EQ(with.maxerror_us, 12'000);
}

TEST(KernelStatus, UnsynchronisedSetsTheCeiling) {
  const core::StatusCommand unsynced{.leap = core::Leap::kUnsync,
                                     .synced = false,
                                     .max_error = Duration::ms(5),
                                     .est_error = Duration::ms(1)};
  for (bool rtcsync : {false, true}) {
    const ipc::SetKernelStatus s = verb(unsynced, rtcsync);
    EXPECT_FALSE(s.synced);
    EXPECT_EQ(s.leap, ipc::LeapState::kUnsync);
    EXPECT_EQ(s.maxerror_us, ipc::kKernelMaxErrorUs);
    EXPECT_EQ(s.esterror_us, ipc::kKernelMaxErrorUs);
  }
  // A "synced" status with an unsynchronised leap vote is not synchronised.
  const core::StatusCommand odd{.leap = core::Leap::kUnsync, .synced = true,
                                .max_error = Duration::ms(5)};
  EXPECT_EQ(verb(odd, true).maxerror_us, ipc::kKernelMaxErrorUs);
  EXPECT_FALSE(verb(odd, true).synced);
}

// The discipline driving a kernel-like clock through the verbs, as the daemon does.
struct Kernel {
  Timestamp base = kStart;
  sys::VirtualClock clock{[this] { return base; }, sys::VirtualClock::Options{}};
  bool rtcsync;
  explicit Kernel(bool rtc) : rtcsync(rtc) {}

  void apply(const std::vector<core::ClockCommand>& cmds) {
    for (const auto& c : cmds) {
      if (!std::holds_alternative<core::StatusCommand>(c)) continue;
      const auto s = clock.set_status(verb(c, rtcsync));
      ASSERT_TRUE(s.ok());
    }
  }
  sys::ClockState read() { return *clock.read(); }
};

core::ReferenceUpdate update_at(Timestamp t) {
  return core::ReferenceUpdate{.now = t,
                               .ref_id = 0xc0000201,
                               .stratum = 2,
                               .leap = core::Leap::kNone,
                               .offset = Duration::us(50),
                               .offset_sd = Duration::us(20),
                               .skew_ppm = 0.1,
                               .root_delay = Duration::ms(20),
                               .root_dispersion = Duration::ms(5)};
}

TEST(KernelStatus, TimedatedSaysSynchronizedFromTheFirstUpdateOn) {
  for (bool rtcsync : {false, true}) {
    Kernel k(rtcsync);
    core::Discipline d({}, std::nullopt);
    k.apply(d.start(k.base));
    EXPECT_FALSE(timedated_synchronized(k.read()));
    EXPECT_TRUE(k.read().status & STA_UNSYNC);
    k.apply(d.update(update_at(k.base)).commands);
    const sys::ClockState s = k.read();
    EXPECT_TRUE(timedated_synchronized(s)) << "rtcsync " << rtcsync;
    EXPECT_EQ(s.maxerror_us, 15'000);  // root delay / 2 + root dispersion
    EXPECT_EQ(bool(s.status & STA_UNSYNC), !rtcsync);
    // Losing every source: unsynchronised again.
    k.apply(d.unsynchronise(k.base));
    EXPECT_FALSE(timedated_synchronized(k.read()));
    EXPECT_TRUE(k.read().status & STA_UNSYNC);
  }
}

TEST(KernelStatus, StaysSynchronizedAcrossTheLongestPollWithTicks) {
  // maxpoll 16 (the STIG's setting): 65536 s between updates. The kernel alone would take
  // maxerror past 16 s after 32000 s; the daemon's 600 s ticks keep it at our estimate.
  Kernel k(true);
  core::Discipline d({}, std::nullopt);
  k.apply(d.start(k.base));
  k.apply(d.update(update_at(k.base)).commands);
  int64_t worst_us = 0;
  for (int i = 1; i <= 65536 / 600; ++i) {
    k.base = kStart + Duration::s(600) * i;
    k.apply(d.tick(k.base));
    const sys::ClockState s = k.read();
    worst_us = std::max(worst_us, s.maxerror_us);
    ASSERT_TRUE(timedated_synchronized(s)) << "after " << 600 * i << " s";
    EXPECT_FALSE(s.status & STA_UNSYNC);
  }
  EXPECT_LT(worst_us, 1'000'000);  // well under a second: refreshed every 1024 s at most
}

TEST(KernelStatus, WithoutTicksTheKernelGivesUpAfter32000Seconds) {
  // The same run with no tick: what the refresh is for (and a check that the model can fail).
  Kernel k(true);
  core::Discipline d({}, std::nullopt);
  k.apply(d.update(update_at(k.base)).commands);
  k.base = kStart + Duration::s(31000);
  EXPECT_TRUE(timedated_synchronized(k.read()));
  k.base = kStart + Duration::s(33000);
  EXPECT_FALSE(timedated_synchronized(k.read()));
  EXPECT_TRUE(k.read().status & STA_UNSYNC);
}

}  // namespace
}  // namespace tempus::proc
