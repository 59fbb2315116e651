// SPDX-License-Identifier: ISC
#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <vector>

namespace tempus::crypto {

namespace {

constexpr size_t kSivKeyLen = 32;
constexpr size_t kHalfKeyLen = 16;
constexpr size_t kSivTagLen = 16;
using Block = std::array<std::byte, 16>;

// Fetched once for the process's life: fetching by name takes locks, compares strings and reads
// the configuration, which per operation cost more than the cipher itself.
const EVP_CIPHER* fetch_once(const char* name) {
  OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  return EVP_CIPHER_fetch(nullptr, name, nullptr);
}

// One AES-128-ECB context (for CMAC's block encryptions) and one AES-128-CTR context per
// thread, each given its cipher once and re-keyed per operation: a new key costs a key
// schedule, not a fetch, an allocation or OpenSSL's parameter look-ups (which CMAC_Init and
// EVP_MAC_init do at every call).
struct SivContexts {
  EVP_CIPHER_CTX* ecb = nullptr;
  EVP_CIPHER_CTX* ctr = nullptr;
  bool ok = false;

  SivContexts() {
    static const EVP_CIPHER* ecb_cipher = fetch_once("AES-128-ECB");
    static const EVP_CIPHER* ctr_cipher = fetch_once("AES-128-CTR");
    if (!ecb_cipher || !ctr_cipher) return;
    ecb = EVP_CIPHER_CTX_new();
    ctr = EVP_CIPHER_CTX_new();
    ok = ecb && ctr && EVP_EncryptInit_ex2(ecb, ecb_cipher, nullptr, nullptr, nullptr) == 1 &&
         EVP_CIPHER_CTX_set_padding(ecb, 0) == 1 &&
         EVP_EncryptInit_ex2(ctr, ctr_cipher, nullptr, nullptr, nullptr) == 1;
  }
  SivContexts(const SivContexts&) = delete;
  SivContexts& operator=(const SivContexts&) = delete;
  ~SivContexts() {
    EVP_CIPHER_CTX_free(ecb);
    EVP_CIPHER_CTX_free(ctr);
  }
};

SivContexts* contexts() {
  thread_local SivContexts c;
  return c.ok ? &c : nullptr;
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

// AES-CMAC (RFC 4493) over one AES-128 key, the block cipher an ECB context re-keyed per use.
class Cmac {
 public:
  explicit Cmac(EVP_CIPHER_CTX* ecb) : ecb_(ecb) {}

  // Keys the context and derives the subkeys K1 = dbl(L), K2 = dbl(K1), L = AES(K, 0^128).
  bool set_key(core::Bytes key) {
    Block l{};
    if (EVP_EncryptInit_ex2(ecb_, nullptr, u8(key), nullptr, nullptr) != 1 || !encrypt(l))
      return false;
    k1_ = dbl(l);
    k2_ = dbl(k1_);
    OPENSSL_cleanse(l.data(), l.size());
    return true;
  }

  // The CMAC of first || second.
  bool mac(core::Bytes first, core::Bytes second, Block& out) {
    const size_t total = first.size() + second.size();
    const size_t blocks = total == 0 ? 1 : (total + 15) / 16;
    Block x{};
    for (size_t b = 0; b < blocks; ++b) {
      const size_t len = std::min<size_t>(16, total - 16 * b);
      for (size_t i = 0; i < len; ++i) {
        const size_t at = 16 * b + i;
        x[i] ^= at < first.size() ? first[at] : second[at - first.size()];
      }
      if (b + 1 == blocks) {
        if (len < 16) x[len] ^= std::byte{0x80};
        xor_into(x, len == 16 ? k1_ : k2_);
      }
      if (!encrypt(x)) return false;
    }
    out = x;
    return true;
  }

  ~Cmac() {
    OPENSSL_cleanse(k1_.data(), k1_.size());
    OPENSSL_cleanse(k2_.data(), k2_.size());
  }

 private:
  bool encrypt(Block& b) {
    int outl = 0;
    return EVP_EncryptUpdate(ecb_, u8(b.data()), &outl, u8(b.data()), 16) == 1 && outl == 16;
  }

  EVP_CIPHER_CTX* ecb_;
  Block k1_{};
  Block k2_{};
};

// RFC 5297 §2.4 S2V(K1, ad..., nonce (when non-empty), last).
std::optional<Block> s2v(EVP_CIPHER_CTX* ecb, core::Bytes mac_key, std::span<const core::Bytes> ad,
                         core::Bytes nonce, core::Bytes last) {
  Cmac cmac(ecb);
  if (!cmac.set_key(mac_key)) return std::nullopt;
  const Block zero{};
  Block d{};
  Block m{};
  if (!cmac.mac(zero, {}, d)) return std::nullopt;
  auto absorb = [&](core::Bytes b) {
    if (!cmac.mac(b, {}, m)) return false;
    d = dbl(d);
    xor_into(d, m);
    return true;
  };
  for (core::Bytes b : ad)
    if (!absorb(b)) return std::nullopt;
  if (!nonce.empty() && !absorb(nonce)) return std::nullopt;
  Block t{};
  if (last.size() >= 16) {
    // xorend: D is xored into the last 16 octets.
    std::copy(last.end() - 16, last.end(), t.begin());
    xor_into(t, d);
    if (!cmac.mac(last.first(last.size() - 16), t, m)) return std::nullopt;
  } else {
    std::copy(last.begin(), last.end(), t.begin());
    t[last.size()] = std::byte{0x80};
    Block dd = dbl(d);
    xor_into(dd, t);
    if (!cmac.mac(dd, {}, m)) return std::nullopt;
  }
  return m;
}

// AES-CTR under K2 from Q = V with bits 31 and 63 (counted from the right) cleared.
bool siv_ctr(EVP_CIPHER_CTX* ctr, core::Bytes ctr_key, const Block& v, core::Bytes in,
             std::byte* out) {
  Block q = v;
  q[8] &= std::byte{0x7f};
  q[12] &= std::byte{0x7f};
  int outl = 0;
  return in.empty() ||
         (EVP_EncryptInit_ex2(ctr, nullptr, u8(ctr_key), u8(q.data()), nullptr) == 1 &&
          EVP_EncryptUpdate(ctr, u8(out), &outl, u8(in), static_cast<int>(in.size())) == 1 &&
          static_cast<size_t>(outl) == in.size());
}

class AesSivCmac256 final : public core::Aead {
 public:
  core::AeadId id() const override { return core::AeadId::kAesSivCmac256; }
  size_t key_len() const override { return kSivKeyLen; }
  size_t tag_len() const override { return kSivTagLen; }

  std::optional<std::vector<std::byte>> seal(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes plaintext) const override {
    SivContexts* c = contexts();
    if (!c || key.size() != kSivKeyLen || !components_ok(ad, nonce) ||
        !fits_int(plaintext.size()))
      return std::nullopt;
    const auto v = s2v(c->ecb, key.first(kHalfKeyLen), ad, nonce, plaintext);
    if (!v) return std::nullopt;
    std::vector<std::byte> out(kSivTagLen + plaintext.size());
    std::copy(v->begin(), v->end(), out.begin());
    if (!siv_ctr(c->ctr, key.subspan(kHalfKeyLen), *v, plaintext, out.data() + kSivTagLen))
      return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::byte>> open(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes ciphertext) const override {
    SivContexts* c = contexts();
    if (!c || key.size() != kSivKeyLen || ciphertext.size() < kSivTagLen ||
        !components_ok(ad, nonce) || !fits_int(ciphertext.size()))
      return std::nullopt;
    Block v{};
    std::copy(ciphertext.begin(), ciphertext.begin() + kSivTagLen, v.begin());
    const core::Bytes body = ciphertext.subspan(kSivTagLen);
    std::vector<std::byte> out(body.size());
    if (!siv_ctr(c->ctr, key.subspan(kHalfKeyLen), v, body, out.data())) return std::nullopt;
    const auto want = s2v(c->ecb, key.first(kHalfKeyLen), ad, nonce, out);
    if (!want || CRYPTO_memcmp(want->data(), v.data(), kSivTagLen) != 0) {
      OPENSSL_cleanse(out.data(), out.size());
      return std::nullopt;
    }
    return out;
  }
};

}  // namespace

bool aes_siv_available() {
  // RFC 8915's AEAD as a mode this OpenSSL offers: its FIPS provider has AES-ECB and CTR but
  // not AES-SIV (not an approved mode), and there NTS is refused rather than composed anyway.
  static const bool offered = [] {
    EVP_CIPHER* siv = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
    EVP_CIPHER_free(siv);
    return siv != nullptr;
  }();
  return offered && contexts() != nullptr;
}

std::unique_ptr<core::Aead> make_aead(core::AeadId id) {
  if (id != core::AeadId::kAesSivCmac256 || !aes_siv_available()) return nullptr;
  return std::make_unique<AesSivCmac256>();
}

std::optional<std::array<std::byte, 16>> siv_s2v(core::Bytes mac_key,
                                                 std::span<const core::Bytes> components) {
  SivContexts* c = contexts();
  if (!c || mac_key.size() != kHalfKeyLen || components.empty()) return std::nullopt;
  return s2v(c->ecb, mac_key, components.first(components.size() - 1), {}, components.back());
}

}  // namespace tempus::crypto
