// SPDX-License-Identifier: ISC
#include "core/drift.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace tempus::core {

namespace {

constexpr double kScale = 65536.0;  // 2^16 scaled units per ppm

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [+-]digits[.digits][(e|E)[+-]digits], with at least one mantissa digit. Checked by hand because
// from_chars would also take "inf", "nan" and "1." forms we do not want to promise.
bool is_decimal(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac;
    if (frac == 0) return false;
    digits += frac;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

Result<double, DriftError> parse_number(std::string_view s) {
  if (!is_decimal(s)) return Unexpected{DriftError::kSyntax};
  if (s.front() == '+') s.remove_prefix(1);  // from_chars takes '-' only
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // Overflow (ec == result_out_of_range) is an out-of-range value, not a syntax error.
  if (ec == std::errc::result_out_of_range) return Unexpected{DriftError::kOutOfRange};
  if (ec != std::errc{} || end != s.data() + s.size()) return Unexpected{DriftError::kSyntax};
  if (!std::isfinite(v)) return Unexpected{DriftError::kNotFinite};
  return v;
}

std::string fixed6_padded(double v, size_t width) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
  std::string s = ec == std::errc{} ? std::string(buf, end) : std::string("0.000000");
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

}  // namespace

std::string_view to_string(DriftError e) {
  switch (e) {
    case DriftError::kSyntax: return "syntax";
    case DriftError::kNotFinite: return "not_finite";
    case DriftError::kOutOfRange: return "out_of_range";
  }
  return "unknown";
}

Result<Drift, DriftError> parse_drift(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  size_t sep = 0;
  while (sep < text.size() && !is_blank(text[sep])) ++sep;
  if (sep == text.size()) {  // one number: ntpd's correction
    const auto corr = parse_number(text);
    if (!corr) return Unexpected{corr.error()};
    if (std::fabs(*corr) > kMaxDriftFreqPpm) return Unexpected{DriftError::kOutOfRange};
    return Drift{*corr == 0.0 ? 0.0 : -*corr, kNtpdDriftSkewPpm, DriftFormat::kNtpd};
  }
  size_t second = sep;
  while (second < text.size() && is_blank(text[second])) ++second;

  const auto freq = parse_number(text.substr(0, sep));
  if (!freq) return Unexpected{freq.error()};
  const auto skew = parse_number(text.substr(second));  // rejects a third field or a newline
  if (!skew) return Unexpected{skew.error()};
  if (std::fabs(*freq) > kMaxDriftFreqPpm) return Unexpected{DriftError::kOutOfRange};
  if (*skew < 0.0 || *skew > kMaxDriftSkewPpm) return Unexpected{DriftError::kOutOfRange};
  return Drift{*freq, *skew};
}

std::string format_drift(const Drift& d) {
  if (d.format == DriftFormat::kNtpd) {
    char buf[64];
    const double corr = d.freq_ppm == 0.0 ? 0.0 : -d.freq_ppm;
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, corr, std::chars_format::fixed, 3);
    return (ec == std::errc{} ? std::string(buf, end) : std::string("0.000")) + "\n";
  }
  return fixed6_padded(d.freq_ppm, 20) + " " + fixed6_padded(d.skew_ppm, 20) + "\n";
}

int64_t ppm_to_scaled(double ppm) {
  if (std::isnan(ppm)) return 0;
  const double c = std::fmax(-kMaxDriftFreqPpm, std::fmin(kMaxDriftFreqPpm, ppm));
  return std::llround(c * kScale);
}

double scaled_to_ppm(int64_t scaled) { return static_cast<double>(scaled) / kScale; }

int64_t correction_from_drift(const Drift& d) { return -ppm_to_scaled(d.freq_ppm); }

Drift drift_from_correction(int64_t freq_scaled_ppm, int64_t skew_scaled_ppm) {
  // Negate the integer (not the double) so that a zero correction is written as 0, not −0.
  return Drift{scaled_to_ppm(-freq_scaled_ppm),
               scaled_to_ppm(skew_scaled_ppm < 0 ? -skew_scaled_ppm : skew_scaled_ppm)};
}

}  // namespace tempus::core
