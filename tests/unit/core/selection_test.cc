// SPDX-License-Identifier: ISC
#include "core/selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tempus::core {
namespace {

// A candidate with offset and distance in ms, stratum 2, low jitter.
Candidate cand(uint32_t id, double offset_ms, double distance_ms) {
  Candidate c;
  c.id = id;
  c.offset = Duration::from_seconds_f(offset_ms / 1e3);
  c.root_distance = Duration::from_seconds_f(distance_ms / 1e3);
  c.jitter = Duration::us(100);
  c.stratum = 2;
  return c;
}

// The chronyc state column, one character per candidate.
std::string symbols(const SelectionResult& r) {
  std::string s;
  for (SelectState st : r.states) s += state_symbol(st);
  return s;
}

SelectionResult run(const std::vector<Candidate>& c, const SelectionConfig& cfg = {},
                    std::optional<uint32_t> prev = std::nullopt) {
  return select_sources(c, cfg, prev);
}

TEST(Selection, EmptyInput) {
  const auto r = run({});
  EXPECT_TRUE(r.states.empty());
  EXPECT_FALSE(r.selected);
  EXPECT_EQ(r.leap, Leap::kUnsync);
  EXPECT_EQ(r.truechimers, 0u);
}

TEST(Selection, StateSymbols) {
  EXPECT_EQ(state_symbol(SelectState::kSelected), '*');
  EXPECT_EQ(state_symbol(SelectState::kCombined), '+');
  EXPECT_EQ(state_symbol(SelectState::kNotCombined), '-');
  EXPECT_EQ(state_symbol(SelectState::kFalseticker), 'x');
  EXPECT_EQ(state_symbol(SelectState::kJittery), '~');
  EXPECT_EQ(state_symbol(SelectState::kUnusable), '?');
}

TEST(Selection, SingleSource) {
  const auto r = run({cand(1, 5, 2)});
  EXPECT_EQ(symbols(r), "*");
  EXPECT_EQ(r.selected, 0u);
  EXPECT_EQ(r.offset, Duration::ms(5));
  EXPECT_EQ(r.root_distance, Duration::ms(2));
  EXPECT_EQ(r.leap, Leap::kNone);
  EXPECT_EQ(r.truechimers, 1u);
}

// Marzullo's classic table: [8,12] [11,13] [10,12] → all agree on [11,12].
TEST(SelectionMarzullo, ClassicAllAgree) {
  const auto r = run({cand(1, 10, 2), cand(2, 12, 1), cand(3, 11, 1)});
  EXPECT_EQ(r.truechimers, 3u);
  EXPECT_EQ(std::count(r.states.begin(), r.states.end(), SelectState::kFalseticker), 0);
  ASSERT_TRUE(r.selected);
}

// [8,12] [11,13] [14,15]: two agree, the third is out.
TEST(SelectionMarzullo, ThreeWithOneFalse) {
  const auto r = run({cand(1, 10, 2), cand(2, 12, 1), cand(3, 14.5, 0.5)});
  EXPECT_EQ(r.states[2], SelectState::kFalseticker);
  EXPECT_EQ(r.truechimers, 2u);
  EXPECT_TRUE(r.selected);
  EXPECT_NE(*r.selected, 2u);
}

// 2f+1 with f = 2: three agree near 0, +0.5 s and −0.3 s are falsetickers and never selected,
// whatever their distance and whatever was selected before.
TEST(SelectionMarzullo, FiveWithTwoFalse) {
  std::vector<Candidate> c = {cand(1, 0.2, 5), cand(2, -0.1, 4), cand(3, 500, 0.5),
                              cand(4, 0.4, 6), cand(5, -300, 0.5)};
  for (std::optional<uint32_t> prev : {std::optional<uint32_t>{}, std::optional<uint32_t>{3},
                                       std::optional<uint32_t>{5}}) {
    const auto r = run(c, {}, prev);
    EXPECT_EQ(r.states[2], SelectState::kFalseticker);
    EXPECT_EQ(r.states[4], SelectState::kFalseticker);
    ASSERT_TRUE(r.selected);
    EXPECT_EQ(*r.selected, 1u);  // smallest distance among the truechimers
    EXPECT_EQ(r.truechimers, 3u);
    EXPECT_LT(r.offset.abs(), Duration::ms(1));
  }
}

// 4 sources, 2 + 2 disagreeing: no majority (2 ≤ 4/2), nothing selected, all 'x'.
TEST(SelectionMarzullo, FourWithTwoFalseHasNoMajority) {
  const auto r = run({cand(1, 0, 1), cand(2, 0.5, 1), cand(3, 100, 1), cand(4, 100.5, 1)});
  EXPECT_FALSE(r.selected);
  EXPECT_EQ(symbols(r), "xxxx");
  EXPECT_EQ(r.leap, Leap::kUnsync);
  EXPECT_EQ(r.truechimers, 0u);
}

TEST(SelectionMarzullo, TwoDisagreeingSourcesHaveNoMajority) {
  const auto r = run({cand(1, 0, 1), cand(2, 10, 1)});
  EXPECT_EQ(symbols(r), "xx");
  EXPECT_FALSE(r.selected);
}

// Touching endpoints count as overlap: [-2,0] [0,2] [0,4] share the point 0.
TEST(SelectionMarzullo, TouchingIntervalsAgree) {
  const auto r = run({cand(1, -1, 1), cand(2, 1, 1), cand(3, 2, 2)});
  EXPECT_EQ(r.truechimers, 3u);
  EXPECT_TRUE(r.selected);
}

// Equal intervals and identical endpoints: the result does not depend on the input order.
TEST(SelectionMarzullo, TiesAreDeterministicAndOrderIndependent) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0, 1), cand(3, 0, 1), cand(4, 2, 1),
                              cand(5, 50, 1)};
  const auto base = run(c);
  ASSERT_TRUE(base.selected);
  EXPECT_EQ(c[*base.selected].id, 1u);  // equal scores: the earliest candidate
  std::vector<size_t> order = {0, 1, 2, 3, 4};
  std::vector<Candidate> shuffled(5);
  do {
    for (size_t i = 0; i < 5; ++i) shuffled[i] = c[order[i]];
    const auto r = run(shuffled);
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(r.states[i] == SelectState::kFalseticker,
                                             shuffled[i].id == 5);
    EXPECT_EQ(r.offset, base.offset);
  } while (std::next_permutation(order.begin(), order.end()));
}

// Two disjoint regions of equal depth (2 near 0, 2 near 10, one wide source covering both):
// the interval spans both, as RFC 5905 §11.2.1 and chrony do, and with equal support every
// source is a truechimer.
TEST(SelectionMarzullo, EqualDepthRegionsSpanned) {
  const auto r = run({cand(1, 0, 1), cand(2, 0, 1), cand(3, 10, 1), cand(4, 10, 1),
                      cand(5, 5, 20)});
  EXPECT_EQ(r.truechimers, 5u);
  EXPECT_TRUE(r.selected);
}

TEST(SelectionUsability, NegativeDistanceUnusable) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0, 1)};
  c[1].root_distance = -Duration::ms(1);
  EXPECT_EQ(symbols(run(c)), "*?");
}

TEST(SelectionUsability, NoselectUnselectableUnsyncDistanceJitter) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0, 1), cand(3, 0, 1), cand(4, 0, 1),
                              cand(5, 0, 1), cand(6, 0.1, 1)};
  c[1].noselect = true;
  c[2].selectable = false;
  c[3].leap = Leap::kUnsync;
  c[4].root_distance = Duration::s(4);  // > maxdistance 3 s
  c[5].jitter = Duration::s(2);         // > maxjitter 1 s
  const auto r = run(c);
  EXPECT_EQ(symbols(r), "*????~");
  EXPECT_EQ(r.truechimers, 1u);
}

// Unusable sources do not count toward the majority: 2 agreeing + 1 falseticker among 3
// usable, and 3 more that are unusable, still select.
TEST(SelectionUsability, UnusableSourcesDoNotVote) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0.5, 1), cand(3, 40, 1),
                              cand(4, 90, 1), cand(5, 90, 1), cand(6, 90, 1)};
  for (size_t i = 3; i < 6; ++i) c[i].noselect = true;
  const auto r = run(c);
  EXPECT_TRUE(r.selected);
  EXPECT_EQ(symbols(r).substr(2), "x???");
}

TEST(SelectionUsability, MaxDistanceAndJitterConfigurable) {
  SelectionConfig cfg;
  cfg.max_distance = Duration::ms(10);
  cfg.max_jitter = Duration::us(50);
  std::vector<Candidate> c = {cand(1, 0, 5), cand(2, 0, 20)};
  c[0].jitter = Duration::us(40);
  auto r = run(c, cfg);
  EXPECT_EQ(symbols(r), "*?");
  c[0].jitter = Duration::us(60);
  r = run(c, cfg);
  EXPECT_EQ(symbols(r), "~?");
  EXPECT_FALSE(r.selected);
}

TEST(SelectionOptions, PreferWinsAmongTruechimers) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0.2, 5), cand(3, 0.1, 2)};
  c[1].prefer = true;
  const auto r = run(c);
  EXPECT_EQ(symbols(r), "-*-");  // non-preferred truechimers are neither selected nor combined
  EXPECT_EQ(r.offset, Duration::us(200));
  EXPECT_EQ(r.truechimers, 3u);
}

TEST(SelectionOptions, PreferredFalsetickerIsNotSelected) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0.2, 1), cand(3, 50, 1)};
  c[2].prefer = true;
  const auto r = run(c);
  EXPECT_EQ(r.states[2], SelectState::kFalseticker);
  EXPECT_EQ(r.selected, 0u);
}

// A lone trusted source outvotes two agreeing untrusted ones.
TEST(SelectionOptions, TrustedSourceIsAlwaysATruechimer) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 100, 1), cand(3, 100.5, 1)};
  c[0].trust = true;
  const auto r = run(c);
  EXPECT_EQ(symbols(r), "*xx");
  EXPECT_EQ(r.truechimers, 1u);
}

// An untrusted source inside the trusted region can be selected (trust is not prefer; the
// trusted one, 10 ms > 3 × 2.1 ms, is not even combined); one overlapping the trusted region
// only partly is left out ('?', chrony's "untrusted").
TEST(SelectionOptions, UntrustedMustLieWithinTrustedRegion) {
  std::vector<Candidate> c = {cand(1, 0, 10), cand(2, 1, 2), cand(3, 5, 10)};
  c[0].trust = true;
  const auto r = run(c);
  EXPECT_EQ(symbols(r), "-*?");
}

// Two trusted sources that disagree: no trusted majority.
TEST(SelectionOptions, DisagreeingTrustedSourcesHaveNoMajority) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 100, 1), cand(3, 0.5, 1)};
  c[0].trust = c[1].trust = true;
  const auto r = run(c);
  EXPECT_FALSE(r.selected);
  EXPECT_EQ(symbols(r), "xxx");
}

TEST(SelectionOptions, RequireMustBeATruechimer) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0.5, 1), cand(3, 50, 1)};
  c[2].require = true;
  auto r = run(c);
  EXPECT_FALSE(r.selected);
  EXPECT_EQ(symbols(r), "--x");
  EXPECT_EQ(r.leap, Leap::kUnsync);

  c[2].require = false;
  c[1].require = true;
  r = run(c);
  EXPECT_TRUE(r.selected);

  // A required source that is unusable blocks selection too (chrony).
  c[1].require = false;
  c.push_back(cand(4, 0, 1));
  c[3].require = true;
  c[3].noselect = true;
  r = run(c);
  EXPECT_FALSE(r.selected);
}

TEST(SelectionOptions, MinSources) {
  SelectionConfig cfg;
  cfg.min_sources = 3;
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0.5, 1), cand(3, 50, 1)};
  auto r = run(c, cfg);
  EXPECT_FALSE(r.selected);
  EXPECT_EQ(symbols(r), "--x");
  EXPECT_EQ(r.truechimers, 2u);
  c[2] = cand(3, 0.2, 1);
  r = run(c, cfg);
  EXPECT_TRUE(r.selected);
}

TEST(SelectionBest, StratumWeight) {
  std::vector<Candidate> c = {cand(1, 0, 1.0), cand(2, 0, 1.5)};
  c[0].stratum = 3;
  c[1].stratum = 2;
  auto r = run(c);  // 1.0 + 1 ms (one stratum above the lowest) > 1.5
  EXPECT_EQ(r.selected, 1u);
  SelectionConfig cfg;
  cfg.stratum_weight = Duration::us(100);
  r = run(c, cfg);  // 1.1 < 1.5
  EXPECT_EQ(r.selected, 0u);
}

TEST(SelectionBest, ReselectHysteresis) {
  std::vector<Candidate> c = {cand(1, 0, 1.05), cand(2, 0, 1.0)};
  EXPECT_EQ(run(c).selected, 1u);                 // no history: the best
  EXPECT_EQ(run(c, {}, 1u).selected, 0u);         // 50 µs better: keep the previous
  c[1].root_distance = Duration::us(900);
  EXPECT_EQ(run(c, {}, 1u).selected, 1u);         // 150 µs better: switch
  EXPECT_EQ(run(c, {}, 99u).selected, 1u);        // unknown previous id: the best
  c[0].offset = Duration::ms(10);                 // previous became a falseticker... with 2
  c.push_back(cand(3, 0, 2));                     // sources against it
  const auto r = run(c, {}, 1u);
  EXPECT_EQ(r.states[0], SelectState::kFalseticker);
  EXPECT_EQ(r.selected, 1u);
}

// combine_limit: λ_sel = 1 ms, limit 3 × (1 ms + 100 µs) = 3.3 ms.
TEST(SelectionCombine, LimitAndWeighting) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 3, 2), cand(3, 1, 3.3), cand(4, 1, 3.4)};
  const auto r = run(c);
  EXPECT_EQ(symbols(r), "*++-");
  // Weights 1/1, 1/2, 1/3.3: (0 + 1.5 + 1/3.3) / (1 + 0.5 + 1/3.3) ms.
  const double want_ms = (1.5 + 1 / 3.3) / (1.5 + 1 / 3.3);
  EXPECT_NEAR(r.offset.to_seconds_f() * 1e3, want_ms, 1e-6);
  EXPECT_LE(r.root_distance, c[0].root_distance);

  SelectionConfig none;
  none.combine_limit = 0;
  const auto single = run(c, none);
  EXPECT_EQ(symbols(single), "*---");
  EXPECT_EQ(single.offset, Duration());
  EXPECT_EQ(single.root_distance, Duration::ms(1));
}

TEST(SelectionCombine, TwoEqualSourcesAverage) {
  const auto r = run({cand(1, 1, 2), cand(2, 3, 2)});
  EXPECT_EQ(symbols(r), "*+");
  EXPECT_EQ(r.offset, Duration::ms(2));
  EXPECT_EQ(r.root_distance, Duration::ms(2));
}

TEST(SelectionCombine, ZeroDistanceDoesNotDivideByZero) {
  const auto r = run({cand(1, 0, 0), cand(2, 0, 0)});
  EXPECT_TRUE(r.selected);
  EXPECT_EQ(r.offset, Duration());
}

TEST(SelectionLeap, MajorityVote) {
  std::vector<Candidate> c = {cand(1, 0, 1), cand(2, 0, 1), cand(3, 0, 1)};
  c[0].leap = c[1].leap = Leap::kInsert;
  EXPECT_EQ(run(c).leap, Leap::kInsert);
  c[1].leap = Leap::kNone;
  EXPECT_EQ(run(c).leap, Leap::kNone);
  c[0].leap = c[1].leap = c[2].leap = Leap::kDelete;
  EXPECT_EQ(run(c).leap, Leap::kDelete);
  // Falsetickers do not vote: 2 truechimers with insert out of 3 sources.
  c = {cand(1, 0, 1), cand(2, 0, 1), cand(3, 50, 1)};
  c[0].leap = c[1].leap = Leap::kInsert;
  c[2].leap = Leap::kNone;
  EXPECT_EQ(run(c).leap, Leap::kInsert);
}

}  // namespace
}  // namespace tempus::core

namespace tempus::core {
namespace {

// chrony's authselectmode (sources.c update_sel_options): what each mode adds.
TEST(AuthSelect, ChronysRules) {
  using A = AuthSelect;
  auto extra = [](A m, bool ntp, bool auth, size_t n_auth, size_t n_unauth) {
    const AuthSelectExtra e = auth_select_extra(m, ntp, auth, n_auth, n_unauth);
    return std::string(e.noselect ? "N" : "-") + (e.require ? "R" : "-") + (e.trust ? "T" : "-");
  };
  // mix: only with both kinds, authenticated sources and refclocks are required and trusted.
  EXPECT_EQ(extra(A::kMix, true, true, 1, 1), "-RT");
  EXPECT_EQ(extra(A::kMix, false, false, 1, 1), "-RT");
  EXPECT_EQ(extra(A::kMix, true, false, 1, 1), "---");
  EXPECT_EQ(extra(A::kMix, true, true, 2, 0), "---");
  // prefer: unauthenticated NTP sources are dropped while an authenticated one exists.
  EXPECT_EQ(extra(A::kPrefer, true, false, 1, 3), "N--");
  EXPECT_EQ(extra(A::kPrefer, true, false, 0, 3), "---");
  EXPECT_EQ(extra(A::kPrefer, false, false, 1, 3), "---");
  // require: never an unauthenticated NTP source; refclocks stay.
  EXPECT_EQ(extra(A::kRequire, true, false, 0, 1), "N--");
  EXPECT_EQ(extra(A::kRequire, true, true, 1, 0), "---");
  EXPECT_EQ(extra(A::kRequire, false, false, 0, 1), "---");
  EXPECT_EQ(extra(A::kIgnore, true, false, 1, 1), "---");
}

}  // namespace
}  // namespace tempus::core
