// SPDX-License-Identifier: ISC
#include "core/cmdmon.h"

#include <algorithm>
#include <cmath>

namespace tempus::core::cmdmon {

namespace {

// Per command: the request's length without padding and the length of its reply, both
// offsets of the EOR field in chrony's structs (0: not accepted). A version-6 request is
// padded up to its reply's length.
struct Lengths {
  uint16_t request, reply;
};
constexpr std::array<Lengths, cmd::kCount> kLengths = {{
    {20, 28},   {60, 28},  {60, 28},  {68, 28},  {44, 28},  {44, 28},   // 0 NULL .. 5 MAXPOLL
    {24, 28},   {44, 28},  {44, 28},  {24, 28},  {32, 28},  {32, 40},   // 6 DUMP .. 11 SETTIME
    {0, 0},     {24, 28},  {20, 32},  {24, 76},  {20, 28},  {44, 28},   // 12 LOCAL .. 17 ALLOW
    {44, 28},   {44, 28},  {44, 28},  {44, 28},  {44, 28},  {44, 28},   // 18 .. 23 CMDDENY
    {44, 28},   {40, 28},  {40, 28},  {0, 0},    {0, 0},    {40, 28},   // 24 .. 29 DEL_SOURCE
    {20, 28},   {24, 28},  {0, 0},    {20, 104}, {24, 84},  {20, 56},   // 30 .. 35 RTCREPORT
    {20, 28},   {20, 28},  {0, 0},    {0, 0},    {0, 0},    {20, 416},  // 36 .. 41 MANUAL_LIST
    {24, 28},   {20, 28},  {20, 48},  {44, 28},  {44, 28},  {44, 28},   // 42 .. 47
    {20, 28},   {24, 28},  {28, 28},  {20, 52},  {24, 28},  {20, 28},   // 48 .. 53 REFRESH
    {20, 72},   {0, 0},    {36, 28},  {40, 152}, {0, 0},    {0, 0},     // 54 .. 59
    {0, 0},     {0, 0},    {20, 28},  {20, 28},  {372, 28}, {40, 284},  // 60 .. 65
    {20, 28},   {40, 52},  {36, 520}, {24, 76},  {20, 28},  {24, 28},   // 66 .. 71 DOFFSET2
}};

// chrony's PERMIT_OPEN commands.
constexpr uint16_t kOpen[] = {cmd::kNull,       10 /* LOGON */, cmd::kNSources,
                              cmd::kSourceData, cmd::kTracking, cmd::kSourceStats,
                              cmd::kRtcReport,  cmd::kManualList, cmd::kActivity,
                              cmd::kSmoothing,  cmd::kNtpSourceName};

enum : uint16_t { kFamilyUnspec = 0, kFamilyV4 = 1, kFamilyV6 = 2, kFamilyId = 3 };

constexpr int kExpBits = 7, kCoefBits = 25;
constexpr int32_t kExpMin = -(1 << (kExpBits - 1)), kExpMax = (1 << (kExpBits - 1)) - 1;
constexpr int64_t kCoefMax = (int64_t{1} << (kCoefBits - 1)) - 1;


void write_address(ByteWriter& w, const Address& a) {
  if (a.ip && a.ip->is_v4()) {
    w.be32(a.ip->v4_value());
    w.zeros(12);
    w.be16(kFamilyV4);
  } else if (a.ip) {
    for (uint8_t b : a.ip->bytes()) w.u8(b);
    w.be16(kFamilyV6);
  } else if (a.id != 0) {
    w.be32(a.id);
    w.zeros(12);
    w.be16(kFamilyId);
  } else {
    w.zeros(16);
    w.be16(kFamilyUnspec);
  }
  w.be16(0);
}

void write_timespec(ByteWriter& w, Timestamp t) {
  const int64_t sec = t.unix_sec();
  w.be32(static_cast<uint32_t>(static_cast<uint64_t>(sec) >> 32));
  w.be32(static_cast<uint32_t>(sec));
  w.be32(static_cast<uint32_t>(t.nsec()));
}

void write_float(ByteWriter& w, double x) { w.be32(encode_float(x)); }

double read_float(ByteReader& r) { return decode_float(r.be32()); }
int32_t read_i32(ByteReader& r) { return static_cast<int32_t>(r.be32()); }
void write_i32(ByteWriter& w, int32_t v) { w.be32(static_cast<uint32_t>(v)); }

SourceRequest read_source(ByteReader& r) {
  SourceRequest s;
  s.type = r.be32();
  const Bytes name = r.bytes(s.name.size());
  for (size_t i = 0; i < name.size(); ++i) s.name[i] = static_cast<uint8_t>(name[i]);
  s.port = r.be32();
  s.minpoll = read_i32(r);
  s.maxpoll = read_i32(r);
  s.presend_minpoll = read_i32(r);
  s.min_stratum = r.be32();
  s.poll_target = r.be32();
  s.version = r.be32();
  s.max_sources = r.be32();
  s.min_samples = read_i32(r);
  s.max_samples = read_i32(r);
  s.authkey = r.be32();
  s.nts_port = r.be32();
  s.max_delay = read_float(r);
  s.max_delay_ratio = read_float(r);
  s.max_delay_dev_ratio = read_float(r);
  s.min_delay = read_float(r);
  s.asymmetry = read_float(r);
  s.offset = read_float(r);
  s.flags = r.be32();
  s.filter_length = read_i32(r);
  s.cert_set = r.be32();
  s.max_delay_quant = read_float(r);
  return s;  // reserved[1] follows
}

void write_source(ByteWriter& w, const SourceRequest& s) {
  w.be32(s.type);
  for (uint8_t b : s.name) w.u8(b);
  w.be32(s.port);
  write_i32(w, s.minpoll);
  write_i32(w, s.maxpoll);
  write_i32(w, s.presend_minpoll);
  for (uint32_t v : {s.min_stratum, s.poll_target, s.version, s.max_sources}) w.be32(v);
  write_i32(w, s.min_samples);
  write_i32(w, s.max_samples);
  w.be32(s.authkey);
  w.be32(s.nts_port);
  for (double x : {s.max_delay, s.max_delay_ratio, s.max_delay_dev_ratio, s.min_delay,
                   s.asymmetry, s.offset})
    write_float(w, x);
  w.be32(s.flags);
  write_i32(w, s.filter_length);
  w.be32(s.cert_set);
  write_float(w, s.max_delay_quant);
  w.be32(0);  // reserved
}

// The fields of the commands that have any, in chrony's layout (the caller wrote the header).
void read_fields(ByteReader& r, Request& q) {
  if (is_access_rule_command(q.command)) {
    q.address = read_address(r);
    q.subnet_bits = read_i32(r);
    return;
  }
  switch (q.command) {
    case cmd::kSourceData:
    case cmd::kSourceStats:
    case cmd::kSelectData:
    case cmd::kManualDelete:
      q.index = r.be32();
      break;
    case cmd::kNtpData:
    case cmd::kNtpSourceName:
    case cmd::kAuthData:
    case cmd::kDelSource:
    case cmd::kAcCheck:
    case cmd::kCmdAcCheck:
      q.address = read_address(r);
      break;
    case cmd::kOnline:
    case cmd::kOffline:
    case cmd::kBurst:
      q.mask = read_address(r);
      q.address = read_address(r);
      if (q.command == cmd::kBurst) {
        q.n_good = read_i32(r);
        q.n_total = read_i32(r);
      }
      break;
    case cmd::kClientAccessesByIndex3:
      q.clients.first_index = r.be32();
      q.clients.n_clients = r.be32();
      q.clients.min_hits = r.be32();
      q.clients.reset = r.be32();
      break;
    case cmd::kManual:
    case cmd::kSmoothTime:
      q.option = read_i32(r);
      break;
    case cmd::kLocal2:
      q.local.on = read_i32(r);
      q.local.stratum = read_i32(r);
      q.local.distance = read_float(r);
      q.local.orphan = read_i32(r);
      break;
    case cmd::kModifyMakeStep:
      q.makestep.limit = read_i32(r);
      q.makestep.threshold = read_float(r);
      break;
    case cmd::kDfreq:
    case cmd::kDoffset2:
    case cmd::kReselectDistance:
      q.value = read_float(r);
      break;
    case cmd::kAddSource:
      q.source = read_source(r);
      break;
    default:
      break;
  }
}

void write_fields(ByteWriter& w, const Request& q) {
  if (is_access_rule_command(q.command)) {
    write_address(w, q.address);
    write_i32(w, q.subnet_bits);
    return;
  }
  switch (q.command) {
    case cmd::kSourceData:
    case cmd::kSourceStats:
    case cmd::kSelectData:
    case cmd::kManualDelete:
      w.be32(q.index);
      break;
    case cmd::kNtpData:
    case cmd::kNtpSourceName:
    case cmd::kAuthData:
    case cmd::kDelSource:
    case cmd::kAcCheck:
    case cmd::kCmdAcCheck:
      write_address(w, q.address);
      break;
    case cmd::kOnline:
    case cmd::kOffline:
    case cmd::kBurst:
      write_address(w, q.mask);
      write_address(w, q.address);
      if (q.command == cmd::kBurst) {
        write_i32(w, q.n_good);
        write_i32(w, q.n_total);
      }
      break;
    case cmd::kClientAccessesByIndex3:
      w.be32(q.clients.first_index);
      w.be32(q.clients.n_clients);
      w.be32(q.clients.min_hits);
      w.be32(q.clients.reset);
      break;
    case cmd::kManual:
    case cmd::kSmoothTime:
      write_i32(w, q.option);
      break;
    case cmd::kLocal2:
      write_i32(w, q.local.on);
      write_i32(w, q.local.stratum);
      write_float(w, q.local.distance);
      write_i32(w, q.local.orphan);
      break;
    case cmd::kModifyMakeStep:
      write_i32(w, q.makestep.limit);
      write_float(w, q.makestep.threshold);
      break;
    case cmd::kDfreq:
    case cmd::kDoffset2:
    case cmd::kReselectDistance:
      write_float(w, q.value);
      break;
    case cmd::kAddSource:
      write_source(w, q.source);
      break;
    default:
      break;
  }
}

void write_header(ByteWriter& w, const Reply& r, uint16_t format) {
  w.u8(kVersion);
  w.u8(2);  // PKT_TYPE_CMD_REPLY
  w.u8(0);
  w.u8(0);
  w.be16(r.command);
  w.be16(format);
  w.be16(static_cast<uint16_t>(r.status));
  w.zeros(6);
  w.be32(r.sequence);
  w.zeros(8);
}

// Reply format codes (RPY_*) and bodies.
struct BodyWriter {
  ByteWriter& w;

  uint16_t operator()(const std::monostate&) const { return 1; }
  uint16_t operator()(const NSources& b) const {
    w.be32(b.n);
    return 2;
  }
  uint16_t operator()(const SourceData& b) const {
    write_address(w, b.address);
    w.be16(static_cast<uint16_t>(b.poll));
    w.be16(b.stratum);
    w.be16(b.state);
    w.be16(b.mode);
    w.be16(b.flags);
    w.be16(b.reach);
    w.be32(b.since_sample);
    write_float(w, b.orig_latest_meas);
    write_float(w, b.latest_meas);
    write_float(w, b.latest_meas_err);
    return 3;
  }
  uint16_t operator()(const Tracking& b) const {
    w.be32(b.ref_id);
    write_address(w, b.address);
    w.be16(b.stratum);
    w.be16(b.leap);
    write_timespec(w, b.ref_time);
    for (double x : {b.current_correction, b.last_offset, b.rms_offset, b.freq_ppm,
                     b.resid_freq_ppm, b.skew_ppm, b.root_delay, b.root_dispersion,
                     b.last_update_interval})
      write_float(w, x);
    return 5;
  }
  uint16_t operator()(const SourceStats& b) const {
    w.be32(b.ref_id);
    write_address(w, b.address);
    w.be32(b.n_samples);
    w.be32(b.n_runs);
    w.be32(b.span_seconds);
    for (double x : {b.sd, b.resid_freq_ppm, b.skew_ppm, b.est_offset, b.est_offset_err})
      write_float(w, x);
    return 6;
  }
  uint16_t operator()(const ClientAccesses& b) const {
    const size_t n = std::min(b.clients.size(), ClientAccesses::kMax);
    w.be32(b.n_indices);
    w.be32(b.next_index);
    w.be32(static_cast<uint32_t>(n));
    for (size_t i = 0; i < ClientAccesses::kMax; ++i) {
      if (i >= n) {
        w.zeros(60);  // sizeof(RPY_ClientAccesses_Client)
        continue;
      }
      const ClientAccess& c = b.clients[i];
      write_address(w, c.address);
      for (uint32_t v : {c.ntp_hits, c.nke_hits, c.cmd_hits, c.ntp_drops, c.nke_drops,
                         c.cmd_drops})
        w.be32(v);
      for (int8_t v : {c.ntp_interval, c.nke_interval, c.cmd_interval, c.ntp_timeout_interval})
        w.u8(static_cast<uint8_t>(v));
      w.be32(c.last_ntp_hit_ago);
      w.be32(c.last_nke_hit_ago);
      w.be32(c.last_cmd_hit_ago);
    }
    return 21;  // RPY_CLIENT_ACCESSES_BY_INDEX3
  }
  uint16_t operator()(const ServerStats& b) const {
    const uint64_t counters[] = {b.ntp_hits,       b.nke_hits,     b.cmd_hits,
                                 b.ntp_drops,      b.nke_drops,    b.cmd_drops,
                                 b.log_drops,      b.ntp_auth_hits, b.ntp_interleaved_hits,
                                 b.ntp_timestamps, b.ntp_span_seconds};
    if (!b.wide) {
      for (uint64_t v : counters) w.be32(static_cast<uint32_t>(std::min<uint64_t>(v, 0xffffffff)));
      return 24;  // RPY_SERVER_STATS3
    }
    for (uint64_t v : counters) w.be64(v);  // Integer64: {high, low}
    for (uint64_t v : {b.daemon_rx_ts, b.daemon_tx_ts, b.kernel_rx_ts, b.kernel_tx_ts,
                       b.hw_rx_ts, b.hw_tx_ts})
      w.be64(v);
    w.zeros(4 * 8);  // reserved
    return 25;       // RPY_SERVER_STATS4
  }
  uint16_t operator()(const ManualList& b) const {
    w.be32(b.n_samples);
    w.zeros(16 * 24);  // MAX_MANUAL_LIST_SAMPLES × {Timespec, Float ×3}
    return 18;         // RPY_MANUAL_LIST2
  }
  uint16_t operator()(const Activity& b) const {
    for (int32_t v : {b.online, b.offline, b.burst_online, b.burst_offline, b.unresolved})
      w.be32(static_cast<uint32_t>(v));
    return 12;
  }
  uint16_t operator()(const Smoothing& b) const {
    w.be32(b.flags);
    for (double x : {b.offset, b.freq_ppm, b.wander_ppm, b.last_update_ago, b.remaining_time})
      write_float(w, x);
    return 13;
  }
  uint16_t operator()(const NtpData& b) const {
    write_address(w, b.remote);
    write_address(w, b.local);
    w.be16(b.remote_port);
    w.u8(b.leap);
    w.u8(b.version);
    w.u8(b.mode);
    w.u8(b.stratum);
    w.u8(static_cast<uint8_t>(b.poll));
    w.u8(static_cast<uint8_t>(b.precision));
    write_float(w, b.root_delay);
    write_float(w, b.root_dispersion);
    w.be32(b.ref_id);
    write_timespec(w, b.ref_time);
    for (double x : {b.offset, b.peer_delay, b.peer_dispersion, b.response_time,
                     b.jitter_asymmetry})
      write_float(w, x);
    w.be16(b.flags);
    w.u8(b.tx_tss_char);
    w.u8(b.rx_tss_char);
    for (uint32_t v : {b.total_tx, b.total_rx, b.total_valid, b.total_good}) w.be32(v);
    for (int i = 0; i < 3; ++i) w.be32(0xffffffff);  // reserved, as chronyd fills them
    return 16;
  }
  uint16_t operator()(const SourceName& b) const {
    const size_t n = std::min<size_t>(b.name.size(), 255);
    w.bytes(as_bytes(std::string_view(b.name).substr(0, n)));
    w.zeros(256 - n);
    return 19;
  }
  uint16_t operator()(const AuthData& b) const {
    w.be16(b.mode);
    w.be16(b.key_type);
    w.be32(b.key_id);
    w.be16(b.key_length);
    w.be16(b.ke_attempts);
    w.be32(b.last_ke_ago);
    w.be16(b.cookies);
    w.be16(b.cookie_length);
    w.be16(b.nak);
    w.be16(0);
    return 20;
  }
  uint16_t operator()(const SelectData& b) const {
    w.be32(b.ref_id);
    write_address(w, b.address);
    w.u8(b.state_char);
    w.u8(b.authentication);
    w.u8(b.leap);
    w.u8(0);
    w.be16(b.conf_options);
    w.be16(b.eff_options);
    w.be32(b.last_sample_ago);
    write_float(w, b.score);
    write_float(w, b.lo_limit);
    write_float(w, b.hi_limit);
    return 23;
  }
};

}  // namespace

// An IPAddr; an unknown family reads as unspecified (chronyc's UTI_IPNetworkToHost).
Address read_address(ByteReader& r) {
  const Bytes raw = r.bytes(16);
  const uint16_t family = r.be16();
  r.skip(2);
  if (!r.ok()) return {};
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(raw[i]);
  const uint32_t first = uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  switch (family) {
    case kFamilyV4: return Address::of(IpAddress::v4(first));
    case kFamilyV6: return Address::of(IpAddress::v6(b));
    case kFamilyId: return Address{std::nullopt, first};
    default: return {};
  }
}

uint32_t encode_float(double x) {
  if (std::isnan(x)) return 0;
  const bool neg = x < 0;
  x = std::fabs(x);
  int32_t exp = 0;
  int64_t coef = 0;
  if (x < 1e-100) {
    exp = 0, coef = 0;
  } else if (x > 1e100) {
    exp = kExpMax, coef = kCoefMax + (neg ? 1 : 0);
  } else {
    // chrony's steps exactly (log2 by logarithms, then round): a negative power of two keeps
    // the coefficient −2^24 that only the negative range has.
    exp = static_cast<int32_t>(std::log(x) / std::log(2.0) + 1);
    coef = static_cast<int64_t>(x * std::pow(2.0, -exp + kCoefBits) + 0.5);
    while (coef > kCoefMax + (neg ? 1 : 0)) {
      coef >>= 1;
      ++exp;
    }
    if (exp > kExpMax) {
      exp = kExpMax, coef = kCoefMax + (neg ? 1 : 0);
    } else if (exp < kExpMin) {
      const int shift = kExpMin - exp;
      coef = shift < kCoefBits ? coef >> shift : 0;
      exp = coef ? kExpMin : 0;
    }
  }
  if (neg) coef = -coef;
  return (static_cast<uint32_t>(exp) << kCoefBits) |
         (static_cast<uint32_t>(coef) & ((1u << kCoefBits) - 1));
}

double decode_float(uint32_t f) {
  int32_t exp = static_cast<int32_t>(f >> kCoefBits);
  if (exp > kExpMax) exp -= 1 << kExpBits;
  int32_t coef = static_cast<int32_t>(f & ((1u << kCoefBits) - 1));
  if (coef > kCoefMax) coef -= 1 << kCoefBits;
  return std::ldexp(static_cast<double>(coef), exp - kCoefBits);
}

size_t request_length(uint16_t command) {
  if (command >= kLengths.size() || kLengths[command].request == 0) return 0;
  return std::max(kLengths[command].request, kLengths[command].reply);
}

bool is_open_command(uint16_t command) {
  for (uint16_t c : kOpen)
    if (c == command) return true;
  return false;
}

Decoded decode_request(Bytes datagram) {
  Decoded d;
  // An error reply (a bare header) must not be longer than the request.
  if (datagram.size() < kReplyHeaderLen || datagram.size() > kMaxRequestLen) return d;
  ByteReader r(datagram);
  const uint8_t version = r.u8();
  const uint8_t pkt_type = r.u8();
  const uint8_t res1 = r.u8(), res2 = r.u8();
  if (pkt_type != 1 || res1 != 0 || res2 != 0) return d;
  Request& q = d.request;
  q.command = r.be16();
  q.attempt = r.be16();
  q.sequence = r.be32();
  q.length = datagram.size();
  r.skip(8);
  d.kind = Decoded::Kind::kError;
  if (version != kVersion) {
    // Versions 5 and up understand the mismatch status; older ones get nothing.
    if (version < 5) d.kind = Decoded::Kind::kDrop;
    d.status = Status::kBadPktVersion;
    return d;
  }
  const size_t want = request_length(q.command);
  if (want == 0) {
    d.status = Status::kInvalid;
    return d;
  }
  if (datagram.size() < want) {
    d.status = Status::kBadPktLength;
    return d;
  }
  read_fields(r, q);
  d.kind = Decoded::Kind::kOk;
  d.status = Status::kSuccess;
  return d;
}

std::vector<std::byte> encode_request(const Request& q) {
  std::vector<std::byte> out;
  const size_t len = request_length(q.command);
  out.reserve(std::max(len, kRequestHeaderLen));
  ByteWriter w(out);
  w.u8(kVersion);
  w.u8(1);  // PKT_TYPE_CMD_REQUEST
  w.u8(0);
  w.u8(0);
  w.be16(q.command);
  w.be16(q.attempt);
  w.be32(q.sequence);
  w.zeros(8);
  write_fields(w, q);
  if (out.size() < len) w.zeros(len - out.size());
  return out;
}

std::vector<std::byte> encode_reply(const Reply& r) {
  std::vector<std::byte> out;
  out.reserve(kReplyHeaderLen + 492);
  ByteWriter w(out);
  write_header(w, r, 0);
  const uint16_t format = std::visit(BodyWriter{w}, r.body);
  w.patch16(6, format);
  return out;
}

}  // namespace tempus::core::cmdmon
