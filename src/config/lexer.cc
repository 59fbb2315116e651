// SPDX-License-Identifier: ISC
#include "config/lexer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tempus::config {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The decimal syntax shared by parse_seconds and parse_real, split into its parts.
struct Decimal {
  bool negative = false;
  std::string digits;  // integer and fraction digits, leading zeros stripped
  int64_t exp10 = 0;   // value = digits * 10^exp10
};

std::optional<Decimal> split_decimal(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) d.negative = t[i++] == '-';
  size_t int_digits = 0, frac_digits = 0;
  for (; i < t.size() && is_digit(t[i]); ++i, ++int_digits) d.digits.push_back(t[i]);
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && is_digit(t[i]); ++i, ++frac_digits) d.digits.push_back(t[i]);
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  int64_t exp = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool exp_neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) exp_neg = t[i++] == '-';
    size_t n = 0;
    for (; i < t.size() && is_digit(t[i]); ++i, ++n) {
      if (exp < 100000) exp = exp * 10 + (t[i] - '0');
    }
    if (n == 0) return std::nullopt;
    if (exp_neg) exp = -exp;
  }
  if (i != t.size()) return std::nullopt;
  d.exp10 = exp - static_cast<int64_t>(frac_digits);
  const size_t nz = d.digits.find_first_not_of('0');
  d.digits = nz == std::string::npos ? std::string() : d.digits.substr(nz);
  return d;
}

}  // namespace

LexedFile lex(std::string_view file_name, std::string_view text) {
  LexedFile out;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    const size_t nl = text.find('\n', pos);
    const bool terminated = nl != std::string_view::npos;
    const std::string_view line = text.substr(pos, terminated ? nl - pos : text.size() - pos);
    pos = terminated ? nl + 1 : text.size();

    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) continue;  // blank
    // A comment. ('\0' is excluded first: strchr would find the terminator.)
    if (line[i] != '\0' && std::strchr("!;#%", line[i]) != nullptr) continue;
    LexedLine lexed;
    lexed.where = Location{std::string(file_name), line_no};
    while (i < line.size()) {
      size_t j = i;
      while (j < line.size() && !is_space(line[j])) {
        const auto c = static_cast<unsigned char>(line[j]);
        if ((c < 0x20 || c == 0x7f) && out.bad_character_line == 0) {
          out.bad_character_line = line_no;
          out.bad_character = c;
        }
        ++j;
      }
      lexed.words.emplace_back(line.substr(i, j - i));
      i = j;
      while (i < line.size() && is_space(line[i])) ++i;
    }
    if (!terminated) out.unterminated_last_line = true;
    out.lines.push_back(std::move(lexed));
  }
  return out;
}

std::optional<int64_t> parse_integer(std::string_view t) {
  size_t i = 0;
  bool negative = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
  if (i == t.size()) return std::nullopt;
  // Accumulate negatively so INT64_MIN is representable.
  int64_t v = 0;
  for (; i < t.size(); ++i) {
    if (!is_digit(t[i])) return std::nullopt;
    const int digit = t[i] - '0';
    if (v < (INT64_MIN + digit) / 10) return std::nullopt;
    v = v * 10 - digit;
  }
  if (!negative) {
    if (v == INT64_MIN) return std::nullopt;
    v = -v;
  }
  return v;
}

std::optional<core::Duration> parse_seconds(std::string_view text) {
  const auto d = split_decimal(text);
  if (!d) return std::nullopt;
  if (d->digits.empty()) return core::Duration{};
  // value in ns = digits * 10^(exp10 + 9). 9e9 s = 9e18 ns fits in int64 (max ~9.22e18).
  const int64_t shift = d->exp10 + 9;
  const int64_t magnitude = static_cast<int64_t>(d->digits.size()) + shift;  // decimal digits of ns
  if (magnitude > 19) return std::nullopt;
  uint64_t ns = 0;
  bool round_up = false;
  if (shift >= 0) {
    for (char c : d->digits) ns = ns * 10 + static_cast<uint64_t>(c - '0');
    for (int64_t k = 0; k < shift; ++k) ns *= 10;
  } else {
    const int64_t keep = static_cast<int64_t>(d->digits.size()) + shift;
    for (int64_t k = 0; k < keep; ++k)
      ns = ns * 10 + static_cast<uint64_t>(d->digits[static_cast<size_t>(k)] - '0');
    if (keep >= 0) round_up = d->digits[static_cast<size_t>(keep)] >= '5';
  }
  if (round_up) ++ns;
  if (ns > 9'000'000'000'000'000'000ULL) return std::nullopt;
  const auto v = static_cast<int64_t>(ns);
  return core::Duration::ns(d->negative ? -v : v);
}

std::optional<double> parse_real(std::string_view text) {
  if (!split_decimal(text)) return std::nullopt;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double v = 0.0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  // Out-of-range magnitudes are rejected (std::errc::result_out_of_range).
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::string format_seconds(core::Duration d) {
  int64_t ns = d.count_ns();
  std::string out;
  uint64_t mag;
  if (ns < 0) {
    out.push_back('-');
    mag = static_cast<uint64_t>(-(ns + 1)) + 1;
  } else {
    mag = static_cast<uint64_t>(ns);
  }
  out += std::to_string(mag / 1'000'000'000ULL);
  uint64_t frac = mag % 1'000'000'000ULL;
  if (frac) {
    std::string f = std::to_string(frac);
    f.insert(0, 9 - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

std::string format_real(double v) {
  char buf[400];
  // Plain decimals read better ("100000", not "1e+05"); scientific only for extreme magnitudes.
  const double mag = std::fabs(v);
  const bool fixed = mag == 0.0 || (mag >= 1e-4 && mag < 1e15);
  const auto r = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                       : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace tempus::config
