// SPDX-License-Identifier: ISC
#include "core/ratelimit.h"

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

const IpAddress kA = IpAddress::v4(0x7f000001);
const IpAddress kB = IpAddress::v4(0x7f000002);
const Timestamp kT = Timestamp::from_unix(1'700'000'000, 0);

TEST(RateLimiter, BurstThenLimitedWithLeak) {
  RateLimiter r({.interval_log2 = 3, .burst = 4, .leak = 2, .kod = 0});
  int answered = 0;
  for (int i = 0; i < 4; ++i) answered += r.check(kA, kT) == RateDecision::kAnswer;
  EXPECT_EQ(answered, 4);
  // Limited now: 1 in 4 still answered.
  int more = 0;
  for (int i = 0; i < 16; ++i) more += r.check(kA, kT) == RateDecision::kAnswer;
  EXPECT_EQ(more, 4);
  // Another client has its own bucket.
  EXPECT_EQ(r.check(kB, kT), RateDecision::kAnswer);
}

TEST(RateLimiter, RefillsOneTokenPerInterval) {
  RateLimiter r({.interval_log2 = 3, .burst = 1, .leak = 30, .kod = 0});
  EXPECT_EQ(r.check(kA, kT), RateDecision::kAnswer);
  EXPECT_EQ(r.check(kA, kT + Duration::s(7)), RateDecision::kDrop);
  EXPECT_EQ(r.check(kA, kT + Duration::s(15)), RateDecision::kAnswer);  // 8 s after the last
  // A clock going backwards refills nothing.
  EXPECT_EQ(r.check(kA, kT), RateDecision::kDrop);
}

TEST(RateLimiter, KodForSomeDropped) {
  RateLimiter r({.interval_log2 = 3, .burst = 1, .leak = 30, .kod = 2});
  EXPECT_EQ(r.check(kA, kT), RateDecision::kAnswer);
  EXPECT_EQ(r.check(kA, kT), RateDecision::kDrop);
  EXPECT_EQ(r.check(kA, kT), RateDecision::kKodRate);
  EXPECT_EQ(r.check(kA, kT), RateDecision::kDrop);
}

TEST(RateLimiter, TableIsBounded) {
  RateLimiter r({.interval_log2 = 3, .burst = 1, .leak = 30, .kod = 0, .max_clients = 3});
  for (uint32_t i = 0; i < 100; ++i)
    EXPECT_EQ(r.check(IpAddress::v4(0x0a000000 + i), kT + Duration::ms(i)), RateDecision::kAnswer);
  EXPECT_EQ(r.clients(), 3u);
}

}  // namespace
}  // namespace tempus::core
