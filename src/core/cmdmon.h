// SPDX-License-Identifier: ISC
// chrony's command and monitoring protocol ("cmdmon"), version 6 as chronyc 4.3 speaks it: the
// wire codec only (the daemon's endpoint is proc/cmdmon_server). Facts from chrony's candm.h,
// pktlength.c and cmdmon.c; the layout is C structs with natural alignment, all fields in
// network order.
//
// Request: a 20-octet header {version, pkt_type = 1, res1 = 0, res2 = 0, command u16,
// attempt u16, sequence u32, pad u32 ×2}, the command's fields, then zero padding so that a
// request is never shorter than its reply (no amplification): every known command has one
// exact length (request_length()). Reply: a 28-octet header {version, pkt_type = 2, res1, res2,
// command u16 (echoed), reply u16 (the body format), status u16, pad u16 ×3, sequence u32
// (echoed), pad u32 ×2} and the body of that format.
//
// Field encodings: Float is chrony's 32-bit float (7-bit signed exponent, 25-bit signed
// coefficient, value = coef × 2^(exp − 25)); Timespec is {sec_high, sec_low, nsec} u32 each;
// IPAddr is 16 address octets (IPv4 in the first four), family u16 (0 unspec, 1 IPv4, 2 IPv6,
// 3 an ID for a source not resolved yet, kept in the first four octets), pad u16.
//
// Signs: the structs below carry chrony's conventions (an offset > 0 means the local clock is
// AHEAD, a frequency > 0 that it runs fast); the caller converts from the core's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/ip.h"
#include "core/result.h"
#include "core/server.h"
#include "core/time.h"

namespace tempus::core::cmdmon {

inline constexpr uint8_t kVersion = 6;
inline constexpr size_t kRequestHeaderLen = 20;
inline constexpr size_t kReplyHeaderLen = 28;
// sizeof(CMD_Request) in chrony: longer datagrams are dropped.
inline constexpr size_t kMaxRequestLen = 860;

namespace cmd {  // request codes (candm.h REQ_*)
inline constexpr uint16_t kNull = 0, kOnline = 1, kOffline = 2, kBurst = 3, kDump = 6,
                          kSetTime = 11, kLocal = 12, kAllow = 17, kAllowAll = 18,
                          kDeny = 19, kDenyAll = 20, kCmdAllow = 21, kCmdAllowAll = 22,
                          kCmdDeny = 23, kCmdDenyAll = 24, kAcCheck = 25, kCmdAcCheck = 26, kManual = 13, kNSources = 14,
                          kSourceData = 15, kRekey = 16, kDelSource = 29, kWriteRtc = 30,
                          kDfreq = 31, kTracking = 33, kSourceStats = 34, kRtcReport = 35,
                          kTrimRtc = 36, kCycleLogs = 37, kManualList = 41, kManualDelete = 42,
                          kMakeStep = 43, kActivity = 44, kReselect = 48,
                          kReselectDistance = 49, kModifyMakeStep = 50,
                          kSmoothing = 51, kSmoothTime = 52, kRefresh = 53, kServerStats = 54,
                          kLocal2 = 56, kNtpData = 57, kShutdown = 62, kOnOffline = 63,
                          kAddSource = 64, kNtpSourceName = 65, kResetSources = 66,
                          kAuthData = 67, kClientAccessesByIndex3 = 68, kSelectData = 69,
                          kReloadSources = 70, kDoffset2 = 71, kCount = 72;
}  // namespace cmd

enum class Status : uint16_t {
  kSuccess = 0,
  kFailed = 1,
  kUnauth = 2,
  kInvalid = 3,
  kNoSuchSource = 4,
  kInvalidTs = 5,
  kNotEnabled = 6,
  kBadSubnet = 7,
  kAccessAllowed = 8,
  kAccessDenied = 9,
  kSourceAlreadyKnown = 11,
  kTooManySources = 12,
  kNoRtc = 13,
  kBadRtcFile = 14,
  kInactive = 15,
  kBadSample = 16,
  kInvalidAf = 17,
  kBadPktVersion = 18,
  kBadPktLength = 19,
  kInvalidName = 21,
};

// chrony's Float.
uint32_t encode_float(double x);
double decode_float(uint32_t f);

// An IPAddr as the protocol carries it. An unresolved source has an ID instead of an address.
struct Address {
  std::optional<IpAddress> ip;  // nullopt with id == 0: unspecified
  uint32_t id = 0;              // family 3 when ip is nullopt and id != 0
  static Address none() { return {}; }
  static Address of(const IpAddress& a) { return Address{a, 0}; }
  bool operator==(const Address&) const = default;
};

// Exact length of a version-6 request for `command` including its padding, or 0 when the
// command is unknown or chrony no longer accepts it.
size_t request_length(uint16_t command);
// Commands any client of the socket may send (chrony's PERMIT_OPEN); the others need the
// privileged Unix socket.
bool is_open_command(uint16_t command);

// ADD_SOURCE's body (candm.h REQ_NTP_Source) as chronyc 4.3 fills it from `add server|pool|peer
// NAME [options]`; check_source() says whether chronyd would take it.
struct SourceRequest {
  enum Type : uint32_t { kServer = 1, kPeer = 2, kPool = 3 };
  enum Flag : uint32_t {
    kOnline = 0x1, kAutoOffline = 0x2, kIburst = 0x4, kPrefer = 0x8, kNoselect = 0x10,
    kTrust = 0x20, kRequire = 0x40, kInterleaved = 0x80, kBurst = 0x100, kNts = 0x200,
    kCopy = 0x400, kExtFieldExp1 = 0x800
  };
  uint32_t type = kServer;
  std::array<uint8_t, 256> name{};  // NUL-terminated (check_source() insists)
  uint32_t port = 123;
  int32_t minpoll = 6, maxpoll = 10, presend_minpoll = 0;
  uint32_t min_stratum = 0, poll_target = 8, version = 0, max_sources = 4;
  int32_t min_samples = 0, max_samples = 0;
  uint32_t authkey = 0, nts_port = 4460;
  double max_delay = 3, max_delay_ratio = 0, max_delay_dev_ratio = 10, min_delay = 0,
         asymmetry = 1, offset = 0;  // s, ratios
  uint32_t flags = kOnline;
  int32_t filter_length = 0;
  uint32_t cert_set = 0;
  double max_delay_quant = 0;

  std::string name_text() const;  // up to the first NUL
  void set_name(std::string_view n);  // truncated to 255 octets
  bool operator==(const SourceRequest&) const = default;
};
// kSuccess, or chronyd's answer to a source it would refuse before looking at its sources:
// kInvalid (unknown type, a port beyond 65535, a value that is not a number), kInvalidName (not
// NUL-terminated, empty, or with a character that is not printable or is a space).
Status check_source(const SourceRequest& s);

struct Request {
  uint16_t command = 0;
  uint16_t attempt = 0;
  uint32_t sequence = 0;
  size_t length = 0;    // of the datagram (decode_request), padding included
  // Parameters, for the commands that have them.
  uint32_t index = 0;   // SOURCE_DATA, SOURCESTATS, SELECT_DATA, MANUAL_DELETE
  Address address;      // NTP_DATA, NTP_SOURCE_NAME, AUTH_DATA, DEL_SOURCE, ALLOW..CMDDENYALL
                        // (with subnet_bits), ACCHECK, CMDACCHECK; with `mask`:
  Address mask;         // ONLINE, OFFLINE, BURST (address unspecified: every source)
  struct ClientQuery {
    uint32_t first_index = 0, n_clients = 0, min_hits = 0, reset = 0;
  } clients;            // CLIENT_ACCESSES_BY_INDEX3
  int32_t subnet_bits = 0;  // ALLOW..CMDDENYALL: prefix length of `address`
  int32_t n_good = 0, n_total = 0;  // BURST: good samples wanted, requests at most
  int32_t option = 0;   // MANUAL (0 off, 1 on, 2 reset), SMOOTHTIME (0 reset, 1 activate)
  struct Local {
    int32_t on = 0, stratum = 0, orphan = 0;
    double distance = 0;  // s
  } local;              // LOCAL2
  struct MakeStep {
    int32_t limit = 0;
    double threshold = 0;  // s
  } makestep;           // MODIFY_MAKESTEP
  double value = 0;     // DFREQ (ppm), DOFFSET2 (s), RESELECTDISTANCE (s)
  SourceRequest source; // ADD_SOURCE
};

// ALLOW, ALLOWALL, DENY, DENYALL and the CMD* four: an address and a prefix length.
constexpr bool is_access_rule_command(uint16_t c) {
  return c >= cmd::kAllow && c <= cmd::kCmdDenyAll;
}

// ALLOW..CMDDENYALL as an access rule: allow or deny, `all` for the *ALL commands, the subnet of
// address/subnet_bits (an unspecified address: every address; bits beyond the prefix are
// ignored). kBadSubnet, as chronyd answers, for a prefix longer than the family's or negative.
Result<AccessRule, Status> access_rule(const Request& req);

// Whether a source at `ip` is one that ONLINE/OFFLINE/BURST with this mask and address name:
// every source when the address is unspecified, else the same family and the same bits under
// the mask (a mask of the other family, or none, compares every bit), as chronyd.
bool selects(const Address& mask, const Address& address, const IpAddress& ip);

// What to do with a datagram (chrony's read_from_cmd_socket order):
//   kDrop   — no answer at all: shorter than a reply header, longer than any request, not a
//             request packet, reserved octets set, or a version too old to understand an error;
//   kError  — answer with `status` only (wrong version ≥ 5, unknown command, too short);
//   kOk     — a well-formed request of a known command.
struct Decoded {
  enum class Kind { kDrop, kError, kOk } kind = Kind::kDrop;
  Status status = Status::kSuccess;
  Request request;  // command, attempt, sequence are set for kError too
};
Decoded decode_request(Bytes datagram);

// An IPAddr field at the reader (20 octets); an unknown family reads as unspecified.
Address read_address(ByteReader& r);

// Request bodies the tests and tempusctl build (header, fields, padding).
std::vector<std::byte> encode_request(const Request& r);

// ---- reply bodies ------------------------------------------------------------------------

struct NSources {
  uint32_t n = 0;
};
struct SourceData {
  enum Mode : uint16_t { kClient = 0, kPeer = 1, kRefclock = 2 };
  enum State : uint16_t {
    kSelected = 0, kNonselectable = 1, kFalseticker = 2, kJittery = 3, kUnselected = 4,
    kSelectable = 5
  };
  Address address;  // a refclock: IPv4 carrying its refid
  int16_t poll = 0;
  uint16_t stratum = 0, state = kNonselectable, mode = kClient, flags = 0, reach = 0;
  uint32_t since_sample = 0;  // s; 0xffffffff: never
  double orig_latest_meas = 0, latest_meas = 0, latest_meas_err = 0;
};
struct Tracking {
  uint32_t ref_id = 0;
  Address address;
  uint16_t stratum = 0, leap = 3;
  Timestamp ref_time;
  double current_correction = 0, last_offset = 0, rms_offset = 0, freq_ppm = 0,
         resid_freq_ppm = 0, skew_ppm = 0, root_delay = 0, root_dispersion = 0,
         last_update_interval = 0;
};
struct SourceStats {
  uint32_t ref_id = 0;
  Address address;
  uint32_t n_samples = 0, n_runs = 0, span_seconds = 0;
  double sd = 0, resid_freq_ppm = 0, skew_ppm = 0, est_offset = 0, est_offset_err = 0;
};
struct ClientAccess {
  Address address;
  uint32_t ntp_hits = 0, nke_hits = 0, cmd_hits = 0, ntp_drops = 0, nke_drops = 0,
           cmd_drops = 0;
  int8_t ntp_interval = 127, nke_interval = 127, cmd_interval = 127,
         ntp_timeout_interval = 127;  // log2 s; 127: unknown
  uint32_t last_ntp_hit_ago = 0xffffffff, last_nke_hit_ago = 0xffffffff,
           last_cmd_hit_ago = 0xffffffff;
};
struct ClientAccesses {
  static constexpr size_t kMax = 8;
  uint32_t n_indices = 0, next_index = 0;
  std::vector<ClientAccess> clients;  // at most kMax
};
// chronyc 4.3 asks for RPY_SERVER_STATS3 (32-bit counters); chronyc 4.4 and later pad their
// request to the length of RPY_SERVER_STATS4 (64-bit counters and the timestamp counts), so a
// request of at least kServerStats4Len octets gets that format (`wide`).
inline constexpr size_t kServerStats4Len = 196;
struct ServerStats {
  bool wide = false;
  uint64_t ntp_hits = 0, nke_hits = 0, cmd_hits = 0, ntp_drops = 0, nke_drops = 0,
           cmd_drops = 0, log_drops = 0, ntp_auth_hits = 0, ntp_interleaved_hits = 0,
           ntp_timestamps = 0, ntp_span_seconds = 0;
  // STATS4 only:
  uint64_t daemon_rx_ts = 0, daemon_tx_ts = 0, kernel_rx_ts = 0, kernel_tx_ts = 0,
           hw_rx_ts = 0, hw_tx_ts = 0;
};
struct ManualList {
  uint32_t n_samples = 0;  // samples themselves: none (manual input is not supported)
};
struct Activity {
  int32_t online = 0, offline = 0, burst_online = 0, burst_offline = 0, unresolved = 0;
};
struct Smoothing {
  uint32_t flags = 0;  // 1 active, 2 leap second only
  double offset = 0, freq_ppm = 0, wander_ppm = 0, last_update_ago = 0, remaining_time = 0;
};
struct NtpData {
  Address remote, local;
  uint16_t remote_port = 0;
  uint8_t leap = 0, version = 0, mode = 0, stratum = 0;
  int8_t poll = 0, precision = 0;
  double root_delay = 0, root_dispersion = 0;
  uint32_t ref_id = 0;
  Timestamp ref_time;
  double offset = 0, peer_delay = 0, peer_dispersion = 0, response_time = 0,
         jitter_asymmetry = 0;
  uint16_t flags = 0;  // bits 0..9: tests passed; 0x4000 interleaved; 0x8000 authenticated
  uint8_t tx_tss_char = 'D', rx_tss_char = 'D';
  uint32_t total_tx = 0, total_rx = 0, total_valid = 0, total_good = 0;
};
struct SourceName {
  std::string name;  // at most 255 octets are sent (NUL-terminated)
};
struct AuthData {
  uint16_t mode = 0, key_type = 0;
  uint32_t key_id = 0;
  uint16_t key_length = 0, ke_attempts = 0;
  uint32_t last_ke_ago = 0xffffffff;
  uint16_t cookies = 0, cookie_length = 0, nak = 0;
};
struct SelectData {
  enum Option : uint16_t { kNoselect = 1, kPrefer = 2, kTrust = 4, kRequire = 8 };
  uint32_t ref_id = 0;
  Address address;
  uint8_t state_char = '?', authentication = 0, leap = 3;
  uint16_t conf_options = 0, eff_options = 0;
  uint32_t last_sample_ago = 0xffffffff;
  double score = 0, lo_limit = 0, hi_limit = 0;
};

using Body = std::variant<std::monostate, NSources, SourceData, Tracking, SourceStats,
                          ClientAccesses, ServerStats, ManualList, Activity, Smoothing, NtpData,
                          SourceName, AuthData, SelectData>;

struct Reply {
  uint16_t command = 0;
  uint32_t sequence = 0;
  Status status = Status::kSuccess;
  Body body;  // monostate: RPY_NULL (every error reply, and success without data)
};
// A reply answering `req` with `status` and no body.
inline Reply status_reply(const Request& req, Status status) {
  return Reply{req.command, req.sequence, status, {}};
}

// The reply datagram (its length is chrony's reply length of its format).
std::vector<std::byte> encode_reply(const Reply& r);

}  // namespace tempus::core::cmdmon
