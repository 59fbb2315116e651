// SPDX-License-Identifier: ISC
#include "core/chronyc_json.h"

namespace tempus::core::chronyc::json {

namespace cm = cmdmon;

namespace {

constexpr uint32_t kNever = 0xffffffff;

Json seconds_or_null(uint32_t s) { return s == kNever ? Json() : Json(s); }
Json log2_or_null(int8_t v) { return v >= 127 ? Json() : Json(v); }
double unix_seconds(Timestamp t) { return static_cast<double>(t.unix_ns()) * 1e-9; }
std::string hex32(uint32_t v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(8, '0');
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = kHex[(v >> (28 - 4 * i)) & 15];
  return out;
}
Json address(const cm::Address& a) {
  return !a.ip && a.id == 0 ? Json() : Json(address_text(a));
}
Json options(uint16_t o) {
  Json out = Json::array();
  if (o & cm::SelectData::kNoselect) out.push_back("noselect");
  if (o & cm::SelectData::kPrefer) out.push_back("prefer");
  if (o & cm::SelectData::kTrust) out.push_back("trust");
  if (o & cm::SelectData::kRequire) out.push_back("require");
  return out;
}
bool unspec(const cm::Address& a) { return !a.ip && a.id == 0; }

}  // namespace

const char* leap_word(int leap) {
  switch (leap) {
    case 0: return "normal";
    case 1: return "insert";
    case 2: return "delete";
    case 3: return "unsynchronised";
    default: return "invalid";
  }
}

const char* source_mode_word(uint16_t m) {
  switch (m) {
    case cm::SourceData::kClient: return "server";
    case cm::SourceData::kPeer: return "peer";
    case cm::SourceData::kRefclock: return "refclock";
    default: return "unknown";
  }
}

const char* source_state_word(uint16_t s) {
  switch (s) {
    case cm::SourceData::kSelected: return "selected";
    case cm::SourceData::kNonselectable: return "unusable";
    case cm::SourceData::kFalseticker: return "falseticker";
    case cm::SourceData::kJittery: return "jittery";
    case cm::SourceData::kUnselected: return "combined";
    case cm::SourceData::kSelectable: return "not_combined";
    default: return "unknown";
  }
}

Json tracking(const cm::Tracking& t, const Naming& n) {
  return Json{
      {"reference_id", hex32(t.ref_id)},
      {"reference_name", format_name(t.address, unspec(t.address), t.ref_id, true, 0, n)},
      {"address", address(t.address)},
      {"stratum", t.stratum},
      {"ref_time", unix_seconds(t.ref_time)},
      {"system_time_s", t.current_correction},
      {"last_offset_s", t.last_offset},
      {"rms_offset_s", t.rms_offset},
      {"frequency_ppm", t.freq_ppm},
      {"residual_frequency_ppm", t.resid_freq_ppm},
      {"skew_ppm", t.skew_ppm},
      {"root_delay_s", t.root_delay},
      {"root_dispersion_s", t.root_dispersion},
      {"update_interval_s", t.last_update_interval},
      {"leap_status", leap_word(t.leap)},
  };
}

Json source(const cm::SourceData& s, const Naming& n) {
  const bool ref = s.mode == cm::SourceData::kRefclock && s.address.ip && s.address.ip->is_v4();
  return Json{
      {"mode", source_mode_word(s.mode)},
      {"state", source_state_word(s.state)},
      {"name", format_name(s.address, ref, ref ? s.address.ip->v4_value() : 0, true, 0, n)},
      {"address", ref ? Json() : address(s.address)},
      {"stratum", s.stratum},
      {"poll", s.poll},
      {"reach", s.reach},
      {"last_rx_s", seconds_or_null(s.since_sample)},
      {"adjusted_offset_s", s.latest_meas},
      {"measured_offset_s", s.orig_latest_meas},
      {"error_s", s.latest_meas_err},
  };
}

Json sourcestats(const cm::SourceStats& s, const Naming& n) {
  return Json{
      {"name", format_name(s.address, unspec(s.address), s.ref_id, true, 0, n)},
      {"address", address(s.address)},
      {"samples", s.n_samples},
      {"runs", s.n_runs},
      {"span_s", s.span_seconds},
      {"frequency_ppm", s.resid_freq_ppm},
      {"skew_ppm", s.skew_ppm},
      {"offset_s", s.est_offset},
      {"std_dev_s", s.sd},
  };
}

Json selectdata(const cm::SelectData& s, const Naming& n) {
  return Json{
      {"state", std::string(1, static_cast<char>(s.state_char))},
      {"name", format_name(s.address, unspec(s.address), s.ref_id, true, 0, n)},
      {"address", address(s.address)},
      {"authenticated", s.authentication != 0},
      {"configured_options", options(s.conf_options)},
      {"effective_options", options(s.eff_options)},
      {"last_sample_s", seconds_or_null(s.last_sample_ago)},
      {"score", s.score},
      {"interval_low_s", s.lo_limit},
      {"interval_high_s", s.hi_limit},
      {"leap_status", leap_word(s.leap)},
  };
}

Json authdata(const cm::Address& a, const cm::AuthData& d, const Naming& n) {
  const char* mode = d.mode == 0 ? "none" : d.mode == 1 ? "symmetric" : d.mode == 2 ? "nts" : "?";
  return Json{
      {"name", format_name(a, false, 0, true, 0, n)},
      {"address", address(a)},
      {"mode", mode},
      {"key_id", d.key_id},
      {"key_type", d.key_type},
      {"key_length_bits", d.key_length},
      {"last_ke_s", seconds_or_null(d.last_ke_ago)},
      {"ke_attempts", d.ke_attempts},
      {"nak", d.nak},
      {"cookies", d.cookies},
      {"cookie_length", d.cookie_length},
  };
}

Json ntpdata(const cm::NtpData& d, const Naming& n) {
  const char* mode = d.mode == 1 ? "symmetric_active" : d.mode == 2 ? "symmetric_passive"
                     : d.mode == 4                     ? "server"
                                                       : "invalid";
  auto tss = [](uint8_t c) { return c == 'D' ? "daemon" : c == 'K' ? "kernel"
                                    : c == 'H' ? "hardware" : "invalid"; };
  return Json{
      {"remote_address", address(d.remote)},
      {"remote_refid", hex32(address_refid(d.remote, n))},
      {"remote_port", d.remote_port},
      {"local_address", address(d.local)},
      {"leap_status", leap_word(d.leap)},
      {"version", d.version},
      {"mode", mode},
      {"stratum", d.stratum},
      {"poll", d.poll},
      {"precision", d.precision},
      {"root_delay_s", d.root_delay},
      {"root_dispersion_s", d.root_dispersion},
      {"reference_id", hex32(d.ref_id)},
      {"reference_time", unix_seconds(d.ref_time)},
      {"offset_s", d.offset},
      {"peer_delay_s", d.peer_delay},
      {"peer_dispersion_s", d.peer_dispersion},
      {"response_time_s", d.response_time},
      {"jitter_asymmetry", d.jitter_asymmetry},
      {"tests", d.flags & 0x3ff},
      {"interleaved", (d.flags & 0x4000) != 0},
      {"authenticated", (d.flags & 0x8000) != 0},
      {"tx_timestamping", tss(d.tx_tss_char)},
      {"rx_timestamping", tss(d.rx_tss_char)},
      {"total_tx", d.total_tx},
      {"total_rx", d.total_rx},
      {"total_valid_rx", d.total_valid},
      {"total_good_rx", d.total_good},
  };
}

Json serverstats(const cm::ServerStats& s) {
  Json j{
      {"ntp_packets_received", s.ntp_hits},
      {"ntp_packets_dropped", s.ntp_drops},
      {"command_packets_received", s.cmd_hits},
      {"command_packets_dropped", s.cmd_drops},
      {"client_log_records_dropped", s.log_drops},
      {"ntske_connections_accepted", s.nke_hits},
      {"ntske_connections_dropped", s.nke_drops},
      {"authenticated_ntp_packets", s.ntp_auth_hits},
      {"interleaved_ntp_packets", s.ntp_interleaved_hits},
      {"ntp_timestamps_held", s.ntp_timestamps},
      {"ntp_timestamp_span_s", s.ntp_span_seconds},
  };
  if (s.wide) {
    j["ntp_daemon_rx_timestamps"] = s.daemon_rx_ts;
    j["ntp_daemon_tx_timestamps"] = s.daemon_tx_ts;
    j["ntp_kernel_rx_timestamps"] = s.kernel_rx_ts;
    j["ntp_kernel_tx_timestamps"] = s.kernel_tx_ts;
    j["ntp_hardware_rx_timestamps"] = s.hw_rx_ts;
    j["ntp_hardware_tx_timestamps"] = s.hw_tx_ts;
  }
  return j;
}

Json smoothing(const cm::Smoothing& s) {
  return Json{
      {"active", (s.flags & 1) != 0},
      {"leap_only", (s.flags & 2) != 0},
      {"offset_s", s.offset},
      {"frequency_ppm", s.freq_ppm},
      {"wander_ppm_per_s", s.wander_ppm},
      {"last_update_ago_s", s.last_update_ago},
      {"remaining_time_s", s.remaining_time},
  };
}

Json activity(const cm::Activity& a) {
  return Json{{"online", a.online},
              {"offline", a.offline},
              {"burst_online", a.burst_online},
              {"burst_offline", a.burst_offline},
              {"unresolved", a.unresolved}};
}

Json client(const cm::ClientAccess& c, const Naming& n) {
  return Json{
      {"name", format_name(c.address, false, 0, false, 0, n)},
      {"address", address(c.address)},
      {"ntp_packets", c.ntp_hits},
      {"ntp_dropped", c.ntp_drops},
      {"ntp_interval_log2", log2_or_null(c.ntp_interval)},
      {"ntp_limited_interval_log2", log2_or_null(c.ntp_timeout_interval)},
      {"ntp_last_s", seconds_or_null(c.last_ntp_hit_ago)},
      {"command_packets", c.cmd_hits},
      {"command_dropped", c.cmd_drops},
      {"command_interval_log2", log2_or_null(c.cmd_interval)},
      {"command_last_s", seconds_or_null(c.last_cmd_hit_ago)},
      {"ntske_connections", c.nke_hits},
      {"ntske_dropped", c.nke_drops},
      {"ntske_interval_log2", log2_or_null(c.nke_interval)},
      {"ntske_last_s", seconds_or_null(c.last_nke_hit_ago)},
  };
}

Json manual_list(const cm::ManualList& m) { return Json{{"samples", m.n_samples}}; }

}  // namespace tempus::core::chronyc::json
