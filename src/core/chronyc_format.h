// SPDX-License-Identifier: ISC
// chronyc's output engine (client.c print_report() and its helpers in chrony 4.3), re-made so
// that tempusctl prints the same bytes: the same printf conversions (C locale), units chosen by
// magnitude, and the CSV mode (-c) in which literal text is dropped, fields are joined by ','
// with widths and signs cleared, offsets print as "%.9f" seconds, frequencies as "%.3f" ppm,
// intervals as whole seconds, dates as "SEC.NSEC" since the epoch, and each record ends in '\n'.
//
// A Report is written field by field in the order of chronyc's format string; each method is one
// conversion (its letter is chronyc's). Pure: dates are converted without the C library's time
// functions, names come from the caller (Naming).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/cmdmon.h"
#include "core/time.h"

namespace tempus::core::chronyc {

class Report {
 public:
  explicit Report(bool csv) : csv_(csv) {}

  // Literal text of the format (dropped in CSV).
  Report& text(std::string_view s);
  // %c, %*s (left: "%-*s"), %*d, %*u / %*U, %*o.
  Report& chr(char c);
  Report& str(std::string_view s, int width = 0, bool left = false);
  Report& dec(int64_t v, int width = 0);
  Report& uns(uint64_t v, int width = 0);
  Report& oct(unsigned v, int width = 0);
  // %*.*f, with '+' when `sign`.
  Report& fixed(double v, int width, int prec, bool sign = false);
  // %R: a reference ID as 8 hex digits.
  Report& refid(uint32_t id);
  // %S / %+S: seconds with a unit (ns, us, ms, s, m, h, d, y).
  Report& offset(double s, bool sign);
  // %.*O: |seconds| "seconds slow|fast" (> 0: slow); %.*F: |ppm| "ppm slow|fast" (> 0: fast).
  Report& offset_dir(double s, int prec);
  Report& freq_dir(double ppm, int prec);
  // %P / %+P: ppm in 10 columns.
  Report& ppm(double v, bool sign);
  // %I: an interval in seconds with a unit; 0xffffffff is "-".
  Report& interval(uint64_t s);
  // %T: a date in UTC ("Fri Jan 27 09:49:17 2017").
  Report& date(Timestamp t);
  // %L / %1L: leap status in words or as one character.
  Report& leap(int leap, bool one_char = false);
  // %M: an NTP mode; %N: a timestamping source letter; %B: Yes/No.
  Report& mode(int mode);
  Report& tss(int c);
  Report& yes_no(bool b);
  // %C: a client-log interval (log2 s; 127 or more: " -").
  Report& log_interval(int v);
  // %.*b: the low `bits` bits of v, in binary.
  Report& binary(unsigned v, int bits);

  // The text so far; in CSV the record's '\n' is added.
  std::string done();

 private:
  void sep();
  bool csv_;
  int fields_ = 0;
  std::string out_;
};

// chronyc's header and its line of '=' (nothing in CSV).
std::string header(std::string_view h, bool csv);

// chronyc's text of a status code, e.g. "503 No such source"; "200 OK" for success.
std::string status_text(uint16_t status);
inline constexpr std::string_view kCannotTalk = "506 Cannot talk to daemon";
inline constexpr std::string_view kBadReply = "508 Bad reply from daemon";

// How names are found (chronyc's format_name()). The functions may be empty.
struct Naming {
  bool csv = false;           // -c: addresses as numbers
  bool numeric = false;       // -n: no reverse DNS
  bool source_names = false;  // -N: the names sources were configured with
  // Reverse DNS of an address (getnameinfo); nullopt: print the address.
  std::function<std::optional<std::string>(const IpAddress&)> reverse;
  // A source's configured name (REQ_NTP_SOURCE_NAME); nullopt: print '?'.
  std::function<std::optional<std::string>(const cmdmon::Address&)> source_name;
  // The reference ID of an address (IPv6: the first octets of its MD5, as chronyd computes it).
  std::function<uint32_t(const IpAddress&)> refid_of;
};

// chronyc's text of an address: IPv4 dotted, IPv6 as glibc's inet_ntop writes it, "ID#NNNNNNNNNN"
// for an unresolved source, "[UNSPEC]" otherwise.
std::string address_text(const cmdmon::Address& a);
// The printable characters of a reference ID ("GPS", "LOCL").
std::string refid_text(uint32_t id);
// The reference ID of an address as chronyc computes it (0 for no address).
uint32_t address_refid(const cmdmon::Address& a, const Naming& n);

// format_name(): `ref`: the reference ID's text; `source`: -N applies; trunc: width past which
// a DNS name is cut with '>' (0: never).
std::string format_name(const cmdmon::Address& a, bool ref, uint32_t ref_id, bool source,
                        size_t trunc, const Naming& n);

}  // namespace tempus::core::chronyc
