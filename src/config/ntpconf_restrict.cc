// SPDX-License-Identifier: ISC
// ntp.conf's restrict list → chrony's allow/deny and cmdallow/cmddeny lists (rules in ntpconf.h).
#include <algorithm>
#include <bit>
#include <span>

#include "config/ntpconf_internal.h"

namespace tempus::config::ntp {
namespace {

using detail::quoted;

// Flags that change nothing tempusd does: it has no mode 6 writes, no traps, no MRU list query
// and never mobilizes an association from an incoming packet.
constexpr std::string_view kHarmlessFlags[] = {"nomodify", "notrap",  "lowpriotrap",
                                               "nopeer",   "noepeer", "nomrulist"};
// ntpd flags tempusd cannot honour: warned about, the rest of the line still applies.
constexpr std::string_view kUnsupportedFlags[] = {"version", "notrust", "mssntp", "ntpport",
                                                  "flake"};

bool in(std::span<const std::string_view> list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// A netmask ("255.255.255.0", "ffff:ffff::") → its prefix length; nullopt unless contiguous.
std::optional<int> prefix_of_mask(const core::IpAddress& mask) {
  int len = 0;
  bool ended = false;
  const size_t n = mask.is_v4() ? 4 : 16;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = mask.bytes()[i];
    if (ended && b != 0) return std::nullopt;
    const int ones = std::countl_one(b);
    if (ones < 8 && static_cast<uint8_t>(b << ones) != 0) return std::nullopt;
    len += ones;
    if (ones < 8) ended = true;
  }
  return len;
}

core::Subnet all_of(core::IpFamily f) {
  return core::Subnet::make(core::IpAddress::any(f), 0).value();
}

bool same_key(const RestrictEntry& a, const RestrictEntry& b) {
  if (!a.host.empty() || !b.host.empty()) return a.host == b.host;
  return a.is_default == b.is_default && a.subnet == b.subnet;
}

// Adds `e` or ORs its flags into the entry with the same key (ntpd's behaviour).
void merge(State& st, const RestrictEntry& e) {
  for (RestrictEntry& old : st.restricts) {
    if (!same_key(old, e)) continue;
    old.ignore |= e.ignore;
    old.noserve |= e.noserve;
    old.noquery |= e.noquery;
    old.limited |= e.limited;
    old.kod |= e.kod;
    return;
  }
  st.restricts.push_back(e);
}

bool serves(const RestrictEntry& e) { return !e.ignore && !e.noserve; }
bool queries(const RestrictEntry& e) { return !e.ignore && !e.noquery; }

AccessRule rule_for(const RestrictEntry& e, bool allow, bool whole_internet) {
  AccessRule r;
  r.allow = allow;
  r.where = e.where;
  if (whole_internet) {
    r.target = AccessRule::Target::kAnyAddress;
  } else if (!e.host.empty()) {
    r.target = AccessRule::Target::kHostName;
    r.host = e.host;
  } else {
    r.target = AccessRule::Target::kSubnet;
    r.subnet = e.subnet;
  }
  return r;
}

const RestrictEntry* default_of(const State& st, core::IpFamily f) {
  for (const RestrictEntry& e : st.restricts)
    if (e.is_default && e.subnet.address().family() == f) return &e;
  return nullptr;
}

// One list (serve or query): the two defaults as one rule when they agree, then the rest.
template <class Pred>
void build(const State& st, Pred decides, std::vector<AccessRule>& out) {
  const RestrictEntry* d4 = default_of(st, core::IpFamily::kV4);
  const RestrictEntry* d6 = default_of(st, core::IpFamily::kV6);
  const bool merged = d4 && d6 && decides(*d4) == decides(*d6);
  for (const RestrictEntry& e : st.restricts) {
    if (merged && &e == d6) continue;
    out.push_back(rule_for(e, decides(e), merged && &e == d4));
  }
}

}  // namespace

Status restrict_line(const Args& a, State& st) {
  size_t i = 0;
  std::optional<core::IpFamily> family;
  if (i < a.size() && (a[i] == "-4" || a[i] == "-6")) {
    family = a[i] == "-4" ? core::IpFamily::kV4 : core::IpFamily::kV6;
    ++i;
  }
  if (i >= a.size()) return a.expect(i + 1);
  const std::string target = a[i++];
  RestrictEntry e;
  e.where = a.where();

  bool is_source = false;
  std::optional<core::IpAddress> address;
  std::optional<int> prefix;
  if (lowercase(target) == "default") {
    e.is_default = true;
  } else if (lowercase(target) == "source") {
    is_source = true;
  } else if (target.find('/') != std::string::npos) {
    const auto s = core::Subnet::parse(target);
    if (!s.ok() || !core::IpAddress::parse(target.substr(0, target.find('/'))).ok())
      return core::Unexpected{
          a.error(ErrorKind::kInvalidValue, "invalid restrict address " + quoted(target))};
    address = s->address();
    prefix = s->prefix_len();
  } else if (auto ip = core::IpAddress::parse(target); ip.ok()) {
    address = *ip;
  } else if (core::IpAddress::is_valid_hostname(target)) {
    e.host = target;
  } else {
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "invalid restrict address " + quoted(target))};
  }
  if (address && family && address->family() != *family)
    return core::Unexpected{a.error(ErrorKind::kInvalidValue,
                                    "restrict " + quoted(target) + " is not of the family of " +
                                        quoted(family == core::IpFamily::kV4 ? "-4" : "-6"))};

  if (i < a.size() && lowercase(a[i]) == "mask") {
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    ++i;
    if (!address || prefix)
      return core::Unexpected{a.error(ErrorKind::kInvalidValue,
                                      "restrict mask needs an address without a prefix, not " +
                                          quoted(target))};
    const auto m = a.address("restrict mask", *text);
    if (!m.ok()) return core::Unexpected{m.error()};
    prefix = prefix_of_mask(*m);
    if (m->family() != address->family() || !prefix)
      return core::Unexpected{
          a.error(ErrorKind::kInvalidValue, "invalid restrict mask " + quoted(*text))};
  }

  std::vector<std::string> harmless;
  for (; i < a.size(); ++i) {
    const std::string flag = lowercase(a[i]);
    bool* field = flag == "ignore"    ? &e.ignore
                  : flag == "noserve" ? &e.noserve
                  : flag == "noquery" ? &e.noquery
                  : flag == "limited" ? &e.limited
                  : flag == "kod"     ? &e.kod
                                      : nullptr;
    if (field) {
      *field = true;
    } else if (in(kHarmlessFlags, flag)) {
      if (std::find(harmless.begin(), harmless.end(), flag) == harmless.end())
        harmless.push_back(flag);
    } else if (in(kUnsupportedFlags, flag)) {
      a.warn("restrict flag " + quoted(flag) + " is not supported; ignored");
    } else if (flag == "ippeerlimit" || flag == "serverresponse") {
      const auto v = a.option_value(i);
      if (!v.ok()) return core::Unexpected{v.error()};
      a.warn("restrict flag " + quoted(flag) + " is not supported; ignored");
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown restrict flag " + quoted(a[i]))};
    }
  }
  if (!harmless.empty()) {
    std::string list;
    for (const std::string& f : harmless) list += (list.empty() ? "" : ", ") + f;
    st.note(a, "restrict " + list +
                   ": nothing to restrict (tempusd has no mode 6 writes, traps or MRU list, "
                   "and never mobilizes peers from incoming packets)");
  }
  if (is_source) {
    st.note(a, "restrict source: replies from configured servers are always accepted; "
               "nothing to translate");
    return {};
  }
  if (e.is_default) {
    for (core::IpFamily f : {core::IpFamily::kV4, core::IpFamily::kV6}) {
      if (family && *family != f) continue;
      e.subnet = all_of(f);
      merge(st, e);
    }
    return {};
  }
  if (address) {
    e.subnet = core::Subnet::make(*address, prefix.value_or(address->bit_length())).value();
  }
  merge(st, e);
  return {};
}

void finish_restrict(State& st, const std::string& top_file) {
  Config& c = st.config();
  build(st, serves, c.ntp_access);
  build(st, queries, c.cmd_access);

  // ntpd's implicit default entry: every address of a family no `restrict default` covers.
  const bool has4 = default_of(st, core::IpFamily::kV4) != nullptr;
  const bool has6 = default_of(st, core::IpFamily::kV6) != nullptr;
  if (!has4 || !has6) {
    AccessRule r;
    r.where = Location{top_file, 0};
    if (has4 || has6) {
      r.target = AccessRule::Target::kSubnet;
      r.subnet = all_of(has4 ? core::IpFamily::kV6 : core::IpFamily::kV4);
    }
    c.ntp_access.insert(c.ntp_access.begin(), r);
    const char* who = has4 ? "IPv6" : has6 ? "IPv4" : "IPv4 and IPv6";
    st.out.warnings.push_back(Warning{
        Location{top_file, 0},
        "NTP service (UDP port " + std::to_string(c.port) + ") open to every " + who +
            " client: no 'restrict " + (has4 ? "-6 " : has6 ? "-4 " : "") +
            "default' line, and ntpd serves everyone unless restrict says otherwise (add "
            "'restrict default noserve' to close it; ntpq access stays loopback-only)"});
  }

  // limited/kod: chrony's rate limit is one setting for every client.
  bool limited = false, kod = false, unlimited = !has4 || !has6;
  for (const RestrictEntry& e : st.restricts) {
    if (!serves(e)) continue;
    limited |= e.limited;
    kod |= e.limited && e.kod;
    // Loopback entries ("restrict 127.0.0.1") are for local tools, not clients to limit.
    const bool loopback = e.host.empty() && !e.is_default && e.subnet.address().is_loopback();
    unlimited |= !e.limited && !loopback;
  }
  if (limited) {
    c.rate_limit.enabled = true;
    c.rate_limit.interval_log2 = st.discard_average.value_or(3);
    c.rate_limit.kod = kod ? 1 : 0;
    if (unlimited)
      st.out.warnings.push_back(
          Warning{Location{top_file, 0},
                  "restrict 'limited' applies to every client served (chrony's ratelimit is "
                  "global), not only to the entries that name it"});
    // Rate limiting needs the client log: ntpd keeps its monitor on for `limited` too.
    if (c.no_client_log) {
      c.no_client_log = false;
      st.out.notes.push_back(Warning{Location{top_file, 0},
                                     "'disable monitor' has no effect with 'limited', as in "
                                     "ntpd: the client log stays on"});
    }
  }
}

}  // namespace tempus::config::ntp
