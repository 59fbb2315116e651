// SPDX-License-Identifier: ISC
// ntp.conf's directive table and handlers (ntp 4.2.8's and NTPsec's keyword lists); restrict is
// in ntpconf_restrict.cc. The mapping is documented in man/tempus.conf.5.
#include <algorithm>
#include <climits>

#include "config/ntpconf_internal.h"

namespace tempus::config {
namespace ntp {
namespace {

using detail::quoted;
using Handler = Status (*)(const Args&, State&);

void warn_ignored(const Args& a, const std::string& what) {
  a.warn(what + " is not supported; ignored");
}

// 127.127.T.U, ntpd's reference clock pseudo-address: {T, U}.
std::optional<std::pair<int, int>> refclock_address(const std::string& host) {
  const auto ip = core::IpAddress::parse(host);
  if (!ip.ok() || !ip->is_v4() || (ip->v4_value() >> 16) != 0x7f7f) return std::nullopt;
  return std::pair<int, int>{(ip->v4_value() >> 8) & 0xff, ip->v4_value() & 0xff};
}

// Integer option value at a[i+1] (i advanced), within lo..hi.
core::Result<int64_t, ConfigError> int_option(const Args& a, size_t& i, int64_t lo, int64_t hi) {
  const std::string opt = lowercase(a[i]);
  const auto text = a.option_value(i);
  if (!text.ok()) return core::Unexpected{text.error()};
  return a.integer(opt, *text, lo, hi);
}

// server 127.127.22.U / 127.127.28.U [OPTION...], from a[i] on: chrony's refclock PPS /dev/ppsU
// or SHM U. minpoll is the refclock's poll; prefer and noselect carry over.
Status refclock_source(const Args& a, State& st, const std::string& host, std::pair<int, int> rc,
                       size_t i) {
  State::RefclockLine r{a.where(), host, {}};
  const std::string unit = std::to_string(rc.second);
  r.words = rc.first == 28 ? std::vector<std::string>{"SHM", unit}
                           : std::vector<std::string>{"PPS", "/dev/pps" + unit};
  for (; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (opt == "prefer" || opt == "noselect") {
      r.words.push_back(opt);
    } else if (opt == "minpoll") {
      const auto v = int_option(a, i, -32, 32);
      if (!v.ok()) return core::Unexpected{v.error()};
      r.words.insert(r.words.end(), {"poll", std::to_string(*v)});
    } else if (opt == "maxpoll" || opt == "mode") {
      const auto v = int_option(a, i, -32, 255);
      if (!v.ok()) return core::Unexpected{v.error()};
      warn_ignored(a, "reference clock option " + quoted(opt));
    } else {
      return core::Unexpected{a.error(ErrorKind::kUnknownOption,
                                      "unknown " + a.name() + " option " + quoted(a[i]))};
    }
  }
  st.refclocks.push_back(std::move(r));
  return {};
}

// server/pool/peer [-4|-6] HOST [OPTION...]: ntpd's options are rewritten into chrony's and the
// line goes through chrony's parse_source, which checks the host and the values.
Status source(const Args& a, State& st) {
  const SourceKind kind = *detail::source_kind(a.name());
  LexedLine chrony{a.where(), {a.name()}};
  size_t i = 0;
  std::string family;
  if (i < a.size() && (a[i] == "-4" || a[i] == "-6")) family = a[i++] == "-4" ? "ipv4" : "ipv6";
  if (i >= a.size()) return a.expect(i + 1);
  const std::string host = a[i++];
  if (const auto rc = refclock_address(host)) {
    if (kind == SourceKind::kServer && (rc->first == 22 || rc->first == 28))
      return refclock_source(a, st, host, *rc, i);
    if (rc->first != 1 || kind != SourceKind::kServer) {
      a.warn("reference clock " + quoted(host) + " (ntpd driver " + std::to_string(rc->first) +
             ") is not supported; ignored (chrony.conf's refclock has SOCK and PHC)");
      return {};
    }
    if (!st.local_clock) {
      st.local_clock = a.where();
      st.local_unit = rc->second;
    }
    st.note(a, "the local clock driver becomes 'local' (its options do not apply)");
    return {};
  }
  chrony.words.push_back(host);
  if (!family.empty()) chrony.words.push_back(family);
  for (; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (opt == "iburst" || opt == "burst" || opt == "prefer" || opt == "noselect" ||
        opt == "xleave" || opt == "nts") {
      chrony.words.push_back(opt);
    } else if (opt == "minpoll" || opt == "maxpoll" || opt == "key" || opt == "version") {
      chrony.words.push_back(opt);
      const auto v = a.option_value(i);
      if (!v.ok()) return core::Unexpected{v.error()};
      chrony.words.push_back(*v);
    } else if (opt == "ca" || opt == "ask" || opt == "aead" || opt == "noval") {
      if (Status ns = nts_source_option(a, i, st, chrony.words); !ns.ok()) return ns;
    } else if (opt == "bias") {  // NTPsec: added to the measured offsets, as chrony's offset
      chrony.words.push_back("offset");
      const auto v = a.option_value(i);
      if (!v.ok()) return core::Unexpected{v.error()};
      chrony.words.push_back(*v);
    } else if (opt == "true") {
      chrony.words.push_back("trust");
    } else if (opt == "preempt") {
      st.note(a, "'preempt': configured associations are never demobilized; ignored");
    } else if (opt == "autokey") {
      warn_ignored(a, "server option 'autokey' (Autokey authentication)");
    } else if (opt == "ttl" || opt == "mode") {
      const auto v = int_option(a, i, 0, 255);
      if (!v.ok()) return core::Unexpected{v.error()};
      warn_ignored(a, "server option " + quoted(opt));
    } else {
      return core::Unexpected{a.error(ErrorKind::kUnknownOption,
                                      "unknown " + a.name() + " option " + quoted(a[i]))};
    }
  }
  const Args translated(chrony, st.out.warnings);
  auto s = detail::parse_source(translated, kind);
  if (!s.ok()) return core::Unexpected{s.error()};
  st.config().sources.push_back(std::move(*s));
  return {};
}

// fudge 127.127.T.U [time1 S] [time2 S] [stratum N] [refid ID] [flag1..4 0|1]
Status fudge(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  const auto rc = refclock_address(a[0]);
  if (!rc)
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "invalid fudge address " + quoted(a[0]))};
  const bool chrony_driver = rc->first == 22 || rc->first == 28;
  std::optional<int> stratum;
  std::vector<std::string> ignored, words;  // words: chrony's refclock options
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string word = a[i], opt = lowercase(word);
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    if (opt == "stratum") {
      const auto v = a.integer(opt, *text, 0, 15);
      if (!v.ok()) return core::Unexpected{v.error()};
      stratum = static_cast<int>(*v);
      words.insert(words.end(), {"stratum", *text});
      continue;
    }
    if (opt == "time1" || opt == "time2") {
      if (!a.seconds(opt, *text).ok()) return core::Unexpected{a.seconds(opt, *text).error()};
      // time1 is the offset added to the driver's samples, as chrony's offset.
      if (chrony_driver && opt == "time1") {
        words.insert(words.end(), {"offset", *text});
        continue;
      }
    } else if (opt == "flag1" || opt == "flag2" || opt == "flag3" || opt == "flag4") {
      if (auto v = a.integer(opt, *text, 0, 1); !v.ok()) return core::Unexpected{v.error()};
    } else if (opt == "refid") {
      if (text->size() > 4)
        return core::Unexpected{
            a.error(ErrorKind::kInvalidValue, "invalid fudge refid " + quoted(*text))};
      if (chrony_driver) {
        words.insert(words.end(), {"refid", *text});
        continue;
      }
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown fudge option " + quoted(word))};
    }
    ignored.push_back(opt);
  }
  if (chrony_driver) {
    st.fudges.emplace_back(a[0], std::move(words));
    for (const std::string& opt : ignored)
      warn_ignored(a, "fudge " + quoted(opt) + " of reference clock " + quoted(a[0]));
    return {};
  }
  if (rc->first != 1) {
    warn_ignored(a, "fudge of reference clock " + quoted(a[0]));
    return {};
  }
  if (stratum) st.local_fudge_stratum = *stratum;
  for (const std::string& opt : ignored) warn_ignored(a, "local clock fudge " + quoted(opt));
  return {};
}

// tos KEY VALUE [KEY VALUE...]
Status tos(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  Config& c = st.config();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string word = a[i], opt = lowercase(word);
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    if (opt == "minsane") {
      const auto v = a.integer(opt, *text, 1, INT_MAX);
      if (!v.ok()) return core::Unexpected{v.error()};
      c.min_sources = static_cast<int>(*v);
    } else if (opt == "orphan") {
      const auto v = a.integer(opt, *text, 1, 15);
      if (!v.ok()) return core::Unexpected{v.error()};
      st.orphan_stratum = static_cast<int>(*v);
    } else if (opt == "maxdist") {
      const auto v = a.seconds(opt, *text);
      if (!v.ok()) return core::Unexpected{v.error()};
      c.max_distance = *v;
    } else if (opt == "minclock" || opt == "maxclock" || opt == "floor" || opt == "ceiling" ||
               opt == "cohort" || opt == "mindist" || opt == "beacon" || opt == "orphanwait" ||
               opt == "bcpollbstep" || opt == "nonvolatile") {
      if (!a.real(opt, *text).ok()) return core::Unexpected{a.real(opt, *text).error()};
      warn_ignored(a, "tos " + opt);
    } else if (opt == "basedate") {
      warn_ignored(a, "tos basedate");
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown tos option " + quoted(word))};
    }
  }
  return {};
}

// tinker KEY VALUE [KEY VALUE...]
Status tinker(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  Config& c = st.config();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string word = a[i], opt = lowercase(word);
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    const auto v = a.seconds(opt, *text);
    if (!v.ok()) return core::Unexpected{v.error()};
    if (opt == "step") {
      st.step_set = true;
      const bool on = *v > core::Duration{};
      c.make_step_threshold = on ? *v : core::Duration{};
      c.make_step_limit = on ? -1 : 0;
    } else if (opt == "panic") {
      if (*v > core::Duration{})
        c.max_change = MaxChange{*v, 1, 0};
      else
        c.max_change.reset();
    } else if (opt == "allan" || opt == "dispersion" || opt == "freq" || opt == "huffpuff" ||
               opt == "stepback" || opt == "stepfwd" || opt == "stepout" || opt == "tick") {
      warn_ignored(a, "tinker " + opt);
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown tinker option " + quoted(word))};
    }
  }
  return {};
}

// enable/disable FLAG...
Status enable_disable(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  const bool on = a.name() == "enable";
  Config& c = st.config();
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string flag = lowercase(a[i]);
    if (flag == "monitor") {
      c.no_client_log = !on;
    } else if (flag == "kernel") {
      c.rtc_sync = on;
    } else if (flag == "mode7" || flag == "auth" || flag == "stats") {
      // mode 7 off, authentication required for keyed sources, statistics per filegen: what
      // tempusd does anyway; the other way is not available.
      const bool as_tempus = flag == "mode7" ? !on : on;
      if (!as_tempus) warn_ignored(a, quoted(a.name() + " " + flag));
    } else if (flag == "ntp" || flag == "bclient" || flag == "calibrate" ||
               flag == "peer_clear_digest_early" || flag == "unpeer_crypto_early" ||
               flag == "unpeer_crypto_nak_early" || flag == "unpeer_digest_early") {
      warn_ignored(a, quoted(a.name() + " " + flag));
    } else {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown " + a.name() + " flag " + quoted(a[i]))};
    }
  }
  return {};
}

// The chrony log each ntpd statistics file corresponds to; nullptr when there is none.
bool* log_flag(const std::string& name, LogSet& log) {
  if (name == "loopstats") return &log.tracking;
  if (name == "peerstats") return &log.measurements;
  if (name == "rawstats") return &log.raw_measurements;
  if (name == "clockstats") return &log.refclocks;
  return nullptr;
}

bool known_stats(const std::string& name) {
  return name == "loopstats" || name == "peerstats" || name == "rawstats" ||
         name == "clockstats" || name == "sysstats" || name == "cryptostats" ||
         name == "protostats" || name == "timingstats" || name == "usestats";
}

Status set_stats(const Args& a, State& st, const std::string& name, bool on) {
  if (!known_stats(name))
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "unknown statistics file " + quoted(name))};
  LogSet& log = st.config().log;
  bool* flag = log_flag(name, log);
  if (!flag) {
    warn_ignored(a, "statistics " + quoted(name));
    return {};
  }
  *flag = on;
  if (flag == &log.raw_measurements && on) log.measurements = true;
  const bool unwritten = flag == &log.refclocks || flag == &log.rtc || flag == &log.tempcomp;
  if (on && (unwritten ||
             detail::classify_directive("log") == detail::DirectiveClass::kParsedOnly))
    a.warn("statistics " + quoted(name) + " (chrony's 'log') is not supported yet; ignored");
  return {};
}

Status statistics(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  for (size_t i = 0; i < a.size(); ++i)
    if (Status s = set_stats(a, st, lowercase(a[i]), true); !s.ok()) return s;
  return {};
}

// filegen NAME [file F] [type T] [link|nolink] [enable|disable]
Status filegen(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  std::optional<bool> on;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (opt == "file" || opt == "type") {
      if (auto v = a.option_value(i); !v.ok()) return core::Unexpected{v.error()};
      st.note(a, "filegen " + opt + ": the files are named and rotated as chrony's logs");
    } else if (opt == "enable" || opt == "disable") {
      on = opt == "enable";
    } else if (opt != "link" && opt != "nolink") {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown filegen option " + quoted(a[i]))};
    }
  }
  const std::string name = lowercase(a[0]);
  if (on) return set_stats(a, st, name, *on);
  if (!known_stats(name))
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "unknown statistics file " + quoted(a[0]))};
  return {};
}

// discard [average N] [minimum N] [monitor N]
Status discard(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (opt != "average" && opt != "minimum" && opt != "monitor")
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown discard option " + quoted(a[i]))};
    const auto v = int_option(a, i, 0, opt == "average" ? 16 : INT_MAX);
    if (!v.ok()) return core::Unexpected{v.error()};
    if (opt == "average")
      st.discard_average = static_cast<int>(*v);
    else
      warn_ignored(a, "discard " + opt);
  }
  return {};
}

// interface/nic listen|ignore|drop all|ipv4|ipv6|wildcard|NAME|ADDRESS[/PREFIX]
Status interface(const Args& a, State& st) {
  if (Status s = a.expect(2); !s.ok()) return s;
  const std::string action = lowercase(a[0]);
  if (action != "listen" && action != "ignore" && action != "drop")
    return core::Unexpected{
        a.error(ErrorKind::kInvalidValue, "invalid " + a.name() + " action " + quoted(a[0]))};
  const auto ip = core::IpAddress::parse(a[1]);
  if (action == "listen" && ip.ok()) {
    Config& c = st.config();
    core::IpAddress& field = ip->is_v4() ? c.bind_address4 : c.bind_address6;
    if (!field.is_unspecified()) {
      warn_ignored(a, "a second listen address of the family");
      return {};
    }
    field = *ip;
    return {};
  }
  if (action == "ignore" && lowercase(a[1]) == "wildcard") {
    st.note(a, "'ignore wildcard': bindaddress already binds the listen address only");
    return {};
  }
  warn_ignored(a, quoted(a.name() + " " + a[0] + " " + a[1]));
  return {};
}

Status path_into(const Args& a, std::string& field) {
  if (Status s = a.expect(1); !s.ok()) return s;
  field = a[0];
  return {};
}

// trustedkey/controlkey/requestkey ID... (ntpd also takes ranges "(1 ... 5)").
Status key_ids(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "(" || a[i] == ")" || a[i] == "...") continue;
    const auto v = a.integer(a.name(), a[i], 1, 65535);
    if (!v.ok()) return core::Unexpected{v.error()};
  }
  st.note(a, a.name() == "trustedkey"
                 ? "trustedkey: every key of the keyfile is trusted for 'server ... key N'"
                 : a.name() + ": no mode 6/7 writes are accepted; ignored");
  return {};
}

struct Entry {
  const char* name;
  Handler handler;  // nullptr: warned as not supported, arguments not checked
};

const Entry kDirectives[] = {
    {"automax", nullptr},
    {"broadcast", nullptr},
    {"broadcastclient", nullptr},
    {"broadcastdelay", nullptr},
    {"calldelay", nullptr},
    {"controlkey", key_ids},
    {"crypto", nullptr},
    {"delrestrict", nullptr},
    {"device", nullptr},
    {"disable", enable_disable},
    {"discard", discard},
    {"driftfile",
     [](const Args& a, State& st) -> Status {
       if (Status s = a.expect_between(1, 2); !s.ok()) return s;
       if (a.size() == 2) warn_ignored(a, "the driftfile wander threshold");
       st.config().drift_file = a[0];
       st.note(a, "ntpd's one-number drift file is read (the sign flipped) and kept in ntpd's "
                  "layout, which chronyd cannot read");
       return {};
     }},
    {"enable", enable_disable},
    {"fudge", fudge},
    {"filegen", filegen},
    {"ident", nullptr},
    {"includefile", nullptr},  // handled by the driver
    {"interface", interface},
    {"keys",
     [](const Args& a, State& st) -> Status {
       if (Status s = path_into(a, st.config().key_file); !s.ok()) return s;
       a.warn("keys: the file is read in chrony's keyfile format (ID TYPE KEY, with HEX: or "
              "ASCII: keys); convert ntpd's key letters and bare hex keys");
       return {};
     }},
    {"keysdir", nullptr},
    {"leapfile", [](const Args& a, State& st) { return path_into(a, st.config().leap_sec_list); }},
    {"leapsmearinterval", nullptr},
    {"logconfig", nullptr},
    {"logfile",
     [](const Args& a, State&) -> Status {
       if (Status s = a.expect(1); !s.ok()) return s;
       a.warn("'logfile' has no chrony.conf equivalent (use tempusd -l FILE); ignored");
       return {};
     }},
    {"manycastclient", nullptr},
    {"manycastserver", nullptr},
    {"mdnstries", nullptr},
    {"mru", nullptr},
    {"multicastclient", nullptr},
    {"nic", interface},
    {"ntpsigndsocket", nullptr},
    {"nts", nts_directive},
    {"peer", source},
    {"phone", nullptr},
    {"pidfile", nullptr},
    {"pool", source},
    {"qos", nullptr},
    {"refclock", nullptr},
    {"requestkey", key_ids},
    {"reset", nullptr},
    {"restrict", restrict_line},
    {"revoke", nullptr},
    {"rlimit", nullptr},
    {"saveconfigdir", nullptr},
    {"server", source},
    {"setvar", nullptr},
    {"simulate", nullptr},
    {"statistics", statistics},
    {"statsdir", [](const Args& a, State& st) { return path_into(a, st.config().log_dir); }},
    {"tinker", tinker},
    {"tos", tos},
    {"trap", nullptr},
    {"trustedkey", key_ids},
    {"ttl", nullptr},
    {"unconfig", nullptr},
    {"unpeer", nullptr},
    {"unrestrict", nullptr},
};

}  // namespace

Status finish_refclocks(State& st, const std::string& top_file) {
  for (const State::RefclockLine& r : st.refclocks) {
    LexedLine line{r.where, {"refclock"}};
    line.words.insert(line.words.end(), r.words.begin(), r.words.end());
    for (const auto& [address, words] : st.fudges)
      if (address == r.address) line.words.insert(line.words.end(), words.begin(), words.end());
    if (Status s = detail::parse_refclock(Args(line, st.out.warnings), st.config()); !s.ok())
      return s;
  }
  for (const auto& fudge : st.fudges) {
    const auto& address = fudge.first;  // a plain reference: clang 14 cannot capture a binding
    const auto same = [&](const State::RefclockLine& r) { return r.address == address; };
    const bool used = std::any_of(st.refclocks.begin(), st.refclocks.end(), same);
    if (!used)
      st.out.warnings.push_back(Warning{Location{top_file, 0},
                                        "fudge " + quoted(address) +
                                            " without its server line; ignored"});
  }
  return {};
}

Status apply_directive(const Args& a, State& st) {
  for (const Entry& e : kDirectives) {
    if (a.name() != e.name) continue;
    if (e.handler) return e.handler(a, st);
    warn_ignored(a, quoted(a.name()));
    return {};
  }
  return core::Unexpected{
      a.error(ErrorKind::kUnknownDirective, "unknown ntp.conf directive " + quoted(a.name()))};
}

}  // namespace ntp

std::vector<std::string> ntp_directive_names() {
  std::vector<std::string> out;
  for (const ntp::Entry& e : ntp::kDirectives) out.emplace_back(e.name);
  return out;
}

}  // namespace tempus::config
