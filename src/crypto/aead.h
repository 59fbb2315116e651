// SPDX-License-Identifier: ISC
// AES-SIV-CMAC-256 (RFC 5297; AEAD ID 15 of RFC 8915): the key is 32 octets, K1 for S2V over
// AES-128-CMAC and K2 for AES-128-CTR. SIV is composed here from OpenSSL's "AES-128-ECB" block
// encryption (fetched once per process): CMAC (RFC 4493) block by block, and CTR's keystream
// from counter blocks. Each thread keeps the key schedules of the four keys it used last, so a
// server's master key, used to open and to make a cookie for every request, is scheduled once.
// OpenSSL's own "AES-128-SIV" (and its EVP_MAC "CMAC", and setting a CTR context's IV) fetch
// ciphers or look up parameters by name at every initialisation, which cost several times the
// cipher work on a server's per-packet path (and OpenSSL 3.0 cannot finish AES-128-SIV on an
// empty plaintext, which is what an NTS client request authenticates).
//
// aes_siv_available() is true when this OpenSSL offers AES-128-SIV as a mode (and the ECB cipher
// used here). OpenSSL's FIPS provider has no AES-SIV (not an approved mode): there, as
// without the ciphers, make_aead() returns nullptr and callers report that NTS is not
// available on this host instead of failing later (composing SIV from FIPS primitives would
// still not be an approved mode). Call aes_siv_available() before a sandbox
// closes: the first call in a process loads OpenSSL's configuration and fetches the algorithms.
// Empty associated-data components are refused (nullopt): NTS never uses them.
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
// Seal and open use the same S2V; this entry point is for tests.
std::optional<std::array<std::byte, 16>> siv_s2v(core::Bytes mac_key,
                                                 std::span<const core::Bytes> components);

}  // namespace tempus::crypto
