// SPDX-License-Identifier: ISC
#include "core/refclock_sock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace tempus::core {
namespace {

TEST(SockSample, RoundTrip) {
  const auto b = encode_sock_sample(1'700'000'000, 250'000, 0.000125, 0, 1);
  ASSERT_EQ(b.size(), kSockSampleLen);
  auto s = decode_sock_sample(b);
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  EXPECT_EQ(s->time, Timestamp::from_unix(1'700'000'000, 250'000'000));
  EXPECT_EQ(s->offset, Duration::us(125));
  EXPECT_FALSE(s->pulse);
  EXPECT_EQ(s->leap, Leap::kInsert);
}

TEST(SockSample, Rejections) {
  auto b = encode_sock_sample(1'700'000'000, 0, 0.0, 0, 0);
  b.pop_back();
  EXPECT_EQ(decode_sock_sample(b).error(), SockError::kBadLength);
  auto magic = encode_sock_sample(1'700'000'000, 0, 0.0, 0, 0);
  magic[36] = std::byte{0};
  EXPECT_EQ(decode_sock_sample(magic).error(), SockError::kBadMagic);
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(1, 1'000'000, 0.0, 0, 0)).error(),
            SockError::kBadTime);
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(-5, 0, 0.0, 0, 0)).error(), SockError::kBadTime);
  // Found by fuzz_sock under UBSan: seconds whose nanoseconds overflow int64.
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(int64_t{1} << 39, 0, 0.0, 0, 0)).error(),
            SockError::kBadTime);
  EXPECT_TRUE(decode_sock_sample(encode_sock_sample(int64_t{1} << 33, 0, 0.0, 0, 0)).ok());
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(1, 0, std::nan(""), 0, 0)).error(),
            SockError::kBadOffset);
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(1, 0, 2e6, 0, 0)).error(), SockError::kBadOffset);
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(1, 0, 0.0, 0, 4)).error(), SockError::kBadLeap);
  EXPECT_EQ(decode_sock_sample(encode_sock_sample(1, 0, 0.0, 0, -1)).error(), SockError::kBadLeap);
}

}  // namespace
}  // namespace tempus::core
