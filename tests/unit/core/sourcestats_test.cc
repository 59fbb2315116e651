// SPDX-License-Identifier: ISC
// Per-source statistics: regression on exact lines and noise, the runs test, sample limits,
// clock-correction bookkeeping, root distance.
#include "core/sourcestats.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

const Timestamp kT0 = Timestamp::from_unix(1'700'000'000, 0);

Sample make(double t_s, double offset_s, double delay_s = 0.01) {
  Sample s;
  s.local_time = kT0 + Duration::from_seconds_f(t_s);
  s.offset = Duration::from_seconds_f(offset_s);
  s.delay = Duration::from_seconds_f(delay_s);
  s.dispersion = Duration::us(1);
  s.root_delay = s.delay + Duration::ms(2);
  s.root_dispersion = s.dispersion + Duration::us(100);
  s.stratum = 2;
  s.leap = Leap::kNone;
  s.ref_id = 0x0a000001;
  return s;
}

Timestamp at(double t_s) { return kT0 + Duration::from_seconds_f(t_s); }

TEST(SourceStats, ExactLine) {
  // Local clock 10 ppm fast and 1 ms behind at t = 0: offset(t) = 1 ms − 10e-6 t.
  SourceStats st;
  for (int i = 0; i < 10; ++i) {
    const double t = 64.0 * i;
    ASSERT_TRUE(st.add_sample(make(t, 1e-3 - 10e-6 * t)));
  }
  const SourceEstimate e = st.estimate(at(576));
  ASSERT_TRUE(e.selectable);
  EXPECT_NEAR(e.freq_ppm, 10.0, 1e-6);
  EXPECT_NEAR(e.offset.to_seconds_f(), 1e-3 - 10e-6 * 576, 1e-9);
  EXPECT_LT(e.skew_ppm, 1e-3);
  EXPECT_LT(e.std_dev, Duration::ns(10));
  // Extrapolation follows the line.
  EXPECT_NEAR(st.estimate(at(1000)).offset.to_seconds_f(), 1e-3 - 10e-6 * 1000, 1e-8);
  const SourceStatsReport r = st.report(at(576));
  EXPECT_EQ(r.np, 10u);
  EXPECT_EQ(r.span, Duration::s(576));
}

TEST(SourceStats, NoiseWithinSkew) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> noise(0.0, 100e-6);
  SourceStats st;
  for (int i = 0; i < 64; ++i) {
    const double t = 64.0 * i;
    st.add_sample(make(t, -5e-6 * t + noise(gen)));
  }
  const SourceEstimate e = st.estimate(at(64.0 * 63));
  EXPECT_NEAR(e.freq_ppm, 5.0, e.skew_ppm);  // offset falls: the local clock is fast
  EXPECT_LT(e.skew_ppm, 0.2);
  EXPECT_NEAR(e.std_dev.to_seconds_f(), 100e-6, 40e-6);
  EXPECT_NEAR(e.offset.to_seconds_f(), -5e-6 * 64 * 63, 3 * e.offset_sd.to_seconds_f());
}

TEST(SourceStats, DelayWeighting) {
  // Samples with a large delay carry a large error; the line follows the low-delay ones.
  SourceStats st;
  for (int i = 0; i < 40; ++i) {
    const double t = 64.0 * i;
    const bool queued = i % 2 == 1;
    st.add_sample(make(t, queued ? 2e-3 : 0.0, queued ? 0.014 : 0.010));
  }
  EXPECT_LT(st.estimate(at(64 * 39)).offset.abs(), Duration::us(300));
}

TEST(SourceStats, RunsTestDropsSamplesBeforeAKink) {
  // Frequency changes by 20 ppm at t = 3200 s; the old samples stop fitting a line.
  SourceStats st;
  std::mt19937_64 gen(3);
  std::normal_distribution<double> noise(0.0, 10e-6);
  double off = 0;
  for (int i = 0; i < 64; ++i) {
    const double t = 64.0 * i;
    off = t < 3200 ? 0.0 : -20e-6 * (t - 3200);
    st.add_sample(make(t, off + noise(gen)));
  }
  EXPECT_LT(st.samples(), 40u);  // about the 14 after the kink, at least min_samples
  EXPECT_GE(st.samples(), 6u);
  const SourceEstimate e = st.estimate(at(64 * 63));
  EXPECT_NEAR(e.freq_ppm, 20.0, 1.0);
  EXPECT_NEAR(e.offset.to_seconds_f(), off, 50e-6);
}

TEST(SourceStats, CriticalRunsAndT) {
  EXPECT_EQ(critical_runs(5), 0u);
  EXPECT_EQ(critical_runs(8), 3u);
  EXPECT_EQ(critical_runs(20), 7u);
  EXPECT_EQ(critical_runs(64), 26u);
  EXPECT_NEAR(t_coefficient_95(1), 12.706, 1e-3);
  EXPECT_NEAR(t_coefficient_95(30), 2.042, 0.01);
}

TEST(SourceStats, MaxSamplesAndOrder) {
  SourceStats st(SourceStatsConfig{.max_samples = 16});
  for (int i = 0; i < 40; ++i) st.add_sample(make(10.0 * i, 0));
  EXPECT_EQ(st.samples(), 16u);
  EXPECT_FALSE(st.add_sample(make(5.0, 0)));  // older than the newest
  st.reset();
  EXPECT_EQ(st.samples(), 0u);
  EXPECT_FALSE(st.estimate(at(0)).valid);
}

TEST(SourceStats, FewSamplesAreNotSelectable) {
  SourceStats st;
  st.add_sample(make(0, 2e-3));
  st.add_sample(make(2, 2e-3));
  const SourceEstimate e = st.estimate(at(2));
  EXPECT_TRUE(e.valid);
  EXPECT_FALSE(e.selectable);
  EXPECT_EQ(e.offset, Duration::ms(2));
  EXPECT_DOUBLE_EQ(e.skew_ppm, 2000.0);
}

TEST(SourceStats, CorrectionKeepsOneLine) {
  // Clock 30 ppm fast, 4 ms ahead (offset −4 ms) at t = 640. The discipline slews +(−4 ms) and
  // slows the clock by 30 ppm at t = 640; samples taken afterwards on the corrected clock
  // have offset ≈ 0 and no slope.
  SourceStats st;
  for (int i = 0; i <= 10; ++i) {
    const double t = 64.0 * i;
    st.add_sample(make(t, 15.2e-3 - 30e-6 * t));
  }
  const double off640 = 15.2e-3 - 30e-6 * 640;
  EXPECT_NEAR(st.estimate(at(640)).offset.to_seconds_f(), off640, 1e-9);
  st.apply_correction(at(640), Duration::from_seconds_f(off640), -30.0);
  SourceEstimate e = st.estimate(at(640 + off640));
  EXPECT_NEAR(e.freq_ppm, 0.0, 1e-6);
  EXPECT_NEAR(e.offset.to_seconds_f(), 0.0, 1e-8);
  EXPECT_NEAR(st.last_sample().adjusted_offset.to_seconds_f(), 0.0, 1e-8);
  EXPECT_NEAR(st.last_sample().measured_offset.to_seconds_f(), off640, 1e-9);
  // New samples on the corrected clock continue the same line: nothing is pruned.
  for (int i = 1; i <= 10; ++i) st.add_sample(make(640 + off640 + 64.0 * i, 0.0));
  EXPECT_EQ(st.samples(), 21u);
  e = st.estimate(at(1280));
  EXPECT_NEAR(e.freq_ppm, 0.0, 1e-4);
  EXPECT_NEAR(e.offset.to_seconds_f(), 0.0, 1e-7);
}

TEST(SourceStats, StepCorrection) {
  SourceStats st;
  for (int i = 0; i < 5; ++i) st.add_sample(make(64.0 * i, 10.0));  // 10 s behind
  st.apply_correction(at(256), Duration::s(10), 0.0);
  EXPECT_NEAR(st.estimate(at(266)).offset.to_seconds_f(), 0.0, 1e-8);
  EXPECT_EQ(st.last_sample().local_time, at(266));
}

TEST(SourceStats, RootDistanceGrows) {
  SourceStats st(SourceStatsConfig{.max_clock_error_ppm = 1.0});
  for (int i = 0; i < 8; ++i) st.add_sample(make(64.0 * i, 0));
  const SourceEstimate e0 = st.estimate(at(448));
  EXPECT_EQ(e0.root_delay, Duration::ms(12));
  EXPECT_EQ(e0.root_distance, e0.root_delay / 2 + e0.root_dispersion);
  const SourceEstimate e1 = st.estimate(at(448 + 1000));
  const double growth_s = 1000 * (e1.skew_ppm + 1.0) * 1e-6;
  EXPECT_NEAR((e1.root_dispersion - e0.root_dispersion).to_seconds_f(), growth_s, 1e-9);
  EXPECT_EQ(e1.stratum, 2);
  EXPECT_EQ(e1.ref_id, 0x0a000001u);
}

TEST(SourceStats, RootDistanceIncludesJitter) {
  // A source that stepped by 1 s at its newest sample: its line no longer fits, and its
  // interval in selection must be at least as wide as that scatter, not a few ms.
  SourceStats st;
  for (int i = 0; i < 8; ++i) st.add_sample(make(64.0 * i, (i % 2 ? 1e-4 : -1e-4)));
  SourceEstimate e = st.estimate(at(448));
  EXPECT_GT(e.std_dev, Duration::us(50));
  EXPECT_EQ(e.root_distance, e.root_delay / 2 + e.root_dispersion + e.std_dev);
  st.add_sample(make(512, 1.0));
  e = st.estimate(at(512));
  EXPECT_GT(e.std_dev, Duration::ms(100));
  EXPECT_EQ(e.root_distance, e.root_delay / 2 + e.root_dispersion + e.std_dev);
}

TEST(SourceStatsDelayTests, MaxDelayRatioAgainstTheMinimumHeld) {
  SourceStats st;
  EXPECT_EQ(st.check_delay(make(0, 0, 0.5), 1.5, 0), DelayTest::kPass);  // nothing held yet
  st.add_sample(make(0, 0, 0.012));
  st.add_sample(make(64, 0, 0.010));
  st.add_sample(make(128, 0, 0.011));
  EXPECT_EQ(st.check_delay(make(192, 0, 0.0149), 1.5, 0), DelayTest::kPass);
  EXPECT_EQ(st.check_delay(make(192, 0, 0.0151), 1.5, 0), DelayTest::kDelayRatio);
  EXPECT_EQ(st.check_delay(make(192, 0, 0.0151), 0, 0), DelayTest::kPass);  // 0: off
  EXPECT_EQ(st.samples(), 3u);  // the check adds nothing
}

// Eight samples on offset 0 with ±50 µs alternating noise at 10 ms delay: std dev ≈ 53 µs.
SourceStats noisy_stats(size_t n = 8) {
  SourceStats st;
  for (size_t i = 0; i < n; ++i)
    st.add_sample(make(64.0 * static_cast<double>(i), i % 2 ? 50e-6 : -50e-6, 0.010));
  return st;
}

TEST(SourceStatsDelayTests, MaxDelayDevRatioComparesHalfTheIncreaseWithTheStdDev) {
  SourceStats st = noisy_stats();
  const double sd = st.estimate(at(448)).std_dev.to_seconds_f();
  ASSERT_GT(sd, 40e-6);
  ASSERT_LT(sd, 70e-6);
  const double t = 448 + 1e-3;  // right after the newest sample: no growth allowance
  // Half the increase just within / beyond 10 std devs.
  EXPECT_EQ(st.check_delay(make(t, 0, 0.010 + 2 * 9.5 * sd), 0, 10), DelayTest::kPass);
  EXPECT_EQ(st.check_delay(make(t, 0, 0.010 + 2 * 10.5 * sd), 0, 10), DelayTest::kDelayDevRatio);
  EXPECT_EQ(st.check_delay(make(t, 0, 0.010 + 2 * 10.5 * sd), 0, 0), DelayTest::kPass);
  // The same delay, but an offset the line misses by more than increase + allowance: news
  // (the source or our clock moved), so it is kept.
  const double miss = 2 * 10.5 * sd / 2 + 10 * sd + 100e-6;
  EXPECT_EQ(st.check_delay(make(t, miss, 0.010 + 2 * 10.5 * sd), 0, 10), DelayTest::kPass);
}

TEST(SourceStatsDelayTests, MaxDelayDevRatioAllowsForThePredictionsGrowth) {
  SourceStats st = noisy_stats();
  const SourceEstimate e = st.estimate(at(448));
  const double sd = e.std_dev.to_seconds_f();
  // After a long gap the allowance grows by (skew + maxclockerror) × elapsed.
  const double gap = 20000;
  const double growth = gap * (e.skew_ppm + 1.0) * 1e-6;
  const Sample late = make(448 + gap, 0, 0.010 + 2 * (10 * sd + 0.5 * growth));
  EXPECT_EQ(st.check_delay(late, 0, 10), DelayTest::kPass);
  const Sample later = make(448 + gap, 0, 0.010 + 2 * (10 * sd + 1.5 * growth));
  EXPECT_EQ(st.check_delay(later, 0, 10), DelayTest::kDelayDevRatio);
}

TEST(SourceStatsDelayTests, MaxDelayDevRatioNeedsMinSamples) {
  // Below minsamples (6) the std dev of the fit is no yardstick: everything passes.
  SourceStats st = noisy_stats(5);
  EXPECT_EQ(st.check_delay(make(256.001, 0, 0.5), 0, 10), DelayTest::kPass);
  st.add_sample(make(320, 50e-6, 0.010));
  EXPECT_EQ(st.check_delay(make(320.001, 0, 0.5), 0, 10), DelayTest::kDelayDevRatio);
  EXPECT_EQ(to_string(DelayTest::kDelayDevRatio), "delay increase above maxdelaydevratio");
}

}  // namespace
}  // namespace tempus::core
