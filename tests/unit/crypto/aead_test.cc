// SPDX-License-Identifier: ISC
#include "crypto/aead.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

#include "hex.h"

namespace tempus::crypto {
namespace {

using test::hex;
using Vec = std::vector<std::byte>;

class AesSiv : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!aes_siv_available()) GTEST_SKIP() << "this OpenSSL has no AES-CMAC or AES-CTR";
    aead_ = make_aead(core::AeadId::kAesSivCmac256);
    ASSERT_NE(aead_, nullptr);
  }
  std::unique_ptr<core::Aead> aead_;
};

// RFC 5297 Appendix A.1: deterministic authenticated encryption (one AD component, no nonce).
const Vec kA1Key = hex("fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff");
const Vec kA1Ad = hex("10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627");
const Vec kA1Plain = hex("11223344 55667788 99aabbcc ddee");
const Vec kA1Out = hex("85632d07 c6e8f37f 950acd32 0a2ecc93 40c02b96 90c4dc04 daef7f6a fe5c");

// RFC 5297 Appendix A.2: nonce-based (two AD components, then the nonce).
const Vec kA2Key = hex("7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f");
const Vec kA2Ad1 = hex("00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988"
                       "77665544 33221100");
const Vec kA2Ad2 = hex("10203040 50607080 90a0");
const Vec kA2Nonce = hex("09f91102 9d74e35b d84156c5 635688c0");
const Vec kA2Plain = hex("74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970"
                         "74207573 696e6720 5349562d 414553");
const Vec kA2Out = hex("7bdb6e3b 432667eb 06f4d14b ff2fbd0f cb900f2f ddbe4043 26601965 c889bf17"
                       "dba77ceb 094fa663 b7a3f748 ba8af829 ea64ad54 4a272e9c 485b62a3 fd5c0d");

TEST_F(AesSiv, Sizes) {
  EXPECT_EQ(aead_->id(), core::AeadId::kAesSivCmac256);
  EXPECT_EQ(aead_->key_len(), 32u);
  EXPECT_EQ(aead_->tag_len(), 16u);
}

TEST_F(AesSiv, Rfc5297A1Deterministic) {
  const core::Bytes ad[] = {kA1Ad};
  auto out = aead_->seal(kA1Key, ad, {}, kA1Plain);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, kA1Out);
  auto back = aead_->open(kA1Key, ad, {}, kA1Out);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, kA1Plain);
}

TEST_F(AesSiv, Rfc5297A2NonceBased) {
  const core::Bytes ad[] = {kA2Ad1, kA2Ad2};
  auto out = aead_->seal(kA2Key, ad, kA2Nonce, kA2Plain);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, kA2Out);
  auto back = aead_->open(kA2Key, ad, kA2Nonce, kA2Out);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, kA2Plain);
}

// The synthetic IV is S2V over the same components; both of its final-block branches.
TEST(SivS2v, MatchesTheRfc5297Ivs) {
  const core::Bytes a1[] = {kA1Ad, kA1Plain};  // plaintext < 16 octets: dbl + pad
  auto v1 = siv_s2v(core::Bytes(kA1Key).first(16), a1);
  ASSERT_TRUE(v1);
  EXPECT_EQ(Vec(v1->begin(), v1->end()), Vec(kA1Out.begin(), kA1Out.begin() + 16));
  const core::Bytes a2[] = {kA2Ad1, kA2Ad2, kA2Nonce, kA2Plain};  // >= 16 octets: xorend
  auto v2 = siv_s2v(core::Bytes(kA2Key).first(16), a2);
  ASSERT_TRUE(v2);
  EXPECT_EQ(Vec(v2->begin(), v2->end()), Vec(kA2Out.begin(), kA2Out.begin() + 16));
  EXPECT_FALSE(siv_s2v(kA2Key, a2));  // a 32-octet MAC key is the whole SIV key: refused
  EXPECT_FALSE(siv_s2v(core::Bytes(kA2Key).first(16), {}));
}

TEST_F(AesSiv, EmptyPlaintextIsTheTagAloneAndVerifies) {
  const core::Bytes ad[] = {kA2Ad1};
  auto out = aead_->seal(kA2Key, ad, kA2Nonce, {});
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 16u);
  const core::Bytes comps[] = {kA2Ad1, kA2Nonce, {}};
  auto v = siv_s2v(core::Bytes(kA2Key).first(16), comps);
  ASSERT_TRUE(v);
  EXPECT_EQ(*out, Vec(v->begin(), v->end()));
  auto back = aead_->open(kA2Key, ad, kA2Nonce, *out);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->empty());
  Vec bad = *out;
  bad[3] ^= std::byte{1};
  EXPECT_FALSE(aead_->open(kA2Key, ad, kA2Nonce, bad));
  EXPECT_FALSE(aead_->open(kA2Key, ad, kA2Ad2, *out));  // another nonce
}

TEST_F(AesSiv, TamperingAnyInputFailsToOpen) {
  const core::Bytes ad[] = {kA2Ad1, kA2Ad2};
  for (size_t i = 0; i < kA2Out.size(); i += 7) {
    Vec bad = kA2Out;
    bad[i] ^= std::byte{0x40};
    EXPECT_FALSE(aead_->open(kA2Key, ad, kA2Nonce, bad)) << "octet " << i;
  }
  Vec bad_nonce = kA2Nonce;
  bad_nonce[0] ^= std::byte{1};
  EXPECT_FALSE(aead_->open(kA2Key, ad, bad_nonce, kA2Out));
  const core::Bytes swapped[] = {kA2Ad2, kA2Ad1};
  EXPECT_FALSE(aead_->open(kA2Key, swapped, kA2Nonce, kA2Out));
  const core::Bytes fewer[] = {kA2Ad1};
  EXPECT_FALSE(aead_->open(kA2Key, fewer, kA2Nonce, kA2Out));
  Vec bad_key = kA2Key;
  bad_key[31] ^= std::byte{1};
  EXPECT_FALSE(aead_->open(bad_key, ad, kA2Nonce, kA2Out));
}

TEST_F(AesSiv, BadSizesAreRefused) {
  const core::Bytes ad[] = {kA2Ad1};
  EXPECT_FALSE(aead_->seal(core::Bytes(kA2Key).first(16), ad, kA2Nonce, kA2Plain));
  EXPECT_FALSE(aead_->open(core::Bytes(kA2Key).first(31), ad, kA2Nonce, kA2Out));
  EXPECT_FALSE(aead_->open(kA2Key, ad, kA2Nonce, core::Bytes(kA2Out).first(15)));
  const core::Bytes empty_component[] = {kA2Ad1, {}};
  EXPECT_FALSE(aead_->seal(kA2Key, empty_component, kA2Nonce, kA2Plain));
}

TEST_F(AesSiv, DistinctNoncesGiveUnrelatedOutputs) {
  const core::Bytes ad[] = {kA2Ad1};
  Vec n2 = kA2Nonce;
  n2[15] ^= std::byte{1};
  auto a = aead_->seal(kA2Key, ad, kA2Nonce, kA2Plain);
  auto b = aead_->seal(kA2Key, ad, n2, kA2Plain);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_NE(Vec(a->begin() + 16, a->end()), Vec(b->begin() + 16, b->end()));
}

Vec random_bytes(std::mt19937& gen, size_t n) {
  Vec v(n);
  for (auto& b : v) b = static_cast<std::byte>(gen() & 0xff);
  return v;
}

// Every plaintext length from 0 to 80 (partial, whole and several blocks) comes back, and
// flipping any one bit of the output is caught.
TEST_F(AesSiv, RoundTripsAndTamperingForManySizes) {
  std::mt19937 gen(5297);
  const Vec key = random_bytes(gen, 32);
  const Vec ad1 = random_bytes(gen, 12);
  const Vec nonce = random_bytes(gen, 16);
  const core::Bytes ad[] = {ad1};
  for (size_t n = 0; n <= 80; ++n) {
    const Vec plain = random_bytes(gen, n);
    auto out = aead_->seal(key, ad, nonce, plain);
    ASSERT_TRUE(out) << n;
    ASSERT_EQ(out->size(), n + 16);
    auto back = aead_->open(key, ad, nonce, *out);
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, plain) << n;
    Vec bad = *out;
    const size_t bit = gen() % (bad.size() * 8);
    bad[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    EXPECT_FALSE(aead_->open(key, ad, nonce, bad)) << n << " bit " << bit;
  }
}

// OpenSSL's own AES-128-SIV (absent under FIPS: then skipped) as a second implementation.
std::optional<Vec> openssl_siv_seal(const Vec& key, std::span<const Vec> ad, const Vec& plain) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Vec out(16 + plain.size());
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int outl = 0;
  bool ok = cipher && ctx && EVP_EncryptInit_ex2(ctx, cipher, k, nullptr, nullptr) == 1;
  for (const Vec& a : ad)
    ok = ok && EVP_EncryptUpdate(ctx, nullptr, &outl,
                                 reinterpret_cast<const unsigned char*>(a.data()),
                                 static_cast<int>(a.size())) == 1;
  ok = ok &&
       EVP_EncryptUpdate(ctx, o + 16, &outl, reinterpret_cast<const unsigned char*>(plain.data()),
                         static_cast<int>(plain.size())) == 1 &&
       EVP_EncryptFinal_ex(ctx, o + 16 + plain.size(), &outl) == 1 &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, o) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
  if (!ok) return std::nullopt;
  return out;
}

TEST_F(AesSiv, AgreesWithOpenSslsAes128SivForRandomInputs) {
  EVP_CIPHER* probe = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  if (!probe) GTEST_SKIP() << "this OpenSSL has no AES-128-SIV to compare with";
  EVP_CIPHER_free(probe);
  std::mt19937 gen(8915);
  for (int i = 0; i < 200; ++i) {
    const Vec key = random_bytes(gen, 32);
    std::vector<Vec> comps;  // 1 to 3 AD components, the last one the nonce when used
    const size_t ncomps = 1 + gen() % 3;
    for (size_t j = 0; j < ncomps; ++j) comps.push_back(random_bytes(gen, 1 + gen() % 40));
    const Vec plain = random_bytes(gen, 1 + gen() % 300);
    const bool with_nonce = gen() % 2 == 0;
    std::vector<core::Bytes> ad(comps.begin(), comps.end() - (with_nonce ? 1 : 0));
    const core::Bytes nonce = with_nonce ? core::Bytes(comps.back()) : core::Bytes{};
    const auto theirs = openssl_siv_seal(key, comps, plain);
    ASSERT_TRUE(theirs);
    const auto ours = aead_->seal(key, ad, nonce, plain);
    ASSERT_TRUE(ours);
    EXPECT_EQ(*ours, *theirs) << "case " << i << ", " << plain.size() << " octets";
    const auto back = aead_->open(key, ad, nonce, *theirs);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, plain);
  }
}

// Key schedules are cached per thread (four keys): more keys than that in turn, each used
// again after it was evicted, and plaintexts long enough for many keystream chunks and counter
// carries, still agree with OpenSSL.
TEST_F(AesSiv, ManyKeysInTurnAndLongPlaintexts) {
  EVP_CIPHER* probe = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  if (!probe) GTEST_SKIP() << "this OpenSSL has no AES-128-SIV to compare with";
  EVP_CIPHER_free(probe);
  std::mt19937 gen(4493);
  std::vector<Vec> keys;
  for (int i = 0; i < 6; ++i) keys.push_back(random_bytes(gen, 32));
  const Vec ad1 = random_bytes(gen, 20);
  for (int round = 0; round < 36; ++round) {
    const Vec& key = keys[static_cast<size_t>(round * 5 % 6)];
    const Vec plain = random_bytes(gen, 200 + gen() % 1800);
    const std::vector<Vec> comps = {ad1};
    const core::Bytes ad[] = {ad1};
    const auto theirs = openssl_siv_seal(key, comps, plain);
    const auto ours = aead_->seal(key, ad, {}, plain);
    ASSERT_TRUE(theirs && ours);
    EXPECT_EQ(*ours, *theirs) << "round " << round;
    const auto back = aead_->open(key, ad, {}, *ours);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, plain);
  }
}

}  // namespace
}  // namespace tempus::crypto
