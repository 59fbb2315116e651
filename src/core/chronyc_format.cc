// SPDX-License-Identifier: ISC
#include "core/chronyc_format.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace tempus::core::chronyc {

namespace {

[[gnu::format(printf, 1, 2)]] std::string fmt(const char* f, ...) {
  std::array<char, 512> buf{};
  va_list ap;
  va_start(ap, f);
  const int n = std::vsnprintf(buf.data(), buf.size(), f, ap);
  va_end(ap);
  if (n < 0) return {};
  return std::string(buf.data(), std::min(static_cast<size_t>(n), buf.size() - 1));
}

// chronyc's print_nanoseconds() (unsigned: widths 4/5) and print_signed_nanoseconds().
std::string nanoseconds(double s, bool sign) {
  const double x = std::fabs(s);
  const double v = sign ? s : x;
  const char* f4 = sign ? "%+5.0f%s" : "%4.0f%s";
  const char* f5 = sign ? "%+6.1f%s" : "%5.1f%s";
  const char* f6 = sign ? "%+6.0f%s" : "%5.0f%s";
  if (x < 9999.5e-9) return fmt(f4, v * 1e9, "ns");
  if (x < 9999.5e-6) return fmt(f4, v * 1e6, "us");
  if (x < 9999.5e-3) return fmt(f4, v * 1e3, "ms");
  if (x < 999.5) return fmt(f5, v, "s");
  if (x < 99999.5) return fmt(f6, v, "s");
  if (x < 99999.5 * 60) return fmt(f6, v / 60, "m");
  if (x < 99999.5 * 3600) return fmt(f6, v / 3600, "h");
  if (x < 99999.5 * 3600 * 24) return fmt(f6, v / (3600 * 24), "d");
  return fmt(f6, v / (3600 * 24 * 365), "y");
}

}  // namespace

void Report::sep() {
  if (csv_ && fields_ > 0) out_ += ',';
  ++fields_;
}

Report& Report::text(std::string_view s) {
  if (!csv_) out_ += s;
  return *this;
}

Report& Report::chr(char c) {
  sep();
  out_ += c;
  return *this;
}

Report& Report::str(std::string_view s, int width, bool left) {
  sep();
  const std::string v(s);
  if (csv_) width = 0;
  out_ += left ? fmt("%-*s", width, v.c_str()) : fmt("%*s", width, v.c_str());
  return *this;
}

Report& Report::dec(int64_t v, int width) {
  sep();
  out_ += fmt("%*lld", csv_ ? 0 : width, static_cast<long long>(v));
  return *this;
}

Report& Report::uns(uint64_t v, int width) {
  sep();
  out_ += fmt("%*llu", csv_ ? 0 : width, static_cast<unsigned long long>(v));
  return *this;
}

Report& Report::oct(unsigned v, int width) {
  sep();
  out_ += fmt("%*o", csv_ ? 0 : width, v);
  return *this;
}

Report& Report::fixed(double v, int width, int prec, bool sign) {
  sep();
  if (csv_) {
    out_ += fmt("%.*f", prec, v);
  } else {
    out_ += fmt(sign ? "%+*.*f" : "%*.*f", width, prec, v);
  }
  return *this;
}

Report& Report::refid(uint32_t id) {
  sep();
  out_ += fmt("%08lX", static_cast<unsigned long>(id));
  return *this;
}

Report& Report::offset(double s, bool sign) {
  sep();
  out_ += csv_ ? fmt("%.9f", s) : nanoseconds(s, sign);
  return *this;
}

Report& Report::offset_dir(double s, int prec) {
  sep();
  out_ += csv_ ? fmt("%.9f", s)
               : fmt("%.*f seconds %s", prec, std::fabs(s), s > 0.0 ? "slow" : "fast");
  return *this;
}

Report& Report::freq_dir(double ppm, int prec) {
  sep();
  out_ += csv_ ? fmt("%.3f", ppm)
               : fmt("%.*f ppm %s", prec, std::fabs(ppm), ppm > 0.0 ? "fast" : "slow");
  return *this;
}

Report& Report::ppm(double v, bool sign) {
  sep();
  if (csv_) {
    out_ += fmt("%.3f", v);
  } else if (std::fabs(v) < 99999.5) {
    out_ += fmt(sign ? "%+10.3f" : "%10.3f", v);
  } else {
    out_ += fmt(sign ? "%+10.0f" : "%10.0f", v);
  }
  return *this;
}

Report& Report::interval(uint64_t s) {
  sep();
  if (csv_) {
    out_ += fmt("%llu", static_cast<unsigned long long>(s));
  } else if (s == 0xffffffff) {
    out_ += "   -";
  } else if (s < 1200) {
    out_ += fmt("%4llu", static_cast<unsigned long long>(s));
  } else if (s < 36000) {
    out_ += fmt("%3llum", static_cast<unsigned long long>(s / 60));
  } else if (s < 345600) {
    out_ += fmt("%3lluh", static_cast<unsigned long long>(s / 3600));
  } else if (const uint64_t d = s / 86400; d > 999) {
    out_ += fmt("%3lluy", static_cast<unsigned long long>(d / 365));
  } else {
    out_ += fmt("%3llud", static_cast<unsigned long long>(d));
  }
  return *this;
}

Report& Report::date(Timestamp t) {
  sep();
  const int64_t sec = t.unix_sec();
  if (csv_) {
    out_ += fmt("%lld.%09lld", static_cast<long long>(sec), static_cast<long long>(t.nsec()));
    return *this;
  }
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime c = civil_time(t);
  out_ += fmt("%s %s %02u %02u:%02u:%02u %lld", kDays[c.weekday], kMonths[c.month - 1], c.day,
              c.hour, c.minute, c.second, static_cast<long long>(c.year));
  return *this;
}

Report& Report::leap(int leap, bool one_char) {
  sep();
  const bool one = one_char && !csv_;
  switch (leap) {
    case 0: out_ += one ? "N" : "Normal"; break;
    case 1: out_ += one ? "+" : "Insert second"; break;
    case 2: out_ += one ? "-" : "Delete second"; break;
    case 3: out_ += one ? "?" : "Not synchronised"; break;
    default: out_ += one ? "?" : "Invalid"; break;
  }
  return *this;
}

Report& Report::mode(int mode) {
  sep();
  out_ += mode == 1 ? "Symmetric active" : mode == 2 ? "Symmetric passive"
          : mode == 4                    ? "Server"
                                         : "Invalid";
  return *this;
}

Report& Report::tss(int c) {
  sep();
  out_ += c == 'D' ? "Daemon" : c == 'K' ? "Kernel" : c == 'H' ? "Hardware" : "Invalid";
  return *this;
}

Report& Report::yes_no(bool b) {
  sep();
  out_ += b ? "Yes" : "No";
  return *this;
}

Report& Report::log_interval(int v) {
  sep();
  if (csv_) {
    out_ += fmt("%d", v);
  } else {
    out_ += v >= 127 ? std::string(" -") : fmt("%2d", v);
  }
  return *this;
}

Report& Report::binary(unsigned v, int bits) {
  sep();
  for (int i = bits - 1; i >= 0; --i) out_ += (v & 1u << i) ? '1' : '0';
  return *this;
}

std::string Report::done() {
  if (csv_) out_ += '\n';
  return std::move(out_);
}

std::string header(std::string_view h, bool csv) {
  if (csv) return {};
  std::string out(h);
  out += '\n';
  out.append(h.size(), '=');
  out += '\n';
  return out;
}

std::string status_text(uint16_t status) {
  switch (status) {
    case 0: return "200 OK";
    case 1: return "500 Failure";
    case 2: return "501 Not authorised";
    case 3: return "502 Invalid command";
    case 4: return "503 No such source";
    case 5: return "504 Duplicate or stale logon detected";
    case 6: return "505 Facility not enabled in daemon";
    case 7: return "507 Bad subnet";
    case 8: return "208 Access allowed";
    case 9: return "209 Access denied";
    case 10: return "510 No command access from this host";
    case 11: return "511 Source already present";
    case 12: return "512 Too many sources present";
    case 13: return "513 RTC driver not running";
    case 14: return "514 Can't write RTC parameters";
    case 15: return "519 Client logging is not active in the daemon";
    case 16: return "515 Invalid address family";
    case 17: return "516 Sample index out of range";
    case 18: return "517 Protocol version mismatch";
    case 19: return "518 Packet length mismatch";
    case 21: return "521 Invalid name";
    default: return "520 Got unexpected error from daemon";
  }
}

std::string address_text(const cmdmon::Address& a) {
  if (!a.ip) return a.id != 0 ? fmt("ID#%010u", a.id) : std::string("[UNSPEC]");
  if (a.ip->is_v4()) return a.ip->to_string();
  // glibc's inet_ntop prints ::a.b.c.d (an IPv4-compatible address) and ::ffff:a.b.c.d;
  // otherwise the RFC 5952 form, as IpAddress::to_string.
  const auto& b = a.ip->bytes();
  bool zero12 = true;
  for (size_t i = 0; i < 12; ++i) zero12 = zero12 && b[i] == 0;
  if (zero12 && (b[12] != 0 || b[13] != 0))
    return fmt("::%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
  return a.ip->to_string();
}

std::string refid_text(uint32_t id) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<unsigned char>(id >> (24 - 8 * i));
    if (std::isprint(c)) out += static_cast<char>(c);
  }
  return out;
}

uint32_t address_refid(const cmdmon::Address& a, const Naming& n) {
  if (!a.ip) return 0;
  if (a.ip->is_v4()) return a.ip->v4_value();
  return n.refid_of ? n.refid_of(*a.ip) : 0;
}

std::string format_name(const cmdmon::Address& a, bool ref, uint32_t ref_id, bool source,
                        size_t trunc, const Naming& n) {
  if (ref) return refid_text(ref_id);
  if (source && n.source_names) {
    auto name = n.source_name ? n.source_name(a) : std::nullopt;
    return name ? *name : "?";
  }
  if (n.numeric || n.csv || !a.ip) return address_text(a);
  std::string name = address_text(a);
  if (n.reverse)
    if (auto r = n.reverse(*a.ip)) name = *r;
  if (trunc > 0 && name.size() > trunc) {
    name.resize(trunc);
    name[trunc - 1] = '>';
  }
  return name;
}

}  // namespace tempus::core::chronyc
