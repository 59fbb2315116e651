// SPDX-License-Identifier: ISC
// The discipline: step/slew decisions and makestep counting, pending slew, frequency bound,
// maxupdateskew, kernel status values, drift output, maxchange, tracking.
#include "core/discipline.h"

#include <cmath>

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

const Timestamp kT0 = Timestamp::from_unix(1'700'000'000, 0);

ReferenceUpdate upd(double t_s, Duration offset, double freq_ppm = 0, double skew_ppm = 0.1) {
  return ReferenceUpdate{.now = kT0 + Duration::from_seconds_f(t_s),
                         .ref_id = 0xc0000201,
                         .stratum = 2,
                         .leap = Leap::kNone,
                         .offset = offset,
                         .offset_sd = Duration::us(20),
                         .freq_ppm = freq_ppm,
                         .skew_ppm = skew_ppm,
                         .root_delay = Duration::ms(10),
                         .root_dispersion = Duration::ms(1)};
}

template <class T>
const T* find(const std::vector<ClockCommand>& cmds) {
  for (const auto& c : cmds)
    if (const T* p = std::get_if<T>(&c)) return p;
  return nullptr;
}

DisciplineConfig makestep(double threshold_s, int limit) {
  DisciplineConfig c;
  c.make_step_threshold = Duration::from_seconds_f(threshold_s);
  c.make_step_limit = limit;
  return c;
}

// maxslewrate 1000: every slew in these tests runs at exactly 1000 ppm, so a slew forward gains
// 1/1001 of the local time, a slew back loses 1/999 (core/slew.h).
DisciplineConfig slew_1000(DisciplineConfig c = {}) {
  c.max_slew_rate_ppm = 1000;
  return c;
}

TEST(Discipline, StartSetsInitialFrequencyAndUnsync) {
  Discipline d({}, InitialFrequency{.freq_ppm = -12.5, .skew_ppm = 0.05});
  const auto cmds = d.start(kT0);
  ASSERT_NE(find<FrequencyCommand>(cmds), nullptr);
  EXPECT_DOUBLE_EQ(find<FrequencyCommand>(cmds)->freq_ppm, -12.5);
  ASSERT_NE(find<StatusCommand>(cmds), nullptr);
  EXPECT_FALSE(find<StatusCommand>(cmds)->synced);
  EXPECT_EQ(find<StatusCommand>(cmds)->leap, Leap::kUnsync);
  // A drift value beyond the kernel's bound is clamped.
  Discipline big({}, InitialFrequency{.freq_ppm = 900, .skew_ppm = 1});
  EXPECT_DOUBLE_EQ(big.frequency_ppm(), 500.0);
}

TEST(Discipline, SlewBelowThresholdStepAbove) {
  Discipline d(slew_1000(makestep(1.0, 3)), std::nullopt);
  d.start(kT0);
  UpdateResult r = d.update(upd(0, Duration::ms(500)));
  EXPECT_FALSE(r.stepped);
  ASSERT_NE(find<SlewCommand>(r.commands), nullptr);
  EXPECT_EQ(find<SlewCommand>(r.commands)->offset, Duration::ms(500));
  EXPECT_EQ(find<StepCommand>(r.commands), nullptr);
  ASSERT_TRUE(r.correction);
  EXPECT_EQ(r.correction->phase, Duration::ms(500));

  EXPECT_DOUBLE_EQ(find<SlewCommand>(r.commands)->rate_ppm, 1000.0);
  // 10 s later 500 − 10/1001 ms of the slew is still pending; a step of 2 s must end it and
  // include it, so the clock ends up 2 s ahead of where it is now (cooked).
  EXPECT_EQ(d.pending_slew(kT0 + Duration::s(10)), Duration::ns(490'009'990));
  r = d.update(upd(10, Duration::s(2)));
  EXPECT_TRUE(r.stepped);
  ASSERT_NE(find<StepCommand>(r.commands), nullptr);
  EXPECT_EQ(find<StepCommand>(r.commands)->offset, Duration::s(2) + Duration::ns(490'009'990));
  ASSERT_NE(find<SlewCommand>(r.commands), nullptr);
  EXPECT_EQ(find<SlewCommand>(r.commands)->offset, Duration());
  EXPECT_EQ(r.correction->phase, Duration::s(2));
  EXPECT_EQ(d.pending_slew(kT0 + Duration::s(10)), Duration());
}

TEST(Discipline, MakestepLimitCountsUpdates) {
  Discipline d(makestep(0.1, 2), std::nullopt);
  d.start(kT0);
  EXPECT_TRUE(d.update(upd(0, Duration::ms(200))).stepped);   // update 1
  EXPECT_TRUE(d.update(upd(64, Duration::ms(200))).stepped);  // update 2
  EXPECT_FALSE(d.update(upd(128, Duration::ms(200))).stepped);  // 3: slewed
  EXPECT_EQ(d.updates(), 3);

  Discipline always(makestep(0.1, -1), std::nullopt);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(always.update(upd(64.0 * i, Duration::ms(-200))).stepped);

  Discipline never(makestep(0.1, 0), std::nullopt);
  EXPECT_FALSE(never.update(upd(0, Duration::s(50))).stepped);
  // Exactly at the threshold: slewed (chrony steps only above it).
  Discipline edge(makestep(0.1, 3), std::nullopt);
  EXPECT_FALSE(edge.update(upd(0, Duration::ms(100))).stepped);
}

TEST(Discipline, InitStepSlewStepsOnlyTheFirstUpdate) {
  DisciplineConfig c;
  c.init_step_threshold = Duration::ms(50);
  Discipline d(c, std::nullopt);
  d.start(kT0);
  EXPECT_TRUE(d.update(upd(0, Duration::ms(-80))).stepped);
  EXPECT_FALSE(d.update(upd(64, Duration::ms(-80))).stepped);  // later updates slew
  // Below the threshold the first update slews too.
  Discipline small(c, std::nullopt);
  EXPECT_FALSE(small.update(upd(0, Duration::ms(30))).stepped);
  EXPECT_FALSE(small.update(upd(64, Duration::ms(300))).stepped);
  // With makestep as well, each keeps its own rule.
  c.make_step_threshold = Duration::s(1);
  c.make_step_limit = 3;
  Discipline both(c, std::nullopt);
  EXPECT_TRUE(both.update(upd(0, Duration::ms(80))).stepped);    // initstepslew
  EXPECT_FALSE(both.update(upd(64, Duration::ms(80))).stepped);  // below makestep's 1 s
  EXPECT_TRUE(both.update(upd(128, Duration::s(2))).stepped);    // makestep, update 3
}

TEST(Discipline, SlewReplacesRemainder) {
  Discipline d(slew_1000(), std::nullopt);
  d.update(upd(0, Duration::ms(10)));  // 10 ms at 1000 ppm: 10.01 s
  EXPECT_EQ(d.pending_slew(kT0 + Duration::s(4)), Duration::ns(6'003'996));
  EXPECT_EQ(d.pending_slew(kT0 + Duration::s(30)), Duration());
  // At 4 s, 6.003996 ms still pending; a new 1 ms offset (relative to the cooked clock) → slew
  // 7.003996 ms.
  const UpdateResult r = d.update(upd(4, Duration::ms(1)));
  EXPECT_EQ(find<SlewCommand>(r.commands)->offset, Duration::ns(7'003'996));
  EXPECT_EQ(r.correction->phase, Duration::ms(1));
  // Negative slews count down towards zero too, a little faster (the clock runs slow).
  Discipline n(slew_1000(), std::nullopt);
  EXPECT_EQ(find<SlewCommand>(n.update(upd(0, Duration::ms(-2))).commands)->offset,
            Duration::ms(-2));
  EXPECT_EQ(n.pending_slew(kT0 + Duration::s(1)), Duration::ns(-998'999));
  EXPECT_EQ(n.pending_slew(kT0 + Duration::s(4)), Duration());
}

TEST(Discipline, SlewRateLikeChrony) {
  auto rate = [](const UpdateResult& r) { return find<SlewCommand>(r.commands)->rate_ppm; };
  Discipline d({}, std::nullopt);
  // The first update has no interval: maxslewrate (83333.33 ppm, in 2^-16 ppm units).
  const UpdateResult first = d.update(upd(0, Duration::ms(100)));
  EXPECT_DOUBLE_EQ(rate(first), std::round(1e6 / 12 * 65536) / 65536);
  // 0.1 s × (10^6 + 83333.33) / 83333.33 = 1.3 s.
  EXPECT_EQ(d.pending_slew(kT0 + Duration::ms(650)), Duration::ms(50));
  EXPECT_EQ(d.pending_slew(kT0 + Duration::ms(1301)), Duration());
  // Then |offset| / (corrtimeratio 3 × interval): 30 ms over 3 × 2 s = 5000 ppm.
  EXPECT_DOUBLE_EQ(rate(d.update(upd(2, Duration::ms(30)))), 5000.0);
  // At least 500 ppm: 1 ms over 3 × 64 s would be 5.2 ppm.
  EXPECT_DOUBLE_EQ(rate(d.update(upd(66, Duration::ms(1)))), 500.0);
  // At most maxslewrate: 20 s over 3 × 64 s would be 104167 ppm.
  EXPECT_DOUBLE_EQ(rate(d.update(upd(130, Duration::s(20)))), std::round(1e6 / 12 * 65536) / 65536);

  // corrtimeratio 1 and a rate in 2^-16 ppm units: 1 ms over 0.3 s, 3333.33 ppm.
  DisciplineConfig c;
  c.corr_time_ratio = 1;
  Discipline q(c, std::nullopt);
  q.update(upd(0, Duration::ms(1)));
  EXPECT_DOUBLE_EQ(rate(q.update(upd(0.3, Duration::ms(1)))), std::round(1e3 / 0.3 * 65536) / 65536);

  // A maxslewrate below the kernel's 500 ppm is honoured; above the tick range it is capped.
  c = {};
  c.max_slew_rate_ppm = 100;
  Discipline slow(c, std::nullopt);
  EXPECT_DOUBLE_EQ(rate(slow.update(upd(0, Duration::ms(1)))), 100.0);
  EXPECT_DOUBLE_EQ(rate(slow.update(upd(64, Duration::us(1)))), 100.0);
  c.max_slew_rate_ppm = 1e6;
  Discipline fast(c, std::nullopt);
  EXPECT_DOUBLE_EQ(rate(fast.update(upd(0, Duration::ms(1)))), kMaxSlewRatePpm);
  c.max_slew_rate_ppm = std::nan("");
  Discipline bad(c, std::nullopt);
  EXPECT_DOUBLE_EQ(rate(bad.update(upd(0, Duration::ms(1)))), kMaxSlewRatePpm);
}

TEST(Discipline, FrequencyUpdateAndBound) {
  Discipline d({}, std::nullopt);  // frequency unknown: the source's estimate is taken whole
  UpdateResult r = d.update(upd(0, Duration(), /*freq_ppm=*/40.0, /*skew=*/0.5));
  ASSERT_NE(find<FrequencyCommand>(r.commands), nullptr);
  EXPECT_NEAR(find<FrequencyCommand>(r.commands)->freq_ppm, -40.0, 1e-6);
  EXPECT_NEAR(r.correction->dfreq_ppm, -40.0, 1e-6);
  // Same skew again: half-weight average of 0 residual (ours) and the new residual.
  r = d.update(upd(64, Duration(), 2.0, 0.5));
  EXPECT_NEAR(d.frequency_ppm(), -41.0, 1e-6);
  EXPECT_NEAR(d.tracking(kT0 + Duration::s(64)).residual_freq_ppm, 1.0, 1e-6);
  // Never beyond ±500 ppm.
  Discipline b({}, std::nullopt);
  r = b.update(upd(0, Duration(), -2000.0, 1.0));
  EXPECT_DOUBLE_EQ(find<FrequencyCommand>(r.commands)->freq_ppm, 500.0);
  EXPECT_DOUBLE_EQ(r.correction->dfreq_ppm, 500.0);
  DisciplineConfig small;
  small.max_drift_ppm = 100;
  Discipline s(small, std::nullopt);
  r = s.update(upd(0, Duration(), 300.0, 1.0));
  EXPECT_DOUBLE_EQ(s.frequency_ppm(), -100.0);
}

TEST(Discipline, MaxUpdateSkewKeepsFrequency) {
  DisciplineConfig c;
  c.max_update_skew_ppm = 100;
  Discipline d(c, InitialFrequency{.freq_ppm = 3.0, .skew_ppm = 1.0});
  const UpdateResult r = d.update(upd(0, Duration::us(300), 50.0, 150.0));
  EXPECT_EQ(find<FrequencyCommand>(r.commands), nullptr);
  EXPECT_DOUBLE_EQ(d.frequency_ppm(), 3.0);
  EXPECT_DOUBLE_EQ(r.correction->dfreq_ppm, 0.0);
  ASSERT_NE(find<SlewCommand>(r.commands), nullptr);  // the offset is still corrected
}

TEST(Discipline, StatusCarriesRootDistance) {
  Discipline d({}, std::nullopt);
  UpdateResult r = d.update(upd(0, Duration::us(50)));
  const StatusCommand* s = find<StatusCommand>(r.commands);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->synced);
  EXPECT_EQ(s->leap, Leap::kNone);
  EXPECT_EQ(s->max_error, Duration::ms(6));  // 10 ms / 2 + 1 ms
  EXPECT_EQ(s->est_error, Duration::us(20));
  // Huge distances are capped at the kernel's 16 s; esterror never above maxerror.
  ReferenceUpdate u = upd(64, Duration());
  u.root_dispersion = Duration::s(40);
  u.offset_sd = Duration::s(100);
  u.leap = Leap::kInsert;
  r = d.update(u);
  s = find<StatusCommand>(r.commands);
  EXPECT_EQ(s->max_error, kMaxKernelError);
  EXPECT_EQ(s->est_error, kMaxKernelError);
  EXPECT_EQ(s->leap, Leap::kInsert);
  EXPECT_EQ(find<StatusCommand>(d.unsynchronise(kT0))->synced, false);
}

TEST(Discipline, DriftWrittenPeriodicallyAndAtShutdown) {
  DisciplineConfig c;
  c.drift_file = true;
  c.drift_interval = Duration::s(3600);
  Discipline d(c, std::nullopt);
  d.start(kT0);
  EXPECT_TRUE(d.shutdown(kT0).empty());  // nothing known yet
  UpdateResult r = d.update(upd(64, Duration(), 7.0, 0.2));
  EXPECT_EQ(find<DriftCommand>(r.commands), nullptr);
  EXPECT_EQ(find<DriftCommand>(d.tick(kT0 + Duration::s(3000))), nullptr);
  const auto t = d.tick(kT0 + Duration::s(3600));
  ASSERT_NE(find<DriftCommand>(t), nullptr);
  EXPECT_NEAR(find<DriftCommand>(t)->freq_ppm, -7.0, 1e-9);
  EXPECT_NEAR(find<DriftCommand>(t)->skew_ppm, 0.2, 1e-9);
  r = d.update(upd(7300, Duration()));
  EXPECT_NE(find<DriftCommand>(r.commands), nullptr);  // due again at an update
  EXPECT_NE(find<DriftCommand>(d.shutdown(kT0 + Duration::s(7400))), nullptr);
  // Without a driftfile, never.
  Discipline n({}, InitialFrequency{.freq_ppm = 1, .skew_ppm = 1});
  EXPECT_TRUE(n.shutdown(kT0).empty());
}

TEST(Discipline, TickRefreshesTheKernelStatusWithTheGrownRootDistance) {
  DisciplineConfig c;
  c.max_clock_error_ppm = 1.0;
  Discipline d(c, std::nullopt);
  d.start(kT0);
  EXPECT_TRUE(d.tick(kT0 + kStatusRefresh).empty());  // not synchronised: nothing to refresh
  ReferenceUpdate u = upd(0, Duration(), 0, 0.5);
  u.leap = Leap::kInsert;
  const UpdateResult r = d.update(u);
  const StatusCommand* first = find<StatusCommand>(r.commands);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->max_error, Duration::ms(6));  // root delay / 2 + root dispersion
  EXPECT_TRUE(d.tick(kT0 + kStatusRefresh - Duration::s(1)).empty());
  const auto t = d.tick(kT0 + kStatusRefresh);
  const StatusCommand* s = find<StatusCommand>(t);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->synced);
  EXPECT_EQ(s->leap, Leap::kInsert);  // still what the sources announce
  EXPECT_EQ(s->est_error, Duration::us(20));
  // 1024 s at the frequency's skew + maxclockerror 1 ppm more.
  EXPECT_NEAR(s->max_error.to_seconds_f(), 6e-3 + 1024 * (d.skew_ppm() + 1.0) * 1e-6, 1e-9);
  EXPECT_GT(s->max_error, first->max_error);
  EXPECT_TRUE(d.tick(kT0 + kStatusRefresh + Duration::s(600)).empty());
  EXPECT_NE(find<StatusCommand>(d.tick(kT0 + kStatusRefresh * 2)), nullptr);
  // An update resets the refresh period; unsynchronised, nothing more is refreshed.
  d.update(upd(3000, Duration()));
  EXPECT_TRUE(d.tick(kT0 + Duration::s(3000) + kStatusRefresh - Duration::s(1)).empty());
  d.unsynchronise(kT0 + Duration::s(3100));
  EXPECT_TRUE(d.tick(kT0 + Duration::s(10000)).empty());
}

TEST(Discipline, MaxChangeIgnoresThenFails) {
  DisciplineConfig c;
  c.max_change = MaxChangeLimit{.offset = Duration::s(1), .start = 1, .ignore = 2};
  Discipline d(c, std::nullopt);
  EXPECT_FALSE(d.update(upd(0, Duration::s(5))).ignored);  // update 0: not checked yet
  UpdateResult r = d.update(upd(64, Duration::s(5)));
  EXPECT_TRUE(r.ignored);
  EXPECT_TRUE(r.commands.empty());
  EXPECT_FALSE(r.correction);
  EXPECT_TRUE(d.update(upd(128, Duration::s(-5))).ignored);
  EXPECT_FALSE(d.update(upd(192, Duration::ms(5))).ignored);
  EXPECT_TRUE(d.update(upd(256, Duration::s(5))).fatal);
}

TEST(Discipline, Tracking) {
  Discipline d({}, std::nullopt);
  EXPECT_FALSE(d.tracking(kT0).synced);
  d.update(upd(0, Duration::ms(1)));
  d.update(upd(64, Duration::ms(-1), 0.5, 0.1));
  const TrackingReport t = d.tracking(kT0 + Duration::s(65));
  EXPECT_TRUE(t.synced);
  EXPECT_EQ(t.ref_id, 0xc0000201u);
  EXPECT_EQ(t.stratum, 3);
  EXPECT_EQ(t.ref_time, kT0 + Duration::s(64));
  EXPECT_EQ(t.last_offset, Duration::ms(-1));
  EXPECT_EQ(t.rms_offset, Duration::ms(1));
  EXPECT_EQ(t.update_interval, Duration::s(64));
  // −1 ms slewed at 500 ppm, 1 s in: 500/999500 s done.
  EXPECT_NEAR(t.system_time_offset.to_seconds_f(), -499.75e-6, 2e-9);
  EXPECT_EQ(t.root_delay, Duration::ms(10));
  EXPECT_GT(t.root_dispersion, Duration::ms(1));
  EXPECT_EQ(t.leap, Leap::kNone);
}

}  // namespace
}  // namespace tempus::core
