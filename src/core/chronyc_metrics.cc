// SPDX-License-Identifier: ISC
#include "core/chronyc_metrics.h"

#include <cmath>
#include <cstdio>

#include "core/chronyc_format.h"
#include "core/chronyc_json.h"

namespace tempus::core::chronyc {

namespace cm = cmdmon;

namespace {

// Label values escape '\\', '"' and newlines (the exposition format's rule).
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class Writer {
 public:
  // Starts a family: its HELP and TYPE lines.
  void family(const char* name, const char* type, const char* help) {
    name_ = name;
    out_ += "# HELP " + name_ + " " + help + "\n# TYPE " + name_ + " " + type + "\n";
  }
  void sample(double v, const std::string& labels = {}) {
    out_ += name_ + (labels.empty() ? "" : "{" + labels + "}") + " " + number(v) + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string name_;
  std::string out_;
};

std::string label(const char* k, const std::string& v) {
  return std::string(k) + "=\"" + escape(v) + "\"";
}

}  // namespace

std::string metrics(const MetricsInput& in) {
  Writer w;
  w.family("tempus_up", "gauge", "Whether tempusd answered on its command socket.");
  w.sample(in.up ? 1 : 0);

  if (const auto& t = in.tracking) {
    const bool unspec = !t->address.ip && t->address.id == 0;
    const bool synced = t->leap != 3 && (!unspec || (t->ref_id != 0 && t->ref_id != 0x7f7f0101));
    Naming numeric;
    numeric.numeric = true;
    w.family("tempus_tracking_info", "gauge", "The reference in use (value 1).");
    char id[9];
    std::snprintf(id, sizeof id, "%08X", t->ref_id);
    w.sample(1, label("reference_id", id) + "," +
                    label("reference", format_name(t->address, unspec, t->ref_id, false, 0,
                                                   numeric)) +
                    "," + label("leap_status", json::leap_word(t->leap)));
    w.family("tempus_tracking_synchronised", "gauge",
             "1 when synchronised to a source (as chronyc waitsync decides), else 0.");
    w.sample(synced ? 1 : 0);
    w.family("tempus_tracking_stratum", "gauge", "Stratum of the local clock.");
    w.sample(t->stratum);
    w.family("tempus_tracking_reference_time_seconds", "gauge",
             "Time of the last clock update, seconds since the Unix epoch.");
    w.sample(static_cast<double>(t->ref_time.unix_ns()) * 1e-9);
    const struct {
      const char* name;
      double v;
      const char* help;
    } gauges[] = {
        {"tempus_tracking_system_time_seconds", t->current_correction,
         "Offset of the system clock from NTP time being corrected (> 0: slow)."},
        {"tempus_tracking_last_offset_seconds", t->last_offset,
         "Estimated offset at the last clock update."},
        {"tempus_tracking_rms_offset_seconds", t->rms_offset,
         "Long-term average of the offset."},
        {"tempus_tracking_frequency_ppm", t->freq_ppm,
         "Frequency error of the system clock (> 0: fast)."},
        {"tempus_tracking_residual_frequency_ppm", t->resid_freq_ppm,
         "Residual frequency of the reference source."},
        {"tempus_tracking_skew_ppm", t->skew_ppm, "Estimated error bound of the frequency."},
        {"tempus_tracking_root_delay_seconds", t->root_delay,
         "Total network delay to the stratum-1 source."},
        {"tempus_tracking_root_dispersion_seconds", t->root_dispersion,
         "Total dispersion accumulated to the stratum-1 source."},
        {"tempus_tracking_update_interval_seconds", t->last_update_interval,
         "Interval between the last two clock updates."},
    };
    for (const auto& g : gauges) {
      w.family(g.name, "gauge", g.help);
      w.sample(g.v);
    }
  }

  if (!in.sources.empty()) {
    std::vector<std::string> labels;
    for (const auto& s : in.sources) {
      const cm::SourceData& d = s.data;
      const bool ref = d.mode == cm::SourceData::kRefclock;
      labels.push_back(label("source", ref ? s.name : address_text(d.address)) + "," +
                       label("name", s.name) + "," +
                       label("mode", json::source_mode_word(d.mode)));
    }
    auto each = [&](const char* name, const char* type, const char* help, auto value) {
      w.family(name, type, help);
      for (size_t i = 0; i < in.sources.size(); ++i)
        if (auto v = value(in.sources[i])) w.sample(*v, labels[i]);
    };
    using S = MetricsInput::Source;
    using D = std::optional<double>;
    w.family("tempus_source_state", "gauge", "Selection state of a source (value 1).");
    for (size_t i = 0; i < in.sources.size(); ++i)
      w.sample(1, labels[i] + "," +
                      label("state", json::source_state_word(in.sources[i].data.state)));
    each("tempus_source_selected", "gauge", "1 for the source the clock follows.",
         [](const S& s) -> D { return s.data.state == cm::SourceData::kSelected ? 1 : 0; });
    each("tempus_source_stratum", "gauge", "Stratum the source reports.",
         [](const S& s) -> D { return s.data.stratum; });
    each("tempus_source_poll_interval_seconds", "gauge", "Polling interval.",
         [](const S& s) -> D { return std::ldexp(1.0, s.data.poll); });
    each("tempus_source_reachability", "gauge", "Reachability register (8 bits).",
         [](const S& s) -> D { return s.data.reach; });
    each("tempus_source_last_sample_age_seconds", "gauge", "Age of the last sample.",
         [](const S& s) -> D {
           if (s.data.since_sample == 0xffffffff) return std::nullopt;
           return s.data.since_sample;
         });
    each("tempus_source_offset_seconds", "gauge",
         "Last sample's offset, adjusted for clock updates since (> 0: local clock ahead).",
         [](const S& s) -> D { return s.data.latest_meas; });
    each("tempus_source_measured_offset_seconds", "gauge", "Last sample's measured offset.",
         [](const S& s) -> D { return s.data.orig_latest_meas; });
    each("tempus_source_error_seconds", "gauge", "Error bound of the last sample.",
         [](const S& s) -> D { return s.data.latest_meas_err; });
    each("tempus_source_samples", "gauge", "Samples in the source's regression.",
         [](const S& s) -> D {
           if (!s.stats) return std::nullopt;
           return s.stats->n_samples;
         });
    each("tempus_source_frequency_ppm", "gauge", "Residual frequency of the source.",
         [](const S& s) -> D {
           if (!s.stats) return std::nullopt;
           return s.stats->resid_freq_ppm;
         });
    each("tempus_source_skew_ppm", "gauge", "Error bound of the source's frequency.",
         [](const S& s) -> D {
           if (!s.stats) return std::nullopt;
           return s.stats->skew_ppm;
         });
    each("tempus_source_std_dev_seconds", "gauge", "Standard deviation of the samples.",
         [](const S& s) -> D {
           if (!s.stats) return std::nullopt;
           return s.stats->sd;
         });
  }

  if (const auto& s = in.server) {
    const struct {
      const char* name;
      uint64_t v;
      const char* help;
    } counters[] = {
        {"tempus_server_ntp_packets_received_total", s->ntp_hits, "NTP requests received."},
        {"tempus_server_ntp_packets_dropped_total", s->ntp_drops,
         "NTP requests dropped by rate limiting."},
        {"tempus_server_command_packets_received_total", s->cmd_hits,
         "Command packets received."},
        {"tempus_server_command_packets_dropped_total", s->cmd_drops,
         "Command packets dropped."},
        {"tempus_server_client_log_records_dropped_total", s->log_drops,
         "Client records dropped from a full client log."},
        {"tempus_server_ntske_connections_accepted_total", s->nke_hits,
         "NTS-KE connections accepted."},
        {"tempus_server_ntske_connections_dropped_total", s->nke_drops,
         "NTS-KE connections dropped."},
        {"tempus_server_authenticated_ntp_packets_total", s->ntp_auth_hits,
         "Authenticated NTP requests."},
        {"tempus_server_interleaved_ntp_packets_total", s->ntp_interleaved_hits,
         "Interleaved NTP requests."},
    };
    for (const auto& c : counters) {
      w.family(c.name, "counter", c.help);
      w.sample(static_cast<double>(c.v));
    }
    w.family("tempus_server_ntp_timestamps_held", "gauge",
             "Transmit timestamps kept for interleaved mode.");
    w.sample(static_cast<double>(s->ntp_timestamps));
    if (s->wide) {
      const struct {
        const char* kind;
        uint64_t v;
      } ts[] = {{"daemon_rx", s->daemon_rx_ts}, {"daemon_tx", s->daemon_tx_ts},
                {"kernel_rx", s->kernel_rx_ts}, {"kernel_tx", s->kernel_tx_ts},
                {"hardware_rx", s->hw_rx_ts},   {"hardware_tx", s->hw_tx_ts}};
      w.family("tempus_server_timestamps_total", "counter",
               "Server timestamps by where they were taken.");
      for (const auto& t : ts) w.sample(static_cast<double>(t.v), label("kind", t.kind));
    }
  }

  if (!in.processes.empty()) {
    w.family("tempus_process_up", "gauge", "1 when the process's /proc entry could be read.");
    for (const auto& p : in.processes) w.sample(p.readable ? 1 : 0, label("role", p.role));
    w.family("tempus_process_uid", "gauge", "Effective user ID.");
    for (const auto& p : in.processes)
      if (p.readable) w.sample(static_cast<double>(p.uid), label("role", p.role));
    w.family("tempus_process_capabilities_effective", "gauge",
             "Effective capability set (bit mask).");
    for (const auto& p : in.processes)
      if (p.readable) w.sample(static_cast<double>(p.cap_eff), label("role", p.role));
    w.family("tempus_process_seccomp_mode", "gauge", "Seccomp mode: 0 off, 1 strict, 2 filter.");
    for (const auto& p : in.processes)
      if (p.readable) w.sample(p.seccomp, label("role", p.role));
    w.family("tempus_process_no_new_privs", "gauge", "1 when no_new_privs is set.");
    for (const auto& p : in.processes)
      if (p.readable) w.sample(p.no_new_privs ? 1 : 0, label("role", p.role));
  }
  return w.take();
}

}  // namespace tempus::core::chronyc
