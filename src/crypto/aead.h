// SPDX-License-Identifier: ISC
// AES-SIV-CMAC-256 (RFC 5297; AEAD ID 15 of RFC 8915) over OpenSSL's "AES-128-SIV" cipher:
// the "128" is the AES strength, the key is 32 octets (a CMAC key and a CTR key).
//
// OpenSSL's FIPS provider has no AES-SIV. On a host whose OpenSSL is configured for FIPS only,
// aes_siv_available() is false and make_aead() returns nullptr; callers report that NTS is not
// available on this host instead of failing later. Call aes_siv_available() before a sandbox
// closes: the first call loads OpenSSL's configuration and fetches the cipher.
//
// OpenSSL 3.0 fails to finish an AES-SIV operation on an empty plaintext, which is exactly what an
// NTS client request authenticates; that case is computed here from RFC 5297's S2V over AES-CMAC
// (the ciphertext is empty, the output is the synthetic IV alone). Empty associated-data
// components are refused (nullopt): OpenSSL would drop them, and NTS never uses them.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>

#include "core/bytes.h"
#include "core/nts_aead.h"

namespace tempus::crypto {

bool aes_siv_available();

// The AEAD for `id`, or nullptr when this OpenSSL cannot provide it.
std::unique_ptr<core::Aead> make_aead(core::AeadId id);

// RFC 5297 §2.4 S2V over AES-CMAC with a 16-octet mac_key (the first half of the SIV key) and
// at least one component (the last one is the plaintext). nullopt on a bad key size or failure.
std::optional<std::array<std::byte, 16>> siv_s2v(core::Bytes mac_key,
                                                 std::span<const core::Bytes> components);

}  // namespace tempus::crypto
