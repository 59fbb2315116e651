// SPDX-License-Identifier: ISC
#include "core/time.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tempus::core {
namespace {

// 2036-02-07T06:28:16Z: NTP era 0 ends, era 1 begins (NTP seconds wrap to 0).
constexpr int64_t kEra1UnixSec = (int64_t{1} << 32) - kNtpUnixOffsetSec;

TEST(Duration, Factories) {
  EXPECT_EQ(Duration::s(2).count_ns(), 2'000'000'000);
  EXPECT_EQ(Duration::ms(-3).count_ns(), -3'000'000);
  EXPECT_EQ(Duration::us(7).count_ns(), 7'000);
  EXPECT_EQ((Duration::s(1) - Duration::ms(1500)).abs(), Duration::ms(500));
  EXPECT_LT(Duration::ms(-1), Duration::ns(0));
  EXPECT_EQ(Duration::s(3) / 2, Duration::ms(1500));
}

TEST(Duration, FromSecondsRoundsAndSaturates) {
  EXPECT_EQ(Duration::from_seconds_f(1.0000000004).count_ns(), 1'000'000'000);
  EXPECT_EQ(Duration::from_seconds_f(1.0000000006).count_ns(), 1'000'000'001);
  EXPECT_EQ(Duration::from_seconds_f(-0.25).count_ns(), -250'000'000);
  EXPECT_EQ(Duration::from_seconds_f(1e30), Duration::max());
  EXPECT_EQ(Duration::from_seconds_f(-1e30), Duration::min());
  EXPECT_EQ(Duration::from_seconds_f(std::nan("")), Duration::ns(0));
  EXPECT_DOUBLE_EQ(Duration::ms(250).to_seconds_f(), 0.25);
}

TEST(Timestamp, FloorSecondsForNegativeTimes) {
  const auto t = Timestamp::from_unix_ns(-1);  // 1969-12-31T23:59:59.999999999
  EXPECT_EQ(t.unix_sec(), -1);
  EXPECT_EQ(t.nsec(), 999'999'999);
  const auto u = Timestamp::from_unix(5, 7);
  EXPECT_EQ(u.unix_sec(), 5);
  EXPECT_EQ(u.nsec(), 7);
  EXPECT_EQ(u - Timestamp::from_unix(4, 7), Duration::s(1));
}

TEST(NtpTimestamp, KnownEpochs) {
  // Unix epoch and 2000-01-01 are RFC 5905 Figure 4 rows.
  EXPECT_EQ(NtpTimestamp::from_time(Timestamp::from_unix(0, 0)).seconds(), 2'208'988'800u);
  EXPECT_EQ(NtpTimestamp::from_time(Timestamp::from_unix(946'684'800, 0)).seconds(),
            3'155'673'600u);
  const auto half = NtpTimestamp::from_time(Timestamp::from_unix(0, 500'000'000));
  EXPECT_EQ(half.fraction(), 0x80000000u);
}

TEST(NtpTimestamp, EraBoundary) {
  const auto last = Timestamp::from_unix(kEra1UnixSec - 1, 999'999'999);
  const auto first = Timestamp::from_unix(kEra1UnixSec, 0);
  const auto a = NtpTimestamp::from_time(last);
  const auto b = NtpTimestamp::from_time(first);
  EXPECT_EQ(a.seconds(), 0xffffffffu);
  EXPECT_EQ(b.seconds(), 0u);
  EXPECT_EQ(b.fraction(), 0u);
  // Differences wrap correctly across the boundary, both ways.
  EXPECT_EQ(b - a, Duration::ns(1));
  EXPECT_EQ(a - b, Duration::ns(-1));
  // Era 1 values resolve to 2036 from a pivot in 2035 and from one in 2040.
  EXPECT_EQ(b.to_time(Timestamp::from_unix(kEra1UnixSec - 86400 * 365, 0)), first);
  EXPECT_EQ(a.to_time(Timestamp::from_unix(kEra1UnixSec + 86400 * 365 * 4, 0)), last);
}

TEST(NtpTimestamp, RoundTripIsExactToTheNanosecond) {
  const int64_t secs[] = {0, 1'700'000'000, kEra1UnixSec - 1, kEra1UnixSec, kEra1UnixSec + 12345,
                          -1'000'000};
  const int64_t nsecs[] = {0, 1, 499'999'999, 500'000'000, 999'999'999, 123'456'789};
  for (int64_t s : secs) {
    for (int64_t ns : nsecs) {
      const auto t = Timestamp::from_unix(s, ns);
      EXPECT_EQ(NtpTimestamp::from_time(t).to_time(t + Duration::s(1'000'000)), t)
          << s << "." << ns;
    }
  }
}

TEST(NtpTimestamp, PivotWindowIsPlusMinus68Years) {
  const auto t = Timestamp::from_unix(1'700'000'000, 0);
  const auto w = NtpTimestamp::from_time(t);
  const auto just_inside = Duration::s((int64_t{1} << 31) - 1);
  EXPECT_EQ(w.to_time(t + just_inside), t);
  EXPECT_EQ(w.to_time(t - just_inside), t);
  // Beyond the window the other era is chosen: 2^32 s later.
  EXPECT_EQ(w.to_time(t + Duration::s((int64_t{1} << 31) + 10)), t + Duration::s(int64_t{1} << 32));
}

TEST(NtpTimestamp, NegativeFractionalDifference) {
  const auto a = NtpTimestamp::from_parts(100, 0);
  const auto b = NtpTimestamp::from_parts(100, 0x40000000);  // +0.25 s
  EXPECT_EQ(a - b, Duration::ms(-250));
  EXPECT_EQ(b - a, Duration::ms(250));
  EXPECT_EQ(NtpTimestamp::from_wire(a.wire()), a);
}

TEST(ShortFixed, Conversions) {
  EXPECT_EQ(ShortFixed::from_duration(Duration::s(1)).wire(), 0x00010000u);
  EXPECT_EQ(ShortFixed::from_duration(Duration::ms(500)).wire(), 0x00008000u);
  EXPECT_EQ(ShortFixed::from_duration(Duration::ms(-5)).wire(), 0u);
  EXPECT_EQ(ShortFixed::from_duration(Duration::s(70000)).wire(), 0xffffffffu);
  EXPECT_EQ(ShortFixed::from_wire(0x00018000).to_duration(), Duration::ms(1500));
  // 2^-16 s resolution: 15.26 µs.
  EXPECT_EQ(ShortFixed::from_wire(1).to_duration(), Duration::ns(15259));
}

TEST(PollLog, Interval) {
  EXPECT_EQ((PollLog{6}).interval(), Duration::s(64));
  EXPECT_EQ((PollLog{-2}).interval(), Duration::ms(250));
  EXPECT_EQ((PollLog{0}).interval(), Duration::s(1));
  EXPECT_EQ((PollLog{PollLog::kMax}).interval(), Duration::s(1 << 24));
}

}  // namespace
TEST(CivilTime, DatesAndWeekdays) {
  auto at = [](int64_t sec) { return civil_time(Timestamp::from_unix(sec, 0)); };
  CivilTime c = at(0);
  EXPECT_EQ(c.year, 1970);
  EXPECT_EQ(c.month, 1u);
  EXPECT_EQ(c.day, 1u);
  EXPECT_EQ(c.weekday, 4u);  // Thursday
  c = at(-1);  // 1969-12-31 23:59:59, a Wednesday
  EXPECT_EQ(c.year, 1969);
  EXPECT_EQ(c.month, 12u);
  EXPECT_EQ(c.day, 31u);
  EXPECT_EQ(c.hour, 23u);
  EXPECT_EQ(c.second, 59u);
  EXPECT_EQ(c.weekday, 3u);
  c = at(951782400);  // 2000-02-29 00:00:00, a Tuesday (400-year leap year)
  EXPECT_EQ(c.month, 2u);
  EXPECT_EQ(c.day, 29u);
  EXPECT_EQ(c.weekday, 2u);
  c = at(1483228799);  // 2016-12-31 23:59:59: the last leap second's day
  EXPECT_EQ(c.year, 2016);
  EXPECT_EQ(c.day, 31u);
  c = at(4107542400 + 3661);  // 2100-03-01 01:01:01 (2100 is not a leap year), a Monday
  EXPECT_EQ(c.year, 2100);
  EXPECT_EQ(c.month, 3u);
  EXPECT_EQ(c.day, 1u);
  EXPECT_EQ(c.minute, 1u);
  EXPECT_EQ(c.weekday, 1u);
}

}  // namespace tempus::core
