// SPDX-License-Identifier: ISC
// The refclock median filter, and the engine's polled-refclock path that uses it.
#include "core/refclock_filter.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/engine.h"

namespace tempus::core {
namespace {

constexpr Timestamp kT0 = Timestamp::from_unix(1'704'067'200, 0);

RefclockSample sample(int64_t t_s, int64_t offset_us, int64_t disp_ns = 100) {
  return {kT0 + Duration::s(t_s), Duration::us(offset_us), Duration::ns(disp_ns)};
}

TEST(RefclockCombine, DropsTheFarthestFromTheMedianAndAverages) {
  // Median 12 µs; the 40 % farthest from it (100 and -50) go, the rest are averaged.
  const std::vector<RefclockSample> s = {sample(0, 10), sample(1, 100), sample(2, 12),
                                         sample(3, -50), sample(4, 14)};
  const RefclockSample c = combine_refclock_samples(s);
  EXPECT_EQ(c.offset, Duration::us(12));
  EXPECT_EQ(c.time, kT0 + Duration::s(2));  // mean of 0, 2, 4
  // Standard deviation of 10, 12, 14 µs: sqrt(8/3) µs ≈ 1633 ns, above the 100 ns dispersions.
  EXPECT_NEAR(static_cast<double>(c.dispersion.count_ns()), 1633.0, 1.0);
}

TEST(RefclockCombine, DispersionIsAtLeastTheSamplesOwn) {
  const std::vector<RefclockSample> s = {sample(0, 5, 300), sample(1, 5, 500), sample(2, 5, 700)};
  const RefclockSample c = combine_refclock_samples(s);
  EXPECT_EQ(c.offset, Duration::us(5));
  // ceil(60 %) of 3 is 2; all are equally near the median, so the first two: (300 + 500) / 2.
  EXPECT_EQ(c.dispersion, Duration::ns(400));
  // One sample is its own average.
  EXPECT_EQ(combine_refclock_samples(std::vector<RefclockSample>{sample(9, -3)}), sample(9, -3));
}

TEST(RefclockCombine, HugeOffsetsDoNotOverflow) {
  // A PHC that was never set: offsets near -1.7e18 ns, summed in 128 bits.
  const Duration big = -Duration::s(1'700'000'000);
  std::vector<RefclockSample> s;
  for (int i = 0; i < 64; ++i) s.push_back({kT0 + Duration::s(i), big + Duration::ns(i), {}});
  const RefclockSample c = combine_refclock_samples(s);
  EXPECT_LT((c.offset - (big + Duration::ns(31))).abs(), Duration::ns(2));
}

TEST(RefclockFilter, OneFilteredSamplePerPoll) {
  RefclockFilter f({.length = 64, .poll = 0, .dpoll = -2, .max_dispersion = std::nullopt});
  EXPECT_EQ(f.read_interval(), Duration::ms(250));
  EXPECT_EQ(f.reads_per_poll(), 4u);
  EXPECT_EQ(f.min_samples(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(f.on_read(sample(i, 20)));
  const auto c = f.on_read(sample(3, 20));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->offset, Duration::us(20));
  EXPECT_EQ(f.size(), 0u);  // emptied by the poll
}

TEST(RefclockFilter, FailedReadsDelayThePollsSample) {
  RefclockFilter f({.length = 64, .poll = 1, .dpoll = 0, .max_dispersion = std::nullopt});
  EXPECT_EQ(f.reads_per_poll(), 2u);
  EXPECT_FALSE(f.on_read(sample(0, 1)));
  EXPECT_FALSE(f.on_read(std::nullopt));  // a poll with one sample: too few, kept
  EXPECT_FALSE(f.on_read(sample(2, 1)));
  EXPECT_FALSE(f.on_read(sample(3, 1)));  // three
  EXPECT_FALSE(f.on_read(sample(4, 1)));
  EXPECT_TRUE(f.on_read(sample(5, 1)));   // five at this poll
  // A filter shorter than 4 needs only its length.
  RefclockFilter g({.length = 2, .poll = 0, .dpoll = 0, .max_dispersion = std::nullopt});
  EXPECT_EQ(g.min_samples(), 2u);
  EXPECT_FALSE(g.on_read(sample(0, 1)));
  EXPECT_TRUE(g.on_read(sample(1, 1)));
}

TEST(RefclockFilter, KeepsOnlyTheLastLengthSamples) {
  RefclockFilter f({.length = 4, .poll = 3, .dpoll = 0, .max_dispersion = std::nullopt});
  EXPECT_EQ(f.reads_per_poll(), 8u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(f.on_read(sample(i, 1000)));
  for (int i = 4; i < 7; ++i) EXPECT_FALSE(f.on_read(sample(i, 7)));
  EXPECT_EQ(f.size(), 4u);
  const auto c = f.on_read(sample(7, 7));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->offset, Duration::us(7));  // the 1000 µs samples fell out
}

TEST(RefclockFilter, MaxDispersionDropsNoisyPolls) {
  RefclockFilter f({.length = 8, .poll = 2, .dpoll = 0, .max_dispersion = Duration::us(10)});
  EXPECT_FALSE(f.on_read(sample(0, 0)));
  EXPECT_FALSE(f.on_read(sample(1, 40)));
  EXPECT_FALSE(f.on_read(sample(2, -40)));
  EXPECT_FALSE(f.on_read(sample(3, 40)));  // sd of the kept ones ~ 38 µs > 10 µs: dropped
  EXPECT_EQ(f.size(), 0u);
  for (int i = 4; i < 7; ++i) EXPECT_FALSE(f.on_read(sample(i, 3)));
  EXPECT_TRUE(f.on_read(sample(7, 3)));
}

TEST(RefclockFilter, PollsAreClampedAndDpollAbovePollMeansEveryRead) {
  RefclockFilter f({.length = 4, .poll = -32, .dpoll = -32, .max_dispersion = std::nullopt});
  EXPECT_EQ(f.read_interval(), PollLog{PollLog::kMin}.interval());
  EXPECT_GT(f.read_interval(), Duration());
  RefclockFilter g({.length = 4, .poll = 0, .dpoll = 3, .max_dispersion = std::nullopt});
  EXPECT_EQ(g.reads_per_poll(), 1u);
  EXPECT_EQ(g.read_interval(), Duration::s(8));
  RefclockFilter z({.length = 0, .poll = 0, .dpoll = 0, .max_dispersion = std::nullopt});
  EXPECT_EQ(z.min_samples(), 1u);
  EXPECT_TRUE(z.on_read(sample(0, 1)));
}

TEST(RefclockFilter, CorrectionsRewriteStoredSamples) {
  RefclockFilter f({.length = 8, .poll = 2, .dpoll = 0, .max_dispersion = std::nullopt});
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(f.on_read(sample(i, 100)));
  // The clock was moved 100 µs forward at t = 1 s: the stored samples are now 0 µs off, like
  // the ones read on the corrected clock; a frequency change tilts them around `when`.
  f.apply_correction(kT0 + Duration::s(1), Duration::us(100), 0.0);
  EXPECT_FALSE(f.on_read(sample(2, 0)));
  const auto c = f.on_read(sample(3, 0));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->offset, Duration());
  // 10 ppm faster from t = 1000 s on: a sample 1000 s before that is rewritten by -10 ms.
  RefclockFilter g({.length = 2, .poll = 1, .dpoll = 0, .max_dispersion = std::nullopt});
  EXPECT_FALSE(g.on_read(sample(0, 0)));
  g.apply_correction(kT0 + Duration::s(1000), Duration(), 10.0);
  const auto tilted = g.on_read(sample(1000, 0));
  ASSERT_TRUE(tilted.has_value());
  EXPECT_EQ(tilted->offset, Duration::ms(5));  // (10 ms + 0) / 2
  EXPECT_EQ(tilted->time, kT0 + Duration::s(500) - Duration::ms(5));
}

// The engine's polled-refclock path: cooked offsets, the filter, the stratum option, timeout.
TEST(EnginePolledRefclock, FilteredSamplesReachSelectionAtTheStratumOption) {
  Engine engine(SelectionConfig{}, DisciplineConfig{}, std::nullopt);
  Timestamp now = kT0;
  engine.start(now);
  Engine::RefclockOptions o;
  o.ref_id = ref_id_ascii("PHC0");
  o.stratum = 2;
  o.offset = Duration::us(5);
  o.timeout = Duration::s(200);
  o.filter = RefclockFilterConfig{.length = 16, .poll = 2, .dpoll = 0, .max_dispersion = {}};
  engine.add_refclock(3, o);
  EXPECT_EQ(engine.on_refclock_read(9, now, std::nullopt).error, ReplyError::kNoRequest);
  int samples = 0;
  for (int k = 0; k < 40; ++k) {
    const auto out = engine.on_refclock_read(
        3, now, RefclockSample{now, Duration::us(15) - Duration::us(5), Duration::ns(50)});
    samples += out.sample;
    EXPECT_EQ(out.sample, k % 4 == 3) << k;  // one sample every 2^(2-0) reads
    now = now + Duration::s(1);
  }
  EXPECT_EQ(samples, 10);
  EXPECT_EQ(engine.selected(), 3u);
  EXPECT_TRUE(engine.synchronised());
  EXPECT_EQ(engine.tracking(now).stratum, 3);  // the refclock's stratum + 1
  EXPECT_EQ(engine.tracking(now).ref_id, ref_id_ascii("PHC0"));
  // Reachable for `timeout`, not the 64 s default.
  now = now + Duration::s(100);
  EXPECT_TRUE(engine.check_reachability(now).empty());
  EXPECT_TRUE(engine.synchronised());
  now = now + Duration::s(101);
  EXPECT_FALSE(engine.check_reachability(now).empty());
  EXPECT_FALSE(engine.synchronised());
  // A SOCK-style refclock has no filter: on_refclock_read refuses it.
  Engine::RefclockOptions sock;
  engine.add_refclock(4, sock);
  EXPECT_EQ(engine.on_refclock_read(4, now, std::nullopt).error, ReplyError::kNoRequest);
}

TEST(EnginePolledRefclock, FirstSampleCarriesTheOffsetOption) {
  Engine engine(SelectionConfig{}, DisciplineConfig{}, std::nullopt);
  engine.start(kT0);
  Engine::RefclockOptions o;
  o.offset = Duration::us(5);
  o.filter = RefclockFilterConfig{.length = 4, .poll = 2, .dpoll = 0, .max_dispersion = {}};
  engine.add_refclock(1, o);
  Timestamp now = kT0;
  for (int k = 0; k < 4; ++k) {
    (void)engine.on_refclock_read(1, now, RefclockSample{now, Duration::us(10), Duration::ns(50)});
    now = now + Duration::s(1);
  }
  const auto v = engine.sources(now);
  ASSERT_EQ(v.size(), 1u);
  ASSERT_TRUE(v[0].last.valid);
  EXPECT_EQ(v[0].last.measured_offset, Duration::us(15));
}

}  // namespace
}  // namespace tempus::core
