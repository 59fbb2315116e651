// SPDX-License-Identifier: ISC
// The drift file (`driftfile`), in chronyd's exact format so that tempusd and chronyd can take
// over each other's file: one line, two decimal numbers in ppm, as chrony's reference.c writes
// it with fprintf("%20.6f %20.6f\n", freq_ppm, skew_ppm), e.g.
//            -12.345678             0.012345
// chrony reads it back with fscanf("%lf%lf"); parse_drift() accepts that layout and the same
// numbers without padding, and is stricter about garbage.
//
// SIGN: the file holds chrony's frequency, which is the clock's own error: > 0 means the
// UNCORRECTED clock runs FAST, so the correction the kernel applies is the opposite. tempus'
// frequency everywhere else (ipc SetFrequency/WriteDrift, ClockBackend, timex.freq) is the
// correction, > 0 = runs faster. correction_from_drift() / drift_from_correction() convert, and
// are the only place the sign flips. Ignoring the tick, chrony sets timex.freq = −freq_ppm.
//
// ntpd's drift file (a box taken over from ntpd, `driftfile /var/lib/ntp/drift`) is one number,
// the kernel correction in ppm, so chrony's frequency with the sign flipped; parse_drift()
// reads it as such and format_drift() writes a value back in the format the file had, so an
// admin can go back to ntpd with the frequency tempusd learned.
//
// Pure: no IO here; the parent reads and writes the file (sys/state_files.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tempus::core {

// Largest |freq| accepted from a drift file, ppm (chrony's default maxdrift, 500000 ppm).
inline constexpr double kMaxDriftFreqPpm = 500'000.0;
// Largest skew accepted, ppm (chrony starts from a skew of 1.0, i.e. 10^6 ppm).
inline constexpr double kMaxDriftSkewPpm = 1'000'000.0;

// ntpd's file carries no skew: it reads as this (chronyd's skew after a few updates).
inline constexpr double kNtpdDriftSkewPpm = 1.0;

enum class DriftFormat : uint8_t { kChrony, kNtpd };

struct Drift {
  double freq_ppm = 0.0;  // chrony's sign: > 0 = the uncorrected clock is fast
  double skew_ppm = 0.0;  // estimated error of freq_ppm, ≥ 0
  DriftFormat format = DriftFormat::kChrony;  // the file's layout
  bool operator==(const Drift&) const = default;
};

enum class DriftError : uint8_t {
  kSyntax = 1,   // not one (ntpd) or two (chrony) decimal numbers separated by blanks
  kNotFinite,    // NaN or infinity
  kOutOfRange,   // |freq| > kMaxDriftFreqPpm, skew < 0 or > kMaxDriftSkewPpm
};
std::string_view to_string(DriftError e);

// Whole file content → value. Leading and trailing whitespace (blanks, tabs, CR, LF) is
// ignored; each number is an optional sign, digits, an optional fraction and an optional
// exponent (hex floats, "inf", "nan" and thousands separators are not numbers here).
Result<Drift, DriftError> parse_drift(std::string_view text);

// The file content chronyd writes: "%20.6f %20.6f\n" (locale-independent); for kNtpd what ntpd
// writes: "%.3f\n" of −freq_ppm. Precondition: both values finite.
std::string format_drift(const Drift& d);

// ppm ↔ 2^-16 ppm (timex.freq units). ppm_to_scaled rounds to nearest and saturates at
// ±kMaxDriftFreqPpm; NaN → 0. scaled_to_ppm is exact for every |v| < 2^53.
int64_t ppm_to_scaled(double ppm);
double scaled_to_ppm(int64_t scaled);

// The kernel correction (scaled ppm, > 0 = runs faster) that compensates the file's frequency.
int64_t correction_from_drift(const Drift& d);
// The file value for a correction and its error estimate (both scaled ppm; skew's sign ignored).
Drift drift_from_correction(int64_t freq_scaled_ppm, int64_t skew_scaled_ppm);

}  // namespace tempus::core
