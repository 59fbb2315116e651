// SPDX-License-Identifier: ISC
#include "core/mode6.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>

namespace tempus::core::mode6 {

namespace {

constexpr uint8_t kResponse = 0x80, kError = 0x40, kMore = 0x20, kOpMask = 0x1f;
constexpr size_t kMaxLine = 72;  // ntpd breaks its variable lists before this column
// A MAC after the data: a 4-octet key ID, a 16 (MD5, AES-CMAC) or 20 (SHA-1) octet digest and
// up to 4 octets of padding to the 8-octet boundary the sender aligns it to.
constexpr size_t kMinMac = 20, kMaxMac = 28;

uint16_t be16_at(Bytes b, size_t at) {
  return static_cast<uint16_t>((std::to_integer<unsigned>(b[at]) << 8) |
                               std::to_integer<unsigned>(b[at + 1]));
}

std::string fmt(const char* f, auto... args) {
  std::array<char, 64> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), f, args...);
  return std::string(buf.data(), static_cast<size_t>(std::clamp(n, 0, int(buf.size()) - 1)));
}

double ms(Duration d) { return d.to_seconds_f() * 1e3; }

std::string timestamp(Timestamp t) {
  const NtpTimestamp w = t == Timestamp() ? NtpTimestamp() : NtpTimestamp::from_time(t);
  return fmt("0x%08x.%08x", w.seconds(), w.fraction());
}

// Stratum 2..15: the upstream server's IPv4 address (or IPv6 hash) as a dotted quad; otherwise
// (and for reference clocks) up to four printable ASCII characters, as ntpd sends them.
std::string refid(uint32_t id, uint8_t stratum, bool text) {
  if (!text && stratum > 1 && stratum < 16)
    return fmt("%u.%u.%u.%u", id >> 24, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto c = static_cast<char>((id >> shift) & 0xff);
    if (c == 0) break;
    out += (c > ' ' && c < 0x7f) ? c : '.';
  }
  return out;
}

std::string quoted(const std::string& s) { return '"' + s + '"'; }

template <class T>
struct Var {
  std::string_view name;
  std::function<std::optional<std::string>(const T&)> value;  // nullopt: not sent
};

const std::vector<Var<SystemVariables>>& system_vars() {
  using S = SystemVariables;
  static const std::vector<Var<S>> vars = {
      {"leap", [](const S& s) { return fmt("%u", unsigned(s.leap)); }},
      {"stratum", [](const S& s) { return fmt("%u", s.stratum); }},
      {"precision", [](const S& s) { return fmt("%d", s.precision); }},
      {"rootdelay", [](const S& s) { return fmt("%.3f", ms(s.root_delay)); }},
      {"rootdisp", [](const S& s) { return fmt("%.3f", ms(s.root_dispersion)); }},
      {"rootdist", [](const S& s) { return fmt("%.3f", ms(s.root_delay) / 2 + ms(s.root_dispersion)); }},
      {"refid", [](const S& s) { return refid(s.ref_id, s.stratum, false); }},
      {"reftime", [](const S& s) { return timestamp(s.ref_time); }},
      {"tc", [](const S& s) { return fmt("%d", s.poll); }},
      {"peer", [](const S& s) { return fmt("%u", s.peer); }},
      {"offset", [](const S& s) { return fmt("%.6f", ms(s.offset)); }},
      {"frequency", [](const S& s) { return fmt("%.3f", s.frequency_ppm); }},
      {"sys_jitter", [](const S& s) { return fmt("%.6f", ms(s.sys_jitter)); }},
      {"clk_jitter", [](const S& s) { return fmt("%.6f", ms(s.clk_jitter)); }},
      {"clock", [](const S& s) { return timestamp(s.clock); }},
      {"version", [](const S& s) -> std::optional<std::string> {
         if (s.version.empty()) return std::nullopt;
         return quoted(s.version);
       }},
      {"clk_wander", [](const S& s) { return fmt("%.6f", s.clk_wander_ppm); }},
  };
  return vars;
}

// `rec` follows `reftime`: ntpq's `when` column takes whichever of the two comes last.
const std::vector<Var<PeerVariables>>& peer_vars() {
  using P = PeerVariables;
  static const std::vector<Var<P>> vars = {
      {"srcadr", [](const P& p) -> std::optional<std::string> {
         if (!p.address) return std::nullopt;
         return p.address->to_string();
       }},
      {"srcport", [](const P& p) -> std::optional<std::string> {
         if (!p.address) return std::nullopt;
         return fmt("%u", p.port);
       }},
      {"srchost", [](const P& p) -> std::optional<std::string> {
         if (p.host.empty()) return std::nullopt;
         return quoted(p.host);
       }},
      {"dstadr", [](const P& p) -> std::optional<std::string> {
         if (!p.local) return std::nullopt;
         return p.local->to_string();
       }},
      {"dstport", [](const P& p) -> std::optional<std::string> {
         if (!p.local || p.local_port == 0) return std::nullopt;
         return fmt("%u", p.local_port);
       }},
      {"leap", [](const P& p) { return fmt("%u", unsigned(p.leap)); }},
      {"hmode", [](const P& p) { return fmt("%u", p.host_mode); }},
      {"stratum", [](const P& p) { return fmt("%u", p.stratum); }},
      {"ppoll", [](const P& p) { return fmt("%d", p.peer_poll); }},
      {"hpoll", [](const P& p) { return fmt("%d", p.host_poll); }},
      {"precision", [](const P& p) { return fmt("%d", p.precision); }},
      {"rootdelay", [](const P& p) { return fmt("%.3f", ms(p.root_delay)); }},
      {"rootdisp", [](const P& p) { return fmt("%.3f", ms(p.root_dispersion)); }},
      {"refid", [](const P& p) { return refid(p.ref_id, p.stratum, p.refclock); }},
      {"reftime", [](const P& p) { return timestamp(p.ref_time); }},
      {"rec", [](const P& p) { return timestamp(p.received); }},
      {"reach", [](const P& p) { return fmt("0x%x", p.reach); }},
      {"delay", [](const P& p) { return fmt("%.6f", ms(p.delay)); }},
      {"offset", [](const P& p) { return fmt("%.6f", ms(p.offset)); }},
      {"jitter", [](const P& p) { return fmt("%.6f", ms(p.jitter)); }},
      {"dispersion", [](const P& p) { return fmt("%.6f", ms(p.dispersion)); }},
      {"keyid", [](const P&) { return std::string("0"); }},
      {"pmode", [](const P& p) { return fmt("%u", p.peer_mode); }},
      {"flash", [](const P& p) { return fmt("0x%x", p.flash); }},
  };
  return vars;
}

// Joins "name=value" items as ntpd does (its line breaks keep telnet-era clients happy).
class TextBuilder {
 public:
  void add(std::string_view name, const std::string& value) {
    const size_t len = name.size() + 1 + value.size();
    if (!out_.empty()) {
      out_ += ',';
      if (line_ + len + 2 >= kMaxLine) {
        out_ += "\r\n";
        line_ = 0;
      } else {
        out_ += ' ';
        line_ += 2;
      }
    }
    out_.append(name).append("=").append(value);
    line_ += len;
  }
  std::string finish() { return std::move(out_) + "\r\n"; }

 private:
  std::string out_;
  size_t line_ = 0;
};

template <class T>
std::string text(const std::vector<Var<T>>& table, const T& v,
                 std::span<const std::string_view> names) {
  TextBuilder b;
  auto put = [&](const Var<T>& var) {
    if (auto value = var.value(v)) b.add(var.name, *value);
  };
  if (names.empty()) {
    for (const auto& var : table) put(var);
  } else {
    for (std::string_view n : names)
      for (const auto& var : table)
        if (var.name == n) put(var);
  }
  return b.finish();
}

template <class T>
bool known(const std::vector<Var<T>>& table, std::string_view name) {
  return std::any_of(table.begin(), table.end(), [&](const auto& v) { return v.name == name; });
}

std::vector<std::byte> header(const Request& req, Leap leap, uint8_t op_byte, uint16_t status,
                              uint16_t offset, uint16_t count) {
  std::vector<std::byte> out;
  out.reserve(kHeaderLen + count + 3);
  ByteWriter w{out};
  w.u8(static_cast<uint8_t>((static_cast<unsigned>(leap) << 6) | (unsigned{req.version} << 3) | 6));
  w.u8(op_byte);
  w.be16(req.sequence);
  w.be16(status);
  w.be16(req.assoc_id);
  w.be16(offset);
  w.be16(count);
  return out;
}

std::vector<std::vector<std::byte>> error(const Request& req, ErrorCode code) {
  const auto op = static_cast<uint8_t>(kResponse | kError | (req.opcode & kOpMask));
  return {header(req, Leap::kNone, op, static_cast<uint16_t>(unsigned(code) << 8), 0, 0)};
}

// Splits `data` into fragments of at most kMaxData octets (RFC 9327 §2: the more bit on all but
// the last, each with its offset), each padded with zeros to a multiple of 4.
std::vector<std::vector<std::byte>> fragments(const Request& req, Leap leap, uint16_t status,
                                              std::string_view data) {
  std::vector<std::vector<std::byte>> out;
  size_t at = 0;
  do {
    const size_t n = std::min(kMaxData, data.size() - at);
    const bool more = at + n < data.size();
    const auto op = static_cast<uint8_t>(kResponse | (more ? kMore : 0) | (req.opcode & kOpMask));
    auto d = header(req, leap, op, status, static_cast<uint16_t>(at), static_cast<uint16_t>(n));
    ByteWriter w{d};
    w.bytes(as_bytes(data.substr(at, n)));
    w.zeros((4 - d.size() % 4) % 4);
    out.push_back(std::move(d));
    at += n;
  } while (at < data.size());
  return out;
}

// A variable list longer than kMaxFragments datagrams is cut after its last whole item.
std::string bounded(std::string text) {
  constexpr size_t kLimit = kMaxFragments * kMaxData;
  if (text.size() <= kLimit) return text;
  const size_t cut = text.rfind(',', kLimit - 2);
  text.resize(cut == std::string::npos ? 0 : cut);
  return text + "\r\n";
}

// The names of a READVAR request: comma-separated, blanks and trailing NULs ignored.
enum class NamesError : uint8_t { kNone, kFormat, kValue };
NamesError parse_names(Bytes data, std::vector<std::string_view>& out) {
  std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
  while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
  constexpr std::string_view kBlank = " \t\r\n";
  while (!s.empty()) {
    const size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    const size_t first = item.find_first_not_of(kBlank);
    if (first == std::string_view::npos) continue;
    item = item.substr(first, item.find_last_not_of(kBlank) - first + 1);
    for (char c : item)
      if (c <= ' ' || c >= 0x7f) return NamesError::kFormat;
    if (item.find('=') != std::string_view::npos) return NamesError::kValue;
    out.push_back(item);
  }
  return NamesError::kNone;
}

}  // namespace

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::kTooShort: return "too short";
    case DecodeError::kNotControl: return "not mode 6";
    case DecodeError::kBadVersion: return "bad version";
    case DecodeError::kNotRequest: return "not a request";
    case DecodeError::kBadLength: return "bad length";
    case DecodeError::kAuthenticated: return "authenticated";
  }
  return "?";
}

Result<Request, DecodeError> decode_request(Bytes d) {
  if (d.size() < kHeaderLen) return Unexpected{DecodeError::kTooShort};
  const auto b0 = std::to_integer<uint8_t>(d[0]);
  if ((b0 & 7) != 6) return Unexpected{DecodeError::kNotControl};
  Request r;
  r.version = (b0 >> 3) & 7;
  if (r.version < 1 || r.version > 4) return Unexpected{DecodeError::kBadVersion};
  const auto op = std::to_integer<uint8_t>(d[1]);
  if ((op & (kResponse | kError | kMore)) != 0 || be16_at(d, 8) != 0)
    return Unexpected{DecodeError::kNotRequest};
  r.opcode = op & kOpMask;
  r.sequence = be16_at(d, 2);
  r.assoc_id = be16_at(d, 6);
  const size_t count = be16_at(d, 10);
  if (d.size() % 4 != 0 || count > kMaxData || kHeaderLen + count > d.size())
    return Unexpected{DecodeError::kBadLength};
  r.data = d.subspan(kHeaderLen, count);
  const Bytes rest = d.subspan((kHeaderLen + count + 3) & ~size_t{3});
  if (std::all_of(rest.begin(), rest.end(), [](std::byte b) { return b == std::byte{0}; }))
    return r;
  if (rest.size() >= kMinMac && rest.size() <= kMaxMac) return Unexpected{DecodeError::kAuthenticated};
  return Unexpected{DecodeError::kBadLength};
}

std::optional<ErrorCode> answer_code(DecodeError e) {
  switch (e) {
    case DecodeError::kBadLength: return ErrorCode::kBadFormat;
    case DecodeError::kAuthenticated: return ErrorCode::kPermission;
    default: return std::nullopt;
  }
}

std::vector<std::byte> error_response(Bytes datagram, ErrorCode code) {
  Request r;
  r.version = (std::to_integer<uint8_t>(datagram[0]) >> 3) & 7;
  r.opcode = std::to_integer<uint8_t>(datagram[1]) & kOpMask;
  r.sequence = be16_at(datagram, 2);
  r.assoc_id = be16_at(datagram, 6);
  return error(r, code).front();
}

uint16_t PeerVariables::status_word() const {
  const unsigned statval = (configured ? 0x80u : 0u) | (reach != 0 ? 0x10u : 0u) |
                           static_cast<unsigned>(select);
  return static_cast<uint16_t>(statval << 8);
}

uint16_t system_status_word(const SystemVariables& s) {
  return static_cast<uint16_t>((static_cast<unsigned>(s.leap) << 14) |
                               (static_cast<unsigned>(s.source) << 8));
}

std::string system_text(const SystemVariables& s, std::span<const std::string_view> names) {
  return text(system_vars(), s, names);
}

std::string peer_text(const PeerVariables& p, std::span<const std::string_view> names) {
  return text(peer_vars(), p, names);
}

bool is_system_variable(std::string_view name) { return known(system_vars(), name); }
bool is_peer_variable(std::string_view name) { return known(peer_vars(), name); }

std::vector<std::vector<std::byte>> answer(const Request& req, const SystemVariables& sys,
                                           std::span<const PeerVariables> peers) {
  const PeerVariables* peer = nullptr;
  for (const auto& p : peers)
    if (req.assoc_id != 0 && p.assoc_id == req.assoc_id) peer = &p;
  if (req.assoc_id != 0 && !peer &&
      (req.opcode == uint8_t(Opcode::kReadStatus) || req.opcode == uint8_t(Opcode::kReadVariables)))
    return error(req, ErrorCode::kBadAssociation);

  if (req.opcode == uint8_t(Opcode::kReadStatus)) {
    if (peer) return fragments(req, sys.leap, peer->status_word(), bounded(peer_text(*peer)));
    // Binary: association ID and status word of each, as many as kMaxFragments carry.
    std::string pairs;
    for (const auto& p : peers) {
      if (pairs.size() + 4 > kMaxFragments * kMaxData) break;
      const uint16_t st = p.status_word();
      for (const uint16_t v : {p.assoc_id, st}) {
        pairs += static_cast<char>(v >> 8);
        pairs += static_cast<char>(v & 0xff);
      }
    }
    return fragments(req, sys.leap, system_status_word(sys), pairs);
  }
  if (req.opcode == uint8_t(Opcode::kReadVariables)) {
    std::vector<std::string_view> names;
    switch (parse_names(req.data, names)) {
      case NamesError::kNone: break;
      case NamesError::kFormat: return error(req, ErrorCode::kBadFormat);
      case NamesError::kValue: return error(req, ErrorCode::kBadValue);
    }
    for (std::string_view n : names)
      if (peer ? !is_peer_variable(n) : !is_system_variable(n))
        return error(req, ErrorCode::kUnknownVariable);
    if (peer) return fragments(req, sys.leap, peer->status_word(), bounded(peer_text(*peer, names)));
    return fragments(req, sys.leap, system_status_word(sys), bounded(system_text(sys, names)));
  }
  return error(req, ErrorCode::kBadOpcode);
}

ControlLimiter::ControlLimiter(int burst, int per_second)
    : burst_ns_(int64_t{burst} * kNsPerSec / per_second),
      cost_ns_(kNsPerSec / per_second),
      credit_ns_(burst_ns_) {}

bool ControlLimiter::take(Timestamp now) {
  if (last_ && now > *last_)
    credit_ns_ = std::min(burst_ns_, credit_ns_ + std::min(burst_ns_, (now - *last_).count_ns()));
  last_ = now;
  if (credit_ns_ < cost_ns_) return false;
  credit_ns_ -= cost_ns_;
  return true;
}

}  // namespace tempus::core::mode6
