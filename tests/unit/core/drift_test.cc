// SPDX-License-Identifier: ISC
// The drift file format: chronyd's exact bytes, tolerant parsing, the sign flip, unit conversion.
#include "core/drift.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

constexpr int64_t kPpm = 65536;

TEST(Drift, FormatIsChronydsPrintf) {
  // fprintf(out, "%20.6f %20.6f\n", freq_ppm, skew_ppm) in chrony's reference.c.
  EXPECT_EQ(format_drift({-12.345678, 0.012345}),
            "          -12.345678             0.012345\n");
  EXPECT_EQ(format_drift({0.0, 0.0}), "            0.000000             0.000000\n");
  EXPECT_EQ(format_drift({-500000.0, 1e6}), "      -500000.000000       1000000.000000\n");
  // Byte for byte what printf gives (in the C locale), rounding included.
  for (double v : {1.0000005, -1.0000005, 0.0000004, -0.0000004, 123.4567895, 1e-7, 499999.9999999,
                   -0.5, 17.25}) {
    char want[128];
    std::snprintf(want, sizeof want, "%20.6f %20.6f\n", v, std::fabs(v));
    EXPECT_EQ(format_drift({v, std::fabs(v)}), want) << v;
  }
}

TEST(Drift, ParsesChronydsOutputAndPlainForms) {
  auto d = parse_drift("          -12.345678             0.012345\n");
  ASSERT_TRUE(d.ok());
  EXPECT_DOUBLE_EQ(d->freq_ppm, -12.345678);
  EXPECT_DOUBLE_EQ(d->skew_ppm, 0.012345);
  for (std::string_view text : {"-12.345678 0.012345", "-12.345678 0.012345\n",
                                "-12.345678\t0.012345 \r\n", "\n -12.345678   0.012345\n\n",
                                "-1.2345678e1 1.2345e-2"}) {
    auto r = parse_drift(text);
    ASSERT_TRUE(r.ok()) << text;
    EXPECT_DOUBLE_EQ(r->freq_ppm, -12.345678) << text;
    EXPECT_DOUBLE_EQ(r->skew_ppm, 0.012345) << text;
  }
  EXPECT_DOUBLE_EQ(parse_drift("+3 .5").value().freq_ppm, 3.0);
  EXPECT_DOUBLE_EQ(parse_drift("+3 .5").value().skew_ppm, 0.5);
}

TEST(Drift, RejectsGarbage) {
  for (std::string_view text :
       {"", "\n", "12.5 0.1 7", "12.5 0.1\n7", "12.5,0.1", "12,5 0.1",
        "abc 0.1", "12.5 x", "0x1p3 0.1", "12.5e 0.1", "1. 0.1", "- 0.1", "12.5 0.1x",
        "12.5\n0.1", "\xef\xbb\xbf" "1 2"}) {
    auto r = parse_drift(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error(), DriftError::kSyntax) << text;
  }
}

// ntpd's file: one number, the kernel correction in ppm (chrony's frequency negated), written
// back in the same layout.
TEST(Drift, NtpdsOneNumberFile) {
  auto d = parse_drift("-12.345\n");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->format, DriftFormat::kNtpd);
  EXPECT_DOUBLE_EQ(d->freq_ppm, 12.345);
  EXPECT_DOUBLE_EQ(d->skew_ppm, kNtpdDriftSkewPpm);
  EXPECT_EQ(correction_from_drift(*d), ppm_to_scaled(-12.345));
  EXPECT_EQ(format_drift(*d), "-12.345\n");
  EXPECT_EQ(format_drift(Drift{0.0, 1.0, DriftFormat::kNtpd}), "0.000\n");
  EXPECT_EQ(parse_drift("0.000").value().freq_ppm, 0.0);
  EXPECT_EQ(parse_drift("  7 ").value().format, DriftFormat::kNtpd);
  EXPECT_EQ(parse_drift("1.0 0.1").value().format, DriftFormat::kChrony);
  EXPECT_EQ(parse_drift("600000").error(), DriftError::kOutOfRange);
  EXPECT_EQ(parse_drift("12.5x").error(), DriftError::kSyntax);
}

TEST(Drift, RejectsNonFiniteAndOutOfRange) {
  // "nan"/"inf" are not decimal numbers here; huge exponents overflow to out of range.
  EXPECT_EQ(parse_drift("nan 0.1").error(), DriftError::kSyntax);
  EXPECT_EQ(parse_drift("inf 0.1").error(), DriftError::kSyntax);
  EXPECT_EQ(parse_drift("1e999 0.1").error(), DriftError::kOutOfRange);
  EXPECT_EQ(parse_drift("500000.000001 0").error(), DriftError::kOutOfRange);
  EXPECT_EQ(parse_drift("-500000.000001 0").error(), DriftError::kOutOfRange);
  EXPECT_TRUE(parse_drift("500000 0").ok());
  EXPECT_TRUE(parse_drift("-500000 1000000").ok());
  EXPECT_EQ(parse_drift("1 -0.1").error(), DriftError::kOutOfRange);
  EXPECT_EQ(parse_drift("1 1000001").error(), DriftError::kOutOfRange);
  EXPECT_EQ(to_string(DriftError::kOutOfRange), "out_of_range");
}

TEST(Drift, ScaledConversion) {
  EXPECT_EQ(ppm_to_scaled(1.0), kPpm);
  EXPECT_EQ(ppm_to_scaled(-12.345678), -809'086);  // −12.345678 × 65536 = −809086.35
  EXPECT_EQ(ppm_to_scaled(std::nan("")), 0);
  EXPECT_EQ(ppm_to_scaled(1e12), 500'000 * kPpm);  // saturates
  EXPECT_EQ(ppm_to_scaled(-1e12), -500'000 * kPpm);
  EXPECT_DOUBLE_EQ(scaled_to_ppm(kPpm / 2), 0.5);
  EXPECT_DOUBLE_EQ(scaled_to_ppm(-500 * kPpm), -500.0);
}

TEST(Drift, SignFlipsBetweenFileAndCorrection) {
  // chronyd: the file says the clock is 12.5 ppm fast; the kernel must slow it by 12.5 ppm.
  EXPECT_EQ(correction_from_drift({12.5, 0.1}), -12 * kPpm - kPpm / 2);
  const Drift d = drift_from_correction(-12 * kPpm - kPpm / 2, kPpm / 4);
  EXPECT_DOUBLE_EQ(d.freq_ppm, 12.5);
  EXPECT_DOUBLE_EQ(d.skew_ppm, 0.25);
  // Zero stays "0.000000", never "-0.000000".
  EXPECT_EQ(format_drift(drift_from_correction(0, 0)), format_drift({0.0, 0.0}));
}

TEST(Drift, RoundTripThroughTextIsExactInScaledUnits) {
  // 6 decimals (1e-6 ppm) are finer than 2^-16 ppm (1.5e-5): scaled → text → scaled is exact.
  for (int64_t f : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{809'086},
                    int64_t{-32'767'999}, 500 * kPpm, -500 * kPpm, int64_t{12'345'679}}) {
    const auto text = format_drift(drift_from_correction(f, 3));
    auto back = parse_drift(text);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(correction_from_drift(*back), f) << text;
    EXPECT_EQ(ppm_to_scaled(back->skew_ppm), 3) << text;
  }
}

}  // namespace
}  // namespace tempus::core
