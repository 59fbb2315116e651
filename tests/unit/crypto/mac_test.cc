// SPDX-License-Identifier: ISC
#include "crypto/mac.h"

#include <gtest/gtest.h>

#include "hex.h"

namespace tempus::crypto {
namespace {

using test::hex;
using Vec = std::vector<std::byte>;

Vec cmac_vec(const Vec& key, const Vec& msg) {
  auto t = aes_cmac(key, msg);
  return t ? Vec(t->begin(), t->end()) : Vec{};
}

// RFC 4493 §4, AES-128 key, messages of 0, 16, 40 and 64 octets.
TEST(AesCmac, Rfc4493Vectors) {
  const Vec k = hex("2b7e1516 28aed2a6 abf71588 09cf4f3c");
  const Vec m = hex("6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51"
                    "30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710");
  EXPECT_EQ(cmac_vec(k, {}), hex("bb1d6929 e9593728 7fa37d12 9b756746"));
  EXPECT_EQ(cmac_vec(k, Vec(m.begin(), m.begin() + 16)),
            hex("070a16b4 6b4d4144 f79bdd9d d04a287c"));
  EXPECT_EQ(cmac_vec(k, Vec(m.begin(), m.begin() + 40)),
            hex("dfa66747 de9ae630 30ca3261 1497c827"));
  EXPECT_EQ(cmac_vec(k, m), hex("51f0bebf 7e3b9d92 fc497417 79363cfe"));
}

// NIST SP 800-38B D.3 (AES-256), the key size of RFC 8573's AES256 keys.
TEST(AesCmac, Aes256Vectors) {
  const Vec k = hex("603deb10 15ca71be 2b73aef0 857d7781 1f352c07 3b6108d7 2d9810a3 0914dff4");
  EXPECT_EQ(cmac_vec(k, {}), hex("028962f6 1b7bf89e fc6b551f 4667d983"));
  EXPECT_EQ(cmac_vec(k, hex("6bc1bee2 2e409f96 e93d7e11 7393172a")),
            hex("28a7023f 452e8f82 bd4bf28d 8c37c35c"));
  EXPECT_FALSE(aes_cmac(Vec(24), {}));  // AES-192 is not an NTP key type
}

core::SymmetricKey key_of(core::KeyType t, Vec value) { return {1, t, std::move(value), 1}; }

// Legacy NTP MAC = H(key || data): with key "a" and data "bc" it is H("abc").
TEST(LegacyMac, IsTheDigestOfKeyThenData) {
  const auto data = core::as_bytes("bc");
  const Vec a{std::byte{'a'}};
  if (mac_available(core::KeyType::kMd5)) {
    auto md5 = compute_mac(key_of(core::KeyType::kMd5, a), data);
    ASSERT_TRUE(md5);
    EXPECT_EQ(*md5, hex("90015098 3cd24fb0 d6963f7d 28e17f72"));
  }
  auto sha1 = compute_mac(key_of(core::KeyType::kSha1, a), data);
  ASSERT_TRUE(sha1);
  EXPECT_EQ(*sha1, hex("a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d"));
  auto sha256 = compute_mac(key_of(core::KeyType::kSha256, a), data);
  ASSERT_TRUE(sha256);
  EXPECT_EQ(*sha256,
            hex("ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad"));
  auto sha512 = compute_mac(key_of(core::KeyType::kSha512, a), data);
  ASSERT_TRUE(sha512);
  EXPECT_EQ(sha512->size(), 64u);
  EXPECT_EQ(Vec(sha512->begin(), sha512->begin() + 8), hex("ddaf35a1 93617aba"));
}

TEST(LegacyMac, CheckAcceptsTheTruncatedDigestOnly) {
  const auto key = key_of(core::KeyType::kSha256, Vec(20, std::byte{7}));
  const auto data = core::as_bytes("an NTP packet, 48 octets or more in real life...");
  auto full = compute_mac(key, data);
  ASSERT_TRUE(full);
  ASSERT_EQ(full->size(), 32u);
  const core::Bytes trunc = core::Bytes(*full).first(kMaxV4MacDigestLen);
  EXPECT_TRUE(check_mac(key, data, trunc));
  EXPECT_FALSE(check_mac(key, data, *full));  // NTPv4: never the whole 32 octets
  EXPECT_TRUE(check_mac(key, data, *full, 64));  // NTPv3 carries it whole
  EXPECT_FALSE(check_mac(key, data, core::Bytes(*full).first(16)));
  Vec bad(trunc.begin(), trunc.end());
  bad[19] ^= std::byte{1};
  EXPECT_FALSE(check_mac(key, data, bad));
  const auto other = key_of(core::KeyType::kSha256, Vec(20, std::byte{8}));
  EXPECT_FALSE(check_mac(other, data, trunc));
}

TEST(Cmac, KeysOfTheFileTypes) {
  const Vec k = hex("2b7e1516 28aed2a6 abf71588 09cf4f3c");
  ASSERT_TRUE(mac_available(core::KeyType::kAes128Cmac));
  ASSERT_TRUE(mac_available(core::KeyType::kAes256Cmac));
  auto mac = compute_mac(key_of(core::KeyType::kAes128Cmac, k), {});
  ASSERT_TRUE(mac);
  EXPECT_EQ(*mac, hex("bb1d6929 e9593728 7fa37d12 9b756746"));
  EXPECT_TRUE(check_mac(key_of(core::KeyType::kAes128Cmac, k), {}, *mac));
  // A CMAC key of the wrong length (the parser refuses it; the MAC refuses it too).
  EXPECT_FALSE(compute_mac(key_of(core::KeyType::kAes256Cmac, k), {}));
}

}  // namespace
}  // namespace tempus::crypto

namespace tempus::crypto {
namespace {

// A key made ready once gives compute_mac()'s MACs, again and again (the context is reused).
TEST(KeyedMac, SameAsComputeMacRepeatedly) {
  const auto kf = core::parse_key_file(
      "1 AES128 HEX:000102030405060708090a0b0c0d0e0f\n"
      "2 AES256 HEX:000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f\n"
      "3 SHA1 ASCII:sha1-key-of-test\n4 SHA256 ASCII:sha256-key-test\n"
      "5 SHA512 ASCII:sha512-key-test\n");
  ASSERT_EQ(kf.keys.size(), 5u);
  for (const auto& k : kf.keys) {
    auto m = KeyedMac::make(k);
    ASSERT_TRUE(m) << k.id;
    for (const std::string text : {"", "a 48-octet NTP header would be here", "x"}) {
      const auto data = core::as_bytes(text);
      const auto want = compute_mac(k, data);
      ASSERT_TRUE(want);
      EXPECT_EQ(m->compute(data), want) << k.id << " " << text;
      EXPECT_EQ(m->size(), want->size());
      const size_t n = std::min<size_t>(want->size(), kMaxV4MacDigestLen);
      EXPECT_TRUE(m->check(data, core::Bytes(*want).first(n)));
      EXPECT_FALSE(m->check(data, *want) && want->size() > kMaxV4MacDigestLen);
    }
  }
  core::SymmetricKey bad{9, core::KeyType::kAes128Cmac, std::vector<std::byte>(15), 1};
  EXPECT_FALSE(KeyedMac::make(bad));
}

}  // namespace
}  // namespace tempus::crypto
