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

// A key's schedules: one AES-128-ECB context keyed with K1 (CMAC's block encryptions) with
// CMAC's subkeys, one keyed with K2 (CTR's keystream, made here from counter blocks). Each
// context is given its cipher once; re-keying costs a key schedule, not a fetch, an allocation
// or OpenSSL's parameter look-ups (which CMAC_Init, EVP_MAC_init and setting a CTR IV do).
struct KeySchedule {
  std::array<std::byte, kSivKeyLen> key{};
  bool keyed = false;
  uint64_t used = 0;  // LRU clock
  EVP_CIPHER_CTX* mac = nullptr;
  EVP_CIPHER_CTX* ctr = nullptr;
  Block k1{}, k2{};   // CMAC subkeys of K1

  KeySchedule() = default;
  KeySchedule(const KeySchedule&) = delete;
  KeySchedule& operator=(const KeySchedule&) = delete;
  ~KeySchedule() {
    EVP_CIPHER_CTX_free(mac);
    EVP_CIPHER_CTX_free(ctr);
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(k1.data(), k1.size());
    OPENSSL_cleanse(k2.data(), k2.size());
  }
};

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

// `n` whole blocks at `in` through an ECB context into `out` (may be `in`).
bool ecb(EVP_CIPHER_CTX* ctx, const std::byte* in, std::byte* out, size_t n) {
  int outl = 0;
  return fits_int(16 * n) &&
         EVP_EncryptUpdate(ctx, u8(out), &outl, reinterpret_cast<const unsigned char*>(in),
                           static_cast<int>(16 * n)) == 1 &&
         static_cast<size_t>(outl) == 16 * n;
}

// The schedules of the keys in use, per thread: a server opens and makes cookies under its
// current master key for every request, between the per-client C2S and S2C keys, so the four
// most recently used keys keep the master key's schedules.
class ScheduleCache {
 public:
  static constexpr size_t kEntries = 4;

  ScheduleCache() {
    // Fetched once for the process's life: fetching by name takes locks, compares strings and
    // reads the configuration, which per operation would cost more than the cipher itself.
    static const EVP_CIPHER* cipher = [] {
      OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
      return EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    }();
    if (!cipher) return;
    for (auto& e : entries_) {
      e.mac = EVP_CIPHER_CTX_new();
      e.ctr = EVP_CIPHER_CTX_new();
      if (!e.mac || !e.ctr || EVP_EncryptInit_ex2(e.mac, cipher, nullptr, nullptr, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(e.mac, 0) != 1 ||
          EVP_EncryptInit_ex2(e.ctr, cipher, nullptr, nullptr, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_padding(e.ctr, 0) != 1)
        return;
    }
    ok_ = true;
  }
  bool ok() const { return ok_; }

  // The schedules of a 32-octet key (K1 || K2), keyed now if it is not among the cached ones.
  KeySchedule* get(core::Bytes key) {
    KeySchedule* victim = &entries_[0];
    for (auto& e : entries_) {
      if (e.keyed && CRYPTO_memcmp(e.key.data(), key.data(), kSivKeyLen) == 0) {
        e.used = ++clock_;
        return &e;
      }
      if (!e.keyed || (victim->keyed && e.used < victim->used)) victim = &e;
    }
    KeySchedule& e = *victim;
    e.keyed = false;
    Block l{};
    if (EVP_EncryptInit_ex2(e.mac, nullptr, u8(key.first(kHalfKeyLen)), nullptr, nullptr) != 1 ||
        EVP_EncryptInit_ex2(e.ctr, nullptr, u8(key.subspan(kHalfKeyLen)), nullptr, nullptr) != 1 ||
        !ecb(e.mac, l.data(), l.data(), 1))
      return nullptr;
    e.k1 = dbl(l);
    e.k2 = dbl(e.k1);
    OPENSSL_cleanse(l.data(), l.size());
    std::copy(key.begin(), key.end(), e.key.begin());
    e.keyed = true;
    e.used = ++clock_;
    return &e;
  }

 private:
  std::array<KeySchedule, kEntries> entries_;
  uint64_t clock_ = 0;
  bool ok_ = false;
};

ScheduleCache* cache() {
  thread_local ScheduleCache c;
  return c.ok() ? &c : nullptr;
}

bool components_ok(std::span<const core::Bytes> ad, core::Bytes nonce) {
  return std::none_of(ad.begin(), ad.end(), [](core::Bytes b) { return b.empty(); }) &&
         std::all_of(ad.begin(), ad.end(), [](core::Bytes b) { return fits_int(b.size()); }) &&
         fits_int(nonce.size());
}

// AES-CMAC (RFC 4493) of first || second under K1's schedule.
bool cmac(const KeySchedule& k, core::Bytes first, core::Bytes second, Block& out) {
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
      xor_into(x, len == 16 ? k.k1 : k.k2);
    }
    if (!ecb(k.mac, x.data(), x.data(), 1)) return false;
  }
  out = x;
  return true;
}

// RFC 5297 §2.4 S2V(K1, ad..., nonce (when non-empty), last).
std::optional<Block> s2v(const KeySchedule& k, std::span<const core::Bytes> ad, core::Bytes nonce,
                         core::Bytes last) {
  const Block zero{};
  Block d{};
  Block m{};
  if (!cmac(k, zero, {}, d)) return std::nullopt;
  auto absorb = [&](core::Bytes b) {
    if (!cmac(k, b, {}, m)) return false;
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
    if (!cmac(k, last.first(last.size() - 16), t, m)) return std::nullopt;
  } else {
    std::copy(last.begin(), last.end(), t.begin());
    t[last.size()] = std::byte{0x80};
    Block dd = dbl(d);
    xor_into(dd, t);
    if (!cmac(k, dd, {}, m)) return std::nullopt;
  }
  return m;
}

// AES-CTR under K2 from Q = V with bits 31 and 63 (counted from the right) cleared, the counter
// a 128-bit big-endian integer: the keystream is ECB over the counter blocks, 16 at a time.
bool siv_ctr(const KeySchedule& k, const Block& v, core::Bytes in, std::byte* out) {
  Block q = v;
  q[8] &= std::byte{0x7f};
  q[12] &= std::byte{0x7f};
  std::array<std::byte, 16 * 16> stream;
  for (size_t done = 0; done < in.size();) {
    const size_t n = std::min<size_t>((in.size() - done + 15) / 16, 16);
    for (size_t b = 0; b < n; ++b) {
      std::copy(q.begin(), q.end(), stream.begin() + static_cast<std::ptrdiff_t>(16 * b));
      for (size_t i = 16; i-- > 0;) {  // q + 1, big-endian
        q[i] = static_cast<std::byte>((std::to_integer<unsigned>(q[i]) + 1) & 0xff);
        if (q[i] != std::byte{0}) break;
      }
    }
    if (!ecb(k.ctr, stream.data(), stream.data(), n)) return false;
    const size_t len = std::min(in.size() - done, 16 * n);
    for (size_t i = 0; i < len; ++i) out[done + i] = in[done + i] ^ stream[i];
    done += len;
  }
  OPENSSL_cleanse(stream.data(), stream.size());
  return true;
}

class AesSivCmac256 final : public core::Aead {
 public:
  core::AeadId id() const override { return core::AeadId::kAesSivCmac256; }
  size_t key_len() const override { return kSivKeyLen; }
  size_t tag_len() const override { return kSivTagLen; }

  std::optional<std::vector<std::byte>> seal(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes plaintext) const override {
    ScheduleCache* c = cache();
    if (!c || key.size() != kSivKeyLen || !components_ok(ad, nonce) ||
        !fits_int(plaintext.size()))
      return std::nullopt;
    const KeySchedule* k = c->get(key);
    if (!k) return std::nullopt;
    const auto v = s2v(*k, ad, nonce, plaintext);
    if (!v) return std::nullopt;
    std::vector<std::byte> out(kSivTagLen + plaintext.size());
    std::copy(v->begin(), v->end(), out.begin());
    if (!siv_ctr(*k, *v, plaintext, out.data() + kSivTagLen)) return std::nullopt;
    return out;
  }

  std::optional<std::vector<std::byte>> open(core::Bytes key, std::span<const core::Bytes> ad,
                                             core::Bytes nonce,
                                             core::Bytes ciphertext) const override {
    ScheduleCache* c = cache();
    if (!c || key.size() != kSivKeyLen || ciphertext.size() < kSivTagLen ||
        !components_ok(ad, nonce) || !fits_int(ciphertext.size()))
      return std::nullopt;
    const KeySchedule* k = c->get(key);
    if (!k) return std::nullopt;
    Block v{};
    std::copy(ciphertext.begin(), ciphertext.begin() + kSivTagLen, v.begin());
    const core::Bytes body = ciphertext.subspan(kSivTagLen);
    std::vector<std::byte> out(body.size());
    if (!siv_ctr(*k, v, body, out.data())) return std::nullopt;
    const auto want = s2v(*k, ad, nonce, out);
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
  return offered && cache() != nullptr;
}

std::unique_ptr<core::Aead> make_aead(core::AeadId id) {
  if (id != core::AeadId::kAesSivCmac256 || !aes_siv_available()) return nullptr;
  return std::make_unique<AesSivCmac256>();
}

std::optional<std::array<std::byte, 16>> siv_s2v(core::Bytes mac_key,
                                                 std::span<const core::Bytes> components) {
  ScheduleCache* c = cache();
  if (!c || mac_key.size() != kHalfKeyLen || components.empty()) return std::nullopt;
  // S2V needs K1 only; K2 is a copy (the schedule of a key nobody uses for CTR).
  std::array<std::byte, kSivKeyLen> key;
  std::copy(mac_key.begin(), mac_key.end(), key.begin());
  std::copy(mac_key.begin(), mac_key.end(), key.begin() + kHalfKeyLen);
  const KeySchedule* k = c->get(key);
  OPENSSL_cleanse(key.data(), key.size());
  if (!k) return std::nullopt;
  return s2v(*k, components.first(components.size() - 1), {}, components.back());
}

}  // namespace tempus::crypto
