// SPDX-License-Identifier: ISC
#include "core/refclock_phc.h"

#include <optional>

namespace tempus::core {

namespace {

// 2^33 s (year 2242) keeps seconds × 1e9 well inside int64 nanoseconds.
constexpr int64_t kMaxSec = int64_t{1} << 33;

std::optional<Timestamp> to_timestamp(PhcTime t) {
  if (t.sec < 0 || t.sec > kMaxSec || t.nsec >= static_cast<uint32_t>(kNsPerSec))
    return std::nullopt;
  return Timestamp::from_unix(t.sec, t.nsec);
}

}  // namespace

std::string_view to_string(PhcError e) {
  switch (e) {
    case PhcError::kNoReadings: return "no readings";
    case PhcError::kBadTime: return "invalid timestamp";
    case PhcError::kBackwards: return "system clock went backwards during every reading";
  }
  return "unknown error";
}

Result<PhcMeasurement, PhcError> measure_phc(std::span<const PhcTriplet> readings,
                                             Duration precision, int32_t tai_minus_utc_s) {
  if (readings.empty()) return Unexpected{PhcError::kNoReadings};
  std::optional<PhcMeasurement> best;
  for (const PhcTriplet& r : readings) {
    const auto before = to_timestamp(r.sys_before);
    const auto phc = to_timestamp(r.phc);
    const auto after = to_timestamp(r.sys_after);
    if (!before || !phc || !after) return Unexpected{PhcError::kBadTime};
    const Duration window = *after - *before;
    if (window < Duration() || (best && window >= best->window)) continue;
    const Timestamp mid = *before + window / 2;
    const Timestamp phc_utc = *phc - Duration::s(tai_minus_utc_s);
    best = PhcMeasurement{.sys_time = mid,
                          .offset = phc_utc - mid,
                          .dispersion = window / 2 + precision,
                          .window = window};
  }
  if (!best) return Unexpected{PhcError::kBackwards};
  return *best;
}

}  // namespace tempus::core
