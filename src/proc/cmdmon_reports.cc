// SPDX-License-Identifier: ISC
#include "proc/cmdmon_reports.h"

#include <algorithm>
#include <cmath>

#include "crypto/refid.h"
#include "sys/udp.h"

namespace tempus::proc {

namespace cm = core::cmdmon;

namespace {

constexpr uint32_t kNever = 0xffffffff;

double sec(core::Duration d) { return d.to_seconds_f(); }

uint32_t seconds_ago(core::Timestamp now, std::optional<core::Timestamp> t) {
  if (!t) return kNever;
  const int64_t s = (now - *t).count_ns() / core::kNsPerSec;
  return static_cast<uint32_t>(std::clamp<int64_t>(s, 0, kNever - 1));
}

uint32_t ref_id_of(const Associations::SourceReport& r) {
  if (r.refclock) return core::ref_id_ascii(r.name);
  return crypto::ref_id_of(r.address);
}

uint16_t sd_state(core::SelectState s) {
  switch (s) {
    case core::SelectState::kSelected: return cm::SourceData::kSelected;
    case core::SelectState::kCombined: return cm::SourceData::kUnselected;  // '+'
    case core::SelectState::kNotCombined: return cm::SourceData::kSelectable;  // '-'
    case core::SelectState::kFalseticker: return cm::SourceData::kFalseticker;
    case core::SelectState::kJittery: return cm::SourceData::kJittery;
    case core::SelectState::kUnusable: break;
  }
  return cm::SourceData::kNonselectable;
}

// chronyc selectdata's state column (chrony's letters where the core knows the reason).
uint8_t select_char(const Associations::SourceReport& r) {
  const core::SourceView& v = r.view;
  switch (v.state) {
    case core::SelectState::kSelected: return '*';
    case core::SelectState::kCombined: return '+';
    case core::SelectState::kNotCombined: return 'D';  // not combined: too distant
    case core::SelectState::kFalseticker: return 'x';
    case core::SelectState::kJittery: return '~';
    case core::SelectState::kUnusable: break;
  }
  if (r.noselect) return 'N';
  if (!v.estimate.valid || !v.estimate.selectable) return 'M';
  if (v.estimate.leap == core::Leap::kUnsync) return 's';
  return 'd';
}

uint16_t select_options(const Associations::SourceReport& r) {
  return static_cast<uint16_t>((r.noselect ? cm::SelectData::kNoselect : 0) |
                               (r.prefer ? cm::SelectData::kPrefer : 0) |
                               (r.trust ? cm::SelectData::kTrust : 0) |
                               (r.require ? cm::SelectData::kRequire : 0));
}

cm::Address address_of(const Associations::SourceReport& r) {
  return r.refclock ? cm::Address::none() : cm::Address::of(r.address);
}

cm::Reply with(const cm::Request& req, cm::Body body) {
  return cm::Reply{req.command, req.sequence, cm::Status::kSuccess, std::move(body)};
}

}  // namespace

config::NtpSource source_from_request(const cm::SourceRequest& r) {
  using R = cm::SourceRequest;
  constexpr int kMinPoll = -6, kMaxPoll = 24;
  config::NtpSource s;
  s.kind = r.type == R::kPeer   ? config::SourceKind::kPeer
           : r.type == R::kPool ? config::SourceKind::kPool
                                : config::SourceKind::kServer;
  s.host = r.name_text();
  if (auto a = core::IpAddress::parse(s.host)) s.address = *a;
  s.port = static_cast<uint16_t>(r.port);
  const int minpoll = r.minpoll < kMinPoll ? 6 : std::min(r.minpoll, kMaxPoll);
  const int maxpoll = r.maxpoll < kMinPoll ? 10 : std::min(r.maxpoll, kMaxPoll);
  s.minpoll = core::PollLog{static_cast<int8_t>(minpoll)};
  s.maxpoll = core::PollLog{static_cast<int8_t>(std::max(minpoll, maxpoll))};
  if (r.presend_minpoll >= kMinPoll && r.presend_minpoll <= kMaxPoll)
    s.presend = core::PollLog{static_cast<int8_t>(r.presend_minpoll)};
  s.poll_target = static_cast<int>(std::clamp<uint32_t>(r.poll_target, 1, 1000));
  s.min_stratum = static_cast<int>(std::min<uint32_t>(r.min_stratum, 16));
  if (r.version >= 1 && r.version <= 4) s.version = static_cast<int>(r.version);
  s.max_sources = static_cast<int>(std::clamp<uint32_t>(r.max_sources, 1, 16));
  if (r.min_samples >= 0) s.min_samples = r.min_samples;
  if (r.max_samples >= 0) s.max_samples = r.max_samples;
  if (r.authkey != 0) s.key_id = r.authkey;
  s.nts_port = static_cast<uint16_t>(r.nts_port);
  s.cert_set = r.cert_set;
  auto secs = [](double x) { return core::Duration::from_seconds_f(std::clamp(x, 0.0, 1e3)); };
  s.max_delay = secs(r.max_delay);
  s.max_delay_ratio = std::clamp(r.max_delay_ratio, 0.0, 1e6);
  s.max_delay_dev_ratio = std::clamp(r.max_delay_dev_ratio, 0.0, 1e6);
  s.max_delay_quant = std::clamp(r.max_delay_quant, 0.0, 1.0);
  s.min_delay = secs(r.min_delay);
  s.asymmetry = std::clamp(r.asymmetry, -1.0, 1.0);
  s.offset = core::Duration::from_seconds_f(std::clamp(r.offset, -1e3, 1e3));
  s.filter = std::clamp(r.filter_length, 0, 1000);
  s.offline = (r.flags & R::kOnline) == 0;
  s.auto_offline = r.flags & R::kAutoOffline;
  s.iburst = r.flags & R::kIburst;
  s.burst = r.flags & R::kBurst;
  s.prefer = r.flags & R::kPrefer;
  s.noselect = r.flags & R::kNoselect;
  s.trust = r.flags & R::kTrust;
  s.require = r.flags & R::kRequire;
  s.xleave = r.flags & R::kInterleaved;
  s.nts = r.flags & R::kNts;
  s.copy = r.flags & R::kCopy;
  return s;
}

std::vector<Associations::SourceReport> CmdmonReporter::reports() const {
  return assocs_ ? assocs_->source_reports() : std::vector<Associations::SourceReport>{};
}

std::optional<Associations::SourceReport> CmdmonReporter::by_address(const cm::Address& a) const {
  if (!a.ip) return std::nullopt;
  for (auto& r : reports())
    if (!r.refclock && r.address == *a.ip) return r;
  return std::nullopt;
}

cm::Reply CmdmonReporter::answer(const cm::Request& req, bool privileged,
                                 const CmdmonCounters& counters) const {
  if (!privileged && !cm::is_open_command(req.command))
    return cm::status_reply(req, cm::Status::kUnauth);
  switch (req.command) {
    case cm::cmd::kNull: return cm::status_reply(req, cm::Status::kSuccess);
    case cm::cmd::kNSources:
      return with(req, cm::NSources{static_cast<uint32_t>(reports().size())});
    case cm::cmd::kSourceData: return source_data(req);
    case cm::cmd::kTracking: return tracking(req);
    case cm::cmd::kSourceStats: return source_stats(req);
    case cm::cmd::kSelectData: return select_data(req);
    case cm::cmd::kNtpData: return ntp_data(req);
    case cm::cmd::kNtpSourceName: return source_name(req);
    case cm::cmd::kAuthData: return auth_data(req);
    case cm::cmd::kActivity: return activity(req);
    case cm::cmd::kServerStats: return server_stats(req, counters);
    case cm::cmd::kClientAccessesByIndex3: return clients(req);
    case cm::cmd::kManualList: return with(req, cm::ManualList{});
    case cm::cmd::kSmoothing: return cm::status_reply(req, cm::Status::kNotEnabled);
    case cm::cmd::kRtcReport: return cm::status_reply(req, cm::Status::kNoRtc);
    default: return change(req);
  }
}

cm::Reply CmdmonReporter::change(const cm::Request& req) const {
  using C = Associations::Connectivity;
  auto status = [&](cm::Status s) { return cm::status_reply(req, s); };
  switch (req.command) {
    case cm::cmd::kSmoothTime: return status(cm::Status::kNotEnabled);
    case cm::cmd::kWriteRtc:
    case cm::cmd::kTrimRtc: return status(cm::Status::kNoRtc);
    case cm::cmd::kSetTime: return status(cm::Status::kNotEnabled);
    case cm::cmd::kManualDelete: return status(cm::Status::kBadSample);
    case cm::cmd::kManual:
      if (req.option < 0 || req.option > 2) return status(cm::Status::kInvalid);
      return status(req.option == 1 ? cm::Status::kFailed : cm::Status::kSuccess);
    case cm::cmd::kCycleLogs:
      return status(control_ ? control_->cycle_logs() : cm::Status::kSuccess);
    case cm::cmd::kDump: return status(cm::Status::kSuccess);
    default: break;
  }
  if (!control_) return status(cm::Status::kFailed);
  switch (req.command) {
    case cm::cmd::kOnline: return status(control_->set_connectivity(req, C::kOnline));
    case cm::cmd::kOffline: return status(control_->set_connectivity(req, C::kOffline));
    case cm::cmd::kOnOffline: return status(control_->set_connectivity(req, C::kMaybe));
    case cm::cmd::kBurst: return status(control_->burst(req));
    case cm::cmd::kMakeStep: return status(control_->make_step());
    case cm::cmd::kAddSource: {
      const cm::Status s = cm::check_source(req.source);
      return status(s != cm::Status::kSuccess ? s : control_->add_source(req.source));
    }
    case cm::cmd::kDelSource:
      if (!req.address.ip) return status(cm::Status::kNoSuchSource);
      return status(control_->delete_source(*req.address.ip));
    case cm::cmd::kReloadSources: return status(control_->reload_sources());
    case cm::cmd::kLocal2: return status(control_->set_local(req.local));
    case cm::cmd::kRekey: return status(control_->rekey());
    case cm::cmd::kAllow:
    case cm::cmd::kAllowAll:
    case cm::cmd::kDeny:
    case cm::cmd::kDenyAll:
    case cm::cmd::kCmdAllow:
    case cm::cmd::kCmdAllowAll:
    case cm::cmd::kCmdDeny:
    case cm::cmd::kCmdDenyAll: {
      const auto rule = cm::access_rule(req);
      if (!rule) return status(rule.error());
      return status(control_->add_access(req.command >= cm::cmd::kCmdAllow, *rule));
    }
    case cm::cmd::kAcCheck:
    case cm::cmd::kCmdAcCheck:
      if (!req.address.ip) return status(cm::Status::kBadSubnet);
      return status(control_->check_access(req.command == cm::cmd::kCmdAcCheck, *req.address.ip));
    case cm::cmd::kReselect: return status(control_->reselect());
    case cm::cmd::kResetSources: return status(control_->reset_sources());
    case cm::cmd::kRefresh: return status(control_->refresh());
    case cm::cmd::kShutdown: return status(control_->shutdown());
    default: return status(cm::Status::kFailed);
  }
}

cm::Reply CmdmonReporter::tracking(const cm::Request& req) const {
  cm::Tracking t;
  if (!assocs_) return with(req, t);
  const core::TrackingReport tr = assocs_->tracking();
  if (assocs_->synchronised()) {
    t.ref_id = tr.ref_id;
    t.stratum = tr.stratum;
    t.leap = static_cast<uint16_t>(tr.leap);
    t.ref_time = tr.ref_time;
    for (const auto& r : reports())
      if (assocs_->selected() == r.view.id) t.address = address_of(r);
  } else if (const core::ServerState s = assocs_->server_state(); s.stratum != 0) {
    // The `local` reference, as chronyd reports it while it serves its own clock.
    t.ref_id = s.ref_id;
    t.stratum = s.stratum;
    t.leap = static_cast<uint16_t>(s.leap);
    t.ref_time = s.ref_time;
  }
  t.current_correction = sec(tr.system_time_offset);
  t.last_offset = -sec(tr.last_offset);
  t.rms_offset = sec(tr.rms_offset);
  t.freq_ppm = -tr.freq_ppm;  // chrony: the clock's own error, > 0 fast
  t.resid_freq_ppm = tr.residual_freq_ppm;
  t.skew_ppm = tr.skew_ppm;
  t.root_delay = sec(tr.root_delay);
  t.root_dispersion = sec(tr.root_dispersion);
  t.last_update_interval = sec(tr.update_interval);
  return with(req, t);
}

cm::Reply CmdmonReporter::source_data(const cm::Request& req) const {
  const auto rs = reports();
  if (req.index >= rs.size()) return cm::status_reply(req, cm::Status::kNoSuchSource);
  const auto& r = rs[req.index];
  const core::SourceView& v = r.view;
  cm::SourceData s;
  // A refclock travels as an IPv4 address carrying its refid (chronyc prints it as text).
  s.address = r.refclock ? cm::Address::of(core::IpAddress::v4(core::ref_id_ascii(r.name)))
                         : cm::Address::of(r.address);
  s.poll = v.poll.log2;
  s.stratum = v.estimate.valid ? v.estimate.stratum : 0;
  s.state = sd_state(v.state);
  s.mode = r.refclock ? cm::SourceData::kRefclock
           : r.peer   ? cm::SourceData::kPeer
                      : cm::SourceData::kClient;
  s.reach = v.reach;
  s.since_sample = seconds_ago(assocs_->now(), v.last_sample_time);
  if (v.last.valid) {
    s.orig_latest_meas = -sec(v.last.measured_offset);
    s.latest_meas = -sec(v.last.adjusted_offset);
    s.latest_meas_err = sec(v.last.error);
  }
  return with(req, s);
}

cm::Reply CmdmonReporter::source_stats(const cm::Request& req) const {
  const auto rs = reports();
  if (req.index >= rs.size()) return cm::status_reply(req, cm::Status::kNoSuchSource);
  const auto& r = rs[req.index];
  const core::SourceView& v = r.view;
  cm::SourceStats s;
  s.ref_id = ref_id_of(r);
  s.address = address_of(r);
  s.n_samples = static_cast<uint32_t>(v.stats.np);
  s.n_runs = static_cast<uint32_t>(v.stats.nr);
  s.span_seconds = static_cast<uint32_t>(std::max<int64_t>(0, std::llround(sec(v.stats.span))));
  s.sd = sec(v.stats.std_dev);
  s.resid_freq_ppm = v.stats.freq_ppm;
  s.skew_ppm = v.stats.skew_ppm;
  s.est_offset = -sec(v.stats.offset);
  s.est_offset_err = v.estimate.valid ? sec(v.estimate.offset_sd) : 0.0;
  return with(req, s);
}

cm::Reply CmdmonReporter::select_data(const cm::Request& req) const {
  const auto rs = reports();
  if (req.index >= rs.size()) return cm::status_reply(req, cm::Status::kNoSuchSource);
  const auto& r = rs[req.index];
  const core::SourceView& v = r.view;
  cm::SelectData s;
  s.ref_id = ref_id_of(r);
  s.address = address_of(r);
  s.state_char = select_char(r);
  s.authentication = r.key_id ? 1 : 0;
  s.leap = static_cast<uint8_t>(v.estimate.valid ? v.estimate.leap : core::Leap::kUnsync);
  s.conf_options = s.eff_options = select_options(r);
  s.last_sample_ago = seconds_ago(assocs_->now(), v.last_sample_time);
  if (v.estimate.valid) {
    const double offset = -sec(v.estimate.offset);
    const double distance = sec(v.estimate.root_distance);
    s.lo_limit = offset - distance;
    s.hi_limit = offset + distance;
  }
  return with(req, s);
}

cm::Reply CmdmonReporter::ntp_data(const cm::Request& req) const {
  const auto r = by_address(req.address);
  if (!r) return cm::status_reply(req, cm::Status::kNoSuchSource);
  const core::SourceView& v = r->view;
  cm::NtpData d;
  d.remote = cm::Address::of(r->address);
  d.remote_port = r->port;
  if (r->socket >= 0)
    if (auto local = sys::local_address(r->socket, {r->address, r->port}))
      d.local = cm::Address::of(*local);
  if (r->last_header) {
    const core::Header& h = *r->last_header;
    d.leap = static_cast<uint8_t>(h.leap);
    d.version = h.version;
    d.mode = static_cast<uint8_t>(h.mode);
    d.stratum = h.stratum;
    d.poll = h.poll;
    d.precision = h.precision;
    d.root_delay = sec(h.root_delay.to_duration());
    d.root_dispersion = sec(h.root_dispersion.to_duration());
    d.ref_id = h.ref_id;
    if (!h.reference_ts.is_zero()) d.ref_time = h.reference_ts.to_time(r->last_t4);
    const core::Duration server_time = h.transmit_ts - h.receive_ts;
    const double delay = std::max(0.0, sec((r->last_t4 - r->last_t1) - server_time));
    d.response_time = sec(server_time);
    d.peer_delay = delay;
    if (v.last.valid) d.peer_dispersion = std::max(0.0, sec(v.last.error) - delay / 2);
    d.flags = 0x3ff;  // the reply passed every test: it gave a sample
    if (r->key_id || r->nts) d.flags |= 0x8000;  // ...test 5 included: authenticated
  }
  if (v.last.valid) d.offset = -sec(v.last.measured_offset);
  d.tx_tss_char = r->kernel_tx ? 'K' : 'D';
  d.rx_tss_char = 'K';
  const core::ClientCounters& c = v.counters;
  d.total_tx = static_cast<uint32_t>(c.requests);
  d.total_rx = static_cast<uint32_t>(c.valid_replies + c.bogus);
  d.total_valid = static_cast<uint32_t>(c.valid_replies);
  d.total_good = static_cast<uint32_t>(c.samples);
  return with(req, d);
}

cm::Reply CmdmonReporter::source_name(const cm::Request& req) const {
  const auto r = by_address(req.address);
  if (!r) return cm::status_reply(req, cm::Status::kNoSuchSource);
  return with(req, cm::SourceName{r->name});
}

cm::Reply CmdmonReporter::auth_data(const cm::Request& req) const {
  const auto r = by_address(req.address);
  if (!r) return cm::status_reply(req, cm::Status::kNoSuchSource);
  cm::AuthData a;  // mode none unless the source has a key or NTS
  if (r->nts) {
    // chronyd's NTS rows: the key ID column counts NTS-KE sessions, the type is the AEAD.
    const auto& n = *r->nts;
    a.mode = 2;
    a.key_id = static_cast<uint32_t>(std::min<uint64_t>(n.sessions, UINT32_MAX));
    a.key_type = n.aead;
    a.key_length = n.key_bits;
    a.ke_attempts = static_cast<uint16_t>(std::min<uint32_t>(n.ke_attempts, UINT16_MAX));
    if (n.session_start && assocs_) {
      const double ago = (assocs_->now() - *n.session_start).to_seconds_f();
      a.last_ke_ago = ago < 0 ? 0 : static_cast<uint32_t>(std::min(ago, 4294967294.0));
    }
    a.cookies = n.cookies;
    a.cookie_length = n.cookie_len;
    a.nak = n.nak ? 1 : 0;
  } else if (r->key_id) {
    a.mode = 1;  // symmetric key
    a.key_id = *r->key_id;
    if (r->key) {
      a.key_type = core::chrony_key_type(r->key->type);
      a.key_length = static_cast<uint16_t>(8 * r->key->length);  // bits
    }
  }
  return with(req, a);
}

cm::Reply CmdmonReporter::activity(const cm::Request& req) const {
  cm::Activity a;
  if (assocs_) {
    const Associations::Activity n = assocs_->activity();
    a.online = n.online;
    a.offline = n.offline;
    a.burst_online = n.burst_online;
    a.burst_offline = n.burst_offline;
  }
  if (names_)
    for (const auto& s : names_->sources())
      if (s.resolve != SourceEntry::Resolve::kLiteral && s.resolve != SourceEntry::Resolve::kOk)
        ++a.unresolved;
  return with(req, a);
}

cm::Reply CmdmonReporter::server_stats(const cm::Request& req, const CmdmonCounters& c) const {
  cm::ServerStats s;
  s.wide = req.length >= cm::kServerStats4Len;
  s.cmd_hits = c.received;
  s.cmd_drops = c.dropped;
  if (server_) {
    const core::ServerStats& st = server_->stats();
    s.ntp_hits = st.valid_requests();
    s.ntp_drops = st.rate_limited;
    s.daemon_rx_ts = st.daemon_rx_ts;
    s.daemon_tx_ts = st.daemon_tx_ts;
    s.kernel_rx_ts = st.kernel_rx_ts;
    s.kernel_tx_ts = st.kernel_tx_ts;
    const auto nts = server_->nts_counters();
    s.nke_hits = nts.ke_accepted;
    s.nke_drops = nts.ke_dropped;
    // Authenticated replies: symmetric-key MACs and NTS.
    s.ntp_auth_hits = st.authenticated + nts.authenticated;
    if (const core::ClientLog* log = server_->client_log()) {
      s.log_drops = log->records_dropped();
      s.ntp_timestamps = log->timestamps_held();
    }
  }
  return with(req, s);
}

cm::Reply CmdmonReporter::clients(const cm::Request& req) const {
  const core::ClientLog* log = server_ ? server_->client_log() : nullptr;
  if (!log || !assocs_) return cm::status_reply(req, cm::Status::kInactive);
  const auto records = log->records();
  const core::Timestamp now = assocs_->now();
  cm::ClientAccesses out;
  out.n_indices = static_cast<uint32_t>(records.size());
  const uint32_t want = std::min<uint32_t>(req.clients.n_clients, cm::ClientAccesses::kMax);
  uint32_t i = req.clients.first_index;
  for (; i < records.size() && out.clients.size() < want; ++i) {
    const core::ClientRecord& rec = records[i];
    if (rec.ntp_hits < req.clients.min_hits) continue;
    cm::ClientAccess c;
    c.address = cm::Address::of(rec.address);
    c.ntp_hits = rec.ntp_hits;
    c.ntp_drops = rec.ntp_drops;
    c.ntp_interval = rec.interval_log2;
    c.ntp_timeout_interval = rec.limited_interval_log2;
    c.last_ntp_hit_ago = seconds_ago(now, rec.last_seen);
    out.clients.push_back(c);
  }
  out.next_index = i;
  return with(req, out);
}

}  // namespace tempus::proc
