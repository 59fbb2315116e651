// SPDX-License-Identifier: ISC
// Time types. All arithmetic is integer; double appears only at the edges, in functions whose
// names say so (to_seconds_f, from_seconds_f).
//
//   Duration      signed interval, int64 nanoseconds (±292 years).
//   Timestamp     absolute time: int64 nanoseconds since 1970-01-01T00:00:00Z (UTC, no leap
//                 seconds, as CLOCK_REALTIME).
//   NtpTimestamp  the 64-bit NTP wire format (RFC 5905 §6): 32 bits of seconds since the start of
//                 its era, 32 bits of fraction. Era 0 began 1900-01-01; era 1 begins
//                 2036-02-07T06:28:16Z. The wire carries no era: converting to a Timestamp needs a
//                 pivot (normally "now"), and the result is the instant within ±2^31 s of it.
//   ShortFixed    the 32-bit NTP short format (16.16 unsigned seconds): root delay/dispersion.
//   PollLog       log2 of a poll interval in seconds (RFC 5905 range is wider than the wire's
//                 int8; chrony's −7..24 fits).
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace tempus::core {

inline constexpr int64_t kNsPerSec = 1'000'000'000;

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration ns(int64_t v) { return Duration(v); }
  static constexpr Duration us(int64_t v) { return Duration(v * 1000); }
  static constexpr Duration ms(int64_t v) { return Duration(v * 1'000'000); }
  static constexpr Duration s(int64_t v) { return Duration(v * kNsPerSec); }
  // Rounds to the nearest ns; saturates at the representable range, NaN → 0.
  static Duration from_seconds_f(double s);
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }
  static constexpr Duration min() { return Duration(std::numeric_limits<int64_t>::min()); }

  constexpr int64_t count_ns() const { return ns_; }
  double to_seconds_f() const { return static_cast<double>(ns_) / 1e9; }
  constexpr Duration abs() const { return Duration(ns_ < 0 ? -ns_ : ns_); }

  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t v) : ns_(v) {}
  int64_t ns_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp from_unix_ns(int64_t ns) { return Timestamp(ns); }
  static constexpr Timestamp from_unix(int64_t sec, int64_t nsec) {
    return Timestamp(sec * kNsPerSec + nsec);
  }
  constexpr int64_t unix_ns() const { return ns_; }
  // Whole seconds (floor) and the nanoseconds past them (0..999'999'999), like a timespec.
  constexpr int64_t unix_sec() const {
    return ns_ >= 0 ? ns_ / kNsPerSec : -((-ns_ + kNsPerSec - 1) / kNsPerSec);
  }
  constexpr int64_t nsec() const { return ns_ - unix_sec() * kNsPerSec; }

  constexpr Timestamp operator+(Duration d) const { return Timestamp(ns_ + d.count_ns()); }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(ns_ - d.count_ns()); }
  constexpr Duration operator-(Timestamp o) const { return Duration::ns(ns_ - o.ns_); }
  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  constexpr explicit Timestamp(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch.
inline constexpr int64_t kNtpUnixOffsetSec = 2'208'988'800;

class NtpTimestamp {
 public:
  constexpr NtpTimestamp() = default;
  static constexpr NtpTimestamp from_wire(uint64_t w) { return NtpTimestamp(w); }
  static constexpr NtpTimestamp from_parts(uint32_t sec, uint32_t frac) {
    return NtpTimestamp((uint64_t{sec} << 32) | frac);
  }
  // The era-less wire value of an absolute time (the era is dropped, RFC 5905 §6).
  static NtpTimestamp from_time(Timestamp t);

  constexpr uint64_t wire() const { return v_; }
  constexpr uint32_t seconds() const { return static_cast<uint32_t>(v_ >> 32); }
  constexpr uint32_t fraction() const { return static_cast<uint32_t>(v_); }
  constexpr bool is_zero() const { return v_ == 0; }

  // The absolute time this wire value denotes in the era that puts it within ±2^31 s of
  // `pivot`. Round trip: to_time(from_time(t), p) == t (to 1 ns) whenever |t − p| < 2^31 s.
  Timestamp to_time(Timestamp pivot) const;

  // Signed difference a − b as 64-bit two's-complement 32.32 seconds, converted to ns. Correct
  // across an era boundary as long as the true difference is below 2^31 s (RFC 5905 §6).
  friend Duration operator-(NtpTimestamp a, NtpTimestamp b);
  constexpr bool operator==(const NtpTimestamp&) const = default;

 private:
  constexpr explicit NtpTimestamp(uint64_t v) : v_(v) {}
  uint64_t v_ = 0;
};

// 32-bit 16.16 unsigned seconds (RFC 5905 §6 "NTP Short Format").
class ShortFixed {
 public:
  constexpr ShortFixed() = default;
  static constexpr ShortFixed from_wire(uint32_t w) { return ShortFixed(w); }
  // Rounds to the nearest 2^-16 s; negative → 0; saturates at 65535.99998 s.
  static ShortFixed from_duration(Duration d);
  constexpr uint32_t wire() const { return v_; }
  Duration to_duration() const;
  constexpr bool operator==(const ShortFixed&) const = default;

 private:
  constexpr explicit ShortFixed(uint32_t v) : v_(v) {}
  uint32_t v_ = 0;
};

struct PollLog {
  int8_t log2 = 0;
  static constexpr int8_t kMin = -7;  // chrony's minpoll/maxpoll range
  static constexpr int8_t kMax = 24;
  // Interval 2^log2 s; negative powers give sub-second intervals.
  constexpr Duration interval() const {
    return log2 >= 0 ? Duration::s(int64_t{1} << log2) : Duration::ns(kNsPerSec >> -log2);
  }
  constexpr auto operator<=>(const PollLog&) const = default;
};

// A UTC calendar date and time of day (proleptic Gregorian, no leap seconds: as time_t).
struct CivilTime {
  int64_t year = 1970;
  unsigned month = 1, day = 1;          // 1..12, 1..31
  unsigned hour = 0, minute = 0, second = 0;
  unsigned weekday = 4;                 // 0 = Sunday (1970-01-01 was a Thursday)
};
// The UTC date and time of day of t's whole second (floored, also before 1970).
CivilTime civil_time(Timestamp t);

}  // namespace tempus::core
