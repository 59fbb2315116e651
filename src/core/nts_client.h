// SPDX-License-Identifier: ISC
// The NTS state of one client association (RFC 8915 §5.7, §6): the session keys from NTS-KE,
// the cookie jar and the request outstanding. Pure; the shell runs NTS-KE when needs_ke() says so.
//
// Rules it enforces:
//   - a cookie is sent once and forgotten (never reused: reuse would link requests);
//   - each request carries a fresh Unique Identifier, and only the latest request's identifier
//     is accepted, once (a replayed or late reply is refused);
//   - at most kNtsMaxCookies are kept; each request asks for enough to refill the jar;
//   - an NTS NAK for the outstanding request empties the jar: new NTS-KE is needed.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/nts_aead.h"
#include "core/nts_cookie.h"
#include "core/nts_ef.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/sample.h"

namespace tempus::core {

class NtsClientSession {
 public:
  // `aead` must be the AEAD `keys.aead` names and outlive the session.
  NtsClientSession(const Aead& aead, NtsKeys keys, std::vector<std::vector<std::byte>> cookies);

  bool needs_ke() const { return cookies_.empty(); }
  size_t cookies() const { return cookies_.size(); }
  const NtsKeys& keys() const { return keys_; }
  const std::vector<std::vector<std::byte>>& cookie_jar() const { return cookies_; }

  // The next request (header must be mode 3), spending one cookie; nullopt without cookies.
  // Forgets any earlier outstanding request.
  std::optional<std::vector<std::byte>> make_request(const Header& header, RandomSource& rng);

  // Checks a reply against the outstanding request and stores its cookies. On success the
  // request is no longer outstanding. kNak empties the jar. Other errors leave the state as it
  // was (a forged packet must not cancel the real reply).
  Status<NtsEfError> accept_reply(Bytes packet);

 private:
  const Aead& aead_;
  NtsKeys keys_;
  std::vector<std::vector<std::byte>> cookies_;  // oldest first, at most 8
  std::optional<std::array<std::byte, kNtsUniqueIdLen>> outstanding_;
};

// The client's sessions saved across a restart (ntsdumpdir): per source its name, address, keys
// and unused cookies. Text, one session per line after the header line:
//   tempus-nts-cookies 1
//   <name> <address> <AEAD ID> <C2S hex> <S2C hex> <cookie hex> [<cookie hex> ...]
// Names and addresses have no white space. parse skips lines that do not parse (a damaged file
// costs those sources an NTS-KE, nothing else); at most kNtsMaxCookies cookies per line are kept.
struct SavedNtsSession {
  std::string name;
  std::string address;
  NtsKeys keys;
  std::vector<std::vector<std::byte>> cookies;
  bool operator==(const SavedNtsSession&) const = default;
};
std::string serialise_nts_sessions(std::span<const SavedNtsSession> sessions);
std::vector<SavedNtsSession> parse_nts_sessions(std::string_view text);

}  // namespace tempus::core
