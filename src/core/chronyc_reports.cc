// SPDX-License-Identifier: ISC
#include "core/chronyc_reports.h"

#include <cctype>
#include <cmath>

namespace tempus::core::chronyc {

namespace cm = cmdmon;

namespace {

bool is_unspec(const cm::Address& a) { return !a.ip && a.id == 0; }
bool is_id(const cm::Address& a) { return !a.ip && a.id != 0; }

char mode_char(uint16_t mode) {
  switch (mode) {
    case cm::SourceData::kClient: return '^';
    case cm::SourceData::kPeer: return '=';
    case cm::SourceData::kRefclock: return '#';
    default: return ' ';
  }
}

char state_char(uint16_t state) {
  switch (state) {
    case cm::SourceData::kSelected: return '*';
    case cm::SourceData::kNonselectable: return '?';
    case cm::SourceData::kFalseticker: return 'x';
    case cm::SourceData::kJittery: return '~';
    case cm::SourceData::kUnselected: return '+';
    case cm::SourceData::kSelectable: return '-';
    default: return ' ';
  }
}

// UTI_Log2ToDouble.
double log2_to_double(int l) {
  if (l >= 0) return static_cast<double>(uint32_t{1} << std::min(l, 31));
  return 1.0 / static_cast<double>(uint32_t{1} << std::min(-l, 31));
}

void options(Report& r, uint16_t o) {
  r.chr(o & cm::SelectData::kNoselect ? 'N' : '-');
  r.chr(o & cm::SelectData::kPrefer ? 'P' : '-');
  r.chr(o & cm::SelectData::kTrust ? 'T' : '-');
  r.chr(o & cm::SelectData::kRequire ? 'R' : '-');
  r.chr('-');
}

}  // namespace

std::string sources_header(bool verbose, bool csv) {
  std::string out;
  if (verbose && !csv) {
    out +=
        "\n"
        "  .-- Source mode  '^' = server, '=' = peer, '#' = local clock.\n"
        " / .- Source state '*' = current best, '+' = combined, '-' = not combined,\n"
        "| /             'x' = may be in error, '~' = too variable, '?' = unusable.\n"
        "||                                                 .- xxxx [ yyyy ] +/- zzzz\n"
        "||      Reachability register (octal) -.           |  xxxx = adjusted offset,\n"
        "||      Log2(Polling interval) --.      |          |  yyyy = measured offset,\n"
        "||                                \\     |          |  zzzz = estimated error.\n"
        "||                                 |    |           \\\n";
  }
  return out + header("MS Name/IP address         Stratum Poll Reach LastRx Last sample"
                      "               ",
                      csv);
}

std::string sources_row(const cm::SourceData& s, bool all, const Naming& n) {
  if (!all && is_id(s.address)) return {};
  const bool ref = s.mode == cm::SourceData::kRefclock && s.address.ip && s.address.ip->is_v4();
  const std::string name =
      format_name(s.address, ref, ref ? s.address.ip->v4_value() : 0, true, 25, n);
  Report r(n.csv);
  r.chr(mode_char(s.mode)).chr(state_char(s.state)).text(" ").str(name, 27, true).text("  ");
  r.dec(s.stratum, 2).text("  ").dec(s.poll, 2).text("   ").oct(s.reach, 3).text("  ");
  r.interval(s.since_sample).text("  ").offset(s.latest_meas, true).text("[");
  r.offset(s.orig_latest_meas, true).text("] +/- ").offset(s.latest_meas_err, false).text("\n");
  return r.done();
}

std::string sourcestats_header(bool verbose, bool csv) {
  std::string out;
  if (verbose && !csv) {
    out +=
        "                             .- Number of sample points in measurement set.\n"
        "                            /    .- Number of residual runs with same sign.\n"
        "                           |    /    .- Length of measurement set (time).\n"
        "                           |   |    /      .- Est. clock freq error (ppm).\n"
        "                           |   |   |      /           .- Est. error in freq.\n"
        "                           |   |   |     |           /         .- Est. offset.\n"
        "                           |   |   |     |          |          |   On the -.\n"
        "                           |   |   |     |          |          |   samples. \\\n"
        "                           |   |   |     |          |          |             |\n";
  }
  return out + header("Name/IP Address            NP  NR  Span  Frequency  Freq Skew  Offset  "
                      "Std Dev",
                      csv);
}

std::string sourcestats_row(const cm::SourceStats& s, bool all, const Naming& n) {
  if (!all && is_id(s.address)) return {};
  const std::string name = format_name(s.address, is_unspec(s.address), s.ref_id, true, 25, n);
  Report r(n.csv);
  r.str(name, 25, true).text(" ").uns(s.n_samples, 3).text(" ").uns(s.n_runs, 3).text("  ");
  r.interval(s.span_seconds).text(" ").ppm(s.resid_freq_ppm, true).text(" ");
  r.ppm(s.skew_ppm, false).text("  ").offset(s.est_offset, true).text("  ");
  r.offset(s.sd, false).text("\n");
  return r.done();
}

std::string selectdata_header(bool verbose, bool csv) {
  std::string out;
  if (verbose && !csv) {
    out +=
        "  . State: N - noselect, s - unsynchronised, M - missing samples,\n"
        " /         d/D - large distance, ~ - jittery, w/W - waits for others,\n"
        "|          S - stale, O - orphan, T - not trusted, P - not preferred,\n"
        "|          U - waits for update,, x - falseticker, + - combined, * - best.\n"
        "|   Effective options   ---------.  (N - noselect, P - prefer\n"
        "|   Configured options  ----.     \\  T - trust, R - require)\n"
        "|   Auth. enabled (Y/N) -.   \\     \\     Offset interval --.\n"
        "|                        |    |     |                       |\n";
  }
  return out + header("S Name/IP Address        Auth COpts EOpts Last Score     Interval  Leap",
                      csv);
}

std::string selectdata_row(const cm::SelectData& s, bool all, const Naming& n) {
  if (!all && is_id(s.address)) return {};
  const std::string name = format_name(s.address, is_unspec(s.address), s.ref_id, true, 25, n);
  Report r(n.csv);
  r.chr(static_cast<char>(s.state_char)).text(" ").str(name, 25, true).text(" ");
  r.chr(s.authentication ? 'Y' : 'N').text(" ");
  options(r, s.conf_options);
  r.text(" ");
  options(r, s.eff_options);
  r.text(" ").interval(s.last_sample_ago).text(" ").fixed(s.score, 5, 1).text(" ");
  r.offset(s.lo_limit, true).text(" ").offset(s.hi_limit, true).text("  ");
  r.leap(s.leap, true).text("\n");
  return r.done();
}

std::string authdata_header(bool verbose, bool csv) {
  std::string out;
  if (verbose && !csv) {
    out +=
        "                             .- Auth. mechanism (NTS, SK - symmetric key)\n"
        "                            |   Key length -.  Cookie length (bytes) -.\n"
        "                            |       (bits)  |  Num. of cookies --.    |\n"
        "                            |               |  Key est. attempts  |   |\n"
        "                            |               |           |         |   |\n";
  }
  return out + header("Name/IP address             Mode KeyID Type KLen Last Atmp  NAK Cook CLen",
                      csv);
}

bool authdata_wanted(const cm::SourceData& s, bool all) {
  if (s.mode != cm::SourceData::kClient && s.mode != cm::SourceData::kPeer) return false;
  return all || !is_id(s.address);
}

std::string authdata_row(const cm::Address& address, const cm::AuthData& a, const Naming& n) {
  const std::string name = format_name(address, false, 0, true, 25, n);
  const char* mode = a.mode == 0 ? "-" : a.mode == 1 ? "SK" : a.mode == 2 ? "NTS" : "?";
  Report r(n.csv);
  r.str(name, 27, true).text(" ").str(mode, 4).text(" ").uns(a.key_id, 5).text(" ");
  r.dec(a.key_type, 4).text(" ").dec(a.key_length, 4).text(" ").interval(a.last_ke_ago);
  r.text(" ").dec(a.ke_attempts, 4).text(" ").dec(a.nak, 4).text(" ").dec(a.cookies, 4);
  r.text(" ").dec(a.cookie_length, 4).text("\n");
  return r.done();
}

bool ntpdata_wanted(const cm::SourceData& s) {
  return (s.mode == cm::SourceData::kClient || s.mode == cm::SourceData::kPeer) &&
         s.address.ip.has_value();
}

std::string ntpdata(const cm::NtpData& d, bool listed, const Naming& n) {
  Report r(n.csv);
  std::string out = listed && !n.csv ? "\n" : "";
  r.text("Remote address  : ").str(address_text(d.remote)).text(" (");
  r.refid(address_refid(d.remote, n)).text(")\nRemote port     : ").uns(d.remote_port);
  r.text("\nLocal address   : ").str(address_text(d.local)).text(" (");
  r.refid(address_refid(d.local, n)).text(")\nLeap status     : ").leap(d.leap);
  r.text("\nVersion         : ").uns(d.version).text("\nMode            : ").mode(d.mode);
  r.text("\nStratum         : ").uns(d.stratum).text("\nPoll interval   : ").dec(d.poll);
  r.text(" (").fixed(log2_to_double(d.poll), 0, 0).text(" seconds)\nPrecision       : ");
  r.dec(d.precision).text(" (").fixed(log2_to_double(d.precision), 0, 9);
  r.text(" seconds)\nRoot delay      : ").fixed(d.root_delay, 0, 6);
  r.text(" seconds\nRoot dispersion : ").fixed(d.root_dispersion, 0, 6);
  r.text(" seconds\nReference ID    : ").refid(d.ref_id).text(" (");
  r.str(d.stratum <= 1 ? refid_text(d.ref_id) : "").text(")\nReference time  : ");
  r.date(d.ref_time).text("\nOffset          : ").fixed(d.offset, 0, 9, true);
  r.text(" seconds\nPeer delay      : ").fixed(d.peer_delay, 0, 9);
  r.text(" seconds\nPeer dispersion : ").fixed(d.peer_dispersion, 0, 9);
  r.text(" seconds\nResponse time   : ").fixed(d.response_time, 0, 9);
  r.text(" seconds\nJitter asymmetry: ").fixed(d.jitter_asymmetry, 0, 2, true);
  r.text("\nNTP tests       : ").binary(d.flags >> 7, 3).text(" ").binary(d.flags >> 4, 3);
  r.text(" ").binary(d.flags, 4).text("\nInterleaved     : ").yes_no(d.flags & 0x4000);
  r.text("\nAuthenticated   : ").yes_no(d.flags & 0x8000);
  r.text("\nTX timestamping : ").tss(d.tx_tss_char).text("\nRX timestamping : ");
  r.tss(d.rx_tss_char).text("\nTotal TX        : ").uns(d.total_tx);
  r.text("\nTotal RX        : ").uns(d.total_rx).text("\nTotal valid RX  : ");
  r.uns(d.total_valid).text("\nTotal good RX   : ").uns(d.total_good).text("\n");
  return out + r.done();
}

std::string tracking(const cm::Tracking& t, const Naming& n) {
  const std::string name = format_name(t.address, is_unspec(t.address), t.ref_id, true, 256, n);
  Report r(n.csv);
  r.text("Reference ID    : ").refid(t.ref_id).text(" (").str(name);
  r.text(")\nStratum         : ").uns(t.stratum).text("\nRef time (UTC)  : ").date(t.ref_time);
  r.text("\nSystem time     : ").offset_dir(t.current_correction, 9);
  r.text(" of NTP time\nLast offset     : ").fixed(t.last_offset, 0, 9, true);
  r.text(" seconds\nRMS offset      : ").fixed(t.rms_offset, 0, 9);
  r.text(" seconds\nFrequency       : ").freq_dir(t.freq_ppm, 3);
  r.text("\nResidual freq   : ").fixed(t.resid_freq_ppm, 0, 3, true);
  r.text(" ppm\nSkew            : ").fixed(t.skew_ppm, 0, 3);
  r.text(" ppm\nRoot delay      : ").fixed(t.root_delay, 0, 9);
  r.text(" seconds\nRoot dispersion : ").fixed(t.root_dispersion, 0, 9);
  r.text(" seconds\nUpdate interval : ").fixed(t.last_update_interval, 0, 1);
  r.text(" seconds\nLeap status     : ").leap(t.leap).text("\n");
  return r.done();
}

std::string serverstats(const cm::ServerStats& s, bool csv) {
  Report r(csv);
  r.text("NTP packets received       : ").uns(s.ntp_hits);
  r.text("\nNTP packets dropped        : ").uns(s.ntp_drops);
  r.text("\nCommand packets received   : ").uns(s.cmd_hits);
  r.text("\nCommand packets dropped    : ").uns(s.cmd_drops);
  r.text("\nClient log records dropped : ").uns(s.log_drops);
  r.text("\nNTS-KE connections accepted: ").uns(s.nke_hits);
  r.text("\nNTS-KE connections dropped : ").uns(s.nke_drops);
  r.text("\nAuthenticated NTP packets  : ").uns(s.ntp_auth_hits);
  r.text("\nInterleaved NTP packets    : ").uns(s.ntp_interleaved_hits);
  r.text("\nNTP timestamps held        : ").uns(s.ntp_timestamps);
  r.text("\nNTP timestamp span         : ").uns(s.ntp_span_seconds).text("\n");
  return r.done();
}

std::string smoothing(const cm::Smoothing& s, bool csv) {
  Report r(csv);
  r.text("Active         : ").yes_no(s.flags & 1).text(" ");
  r.str(s.flags & 2 ? "(leap second only)" : "");
  r.text("\nOffset         : ").fixed(s.offset, 0, 9, true);
  r.text(" seconds\nFrequency      : ").fixed(s.freq_ppm, 0, 6, true);
  r.text(" ppm\nWander         : ").fixed(s.wander_ppm, 0, 6, true);
  r.text(" ppm per second\nLast update    : ").fixed(s.last_update_ago, 0, 1);
  r.text(" seconds ago\nRemaining time : ").fixed(s.remaining_time, 0, 1).text(" seconds\n");
  return r.done();
}

std::string activity(const cm::Activity& a, bool csv) {
  Report r(csv);
  // %U of a 32-bit value sent as unsigned.
  auto u = [](int32_t v) { return static_cast<uint64_t>(static_cast<uint32_t>(v)); };
  r.uns(u(a.online)).text(" sources online\n").uns(u(a.offline)).text(" sources offline\n");
  r.uns(u(a.burst_online)).text(" sources doing burst (return to online)\n");
  r.uns(u(a.burst_offline)).text(" sources doing burst (return to offline)\n");
  r.uns(u(a.unresolved)).text(" sources with unknown address\n");
  return (csv ? "" : "200 OK\n") + r.done();
}

bool printable_name(const std::string& name) {
  for (char c : name)
    if (!std::isgraph(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string sourcename(const std::string& name, bool csv) {
  Report r(csv);
  r.str(name).text("\n");
  return r.done();
}

std::string clients_header(bool nke, bool csv) {
  return header(std::string("Hostname                      NTP   Drop Int IntL Last  ") +
                    (nke ? "NTS-KE" : "   Cmd") + "   Drop Int  Last",
                csv);
}

std::string clients_row(const cm::ClientAccess& c, bool nke, const Naming& n) {
  if (is_unspec(c.address)) return {};
  const std::string name = format_name(c.address, false, 0, false, 25, n);
  Report r(n.csv);
  r.str(name, 25, true).text("  ").uns(c.ntp_hits, 6).text("  ").uns(c.ntp_drops, 5);
  r.text("  ").log_interval(c.ntp_interval).text("  ").log_interval(c.ntp_timeout_interval);
  r.text("  ").interval(c.last_ntp_hit_ago).text("  ");
  r.uns(nke ? c.nke_hits : c.cmd_hits, 6).text("  ").uns(nke ? c.nke_drops : c.cmd_drops, 5);
  r.text("  ").log_interval(nke ? c.nke_interval : c.cmd_interval).text("  ");
  r.interval(nke ? c.last_nke_hit_ago : c.last_cmd_hit_ago).text("\n");
  return r.done();
}

std::string manual_list(const cm::ManualList& m, bool csv) {
  if (csv) return {};
  return "210 n_samples = " + std::to_string(m.n_samples) + "\n" +
         header("#    Date     Time(UTC)    Slewed   Original   Residual", csv);
}

std::string waitsync_line(int attempt, const cm::Tracking& t, bool csv) {
  Report r(csv);
  r.text("try: ").dec(attempt).text(", refid: ").refid(t.ref_id).text(", correction: ");
  r.fixed(std::fabs(t.current_correction), 0, 9).text(", skew: ").fixed(t.skew_ppm, 0, 3);
  r.text("\n");
  return r.done();
}

bool waitsync_done(const cm::Tracking& t, double max_correction, double max_skew_ppm) {
  const double correction = std::fabs(t.current_correction);
  return (!is_unspec(t.address) || (t.ref_id != 0 && t.ref_id != 0x7f7f0101)) &&
         (max_correction == 0.0 || correction <= max_correction) &&
         (max_skew_ppm == 0.0 || t.skew_ppm <= max_skew_ppm);
}

}  // namespace tempus::core::chronyc
