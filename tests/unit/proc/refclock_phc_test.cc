// SPDX-License-Identifier: ISC
// refclock PHC's shell: engine options from the config, and reads through a scripted device onto
// a local clock that is not CLOCK_REALTIME (as under -x), with and without `tai`.
#include "proc/refclock_phc.h"

#include <gtest/gtest.h>
#include <linux/ptp_clock.h>

#include <cerrno>

#include "core/packet.h"

namespace tempus::proc {
namespace {

using core::Duration;
using core::Timestamp;

constexpr int64_t kSec = 1'700'000'000;

// The PHC is 37 s + 2 µs ahead of CLOCK_REALTIME (a TAI PHC whose UTC is 2 µs ahead);
// PTP_SYS_OFFSET_PRECISE fails with `precise_errno` when set.
class ScriptedPhc final : public sys::PhcDevice {
 public:
  int precise_errno = 0;
  int extended_errno = 0;
  core::Status<sys::Errno> ioctl(unsigned long request, void* arg) override {
    if (request == PTP_SYS_OFFSET_PRECISE) {
      if (precise_errno) return core::Unexpected{sys::Errno{precise_errno}};
      auto* p = static_cast<ptp_sys_offset_precise*>(arg);
      p->sys_realtime = {kSec, 0, 0};
      p->device = {kSec + 37, 2000, 0};
      return {};
    }
    if (request == PTP_SYS_OFFSET_EXTENDED) {
      if (extended_errno) return core::Unexpected{sys::Errno{extended_errno}};
      auto* e = static_cast<ptp_sys_offset_extended*>(arg);
      for (unsigned i = 0; i < e->n_samples; ++i) {
        e->ts[i][0] = {kSec, 0, 0};
        e->ts[i][1] = {kSec + 37, 2500, 0};
        e->ts[i][2] = {kSec, 1000, 0};
      }
      return {};
    }
    return core::Unexpected{sys::Errno{ENOTTY}};
  }
};

// A local clock 1 ms ahead of CLOCK_REALTIME.
class AheadClock final : public LocalClock {
 public:
  Timestamp now() override { return Timestamp::from_unix(kSec, 0) + Duration::ms(1); }
  Timestamp from_realtime(Timestamp t) override { return t + Duration::ms(1); }
  void apply(const core::ClockCommand&) override {}
};

config::Refclock phc(bool tai, bool nocrossts) {
  config::Refclock rc;
  rc.driver = "PHC";
  rc.parameter = rc.device = "/dev/ptp_test";
  rc.refid = "PHC0";
  rc.tai = tai;
  rc.nocrossts = nocrossts;
  rc.precision = Duration::ns(10);
  return rc;
}

TEST(PhcRefclock, ReadsOntoTheLocalClockWithTai) {
  AheadClock clock;
  auto dev = std::make_unique<ScriptedPhc>();
  PhcRefclock r(phc(/*tai=*/true, false), std::move(dev));
  const auto s = r.read(clock, 37);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(r.method(), sys::PhcMethod::kPrecise);
  EXPECT_EQ(s->time, Timestamp::from_unix(kSec, 0) + Duration::ms(1));
  // The PHC's UTC is 2 µs ahead of the system clock, which is 1 ms behind the local clock.
  EXPECT_EQ(s->offset, Duration::us(2) - Duration::ms(1));
  EXPECT_EQ(s->dispersion, Duration::ns(10));
}

TEST(PhcRefclock, WithoutTaiTheOffsetIsTheRawOne) {
  AheadClock clock;
  PhcRefclock r(phc(false, /*nocrossts=*/true), std::make_unique<ScriptedPhc>());
  const auto s = r.read(clock, 37);  // TAI − UTC is known but the PHC is not in TAI
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(r.method(), sys::PhcMethod::kExtended);
  // Midpoint 500 ns, PHC 2500 ns past: 37 s + 2 µs; window 1 µs → dispersion 500 + 10 ns.
  EXPECT_EQ(s->offset, Duration::s(37) + Duration::us(2) - Duration::ms(1));
  EXPECT_EQ(s->dispersion, Duration::ns(510));
}

TEST(PhcRefclock, FallsBackAndReportsFailedReads) {
  AheadClock clock;
  auto dev = std::make_unique<ScriptedPhc>();
  ScriptedPhc* raw = dev.get();
  raw->precise_errno = EOPNOTSUPP;
  PhcRefclock r(phc(false, false), std::move(dev));
  ASSERT_TRUE(r.read(clock, 0).has_value());
  EXPECT_EQ(r.method(), sys::PhcMethod::kExtended);
  raw->extended_errno = EIO;  // a transient failure: no sample, same method
  EXPECT_FALSE(r.read(clock, 0).has_value());
  EXPECT_EQ(r.method(), sys::PhcMethod::kExtended);
  raw->extended_errno = 0;
  EXPECT_TRUE(r.read(clock, 0).has_value());
}

TEST(PhcRefclock, EngineOptionsFromTheConfig) {
  config::Refclock rc = phc(false, false);
  rc.poll = 6;
  rc.dpoll = -2;
  rc.filter = 32;
  rc.stratum = 2;
  rc.offset = Duration::us(-3);
  rc.delay = Duration::ns(100);
  rc.min_samples = 4;
  rc.max_samples = 16;
  rc.max_dispersion = Duration::us(50);
  rc.prefer = rc.trust = true;
  const auto o = refclock_options(rc);
  EXPECT_EQ(o.ref_id, core::ref_id_ascii("PHC0"));
  EXPECT_EQ(o.stratum, 2);
  EXPECT_EQ(o.offset, Duration::us(-3));
  EXPECT_EQ(o.delay, Duration::ns(100));
  EXPECT_EQ(o.precision, Duration::ns(10));
  EXPECT_EQ(o.stats.min_samples, 4u);
  EXPECT_EQ(o.stats.max_samples, 16u);
  EXPECT_TRUE(o.prefer && o.trust && !o.noselect && !o.require);
  ASSERT_TRUE(o.filter.has_value());
  EXPECT_EQ(o.filter->length, 32u);
  EXPECT_EQ(o.filter->poll, 6);
  EXPECT_EQ(o.filter->dpoll, -2);
  EXPECT_EQ(o.filter->max_dispersion, Duration::us(50));
  EXPECT_EQ(o.timeout, Duration::s(256));  // four polls of 64 s
  // A SOCK refclock: no filter, the default timeout and precision.
  config::Refclock sock;
  sock.driver = "SOCK";
  sock.refid = "GPS";
  const auto so = refclock_options(sock);
  EXPECT_FALSE(so.filter.has_value());
  EXPECT_EQ(so.timeout, core::Engine::kRefclockTimeout);
  EXPECT_EQ(so.precision, core::Engine::RefclockOptions{}.precision);
}

}  // namespace
}  // namespace tempus::proc
