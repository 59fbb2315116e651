// SPDX-License-Identifier: ISC
#include "core/server.h"

#include <algorithm>

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
  for (const AccessRule& r : rules) {
    if (r.all) std::erase_if(rules_, [&](const AccessRule& old) { return inside(old, r); });
    rules_.push_back(r);
  }
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

std::optional<std::vector<std::byte>> make_reply(Bytes request, Timestamp rx, Timestamp tx,
                                                 const ServerState& s) {
  auto req = decode_header(request);
  if (!req || req->mode != Mode::kClient) return std::nullopt;
  Header h;
  h.leap = s.leap;
  h.version = req->version;
  h.mode = Mode::kServer;
  h.stratum = s.leap == Leap::kUnsync ? 0 : s.stratum;
  h.poll = req->poll;
  h.precision = s.precision;
  h.root_delay = ShortFixed::from_duration(s.root_delay);
  h.root_dispersion = ShortFixed::from_duration(s.root_dispersion);
  h.ref_id = s.ref_id;
  h.reference_ts = s.leap == Leap::kUnsync ? NtpTimestamp() : NtpTimestamp::from_time(s.ref_time);
  h.origin_ts = req->transmit_ts;  // RFC 5905 §8: the client checks this
  h.receive_ts = NtpTimestamp::from_time(rx);
  h.transmit_ts = NtpTimestamp::from_time(tx);
  std::vector<std::byte> out;
  out.reserve(kHeaderLen);
  ByteWriter w{out};
  encode_header(h, w);
  return out;
}

std::optional<std::vector<std::byte>> make_kod_reply(Bytes request, Timestamp rx, uint32_t kiss) {
  ServerState s;  // leap 3, stratum 0
  s.ref_id = kiss;
  return make_reply(request, rx, rx, s);
}

}  // namespace tempus::core
