// SPDX-License-Identifier: ISC
#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <queue>
#include <variant>

#include "core/selection.h"
#include "core/sourcestats.h"

namespace tempus::sim {

namespace {

constexpr int64_t kNs = 1'000'000'000;
// Simulated epoch: 2024-01-01T00:00:00Z.
constexpr int64_t kStartNs = int64_t{1'704'067'200} * kNs;

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

int64_t to_ns(double s) { return static_cast<int64_t>(std::llround(s * 1e9)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix(seed);
}

uint64_t Rng::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
double Rng::exponential(double mean) { return -mean * std::log1p(-uniform()); }
double Rng::normal() {
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

// ---- the kernel clock --------------------------------------------------------------------

SimClock::SimClock(int64_t start_true_ns, const Options& opt)
    : true_ns_(start_true_ns),
      error_s_(opt.initial_error_s),
      osc_ppm_(opt.oscillator_ppm),
      wander_(opt.wander_ppm_per_sqrt_s) {}

void SimClock::advance(int64_t true_ns, Rng& rng) {
  if (true_ns <= true_ns_) return;
  const double dt = static_cast<double>(true_ns - true_ns_) * 1e-9;
  true_ns_ = true_ns;
  // The single-shot slew runs at 500 ppm on top of the frequency until the remainder is used.
  if (slew_left_s_ != 0) {
    const double max_s = core::kKernelSlewRatePpm * 1e-6 * dt;
    const double done = std::clamp(slew_left_s_, -max_s, max_s);
    error_s_ += done;
    slew_left_s_ -= done;
  }
  error_s_ += (osc_ppm_ + freq_ppm_) * 1e-6 * dt;
  if (wander_ > 0) osc_ppm_ += wander_ * std::sqrt(dt) * rng.normal();
}

core::Timestamp SimClock::read() const {
  return core::Timestamp::from_unix_ns(true_ns_ + to_ns(error_s_));
}

void SimClock::apply(const core::ClockCommand& c) {
  // Each verb as the parent and the kernel execute it, including the wire's integer units.
  if (const auto* f = std::get_if<core::FrequencyCommand>(&c)) {
    const double scaled = std::round(f->freq_ppm * 65536.0);
    if (!std::isfinite(f->freq_ppm) || std::fabs(scaled) > 500.0 * 65536.0) {
      ++violations_;
      return;
    }
    freq_ppm_ = scaled / 65536.0;
  } else if (const auto* s = std::get_if<core::SlewCommand>(&c)) {
    if (s->offset.abs() > core::kMaxSlew) {
      ++violations_;
      return;
    }
    slew_left_s_ = static_cast<double>(s->offset.count_ns()) * 1e-9;  // replaces the remainder
  } else if (const auto* st = std::get_if<core::StepCommand>(&c)) {
    if (st->offset == core::Duration()) ++violations_;
    error_s_ += static_cast<double>(st->offset.count_ns()) * 1e-9;
    ++steps_;
  } else if (const auto* k = std::get_if<core::StatusCommand>(&c)) {
    if (k->max_error < core::Duration() || k->max_error > core::kMaxKernelError ||
        k->est_error < core::Duration() || k->est_error > k->max_error ||
        (k->synced && k->leap == core::Leap::kUnsync))
      ++violations_;
  } else if (const auto* d = std::get_if<core::DriftCommand>(&c)) {
    if (!(std::fabs(d->freq_ppm) <= 500.0) || !(d->skew_ppm >= 0 && d->skew_ppm <= 500.0))
      ++violations_;
  }
}

// ---- the run ----------------------------------------------------------------------------

namespace {

struct Send {
  size_t server;
};
struct Receive {
  size_t server;
  core::Timestamp t1;     // local
  int64_t t2_ns, t3_ns;   // server clock
  int steps_at_send;      // a reply to a request sent before a step is discarded
};
struct Measure {};
struct Event {
  int64_t true_ns;
  uint64_t seq;  // FIFO among equal times
  std::variant<Send, Receive, Measure> what;
  bool operator>(const Event& o) const {
    return true_ns != o.true_ns ? true_ns > o.true_ns : seq > o.seq;
  }
};

struct ServerState {
  int poll = 6;
  double score = 0;
  int iburst_left = 0;
  int missed = 0;
  core::SourceStats stats;
};

double server_offset_s(const ServerSpec& s, int64_t t_rel_ns) {
  double off = s.offset_s;
  if (s.step_at_s >= 0 && static_cast<double>(t_rel_ns) * 1e-9 >= s.step_at_s) off += s.step_s;
  return off;
}

}  // namespace

Outcome run(const Scenario& sc, uint64_t seed) {
  Rng rng(seed);
  Outcome out;
  SimClock clock(kStartNs, sc.clock);
  core::Discipline disc(sc.discipline, sc.drift);
  for (const auto& c : disc.start(clock.read())) clock.apply(c);

  std::vector<ServerState> st(sc.servers.size());
  for (auto& s : st) {
    s.poll = sc.poll.minpoll;
    s.iburst_left = sc.poll.iburst ? 4 : 0;
  }
  const core::SelectionConfig sel_cfg{};
  std::optional<uint32_t> previous;

  std::priority_queue<Event, std::vector<Event>, std::greater<>> q;
  uint64_t seq = 0;
  const int64_t end_ns = kStartNs + to_ns(sc.duration_s);
  for (size_t i = 0; i < sc.servers.size(); ++i)
    q.push({kStartNs + to_ns(0.2 * rng.uniform()), seq++, Send{i}});
  q.push({kStartNs, seq++, Measure{}});

  std::vector<double> errors_s;  // one per simulated second
  errors_s.reserve(static_cast<size_t>(sc.duration_s) + 1);

  while (!q.empty()) {
    const Event ev = q.top();
    q.pop();
    if (ev.true_ns > end_ns) break;
    clock.advance(ev.true_ns, rng);
    const int64_t rel_ns = ev.true_ns - kStartNs;

    if (std::holds_alternative<Measure>(ev.what)) {
      errors_s.push_back(clock.error_s());
      q.push({ev.true_ns + kNs, seq++, Measure{}});
      continue;
    }

    if (const auto* snd = std::get_if<Send>(&ev.what)) {
      const size_t i = snd->server;
      const ServerSpec& sv = sc.servers[i];
      ServerState& ss = st[i];
      // Next request: iburst spacing 2 s, else the current poll.
      int64_t next = int64_t{1} << ss.poll;
      if (ss.iburst_left > 0) {
        --ss.iburst_left;
        if (ss.iburst_left > 0) next = 2;
      }
      q.push({ev.true_ns + next * kNs, seq++, Send{i}});
      if (rng.uniform() < sv.loss) {
        if (++ss.missed % 4 == 0) ss.poll = std::min(ss.poll + 1, sc.poll.maxpoll);
        continue;
      }
      const double fwd = sv.delay_s + sv.asymmetry_s / 2 + rng.exponential(sv.jitter_mean_s);
      const double back = sv.delay_s - sv.asymmetry_s / 2 + rng.exponential(sv.jitter_mean_s);
      const int64_t at_server = ev.true_ns + to_ns(fwd);
      const int64_t t2 = at_server + to_ns(server_offset_s(sv, at_server - kStartNs));
      const int64_t t3 = t2 + 20'000;  // 20 µs in the server
      q.push({at_server + 20'000 + to_ns(back), seq++, Receive{i, clock.read(), t2, t3, clock.steps()}});
      continue;
    }

    const auto& rcv = std::get<Receive>(ev.what);
    const size_t i = rcv.server;
    const ServerSpec& sv = sc.servers[i];
    ServerState& ss = st[i];
    ss.missed = 0;
    // The net shell must do the same: an exchange that spans a step measures the step.
    if (rcv.steps_at_send != clock.steps()) continue;
    const core::Timestamp t4 = clock.read();
    const core::Timestamp t2 = core::Timestamp::from_unix_ns(rcv.t2_ns);
    const core::Timestamp t3 = core::Timestamp::from_unix_ns(rcv.t3_ns);
    core::Sample s;
    s.local_time = t4;
    s.offset = ((t2 - rcv.t1) + (t3 - t4)) / 2;
    s.delay = std::max((t4 - rcv.t1) - (t3 - t2), core::Duration::ns(100));
    s.dispersion = core::Duration::ns(200) + core::Duration::from_seconds_f(
                                                 (t4 - rcv.t1).to_seconds_f() * 15e-6);
    s.root_delay = core::Duration::from_seconds_f(sv.root_delay_s) + s.delay;
    s.root_dispersion = core::Duration::from_seconds_f(sv.root_dispersion_s) + s.dispersion;
    s.stratum = sv.stratum;
    s.leap = core::Leap::kNone;
    s.ref_id = static_cast<uint32_t>(0x7f000001 + i);
    // Cook the measurement: the part of the last slew the kernel has still to apply.
    s.offset -= disc.pending_slew(t4);
    const core::SourceEstimate before = ss.stats.estimate(t4);
    ss.stats.add_sample(s);
    ++out.samples;

    // Poll adaptation as chrony's get_poll_adj(): keep about poll_target samples in the
    // statistics; back off quickly when the prediction misses by more than the distance.
    const double dist_s = s.delay.to_seconds_f() / 2 + s.dispersion.to_seconds_f();
    const double miss_s = before.valid && ss.stats.samples() > 3
                              ? std::fabs((before.offset - s.offset).to_seconds_f())
                              : 0.0;
    double adj;
    if (miss_s > dist_s) {
      adj = -std::log2(miss_s / dist_s);
    } else {
      const double ratio = static_cast<double>(ss.stats.samples()) / sc.poll.poll_target;
      adj = (ratio - 1.0) / sc.poll.poll_target;
      if (ratio < 1.0) adj *= 2.0;
    }
    ss.score += adj;
    if (ss.score >= 1.0 || ss.score < 0.0) {
      const double whole = std::floor(ss.score);
      ss.poll = std::clamp(ss.poll + static_cast<int>(whole), sc.poll.minpoll, sc.poll.maxpoll);
      ss.score -= whole;
    }

    // Start-up: while a source that has answered has no regression line yet, wait for it (up
    // to two minpoll intervals), so the first selection sees every responding source and a
    // falseticker that happens to answer first cannot win alone.
    bool waiting = false;
    for (const auto& o : st)
      if (o.stats.samples() > 0 && !o.stats.estimate(t4).selectable) waiting = true;
    if (waiting && rel_ns < (int64_t{2} << sc.poll.minpoll) * kNs) continue;

    // Selection over every source with data, evaluated now.
    std::vector<core::Candidate> cands;
    std::vector<core::SourceEstimate> ests;
    for (size_t k = 0; k < st.size(); ++k) {
      if (st[k].stats.samples() == 0) continue;
      const core::SourceEstimate e = st[k].stats.estimate(t4);
      ests.push_back(e);
      cands.push_back(core::Candidate{.id = static_cast<uint32_t>(k),
                                      .offset = e.offset,
                                      .root_distance = e.root_distance,
                                      .jitter = e.std_dev,
                                      .stratum = e.stratum,
                                      .leap = e.leap,
                                      .selectable = e.selectable});
    }
    const core::SelectionResult sel = core::select_sources(cands, sel_cfg, previous);
    if (!sel.selected) continue;
    const size_t si = *sel.selected;
    const uint32_t sel_id = cands[si].id;
    previous = sel_id;
    if (sel_id != i) continue;  // the reference is updated when the selected source has news
    if (sv.expect_never_selected) ++out.false_selections;
    for (size_t k = 0; k < cands.size(); ++k)
      if ((sel.states[k] == core::SelectState::kCombined) &&
          sc.servers[cands[k].id].expect_never_selected)
        ++out.false_selections;

    const core::SourceEstimate& e = ests[si];
    core::ReferenceUpdate u{.now = t4,
                            .ref_id = e.ref_id,
                            .stratum = e.stratum,
                            .leap = sel.leap,
                            .offset = sel.offset,
                            .offset_sd = e.offset_sd,
                            .freq_ppm = e.freq_ppm,
                            .skew_ppm = e.skew_ppm,
                            .root_delay = e.root_delay,
                            .root_dispersion = e.root_dispersion};
    const core::UpdateResult r = disc.update(u);
    if (std::getenv("TEMPUS_SIM_TRACE"))
      std::fprintf(stderr, "t %8.1f src %zu err %+10.1f us est %+10.1f sd %8.1f np %2zu poll %d "
                   "freq %+9.4f skew %8.4f sdev %7.1f osc+corr %+8.4f\n",
                   static_cast<double>(rel_ns) * 1e-9, i, clock.error_s() * 1e6,
                   sel.offset.to_seconds_f() * 1e6, e.offset_sd.to_seconds_f() * 1e6,
                   ss.stats.samples(), ss.poll, e.freq_ppm, e.skew_ppm, e.std_dev.to_seconds_f() * 1e6,
                   clock.oscillator_ppm() + clock.correction_ppm());
    for (const auto& c : r.commands) clock.apply(c);
    if (r.stepped && out.first_step_update < 0) out.first_step_update = out.updates;
    ++out.updates;
    if (r.correction)
      for (auto& other : st)
        other.stats.apply_correction(r.correction->when, r.correction->phase,
                                     r.correction->dfreq_ppm);
  }
  for (const auto& c : disc.shutdown(clock.read())) clock.apply(c);

  // Metrics. errors_s[k] is the error at k seconds.
  const auto from = static_cast<size_t>(sc.measure_from_s);
  double sum2 = 0;
  size_t n = 0;
  for (size_t k = from; k < errors_s.size(); ++k) {
    sum2 += errors_s[k] * errors_s[k];
    out.max_abs_us = std::max(out.max_abs_us, std::fabs(errors_s[k]) * 1e6);
    ++n;
  }
  out.rms_us = n ? std::sqrt(sum2 / static_cast<double>(n)) * 1e6 : 0;
  size_t k = errors_s.size();
  while (k > 0 && std::fabs(errors_s[k - 1]) <= 1e-3) --k;
  out.time_to_1ms_s = k < errors_s.size() ? static_cast<double>(k) : -1;
  out.steps = clock.steps();
  out.violations = clock.violations();
  out.final_freq_error_ppm = clock.oscillator_ppm() + clock.correction_ppm();
  return out;
}

}  // namespace tempus::sim
