// SPDX-License-Identifier: ISC
#include "core/nts_cookie.h"

#include <gtest/gtest.h>

#include "crypto/aead.h"
#include "test_rng.h"

namespace tempus::core {
namespace {

using Vec = std::vector<std::byte>;

const Timestamp kT0 = Timestamp::from_unix(1'700'000'000, 0);
const Duration kDay = Duration::s(86400);

NtsKeys keys_of(uint8_t c2s, uint8_t s2c) {
  return {15, Vec(32, std::byte{c2s}), Vec(32, std::byte{s2c})};
}

class Cookie : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = crypto::make_aead(AeadId::kAesSivCmac256);
    if (!master_) GTEST_SKIP() << "no AES-SIV in this OpenSSL";
    ring_.rotate(kT0, rng_);
  }
  Vec make(const NtsKeys& k) {
    auto c = make_cookie(ring_, *master_, k, rng_);
    EXPECT_TRUE(c);
    return c.value_or(Vec{});
  }
  test::TestRng rng_;
  ServerKeyRing ring_{kDay};
  std::unique_ptr<Aead> master_;
};

TEST_F(Cookie, SealsTheSessionKeys) {
  const NtsKeys k = keys_of(1, 2);
  const Vec c = make(k);
  EXPECT_EQ(c.size(), 104u);
  const auto back = open_cookie(ring_, *master_, c);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, k);
}

TEST_F(Cookie, TwoCookiesForTheSameKeysAreUnlinkable) {
  const NtsKeys k = keys_of(1, 2);
  const Vec a = make(k);
  const Vec b = make(k);
  ASSERT_EQ(a.size(), b.size());
  // Only the key ID (first 4 octets) is common; every later octet position differs somewhere,
  // and the nonce and ciphertext as a whole differ.
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + 4, b.begin()));
  EXPECT_NE(Vec(a.begin() + 4, a.begin() + 20), Vec(b.begin() + 4, b.begin() + 20));
  EXPECT_NE(Vec(a.begin() + 20, a.end()), Vec(b.begin() + 20, b.end()));
  size_t same = 0;
  for (size_t i = 4; i < a.size(); ++i) same += a[i] == b[i];
  EXPECT_LT(same, 10u);  // about 100/256 expected by chance
}

TEST_F(Cookie, AnyTamperingOrTruncationFails) {
  const Vec c = make(keys_of(3, 4));
  for (size_t i = 0; i < c.size(); ++i) {
    Vec bad = c;
    bad[i] ^= std::byte{0x01};
    EXPECT_FALSE(open_cookie(ring_, *master_, bad)) << "octet " << i;
  }
  for (size_t n = 0; n < c.size(); ++n)
    EXPECT_FALSE(open_cookie(ring_, *master_, Bytes(c).first(n))) << "length " << n;
  Vec longer = c;
  longer.push_back(std::byte{0});
  EXPECT_FALSE(open_cookie(ring_, *master_, longer));
}

TEST_F(Cookie, KeysOfTheWrongShapeAreNotSealed) {
  NtsKeys k = keys_of(1, 2);
  k.c2s.pop_back();
  EXPECT_FALSE(make_cookie(ring_, *master_, k, rng_));
  k = keys_of(1, 2);
  k.aead = 30;
  EXPECT_FALSE(make_cookie(ring_, *master_, k, rng_));
  ServerKeyRing empty{kDay};
  EXPECT_FALSE(make_cookie(empty, *master_, keys_of(1, 2), rng_));
  EXPECT_FALSE(open_cookie(empty, *master_, make(keys_of(1, 2))));
}

TEST_F(Cookie, RotationKeepsRecentKeysAndDropsOld) {
  const Vec first = make(keys_of(5, 6));
  const uint32_t first_id = ring_.current()->id;
  Timestamp t = kT0;
  EXPECT_FALSE(ring_.rotation_due(t + kDay - Duration::s(1)));
  for (size_t i = 1; i < kMaxServerKeys; ++i) {
    t = t + kDay;
    ASSERT_TRUE(ring_.rotation_due(t));
    ring_.rotate(t, rng_);
    EXPECT_EQ(ring_.current()->id, first_id + static_cast<uint32_t>(i));
    EXPECT_TRUE(open_cookie(ring_, *master_, first)) << "after rotation " << i;
  }
  const Vec recent = make(keys_of(7, 8));
  EXPECT_EQ(ring_.keys().size(), kMaxServerKeys);
  t = t + kDay;
  ring_.rotate(t, rng_);
  EXPECT_EQ(ring_.keys().size(), kMaxServerKeys);
  EXPECT_EQ(ring_.find(first_id), nullptr);
  EXPECT_FALSE(open_cookie(ring_, *master_, first));  // expired with its key
  EXPECT_TRUE(open_cookie(ring_, *master_, recent));
}

TEST_F(Cookie, LongDowntimeExpiresEveryOldKey) {
  ring_.rotate(kT0 + kDay, rng_);
  const Vec c = make(keys_of(1, 1));
  ring_.rotate(kT0 + Duration::s(86400 * 30), rng_);
  EXPECT_EQ(ring_.keys().size(), 1u);
  EXPECT_FALSE(open_cookie(ring_, *master_, c));
}

TEST(ServerKeyRing, ZeroIntervalNeverRotates) {
  test::TestRng rng;
  ServerKeyRing ring{Duration{}};
  EXPECT_TRUE(ring.rotation_due(kT0));
  ring.rotate(kT0, rng);
  EXPECT_FALSE(ring.rotation_due(kT0 + Duration::s(86400 * 365 * 10)));
}

TEST(ServerKeyRing, PersistedFormRoundTrips) {
  test::TestRng rng;
  ServerKeyRing ring{kDay};
  for (int i = 0; i < 3; ++i) ring.rotate(kT0 + Duration::s(i * 86400), rng);
  const std::string text = ring.serialise();
  EXPECT_EQ(text.substr(0, 18), "tempus-nts-keys 1\n");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  const auto back = ServerKeyRing::parse(text, kDay);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->keys().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back->keys()[i].id, ring.keys()[i].id);
    EXPECT_EQ(back->keys()[i].key, ring.keys()[i].key);
    EXPECT_EQ(back->keys()[i].created, ring.keys()[i].created);
  }
  EXPECT_EQ(back->current()->id, ring.current()->id);
  EXPECT_EQ(back->serialise(), text);
}

TEST(ServerKeyRing, BadFilesAreRefusedWithTheirLine) {
  const std::string key(64, 'a');
  const std::string ok = "0000000a 1700000000 15 " + key + "\n";
  struct Case {
    std::string text;
    KeyRingError error;
    size_t line;
  };
  const Case cases[] = {
      {"", KeyRingError::kBadHeader, 1},
      {"NKS1\n" + ok, KeyRingError::kBadHeader, 1},
      {"tempus-nts-keys 2\n" + ok, KeyRingError::kBadHeader, 1},
      {"tempus-nts-keys 1\n", KeyRingError::kNoKeys, 1},
      {"tempus-nts-keys 1\n" + ok + "0000000b 1700000000 15\n", KeyRingError::kBadLine, 3},
      {"tempus-nts-keys 1\nzzzzzzzz 1700000000 15 " + key + "\n", KeyRingError::kBadLine, 2},
      {"tempus-nts-keys 1\n0000000b -5 15 " + key + "\n", KeyRingError::kBadLine, 2},
      // Past 2^33 s the creation time no longer fits int64 nanoseconds (found by fuzz_nts_keys).
      {"tempus-nts-keys 1\n0000000b 8589934593 15 " + key + "\n", KeyRingError::kBadLine, 2},
      {"tempus-nts-keys 1\n0000000b 1700000000 15 " + key + "0\n", KeyRingError::kBadLine, 2},
      {"tempus-nts-keys 1\n0000000b 1700000000 15 " + std::string(64, 'g') + "\n",
       KeyRingError::kBadLine, 2},
      {"tempus-nts-keys 1\nb 1700000000 15 " + key + "\n", KeyRingError::kBadLine, 2},
      {"tempus-nts-keys 1\n0000000b 1700000000 30 " + key + "\n", KeyRingError::kBadAead, 2},
      {"tempus-nts-keys 1\n" + ok + ok, KeyRingError::kDuplicateId, 3},
      {"tempus-nts-keys 1\n" + ok + "0000000b 1 15 " + key + "\n0000000c 1 15 " + key +
           "\n0000000d 1 15 " + key + "\n0000000e 1 15 " + key + "\n",
       KeyRingError::kTooManyKeys, 6},
  };
  for (const auto& c : cases) {
    const auto r = ServerKeyRing::parse(c.text, kDay);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().error, c.error) << c.text << ": " << to_string(r.error().error);
    EXPECT_EQ(r.error().line, c.line) << c.text;
  }
}

}  // namespace
}  // namespace tempus::core
