// SPDX-License-Identifier: ISC
// Symmetric-key authentication of NTP packets (RFC 5905 §7.3 MAC, RFC 8573 AES-CMAC), pure:
// the core places and finds the MAC, and computes it only through core::MacKeys (src/crypto/
// keyring.h implements it with OpenSSL; tests may bring their own).
//
// The MAC follows the header and any extension fields: key ID (32 bits) and digest, which covers
// every octet before the key ID. In NTPv4 the digest is at most 20 octets (RFC 7822 §7.5: longer
// hashes travel truncated, as chronyd sends them); NTPv3 and older carry it whole. A MAC whose
// key ID is 0 and digest empty is a crypto-NAK (RFC 5905 §7.4), which authenticates nothing.
//
// chronyd's rules, which these follow: a request with a MAC that does not verify (unknown key,
// wrong digest, crypto-NAK) is dropped silently, with no crypto-NAK sent back; a request with a
// valid MAC is answered with a MAC under the same key; a reply must carry a valid MAC under the
// source's key when it has one, and no MAC at all when it has none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/keyfile.h"
#include "core/packet.h"

namespace tempus::core {

inline constexpr size_t kMaxV4Digest = kMaxV4MacLen - 4;        // 20
inline constexpr size_t kMaxLegacyDigest = kMaxLegacyMacLen - 4;  // 64

// What a key is, for reports and for choosing the NTP version of requests.
struct KeyInfo {
  KeyType type = KeyType::kMd5;
  size_t length = 0;      // of the key, octets
  size_t digest_len = 0;  // of its full MAC, octets (16 for CMAC, the hash's size otherwise)
};

class MacKeys {
 public:
  virtual ~MacKeys() = default;
  // The key with this ID when it is known and usable (nullopt otherwise, e.g. MD5 under FIPS).
  virtual std::optional<KeyInfo> key_info(uint32_t id) const = 0;
  // The full MAC of `data` under key `id`; nullopt when the key is unknown or unusable.
  virtual std::optional<std::vector<std::byte>> mac(uint32_t id, Bytes data) const = 0;
  // True when `digest` is the MAC of `data` under key `id` truncated to max_len octets (and has
  // exactly that length, or the full length when shorter). Constant time in the digest.
  virtual bool verify(uint32_t id, Bytes data, Bytes digest, size_t max_len) const = 0;
};

// The most digest octets a packet of this version carries.
constexpr size_t max_digest_len(int version) {
  return version == 4 ? kMaxV4Digest : kMaxLegacyDigest;
}

// The NTP version a source with this key should speak unless `version` is configured: 3 when
// the key's MAC would be truncated in NTPv4 (SHA256 and longer), as chronyd does, else 4.
int suggested_version(const KeyInfo& key);

// The key type as chronyd's reports number it (authdata): its hash IDs 1..9 (MD5, SHA1,
// SHA256, SHA384, SHA512, SHA3-224/256/384/512), 13 for AES128 and 14 for AES256 CMAC.
uint16_t chrony_key_type(KeyType t);

// Appends key ID and digest to `packet` (a header and any extension fields; its version from
// the first octet). False, with `packet` unchanged, when the key cannot sign.
bool append_mac(const MacKeys& keys, uint32_t key_id, std::vector<std::byte>& packet);

enum class MacCheck : uint8_t {
  kNone,     // the packet has no MAC
  kValid,    // a MAC under a known key that verifies
  kInvalid,  // a MAC that does not verify: unknown key, wrong digest, or a crypto-NAK
};
// Checks the MAC of `decoded`, which decode_packet() made of `raw`. keys may be null: then
// any MAC is kInvalid.
MacCheck check_mac(const MacKeys* keys, Bytes raw, const Packet& decoded);

}  // namespace tempus::core
