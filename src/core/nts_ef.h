// SPDX-License-Identifier: ISC
// NTS extension fields in NTP packets (RFC 8915 §5.3-5.7): building and checking client requests
// and server replies. Pure: the AEAD comes in as core::Aead, randomness as RandomSource; the
// packet codec is core/packet's (header, encode_extension, decode_packet).
//
// Client request:  header | Unique Identifier | NTS Cookie | Cookie Placeholder × n |
//                  NTS Authenticator and Encrypted EFs (AEAD with C2S over everything before it)
// Server reply:    header | Unique Identifier (copied) |
//                  NTS Authenticator (AEAD with S2C; the encrypted EFs are fresh NTS Cookies)
// NTS NAK:         a kiss-o'-death header (stratum 0, "NTSN") | Unique Identifier, no authenticator
//
// The Authenticator's body: nonce length (16), ciphertext length (16), nonce, zero padding to 4,
// ciphertext, zero padding to 4; a nonce shorter than 16 octets needs padding as if it were 16.
// The associated data is the packet from its first octet up to the Authenticator field.
// A reply is never longer than its request: the placeholders reserve the room for the cookies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/nts_aead.h"
#include "core/nts_cookie.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/sample.h"

namespace tempus::core {

inline constexpr uint16_t kEfUniqueIdentifier = 0x0104;
inline constexpr uint16_t kEfNtsCookie = 0x0204;
inline constexpr uint16_t kEfNtsCookiePlaceholder = 0x0304;
inline constexpr uint16_t kEfNtsAuthenticator = 0x0404;
inline constexpr uint32_t kKissNtsNak = ref_id_ascii("NTSN");

inline constexpr size_t kNtsUniqueIdLen = 32;  // what we send; at least this much is accepted
inline constexpr size_t kNtsNonceLen = 16;
inline constexpr size_t kNtsMaxCookies = 8;

enum class NtsEfError {
  kBadPacket,            // the NTP packet itself does not decode, or carries a MAC
  kWrongMode,            // a request that is not mode 3, a reply that is not mode 4
  kNoUniqueId,
  kBadUniqueId,          // shorter than 32 octets, or (reply) not the one we sent
  kDuplicateField,       // two Unique Identifiers or two Cookies
  kNoCookie,
  kBadPlaceholder,       // a placeholder whose length differs from the cookie's
  kNoAuthenticator,
  kAuthNotLast,          // an extension field after the Authenticator
  kBadAuthenticator,     // malformed lengths or padding
  kCookieInvalid,        // the server cannot open the cookie (expired key, tampering)
  kAuthFailed,           // the AEAD does not verify
  kBadEncryptedField,    // the decrypted extension fields do not parse
  kNak,                  // (client) an NTS NAK for our request: cookies are stale, redo NTS-KE
};
std::string_view to_string(NtsEfError e);

// Whether a server answers this failure with an NTS NAK (RFC 8915 §5.7) rather than dropping.
constexpr bool nts_nak_warranted(NtsEfError e) {
  return e == NtsEfError::kCookieInvalid || e == NtsEfError::kAuthFailed;
}

// --- Client
struct NtsRequest {
  std::vector<std::byte> packet;
  std::array<std::byte, kNtsUniqueIdLen> unique_id;  // to check the reply against
};

// A request with `header` (mode 3), `cookie` (used once: the caller forgets it) and `placeholders`
// Cookie Placeholders asking for that many more cookies, authenticated with `c2s` under `aead`.
// The unique identifier and the nonce come from rng. nullopt on a key of the wrong size, an empty
// or oversized cookie, or more than kNtsMaxCookies − 1 placeholders.
std::optional<NtsRequest> build_nts_request(const Header& header, const Aead& aead, Bytes c2s,
                                            Bytes cookie, size_t placeholders, RandomSource& rng);

// Checks a reply to a request with `unique_id` and returns the new cookies it carried (at most
// kNtsMaxCookies, from the encrypted fields only; unauthenticated cookies are ignored).
// kNak: a kiss-o'-death NTSN carrying our unique identifier.
Result<std::vector<std::vector<std::byte>>, NtsEfError> verify_nts_reply(Bytes packet,
                                                                         const Aead& aead,
                                                                         Bytes s2c,
                                                                         Bytes unique_id);

// --- Server
struct NtsServerRequest {
  std::vector<std::byte> unique_id;
  NtsKeys keys;               // from the cookie
  size_t cookies_wanted = 1;  // the cookie spent plus placeholders (clear or encrypted), ≤ 8
  size_t request_len = 0;     // the reply may not exceed this
};

// Parses and authenticates a client request: the cookie opened with `ring` under `aead` (which
// is also the only session AEAD supported, AES-SIV-CMAC-256), the Authenticator verified with the
// cookie's C2S key. nts_nak_warranted(error) tells whether to answer with build_nts_nak().
Result<NtsServerRequest, NtsEfError> parse_nts_request(Bytes packet, const ServerKeyRing& ring,
                                                       const Aead& aead);

// The reply to `req`: `header` (mode 4) followed by the Unique Identifier and an Authenticator
// sealed with the S2C key around as many fresh cookies as were asked for and fit in
// req.request_len. nullopt if sealing failed or not even the empty reply fits.
std::optional<std::vector<std::byte>> build_nts_reply(const Header& header,
                                                      const NtsServerRequest& req,
                                                      const ServerKeyRing& ring, const Aead& aead,
                                                      RandomSource& rng);

// The first Unique Identifier of a request (a view into `packet`), empty if none: what an NTS NAK
// echoes when parse_nts_request() failed.
Bytes nts_unique_id(Bytes packet);

// An NTS NAK: `header` made a kiss-o'-death (stratum 0, reference ID "NTSN") and the request's
// Unique Identifier.
std::vector<std::byte> build_nts_nak(Header header, Bytes unique_id);

}  // namespace tempus::core
