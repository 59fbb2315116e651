// SPDX-License-Identifier: ISC
#include "core/ip.h"

#include <cstddef>

namespace tempus::core {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decimal text of at most `max_digits` digits; nullopt on anything else.
// Precondition: max_digits <= 19 (no overflow).
std::optional<uint64_t> parse_decimal(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// inet_pton(AF_INET) rules: exactly four octets, no leading zeros.
std::optional<std::array<uint8_t, 4>> parse_dotted_quad(std::string_view s) {
  std::array<uint8_t, 4> out{};
  size_t part = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '.') continue;
    if (part == 4) return std::nullopt;
    const std::string_view octet = s.substr(start, i - start);
    const auto v = parse_decimal(octet, 3);
    if (!v || *v > 255 || (octet.size() > 1 && octet[0] == '0')) return std::nullopt;
    out[part++] = static_cast<uint8_t>(*v);
    start = i + 1;
  }
  if (part != 4) return std::nullopt;
  return out;
}

// One side of an IPv6 address around "::": groups separated by single ':'. The last group may be
// a dotted quad when `allow_v4_tail`. Appends 16-bit groups to `out`; false on a syntax error.
bool parse_v6_groups(std::string_view s, bool allow_v4_tail, std::array<uint16_t, 8>& out,
                     size_t& n) {
  if (s.empty()) return true;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != ':') continue;
    const std::string_view g = s.substr(start, i - start);
    const bool last = i == s.size();
    if (last && allow_v4_tail && g.find('.') != std::string_view::npos) {
      const auto quad = parse_dotted_quad(g);
      if (!quad || n + 2 > 8) return false;
      out[n++] = static_cast<uint16_t>(((*quad)[0] << 8) | (*quad)[1]);
      out[n++] = static_cast<uint16_t>(((*quad)[2] << 8) | (*quad)[3]);
      return true;
    }
    if (g.empty() || g.size() > 4 || n == 8) return false;
    uint16_t v = 0;
    for (char c : g) {
      const int h = hex_value(c);
      if (h < 0) return false;
      v = static_cast<uint16_t>((v << 4) | h);
    }
    out[n++] = v;
    start = i + 1;
  }
  return true;
}

std::optional<std::array<uint8_t, 16>> parse_v6(std::string_view s) {
  std::array<uint16_t, 8> head{}, tail{};
  size_t nh = 0, nt = 0;
  const size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_v6_groups(s, true, head, nh) || nh != 8) return std::nullopt;
  } else {
    const std::string_view left = s.substr(0, gap);
    const std::string_view right = s.substr(gap + 2);
    if (right.find("::") != std::string_view::npos) return std::nullopt;
    // "::" must stand for at least one group, so at most seven are written.
    if (!parse_v6_groups(left, false, head, nh) || !parse_v6_groups(right, true, tail, nt) ||
        nh + nt > 7)
      return std::nullopt;
  }
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < nh; ++i) {
    bytes[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    bytes[2 * i + 1] = static_cast<uint8_t>(head[i] & 0xff);
  }
  for (size_t i = 0; i < nt; ++i) {
    const size_t g = 8 - nt + i;
    bytes[2 * g] = static_cast<uint8_t>(tail[i] >> 8);
    bytes[2 * g + 1] = static_cast<uint8_t>(tail[i] & 0xff);
  }
  return bytes;
}

void append_hex(std::string& out, uint16_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned d = (v >> shift) & 0xf;
    if (d != 0 || started || shift == 0) {
      out.push_back(kDigits[d]);
      started = true;
    }
  }
}

void append_quad(std::string& out, const uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i) out.push_back('.');
    out += std::to_string(b[i]);
  }
}

}  // namespace

const char* to_string(IpError e) {
  switch (e) {
    case IpError::kEmpty: return "empty address";
    case IpError::kInvalidIpv4: return "invalid IPv4 address";
    case IpError::kInvalidIpv6: return "invalid IPv6 address";
    case IpError::kInvalidPrefix: return "invalid prefix length";
    case IpError::kPrefixTooLong: return "prefix length too long for the address family";
  }
  return "unknown IP error";
}

IpAddress IpAddress::v4(uint32_t value) {
  IpAddress a;
  a.family_ = IpFamily::kV4;
  for (int i = 0; i < 4; ++i)
    a.bytes_[static_cast<size_t>(i)] = static_cast<uint8_t>(value >> (24 - 8 * i));
  return a;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.family_ = IpFamily::kV6;
  a.bytes_ = bytes;
  return a;
}

IpAddress IpAddress::any(IpFamily family) { return family == IpFamily::kV4 ? v4(0) : v6({}); }

IpAddress IpAddress::loopback(IpFamily family) {
  if (family == IpFamily::kV4) return v4(0x7f000001);
  std::array<uint8_t, 16> b{};
  b[15] = 1;
  return v6(b);
}

Result<IpAddress, IpError> IpAddress::parse(std::string_view text) {
  if (text.empty()) return Unexpected{IpError::kEmpty};
  if (text.find(':') == std::string_view::npos) {
    const auto quad = parse_dotted_quad(text);
    if (!quad) return Unexpected{IpError::kInvalidIpv4};
    return v4(static_cast<uint32_t>((*quad)[0]) << 24 | static_cast<uint32_t>((*quad)[1]) << 16 |
              static_cast<uint32_t>((*quad)[2]) << 8 | (*quad)[3]);
  }
  const auto bytes = parse_v6(text);
  if (!bytes) return Unexpected{IpError::kInvalidIpv6};
  return v6(*bytes);
}

bool IpAddress::is_valid_hostname(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  bool last_all_digits = false;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '.') continue;
    const std::string_view label = name.substr(start, i - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    last_all_digits = true;
    for (char c : label) {
      const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alpha && !is_digit(c) && c != '-' && c != '_') return false;
      if (!is_digit(c)) last_all_digits = false;
    }
    start = i + 1;
  }
  return !last_all_digits;
}

uint32_t IpAddress::v4_value() const {
  return static_cast<uint32_t>(bytes_[0]) << 24 | static_cast<uint32_t>(bytes_[1]) << 16 |
         static_cast<uint32_t>(bytes_[2]) << 8 | bytes_[3];
}

bool IpAddress::is_unspecified() const {
  for (uint8_t b : bytes_)
    if (b) return false;
  return true;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[0] == 127;
  for (size_t i = 0; i < 15; ++i)
    if (bytes_[i]) return false;
  return bytes_[15] == 1;
}

bool IpAddress::is_v4_mapped() const {
  if (!is_v6()) return false;
  for (size_t i = 0; i < 10; ++i)
    if (bytes_[i]) return false;
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

std::optional<IpAddress> IpAddress::unmapped_v4() const {
  if (!is_v4_mapped()) return std::nullopt;
  return v4(static_cast<uint32_t>(bytes_[12]) << 24 | static_cast<uint32_t>(bytes_[13]) << 16 |
            static_cast<uint32_t>(bytes_[14]) << 8 | bytes_[15]);
}

std::string IpAddress::to_string() const {
  std::string out;
  if (is_v4()) {
    append_quad(out, bytes_.data());
    return out;
  }
  if (is_v4_mapped()) {
    out = "::ffff:";
    append_quad(out, bytes_.data() + 12);
    return out;
  }
  std::array<uint16_t, 8> g{};
  for (size_t i = 0; i < 8; ++i)
    g[i] = static_cast<uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  // RFC 5952 §4.2: compress the longest run of >= 2 zero groups, the first one on a tie.
  size_t best = 8, best_len = 1;
  for (size_t i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  for (size_t i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i && !(best != 8 && i == best + best_len)) out.push_back(':');
    append_hex(out, g[i]);
  }
  return out;
}

Result<Subnet, IpError> Subnet::make(const IpAddress& base, int prefix_len) {
  if (prefix_len < 0) return Unexpected{IpError::kInvalidPrefix};
  if (prefix_len > base.bit_length()) return Unexpected{IpError::kPrefixTooLong};
  std::array<uint8_t, 16> b = base.bytes();
  for (size_t i = 0; i < 16; ++i) {
    const int keep = prefix_len - static_cast<int>(8 * i);
    if (keep >= 8) continue;
    b[i] = static_cast<uint8_t>(keep <= 0 ? 0 : b[i] & (0xff << (8 - keep)));
  }
  Subnet s;
  s.address_ = base.is_v4() ? IpAddress::v4(static_cast<uint32_t>(b[0]) << 24 |
                                            static_cast<uint32_t>(b[1]) << 16 |
                                            static_cast<uint32_t>(b[2]) << 8 | b[3])
                            : IpAddress::v6(b);
  s.prefix_len_ = prefix_len;
  return s;
}

Subnet Subnet::host(const IpAddress& address) {
  Subnet s;
  s.address_ = address;
  s.prefix_len_ = address.bit_length();
  return s;
}

Result<Subnet, IpError> Subnet::parse(std::string_view text) {
  if (text.empty()) return Unexpected{IpError::kEmpty};
  int bits = -1;
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    // Three digits cover every valid length; more is rejected rather than overflowed.
    const auto b = parse_decimal(text.substr(slash + 1), 3);
    if (!b) return Unexpected{IpError::kInvalidPrefix};
    bits = static_cast<int>(*b);
    text = text.substr(0, slash);
    if (text.empty()) return Unexpected{IpError::kEmpty};
  }
  const auto addr = IpAddress::parse(text);
  if (addr.ok()) return make(*addr, bits >= 0 ? bits : addr->bit_length());
  if (text.find(':') != std::string_view::npos) return Unexpected{addr.error()};

  // chrony's IPv4 shorthand: 1..3 dot-separated decimal numbers, the rest zero.
  uint32_t value = 0;
  int parts = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') continue;
    if (parts == 3) return Unexpected{IpError::kInvalidIpv4};
    const auto v = parse_decimal(text.substr(start, i - start), 10);
    if (!v || *v > 255) return Unexpected{IpError::kInvalidIpv4};
    value |= static_cast<uint32_t>(*v) << (24 - 8 * parts);
    ++parts;
    start = i + 1;
  }
  return make(IpAddress::v4(value), bits >= 0 ? bits : 8 * parts);
}

bool Subnet::contains(const IpAddress& a) const {
  IpAddress probe = a;
  if (address_.is_v4() && a.is_v6()) {
    const auto v4 = a.unmapped_v4();
    if (!v4) return false;
    probe = *v4;
  }
  if (probe.family() != address_.family()) return false;
  const auto masked = make(probe, prefix_len_);
  return masked.ok() && masked->address_ == address_;
}

std::string Subnet::to_string() const {
  return address_.to_string() + "/" + std::to_string(prefix_len_);
}

}  // namespace tempus::core
