// SPDX-License-Identifier: ISC
// Associations' reports: the per-source rows chronyc's protocol and mode 6 read, and the JSON
// of tempusctl's `state`. Split from associations.cc, which keeps the polling shell.
#include <cmath>

#include "proc/associations_internal.h"

namespace tempus::proc {

namespace {

double seconds(core::Duration d) { return d.to_seconds_f(); }

}  // namespace

std::vector<Associations::SourceReport> Associations::source_reports() const {
  std::vector<SourceReport> out;
  for (const auto& v : engine_.sources(now())) {
    for (const auto& a : assocs_) {
      if (a->id != v.id) continue;
      out.push_back(SourceReport{v, a->name, a->path, a->address, a->port, a->refclock, a->peer,
                                 a->prefer, a->noselect, a->trust, a->require,
                                 a->tx_timestamps, a->fd ? a->fd.get() : a->shared_fd,
                                 a->last_header, a->last_t1, a->last_t4, a->key_id,
                                 a->key_id && keys_ ? keys_->key_info(*a->key_id)
                                                    : std::nullopt});
      if (a->nts) {
        const NtsSourceCounters& c = a->nts->counters();
        out.back().nts = SourceReport::Nts{
            .aead = a->nts->aead(),
            .key_bits = static_cast<uint16_t>(8 * a->nts->key_len()),
            .sessions = c.ke_ok,
            .ke_attempts = c.ke_attempts,
            .session_start = a->nts->session_start(),
            .cookies = static_cast<uint16_t>(a->nts->cookies()),
            .cookie_len = static_cast<uint16_t>(a->nts->cookie_len()),
            .nak = c.last_was_nak};
      }
    }
  }
  return out;
}

nlohmann::json Associations::sources_json() const {
  const core::Timestamp now = this->now();
  auto out = nlohmann::json::array();
  for (const auto& r : source_reports()) {
    const core::SourceView& v = r.view;
    nlohmann::json j;
    j["name"] = r.name;
    j["address"] = r.refclock ? r.path : r.address.to_string();
    j["refclock"] = r.refclock;
    j["port"] = r.port;
    j["state"] = std::string(1, core::state_symbol(v.state));
    j["stratum"] = v.estimate.valid ? v.estimate.stratum : 0;
    j["poll"] = v.poll.log2;
    j["reach"] = v.reach;
    j["last_rx_s"] = v.last_sample_time ? std::llround(seconds(now - *v.last_sample_time)) : -1;
    j["offset_s"] = v.last.valid ? seconds(v.last.adjusted_offset) : 0.0;
    j["measured_offset_s"] = v.last.valid ? seconds(v.last.measured_offset) : 0.0;
    j["error_s"] = v.last.valid ? seconds(v.last.error) : 0.0;
    j["samples"] = v.stats.np;
    j["runs"] = v.stats.nr;
    j["span_s"] = std::llround(seconds(v.stats.span));
    j["frequency_ppm"] = v.stats.freq_ppm;
    j["skew_ppm"] = v.stats.skew_ppm;
    j["std_dev_s"] = seconds(v.stats.std_dev);
    j["denied"] = v.client_state == core::ClientState::kDenied;
    if (r.key_id) {
      j["key_id"] = *r.key_id;
      j["auth_failed"] = v.counters.auth_failed;  // replies dropped by test 5
      j["key_missing"] = v.counters.key_missing;  // requests not sent for want of the key
    }
    out.push_back(j);
  }
  return out;
}

nlohmann::json Associations::tracking_json() const {
  const core::Timestamp now = const_cast<LocalClock&>(clock_).now();
  const core::TrackingReport t = engine_.tracking(now);
  nlohmann::json j;
  j["synchronised"] = synchronised();
  j["ref_id"] = t.ref_id;
  j["stratum"] = t.synced ? t.stratum : 0;
  j["ref_time_unix"] = seconds(t.ref_time - core::Timestamp{});
  j["system_time_offset_s"] = seconds(t.system_time_offset);
  j["last_offset_s"] = seconds(t.last_offset);
  j["rms_offset_s"] = seconds(t.rms_offset);
  j["frequency_ppm"] = t.freq_ppm;
  j["residual_frequency_ppm"] = t.residual_freq_ppm;
  j["skew_ppm"] = t.skew_ppm;
  j["root_delay_s"] = seconds(t.root_delay);
  j["root_dispersion_s"] = seconds(t.root_dispersion);
  j["update_interval_s"] = seconds(t.update_interval);
  static const char* kLeap[] = {"normal", "insert", "delete", "unsynchronised"};
  j["leap"] = kLeap[static_cast<int>(t.leap) & 3];
  j["tai_minus_utc_s"] = engine_.tai_minus_utc(now);
  return j;
}

}  // namespace tempus::proc
