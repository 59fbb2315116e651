// SPDX-License-Identifier: ISC
// The NTS server's cookies (RFC 8915 §6) and the master keys that seal them. Pure: keys, time
// and randomness come in as arguments; reading and writing the key file is the shell's.
//
// A cookie is opaque to clients; ours is
//   key ID (4) | nonce (16) | AEAD(master key, AD = key ID, nonce,
//                                  plaintext = AEAD ID (2) | 0 (2) | C2S key | S2C key)
// 104 octets for AES-SIV-CMAC-256 (the ciphertext adds a 16-octet tag), a multiple of 4 as NTP
// extension fields need. The master AEAD is AES-SIV-CMAC-256 with the ring's 32-octet key. A fresh
// random nonce per cookie makes two cookies for the same session keys unrelated on the wire
// (unlinkability, RFC 8915 §6): only the key ID, shared by every cookie of a rotation period,
// repeats.
//
// Rotation: the ring holds the current key and up to kMaxServerKeys − 1 previous ones, so a cookie
// stays valid for at least (kMaxServerKeys − 1) rotation intervals. Keys are also dropped once
// older than kMaxServerKeys intervals (after a long downtime). A zero interval never rotates.
//
// Persisted form (one key per line, oldest first, the last one current; UTF-8 text, mode 0600):
//   tempus-nts-keys 1
//   <key ID, 8 hex digits> <created, Unix seconds> <AEAD ID> <key, 64 hex digits>
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/nts_aead.h"
#include "core/result.h"
#include "core/sample.h"
#include "core/time.h"

namespace tempus::core {

// The session keys NTS-KE exported for one client; both are aead_key_len(aead) octets.
struct NtsKeys {
  uint16_t aead = static_cast<uint16_t>(AeadId::kAesSivCmac256);
  std::vector<std::byte> c2s;
  std::vector<std::byte> s2c;
  bool operator==(const NtsKeys&) const = default;
};

inline constexpr size_t kMaxServerKeys = 4;
inline constexpr size_t kServerKeyLen = 32;
inline constexpr size_t kCookieNonceLen = 16;

struct ServerKey {
  uint32_t id = 0;
  std::array<std::byte, kServerKeyLen> key{};
  Timestamp created;
};

enum class KeyRingError {
  kBadHeader,
  kBadLine,       // wrong number of fields or a field that does not parse
  kBadAead,       // an AEAD other than AES-SIV-CMAC-256
  kDuplicateId,
  kTooManyKeys,
  kNoKeys,
};
std::string_view to_string(KeyRingError e);

struct KeyRingParseError {
  KeyRingError error;
  size_t line;  // 1-based
};

class ServerKeyRing {
 public:
  explicit ServerKeyRing(Duration rotation_interval) : interval_(rotation_interval) {}

  // True when there is no key yet, or the current one is at least one interval old.
  bool rotation_due(Timestamp now) const;
  // Makes a new current key from rng (which must be a CSPRNG); its ID follows the previous one
  // (a random ID for the first). Drops keys beyond kMaxServerKeys and keys too old to keep.
  void rotate(Timestamp now, RandomSource& rng);

  const ServerKey* current() const { return keys_.empty() ? nullptr : &keys_.back(); }
  const ServerKey* find(uint32_t id) const;
  std::span<const ServerKey> keys() const { return keys_; }  // oldest first
  Duration interval() const { return interval_; }

  std::string serialise() const;
  static Result<ServerKeyRing, KeyRingParseError> parse(std::string_view text,
                                                        Duration rotation_interval);

 private:
  Duration interval_;
  std::vector<ServerKey> keys_;
};

// A new cookie for `keys` under the ring's current key; nullopt without a current key, when the
// keys do not match their AEAD's key length, or if sealing failed. `master` is the AES-SIV AEAD.
std::optional<std::vector<std::byte>> make_cookie(const ServerKeyRing& ring, const Aead& master,
                                                  const NtsKeys& keys, RandomSource& rng);

// The keys inside a cookie; nullopt for an unknown (expired) key ID, a wrong length, or any
// tampering. Never throws; safe on arbitrary input.
std::optional<NtsKeys> open_cookie(const ServerKeyRing& ring, const Aead& master, Bytes cookie);

}  // namespace tempus::core
