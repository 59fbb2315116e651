// SPDX-License-Identifier: ISC
// The NTP server's decisions (RFC 5905 server mode), pure: who may be answered (allow/deny in
// chrony's semantics) and what the answer to a client request is. The net process owns the
// sockets and takes the timestamps.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/ip.h"
#include "core/packet.h"
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
  bool allowed(const IpAddress& a) const;
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<AccessRule> rules_;
};

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

// The reply to `request` received at local time `rx` and sent at `tx`, or nullopt when it must
// be dropped: not a 48-octet-or-longer NTPv1..4 packet, or not client mode (symmetric, broadcast,
// control (6) and private (7) modes are not answered here). The reply is a bare 48-octet header
// (never larger than the request), mode 4, the request's version and poll, origin = the
// request's transmit timestamp.
std::optional<std::vector<std::byte>> make_reply(Bytes request, Timestamp rx, Timestamp tx,
                                                 const ServerState& s);

// A kiss-o'-death reply (RFC 5905 §7.4) to the same requests make_reply() answers: leap 3,
// stratum 0, the kiss code as reference ID, origin = the request's transmit timestamp.
std::optional<std::vector<std::byte>> make_kod_reply(Bytes request, Timestamp rx, uint32_t kiss);

}  // namespace tempus::core
