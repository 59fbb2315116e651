// SPDX-License-Identifier: ISC
// server/pool/peer, refclock and allow/deny-style directives (chrony 4.8 cmdparse.c, conf.c).
#include <algorithm>
#include <climits>
#include <limits>
#include <span>

#include "config/parser_internal.h"

namespace tempus::config::detail {
namespace {

constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();

// HOST of server/pool/peer: an address, an IPv6 address with a zone ("fe80::1%eth0"), or a name.
bool valid_host(std::string_view host, std::optional<core::IpAddress>& address) {
  if (auto ip = core::IpAddress::parse(host); ip.ok()) {
    address = *ip;
    return true;
  }
  const size_t pct = host.find('%');
  if (pct != std::string_view::npos) {
    const auto ip = core::IpAddress::parse(host.substr(0, pct));
    const std::string_view zone = host.substr(pct + 1);
    if (!ip.ok() || !ip->is_v6() || zone.empty()) return false;
    for (char c : zone) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
      if (!ok) return false;
    }
    address = *ip;
    return true;
  }
  return core::IpAddress::is_valid_hostname(host);
}

// extfield takes a hex field type, as chrony's %x (an optional 0x prefix).
std::optional<uint32_t> parse_hex32(std::string_view t) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
  if (t.empty() || t.size() > 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : t) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  return v;
}

template <class T>
Status take_int(const Args& a, size_t& i, const std::string& opt, T& field, int64_t lo,
                int64_t hi) {
  const auto text = a.option_value(i);
  if (!text.ok()) return core::Unexpected{text.error()};
  const auto v = a.integer(opt, *text, lo, hi);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = static_cast<T>(*v);
  return {};
}

Status take_poll(const Args& a, size_t& i, const std::string& opt, core::PollLog& field) {
  int v = 0;
  if (Status s = take_int(a, i, opt, v, -32, 32); !s.ok()) return s;
  field = core::PollLog{static_cast<int8_t>(v)};
  return {};
}

Status take_seconds(const Args& a, size_t& i, const std::string& opt, core::Duration& field) {
  const auto text = a.option_value(i);
  if (!text.ok()) return core::Unexpected{text.error()};
  const auto v = a.seconds(opt, *text);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = *v;
  return {};
}

Status take_real(const Args& a, size_t& i, const std::string& opt, double& field) {
  const auto text = a.option_value(i);
  if (!text.ok()) return core::Unexpected{text.error()};
  const auto v = a.real(opt, *text);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = *v;
  return {};
}

// The selection options of refclocks (sources use source_flag). False when `opt` is not one.
template <class S>
bool selection_option(const std::string& opt, S& s) {
  bool* flag = opt == "noselect"  ? &s.noselect
               : opt == "prefer"  ? &s.prefer
               : opt == "require" ? &s.require
               : opt == "trust"   ? &s.trust
                                  : nullptr;
  if (flag) *flag = true;
  return flag != nullptr;
}

// The address of the flag a value-less source option sets; nullptr when `opt` is not one.
bool* source_flag(const std::string& opt, NtpSource& s) {
  if (opt == "auto_offline") return &s.auto_offline;
  if (opt == "burst") return &s.burst;
  if (opt == "copy") return &s.copy;
  if (opt == "iburst") return &s.iburst;
  if (opt == "offline") return &s.offline;
  if (opt == "nts") return &s.nts;
  if (opt == "xleave") return &s.xleave;
  if (opt == "noselect") return &s.noselect;
  if (opt == "prefer") return &s.prefer;
  if (opt == "require") return &s.require;
  if (opt == "trust") return &s.trust;
  return nullptr;
}

// Parses one "name [value]" source option starting at a[i] (i is left on its last word).
Status source_option(const Args& a, size_t& i, NtpSource& s) {
  const std::string opt = lowercase(a[i]);
  const bool peer = s.kind == SourceKind::kPeer;
  if (bool* flag = source_flag(opt, s)) {
    if (peer && (opt == "iburst" || opt == "burst" || opt == "nts" || opt == "copy"))
      a.warn(quoted(opt) + " is not valid for peer; ignored");
    else
      *flag = true;
    return {};
  }
  if (opt == "ipv4" || opt == "ipv6") {
    s.family = opt == "ipv4" ? AddressFamily::kIpv4 : AddressFamily::kIpv6;
    return {};
  }
  if (opt == "asymmetry") return take_real(a, i, opt, s.asymmetry);
  if (opt == "certset") return take_int(a, i, opt, s.cert_set, 0, kU32Max);
  if (opt == "filter") return take_int(a, i, opt, s.filter, 0, kIntMax);
  if (opt == "maxdelay") return take_seconds(a, i, opt, s.max_delay);
  if (opt == "maxdelayratio") return take_real(a, i, opt, s.max_delay_ratio);
  if (opt == "maxdelaydevratio") return take_real(a, i, opt, s.max_delay_dev_ratio);
  if (opt == "maxdelayquant") return take_real(a, i, opt, s.max_delay_quant);
  if (opt == "maxpoll") return take_poll(a, i, opt, s.maxpoll);
  if (opt == "maxunreach") return take_int(a, i, opt, s.max_unreach, 0, kIntMax);
  if (opt == "mindelay") return take_seconds(a, i, opt, s.min_delay);
  if (opt == "minpoll") return take_poll(a, i, opt, s.minpoll);
  if (opt == "minstratum") return take_int(a, i, opt, s.min_stratum, 0, 16);
  if (opt == "ntsport") return take_int(a, i, opt, s.nts_port, 0, 65535);
  if (opt == "offset") return take_seconds(a, i, opt, s.offset);
  if (opt == "polltarget") return take_int(a, i, opt, s.poll_target, 1, kIntMax);
  if (opt == "port") return take_int(a, i, opt, s.port, 0, 65535);

  // Options whose value lands in an optional or needs a check after parsing.
  int v = 0;
  if (opt == "key") {
    uint32_t id = 0;
    if (Status st = take_int(a, i, opt, id, 1, kU32Max); !st.ok()) return st;
    s.key_id = id;
    return {};
  }
  if (opt == "minsamples" || opt == "maxsamples") {
    if (Status st = take_int(a, i, opt, v, 0, kIntMax); !st.ok()) return st;
    (opt == "minsamples" ? s.min_samples : s.max_samples) = v;
    return {};
  }
  if (opt == "version") {
    if (Status st = take_int(a, i, opt, v, 1, 4); !st.ok()) return st;
    s.version = v;
    return {};
  }
  if (opt == "maxsources") {
    if (Status st = take_int(a, i, opt, v, 1, kIntMax); !st.ok()) return st;
    if (s.kind == SourceKind::kPool)
      s.max_sources = v;
    else
      a.warn("'maxsources' is only valid for pool; ignored");
    return {};
  }
  if (opt == "presend") {
    core::PollLog p;
    if (Status st = take_poll(a, i, opt, p); !st.ok()) return st;
    if (peer)
      a.warn("'presend' is not valid for peer; ignored");
    else
      s.presend = p;
    return {};
  }
  if (opt == "extfield") {
    // F323: monotonic root (experimental); F324 or 010A: network correction.
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    const auto type = parse_hex32(*text);
    if (type == 0xF323u) {
      s.ext_mono_root = true;
      return {};
    }
    if (type == 0xF324u || type == 0x010Au) {
      s.ext_net_correction = true;
      return {};
    }
    return core::Unexpected{a.error(ErrorKind::kInvalidValue, "invalid extfield " + quoted(*text))};
  }
  return core::Unexpected{
      a.error(ErrorKind::kUnknownOption,
              "unknown " + std::string(to_string(s.kind)) + " option " + quoted(a[i]))};
}

// PHC ":option" suffixes (chrony's nocrossts, extpps, pin=N, channel=N, clear). Only nocrossts
// changes anything here; the external-timestamp ones are warned about and ignored.
Status phc_suffixes(const Args& a, Refclock& r) {
  std::string_view rest(r.parameter);
  rest.remove_prefix(r.device.size());
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ':'
    const std::string_view opt = rest.substr(0, rest.find(':'));
    rest.remove_prefix(opt.size());
    if (opt == "nocrossts") {
      r.nocrossts = true;
      continue;
    }
    if (opt.starts_with("pin=") || opt.starts_with("channel=")) {
      const std::string_view name = opt.substr(0, opt.find('='));
      const auto v = a.integer(name, opt.substr(name.size() + 1), 0, kIntMax);
      if (!v.ok()) return core::Unexpected{v.error()};
    } else if (opt != "extpps" && opt != "clear") {
      return core::Unexpected{a.error(ErrorKind::kUnknownOption,
                                      "unknown refclock PHC option " + quoted(":" + std::string(opt)))};
    }
    a.warn("refclock PHC " + quoted(":" + std::string(opt)) +
           " is not supported yet (no external timestamps); ignored");
  }
  return {};
}

// Warns about a refclock of a driver the daemon lacks, or about options its driver ignores
// (each name once).
void warn_ignored_options(const Args& a, const std::string& driver,
                          const std::vector<std::string>& seen) {
  if (driver != "SOCK" && driver != "PHC") {
    a.warn("refclock " + driver + " is not supported yet; ignored");
    return;
  }
  // Options the driver uses: the common ones, then the driver's own.
  static constexpr std::string_view kCommon[] = {
      "refid",      "offset", "delay",    "precision", "stratum", "minsamples",
      "maxsamples", "prefer", "noselect", "trust",     "require"};
  static constexpr std::string_view kPhc[] = {"poll", "dpoll", "filter", "maxdispersion", "tai"};
  std::vector<std::string> warned;
  for (const std::string& opt : seen) {
    const auto used = [&](std::span<const std::string_view> names) {
      return std::find(names.begin(), names.end(), opt) != names.end();
    };
    if (used(kCommon) || (driver == "PHC" && used(kPhc))) continue;
    if (std::find(warned.begin(), warned.end(), opt) != warned.end()) continue;
    warned.push_back(opt);
    a.warn("refclock " + driver + " option " + quoted(opt) + " is not supported yet; ignored");
  }
}

// Source options chrony acts on that the daemon parses and checks but does not act on yet.
constexpr std::string_view kUnusedSourceOptions[] = {
    "asymmetry",     "auto_offline", "copy",     "extfield", "filter",
    "maxdelayquant", "maxunreach",   "mindelay", "offline",  "presend", "xleave"};

bool invalid_for_peer(std::string_view opt) {
  return opt == "iburst" || opt == "burst" || opt == "nts" || opt == "copy" || opt == "presend";
}

}  // namespace

std::optional<SourceKind> source_kind(std::string_view name) {
  if (name == "server") return SourceKind::kServer;
  if (name == "pool") return SourceKind::kPool;
  if (name == "peer") return SourceKind::kPeer;
  return std::nullopt;
}

core::Result<NtpSource, ConfigError> parse_source(const Args& a, SourceKind kind) {
  if (a.empty()) return core::Unexpected{a.expect(1).error()};
  NtpSource s;
  s.kind = kind;
  s.where = a.where();
  s.host = a[0];
  if (!valid_host(s.host, s.address)) {
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue,
                "invalid " + std::string(to_string(kind)) + " host " + quoted(s.host))};
  }
  std::vector<std::string> unused;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (Status st = source_option(a, i, s); !st.ok()) return core::Unexpected{st.error()};
    const bool known_unused = std::find(std::begin(kUnusedSourceOptions),
                                        std::end(kUnusedSourceOptions),
                                        opt) != std::end(kUnusedSourceOptions);
    // A peer's iburst/nts/... has had its own "not valid for peer" warning.
    if (!known_unused || (kind == SourceKind::kPeer && invalid_for_peer(opt))) continue;
    if (std::find(unused.begin(), unused.end(), opt) == unused.end()) unused.push_back(opt);
  }
  for (const std::string& opt : unused) {
    a.warn(std::string(to_string(kind)) + " option " + quoted(opt) +
           " is not supported yet; ignored");
  }
  return s;
}

Status parse_refclock(const Args& a, Config& c) {
  if (a.size() < 2)
    return core::Unexpected{
        a.error(ErrorKind::kMissingArgument, "missing argument for 'refclock'")};
  Refclock r;
  r.where = a.where();
  r.driver = a[0];
  r.parameter = a[1];
  r.device = r.parameter.substr(0, r.parameter.find(':'));
  if (r.driver != "PPS" && r.driver != "SHM" && r.driver != "SOCK" && r.driver != "PHC" &&
      r.driver != "RTC") {
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "unknown refclock driver " + quoted(r.driver))};
  }
  if (r.driver == "PHC") {
    if (Status st = phc_suffixes(a, r); !st.ok()) return st;
  }
  std::vector<std::string> seen;  // option names, for the warnings below
  for (size_t i = 2; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    seen.push_back(opt);
    Status st;
    if (selection_option(opt, r)) continue;
    if (opt == "local" || opt == "pps") {
      r.other_options.push_back(opt);
      continue;
    }
    if (opt == "tai") {
      r.tai = true;
      continue;
    }
    if (opt == "refid" || opt == "lock") {
      const auto text = a.option_value(i);
      if (!text.ok()) return core::Unexpected{text.error()};
      if (text->size() > 4)
        return core::Unexpected{
            a.error(ErrorKind::kInvalidValue, "invalid " + opt + " " + quoted(*text))};
      if (opt == "refid")
        r.refid = *text;
      else
        r.other_options.push_back(opt + " " + *text);
      continue;
    }
    int v = 0;
    if (opt == "poll")
      st = take_int(a, i, opt, r.poll, -32, 32);
    else if (opt == "dpoll")
      st = take_int(a, i, opt, r.dpoll, -32, 32);
    else if (opt == "filter")
      st = take_int(a, i, opt, r.filter, 0, kIntMax);
    else if (opt == "offset")
      st = take_seconds(a, i, opt, r.offset);
    else if (opt == "delay")
      st = take_seconds(a, i, opt, r.delay);
    else if (opt == "precision")
      st = take_seconds(a, i, opt, r.precision);
    else if (opt == "stratum")
      st = take_int(a, i, opt, r.stratum, 0, 15);
    else if (opt == "minsamples" || opt == "maxsamples") {
      st = take_int(a, i, opt, v, 0, kIntMax);
      if (st.ok()) (opt == "minsamples" ? r.min_samples : r.max_samples) = v;
    } else if (opt == "maxdispersion") {
      core::Duration d;
      st = take_seconds(a, i, opt, d);
      if (st.ok()) r.max_dispersion = d;
    } else if (opt == "rate" || opt == "maxunreach" || opt == "maxlockage") {
      st = take_int(a, i, opt, v, opt == "rate" ? 1 : 0, kIntMax);
      if (st.ok()) r.other_options.push_back(opt + " " + a[i]);
    } else if (opt == "width") {
      double w = 0;
      st = take_real(a, i, opt, w);
      if (st.ok()) r.other_options.push_back(opt + " " + a[i]);
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown refclock option " + quoted(a[i]))};
    }
    if (!st.ok()) return st;
  }
  warn_ignored_options(a, r.driver, seen);
  // chrony's default: the driver's first three letters and the refclock's index, e.g. PHC0.
  if (r.refid.empty())
    r.refid = r.driver.substr(0, 3) + static_cast<char>('0' + c.refclocks.size() % 10);
  c.refclocks.push_back(std::move(r));
  return {};
}

Status parse_access_rule(const Args& a, bool allow, std::vector<AccessRule>& out) {
  AccessRule r;
  r.allow = allow;
  r.where = a.where();
  size_t i = 0;
  // "all" is case-sensitive in chrony.
  if (i < a.size() && a[i] == "all") {
    r.all = true;
    ++i;
  }
  if (a.size() > i + 1) {
    return core::Unexpected{
        a.error(ErrorKind::kTooManyArguments, "too many arguments for " + quoted(a.name()))};
  }
  if (i < a.size()) {
    const std::string& net = a[i];
    const auto subnet = core::Subnet::parse(net);
    if (subnet.ok()) {
      r.target = AccessRule::Target::kSubnet;
      r.subnet = *subnet;
    } else if (net.find('/') == std::string::npos && core::IpAddress::is_valid_hostname(net)) {
      r.target = AccessRule::Target::kHostName;
      r.host = net;
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kInvalidValue, "invalid " + a.name() + " subnet " + quoted(net) +
                                                " (" + core::to_string(subnet.error()) + ")")};
    }
  }
  out.push_back(std::move(r));
  return {};
}

}  // namespace tempus::config::detail
