// SPDX-License-Identifier: ISC
// The AEAD seam of NTS (RFC 8915 §5.1): the core seals and opens through this interface and
// never sees OpenSSL; src/crypto/aead.h provides the implementation, tests may provide others.
//
// SIV semantics (RFC 5297): the associated data is a vector of components, each fed to S2V
// separately and in order; a non-empty nonce is the last component before the plaintext
// (nonce-based use, as RFC 8915 does), an empty nonce adds none (deterministic use). The output
// of seal is the synthetic IV (the tag, tag_len() octets) followed by the ciphertext, so it is
// exactly plaintext.size() + tag_len() octets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/sample.h"

namespace tempus::core {

// IANA "AEAD Algorithms" registry numbers, as NTS-KE negotiates them.
enum class AeadId : uint16_t {
  kAesSivCmac256 = 15,  // 32-octet key (two AES-128 keys), 16-octet tag
};
inline constexpr size_t kMaxAeadKeyLen = 32;

// The key length of an AEAD this code knows (32 for AES-SIV-CMAC-256), 0 for any other ID.
constexpr size_t aead_key_len(uint16_t id) {
  return id == static_cast<uint16_t>(AeadId::kAesSivCmac256) ? 32 : 0;
}

// Fills `out` from rng, 8 octets per draw. For keys, nonces and unique identifiers the shell must
// pass a cryptographically secure source (getrandom(2)).
inline void fill_random(RandomSource& rng, std::span<std::byte> out) {
  for (size_t i = 0; i < out.size(); i += 8) {
    const uint64_t v = rng.next_u64();
    for (size_t j = 0; j < 8 && i + j < out.size(); ++j)
      out[i + j] = static_cast<std::byte>((v >> (8 * j)) & 0xff);
  }
}

class Aead {
 public:
  virtual ~Aead() = default;
  virtual AeadId id() const = 0;
  virtual size_t key_len() const = 0;
  virtual size_t tag_len() const = 0;
  // nullopt when key.size() != key_len() or the provider failed.
  virtual std::optional<std::vector<std::byte>> seal(Bytes key, std::span<const Bytes> ad,
                                                     Bytes nonce, Bytes plaintext) const = 0;
  // nullopt when the tag does not verify (tampering, wrong key, AD or nonce), the ciphertext is
  // shorter than the tag, or the key has the wrong size.
  virtual std::optional<std::vector<std::byte>> open(Bytes key, std::span<const Bytes> ad,
                                                     Bytes nonce, Bytes ciphertext) const = 0;
};

}  // namespace tempus::core
