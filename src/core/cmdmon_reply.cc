// SPDX-License-Identifier: ISC
#include "core/cmdmon_reply.h"

#include <array>

namespace tempus::core::cmdmon {

namespace {

// A Timespec {sec_high, sec_low, nsec}; chronyd's "no high part" marker reads as 0 and the
// nanoseconds are clamped, as in chronyc.
Timestamp read_timespec(ByteReader& r) {
  uint64_t high = r.be32();
  const uint64_t low = r.be32();
  uint32_t nsec = r.be32();
  if (high == 0x7fffffff) high = 0;  // TV_NOHIGHSEC
  if (nsec > 999'999'999) nsec = 999'999'999;
  const auto sec = static_cast<int64_t>((high << 32 | low) & 0x7fffffffffffffff);
  // Beyond what int64 nanoseconds hold (year 2262): saturate rather than wrap.
  constexpr int64_t kMaxSec = INT64_MAX / kNsPerSec - 1;
  return Timestamp::from_unix(sec > kMaxSec ? kMaxSec : sec, nsec);
}

double read_float(ByteReader& r) { return decode_float(r.be32()); }

// Body variants that can fail on a field value come back as optionals.
template <class T>
Body unwrap(std::optional<T> v, bool& bad) {
  if (!v) {
    bad = true;
    return std::monostate{};
  }
  return std::move(*v);
}

struct Decoder {
  ByteReader& r;

  // `known`: the format is one of cmdmon.h's; `bad`: a field is out of range.
  Body body(uint16_t format, bool& known, bool& bad) {
    known = true;
    switch (format) {
      case rpy::kNull: return std::monostate{};
      case rpy::kNSources: return NSources{r.be32()};
      case rpy::kSourceData: return source_data();
      case rpy::kTracking: return tracking();
      case rpy::kSourceStats: return source_stats();
      case rpy::kActivity: return activity();
      case rpy::kSmoothing: return smoothing();
      case rpy::kNtpData: return ntp_data();
      case rpy::kManualList2: return manual_list();
      case rpy::kNtpSourceName: return unwrap(source_name(), bad);
      case rpy::kAuthData: return auth_data();
      case rpy::kClientAccesses3: return unwrap(clients(), bad);
      case rpy::kSelectData: return select_data();
      case rpy::kServerStats3: return server_stats(false);
      case rpy::kServerStats4: return server_stats(true);
      default: known = false; return std::monostate{};
    }
  }

  SourceData source_data() {
    SourceData s;
    s.address = read_address(r);
    s.poll = static_cast<int16_t>(r.be16());
    s.stratum = r.be16();
    s.state = r.be16();
    s.mode = r.be16();
    s.flags = r.be16();
    s.reach = r.be16();
    s.since_sample = r.be32();
    s.orig_latest_meas = read_float(r);
    s.latest_meas = read_float(r);
    s.latest_meas_err = read_float(r);
    return s;
  }
  Tracking tracking() {
    Tracking t;
    t.ref_id = r.be32();
    t.address = read_address(r);
    t.stratum = r.be16();
    t.leap = r.be16();
    t.ref_time = read_timespec(r);
    for (double* x : {&t.current_correction, &t.last_offset, &t.rms_offset, &t.freq_ppm,
                      &t.resid_freq_ppm, &t.skew_ppm, &t.root_delay, &t.root_dispersion,
                      &t.last_update_interval})
      *x = read_float(r);
    return t;
  }
  SourceStats source_stats() {
    SourceStats s;
    s.ref_id = r.be32();
    s.address = read_address(r);
    s.n_samples = r.be32();
    s.n_runs = r.be32();
    s.span_seconds = r.be32();
    for (double* x : {&s.sd, &s.resid_freq_ppm, &s.skew_ppm, &s.est_offset, &s.est_offset_err})
      *x = read_float(r);
    return s;
  }
  Activity activity() {
    Activity a;
    for (int32_t* v : {&a.online, &a.offline, &a.burst_online, &a.burst_offline, &a.unresolved})
      *v = static_cast<int32_t>(r.be32());
    return a;
  }
  Smoothing smoothing() {
    Smoothing s;
    s.flags = r.be32();
    for (double* x : {&s.offset, &s.freq_ppm, &s.wander_ppm, &s.last_update_ago,
                      &s.remaining_time})
      *x = read_float(r);
    return s;
  }
  NtpData ntp_data() {
    NtpData d;
    d.remote = read_address(r);
    d.local = read_address(r);
    d.remote_port = r.be16();
    d.leap = r.u8();
    d.version = r.u8();
    d.mode = r.u8();
    d.stratum = r.u8();
    d.poll = static_cast<int8_t>(r.u8());
    d.precision = static_cast<int8_t>(r.u8());
    d.root_delay = read_float(r);
    d.root_dispersion = read_float(r);
    d.ref_id = r.be32();
    d.ref_time = read_timespec(r);
    for (double* x : {&d.offset, &d.peer_delay, &d.peer_dispersion, &d.response_time,
                      &d.jitter_asymmetry})
      *x = read_float(r);
    d.flags = r.be16();
    d.tx_tss_char = r.u8();
    d.rx_tss_char = r.u8();
    for (uint32_t* v : {&d.total_tx, &d.total_rx, &d.total_valid, &d.total_good}) *v = r.be32();
    r.skip(12);  // reserved
    return d;
  }
  ManualList manual_list() {
    ManualList m{r.be32()};
    r.skip(16 * 24);  // the samples: tempusd keeps none (cmdmon.h)
    return m;
  }
  std::optional<SourceName> source_name() {
    const Bytes raw = r.bytes(256);
    if (!r.ok()) return SourceName{};
    std::string name;
    for (std::byte b : raw) {
      if (b == std::byte{0}) return SourceName{name};
      name.push_back(static_cast<char>(b));
    }
    return std::nullopt;  // chronyc refuses a name without its terminating NUL
  }
  AuthData auth_data() {
    AuthData a;
    a.mode = r.be16();
    a.key_type = r.be16();
    a.key_id = r.be32();
    a.key_length = r.be16();
    a.ke_attempts = r.be16();
    a.last_ke_ago = r.be32();
    a.cookies = r.be16();
    a.cookie_length = r.be16();
    a.nak = r.be16();
    r.skip(2);
    return a;
  }
  std::optional<ClientAccesses> clients() {
    ClientAccesses c;
    c.n_indices = r.be32();
    c.next_index = r.be32();
    const uint32_t n = r.be32();
    for (size_t i = 0; i < ClientAccesses::kMax; ++i) {
      ClientAccess a;
      a.address = read_address(r);
      for (uint32_t* v : {&a.ntp_hits, &a.nke_hits, &a.cmd_hits, &a.ntp_drops, &a.nke_drops,
                          &a.cmd_drops})
        *v = r.be32();
      for (int8_t* v : {&a.ntp_interval, &a.nke_interval, &a.cmd_interval,
                        &a.ntp_timeout_interval})
        *v = static_cast<int8_t>(r.u8());
      a.last_ntp_hit_ago = r.be32();
      a.last_nke_hit_ago = r.be32();
      a.last_cmd_hit_ago = r.be32();
      if (i < n) c.clients.push_back(a);
    }
    if (n > ClientAccesses::kMax) return std::nullopt;
    return c;
  }
  SelectData select_data() {
    SelectData s;
    s.ref_id = r.be32();
    s.address = read_address(r);
    s.state_char = r.u8();
    s.authentication = r.u8();
    s.leap = r.u8();
    r.skip(1);
    s.conf_options = r.be16();
    s.eff_options = r.be16();
    s.last_sample_ago = r.be32();
    s.score = read_float(r);
    s.lo_limit = read_float(r);
    s.hi_limit = read_float(r);
    return s;
  }
  ServerStats server_stats(bool wide) {
    ServerStats s;
    s.wide = wide;
    for (uint64_t* v : {&s.ntp_hits, &s.nke_hits, &s.cmd_hits, &s.ntp_drops, &s.nke_drops,
                        &s.cmd_drops, &s.log_drops, &s.ntp_auth_hits, &s.ntp_interleaved_hits,
                        &s.ntp_timestamps, &s.ntp_span_seconds})
      *v = wide ? r.be64() : r.be32();
    if (!wide) return s;
    for (uint64_t* v : {&s.daemon_rx_ts, &s.daemon_tx_ts, &s.kernel_rx_ts, &s.kernel_tx_ts,
                        &s.hw_rx_ts, &s.hw_tx_ts})
      *v = r.be64();
    r.skip(4 * 8);  // reserved
    return s;
  }
};

struct FormatOf {
  uint16_t operator()(const std::monostate&) const { return rpy::kNull; }
  uint16_t operator()(const NSources&) const { return rpy::kNSources; }
  uint16_t operator()(const SourceData&) const { return rpy::kSourceData; }
  uint16_t operator()(const Tracking&) const { return rpy::kTracking; }
  uint16_t operator()(const SourceStats&) const { return rpy::kSourceStats; }
  uint16_t operator()(const ClientAccesses&) const { return rpy::kClientAccesses3; }
  uint16_t operator()(const ServerStats& s) const {
    return s.wide ? rpy::kServerStats4 : rpy::kServerStats3;
  }
  uint16_t operator()(const ManualList&) const { return rpy::kManualList2; }
  uint16_t operator()(const Activity&) const { return rpy::kActivity; }
  uint16_t operator()(const Smoothing&) const { return rpy::kSmoothing; }
  uint16_t operator()(const NtpData&) const { return rpy::kNtpData; }
  uint16_t operator()(const SourceName&) const { return rpy::kNtpSourceName; }
  uint16_t operator()(const AuthData&) const { return rpy::kAuthData; }
  uint16_t operator()(const SelectData&) const { return rpy::kSelectData; }
};

}  // namespace

std::string_view to_string(ReplyError e) {
  switch (e) {
    case ReplyError::kTooShort: return "shorter than a reply header";
    case ReplyError::kNotReply: return "not a version 6 reply";
    case ReplyError::kWrongCommand: return "reply to another command";
    case ReplyError::kWrongSequence: return "reply to another request";
    case ReplyError::kUnknownFormat: return "unknown reply format";
    case ReplyError::kBadLength: return "wrong length for its format";
    case ReplyError::kBadField: return "field out of range";
  }
  return "?";
}

uint16_t format_of(const Body& body) { return std::visit(FormatOf{}, body); }

Result<Reply, ReplyError> decode_reply(Bytes datagram, uint16_t command, uint32_t sequence) {
  if (datagram.size() < kReplyHeaderLen) return Unexpected{ReplyError::kTooShort};
  ByteReader r(datagram);
  const uint8_t version = r.u8(), pkt_type = r.u8(), res1 = r.u8(), res2 = r.u8();
  Reply out;
  out.command = r.be16();
  const uint16_t format = r.be16();
  out.status = static_cast<Status>(r.be16());
  r.skip(6);
  out.sequence = r.be32();
  r.skip(8);
  const bool mismatch = version >= 5 && out.status == Status::kBadPktVersion;
  if ((version != kVersion && !mismatch) || pkt_type != 2 || res1 != 0 || res2 != 0)
    return Unexpected{ReplyError::kNotReply};
  if (out.command != command) return Unexpected{ReplyError::kWrongCommand};
  if (out.sequence != sequence) return Unexpected{ReplyError::kWrongSequence};
  if (mismatch) return out;
  bool known = false;
  bool bad = false;
  out.body = Decoder{r}.body(format, known, bad);
  if (!known) {
    if (out.status == Status::kSuccess) return Unexpected{ReplyError::kUnknownFormat};
    out.body = std::monostate{};
    return out;
  }
  if (!r.ok() || !r.empty()) return Unexpected{ReplyError::kBadLength};
  if (bad) return Unexpected{ReplyError::kBadField};
  return out;
}

}  // namespace tempus::core::cmdmon
