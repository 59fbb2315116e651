// SPDX-License-Identifier: ISC
#include "core/refclock_phc.h"

#include <gtest/gtest.h>

#include <vector>

namespace tempus::core {
namespace {

constexpr int64_t kSec = 1'700'000'000;

PhcTime at(int64_t sec, uint32_t nsec) { return {sec, nsec}; }

// A triplet around system second kSec: before at b ns, after at a ns, PHC at p ns past `phc_sec`.
PhcTriplet triplet(uint32_t b, int64_t phc_sec, uint32_t p, uint32_t a) {
  return {at(kSec, b), at(phc_sec, p), at(kSec, a)};
}

TEST(PhcMeasure, PicksTheShortestWindow) {
  const std::vector<PhcTriplet> r = {
      triplet(1000, kSec, 1500, 2000),    // window 1000
      triplet(5000, kSec, 5300, 5400),    // window 400: chosen
      triplet(9000, kSec, 9000, 10'000),  // window 1000
      triplet(12'000, kSec, 12'000, 12'400),  // window 400 too: the first one wins
  };
  const auto m = measure_phc(r, Duration::ns(20), 0);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  EXPECT_EQ(m->window, Duration::ns(400));
  EXPECT_EQ(m->sys_time, Timestamp::from_unix(kSec, 5200));
  EXPECT_EQ(m->offset, Duration::ns(100));  // PHC 5300 vs midpoint 5200: system behind
  EXPECT_EQ(m->dispersion, Duration::ns(200 + 20));
}

TEST(PhcMeasure, OffsetSign) {
  // The PHC reads 1.5 ms less than the system clock: the system clock is ahead, offset < 0.
  const std::vector<PhcTriplet> r = {{at(kSec, 2'000'000), at(kSec, 500'000), at(kSec, 2'000'000)}};
  const auto m = measure_phc(r, Duration(), 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->offset, -Duration::us(1500));
  // And across a second boundary, PHC ahead by 0.75 s.
  const std::vector<PhcTriplet> r2 = {{at(kSec, 500'000'000), at(kSec + 1, 250'000'000),
                                       at(kSec, 500'000'000)}};
  EXPECT_EQ(measure_phc(r2, Duration(), 0)->offset, Duration::ms(750));
}

TEST(PhcMeasure, CrossTimestampHasOnlyThePrecisionAsError) {
  const std::vector<PhcTriplet> r = {{at(kSec, 7), at(kSec, 10), at(kSec, 7)}};
  const auto m = measure_phc(r, Duration::ns(5), 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->window, Duration());
  EXPECT_EQ(m->dispersion, Duration::ns(5));
  EXPECT_EQ(m->offset, Duration::ns(3));
  EXPECT_EQ(m->sys_time, Timestamp::from_unix(kSec, 7));
}

TEST(PhcMeasure, TaiIsTakenOffThePhc) {
  // A PHC in TAI 37 s ahead of UTC, system clock exactly on UTC.
  const std::vector<PhcTriplet> r = {{at(kSec, 100), at(kSec + 37, 100), at(kSec, 100)}};
  EXPECT_EQ(measure_phc(r, Duration(), 37)->offset, Duration());
  EXPECT_EQ(measure_phc(r, Duration(), 0)->offset, Duration::s(37));
}

TEST(PhcMeasure, SkipsBackwardWindowsAndRejectsBadInput) {
  // The system clock stepped back during the first reading.
  const std::vector<PhcTriplet> r = {triplet(2000, kSec, 1500, 1000), triplet(3000, kSec, 3100, 3600)};
  const auto m = measure_phc(r, Duration(), 0);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->window, Duration::ns(600));
  EXPECT_EQ(measure_phc(std::vector<PhcTriplet>{r[0]}, Duration(), 0).error(),
            PhcError::kBackwards);
  EXPECT_EQ(measure_phc({}, Duration(), 0).error(), PhcError::kNoReadings);
  const std::vector<PhcTriplet> bad_nsec = {{at(kSec, 0), at(kSec, 1'000'000'000), at(kSec, 0)}};
  EXPECT_EQ(measure_phc(bad_nsec, Duration(), 0).error(), PhcError::kBadTime);
  const std::vector<PhcTriplet> negative = {{at(-1, 0), at(kSec, 0), at(kSec, 0)}};
  EXPECT_EQ(measure_phc(negative, Duration(), 0).error(), PhcError::kBadTime);
  const std::vector<PhcTriplet> far = {{at(kSec, 0), at(int64_t{1} << 40, 0), at(kSec, 0)}};
  EXPECT_EQ(measure_phc(far, Duration(), 0).error(), PhcError::kBadTime);
  // A PHC that was never set (near the epoch) is far off, but measurable.
  const std::vector<PhcTriplet> unset = {{at(kSec, 0), at(5, 0), at(kSec, 0)}};
  EXPECT_EQ(measure_phc(unset, Duration(), 0)->offset, -Duration::s(kSec - 5));
}

}  // namespace
}  // namespace tempus::core
