// SPDX-License-Identifier: ISC
#include "proc/mode6_vars.h"

#include <algorithm>

#include "tempus_build.h"
#include "sys/udp.h"

namespace tempus::proc {

namespace m6 = core::mode6;

core::AccessTable control_access(const config::Config& cfg) {
  std::vector<core::AccessRule> rules = {
      {.allow = true, .all = false,
       .subnet = core::Subnet::make(core::IpAddress::v4(0x7f000000), 8).value()},
      {.allow = true, .all = false,
       .subnet = core::Subnet::host(core::IpAddress::loopback(core::IpFamily::kV6))},
  };
  for (const config::AccessRule& r : cfg.cmd_access) {
    switch (r.target) {
      case config::AccessRule::Target::kAnyAddress:
        rules.push_back({.allow = r.allow, .all = r.all, .subnet = std::nullopt});
        break;
      case config::AccessRule::Target::kSubnet:
        rules.push_back({.allow = r.allow, .all = r.all, .subnet = r.subnet});
        break;
      case config::AccessRule::Target::kHostName: break;
    }
  }
  return core::AccessTable(rules);
}

uint16_t assoc_id_of(uint32_t source_id) {
  return static_cast<uint16_t>((source_id - 1) % 65535 + 1);
}

namespace {

m6::PeerSelect select_of(core::SelectState s) {
  switch (s) {
    case core::SelectState::kSelected: return m6::PeerSelect::kSysPeer;
    case core::SelectState::kCombined: return m6::PeerSelect::kCandidate;
    case core::SelectState::kNotCombined: return m6::PeerSelect::kOutlier;
    case core::SelectState::kFalseticker: return m6::PeerSelect::kFalseticker;
    case core::SelectState::kJittery: return m6::PeerSelect::kExcess;
    case core::SelectState::kUnusable: break;
  }
  return m6::PeerSelect::kReject;
}

m6::PeerVariables peer_of(const Associations::SourceReport& r, int refclock_unit) {
  const core::SourceView& v = r.view;
  m6::PeerVariables p;
  p.assoc_id = assoc_id_of(v.id);
  p.select = select_of(v.state);
  p.refclock = r.refclock;
  if (r.refclock) {
    p.host = r.name + "(" + std::to_string(refclock_unit) + ")";  // ntpd's "DRIVER(unit)"
    p.ref_id = core::ref_id_ascii(r.name);
  } else {
    p.address = r.address;
    p.port = r.port;
    if (r.socket >= 0)
      if (auto local = sys::local_address(r.socket, {r.address, r.port}); local && !local->is_unspecified())
        p.local = *local;
  }
  p.host_mode = r.peer ? 1 : 3;
  p.host_poll = p.peer_poll = v.poll.log2;
  p.reach = v.reach;
  p.flash = v.reach == 0 ? 0x1000 : 0;  // ntpd's peer_unreach
  if (v.estimate.valid) {
    p.leap = v.estimate.leap;
    p.stratum = v.estimate.stratum;
    p.root_delay = v.estimate.root_delay;
    p.root_dispersion = v.estimate.root_dispersion;
    p.jitter = v.estimate.std_dev;
    if (!r.refclock) p.ref_id = v.estimate.ref_id;
  }
  if (v.last.valid) p.offset = v.last.adjusted_offset;
  if (r.refclock && v.last_sample_time) {
    p.received = p.ref_time = *v.last_sample_time;
  }
  if (r.last_header) {
    const core::Header& h = *r.last_header;
    p.precision = h.precision;
    p.peer_poll = h.poll;
    p.peer_mode = static_cast<uint8_t>(h.mode);
    if (!h.reference_ts.is_zero()) p.ref_time = h.reference_ts.to_time(r.last_t4);
    p.received = r.last_t4;
    const core::Duration server_time = h.transmit_ts - h.receive_ts;
    p.delay = std::max(core::Duration(), (r.last_t4 - r.last_t1) - server_time);
  }
  if (v.last.valid) {
    const core::Duration half_delay = core::Duration::ns(p.delay.count_ns() / 2);
    p.dispersion = std::max(core::Duration(), v.last.error - half_delay);
  }
  return p;
}

}  // namespace

NtpServer::ControlVariables control_variables(const Associations& assocs) {
  NtpServer::ControlVariables out;
  const auto reports = assocs.source_reports();
  const auto selected = assocs.selected();
  int unit = 0;
  for (const auto& r : reports) out.peers.push_back(peer_of(r, r.refclock ? unit++ : 0));

  m6::SystemVariables& s = out.system;
  const core::ServerState st = assocs.server_state();  // what clients are told
  const core::TrackingReport t = assocs.tracking();
  s.leap = st.leap;
  s.stratum = st.stratum;
  s.precision = st.precision;
  s.root_delay = st.root_delay;
  s.root_dispersion = st.root_dispersion;
  s.ref_id = st.ref_id;
  if (st.stratum != 0) s.ref_time = st.ref_time;
  s.source = st.stratum == 0 ? m6::ClockSource::kUnspecified : m6::ClockSource::kLocal;
  // tc: the selected source's poll, else the shortest; never below 0 (ntpstat shifts by it).
  std::optional<int> poll;
  for (const auto& r : reports) {
    if (!poll || r.view.poll.log2 < *poll) poll = r.view.poll.log2;
    if (!assocs.synchronised() || selected != r.view.id) continue;
    s.peer = assoc_id_of(r.view.id);
    s.source = r.refclock ? m6::ClockSource::kRadio : m6::ClockSource::kNtp;
    s.sys_jitter = r.view.estimate.std_dev;
    poll = r.view.poll.log2;
    break;
  }
  if (poll) s.poll = static_cast<int8_t>(std::clamp(*poll, 0, 17));
  s.offset = t.last_offset;
  s.frequency_ppm = t.freq_ppm;
  s.clk_jitter = t.rms_offset;
  s.clk_wander_ppm = t.skew_ppm;
  s.clock = assocs.now();
  s.version = "tempus " TEMPUS_VERSION;
  return out;
}

}  // namespace tempus::proc
