// SPDX-License-Identifier: ISC
#include "core/server.h"

#include <algorithm>
#include <cmath>

namespace tempus::core {

namespace {

// Prefix length of a rule for "most specific" comparisons; every-address rules rank below /0.
int specificity(const AccessRule& r) { return r.subnet ? r.subnet->prefix_len() : -1; }

bool covers(const AccessRule& r, const IpAddress& a) { return !r.subnet || r.subnet->contains(a); }

// True when `inner`'s subnet lies inside `outer`'s (an every-address rule contains all).
bool inside(const AccessRule& inner, const AccessRule& outer) {
  if (!outer.subnet) return true;
  if (!inner.subnet) return false;
  return inner.subnet->prefix_len() >= outer.subnet->prefix_len() &&
         outer.subnet->contains(inner.subnet->address());
}

}  // namespace

AccessTable::AccessTable(std::span<const AccessRule> rules) {
  for (const AccessRule& r : rules) add(r);
}

void AccessTable::add(const AccessRule& r) {
  if (r.all) std::erase_if(rules_, [&](const AccessRule& old) { return inside(old, r); });
  rules_.push_back(r);
}

int8_t precision_log2(Duration precision) {
  int n = -32;
  const double s = precision.to_seconds_f();
  while (n < 0 && std::ldexp(1.0, n) < s) ++n;
  return static_cast<int8_t>(n);
}

bool AccessTable::allowed(const IpAddress& a) const {
  const IpAddress addr = a.unmapped_v4().value_or(a);
  const AccessRule* best = nullptr;
  for (const AccessRule& r : rules_) {
    if (!covers(r, addr)) continue;
    if (!best || specificity(r) >= specificity(*best)) best = &r;
  }
  return best && best->allow;
}

RequestKind classify_request(Bytes request) {
  if (request.empty()) return RequestKind::kTooShort;
  const auto b0 = std::to_integer<uint8_t>(request[0]);
  const auto mode = static_cast<Mode>(b0 & 7);
  // Mode 6 and 7 packets have their own layouts: classed before any length check.
  if (mode == Mode::kPrivate) return RequestKind::kPrivate;
  if (mode == Mode::kControl) return RequestKind::kControl;
  if (request.size() < kHeaderLen) return RequestKind::kTooShort;
  const int version = (b0 >> 3) & 7;
  if (version < 1 || version > 4) return RequestKind::kBadVersion;
  // Mode 1 from a host that is not a configured peer (those never get here) is answered in
  // passive mode like a client request (RFC 5905 §9.2, as chronyd does).
  if (mode != Mode::kClient && mode != Mode::kSymmetricActive) return RequestKind::kOtherMode;
  // RFC 7822 §7.5: what follows the header must be extension fields and/or a MAC.
  if (request.size() > kHeaderLen && !decode_packet(request).ok()) return RequestKind::kBadExtensions;
  return RequestKind::kClient;
}

RequestAuth check_request_auth(Bytes request, const MacKeys* keys) {
  if (request.size() == kHeaderLen) return {};
  const auto p = decode_packet(request);
  if (!p) return {MacCheck::kInvalid, 0};  // classify_request() let no such packet through
  return {check_mac(keys, request, *p), p->mac ? p->mac->key_id : 0};
}

void ServerStats::count_drop(RequestKind k) {
  switch (k) {
    case RequestKind::kClient: break;
    case RequestKind::kTooShort:
    case RequestKind::kBadVersion:
    case RequestKind::kBadExtensions: ++malformed; break;
    case RequestKind::kControl: ++mode6; break;
    case RequestKind::kPrivate: ++mode7; break;
    case RequestKind::kOtherMode: ++other_mode; break;
  }
}

namespace {

void put64(std::byte* at, uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = std::byte((v >> (56 - 8 * i)) & 0xff);
}

constexpr size_t kPollAt = 2;
constexpr size_t kOriginAt = 24;
constexpr size_t kReceiveAt = 32;
constexpr size_t kTransmitAt = 40;

}  // namespace

ReplyTemplate::ReplyTemplate(const ServerState& s) {
  const bool unsync = s.leap == Leap::kUnsync;
  Header h;
  h.leap = s.leap;
  h.mode = Mode::kServer;
  h.stratum = unsync ? 0 : s.stratum;
  h.precision = s.precision;
  h.root_delay = ShortFixed::from_duration(s.root_delay);
  h.root_dispersion = ShortFixed::from_duration(s.root_dispersion);
  h.ref_id = s.ref_id;
  h.reference_ts = unsync ? NtpTimestamp() : NtpTimestamp::from_time(s.ref_time);
  std::vector<std::byte> out;
  out.reserve(kHeaderLen);
  ByteWriter w{out};
  encode_header(h, w);
  std::copy(out.begin(), out.end(), t_.begin());
}

ReplyTemplate ReplyTemplate::kiss_of_death(uint32_t kiss) {
  ServerState s;  // leap 3, stratum 0
  s.ref_id = kiss;
  return ReplyTemplate(s);
}

void ReplyTemplate::fill(Bytes request, Timestamp rx, Buffer out) const {
  std::copy(t_.begin(), t_.end(), out.begin());
  // LI from the template; the request's version (RFC 5905 §9.2 "copied"); mode 4, or 2
  // (symmetric passive) to a mode 1 request.
  const auto version = std::to_integer<uint8_t>(request[0]) & 0x38;
  const uint8_t mode = (std::to_integer<uint8_t>(request[0]) & 7) == 1 ? 2 : 4;
  out[0] = std::byte((std::to_integer<uint8_t>(t_[0]) & 0xc0) | version | mode);
  out[kPollAt] = request[kPollAt];
  // RFC 5905 §8: origin = the request's transmit timestamp, copied bit for bit.
  std::copy_n(request.begin() + kTransmitAt, 8, out.begin() + kOriginAt);
  const uint64_t r = NtpTimestamp::from_time(rx).wire();
  put64(out.data() + kReceiveAt, r);
  put64(out.data() + kTransmitAt, r);
}

void ReplyTemplate::set_transmit(Buffer out, Timestamp tx) {
  put64(out.data() + kTransmitAt, NtpTimestamp::from_time(tx).wire());
}

std::vector<std::byte> ReplyTemplate::sign(const MacKeys& keys, uint32_t key_id, Bytes request,
                                           Bytes out) {
  std::vector<std::byte> reply(out.begin(), out.end());
  // RFC 8633 §3.1: no amplification, whatever the key's digest length.
  if (!append_mac(keys, key_id, reply) || reply.size() > request.size()) return {};
  return reply;
}

}  // namespace tempus::core
