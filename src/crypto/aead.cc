// SPDX-License-Identifier: ISC
#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "crypto/mac.h"

namespace tempus::crypto {

namespace {

constexpr size_t kSivKeyLen = 32;
constexpr size_t kSivTagLen = 16;
using Block = std::array<std::byte, 16>;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const EVP_CIPHER* siv_cipher() {
  static const EVP_CIPHER* cipher = [] {
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
    return EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  }();
  return cipher;
}

const unsigned char* u8(core::Bytes b) { return reinterpret_cast<const unsigned char*>(b.data()); }
unsigned char* u8(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }

bool fits_int(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

// RFC 5297 §2.3: multiplication by x in GF(2^128).
Block dbl(const Block& in) {
  Block out{};
  for (size_t i = 0; i < 16; ++i) {
    const auto b = std::to_integer<unsigned>(in[i]);
    const unsigned next = i + 1 < 16 ? std::to_integer<unsigned>(in[i + 1]) >> 7 : 0u;
    out[i] = static_cast<std::byte>((b << 1 | next) & 0xff);
  }
  if ((std::to_integer<unsigned>(in[0]) & 0x80) != 0) out[15] ^= std::byte{0x87};
  return out;
}

void xor_into(Block& a, const Block& b) {
  for (size_t i = 0; i < 16; ++i) a[i] ^= b[i];
}

bool components_ok(std::span<const core::Bytes> ad, core::Bytes nonce) {
  return std::none_of(ad.begin(), ad.end(), [](core::Bytes b) { return b.empty(); }) &&
         std::all_of(ad.begin(), ad.end(), [](core::Bytes b) { return fits_int(b.size()); }) &&
         fits_int(nonce.size());
}

// Feeds every AD component, then the nonce (when present), to a freshly initialised context.
bool feed_ad(EVP_CIPHER_CTX* ctx, std::span<const core::Bytes> ad, core::Bytes nonce) {
  int outl = 0;
  for (core::Bytes b : ad)
    if (EVP_CipherUpdate(ctx, nullptr, &outl, u8(b), static_cast<int>(b.size())) != 1) return false;
  return nonce.empty() ||
         EVP_CipherUpdate(ctx, nullptr, &outl, u8(nonce), static_cast<int>(nonce.size())) == 1;
}

// The tag of an empty plaintext: S2V(K1, AD..., N, "").
std::optional<Block> empty_plaintext_tag(core::Bytes key, std::span<const core::Bytes> ad,
                                         core::Bytes nonce) {
  std::vector<core::Bytes> components(ad.begin(), ad.end());
  if (!nonce.empty()) components.push_back(nonce);
  components.push_back({});
  return siv_s2v(key.first(16), components);
}

class AesSivCmac256 final : public core::Aead {
 public:
  core::AeadId id() const override { return core::AeadId::kAesSivCmac256; }
  size_t key_len() const override { return kSivKeyLen; }
  size_t tag_len() const override { return kSivTagLen; }

  std::optional<std::vector<std::byte>> seal(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes plaintext) const override {
    if (key.size() != kSivKeyLen || !components_ok(ad, nonce) || !fits_int(plaintext.size()))
      return std::nullopt;
    if (plaintext.empty()) {
      auto tag = empty_plaintext_tag(key, ad, nonce);
      if (!tag) return std::nullopt;
      return std::vector<std::byte>(tag->begin(), tag->end());
    }
    std::vector<std::byte> out(kSivTagLen + plaintext.size());
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int outl = 0;
    int fin = 0;
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), siv_cipher(), u8(key), nullptr, nullptr) != 1 ||
        !feed_ad(ctx.get(), ad, nonce) ||
        EVP_EncryptUpdate(ctx.get(), u8(out.data() + kSivTagLen), &outl, u8(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        static_cast<size_t>(outl) != plaintext.size() ||
        EVP_EncryptFinal_ex(ctx.get(), u8(out.data() + kSivTagLen + plaintext.size()), &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kSivTagLen, u8(out.data())) != 1)
      return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::byte>> open(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes ciphertext) const override {
    if (key.size() != kSivKeyLen || ciphertext.size() < kSivTagLen ||
        !components_ok(ad, nonce) || !fits_int(ciphertext.size()))
      return std::nullopt;
    const core::Bytes tag = ciphertext.first(kSivTagLen);
    const core::Bytes body = ciphertext.subspan(kSivTagLen);
    if (body.empty()) {
      const auto want = empty_plaintext_tag(key, ad, nonce);
      if (!want || CRYPTO_memcmp(want->data(), tag.data(), kSivTagLen) != 0) return std::nullopt;
      return std::vector<std::byte>{};
    }
    std::vector<std::byte> out(body.size() + 16);  // room for a final block, never written
    std::array<std::byte, kSivTagLen> tag_copy;
    std::copy(tag.begin(), tag.end(), tag_copy.begin());
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int outl = 0;
    int fin = 0;
    if (!ctx || EVP_DecryptInit_ex2(ctx.get(), siv_cipher(), u8(key), nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kSivTagLen, u8(tag_copy.data())) !=
            1 ||
        !feed_ad(ctx.get(), ad, nonce) ||
        EVP_DecryptUpdate(ctx.get(), u8(out.data()), &outl, u8(body),
                          static_cast<int>(body.size())) != 1 ||
        static_cast<size_t>(outl) != body.size() ||
        EVP_DecryptFinal_ex(ctx.get(), u8(out.data() + body.size()), &fin) != 1)
      return std::nullopt;
    out.resize(body.size());
    return out;
  }
};

}  // namespace

bool aes_siv_available() { return siv_cipher() != nullptr; }

std::unique_ptr<core::Aead> make_aead(core::AeadId id) {
  if (id != core::AeadId::kAesSivCmac256 || !aes_siv_available()) return nullptr;
  return std::make_unique<AesSivCmac256>();
}

std::optional<std::array<std::byte, 16>> siv_s2v(core::Bytes mac_key,
                                                 std::span<const core::Bytes> components) {
  if (mac_key.size() != 16 || components.empty()) return std::nullopt;
  const Block zero{};
  auto d = aes_cmac(mac_key, zero);
  if (!d) return std::nullopt;
  for (size_t i = 0; i + 1 < components.size(); ++i) {
    const auto m = aes_cmac(mac_key, components[i]);
    if (!m) return std::nullopt;
    *d = dbl(*d);
    xor_into(*d, *m);
  }
  const core::Bytes last = components.back();
  std::vector<std::byte> t(last.begin(), last.end());
  if (last.size() >= 16) {
    // xorend: D is xored into the last 16 octets.
    for (size_t i = 0; i < 16; ++i) t[last.size() - 16 + i] ^= (*d)[i];
  } else {
    Block padded{};
    std::copy(last.begin(), last.end(), padded.begin());
    padded[last.size()] = std::byte{0x80};
    Block dd = dbl(*d);
    xor_into(dd, padded);
    t.assign(dd.begin(), dd.end());
  }
  return aes_cmac(mac_key, t);
}

}  // namespace tempus::crypto
