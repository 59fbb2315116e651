// SPDX-License-Identifier: ISC
#include "crypto/keyring.h"

#include <gtest/gtest.h>

#include "core/server.h"
#include "crypto/mac.h"

namespace tempus::crypto {
namespace {

KeyRing ring() {
  return KeyRing(core::parse_key_file("10 AES128 HEX:000102030405060708090a0b0c0d0e0f\n"
                                      "20 SHA1 ASCII:sha1-secret-key\n"
                                      "30 SHA256 HEX:00112233445566778899aabbccddeeff\n"));
}

TEST(KeyRing, InfoOfKnownKeys) {
  const KeyRing r = ring();
  auto a = r.key_info(10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, core::KeyType::kAes128Cmac);
  EXPECT_EQ(a->length, 16u);
  EXPECT_EQ(a->digest_len, 16u);
  EXPECT_EQ(r.key_info(20)->digest_len, 20u);
  EXPECT_EQ(r.key_info(30)->digest_len, 32u);
  EXPECT_FALSE(r.key_info(40));
}

// A request signed with the ring verifies, and its CMAC is AES-CMAC of the header itself.
TEST(KeyRing, SignsAndVerifiesPackets) {
  const KeyRing r = ring();
  std::vector<std::byte> p(core::kHeaderLen);
  p[0] = std::byte{0x23};
  ASSERT_TRUE(core::append_mac(r, 10, p));
  ASSERT_EQ(p.size(), core::kHeaderLen + 20);
  const auto tag = aes_cmac(r.keys().find(10)->value, core::Bytes(p).first(core::kHeaderLen));
  ASSERT_TRUE(tag);
  EXPECT_TRUE(std::equal(tag->begin(), tag->end(), p.begin() + core::kHeaderLen + 4));
  EXPECT_EQ(core::check_request_auth(p, &r).check, core::MacCheck::kValid);
  p[40] ^= std::byte{1};
  EXPECT_EQ(core::check_request_auth(p, &r).check, core::MacCheck::kInvalid);
  // Replaced keys take effect at once.
  KeyRing r2 = ring();
  r2.replace(core::parse_key_file("20 SHA1 ASCII:another-secret\n"));
  EXPECT_FALSE(r2.key_info(10));
  std::vector<std::byte> q(core::kHeaderLen);
  q[0] = std::byte{0x23};
  ASSERT_TRUE(core::append_mac(r, 20, q));
  EXPECT_EQ(core::check_request_auth(q, &r2).check, core::MacCheck::kInvalid);
}

}  // namespace
}  // namespace tempus::crypto
