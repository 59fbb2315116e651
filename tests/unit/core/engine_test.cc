// SPDX-License-Identifier: ISC
// The engine glue: start-up gate, falsetickers, KoD DENY, exchanges across a step, commands and
// corrections, selected()/synchronised(), the sources() states. Servers are fakes that answer
// each real request with a mode-4 reply built by encode_header; the local clock is true time
// (commands are checked, not executed).
#include "core/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tempus::core {
namespace {

// 2024-01-01T00:00:00Z.
constexpr Timestamp kT0 = Timestamp::from_unix(1'704'067'200, 0);
constexpr Duration kOneWay = Duration::ms(5);
constexpr Duration kProcessing = Duration::us(10);

class CountingRandom : public RandomSource {
 public:
  uint64_t next_u64() override { return x_ += 0x9e3779b97f4a7c15ULL; }

 private:
  uint64_t x_ = 0;
};

struct FakeServer {
  Duration offset;         // server clock − true time (> 0: we are behind it)
  bool deny = false;       // answer with KoD DENY
  Leap leap = Leap::kNone; // its leap indicator
  Duration root_dispersion = Duration::us(20);
};

// The server's answer to `request`, received at true time `rx`.
std::vector<std::byte> answer(const std::vector<std::byte>& request, Timestamp rx,
                              const FakeServer& s) {
  auto req = decode_header(request);
  EXPECT_TRUE(req.ok());
  const Timestamp t2 = rx + s.offset;
  Header h;
  h.version = 4;
  h.mode = Mode::kServer;
  h.leap = s.deny ? Leap::kNone : s.leap;
  h.stratum = s.deny ? 0 : 1;
  h.poll = req->poll;
  h.precision = -24;
  h.root_dispersion = ShortFixed::from_duration(s.root_dispersion);
  h.ref_id = s.deny ? kKissDeny : ref_id_ascii("GPS");
  h.reference_ts = NtpTimestamp::from_time(t2 - Duration::s(8));
  h.origin_ts = req->transmit_ts;
  h.receive_ts = NtpTimestamp::from_time(t2);
  h.transmit_ts = NtpTimestamp::from_time(t2 + kProcessing);
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(h, w);
  return out;
}

template <class T>
const T* find(const std::vector<ClockCommand>& cmds) {
  for (const auto& c : cmds)
    if (const T* p = std::get_if<T>(&c)) return p;
  return nullptr;
}

class Harness {
 public:
  explicit Harness(DisciplineConfig d = {}, std::optional<InitialFrequency> f = std::nullopt,
                   SelectionConfig sel = {})
      : engine(sel, d, f) {
    start_commands = engine.start(now);
  }

  void add(uint32_t id, FakeServer s) {
    EngineSourceOptions o;
    o.client.iburst = true;
    o.ref_id = 0xc0000200u + id;
    engine.add_source(id, o);
    servers.resize(std::max<size_t>(servers.size(), id + 1));
    servers[id] = s;
  }

  // Sends source id's next request at `now`; the reply is answered but held back.
  void send(uint32_t id) {
    auto req = engine.make_request(id, now, rng);
    ASSERT_TRUE(req.has_value());
    // A small alternating path asymmetry keeps the regressions from being exact.
    const Duration out = kOneWay + Duration::us(flip_++ % 2 ? 40 : -40);
    pending_[id] = {now, answer(req->packet, now + out, servers[id])};
  }
  // Delivers the held reply of `id` at `now` (its path: out + processing + back ≈ 10 ms).
  ReplyOutcome deliver(uint32_t id) {
    const Pending p = pending_.at(id);
    return engine.on_reply(id, p.reply, p.t1, now);
  }
  // One complete exchange, then `gap` of time.
  ReplyOutcome exchange(uint32_t id, Duration gap = Duration()) {
    send(id);
    now = now + kOneWay * 2 + kProcessing;
    ReplyOutcome r = deliver(id);
    now = now + gap;
    return r;
  }

  char state(uint32_t id) const {
    for (const SourceView& v : engine.sources(now))
      if (v.id == id) return state_symbol(v.state);
    return 0;
  }

  Engine engine;
  Timestamp now = kT0;
  CountingRandom rng;
  std::vector<ClockCommand> start_commands;
  std::vector<FakeServer> servers;

 private:
  struct Pending {
    Timestamp t1;
    std::vector<std::byte> reply;
  };
  std::map<uint32_t, Pending> pending_;
  int flip_ = 0;
};

TEST(Engine, StartEmitsFrequencyAndUnsynchronisedStatus) {
  Harness h({}, InitialFrequency{.freq_ppm = -7.5, .skew_ppm = 0.1});
  ASSERT_NE(find<FrequencyCommand>(h.start_commands), nullptr);
  EXPECT_DOUBLE_EQ(find<FrequencyCommand>(h.start_commands)->freq_ppm, -7.5);
  ASSERT_NE(find<StatusCommand>(h.start_commands), nullptr);
  EXPECT_FALSE(find<StatusCommand>(h.start_commands)->synced);
  EXPECT_FALSE(h.engine.synchronised());
  EXPECT_FALSE(h.engine.selected().has_value());
}

TEST(Engine, IburstFirstUpdateWaitsForEveryAnsweringSource) {
  Harness h;
  h.add(1, {.offset = Duration::ms(2)});
  h.add(2, {.offset = Duration::ms(2)});
  h.add(3, {.offset = Duration::ms(2)});  // never polled: does not hold the gate
  // iburst: 2 s spacing.
  const Duration wait = h.engine.next_poll_interval(1, h.rng);
  EXPECT_GE(wait, Duration::s(2) - Duration::s(2) / 64);
  EXPECT_LE(wait, Duration::s(2) + Duration::s(2) / 64);

  // Source 1 reaches three samples (a regression line) while source 2 has one: no update.
  EXPECT_TRUE(h.exchange(2).commands.empty());
  for (int k = 0; k < 2; ++k) EXPECT_TRUE(h.exchange(1, Duration::s(2)).commands.empty());
  ReplyOutcome r = h.exchange(1, Duration::s(2));
  EXPECT_TRUE(r.sample);
  EXPECT_TRUE(r.commands.empty());
  EXPECT_FALSE(h.engine.synchronised());

  // Source 2 catches up; the first update follows (by whichever source is selected).
  EXPECT_TRUE(h.exchange(2, Duration::s(2)).commands.empty());
  std::vector<ClockCommand> cmds = h.exchange(2, Duration::s(2)).commands;
  if (cmds.empty()) cmds = h.exchange(h.engine.selected().value()).commands;
  const SlewCommand* slew = find<SlewCommand>(cmds);
  ASSERT_NE(slew, nullptr);
  EXPECT_NEAR(slew->offset.to_seconds_f(), 2e-3, 1e-4);  // forward: we are behind
  ASSERT_NE(find<StatusCommand>(cmds), nullptr);
  EXPECT_TRUE(find<StatusCommand>(cmds)->synced);
  EXPECT_TRUE(h.engine.synchronised());

  // Four good samples end source 1's burst: back to minpoll.
  h.exchange(1);
  EXPECT_GE(h.engine.next_poll_interval(1, h.rng), Duration::s(63));
}

TEST(Engine, StartupGateOpensAfterTwoMinpolls) {
  Harness h;
  h.add(1, {.offset = Duration::ms(1)});
  h.add(2, {.offset = Duration::ms(1)});
  h.exchange(2);  // source 2 answers once, then falls silent
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(h.exchange(1, Duration::s(2)).commands.empty());
  h.now = kT0 + Duration::s(129);
  EXPECT_NE(find<SlewCommand>(h.exchange(1).commands), nullptr);
  EXPECT_EQ(h.engine.selected(), 1u);
}

TEST(Engine, FalsetickerOfThreeIsNeverSelected) {
  Harness h;
  h.add(1, {.offset = Duration::us(1000)});
  h.add(2, {.offset = Duration::us(1200)});
  h.add(3, {.offset = Duration::ms(500)});
  int updates = 0;
  for (int round = 0; round < 12; ++round) {
    for (uint32_t id = 1; id <= 3; ++id) {
      if (find<SlewCommand>(h.exchange(id).commands)) ++updates;
      EXPECT_NE(h.engine.selected(), 3u);
      EXPECT_NE(h.state(3), '*');
      EXPECT_NE(h.state(3), '+');
    }
    h.now = h.now + Duration::s(2);
  }
  EXPECT_GT(updates, 0);
  EXPECT_EQ(h.state(3), 'x');
  EXPECT_TRUE(h.engine.synchronised());
}

TEST(Engine, SourcesReportSelectedCombinedAndFalseticker) {
  Harness h;
  h.add(1, {.offset = Duration::us(1000)});
  h.add(2, {.offset = Duration::us(1100)});
  h.add(3, {.offset = Duration::us(900)});
  h.add(4, {.offset = Duration::ms(300)});
  for (int round = 0; round < 5; ++round) {
    for (uint32_t id = 1; id <= 4; ++id) h.exchange(id);
    h.now = h.now + Duration::s(2);
  }
  std::string states;
  for (uint32_t id = 1; id <= 4; ++id) states += h.state(id);
  EXPECT_EQ(std::count(states.begin(), states.end(), '*'), 1) << states;
  EXPECT_GE(std::count(states.begin(), states.end(), '+'), 1) << states;
  EXPECT_EQ(states[3], 'x') << states;
  ASSERT_TRUE(h.engine.selected().has_value());
  EXPECT_EQ(h.state(*h.engine.selected()), '*');
  EXPECT_EQ(h.engine.tracking(h.now).ref_id, 0xc0000200u + *h.engine.selected());
}

TEST(Engine, KodDenyStopsRequestsAndUnsynchronises) {
  Harness h;
  h.add(1, {.offset = Duration::ms(1)});
  for (int k = 0; k < 3; ++k) h.exchange(1, Duration::s(2));
  ASSERT_TRUE(h.engine.synchronised());
  ASSERT_EQ(h.engine.selected(), 1u);

  h.servers[1].deny = true;
  ReplyOutcome r = h.exchange(1);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(*r.error, ReplyError::kKodDeny);
  // The only source is gone: "not synchronised" now, not on its stale estimate forever.
  ASSERT_NE(find<StatusCommand>(r.commands), nullptr);
  EXPECT_FALSE(find<StatusCommand>(r.commands)->synced);
  EXPECT_FALSE(h.engine.synchronised());
  EXPECT_FALSE(h.engine.selected().has_value());
  EXPECT_FALSE(h.engine.make_request(1, h.now, h.rng).has_value());
  EXPECT_EQ(h.engine.next_poll_interval(1, h.rng), Duration::max());
  EXPECT_EQ(h.engine.sources(h.now).at(0).client_state, ClientState::kDenied);
  EXPECT_EQ(h.state(1), '?');
}

TEST(Engine, LeapTableDecidesTheLeapAndTaiOffset) {
  Harness h;
  // A made-up leap at the end of the harness's first day (kT0 is 2024-01-01T00:00:00Z).
  LeapTable t;
  t.entries = {{Timestamp::from_unix(63'072'000, 0), 10},  // 1972-01-01
               {kT0 + Duration::s(86400), 11}};
  h.engine.set_leap_table(t);
  EXPECT_EQ(h.engine.tai_minus_utc(h.now), 10);
  h.add(1, {.offset = Duration::ms(1)});
  const StatusCommand* st = nullptr;
  std::vector<ClockCommand> cmds;
  for (int k = 0; k < 3 && !st; ++k) {
    cmds = h.exchange(1, Duration::s(2)).commands;
    st = find<StatusCommand>(cmds);
  }
  ASSERT_NE(st, nullptr);
  EXPECT_TRUE(st->synced);
  EXPECT_EQ(st->leap, Leap::kInsert);  // the sources voted kNone; the table knows better
  EXPECT_EQ(st->tai_offset_s, 10);
  // Expired: the sources' vote stands, TAI − UTC still comes from the table.
  t.expires = kT0;
  h.engine.set_leap_table(t);
  const StatusCommand* st2 = nullptr;
  for (int k = 0; k < 3 && !st2; ++k) {
    cmds = h.exchange(1, Duration::s(2)).commands;
    st2 = find<StatusCommand>(cmds);
  }
  ASSERT_NE(st2, nullptr);
  EXPECT_EQ(st2->leap, Leap::kNone);
  EXPECT_EQ(st2->tai_offset_s, 10);
}

TEST(Engine, LeapSecondDays) {
  EXPECT_TRUE(is_leap_second_day(Timestamp::from_unix(1719791940, 0)));   // 2024-06-30 23:59
  EXPECT_FALSE(is_leap_second_day(Timestamp::from_unix(1719792000, 0)));  // 2024-07-01 00:00
  EXPECT_FALSE(is_leap_second_day(Timestamp::from_unix(1719705599, 0)));  // 2024-06-29 23:59:59
  EXPECT_TRUE(is_leap_second_day(Timestamp::from_unix(1483185600, 0)));   // 2016-12-31
  EXPECT_TRUE(is_leap_second_day(Timestamp::from_unix(1435622400, 0)));   // 2015-06-30
  EXPECT_FALSE(is_leap_second_day(Timestamp::from_unix(1709164800, 0)));  // 2024-02-29
  EXPECT_TRUE(is_leap_second_day(Timestamp::from_unix(-86400, 0)));       // 1969-12-31
  EXPECT_TRUE(is_leap_second_day(Timestamp::from_unix(4133980799, 0)));   // 2100-12-31
  EXPECT_EQ(next_utc_midnight(Timestamp::from_unix(1719791940, 5)),
            Timestamp::from_unix(1719792000, 0));
  EXPECT_EQ(next_utc_midnight(Timestamp::from_unix(1719792000, 0)),
            Timestamp::from_unix(1719792000 + 86400, 0));
}

// The first status command of a synchronising run against one server announcing `leap`.
StatusCommand synced_status(Harness& h, Leap leap) {
  h.add(1, {.offset = Duration::ms(1), .leap = leap});
  for (int k = 0; k < 6; ++k) {
    const auto out = h.exchange(1, Duration::s(2));
    if (const StatusCommand* st = find<StatusCommand>(out.commands); st && st->synced) return *st;
  }
  ADD_FAILURE() << "never synchronised";
  return {};
}

TEST(Engine, SourcesLeapAcceptedOnlyOnItsDay) {
  // ntpd announces a leap for the whole month; only June 30 / December 31 count.
  Harness early;  // 2024-01-01
  EXPECT_EQ(synced_status(early, Leap::kInsert).leap, Leap::kNone);
  EXPECT_EQ(early.engine.tracking(early.now).leap, Leap::kNone);
  Harness due;
  due.now = Timestamp::from_unix(1719791940 - 3600, 0);  // 2024-06-30 22:59
  EXPECT_EQ(synced_status(due, Leap::kInsert).leap, Leap::kInsert);
  EXPECT_FALSE(due.engine.next_leap(due.now));  // system: the kernel does it
}

TEST(Engine, LeapSecModes) {
  const Timestamp midnight = Timestamp::from_unix(1719792000, 0);  // 2024-07-01
  for (LeapMode mode : {LeapMode::kStep, LeapMode::kSlew, LeapMode::kIgnore}) {
    Harness h;
    h.engine.set_leap_mode(mode);
    h.now = Timestamp::from_unix(1719791940 - 600, 0);  // 2024-06-30 23:49
    // The kernel is not told; clients are (tracking), and the leap is due at midnight.
    EXPECT_EQ(synced_status(h, Leap::kInsert).leap, Leap::kNone);
    EXPECT_EQ(h.engine.tracking(h.now).leap, Leap::kInsert);
    ASSERT_EQ(h.engine.next_leap(h.now), midnight);
    const auto cmds = h.engine.on_leap(midnight + Duration::ms(3));
    if (mode == LeapMode::kStep) {
      ASSERT_NE(find<StepCommand>(cmds), nullptr);
      EXPECT_EQ(find<StepCommand>(cmds)->offset, Duration::s(-1));
    } else if (mode == LeapMode::kSlew) {
      ASSERT_NE(find<SlewCommand>(cmds), nullptr);
      EXPECT_LE((find<SlewCommand>(cmds)->offset - Duration::s(-1)).abs(), Duration::ms(50));
      EXPECT_LT(h.engine.tracking(midnight).system_time_offset, Duration::ms(-900));
    } else {
      EXPECT_TRUE(cmds.empty());
    }
    // Once only.
    EXPECT_TRUE(h.engine.on_leap(midnight + Duration::ms(4)).empty());
    EXPECT_FALSE(h.engine.next_leap(midnight + Duration::ms(5)));
  }
}

TEST(Engine, RefclockIsSelectedAndServedAtStratumOne) {
  Engine engine(SelectionConfig{}, DisciplineConfig{}, std::nullopt);
  Timestamp now = kT0;
  engine.start(now);
  Engine::RefclockOptions o;
  o.ref_id = ref_id_ascii("GPS");
  o.precision = Duration::us(1);
  engine.add_refclock(7, o);
  CountingRandom rng;
  EXPECT_FALSE(engine.make_request(7, now, rng).has_value());  // never polled
  for (int k = 0; k < 8; ++k) {
    engine.on_refclock_sample(7, now, Duration::us(40), Leap::kNone);
    now = now + Duration::s(1);
  }
  EXPECT_EQ(engine.selected(), 7u);
  EXPECT_TRUE(engine.synchronised());
  EXPECT_EQ(engine.tracking(now).stratum, 1);
  EXPECT_EQ(engine.tracking(now).ref_id, ref_id_ascii("GPS"));
  // Silence for longer than kRefclockTimeout: unreachable, unselected.
  now = now + Engine::kRefclockTimeout + Duration::s(1);
  EXPECT_FALSE(engine.check_reachability(now).empty());
  EXPECT_FALSE(engine.synchronised());
}

TEST(Engine, RefclockReachIsOneBitPerPollPeriod) {
  Engine engine(SelectionConfig{}, DisciplineConfig{}, std::nullopt);
  engine.start(kT0);  // kT0 is a multiple of 16 s
  Engine::RefclockOptions o;
  o.ref_id = ref_id_ascii("PPS");
  o.poll = PollLog{4};
  engine.add_refclock(3, o);
  auto view = [&](Timestamp now) { return engine.sources(now).at(0); };
  EXPECT_EQ(view(kT0).reach, 0);
  EXPECT_EQ(view(kT0).poll, PollLog{4});
  EXPECT_FALSE(view(kT0).last_sample_time.has_value());
  // Samples in periods 0, 1 and 2 (two in period 1 count once).
  for (int t : {1, 17, 20, 33}) engine.on_refclock_sample(3, kT0 + Duration::s(t), Duration(), Leap::kNone);
  EXPECT_EQ(view(kT0 + Duration::s(40)).reach, 07);
  EXPECT_EQ(view(kT0 + Duration::s(40)).last_sample_time, kT0 + Duration::s(33));
  // Period 3 passes without one, then period 4 has one: 11101.
  engine.on_refclock_sample(3, kT0 + Duration::s(70), Duration(), Leap::kNone);
  EXPECT_EQ(view(kT0 + Duration::s(70)).reach, 035);
  // Eight silent periods empty it.
  EXPECT_EQ(view(kT0 + Duration::s(70 + 16 * 8)).reach, 0);
}

TEST(Engine, SilentSelectedSourceIsUnselected) {
  Harness h;
  h.add(1, {.offset = Duration::ms(1)});
  for (int k = 0; k < 3; ++k) h.exchange(1, Duration::s(2));
  ASSERT_TRUE(h.engine.synchronised());
  EXPECT_TRUE(h.engine.check_reachability(h.now).empty());
  // Eight requests without an answer empty the reach register (the ninth counts the eighth).
  std::vector<ClockCommand> last;
  for (int k = 0; k < 9 && h.engine.synchronised(); ++k) {
    ASSERT_TRUE(h.engine.make_request(1, h.now, h.rng).has_value());
    last = h.engine.check_reachability(h.now);
    h.now = h.now + Duration::s(64);
  }
  EXPECT_FALSE(h.engine.synchronised());
  ASSERT_NE(find<StatusCommand>(last), nullptr);
  EXPECT_FALSE(find<StatusCommand>(last)->synced);
  EXPECT_EQ(h.engine.sources(h.now).at(0).reach, 0);
}

TEST(Engine, DeniedSourceLeavesSelectionToTheOthers) {
  Harness h;
  h.add(1, {.offset = Duration::ms(1)});
  h.add(2, {.offset = Duration::ms(1)});
  for (int k = 0; k < 3; ++k) {
    h.exchange(1);
    h.exchange(2, Duration::s(2));
  }
  ASSERT_TRUE(h.engine.selected().has_value());
  const uint32_t gone = *h.engine.selected();
  const uint32_t other = gone == 1 ? 2 : 1;
  h.servers[gone].deny = true;
  h.exchange(gone);
  EXPECT_EQ(h.engine.selected(), other);
  EXPECT_TRUE(h.engine.synchronised());
  EXPECT_EQ(h.state(gone), '?');
}

// chronyc reselect: the incumbent loses the advantage reselectdist gives it, and the clock is
// not corrected until the newly selected source has a sample of its own.
TEST(Engine, ReselectDropsTheIncumbentsAdvantage) {
  Harness h({}, std::nullopt, SelectionConfig{.reselect_dist = Duration::s(10)});
  h.add(1, {.offset = Duration::ms(1), .root_dispersion = Duration::ms(20)});
  h.add(2, {.offset = Duration::ms(1)});
  for (int k = 0; k < 4; ++k) h.exchange(1, Duration::s(2));
  ASSERT_EQ(h.engine.selected(), 1u);
  for (int k = 0; k < 4; ++k) {
    h.exchange(1);
    h.exchange(2, Duration::s(2));
  }
  ASSERT_EQ(h.engine.selected(), 1u);  // 20 ms worse, but within reselectdist
  EXPECT_TRUE(h.engine.reselect(h.now).empty());
  EXPECT_EQ(h.engine.selected(), 2u);
  EXPECT_EQ(h.state(2), '*');
  EXPECT_NE(find<SlewCommand>(h.exchange(2).commands), nullptr);
  EXPECT_EQ(h.engine.tracking(h.now).ref_id, 0xc0000202u);
}

// chronyc reset sources: every sample is gone, the clock is unsynchronised until new ones come.
TEST(Engine, ResetSourcesDropsEverySample) {
  Harness h;
  h.add(1, {.offset = Duration::ms(1)});
  h.add(2, {.offset = Duration::ms(1)});
  for (int k = 0; k < 4; ++k) {
    h.exchange(1);
    h.exchange(2, Duration::s(2));
  }
  ASSERT_TRUE(h.engine.synchronised());
  const auto cmds = h.engine.reset_sources(h.now);
  ASSERT_NE(find<StatusCommand>(cmds), nullptr);
  EXPECT_FALSE(find<StatusCommand>(cmds)->synced);
  EXPECT_FALSE(h.engine.synchronised());
  for (const SourceView& v : h.engine.sources(h.now)) {
    EXPECT_EQ(v.stats.np, 0u) << v.id;
    EXPECT_EQ(state_symbol(v.state), '?') << v.id;
  }
  EXPECT_TRUE(h.engine.reset_sources(h.now).empty());  // nothing selected: nothing to say
  for (int k = 0; k < 4; ++k) {
    h.exchange(1);
    h.exchange(2, Duration::s(2));
  }
  EXPECT_TRUE(h.engine.synchronised());
}

TEST(Engine, ExchangeSpanningAStepIsDropped) {
  DisciplineConfig d;
  d.make_step_threshold = Duration::ms(50);
  d.make_step_limit = 3;
  Harness h(d);
  h.add(1, {.offset = Duration::s(1)});
  h.add(2, {.offset = Duration::s(1)});  // polled, but its reply is late
  for (int k = 0; k < 2; ++k) h.exchange(1, Duration::s(2));
  h.send(2);
  ReplyOutcome r = h.exchange(1);
  const StepCommand* step = find<StepCommand>(r.commands);
  ASSERT_NE(step, nullptr);
  EXPECT_NEAR(step->offset.to_seconds_f(), 1.0, 1e-4);
  EXPECT_TRUE(h.engine.synchronised());
  // Source 1's statistics moved with the step.
  EXPECT_NEAR(h.engine.sources(h.now).at(0).estimate.offset.to_seconds_f(), 0.0, 1e-4);

  // Source 2's request left before the step: its reply measures the step, not the server.
  h.now = h.now + Duration::ms(30);
  ReplyOutcome late = h.deliver(2);
  EXPECT_TRUE(late.spans_step);
  EXPECT_FALSE(late.sample);
  EXPECT_TRUE(late.commands.empty());
  EXPECT_EQ(h.engine.sources(h.now).at(1).stats.np, 0u);
  // Its next request is measured normally (the fake local clock was not stepped, so it still
  // sees the server 1 s ahead).
  EXPECT_TRUE(h.exchange(2).sample);
}

TEST(Engine, CorrectionsMoveEverySourcesStatistics) {
  Harness h;
  h.add(1, {.offset = Duration::ms(3)});
  h.add(2, {.offset = Duration::ms(3)});
  std::vector<ClockCommand> cmds;
  for (int k = 0; k < 6 && !find<SlewCommand>(cmds); ++k) {
    cmds = h.exchange(1).commands;
    if (!find<SlewCommand>(cmds)) cmds = h.exchange(2).commands;
    h.now = h.now + Duration::s(2);
  }
  const SlewCommand* slew = find<SlewCommand>(cmds);
  ASSERT_NE(slew, nullptr);
  EXPECT_NEAR(slew->offset.to_seconds_f(), 3e-3, 1e-4);
  // Both regressions now describe the clock as corrected (the slew counts as done), while the
  // measured offsets stay as measured.
  for (const SourceView& v : h.engine.sources(h.now)) {
    EXPECT_NEAR(v.estimate.offset.to_seconds_f(), 0.0, 1e-4) << v.id;
    EXPECT_NEAR(v.last.adjusted_offset.to_seconds_f(), 0.0, 1e-4) << v.id;
    EXPECT_NEAR(v.last.measured_offset.to_seconds_f(), 3e-3, 1e-4) << v.id;
  }
  // The tracking report follows the update.
  EXPECT_TRUE(h.engine.tracking(h.now).synced);
  EXPECT_NEAR(h.engine.tracking(h.now).last_offset.to_seconds_f(), 3e-3, 1e-4);
}

TEST(Engine, ShutdownWritesDriftWhenConfigured) {
  DisciplineConfig d;
  d.drift_file = true;
  Harness h(d, InitialFrequency{.freq_ppm = 12.0, .skew_ppm = 0.5});
  const auto cmds = h.engine.shutdown(h.now);
  ASSERT_NE(find<DriftCommand>(cmds), nullptr);
  EXPECT_DOUBLE_EQ(find<DriftCommand>(cmds)->freq_ppm, 12.0);
  EXPECT_TRUE(h.engine.tick(h.now + Duration::s(1)).empty());
  EXPECT_NE(find<DriftCommand>(h.engine.tick(h.now + Duration::s(3600))), nullptr);
}

TEST(Engine, MaxDelayRatioDropsAQueuedReplyAndTheBurstGoesOn) {
  Harness h;
  EngineSourceOptions o;
  o.client.iburst = true;
  o.client.max_delay_ratio = 2.0;
  o.ref_id = 0xc0000201u;
  h.engine.add_source(1, o);
  h.servers.resize(2);
  h.servers[1] = {.offset = Duration::ms(1)};
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(h.exchange(1, Duration::s(2)).sample);

  // The fourth iburst reply is queued for 15 ms: delay ≈ 25 ms > 2 × 10 ms.
  h.send(1);
  h.now = h.now + kOneWay * 2 + kProcessing + Duration::ms(15);
  const ReplyOutcome r = h.deliver(1);
  EXPECT_FALSE(r.sample);
  ASSERT_TRUE(r.rejected.has_value());
  EXPECT_EQ(*r.rejected, DelayTest::kDelayRatio);
  EXPECT_FALSE(r.error.has_value());
  EXPECT_TRUE(r.commands.empty());
  EXPECT_EQ(h.engine.sources(h.now)[0].stats.np, 3u);
  // The client was told kPoor: the sample did not count, so iburst still wants a fourth.
  const Duration wait = h.engine.next_poll_interval(1, h.rng);
  EXPECT_LE(wait, Duration::s(2) + Duration::s(2) / 64);

  // An ordinary reply is accepted again.
  h.now = h.now + Duration::s(2);
  EXPECT_TRUE(h.exchange(1).sample);
}

}  // namespace
}  // namespace tempus::core

namespace tempus::core {
namespace {

TEST(Engine, StatLogRecordsWhereChronydWritesLines) {
  Harness h;
  h.add(1, {.offset = Duration::ms(2)});
  h.add(2, {.offset = Duration::ms(2)});
  EXPECT_TRUE(h.exchange(1).sample);  // logs off: nothing kept
  auto none = h.engine.take_stat_logs();
  EXPECT_TRUE(none.measurements.empty() && none.statistics.empty() && none.selection.empty());

  h.engine.set_stat_logs({.measurements = true, .statistics = true, .tracking = true,
                          .selection = true});
  for (int i = 0; i < 4; ++i) {
    h.exchange(1, Duration::s(1));
    h.exchange(2, Duration::s(1));
  }
  ASSERT_TRUE(h.engine.synchronised());
  const auto logs = h.engine.take_stat_logs();
  ASSERT_EQ(logs.measurements.size(), 8u);
  const MeasurementRecord& m = logs.measurements.back();
  EXPECT_EQ(m.source, 2u);
  EXPECT_EQ(m.stratum, 1);
  EXPECT_EQ(m.mode, 4);
  EXPECT_EQ(m.ref_id, ref_id_ascii("GPS"));
  EXPECT_NEAR(m.offset_s, 0.002, 1e-4);  // the server is ahead: > 0
  EXPECT_NEAR(m.delay_s, 0.010, 1e-4);
  EXPECT_NEAR(m.root_dispersion_s, 20e-6, 16e-6);  // the packet's 2^-16 s units
  EXPECT_GE(m.score, 0.0);
  EXPECT_LE(m.score, 1.0);

  ASSERT_FALSE(logs.statistics.empty());
  EXPECT_GE(logs.statistics.back().samples, 3);
  EXPECT_LT(logs.statistics.back().std_dev_s, 1e-3);

  ASSERT_FALSE(logs.tracking.empty());
  const TrackingRecord& t = logs.tracking.back();
  EXPECT_TRUE(t.synced);
  EXPECT_EQ(t.stratum, 2);
  EXPECT_GE(t.combined, 1);
  EXPECT_GT(t.max_error_s, 0.0);

  ASSERT_FALSE(logs.selection.empty());
  int selected = 0;
  for (const auto& s : logs.selection) {
    EXPECT_TRUE(s.source == 1 || s.source == 2);
    selected += s.state == '*';
    EXPECT_LE(s.low_s, s.high_s);
  }
  EXPECT_GT(selected, 0);
  // Taken: the next call starts empty.
  EXPECT_TRUE(h.engine.take_stat_logs().measurements.empty());
}

TEST(Engine, StatLogTrackingLineWhenTheReferenceIsLost) {
  Harness h;
  h.engine.set_stat_logs({.tracking = true});
  ASSERT_EQ(h.engine.take_stat_logs().tracking.size(), 1u);  // the start: no reference yet
  h.add(1, {.offset = Duration::ms(1)});
  for (int i = 0; i < 4; ++i) h.exchange(1, Duration::s(2));
  ASSERT_TRUE(h.engine.synchronised());
  (void)h.engine.take_stat_logs();
  // Unanswered requests empty the reach register: the reference goes.
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(h.engine.make_request(1, h.now, h.rng).has_value());
    h.now = h.now + Duration::s(2);
    (void)h.engine.check_reachability(h.now);
  }
  EXPECT_FALSE(h.engine.synchronised());
  const auto logs = h.engine.take_stat_logs();
  ASSERT_EQ(logs.tracking.size(), 1u);
  EXPECT_FALSE(logs.tracking[0].synced);
  EXPECT_EQ(format_tracking(logs.tracking[0], "x").substr(20, 19), "0.0.0.0          0 ");
}

}  // namespace
}  // namespace tempus::core
