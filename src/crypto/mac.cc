// SPDX-License-Identifier: ISC
#include "crypto/mac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <iterator>
#include <memory>

namespace tempus::crypto {

namespace {

struct MacDeleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

const char* digest_name(core::KeyType t) {
  switch (t) {
    case core::KeyType::kMd5: return "MD5";
    case core::KeyType::kSha1: return "SHA1";
    case core::KeyType::kSha256: return "SHA256";
    case core::KeyType::kSha384: return "SHA384";
    case core::KeyType::kSha512: return "SHA512";
    case core::KeyType::kSha3_224: return "SHA3-224";
    case core::KeyType::kSha3_256: return "SHA3-256";
    case core::KeyType::kSha3_384: return "SHA3-384";
    case core::KeyType::kSha3_512: return "SHA3-512";
    case core::KeyType::kAes128Cmac:
    case core::KeyType::kAes256Cmac: return nullptr;
  }
  return nullptr;
}

// Fetched once and kept for the process's life (fetching is slow and reads configuration).
const EVP_MD* digest(core::KeyType t) {
  static const EVP_MD* cache[static_cast<size_t>(core::KeyType::kAes256Cmac) + 1];
  static bool fetched[std::size(cache)];
  const auto i = static_cast<size_t>(t);
  if (!fetched[i]) {
    const char* name = digest_name(t);
    cache[i] = name ? EVP_MD_fetch(nullptr, name, nullptr) : nullptr;
    fetched[i] = true;
  }
  return cache[i];
}

EVP_MAC* cmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  return mac;
}

std::optional<std::vector<std::byte>> legacy_mac(const EVP_MD* md, core::Bytes key,
                                                 core::Bytes data) {
  std::unique_ptr<EVP_MD_CTX, MacDeleter> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1)
    return std::nullopt;
  const auto* p = reinterpret_cast<const std::byte*>(out);
  return std::vector<std::byte>(p, p + len);
}

}  // namespace

std::optional<std::array<std::byte, 16>> aes_cmac(core::Bytes key, core::Bytes data) {
  const char* cipher = key.size() == 16   ? "AES-128-CBC"
                       : key.size() == 32 ? "AES-256-CBC"
                                          : nullptr;
  EVP_MAC* mac = cmac_algorithm();
  if (!cipher || !mac) return std::nullopt;
  std::unique_ptr<EVP_MAC_CTX, MacDeleter> ctx(EVP_MAC_CTX_new(mac));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher), 0),
      OSSL_PARAM_construct_end(),
  };
  std::array<std::byte, 16> out{};
  size_t len = 0;
  if (!ctx ||
      EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) !=
          1 ||
      len != out.size())
    return std::nullopt;
  return out;
}

bool mac_available(core::KeyType t) {
  if (const size_t len = core::cmac_key_len(t); len != 0) {
    const std::array<std::byte, 32> key{};
    return aes_cmac(core::Bytes(key).first(len), {}).has_value();
  }
  return digest(t) != nullptr;
}

std::optional<std::vector<std::byte>> compute_mac(const core::SymmetricKey& key,
                                                  core::Bytes data) {
  if (core::cmac_key_len(key.type) != 0) {
    if (key.value.size() != core::cmac_key_len(key.type)) return std::nullopt;
    auto tag = aes_cmac(key.value, data);
    if (!tag) return std::nullopt;
    return std::vector<std::byte>(tag->begin(), tag->end());
  }
  const EVP_MD* md = digest(key.type);
  if (!md) return std::nullopt;
  return legacy_mac(md, key.value, data);
}

struct KeyedMac::State {
  std::unique_ptr<EVP_MAC_CTX, MacDeleter> cmac;  // keyed; re-initialised per MAC
  const EVP_MD* md = nullptr;                      // hash types
  std::unique_ptr<EVP_MD_CTX, MacDeleter> md_ctx;
  std::vector<std::byte> key;                      // hash types: H(key || data)
};

KeyedMac::KeyedMac(std::unique_ptr<State> s, size_t size) : state_(std::move(s)), size_(size) {}
KeyedMac::KeyedMac(KeyedMac&&) noexcept = default;
KeyedMac& KeyedMac::operator=(KeyedMac&&) noexcept = default;
KeyedMac::~KeyedMac() = default;

std::optional<KeyedMac> KeyedMac::make(const core::SymmetricKey& key) {
  auto s = std::make_unique<State>();
  if (const size_t len = core::cmac_key_len(key.type); len != 0) {
    EVP_MAC* mac = cmac_algorithm();
    if (!mac || key.value.size() != len) return std::nullopt;
    char* cipher = const_cast<char*>(len == 16 ? "AES-128-CBC" : "AES-256-CBC");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    s->cmac.reset(EVP_MAC_CTX_new(mac));
    if (!s->cmac ||
        EVP_MAC_init(s->cmac.get(), reinterpret_cast<const unsigned char*>(key.value.data()),
                     key.value.size(), params) != 1)
      return std::nullopt;
    return KeyedMac(std::move(s), 16);
  }
  s->md = digest(key.type);
  s->md_ctx.reset(EVP_MD_CTX_new());
  if (!s->md || !s->md_ctx) return std::nullopt;
  s->key = key.value;
  const int size = EVP_MD_get_size(s->md);
  if (size <= 0) return std::nullopt;
  return KeyedMac(std::move(s), static_cast<size_t>(size));
}

std::optional<std::vector<std::byte>> KeyedMac::compute(core::Bytes data) const {
  std::vector<std::byte> out(size_);
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (state_->cmac) {
    // A NULL key restarts the MAC under the key already set (OpenSSL 3 CMAC).
    EVP_MAC_CTX* ctx = state_->cmac.get();
    size_t len = 0;
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(ctx, o, &len, out.size()) != 1 || len != out.size())
      return std::nullopt;
    return out;
  }
  EVP_MD_CTX* ctx = state_->md_ctx.get();
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, state_->md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, state_->key.data(), state_->key.size()) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, o, &len) != 1 || len != out.size())
    return std::nullopt;
  return out;
}

bool KeyedMac::check(core::Bytes data, core::Bytes mac, size_t max_len) const {
  const auto want = compute(data);
  if (!want) return false;
  const size_t n = std::min(want->size(), max_len);
  return mac.size() == n && CRYPTO_memcmp(want->data(), mac.data(), n) == 0;
}

bool check_mac(const core::SymmetricKey& key, core::Bytes data, core::Bytes mac, size_t max_len) {
  const auto want = compute_mac(key, data);
  if (!want) return false;
  const size_t n = std::min(want->size(), max_len);
  return mac.size() == n && CRYPTO_memcmp(want->data(), mac.data(), n) == 0;
}

}  // namespace tempus::crypto
