// SPDX-License-Identifier: ISC
#include "core/stat_logs.h"

#include <cstdarg>
#include <cstdio>

namespace tempus::core {

namespace {

// The column headers are chronyd's, so the files read the same.
constexpr std::string_view kHeaders[kStatLogCount] = {
    "   Date (UTC) Time     IP Address   L St 123 567 ABCD  LP RP Score    Offset  Peer del. "
    "Peer disp.  Root del. Root disp. Refid     MTxRx",
    "   Date (UTC) Time     IP Address    Std dev'n Est offset  Offset sd  Diff freq   Est skew"
    "  Stress  Ns  Bs  Nr  Asym",
    "   Date (UTC) Time     IP Address   St   Freq ppm   Skew ppm     Offset L Co  Offset sd Rem."
    " corr. Root delay Root disp. Max. error",
    "   Date (UTC) Time     IP Address   S EOpts Reach Score Last sample  Low end   High end",
};
constexpr std::string_view kNames[kStatLogCount] = {"measurements.log", "statistics.log",
                                                    "tracking.log", "selection.log"};

[[gnu::format(printf, 1, 2)]] std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  const int n = std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return std::string(buf, n < 0 ? 0 : std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

char leap_char(Leap l) {
  switch (l) {
    case Leap::kNone: return 'N';
    case Leap::kInsert: return '+';
    case Leap::kDelete: return '-';
    case Leap::kUnsync: return '?';
  }
  return '?';
}

// Negated without producing -0 (printf shows its sign).
double neg(double v) { return 0.0 - v; }

// A name as a column: printable ASCII only (a refid may hold anything), at most 64 bytes.
std::string column(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) out += c > ' ' && c < 0x7f ? c : '?';
  return out.empty() ? "?" : out;
}

}  // namespace

std::string_view file_name(StatLog log) { return kNames[static_cast<size_t>(log)]; }
std::string_view header(StatLog log) { return kHeaders[static_cast<size_t>(log)]; }

std::string log_time(Timestamp t) {
  const CivilTime c = civil_time(t);
  return fmt("%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(c.year), c.month, c.day,
             c.hour, c.minute, c.second);
}

std::string format_measurement(const MeasurementRecord& r, std::string_view name) {
  std::string bits;
  for (int i = 0; i < 10; ++i) {
    if (i == 3 || i == 6) bits += ' ';
    bits += r.tests[i] ? '1' : '0';
  }
  // chrony's sign for the offset is ours: > 0 means the local clock is slow.
  return fmt("%s %-15s %c %2d %s  %2d %2d %4.2f %10.3e %10.3e %10.3e %10.3e %10.3e %08X "
             "%u%c %c %c\n",
             log_time(r.time).c_str(), column(name).c_str(), leap_char(r.leap), r.stratum,
             bits.c_str(), r.local_poll, r.remote_poll, r.score, r.offset_s, r.delay_s,
             r.dispersion_s, r.root_delay_s, r.root_dispersion_s, r.ref_id,
             static_cast<unsigned>(r.mode % 8), r.interleaved ? 'I' : 'B', r.tx_source,
             r.rx_source);
}

std::string format_statistics(const StatisticsRecord& r, std::string_view name) {
  // chrony: the offset > 0 when the local clock is fast, the frequency in s/s > 0 when it gains.
  return fmt("%s %-15s %10.3e %10.3e %10.3e %10.3e %10.3e %7.1e %3d %3d %3d %5.2f\n",
             log_time(r.time).c_str(), column(name).c_str(), r.std_dev_s, neg(r.offset_s),
             r.offset_sd_s, r.freq_ppm * 1e-6, r.skew_ppm * 1e-6, r.stress, r.samples, r.dropped,
             r.runs, r.asymmetry);
}

std::string format_tracking(const TrackingRecord& r, std::string_view name) {
  // chrony: the frequency is the clock's own error (> 0 fast), the offset > 0 when the clock is
  // fast; the remaining correction > 0 when the clock is slow (as ours).
  return fmt("%s %-15s %2d %10.3f %10.3f %10.3e %c %2d %10.3e %10.3e %10.3e %10.3e %10.3e\n",
             log_time(r.time).c_str(), r.synced ? column(name).c_str() : "0.0.0.0", r.stratum,
             neg(r.freq_ppm), r.skew_ppm, neg(r.offset_s), leap_char(r.leap), r.combined,
             r.offset_sd_s, r.remaining_s, r.root_delay_s, r.root_dispersion_s, r.max_error_s);
}

std::string format_selection(const SelectionRecord& r, std::string_view name) {
  const char state = r.state > ' ' && r.state < 0x7f ? r.state : '?';
  return fmt("%s %-15s %c -%c%c%c%c %4o %5.2f %10.3e %10.3e %10.3e\n", log_time(r.time).c_str(),
             column(name).c_str(), state, r.noselect ? 'N' : '-', r.prefer ? 'P' : '-',
             r.trust ? 'T' : '-', r.require ? 'R' : '-', static_cast<unsigned>(r.reach), r.score,
             r.since_sample_s, r.low_s, r.high_s);
}

std::string LogBanner::before_line() {
  if (every_ <= 0 || written_++ % static_cast<uint64_t>(every_) != 0) return {};
  const std::string_view h = header(log_);
  const std::string rule(h.size(), '=');
  return rule + '\n' + std::string(h) + '\n' + rule + '\n';
}

}  // namespace tempus::core
