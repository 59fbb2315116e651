// SPDX-License-Identifier: ISC
// The directive table and the handlers of every modelled directive except the source-like ones
// (sources.cc). Ranges and argument counts follow chrony 4.8's conf.c.
#include <algorithm>
#include <climits>
#include <limits>

#include "config/parser_internal.h"

namespace tempus::config {

const char* to_string(SourceKind k) {
  switch (k) {
    case SourceKind::kServer: return "server";
    case SourceKind::kPool: return "pool";
    case SourceKind::kPeer: return "peer";
  }
  return "server";
}

const char* to_string(AuthSelectMode m) {
  switch (m) {
    case AuthSelectMode::kRequire: return "require";
    case AuthSelectMode::kPrefer: return "prefer";
    case AuthSelectMode::kMix: return "mix";
    case AuthSelectMode::kIgnore: return "ignore";
  }
  return "mix";
}

const char* to_string(LeapSecMode m) {
  switch (m) {
    case LeapSecMode::kSystem: return "system";
    case LeapSecMode::kSlew: return "slew";
    case LeapSecMode::kStep: return "step";
    case LeapSecMode::kIgnore: return "ignore";
  }
  return "system";
}

namespace detail {

namespace {

constexpr int64_t kIntMax = INT_MAX;

using Handler = Status (*)(const Args&, Config&);

template <class T>
Status set_integer(const Args& a, T& field, int64_t lo, int64_t hi) {
  if (Status s = a.expect(1); !s.ok()) return s;
  const auto v = a.integer(a.name(), a[0], lo, hi);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = static_cast<T>(*v);
  return {};
}

Status set_seconds(const Args& a, core::Duration& field) {
  if (Status s = a.expect(1); !s.ok()) return s;
  const auto v = a.seconds(a.name(), a[0]);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = *v;
  return {};
}

Status set_whole_seconds(const Args& a, core::Duration& field) {
  int64_t v = 0;
  if (Status s = set_integer(a, v, 0, kIntMax); !s.ok()) return s;
  field = core::Duration::s(v);
  return {};
}

Status set_real(const Args& a, double& field) {
  if (Status s = a.expect(1); !s.ok()) return s;
  const auto v = a.real(a.name(), a[0]);
  if (!v.ok()) return core::Unexpected{v.error()};
  field = *v;
  return {};
}

Status set_string(const Args& a, std::string& field) {
  if (Status s = a.expect(1); !s.ok()) return s;
  field = a[0];
  return {};
}

Status set_flag(const Args& a, bool& field) {
  if (Status s = a.expect(0); !s.ok()) return s;
  field = true;
  return {};
}

// A path where "/" means "disabled" (empty).
Status set_path_or_off(const Args& a, std::string& field) {
  if (Status s = set_string(a, field); !s.ok()) return s;
  if (field == "/") field.clear();
  return {};
}

// An address that goes to the field of its family.
Status set_address_pair(const Args& a, core::IpAddress& v4, core::IpAddress& v6) {
  if (Status s = a.expect(1); !s.ok()) return s;
  const auto ip = a.address(a.name(), a[0]);
  if (!ip.ok()) return core::Unexpected{ip.error()};
  (ip->is_v4() ? v4 : v6) = *ip;
  return {};
}

template <class E, size_t N>
Status set_keyword(const Args& a, E& field, const std::pair<const char*, E> (&words)[N]) {
  if (Status s = a.expect(1); !s.ok()) return s;
  const std::string w = lowercase(a[0]);
  for (const auto& [text, value] : words) {
    if (w == text) {
      field = value;
      return {};
    }
  }
  return core::Unexpected{
      a.error(ErrorKind::kInvalidValue, "invalid " + a.name() + " " + quoted(a[0]))};
}

// ratelimit/ntsratelimit/cmdratelimit [interval N] [burst N] [leak N] [kod N]. Settings not
// given keep their previous values, as in chrony.
Status rate_limit(const Args& a, RateLimit& r, bool with_kod) {
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    int* field = opt == "interval"          ? &r.interval_log2
                 : opt == "burst"           ? &r.burst
                 : opt == "leak"            ? &r.leak
                 : opt == "kod" && with_kod ? &r.kod
                                            : nullptr;
    if (!field) {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown " + a.name() + " option " + quoted(a[i]))};
    }
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    const auto v = a.integer(opt, *text, -32, 32);
    if (!v.ok()) return core::Unexpected{v.error()};
    *field = static_cast<int>(*v);
  }
  r.enabled = true;
  return {};
}

Status local(const Args& a, Config& c) {
  LocalReference l;
  bool wait_unsynced_set = false;
  std::vector<std::string> unused;  // options the daemon does not act on yet (it uses stratum)
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string opt = lowercase(a[i]);
    if (opt == "orphan") {
      if (!l.orphan) unused.push_back(opt);
      l.orphan = true;
      continue;
    }
    if (opt != "stratum" && opt != "distance" && opt != "activate" && opt != "waitsynced" &&
        opt != "waitunsynced") {
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown local option " + quoted(a[i]))};
    }
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    if (opt == "stratum") {
      const auto v = a.integer(opt, *text, 1, 15);
      if (!v.ok()) return core::Unexpected{v.error()};
      l.stratum = static_cast<int>(*v);
      continue;
    }
    const auto v = a.seconds(opt, *text);
    if (!v.ok()) return core::Unexpected{v.error()};
    if (std::find(unused.begin(), unused.end(), opt) == unused.end()) unused.push_back(opt);
    if (opt == "distance") l.distance = *v;
    if (opt == "activate") l.activate = *v;
    if (opt == "waitsynced") l.wait_synced = *v;
    if (opt == "waitunsynced") {
      // chrony: a negative value selects the default.
      wait_unsynced_set = *v >= core::Duration{};
      l.wait_unsynced = *v;
    }
  }
  if (!wait_unsynced_set) l.wait_unsynced = l.orphan ? core::Duration::s(300) : core::Duration{};
  c.local = l;
  for (const std::string& opt : unused)
    a.warn("local option " + quoted(opt) + " is not supported yet; ignored");
  return {};
}

// driftfile PATH [interval N]. An interval given once stays in force, as in chrony.
Status driftfile(const Args& a, Config& c) {
  if (Status s = a.expect_between(1, 3); !s.ok()) return s;
  if (a.size() >= 2) {
    if (lowercase(a[1]) != "interval")
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown driftfile option " + quoted(a[1]))};
    size_t i = 1;
    const auto text = a.option_value(i);
    if (!text.ok()) return core::Unexpected{text.error()};
    const auto v = a.integer("driftfile interval", *text, 0, kIntMax);
    if (!v.ok()) return core::Unexpected{v.error()};
    c.drift_interval = core::Duration::s(*v);
  }
  c.drift_file = a[0];
  return {};
}

Status makestep(const Args& a, Config& c) {
  if (Status s = a.expect(2); !s.ok()) return s;
  const auto t = a.seconds("makestep threshold", a[0]);
  if (!t.ok()) return core::Unexpected{t.error()};
  const auto l = a.integer("makestep limit", a[1], INT_MIN, kIntMax);
  if (!l.ok()) return core::Unexpected{l.error()};
  c.make_step_threshold = *t;
  c.make_step_limit = static_cast<int>(*l);
  return {};
}

Status maxchange(const Args& a, Config& c) {
  if (Status s = a.expect(3); !s.ok()) return s;
  const auto off = a.seconds("maxchange offset", a[0]);
  if (!off.ok()) return core::Unexpected{off.error()};
  const auto start = a.integer("maxchange start", a[1], INT_MIN, kIntMax);
  if (!start.ok()) return core::Unexpected{start.error()};
  const auto ignore = a.integer("maxchange ignore", a[2], INT_MIN, kIntMax);
  if (!ignore.ok()) return core::Unexpected{ignore.error()};
  c.max_change = MaxChange{*off, static_cast<int>(*start), static_cast<int>(*ignore)};
  return {};
}

Status fallbackdrift(const Args& a, Config& c) {
  if (Status s = a.expect(2); !s.ok()) return s;
  const auto lo = a.integer("fallbackdrift min", a[0], INT_MIN, kIntMax);
  if (!lo.ok()) return core::Unexpected{lo.error()};
  const auto hi = a.integer("fallbackdrift max", a[1], INT_MIN, kIntMax);
  if (!hi.ok()) return core::Unexpected{hi.error()};
  c.fallback_drift = FallbackDrift{static_cast<int>(*lo), static_cast<int>(*hi)};
  return {};
}

Status smoothtime(const Args& a, Config& c) {
  if (Status s = a.expect_between(2, 3); !s.ok()) return s;
  const auto f = a.real("smoothtime max frequency", a[0]);
  if (!f.ok()) return core::Unexpected{f.error()};
  const auto w = a.real("smoothtime max wander", a[1]);
  if (!w.ok()) return core::Unexpected{w.error()};
  SmoothTime st{*f, *w, false};
  if (a.size() == 3) {
    if (lowercase(a[2]) != "leaponly")
      return core::Unexpected{
          a.error(ErrorKind::kUnknownOption, "unknown smoothtime option " + quoted(a[2]))};
    st.leap_only = true;
  }
  c.smooth_time = st;
  return {};
}

Status initstepslew(const Args& a, Config& c) {
  if (a.empty()) return a.expect(1);
  const auto t = a.seconds("initstepslew threshold", a[0]);
  if (!t.ok()) return core::Unexpected{t.error()};
  InitStepSlew isl{*t, {}};
  for (size_t i = 1; i < a.size(); ++i) {
    if (!core::IpAddress::parse(a[i]).ok() && !core::IpAddress::is_valid_hostname(a[i]))
      return core::Unexpected{
          a.error(ErrorKind::kInvalidValue, "invalid initstepslew host " + quoted(a[i]))};
    isl.hosts.push_back(a[i]);
  }
  c.init_step_slew = std::move(isl);
  return {};
}

Status bindcmdaddress(const Args& a, Config& c) {
  if (Status s = a.expect(1); !s.ok()) return s;
  if (a[0][0] == '/') return set_path_or_off(a, c.bind_cmd_path);
  return set_address_pair(a, c.bind_cmd_address4, c.bind_cmd_address6);
}

// A setting whose value `off` is what the daemon does anyway; any other value is warned about.
template <class T>
Status set_integer_warn_unless(const Args& a, T& field, int64_t lo, int64_t hi, T off) {
  Status s = set_integer(a, field, lo, hi);
  if (s.ok() && field != off) warn_unsupported(a);
  return s;
}

Status log_directive(const Args& a, Config& c) {
  // Log names are case-sensitive in chrony.
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& n = a[i];
    bool* flag = n == "measurements"      ? &c.log.measurements
                 : n == "rawmeasurements" ? &c.log.raw_measurements
                 : n == "statistics"      ? &c.log.statistics
                 : n == "tracking"        ? &c.log.tracking
                 : n == "rtc"             ? &c.log.rtc
                 : n == "refclocks"       ? &c.log.refclocks
                 : n == "tempcomp"        ? &c.log.tempcomp
                 : n == "selection"       ? &c.log.selection
                                          : nullptr;
    if (!flag)
      return core::Unexpected{a.error(ErrorKind::kInvalidValue, "invalid log " + quoted(n))};
    *flag = true;
    if (flag == &c.log.rtc || flag == &c.log.refclocks || flag == &c.log.tempcomp)
      a.warn("log option " + quoted(n) + " is not supported yet; ignored");
    if (flag == &c.log.raw_measurements) c.log.measurements = true;
  }
  return {};
}

Status ntstrustedcerts(const Args& a, Config& c) {
  if (Status s = a.expect_between(1, 2); !s.ok()) return s;
  TrustedCerts t{0, a[a.size() - 1]};
  if (a.size() == 2) {
    const auto id = a.integer("ntstrustedcerts set", a[0], 0, std::numeric_limits<uint32_t>::max());
    if (!id.ok()) return core::Unexpected{id.error()};
    t.set_id = static_cast<uint32_t>(*id);
  }
  c.nts_trusted_certs.push_back(std::move(t));
  return {};
}

Status ntsaeads(const Args& a, Config& c) {
  std::vector<int> ids;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto v = a.integer("ntsaeads", a[i], 0, kIntMax);
    if (!v.ok()) return core::Unexpected{v.error()};
    ids.push_back(static_cast<int>(*v));
  }
  c.nts_aeads = std::move(ids);
  return {};
}

Status appended_path(const Args& a, std::vector<std::string>& list) {
  if (Status s = a.expect(1); !s.ok()) return s;
  list.push_back(a[0]);
  return {};
}

Status add_source(const Args& a, Config& c) {
  auto s = parse_source(a, *source_kind(a.name()));
  if (!s.ok()) return core::Unexpected{s.error()};
  c.sources.push_back(std::move(*s));
  return {};
}

struct Entry {
  const char* name;
  DirectiveClass cls;
  Handler handler;
};

constexpr std::pair<const char*, AuthSelectMode> kAuthModes[] = {
    {"require", AuthSelectMode::kRequire},
    {"prefer", AuthSelectMode::kPrefer},
    {"mix", AuthSelectMode::kMix},
    {"ignore", AuthSelectMode::kIgnore}};
constexpr std::pair<const char*, LeapSecMode> kLeapModes[] = {{"system", LeapSecMode::kSystem},
                                                              {"slew", LeapSecMode::kSlew},
                                                              {"step", LeapSecMode::kStep},
                                                              {"ignore", LeapSecMode::kIgnore}};

constexpr DirectiveClass M = DirectiveClass::kModelled;
constexpr DirectiveClass U = DirectiveClass::kUnsupported;
constexpr DirectiveClass P = DirectiveClass::kParsedOnly;
constexpr DirectiveClass O = DirectiveClass::kObsolete;
constexpr DirectiveClass F = DirectiveClass::kFileControl;

// chrony 4.8's keyword list (conf.c CNF_ParseLine), alphabetical. M: the daemon acts on it (some
// handlers warn about values it does not act on yet); P: parsed and checked, then warned, because
// nothing in the daemon reads the field yet. A path that only says where an unsupported feature
// keeps its files (logdir) is not warned: the feature's own directive is.
const Entry kDirectives[] = {
    {"acquisitionport", M,
     [](const Args& a, Config& c) {
       uint16_t p = 0;
       Status s = set_integer(a, p, 0, 65535);
       if (s.ok()) c.acquisition_port = p;
       return s;
     }},
    {"allow", M, [](const Args& a, Config& c) { return parse_access_rule(a, true, c.ntp_access); }},
    {"authselectmode", M,
     [](const Args& a, Config& c) { return set_keyword(a, c.auth_select_mode, kAuthModes); }},
    {"bindacqaddress", M,
     [](const Args& a, Config& c) {
       return set_address_pair(a, c.bind_acq_address4, c.bind_acq_address6);
     }},
    {"bindacqdevice", U, nullptr},
    {"bindaddress", M,
     [](const Args& a, Config& c) {
       return set_address_pair(a, c.bind_address4, c.bind_address6);
     }},
    {"bindcmdaddress", M, bindcmdaddress},
    {"bindcmddevice", U, nullptr},
    {"binddevice", M,
     [](const Args& a, Config& c) -> Status {
       if (Status s = set_string(a, c.bind_device); !s.ok()) return s;
       // Linux interface names: 1..15 bytes, no '/' and no white space (IFNAMSIZ − 1).
       if (c.bind_device.size() > 15 || c.bind_device.find('/') != std::string::npos)
         return core::Unexpected{a.error(ErrorKind::kInvalidValue,
                                         "invalid interface name " + quoted(c.bind_device))};
       return {};
     }},
    {"broadcast", U, nullptr},
    {"clientloglimit", M,
     [](const Args& a, Config& c) {
       return set_integer(a, c.client_log_limit, 0, std::numeric_limits<int64_t>::max());
     }},
    {"clockprecision", M,
     [](const Args& a, Config& c) { return set_seconds(a, c.clock_precision); }},
    {"cmdallow", M,
     [](const Args& a, Config& c) { return parse_access_rule(a, true, c.cmd_access); }},
    {"cmddeny", M,
     [](const Args& a, Config& c) { return parse_access_rule(a, false, c.cmd_access); }},
    {"cmdport", M, [](const Args& a, Config& c) { return set_integer(a, c.cmd_port, 0, 65535); }},
    {"cmdratelimit", M,
     [](const Args& a, Config& c) { return rate_limit(a, c.cmd_rate_limit, false); }},
    {"combinelimit", M, [](const Args& a, Config& c) { return set_real(a, c.combine_limit); }},
    {"commandkey", O, nullptr},
    {"confdir", F, nullptr},
    {"corrtimeratio", M, [](const Args& a, Config& c) { return set_real(a, c.corr_time_ratio); }},
    {"deny", M, [](const Args& a, Config& c) { return parse_access_rule(a, false, c.ntp_access); }},
    {"driftfile", M, driftfile},
    {"dscp", M,
     [](const Args& a, Config& c) { return set_integer_warn_unless(a, c.dscp, 0, 63, 0); }},
    {"dumpdir", P, [](const Args& a, Config& c) { return set_string(a, c.dump_dir); }},
    {"dumponexit", O, nullptr},
    {"fallbackdrift", P, fallbackdrift},
    {"generatecommandkey", O, nullptr},
    {"hwclockfile", U, nullptr},
    {"hwtimestamp", U, nullptr},
    {"hwtstimeout", U, nullptr},
    {"include", F, nullptr},
    {"initstepslew", M, initstepslew},
    {"keyfile", M, [](const Args& a, Config& c) { return set_string(a, c.key_file); }},
    {"leapsecmode", M,
     [](const Args& a, Config& c) { return set_keyword(a, c.leap_sec_mode, kLeapModes); }},
    {"leapseclist", M, [](const Args& a, Config& c) { return set_string(a, c.leap_sec_list); }},
    {"leapsectz", M, [](const Args& a, Config& c) { return set_string(a, c.leap_sec_tz); }},
    {"linux_freq_scale", O, nullptr},
    {"linux_hz", O, nullptr},
    {"local", M, local},
    {"lock_all", P, [](const Args& a, Config& c) { return set_flag(a, c.lock_all); }},
    {"log", M, log_directive},
    {"logbanner", M,
     [](const Args& a, Config& c) { return set_integer(a, c.log_banner, 0, 1000000); }},
    {"logchange", M, [](const Args& a, Config& c) { return set_seconds(a, c.log_change); }},
    {"logdir", M, [](const Args& a, Config& c) { return set_string(a, c.log_dir); }},
    {"mailonchange", U, nullptr},
    {"makestep", M, makestep},
    {"manual", P, [](const Args& a, Config& c) { return set_flag(a, c.manual); }},
    {"maxchange", M, maxchange},
    {"maxclockerror", M,
     [](const Args& a, Config& c) { return set_real(a, c.max_clock_error_ppm); }},
    {"maxdistance", M, [](const Args& a, Config& c) { return set_seconds(a, c.max_distance); }},
    {"maxdrift", M, [](const Args& a, Config& c) { return set_real(a, c.max_drift_ppm); }},
    {"maxjitter", M, [](const Args& a, Config& c) { return set_seconds(a, c.max_jitter); }},
    {"maxntsconnections", M,
     [](const Args& a, Config& c) { return set_integer(a, c.max_nts_connections, 1, kIntMax); }},
    {"maxsamples", U, nullptr},
    {"maxslewrate", M, [](const Args& a, Config& c) { return set_real(a, c.max_slew_rate_ppm); }},
    {"maxstratum", P,
     [](const Args& a, Config& c) { return set_integer(a, c.max_stratum, 0, kIntMax); }},
    {"maxtxbuffers", U, nullptr},
    {"maxupdateskew", M,
     [](const Args& a, Config& c) { return set_real(a, c.max_update_skew_ppm); }},
    {"minsamples", U, nullptr},
    {"minsources", M,
     [](const Args& a, Config& c) { return set_integer(a, c.min_sources, 1, kIntMax); }},
    {"minstratum", P,
     [](const Args& a, Config& c) { return set_integer(a, c.min_stratum, 0, kIntMax); }},
    {"nocerttimecheck", M,
     [](const Args& a, Config& c) { return set_integer(a, c.no_cert_time_check, 0, kIntMax); }},
    {"noclientlog", M, [](const Args& a, Config& c) { return set_flag(a, c.no_client_log); }},
    {"nosystemcert", M, [](const Args& a, Config& c) { return set_flag(a, c.no_system_cert); }},
    {"ntpsigndsocket", U, nullptr},
    {"ntsaeads", M, ntsaeads},
    {"ntscachedir", M, [](const Args& a, Config& c) { return set_string(a, c.nts_dump_dir); }},
    {"ntsdumpdir", M, [](const Args& a, Config& c) { return set_string(a, c.nts_dump_dir); }},
    {"ntsntpserver", M, [](const Args& a, Config& c) { return set_string(a, c.nts_ntp_server); }},
    {"ntsport", M, [](const Args& a, Config& c) { return set_integer(a, c.nts_port, 0, 65535); }},
    {"ntsprocesses", P,
     [](const Args& a, Config& c) { return set_integer(a, c.nts_processes, 0, 1000); }},
    {"ntsratelimit", M,
     [](const Args& a, Config& c) { return rate_limit(a, c.nts_rate_limit, false); }},
    {"ntsrefresh", M, [](const Args& a, Config& c) { return set_whole_seconds(a, c.nts_refresh); }},
    {"ntsrotate", M, [](const Args& a, Config& c) { return set_whole_seconds(a, c.nts_rotate); }},
    {"ntsservercert", M,
     [](const Args& a, Config& c) { return appended_path(a, c.nts_server_certs); }},
    {"ntsserverkey", M,
     [](const Args& a, Config& c) { return appended_path(a, c.nts_server_keys); }},
    {"ntstrustedcerts", M, ntstrustedcerts},
    {"opencommands", U, nullptr},
    {"peer", M, add_source},
    {"pidfile", M,  // no pid file is written: only "pidfile /" is what the daemon does
     [](const Args& a, Config& c) {
       Status s = set_path_or_off(a, c.pid_file);
       if (s.ok() && !c.pid_file.empty()) warn_unsupported(a);
       return s;
     }},
    {"pool", M, add_source},
    {"port", M, [](const Args& a, Config& c) { return set_integer(a, c.port, 0, 65535); }},
    {"ptpdomain", U, nullptr},
    {"ptpport", U, nullptr},
    {"ratelimit", M, [](const Args& a, Config& c) { return rate_limit(a, c.rate_limit, true); }},
    {"refclock", M, parse_refclock},
    {"refresh", U, nullptr},
    {"reselectdist", M, [](const Args& a, Config& c) { return set_seconds(a, c.reselect_dist); }},
    {"rtcautotrim", U, nullptr},
    {"rtcdevice", U, nullptr},
    {"rtcfile", U, nullptr},
    {"rtconutc", U, nullptr},
    {"rtcsync", M, [](const Args& a, Config& c) { return set_flag(a, c.rtc_sync); }},
    {"sched_priority", P,
     [](const Args& a, Config& c) { return set_integer(a, c.sched_priority, 0, 100); }},
    {"server", M, add_source},
    {"smoothtime", P, smoothtime},
    {"sourcedir", F, nullptr},
    {"stratumweight", M, [](const Args& a, Config& c) { return set_seconds(a, c.stratum_weight); }},
    {"tempcomp", U, nullptr},
    {"user", P, [](const Args& a, Config& c) { return set_string(a, c.user); }},
};

const Entry* find(std::string_view name) {
  for (const Entry& e : kDirectives)
    if (name == e.name) return &e;
  return nullptr;
}

}  // namespace

DirectiveClass classify_directive(std::string_view lowercase_name) {
  const Entry* e = find(lowercase_name);
  return e ? e->cls : DirectiveClass::kUnknown;
}

Status apply_directive(const Args& a, Config& c) {
  const Entry* e = find(a.name());
  // Precondition: classify_directive() said kModelled.
  if (!e || !e->handler)
    return core::Unexpected{
        a.error(ErrorKind::kUnknownDirective, "unknown directive " + quoted(a.name()))};
  return e->handler(a, c);
}

std::vector<std::string> directive_names() {
  std::vector<std::string> out;
  for (const Entry& e : kDirectives) out.emplace_back(e.name);
  return out;
}

}  // namespace detail
}  // namespace tempus::config
