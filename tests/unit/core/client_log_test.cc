// SPDX-License-Identifier: ISC
#include "core/client_log.h"

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

const IpAddress kA = IpAddress::v4(0x7f000001);
const IpAddress kB = IpAddress::v4(0x7f000002);
const Timestamp kT = Timestamp::from_unix(1'700'000'000, 0);

ClientLog limited(RateLimitConfig r, size_t max_clients = 4096) {
  return ClientLog({.max_clients = max_clients, .rate_limit = r}, 0x1234);
}

TEST(ClientLog, BurstThenLimitedWithLeak) {
  auto r = limited({.interval_log2 = 3, .burst = 4, .leak = 2, .kod = 0});
  int answered = 0;
  for (int i = 0; i < 4; ++i) answered += r.on_request(kA, kT).decision == RateDecision::kAnswer;
  EXPECT_EQ(answered, 4);
  // Limited now: 1 in 4 still answered.
  int more = 0;
  for (int i = 0; i < 16; ++i) more += r.on_request(kA, kT).decision == RateDecision::kAnswer;
  EXPECT_EQ(more, 4);
  // Another client has its own bucket.
  EXPECT_EQ(r.on_request(kB, kT).decision, RateDecision::kAnswer);
  const auto recs = r.records();
  ASSERT_EQ(recs.size(), 2u);
  const auto& a = recs[0].address == kA ? recs[0] : recs[1];
  EXPECT_EQ(a.ntp_hits, 20u);
  EXPECT_EQ(a.ntp_drops, 12u);
}

TEST(ClientLog, RefillsOneTokenPerInterval) {
  auto r = limited({.interval_log2 = 3, .burst = 1, .leak = 30, .kod = 0});
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kAnswer);
  EXPECT_EQ(r.on_request(kA, kT + Duration::s(7)).decision, RateDecision::kDrop);
  EXPECT_EQ(r.on_request(kA, kT + Duration::s(15)).decision, RateDecision::kAnswer);
  // A clock going backwards refills nothing.
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kDrop);
}

TEST(ClientLog, KodForSomeDropped) {
  auto r = limited({.interval_log2 = 3, .burst = 1, .leak = 30, .kod = 2});
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kAnswer);
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kDrop);
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kKodRate);
  EXPECT_EQ(r.on_request(kA, kT).decision, RateDecision::kDrop);
}

TEST(ClientLog, WithoutRateLimitEverythingIsAnsweredAndLogged) {
  ClientLog log({.max_clients = 16, .rate_limit = std::nullopt}, 7);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(log.on_request(kA, kT + Duration::s(i)).decision, RateDecision::kAnswer);
  ASSERT_EQ(log.records().size(), 1u);
  EXPECT_EQ(log.records()[0].ntp_hits, 100u);
  EXPECT_EQ(log.records()[0].ntp_drops, 0u);
  EXPECT_EQ(log.records()[0].interval_log2, 0);  // 1 s
  EXPECT_EQ(log.records()[0].limited_interval_log2, 0);
  EXPECT_EQ(log.records()[0].last_seen, kT + Duration::s(99));
}

TEST(ClientLog, IntervalAverages) {
  ClientLog log({.max_clients = 16, .rate_limit = std::nullopt}, 7);
  log.on_request(kA, kT);
  EXPECT_EQ(log.records()[0].interval_log2, ClientRecord::kNoInterval);
  for (int i = 1; i <= 40; ++i) log.on_request(kA, kT + Duration::s(64 * i));
  EXPECT_EQ(log.records()[0].interval_log2, 6);
  for (int i = 1; i <= 40; ++i) log.on_request(kA, kT + Duration::s(64 * 40) + Duration::ms(250 * i));
  EXPECT_EQ(log.records()[0].interval_log2, -2);
}

TEST(ClientLog, LimitedIntervalCountsAnsweredOnly) {
  auto r = limited({.interval_log2 = 4, .burst = 1, .leak = 30, .kod = 0});
  for (int i = 0; i < 200; ++i) r.on_request(kA, kT + Duration::s(i));  // one a second
  const auto rec = r.records().at(0);
  EXPECT_EQ(rec.interval_log2, 0);
  EXPECT_EQ(rec.limited_interval_log2, 4);  // answered every 16 s
}

TEST(ClientLog, TableIsBoundedWhateverTheAddresses) {
  ClientLog log({.max_clients = 64, .rate_limit = RateLimitConfig{}}, 0xfeed);
  EXPECT_EQ(log.capacity(), 64u);
  for (uint32_t i = 0; i < 100'000; ++i)
    log.on_request(IpAddress::v4(0x0a000000 + i), kT + Duration::us(i));
  EXPECT_LE(log.size(), 64u);
  EXPECT_GE(log.size(), 60u);  // the hash spreads them over all buckets
  EXPECT_EQ(log.records_dropped(), 100'000u - log.size());
  // The survivors are the most recent clients of each bucket.
  for (const auto& r : log.records()) EXPECT_GE(r.address.v4_value(), 0x0a000000u + 100'000 - 2000);
  std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
  for (uint32_t i = 0; i < 1000; ++i) {
    b[15] = static_cast<uint8_t>(i);
    b[14] = static_cast<uint8_t>(i >> 8);
    log.on_request(IpAddress::v6(b), kT + Duration::s(1) + Duration::us(i));
  }
  EXPECT_LE(log.size(), 64u);
}

TEST(ClientLog, ASmallLogStillHasOneBucket) {
  ClientLog log({.max_clients = 1, .rate_limit = std::nullopt}, 0);
  EXPECT_EQ(log.capacity(), ClientLog::kBucketSlots);
}

TEST(ClientLog, HoldsTheLastReplysTimestamps) {
  ClientLog log({.max_clients = 8, .rate_limit = std::nullopt}, 3);
  const auto v = log.on_request(kA, kT);
  EXPECT_FALSE(log.held(kA));
  EXPECT_EQ(log.timestamps_held(), 0u);
  log.note_transmit(v.slot, kA, kT, kT + Duration::us(20));
  ASSERT_TRUE(log.held(kA));
  EXPECT_EQ(log.held(kA)->tx, kT + Duration::us(20));
  EXPECT_EQ(log.timestamps_held(), 1u);
  // A stale slot (given to another address since) is ignored, as is one out of range.
  log.note_transmit(v.slot, kB, kT, kT);
  log.note_transmit(1'000'000, kA, kT, kT);
  EXPECT_EQ(log.held(kA)->tx, kT + Duration::us(20));
  EXPECT_FALSE(log.held(kB));
}

}  // namespace
}  // namespace tempus::core
