// SPDX-License-Identifier: ISC
#include "core/time.h"

#include <cmath>

namespace tempus::core {

namespace {

constexpr uint64_t kFracPerSec = uint64_t{1} << 32;

// Fraction of a second in 2^-32 units → ns, rounded to nearest.
constexpr int64_t frac_to_ns(uint32_t frac) {
  return static_cast<int64_t>((uint64_t{frac} * kNsPerSec + (kFracPerSec >> 1)) >> 32);
}

// 0 <= ns < 1e9 → 2^-32 units, rounded to nearest. May round up to 2^32 (carry).
constexpr uint64_t ns_to_frac(int64_t ns) {
  return ((static_cast<uint64_t>(ns) << 32) + kNsPerSec / 2) / kNsPerSec;
}

}  // namespace

Duration Duration::from_seconds_f(double s) {
  if (std::isnan(s)) return Duration();
  const double ns = std::round(s * 1e9);
  if (ns >= 9.2e18) return max();
  if (ns <= -9.2e18) return min();
  return Duration(static_cast<int64_t>(ns));
}

NtpTimestamp NtpTimestamp::from_time(Timestamp t) {
  // Seconds since 1900 modulo 2^32 (the era is dropped); unix_sec() floors, so nsec() >= 0.
  const int64_t ntp_sec = t.unix_sec() + kNtpUnixOffsetSec;
  uint64_t frac = ns_to_frac(t.nsec());
  uint64_t sec = static_cast<uint64_t>(ntp_sec);
  if (frac >= kFracPerSec) {
    frac -= kFracPerSec;
    sec += 1;
  }
  return NtpTimestamp(((sec & 0xffffffffULL) << 32) | frac);
}

Timestamp NtpTimestamp::to_time(Timestamp pivot) const {
  // Place the pivot on the NTP seconds line, then take the wrapping 32-bit difference to this
  // timestamp's seconds: the result lies within [-2^31, 2^31) s of the pivot's second.
  const int64_t pivot_ntp = pivot.unix_sec() + kNtpUnixOffsetSec;
  const auto pivot_lo = static_cast<uint32_t>(static_cast<uint64_t>(pivot_ntp));
  const auto delta = static_cast<int32_t>(seconds() - pivot_lo);
  const int64_t ntp_sec = pivot_ntp + delta;
  return Timestamp::from_unix(ntp_sec - kNtpUnixOffsetSec, frac_to_ns(fraction()));
}

Duration operator-(NtpTimestamp a, NtpTimestamp b) {
  // Two's-complement 64-bit difference of 32.32 values (RFC 5905 §6): wraps correctly across an
  // era boundary. Convert the signed 32.32 result to ns without overflow.
  const auto d = static_cast<int64_t>(a.v_ - b.v_);
  const int64_t sec = d >> 32;  // arithmetic shift: floor
  const auto frac = static_cast<uint32_t>(d & 0xffffffff);
  return Duration::s(sec) + Duration::ns(frac_to_ns(frac));
}

ShortFixed ShortFixed::from_duration(Duration d) {
  if (d.count_ns() <= 0) return ShortFixed(0);
  // ns * 2^16 / 1e9, rounded; saturate above 0xffff.ffff.
  const int64_t ns = d.count_ns();
  if (ns >= int64_t{65536} * kNsPerSec) return ShortFixed(0xffffffffu);
  // ns < 2^46 here, so ns * 2^16 < 2^62 cannot overflow.
  const auto units = static_cast<uint64_t>((ns * 65536 + kNsPerSec / 2) / kNsPerSec);
  return ShortFixed(units > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(units));
}

Duration ShortFixed::to_duration() const {
  const uint64_t ns = (uint64_t{v_} * kNsPerSec + (1u << 15)) >> 16;
  return Duration::ns(static_cast<int64_t>(ns));
}

CivilTime civil_time(Timestamp t) {
  constexpr int64_t kDay = 86400;
  const int64_t sec = t.unix_sec();
  const int64_t days = sec / kDay - (sec % kDay < 0 ? 1 : 0);
  const int64_t rem = sec - days * kDay;
  // Days since 1970-01-01 → date, 400-year era by era (H. Hinnant's civil_from_days).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = static_cast<unsigned>(rem / 3600);
  c.minute = static_cast<unsigned>(rem / 60 % 60);
  c.second = static_cast<unsigned>(rem % 60);
  c.weekday = static_cast<unsigned>(((days + 4) % 7 + 7) % 7);
  return c;
}

}  // namespace tempus::core
