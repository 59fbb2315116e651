// SPDX-License-Identifier: ISC
// The NTP server's decisions (RFC 5905 server mode), pure: who may be answered (allow/deny in
// chrony's semantics) and what the answer to a client request is. The net process owns the
// sockets and takes the timestamps.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/ip.h"
#include "core/packet.h"
#include "core/symkey.h"
#include "core/time.h"

namespace tempus::core {

// allow/deny [all] [SUBNET] (chrony.conf): with no rule nobody is served. For an address, the
// most specific rule whose subnet contains it decides; between equally specific rules the later
// one wins; a rule without a subnet covers every address (the least specific). A rule with
// `all` also removes every earlier rule for a subnet inside its own.
struct AccessRule {
  bool allow = true;
  bool all = false;
  std::optional<Subnet> subnet;  // nullopt: every IPv4 and IPv6 address
};

class AccessTable {
 public:
  AccessTable() = default;
  explicit AccessTable(std::span<const AccessRule> rules);
  // One more rule after the others (chronyc allow/deny at run time), as if it had been last.
  void add(const AccessRule& rule);
  bool allowed(const IpAddress& a) const;
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<AccessRule> rules_;
};

// The precision field (log2 s, RFC 5905 §7.3) for a clock read in `precision`: the smallest n
// with 2^n ≥ precision, within −32..0 (e.g. 25 ns → −25, 100 ns → −23).
int8_t precision_log2(Duration precision);

// What we tell clients about ourselves (RFC 5905 §7.3 system variables).
struct ServerState {
  Leap leap = Leap::kUnsync;     // kUnsync: not synchronised (and no `local` reference)
  uint8_t stratum = 0;           // 1..15 when synchronised; 0 with leap kUnsync
  int8_t precision = -20;        // log2 s
  Duration root_delay;
  Duration root_dispersion;
  uint32_t ref_id = 0;
  Timestamp ref_time;            // when our clock was last updated
};

// What a datagram that reached the server port is (RFC 5905, RFC 7822, RFC 8633 §3): only
// kClient is answered; everything else is dropped and counted under its own name.
enum class RequestKind : uint8_t {
  kClient,          // a mode 3 request (or mode 1 from an unconfigured peer, answered in mode
                    // 2) with a valid NTPv1..4 header and extension/MAC layout
  kTooShort,        // empty, or under 48 octets (a mode 6/7 packet is classed by mode first)
  kBadVersion,      // version 0 or above 4
  kBadExtensions,   // trailing octets that are no valid RFC 7822 extension field or MAC
  kControl,         // mode 6 (ntpq): answered by the caller only from trusted hosts
                    // (RFC 8633 §3.2; core/mode6.h), dropped otherwise
  kPrivate,         // mode 7 (ntpdc monlist): never answered (RFC 8633 §3.2, amplification)
  kOtherMode,       // symmetric passive, server, broadcast or reserved mode
};
// Classifies without copying or allocating; a bare 48-octet header takes a two-byte fast path.
RequestKind classify_request(Bytes request);
// Mode 1 or 2 (symmetric active/passive): for a configured peer, whose association validates
// the rest (the server drops it otherwise, as kOtherMode).
inline bool is_symmetric_mode(Bytes packet) {
  if (packet.empty()) return false;
  const auto mode = static_cast<unsigned>(packet[0]) & 7u;
  return mode == 1 || mode == 2;
}

// The MAC of a client request (core/symkey.h): none, or a valid one under key_id (answer with
// a MAC under that key), or one that fails (drop: chronyd sends no crypto-NAK). A bare 48-octet
// request takes no decode. Precondition: classify_request(request) == kClient.
struct RequestAuth {
  MacCheck check = MacCheck::kNone;
  uint32_t key_id = 0;
};
RequestAuth check_request_auth(Bytes request, const MacKeys* keys);

// The server's counters, named for chrony's serverstats where one exists (docs of each field in
// chronyc(1) "serverstats"). Every datagram read from a server socket is counted exactly once
// in `received`, and then in exactly one of answered, kod_sent, rate_limited, denied,
// malformed, auth_failed, control_answered, mode6, mode7, other_mode or send_failed.
struct ServerStats {
  uint64_t received = 0;        // datagrams read
  uint64_t answered = 0;        // replies sent (mode 4)
  uint64_t kod_sent = 0;        // KoD RATE sent instead of a reply
  uint64_t rate_limited = 0;    // client requests dropped by ratelimit (chrony: NTP packets dropped)
  uint64_t denied = 0;          // from an address outside allow/deny
  uint64_t malformed = 0;       // too short, bad version, bad extension fields, truncated
  uint64_t auth_failed = 0;     // a MAC under an unknown key, a wrong digest, a crypto-NAK
  uint64_t authenticated = 0;   // of `answered`: replies with a MAC (chrony: authenticated
                                // NTP packets)
  uint64_t control_answered = 0;  // control (mode 6: ntpq, ntpstat) requests answered
  uint64_t mode6 = 0;           // control requests dropped (not trusted, limited, malformed)
  uint64_t mode7 = 0;           // private (ntpdc) requests dropped
  uint64_t other_mode = 0;      // neither client, control nor private mode
  uint64_t send_failed = 0;     // a reply the kernel refused (buffer full)
  uint64_t tx_timestamp_pauses = 0;  // times a saturated socket stopped kernel TX timestamps
  uint64_t daemon_rx_ts = 0;    // receive times read from our clock (no kernel timestamp)
  uint64_t kernel_rx_ts = 0;    // receive times from SO_TIMESTAMPING
  uint64_t daemon_tx_ts = 0;    // transmit times written into replies (all of them)
  uint64_t kernel_tx_ts = 0;    // kernel transmit times read back from the error queue
  // Counts one datagram of kind `k` that is not answered (k != kClient).
  void count_drop(RequestKind k);
  // chrony's "NTP packets received": valid client requests, answered or rate limited.
  uint64_t valid_requests() const { return answered + kod_sent + rate_limited + send_failed; }
};

// A precomputed server reply (RFC 5905 §7.3, §9.2): everything that depends only on the server
// state is encoded once; fill() adds the per-request fields (version, poll, origin, receive)
// and set_transmit() the transmit timestamp, taken as late as possible before the send. The
// reply is a bare 48-octet header, so never larger than a request that classify_request()
// accepts (RFC 8633 §3.1: no amplification).
class ReplyTemplate {
 public:
  using Buffer = std::span<std::byte, kHeaderLen>;
  // A reply in `s`'s name: leap, stratum (0 when unsynchronised), precision, root delay and
  // dispersion, reference ID and time (zero when unsynchronised).
  explicit ReplyTemplate(const ServerState& s);
  // A kiss-o'-death (RFC 5905 §7.4): leap 3, stratum 0, `kiss` as reference ID.
  static ReplyTemplate kiss_of_death(uint32_t kiss);

  // Writes the reply to `request` (precondition: classify_request(request) == kClient),
  // received at `rx`; the transmit field is left as the receive time until set_transmit().
  void fill(Bytes request, Timestamp rx, Buffer out) const;
  static void set_transmit(Buffer out, Timestamp tx);
  // The reply `out` (filled, transmit set) with a MAC under key_id appended: header + key ID +
  // digest (truncated as the reply's version demands). Never longer than `request`; empty when
  // the key cannot sign (then nothing is sent).
  static std::vector<std::byte> sign(const MacKeys& keys, uint32_t key_id, Bytes request,
                                     Bytes out);

 private:
  ReplyTemplate() = default;
  std::array<std::byte, kHeaderLen> t_{};
};

}  // namespace tempus::core
