// SPDX-License-Identifier: ISC
// Symmetric-key MACs for NTP packets (OpenSSL behind this header):
//   - AES128/AES256: AES-CMAC (RFC 4493, RFC 8573), a 16-octet MAC over the packet;
//   - hash types: NTP's legacy MAC, H(key || packet), the full digest (16 to 64 octets).
// NTPv4 carries at most 20 octets of MAC after the key ID (RFC 7822 §7.5), so longer digests
// travel truncated to 20 octets there (what chronyd sends and accepts); NTPv3 carries them whole.
// Algorithms are fetched with OpenSSL's default properties: on a FIPS host MD5 (and anything
// else the FIPS provider lacks) is unavailable and such keys cannot be used.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/keyfile.h"

namespace tempus::crypto {

inline constexpr size_t kMaxV4MacDigestLen = 20;

// Whether this OpenSSL can compute MACs of type t (false e.g. for MD5 under FIPS).
bool mac_available(core::KeyType t);

// The full MAC of `data` under `key`; nullopt when the algorithm is unavailable or a CMAC key
// has the wrong length.
std::optional<std::vector<std::byte>> compute_mac(const core::SymmetricKey& key, core::Bytes data);

// True when `mac` equals the MAC of `data` truncated to max_len octets (constant-time compare).
// The MAC must have exactly that length: min(full length, max_len).
bool check_mac(const core::SymmetricKey& key, core::Bytes data, core::Bytes mac,
               size_t max_len = kMaxV4MacDigestLen);

// One key made ready for many MACs (the server and the sources' per-packet work): AES-CMAC's
// context is keyed once (cipher fetched, key schedule computed), a hash's digest fetched once.
// compute() and check() give what compute_mac() and check_mac() give for the key. Not
// thread-safe: one context is reused.
class KeyedMac {
 public:
  // nullopt when the algorithm is unavailable or a CMAC key has the wrong length.
  static std::optional<KeyedMac> make(const core::SymmetricKey& key);
  KeyedMac(KeyedMac&&) noexcept;
  KeyedMac& operator=(KeyedMac&&) noexcept;
  ~KeyedMac();

  std::optional<std::vector<std::byte>> compute(core::Bytes data) const;
  bool check(core::Bytes data, core::Bytes mac, size_t max_len = kMaxV4MacDigestLen) const;
  size_t size() const { return size_; }  // of the full MAC, octets

 private:
  struct State;
  explicit KeyedMac(std::unique_ptr<State> s, size_t size);
  std::unique_ptr<State> state_;
  size_t size_ = 0;
};

// AES-CMAC (RFC 4493) with a 16- or 32-octet key; nullopt for other key sizes or on failure.
std::optional<std::array<std::byte, 16>> aes_cmac(core::Bytes key, core::Bytes data);

}  // namespace tempus::crypto
