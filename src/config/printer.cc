// SPDX-License-Identifier: ISC
// format_config: the effective configuration in chrony.conf syntax (see parser.h for the rules).
// Every line printed here must parse back to the same model; a field that is printed only when
// it differs from its default is safe because its absence means the default. Directives the
// daemon does not act on come last, under a comment, and only when they differ from chrony's
// default: the first part is what tempusd does.
#include <sstream>

#include "config/lexer.h"
#include "config/parser.h"

namespace tempus::config {
namespace {

class Printer {
 public:
  // Starts a directive line.
  Printer& line(std::string_view name) {
    if (open_) out_ << '\n';
    out_ << name;
    open_ = true;
    return *this;
  }
  Printer& word(std::string_view w) {
    out_ << ' ' << w;
    return *this;
  }
  Printer& num(int64_t v) { return word(std::to_string(v)); }
  Printer& secs(core::Duration d) { return word(format_seconds(d)); }
  Printer& real(double v) { return word(format_real(v)); }
  Printer& opt(std::string_view name, int64_t v) { return word(name).num(v); }
  Printer& opt_secs(std::string_view name, core::Duration d) { return word(name).secs(d); }
  Printer& opt_real(std::string_view name, double v) { return word(name).real(v); }
  Printer& flag(std::string_view name, bool on) { return on ? word(name) : *this; }
  void comment(std::string_view text) {
    if (open_) out_ << '\n';
    out_ << "# " << text;
    open_ = true;
  }
  std::string finish() {
    if (open_) out_ << '\n';
    open_ = false;
    return out_.str();
  }

 private:
  std::ostringstream out_;
  bool open_ = false;
};

void print_source(Printer& p, const NtpSource& s) {
  const NtpSource d;  // defaults
  p.line(to_string(s.kind)).word(s.host);
  p.flag("iburst", s.iburst).flag("burst", s.burst);
  p.opt("minpoll", s.minpoll.log2).opt("maxpoll", s.maxpoll.log2);
  p.opt("polltarget", s.poll_target).opt("port", s.port);
  if (s.key_id) p.opt("key", *s.key_id);
  p.flag("nts", s.nts);
  if (s.nts || s.nts_port != d.nts_port) p.opt("ntsport", s.nts_port);
  if (s.nts || s.cert_set != d.cert_set) p.opt("certset", s.cert_set);
  p.opt_secs("maxdelay", s.max_delay);
  if (s.max_delay_ratio != d.max_delay_ratio) p.opt_real("maxdelayratio", s.max_delay_ratio);
  p.opt_real("maxdelaydevratio", s.max_delay_dev_ratio);
  if (s.max_delay_quant != d.max_delay_quant) p.opt_real("maxdelayquant", s.max_delay_quant);
  if (s.min_delay != d.min_delay) p.opt_secs("mindelay", s.min_delay);
  if (s.asymmetry != d.asymmetry) p.opt_real("asymmetry", s.asymmetry);
  if (s.offset != d.offset) p.opt_secs("offset", s.offset);
  if (s.min_samples) p.opt("minsamples", *s.min_samples);
  if (s.max_samples) p.opt("maxsamples", *s.max_samples);
  if (s.filter != d.filter) p.opt("filter", s.filter);
  if (s.max_unreach != d.max_unreach) p.opt("maxunreach", s.max_unreach);
  p.flag("offline", s.offline).flag("auto_offline", s.auto_offline);
  p.flag("prefer", s.prefer).flag("noselect", s.noselect).flag("trust", s.trust);
  p.flag("require", s.require).flag("xleave", s.xleave).flag("copy", s.copy);
  if (s.presend) p.opt("presend", s.presend->log2);
  if (s.min_stratum != d.min_stratum) p.opt("minstratum", s.min_stratum);
  if (s.version) p.opt("version", *s.version);
  if (s.ext_mono_root) p.word("extfield").word("F323");
  if (s.ext_net_correction) p.word("extfield").word("F324");
  p.flag("ipv4", s.family == AddressFamily::kIpv4).flag("ipv6", s.family == AddressFamily::kIpv6);
  if (s.kind == SourceKind::kPool) p.opt("maxsources", s.max_sources);
}

void print_refclock(Printer& p, const Refclock& r) {
  p.line("refclock").word(r.driver).word(r.parameter);
  if (!r.refid.empty()) p.word("refid").word(r.refid);
  p.opt("poll", r.poll).opt("dpoll", r.dpoll).opt("filter", r.filter);
  p.flag("prefer", r.prefer).flag("noselect", r.noselect).flag("trust", r.trust);
  p.flag("require", r.require);
  p.opt_secs("offset", r.offset).opt_secs("delay", r.delay);
  if (r.precision != core::Duration{}) p.opt_secs("precision", r.precision);
  if (r.stratum != 0) p.opt("stratum", r.stratum);
  p.flag("tai", r.tai);
  if (r.min_samples) p.opt("minsamples", *r.min_samples);
  if (r.max_samples) p.opt("maxsamples", *r.max_samples);
  if (r.max_dispersion) p.opt_secs("maxdispersion", *r.max_dispersion);
  for (const std::string& o : r.other_options) p.word(o);
}

void print_access(Printer& p, const std::vector<AccessRule>& rules, const char* allow,
                  const char* deny) {
  for (const AccessRule& r : rules) {
    p.line(r.allow ? allow : deny).flag("all", r.all);
    if (r.target == AccessRule::Target::kSubnet) p.word(r.subnet.to_string());
    if (r.target == AccessRule::Target::kHostName) p.word(r.host);
  }
}

void print_rate_limit(Printer& p, const char* name, const RateLimit& r, bool with_kod) {
  if (!r.enabled) return;
  p.line(name).opt("interval", r.interval_log2).opt("burst", r.burst).opt("leak", r.leak);
  if (with_kod) p.opt("kod", r.kod);
}

void print_string(Printer& p, const char* name, const std::string& v) {
  if (!v.empty()) p.line(name).word(v);
}

}  // namespace

std::string format_config(const Config& c) {
  Printer p;
  Printer ignored;  // directives the daemon does not act on, printed last under a comment
  const Config d;   // defaults

  // Time sources.
  for (const NtpSource& s : c.sources) print_source(p, s);
  for (const auto& dirs : c.source_dirs) {
    p.line("sourcedir");
    for (const std::string& dir : dirs) p.word(dir);
  }
  for (const NtpSource& s : c.sourcedir_sources) {
    Printer one;
    print_source(one, s);
    std::string text = one.finish();
    text.pop_back();
    p.comment(s.where.to_string() + ": " + text);
  }
  for (const Refclock& r : c.refclocks) print_refclock(p, r);
  if (c.init_step_slew) {
    p.line("initstepslew").secs(c.init_step_slew->threshold);
    for (const std::string& h : c.init_step_slew->hosts) p.word(h);
  }
  if (c.acquisition_port) p.line("acquisitionport").num(*c.acquisition_port);
  p.line("bindacqaddress").word(c.bind_acq_address4.to_string());
  p.line("bindacqaddress").word(c.bind_acq_address6.to_string());

  // Source selection.
  p.line("combinelimit").real(c.combine_limit);
  p.line("maxdistance").secs(c.max_distance);
  p.line("maxjitter").secs(c.max_jitter);
  p.line("minsources").num(c.min_sources);
  p.line("reselectdist").secs(c.reselect_dist);
  p.line("stratumweight").secs(c.stratum_weight);
  if (c.auth_select_mode != d.auth_select_mode)
    p.line("authselectmode").word(to_string(c.auth_select_mode));

  // System clock.
  if (c.clock_precision != d.clock_precision) p.line("clockprecision").secs(c.clock_precision);
  p.line("corrtimeratio").real(c.corr_time_ratio);
  // The interval is only ever set together with a file, so it needs no line of its own; it is
  // printed only when not the default, as chronyd before 4.8 knows no interval option.
  if (!c.drift_file.empty()) {
    p.line("driftfile").word(c.drift_file);
    if (c.drift_interval != d.drift_interval)
      p.opt("interval", c.drift_interval.count_ns() / core::kNsPerSec);
  }
  p.line("leapsecmode").word(to_string(c.leap_sec_mode));
  print_string(p, "leapsectz", c.leap_sec_tz);
  print_string(p, "leapseclist", c.leap_sec_list);
  if (c.make_step_threshold != d.make_step_threshold || c.make_step_limit != d.make_step_limit)
    p.line("makestep").secs(c.make_step_threshold).num(c.make_step_limit);
  if (c.max_change)
    p.line("maxchange")
        .secs(c.max_change->offset)
        .num(c.max_change->start)
        .num(c.max_change->ignore);
  p.line("maxclockerror").real(c.max_clock_error_ppm);
  p.line("maxdrift").real(c.max_drift_ppm);
  p.line("maxslewrate").real(c.max_slew_rate_ppm);
  p.line("maxupdateskew").real(c.max_update_skew_ppm);
  if (c.rtc_sync) p.line("rtcsync");

  // NTP server.
  p.line("port").num(c.port);
  p.line("bindaddress").word(c.bind_address4.to_string());
  p.line("bindaddress").word(c.bind_address6.to_string());
  if (!c.bind_device.empty()) p.line("binddevice").word(c.bind_device);
  print_access(p, c.ntp_access, "allow", "deny");
  p.line("clientloglimit").num(static_cast<int64_t>(c.client_log_limit));
  if (c.no_client_log) p.line("noclientlog");
  if (c.local) {
    // Only the stratum is acted on; the other options are printed when set (and warned).
    const LocalReference& l = *c.local;
    const LocalReference dl;
    p.line("local").opt("stratum", l.stratum).flag("orphan", l.orphan);
    if (l.distance != dl.distance) p.opt_secs("distance", l.distance);
    if (l.activate != dl.activate) p.opt_secs("activate", l.activate);
    if (l.wait_synced != dl.wait_synced) p.opt_secs("waitsynced", l.wait_synced);
    if (l.wait_unsynced != (l.orphan ? core::Duration::s(300) : core::Duration{}))
      p.opt_secs("waitunsynced", l.wait_unsynced);
  }
  print_rate_limit(p, "ratelimit", c.rate_limit, true);

  // Command access: the Unix socket, then the UDP one (cmdport, its addresses, who, how often).
  p.line("bindcmdaddress").word(c.bind_cmd_path.empty() ? "/" : c.bind_cmd_path);
  p.line("cmdport").num(c.cmd_port);
  p.line("bindcmdaddress").word(c.bind_cmd_address4.to_string());
  p.line("bindcmdaddress").word(c.bind_cmd_address6.to_string());
  print_access(p, c.cmd_access, "cmdallow", "cmddeny");
  print_rate_limit(p, "cmdratelimit", c.cmd_rate_limit, false);

  // Files.
  print_string(p, "ntsdumpdir", c.nts_dump_dir);
  print_string(p, "keyfile", c.key_file);

  // NTS (only what differs from chrony's defaults).
  if (c.nts_port != d.nts_port) p.line("ntsport").num(c.nts_port);
  for (const std::string& f : c.nts_server_certs) p.line("ntsservercert").word(f);
  for (const std::string& f : c.nts_server_keys) p.line("ntsserverkey").word(f);
  for (const TrustedCerts& t : c.nts_trusted_certs)
    p.line("ntstrustedcerts").num(t.set_id).word(t.path);
  if (c.no_system_cert) p.line("nosystemcert");
  if (c.no_cert_time_check != d.no_cert_time_check)
    p.line("nocerttimecheck").num(c.no_cert_time_check);
  if (c.nts_rotate != d.nts_rotate)
    p.line("ntsrotate").num(c.nts_rotate.count_ns() / core::kNsPerSec);
  if (c.nts_refresh != d.nts_refresh)
    p.line("ntsrefresh").num(c.nts_refresh.count_ns() / core::kNsPerSec);
  if (c.max_nts_connections != d.max_nts_connections)
    p.line("maxntsconnections").num(c.max_nts_connections);
  print_string(p, "ntsntpserver", c.nts_ntp_server);
  if (c.nts_aeads != d.nts_aeads) {
    p.line("ntsaeads");
    for (int id : c.nts_aeads) p.num(id);
  }
  print_rate_limit(p, "ntsratelimit", c.nts_rate_limit, false);
  print_string(p, "logdir", c.log_dir);
  if (c.log.any()) {
    p.line("log").flag("measurements", c.log.measurements);
    p.flag("rawmeasurements", c.log.raw_measurements).flag("statistics", c.log.statistics);
    p.flag("tracking", c.log.tracking).flag("rtc", c.log.rtc);
    p.flag("refclocks", c.log.refclocks).flag("tempcomp", c.log.tempcomp);
    p.flag("selection", c.log.selection);
  }
  if (c.log_banner != d.log_banner) p.line("logbanner").num(c.log_banner);
  if (c.log_change != d.log_change) p.line("logchange").secs(c.log_change);
  if (c.pid_file.empty()) p.line("pidfile").word("/");

  // Parsed but not acted on (each warned at its line): only what differs from chrony's default,
  // so an absent line still means the default.
  if (c.manual) ignored.line("manual");
  if (c.max_stratum != d.max_stratum) ignored.line("maxstratum").num(c.max_stratum);
  if (c.min_stratum != d.min_stratum) ignored.line("minstratum").num(c.min_stratum);
  if (c.fallback_drift)
    ignored.line("fallbackdrift").num(c.fallback_drift->min_log2).num(c.fallback_drift->max_log2);
  if (c.smooth_time) {
    ignored.line("smoothtime")
        .real(c.smooth_time->max_freq_ppm)
        .real(c.smooth_time->max_wander_ppm_per_s);
    ignored.flag("leaponly", c.smooth_time->leap_only);
  }
  if (c.dscp != d.dscp) ignored.line("dscp").num(c.dscp);
  if (c.nts_processes != d.nts_processes) ignored.line("ntsprocesses").num(c.nts_processes);
  print_string(ignored, "dumpdir", c.dump_dir);
  if (!c.pid_file.empty() && c.pid_file != d.pid_file) ignored.line("pidfile").word(c.pid_file);
  print_string(ignored, "user", c.user);
  if (c.lock_all) ignored.line("lock_all");
  if (c.sched_priority != d.sched_priority) ignored.line("sched_priority").num(c.sched_priority);

  std::string out = p.finish();
  if (std::string rest = ignored.finish(); !rest.empty())
    out += "# Not supported yet; ignored by tempusd:\n" + rest;
  return out;
}

std::string format_config(const ParseOutput& out) {
  if (out.language != ConfigLanguage::kNtp) return format_config(out.config);
  std::string head = "# chrony.conf equivalent of an ntp.conf, printed by tempusd -p.\n";
  if (!out.warnings.empty()) head += "# Not translated (warnings):\n";
  for (const Warning& w : out.warnings) head += "#   " + w.to_string() + "\n";
  if (!out.notes.empty()) head += "# Translated with a difference to ntpd:\n";
  for (const Warning& n : out.notes) head += "#   " + n.to_string() + "\n";
  return head + format_config(out.config);
}

}  // namespace tempus::config
