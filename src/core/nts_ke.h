// SPDX-License-Identifier: ISC
// NTS Key Establishment messages (RFC 8915 §4): the record codec, the client's request and the
// server's response, and validating parsers for both directions. Pure: the TLS 1.3 session
// (ALPN "ntske/1") and the key export live in the shells; this module only sees the
// application bytes and says what the exporter context is.
//
// A record on the wire:
//   |C|  Record Type (15) | Body Length (16) | Body ...
// C is the critical bit: a receiver that does not recognise a critical record must fail the
// exchange, an unknown non-critical record is ignored. A message is a sequence of records ending
// with End of Message (type 0, critical, empty body), which must be the last record.
//
// Limits (what chronyd also enforces): a whole message at most 16384 octets, a record body at
// most 256 octets (larger critical records fail, larger non-critical ones are skipped), at most 8
// cookies taken from a response (more are ignored), a cookie 4 to 256 octets and a multiple of
// 4 (NTP extension fields carry padding; other cookies are ignored).
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

namespace tempus::core {

inline constexpr uint16_t kNtsKePort = 4460;
inline constexpr std::string_view kNtsKeAlpn = "ntske/1";
inline constexpr std::string_view kNtsExporterLabel = "EXPORTER-network-time-security";
inline constexpr uint16_t kNextProtocolNtpV4 = 0;

inline constexpr size_t kNkeMaxMessageLen = 16384;
inline constexpr size_t kNkeMaxBodyLen = 256;
inline constexpr size_t kNkeMaxCookies = 8;
inline constexpr size_t kNkeMaxCookieLen = 256;
inline constexpr size_t kNkeMaxServerNameLen = 255;

enum class NkeRecordType : uint16_t {
  kEndOfMessage = 0,
  kNextProtocol = 1,
  kError = 2,
  kWarning = 3,
  kAeadAlgorithm = 4,
  kNewCookie = 5,
  kServerNegotiation = 6,
  kPortNegotiation = 7,
};

// Codes of the Error record (RFC 8915 §4.1.3).
enum class NkeErrorCode : uint16_t {
  kUnrecognizedCriticalRecord = 0,
  kBadRequest = 1,
  kInternalServerError = 2,
};

// One record; `body` borrows from the message buffer.
struct NkeRecord {
  bool critical = false;
  uint16_t type = 0;  // 15 bits
  Bytes body;
};

// Why a message was refused.
enum class NkeError {
  kTruncated,             // a record runs past the end, or no End of Message yet
  kMessageTooLong,        // more than kNkeMaxMessageLen octets
  kTrailingData,          // octets after End of Message
  kBadEndOfMessage,       // End of Message not critical or with a body
  kUnrecognizedCritical,  // an unknown record type with the critical bit
  kBadRecord,             // a known record with a malformed body or a critical bit it must have
  kDuplicateRecord,       // Next Protocol or AEAD twice
  kUnexpectedRecord,      // a record this direction must not carry (Error/Cookie in a request)
  kMissingRecord,         // no Next Protocol, or no AEAD while NTPv4 was offered
  kServerError,           // the response carries an Error record (code in NkeFailure)
  kServerWarning,         // ... a Warning record (none is defined, so none is understood)
  kNoCommonProtocol,      // the server's Next Protocol record is empty or not NTPv4
  kNoCommonAead,          // the server's AEAD record is empty or not one the client offered
  kNoCookies,             // a successful response without a usable cookie
};
std::string_view to_string(NkeError e);

struct NkeFailure {
  NkeError reason;
  uint16_t code = 0;  // the Error/Warning record's code for kServerError/kServerWarning
};

// Appends one record. Precondition: body.size() <= 65535, type < 0x8000.
void encode_nke_record(ByteWriter& w, bool critical, uint16_t type, Bytes body);
void encode_nke_record(ByteWriter& w, bool critical, NkeRecordType type, Bytes body);

// Splits a complete message into its records (End of Message included, last). Checks only the
// framing: lengths, the size limit, End of Message's form and that nothing follows it.
Result<std::vector<NkeRecord>, NkeError> split_nke_message(Bytes message);

// For a stream reader: the length of the first complete message in `buffered`, 0 when more
// octets are needed, or an error when what arrived can never become a valid message.
Result<size_t, NkeError> nke_message_length(Bytes buffered);

// --- Client → server
struct NkeRequest {
  std::vector<uint16_t> protocols{kNextProtocolNtpV4};
  std::vector<uint16_t> aeads{static_cast<uint16_t>(AeadId::kAesSivCmac256)};  // preference order
  std::optional<std::string> server;  // a suggestion (Server Negotiation), rarely sent
  std::optional<uint16_t> port;       // a suggestion (Port Negotiation)
};
// Next Protocol (critical), AEAD (critical; left out when `aeads` is empty, which only a request
// not offering NTPv4 may be), the suggestions (non-critical), End of Message.
std::vector<std::byte> encode_nke_request(const NkeRequest& r);

// The server's view of a request, or the Error code it must answer with (and why).
struct NkeRequestRefusal {
  NkeErrorCode code;
  NkeError reason;
};
Result<NkeRequest, NkeRequestRefusal> parse_nke_request(Bytes message);

// --- Server → client
struct NkeResponse {
  std::optional<NkeErrorCode> error;  // when set, the response is this Error record alone
  std::optional<uint16_t> protocol;   // nullopt: empty Next Protocol (none acceptable)
  std::optional<uint16_t> aead;       // nullopt: empty AEAD record (none acceptable)
  std::optional<std::string> server;  // Server Negotiation
  std::optional<uint16_t> port;       // Port Negotiation
  std::vector<std::vector<std::byte>> cookies;
};

// The server's choices for a parsed request: NTPv4 when offered, else none; the first AEAD of the
// client's list that `supported` contains, else none. No cookies: the caller adds them once keys
// are exported for the chosen AEAD.
NkeResponse negotiate_nke(const NkeRequest& request, std::span<const uint16_t> supported);

// Error → [Error, End]; otherwise Next Protocol, AEAD (when a protocol was chosen), the
// negotiation records, New Cookie records, End. Critical bits as RFC 8915 requires.
// Precondition: each cookie and the server name fit a record body.
std::vector<std::byte> encode_nke_response(const NkeResponse& r);

// The client's validation of a response to a request that offered `offered_aeads` and NTPv4
// only: NTPv4 and one of those AEADs chosen, at least one usable cookie (at most 8 kept).
Result<NkeResponse, NkeFailure> parse_nke_response(Bytes message,
                                                   std::span<const uint16_t> offered_aeads);

// RFC 8915 §5.1 key export: the TLS exporter (label kNtsExporterLabel) is called with this
// context: protocol ID, AEAD ID, then 0x00 for the client-to-server key, 0x01 for server-to-client.
std::array<std::byte, 5> nts_exporter_context(uint16_t protocol, uint16_t aead, bool s2c);

}  // namespace tempus::core
