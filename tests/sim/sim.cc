// SPDX-License-Identifier: ISC
#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <queue>
#include <variant>

#include "core/bytes.h"
#include "core/packet.h"

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

SimClock::SimClock(int64_t start_true_ns, const Options& opt, double max_slew_rate_ppm)
    : true_ns_(start_true_ns),
      error_s_(opt.initial_error_s),
      osc_ppm_(opt.oscillator_ppm),
      wander_(opt.wander_ppm_per_sqrt_s),
      max_slew_rate_ppm_(std::min(max_slew_rate_ppm, 100000.0)) {}

void SimClock::advance(int64_t true_ns, Rng& rng) {
  if (true_ns <= true_ns_) return;
  const double dt = static_cast<double>(true_ns - true_ns_) * 1e-9;
  true_ns_ = true_ns;
  // A slew adds its rate to the frequency until its local duration has passed.
  if (slew_.offset != core::Duration()) {
    const double left_s = slew_.duration().to_seconds_f() - slew_elapsed_s_;
    const double local_dt = dt * (1 + (osc_ppm_ + freq_ppm_ + slew_.rate_ppm) * 1e-6);
    const double part = local_dt >= left_s ? std::max(left_s, 0.0) / local_dt : 1.0;
    error_s_ += slew_.rate_ppm * 1e-6 * dt * part;
    slew_elapsed_s_ += local_dt * part;
    if (part < 1.0) slew_ = core::SlewPlan{};
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
    if (slew_.offset != core::Duration()) {  // RateSlew::set_frequency: re-based, rate kept
      slew_.offset = slew_.offset - slew_.applied(core::Duration::from_seconds_f(slew_elapsed_s_));
      slew_elapsed_s_ = 0;
    }
  } else if (const auto* s = std::get_if<core::SlewCommand>(&c)) {
    const double rate = std::round(s->rate_ppm * 65536.0);
    if (s->offset.abs() > core::kMaxSlew || !(rate >= 1) ||
        rate > std::round(max_slew_rate_ppm_ * 65536.0)) {
      ++violations_;
      return;
    }
    // Replaces the remainder.
    slew_ = core::SlewPlan{.offset = s->offset,
                           .rate_ppm = (s->offset < core::Duration() ? -rate : rate) / 65536.0};
    slew_elapsed_s_ = 0;
  } else if (const auto* st = std::get_if<core::StepCommand>(&c)) {
    if (st->offset == core::Duration()) ++violations_;
    slew_ = core::SlewPlan{};
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

core::EngineSourceOptions chrony_source() {
  core::EngineSourceOptions o;
  o.client.minpoll = core::PollLog{6};
  o.client.maxpoll = core::PollLog{10};
  o.client.iburst = true;
  return o;
}

namespace {

using Packet = std::vector<std::byte>;

struct Poll {  // the net shell's per-source timer
  size_t server;
};
struct AtServer {  // a request (Event::packet) reaches the server
  size_t server;
  double back_s;  // its reply's return delay, drawn with the forward one
};
struct AtClient {  // a reply (Event::packet) reaches the client
  size_t server;
};
struct Tick {};
struct Measure {};
struct Event {
  int64_t true_ns;
  uint64_t seq;  // FIFO among equal times
  std::variant<Poll, AtServer, AtClient, Tick, Measure> what;
  Packet packet;  // the datagram in flight, for AtServer and AtClient
  bool operator>(const Event& o) const {
    return true_ns != o.true_ns ? true_ns > o.true_ns : seq > o.seq;
  }
};

constexpr int64_t kTickNs = 3600 * kNs;

double server_offset_s(const ServerSpec& s, int64_t t_rel_ns) {
  double off = s.offset_s;
  if (s.step_at_s >= 0 && static_cast<double>(t_rel_ns) * 1e-9 >= s.step_at_s) off += s.step_s;
  return off;
}

// A timestamp on the wire with the bits below `precision` random, as chronyd sends them.
core::NtpTimestamp with_noise(core::Timestamp t, int8_t precision, Rng& rng) {
  const int bits = std::clamp(32 + precision, 0, 32);
  const uint64_t mask = bits == 0 ? 0 : (uint64_t{1} << bits) - 1;
  const uint64_t w = core::NtpTimestamp::from_time(t).wire();
  return core::NtpTimestamp::from_wire((w & ~mask) | (rng.next_u64() & mask));
}

// The simulated server: a chronyd answering a client request (RFC 5905 §9 server mode), its
// clock `true + offset`. Empty when the request does not decode as a client packet.
Packet serve(const ServerSpec& sv, core::Bytes request, int64_t true_rx_ns, Rng& rng) {
  auto req = core::decode_packet(request);
  if (!req || req->header.mode != core::Mode::kClient) return {};
  const int64_t clock_ns = true_rx_ns + to_ns(server_offset_s(sv, true_rx_ns - kStartNs));
  const core::Timestamp t2 = core::Timestamp::from_unix_ns(clock_ns);
  core::Header h;
  h.leap = core::Leap::kNone;
  h.version = req->header.version;
  h.mode = core::Mode::kServer;
  h.stratum = sv.stratum;
  h.poll = req->header.poll;
  h.precision = sv.precision;
  h.root_delay = core::ShortFixed::from_duration(core::Duration::from_seconds_f(sv.root_delay_s));
  h.root_dispersion =
      core::ShortFixed::from_duration(core::Duration::from_seconds_f(sv.root_dispersion_s));
  h.ref_id = sv.stratum == 1 ? core::ref_id_ascii("GPS") : 0xc0000263u;
  h.reference_ts = core::NtpTimestamp::from_time(t2 - core::Duration::s(16));
  h.origin_ts = req->header.transmit_ts;
  h.receive_ts = with_noise(t2, sv.precision, rng);
  h.transmit_ts =
      with_noise(t2 + core::Duration::from_seconds_f(sv.processing_s), sv.precision, rng);
  Packet out;
  out.reserve(core::kHeaderLen);
  core::ByteWriter w{out};
  core::encode_header(h, w);
  return out;
}

// What the net shell does with the engine's commands: execute them in order (here on the
// simulated kernel clock), noting what the metrics need.
struct Applied {
  bool update = false;  // a slew or step: the reference was updated
  bool step = false;
};
Applied execute(const std::vector<core::ClockCommand>& cmds, SimClock& clock) {
  Applied a;
  for (const auto& c : cmds) {
    clock.apply(c);
    if (std::holds_alternative<core::SlewCommand>(c)) a.update = true;
    if (std::holds_alternative<core::StepCommand>(c)) a.update = a.step = true;
  }
  return a;
}

}  // namespace

Outcome run(const Scenario& sc, uint64_t seed) {
  Rng rng(seed);                             // network and oscillator
  Rng engine_rng(seed ^ 0x7465'6d70'7573ULL);  // the engine's nonces and poll jitter
  Rng server_rng(seed ^ 0x7365'7276'6572ULL);  // the servers' timestamp noise
  Outcome out;
  SimClock clock(kStartNs, sc.clock, sc.discipline.max_slew_rate_ppm);
  core::Engine engine(sc.selection, sc.discipline, sc.drift);
  execute(engine.start(clock.read()), clock);
  for (size_t i = 0; i < sc.servers.size(); ++i) {
    core::EngineSourceOptions opts = sc.source;
    opts.ref_id = 0xc0000201u + static_cast<uint32_t>(i);  // 192.0.2.(i + 1)
    engine.add_source(static_cast<uint32_t>(i), opts);
  }
  // The shell remembers when each source's newest request left (local time).
  std::vector<core::Timestamp> t1(sc.servers.size());

  std::priority_queue<Event, std::vector<Event>, std::greater<>> q;
  uint64_t seq = 0;
  const int64_t end_ns = kStartNs + to_ns(sc.duration_s);
  for (size_t i = 0; i < sc.servers.size(); ++i)
    q.push({kStartNs + to_ns(0.2 * rng.uniform()), seq++, Poll{i}, {}});
  q.push({kStartNs, seq++, Measure{}, {}});
  q.push({kStartNs + kTickNs, seq++, Tick{}, {}});

  std::vector<double> errors_s;  // one per simulated second
  errors_s.reserve(static_cast<size_t>(sc.duration_s) + 1);
  const bool trace = std::getenv("TEMPUS_SIM_TRACE") != nullptr;

  while (!q.empty()) {
    Event ev = q.top();
    q.pop();
    if (ev.true_ns > end_ns) break;
    clock.advance(ev.true_ns, rng);
    const int64_t rel_ns = ev.true_ns - kStartNs;

    if (std::holds_alternative<Measure>(ev.what)) {
      errors_s.push_back(clock.error_s());
      q.push({ev.true_ns + kNs, seq++, Measure{}, {}});
    } else if (std::holds_alternative<Tick>(ev.what)) {
      execute(engine.tick(clock.read()), clock);
      q.push({ev.true_ns + kTickNs, seq++, Tick{}, {}});
    } else if (const auto* poll = std::get_if<Poll>(&ev.what)) {
      const size_t i = poll->server;
      const auto id = static_cast<uint32_t>(i);
      auto req = engine.make_request(id, clock.read(), engine_rng);
      if (!req || req->packet.empty()) continue;  // denied: the shell stops polling it
      t1[i] = clock.read();
      ++out.requests;
      // Local and true durations differ by the clock's rate error (≤ 600 ppm): negligible.
      const core::Duration wait = engine.next_poll_interval(id, engine_rng);
      if (wait != core::Duration::max()) q.push({ev.true_ns + wait.count_ns(), seq++, Poll{i}, {}});
      execute(engine.check_reachability(clock.read()), clock);
      const ServerSpec& sv = sc.servers[i];
      if (rng.uniform() < sv.loss) continue;
      const double fwd = sv.delay_s + sv.asymmetry_s / 2 + rng.exponential(sv.jitter_mean_s);
      const double back = sv.delay_s - sv.asymmetry_s / 2 + rng.exponential(sv.jitter_mean_s);
      q.push({ev.true_ns + to_ns(fwd), seq++, AtServer{i, back}, std::move(req->packet)});
    } else if (const auto* at_server = std::get_if<AtServer>(&ev.what)) {
      const size_t i = at_server->server;
      Packet reply = serve(sc.servers[i], ev.packet, ev.true_ns, server_rng);
      if (reply.empty()) continue;
      q.push({ev.true_ns + to_ns(sc.servers[i].processing_s + at_server->back_s), seq++,
              AtClient{i}, std::move(reply)});
    } else if (const auto* at_client = std::get_if<AtClient>(&ev.what)) {
      const size_t i = at_client->server;
      const core::Timestamp t4 = clock.read();
      core::ReplyOutcome r = engine.on_reply(static_cast<uint32_t>(i), ev.packet, t1[i], t4);
      if (r.sample) ++out.samples;
      if (r.rejected) ++out.delay_rejected;
      if (r.error) ++out.reply_errors;
      if (trace) {
        // The raw measurement beside the truth (−error: the offset a perfect sample would show).
        const core::LastSampleReport last = engine.sources(t4)[i].last;
        std::fprintf(stderr,
                     "t %8.1f src %zu reply: sample %d spans_step %d error %s cmds %zu "
                     "meas %+9.1f us true %+9.1f us dist %7.1f us\n",
                     static_cast<double>(rel_ns) * 1e-9, i, r.sample, r.spans_step,
                     r.error ? std::string(core::to_string(*r.error)).c_str() : "-",
                     r.commands.size(), last.measured_offset.to_seconds_f() * 1e6,
                     -clock.error_s() * 1e6, last.error.to_seconds_f() * 1e6);
      }
      const Applied a = execute(r.commands, clock);
      if (r.fatal) break;
      if (!a.update) continue;
      if (a.step && out.first_step_update < 0) out.first_step_update = out.updates;
      ++out.updates;
      const core::TrackingReport tr = engine.tracking(t4);
      // Which sources the update used: the selected one and every combined one.
      for (const core::SourceView& v : engine.sources(t4)) {
        const bool used = v.state == core::SelectState::kSelected ||
                          v.state == core::SelectState::kCombined;
        if (used && sc.servers[v.id].expect_never_selected) ++out.false_selections;
        if (trace && v.state == core::SelectState::kSelected)
          std::fprintf(stderr,
                       "t %8.1f src %u err %+10.1f us off %+10.1f sd %8.1f np %2zu poll %d "
                       "freq %+9.4f skew %8.4f sdev %7.1f osc+corr %+8.4f\n",
                       static_cast<double>(rel_ns) * 1e-9, v.id, clock.error_s() * 1e6,
                       tr.last_offset.to_seconds_f() * 1e6,
                       v.estimate.offset_sd.to_seconds_f() * 1e6, v.stats.np, v.poll.log2,
                       v.estimate.freq_ppm, v.estimate.skew_ppm,
                       v.estimate.std_dev.to_seconds_f() * 1e6,
                       clock.oscillator_ppm() + clock.correction_ppm());
      }
    }
  }
  execute(engine.shutdown(clock.read()), clock);

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
