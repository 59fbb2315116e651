// SPDX-License-Identifier: ISC
// NTP control messages (mode 6, RFC 9327): the read-only subset that ntpq's `peers` (-p),
// `associations` and `readvar` (rv), and Debian's ntpstat use. Pure: requests are decoded from
// bytes and answered from values the caller gathers; who may ask (loopback, cmdallow) and how
// often is decided by the caller too (RFC 8633 §3.2: never from the world), with ControlLimiter.
//
// Answered: READSTAT (opcode 1) for association 0 (the system status word and every
// association's ID and status word) or for one association (its variables, as ntpd does), and
// READVAR (opcode 2) for association 0 (system variables) or one association, all of them or
// the names listed in the request. Units as ntpd's: milliseconds for offsets, delays,
// dispersions and jitters, ppm for frequencies, NTP timestamps as 0xSSSSSSSS.FFFFFFFF.
// Every other opcode gets error BADOP; writes and authentication are not implemented, so a
// request with a MAC gets PERMISSION and a `name=value` item in a READVAR gets BADVALUE.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/ip.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/time.h"

namespace tempus::core::mode6 {

inline constexpr size_t kHeaderLen = 12;
inline constexpr size_t kMaxData = 468;  // data octets in one datagram (RFC 9327 §2)
// An answer never takes more datagrams than this (ntpq accepts up to 32); a longer variable
// list is cut at an item boundary.
inline constexpr size_t kMaxFragments = 4;

enum class Opcode : uint8_t { kReadStatus = 1, kReadVariables = 2 };

// RFC 9327 §4 error codes (the high octet of the status word of an error response).
enum class ErrorCode : uint8_t {
  kUnspecified = 0,
  kPermission = 1,       // authentication failed / not allowed
  kBadFormat = 2,        // invalid message length or format
  kBadOpcode = 3,        // invalid opcode
  kBadAssociation = 4,   // unknown association identifier
  kUnknownVariable = 5,  // unknown variable name
  kBadValue = 6,         // invalid variable value
};

struct Request {
  uint8_t version = 0;   // 1..4, echoed in the answer
  uint8_t opcode = 0;    // the low five bits of the second octet
  uint16_t sequence = 0;
  uint16_t assoc_id = 0;
  Bytes data;            // the `count` octets after the header
};

enum class DecodeError : uint8_t {
  kTooShort,       // under the 12-octet header: dropped
  kNotControl,     // mode is not 6: dropped
  kBadVersion,     // version 0 or above 4: dropped
  kNotRequest,     // response, error or more bit set, or a nonzero offset: dropped
  kBadLength,      // count above 468 or past the datagram, length not a multiple of 4, or
                   // nonzero octets after the data that are no MAC: answered BADFMT
  kAuthenticated,  // a MAC (key ID and 16 or 20 octets of digest) follows: answered PERMISSION
};
std::string_view to_string(DecodeError e);

// Octets after the (4-aligned) data are allowed when they are all zero: ntpstat sends its whole
// 576-octet buffer with count 0.
Result<Request, DecodeError> decode_request(Bytes datagram);
// The error a decode error is answered with; nullopt: dropped without an answer.
std::optional<ErrorCode> answer_code(DecodeError e);
// The error response to `datagram`, which decode_request() refused with an error that
// answer_code() answers (so its header is readable).
std::vector<std::byte> error_response(Bytes datagram, ErrorCode code);

// The system status word's clock source field (RFC 9327 §3.1).
enum class ClockSource : uint8_t { kUnspecified = 0, kRadio = 4, kLocal = 5, kNtp = 6 };

struct SystemVariables {
  Leap leap = Leap::kUnsync;
  ClockSource source = ClockSource::kUnspecified;
  uint8_t stratum = 0;                // 0 when unsynchronised
  int8_t precision = -20;             // log2 s
  Duration root_delay, root_dispersion;
  uint32_t ref_id = 0;
  Timestamp ref_time;                 // zero (unset) when never updated
  int8_t poll = 6;                    // tc: log2 s, the selected source's poll
  uint16_t peer = 0;                  // association ID of the selected source, 0: none
  Duration offset;                    // of the last clock update, > 0: the clock was behind
  double frequency_ppm = 0;           // correction in force, > 0: the clock is made faster
  Duration sys_jitter;                // the selected source's jitter
  Duration clk_jitter;                // RMS of the clock updates' offsets
  double clk_wander_ppm = 0;          // error bound of the frequency
  Timestamp clock;                    // now
  std::string version;                // the daemon's name and version; empty: not sent
};

// ntpq's tally codes (" x.-+#*o") are the select field of the peer status word.
enum class PeerSelect : uint8_t {
  kReject = 0,       // ' ' not usable
  kFalseticker = 1,  // 'x'
  kExcess = 2,       // '.' dropped for its jitter
  kOutlier = 3,      // '-' a truechimer not combined
  kCandidate = 4,    // '+' combined with the system peer
  kSysPeer = 6,      // '*'
};

struct PeerVariables {
  uint16_t assoc_id = 0;      // 1..65535
  PeerSelect select = PeerSelect::kReject;
  bool configured = true;
  std::optional<IpAddress> address;  // srcadr (refclocks: none; `host` names them)
  uint16_t port = 0;
  std::optional<IpAddress> local;    // dstadr, when known
  uint16_t local_port = 0;          // 0: unknown (dstport not sent)
  std::string host;                  // srchost: a refclock's "NAME(unit)"; empty: not sent
  bool refclock = false;
  Leap leap = Leap::kUnsync;
  uint8_t stratum = 16;
  int8_t precision = 0;
  Duration root_delay, root_dispersion;
  uint32_t ref_id = 0;
  Timestamp ref_time;                // the source's reference time (unset: zero)
  Timestamp received;                // rec: local time of its newest reply (unset: zero)
  uint8_t reach = 0;
  uint8_t host_mode = 3;             // hmode: 3 client, 1 symmetric active
  uint8_t peer_mode = 0;             // pmode: the mode of its newest reply
  int8_t host_poll = 6, peer_poll = 6;  // hpoll, ppoll: log2 s
  Duration offset;                   // > 0: the local clock is behind the source
  Duration delay, dispersion, jitter;
  uint16_t flash = 0;                // ntpd's flash bits: 0x1000 (peer_unreach) when reach is 0

  uint16_t status_word() const;
};

// The system status word (RFC 9327 §3.1): leap, clock source, no events.
uint16_t system_status_word(const SystemVariables& s);

// "name=value, ..." text as ntpd writes it: strings quoted, lines broken after a comma before
// they pass 72 characters, "\r\n" at the end.
std::string system_text(const SystemVariables& s, std::span<const std::string_view> names = {});
std::string peer_text(const PeerVariables& p, std::span<const std::string_view> names = {});
// True when `name` is a variable of the system (or of a peer) that the texts above can carry.
bool is_system_variable(std::string_view name);
bool is_peer_variable(std::string_view name);

// The datagrams answering `req` (each at most 12 + 468 octets, padded to 4): one or more
// fragments, or one error response.
std::vector<std::vector<std::byte>> answer(const Request& req, const SystemVariables& sys,
                                           std::span<const PeerVariables> peers);

// A token bucket shared by every client that may ask: `burst` requests at once, refilled at
// `per_second`. Bounds the work and traffic mode 6 costs even when a trusted host misbehaves.
class ControlLimiter {
 public:
  static constexpr int kBurst = 64;
  static constexpr int kPerSecond = 32;
  ControlLimiter(int burst = kBurst, int per_second = kPerSecond);
  // True when a request arriving at `now` may be answered (takes one token).
  bool take(Timestamp now);

 private:
  int64_t burst_ns_, cost_ns_;  // tokens kept as time: one request costs 1/per_second s
  int64_t credit_ns_;
  std::optional<Timestamp> last_;
};

}  // namespace tempus::core::mode6
