// SPDX-License-Identifier: ISC
#include "core/engine.h"

#include <algorithm>
#include <cmath>

namespace tempus::core {

namespace {

// A prediction missing the new sample by more than this many times the sample's own error bound
// means the source (or our clock) moved: poll faster (chrony's "off track").
constexpr double kOffTrackFactor = 4.0;

}  // namespace

Engine::Engine(const SelectionConfig& selection, const DisciplineConfig& discipline,
               std::optional<InitialFrequency> initial)
    : selection_cfg_(selection), discipline_(discipline, initial) {}

std::vector<ClockCommand> Engine::start(Timestamp now) {
  started_ = now;
  auto cmds = discipline_.start(now);
  add_tai(cmds, now);
  log_unsynchronised(now);
  return cmds;
}

int32_t Engine::tai_minus_utc(Timestamp now) const {
  return leap_table_ ? leap_status(*leap_table_, now).tai_minus_utc : 0;
}

void Engine::add_tai(std::vector<ClockCommand>& cmds, Timestamp now) const {
  const int32_t tai = tai_minus_utc(now);
  for (auto& c : cmds) {
    auto* s = std::get_if<StatusCommand>(&c);
    if (!s) continue;
    if (tai > 0) s->tai_offset_s = tai;
    // leapsecmode other than system: the kernel must not insert or delete the second itself.
    if (leap_mode_ != LeapMode::kSystem && (s->leap == Leap::kInsert || s->leap == Leap::kDelete))
      s->leap = Leap::kNone;
  }
}

namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

bool is_leap_second_day(Timestamp now) {
  const CivilTime c = civil_time(now);
  return (c.month == 6 && c.day == 30) || (c.month == 12 && c.day == 31);
}

Timestamp next_utc_midnight(Timestamp now) {
  return Timestamp::from_unix((floor_div(now.unix_sec(), kSecondsPerDay) + 1) * kSecondsPerDay,
                              0);
}

std::optional<Timestamp> Engine::next_leap(Timestamp now) const {
  if (leap_mode_ == LeapMode::kSystem || !synchronised()) return std::nullopt;
  const TrackingReport t = discipline_.tracking(now);
  if (t.leap != Leap::kInsert && t.leap != Leap::kDelete) return std::nullopt;
  const Timestamp at = next_utc_midnight(now);
  // The vote is for the day of the update that made it: a stale one from yesterday is not.
  if (next_utc_midnight(t.ref_time) != at) return std::nullopt;
  if (leap_done_ && *leap_done_ == at) return std::nullopt;
  return at;
}

std::vector<ClockCommand> Engine::on_leap(Timestamp now) {
  // Called at (or just after) the midnight next_leap() gave: the leap of the day just ended.
  const Timestamp at = next_utc_midnight(now - Duration::s(2));
  if (leap_mode_ == LeapMode::kSystem || (leap_done_ && *leap_done_ == at)) return {};
  const Leap leap = discipline_.tracking(now).leap;
  if (leap != Leap::kInsert && leap != Leap::kDelete) return {};
  leap_done_ = at;
  // An inserted second repeats 23:59:59: the clock goes back one second; a deleted one skips.
  const Duration d = Duration::s(leap == Leap::kInsert ? -1 : 1);
  switch (leap_mode_) {
    case LeapMode::kStep:
      ++step_epoch_;  // exchanges across it measure the leap, not the source
      return {StepCommand{d}};
    case LeapMode::kSlew:
      return discipline_.slew_by(now, d);
    case LeapMode::kSystem:
    case LeapMode::kIgnore:
      break;
  }
  return {};
}

void Engine::burst(uint32_t id, int good, int total) {
  if (Source* s = find(id); s && !s->refclock) s->client.burst(good, total);
}

void Engine::on_online(uint32_t id) {
  if (Source* s = find(id); s && !s->refclock) s->client.on_online();
}

bool Engine::in_burst(uint32_t id) const {
  const Source* s = find(id);
  return s && !s->refclock && s->client.in_burst();
}

std::vector<ClockCommand> Engine::make_step(Timestamp now) {
  auto cmds = discipline_.step_pending(now);
  if (!cmds.empty()) ++step_epoch_;
  return cmds;
}

Engine::Source* Engine::find(uint32_t id) {
  auto it = std::find_if(sources_.begin(), sources_.end(), [id](const Source& s) { return s.id == id; });
  return it == sources_.end() ? nullptr : &*it;
}

const Engine::Source* Engine::find(uint32_t id) const {
  return const_cast<Engine*>(this)->find(id);
}

void Engine::add_source(uint32_t id, const EngineSourceOptions& opts) {
  remove_source(id);
  sources_.push_back(Source{id, opts, NtpClient(opts.client), SourceStats(opts.stats)});
  min_minpoll_ = std::min(min_minpoll_, opts.client.minpoll);
}

void Engine::remove_source(uint32_t id) {
  std::erase_if(sources_, [id](const Source& s) { return s.id == id; });
  if (selected_ == id) selected_.reset();
}

bool Engine::has_source(uint32_t id) const { return find(id) != nullptr; }

void Engine::add_refclock(uint32_t id, const RefclockOptions& opts) {
  remove_source(id);
  EngineSourceOptions o;
  o.stats = opts.stats;
  o.ref_id = opts.ref_id;
  o.prefer = opts.prefer;
  o.noselect = opts.noselect;
  o.trust = opts.trust;
  o.require = opts.require;
  sources_.push_back(Source{id, o, NtpClient(o.client), SourceStats(o.stats)});
  sources_.back().refclock = opts;
  if (opts.filter) sources_.back().filter.emplace(*opts.filter);
}

bool Engine::reachable(const Source& s, Timestamp now) const {
  if (!s.refclock) return s.client.reachable();
  return s.last_refclock_sample && now - *s.last_refclock_sample < s.refclock->timeout;
}

namespace {

int64_t poll_period(Timestamp t, PollLog poll) {
  const int64_t len = std::max<int64_t>(poll.interval().count_ns(), 1);
  const int64_t ns = t.unix_ns();
  return ns / len - (ns % len < 0 ? 1 : 0);
}

}  // namespace

void Engine::note_refclock_sample(Source& s, Timestamp t) {
  const int64_t p = poll_period(t, s.refclock->poll);
  if (s.refclock_periods == 0 || p > s.last_period) {
    const int64_t shift = s.refclock_periods == 0 ? 0 : p - s.last_period;
    s.refclock_periods = shift >= 64 ? 0 : s.refclock_periods << shift;
    s.last_period = p;
  }
  if (p == s.last_period) s.refclock_periods |= 1;
}

uint8_t Engine::refclock_reach(const Source& s, Timestamp now) {
  if (s.refclock_periods == 0) return 0;
  const int64_t shift = poll_period(now, s.refclock->poll) - s.last_period;
  if (shift < 0 || shift >= 8) return shift < 0 ? static_cast<uint8_t>(s.refclock_periods) : 0;
  return static_cast<uint8_t>(s.refclock_periods << shift);
}

ReplyOutcome Engine::on_refclock_sample(uint32_t id, Timestamp local_time, Duration offset,
                                        Leap leap) {
  ReplyOutcome out;
  Source* src = find(id);
  if (!src || !src->refclock) {
    out.error = ReplyError::kNoRequest;
    return out;
  }
  const RefclockOptions& r = *src->refclock;
  return add_refclock_sample(*src, local_time,
                             offset + r.offset - discipline_.pending_slew(local_time),
                             r.precision, leap, local_time);
}

ReplyOutcome Engine::add_refclock_sample(Source& src, Timestamp at, Duration offset,
                                         Duration dispersion, Leap leap, Timestamp now) {
  const RefclockOptions& r = *src.refclock;
  Sample s;
  s.local_time = at;
  s.offset = offset;
  s.delay = r.delay;
  s.dispersion = dispersion;
  s.root_delay = r.delay;
  s.root_dispersion = dispersion;
  s.stratum = r.stratum;
  s.leap = leap;
  s.ref_id = r.ref_id;
  src.last_refclock_sample = now;
  note_refclock_sample(src, now);
  return add_and_reselect(src, s, now);
}

ReplyOutcome Engine::on_refclock_read(uint32_t id, Timestamp now,
                                      std::optional<RefclockSample> sample) {
  ReplyOutcome out;
  Source* src = find(id);
  if (!src || !src->filter) {
    out.error = ReplyError::kNoRequest;
    return out;
  }
  const RefclockOptions& r = *src->refclock;
  // Cooked when read: later corrections reach it through the filter's apply_correction().
  if (sample) sample->offset += r.offset - discipline_.pending_slew(sample->time);
  const auto filtered = src->filter->on_read(sample);
  if (!filtered) return out;
  return add_refclock_sample(*src, filtered->time, filtered->offset, filtered->dispersion,
                             Leap::kNone, now);
}

ReplyOutcome Engine::add_and_reselect(Source& src, Sample s, Timestamp now) {
  ReplyOutcome out;
  if (!src.stats.add_sample(s)) return out;
  out.sample = true;
  log_regression(src);
  reselect_and_update(src, now, out);
  return out;
}

std::optional<Request> Engine::make_request(uint32_t id, Timestamp now, RandomSource& rng,
                                            const ServerState* self) {
  Source* s = find(id);
  if (!s || s->refclock || s->client.state() == ClientState::kDenied) return std::nullopt;
  s->epoch_at_request = step_epoch_;
  return s->client.make_request(now, rng, self);
}

std::vector<std::byte> Engine::make_response(uint32_t id, Timestamp now, const ServerState& self) {
  Source* s = find(id);
  if (!s || !s->opts.client.symmetric || !s->client.response_due()) return {};
  return s->client.make_response(now, self);
}

std::vector<ClockCommand> Engine::check_reachability(Timestamp now) {
  if (!selected_) return {};
  Source* sel = find(*selected_);
  if (sel && reachable(*sel, now)) return {};
  ReplyOutcome out;
  if (!sel) {
    selected_.reset();
    log_unsynchronised(now);
    return discipline_.unsynchronise(now);
  }
  reselect_and_update(*sel, now, out);
  return out.commands;
}

Duration Engine::next_poll_interval(uint32_t id, RandomSource& rng) const {
  const Source* s = find(id);
  return s ? s->client.next_poll_interval(rng) : Duration::max();
}

ReplyOutcome Engine::on_reply(uint32_t id, Bytes packet, Timestamp t1, Timestamp t4) {
  ReplyOutcome out;
  Source* src = find(id);
  if (!src) {
    out.error = ReplyError::kNoRequest;
    return out;
  }
  // The clock was stepped between T1 and T4: the exchange measures the step, not the source.
  // A peer's packet is still taken in (its timestamps are echoed, it may want an answer).
  const bool spans_step = src->epoch_at_request != step_epoch_;
  if (spans_step && !src->opts.client.symmetric) {
    out.spans_step = true;
    return out;
  }
  auto sample = src->client.handle_reply(packet, t1, t4);
  out.respond = src->client.response_due();
  if (spans_step) {
    out.spans_step = true;
    return out;
  }
  if (!sample) {
    out.error = sample.error();
    // KoD DENY/RSTR ends the association (RFC 5905 §7.4): take the source out of the selection
    // now, or a selected one would stay the reference on its last estimate for good.
    if (src->client.state() == ClientState::kDenied) reselect_and_update(*src, t4, out);
    return out;
  }
  Sample s = *sample;
  // Cooked time: what the kernel still has to slew is part of the correction already made.
  s.offset -= discipline_.pending_slew(t4);
  const DelayTest verdict = src->stats.check_delay(s, src->opts.client.max_delay_ratio,
                                                   src->opts.client.max_delay_dev_ratio);
  if (verdict != DelayTest::kPass) {
    out.rejected = verdict;
    src->client.on_sample_quality(SampleQuality::kPoor);
    log_measurement(*src, packet, s, verdict);
    return out;
  }
  const SourceEstimate before = src->stats.estimate(t4);
  if (!src->stats.add_sample(s)) {
    src->client.on_sample_quality(SampleQuality::kPoor);
    log_measurement(*src, packet, s, verdict);
    return out;
  }
  out.sample = true;
  log_regression(*src);
  const double error_s = s.delay.to_seconds_f() / 2 + s.dispersion.to_seconds_f();
  const bool off_track = before.selectable &&
                         std::fabs((before.offset - s.offset).to_seconds_f()) >
                             kOffTrackFactor * error_s;
  src->client.on_sample_quality(off_track ? SampleQuality::kOffTrack : SampleQuality::kGood);
  log_measurement(*src, packet, s, verdict);
  reselect_and_update(*src, t4, out);
  return out;
}

void Engine::reselect_and_update(Source& src, Timestamp now, ReplyOutcome& out) {
  select_and_update(src.id, now, out, false);
}

std::vector<ClockCommand> Engine::reselect(Timestamp now) {
  ReplyOutcome out;
  select_and_update(std::nullopt, now, out, true);
  return out.commands;
}

std::vector<ClockCommand> Engine::reset_sources(Timestamp now) {
  for (Source& s : sources_) {
    s.stats.reset();
    if (s.filter) s.filter.emplace(*s.refclock->filter);
    s.state = SelectState::kUnusable;
  }
  if (!selected_) return {};
  selected_.reset();
  return discipline_.unsynchronise(now);
}

void Engine::select_and_update(std::optional<uint32_t> updated, Timestamp now, ReplyOutcome& out,
                               bool no_incumbent) {
  // Start-up: while a source that has answered has no regression line yet, wait for it (up to
  // two minpoll intervals) so that the first selection sees every responding source.
  if (started_ && now - *started_ < min_minpoll_.interval() * 2) {
    for (const auto& o : sources_)
      if (o.stats.samples() > 0 && !o.stats.estimate(now).selectable) return;
  }
  std::vector<Candidate> cands;
  std::vector<size_t> index;  // cands[k] is sources_[index[k]]
  std::vector<SourceEstimate> ests;
  size_t auth_ntp = 0, unauth_ntp = 0;  // authselectmode counts the configured NTP sources
  for (const Source& o : sources_)
    if (!o.refclock && !o.opts.noselect) ++(o.client.authenticated() ? auth_ntp : unauth_ntp);
  for (size_t k = 0; k < sources_.size(); ++k) {
    const Source& o = sources_[k];
    const AuthSelectExtra extra =
        o.opts.noselect ? AuthSelectExtra{}
                        : auth_select_extra(selection_cfg_.auth_select, !o.refclock,
                                            o.client.authenticated(), auth_ntp, unauth_ntp);
    if (o.stats.samples() == 0) {
      sources_[k].state = SelectState::kUnusable;
      continue;
    }
    const SourceEstimate e = o.stats.estimate(now);
    ests.push_back(e);
    index.push_back(k);
    cands.push_back(Candidate{.id = o.id,
                              .offset = e.offset,
                              .root_distance = e.root_distance,
                              .jitter = e.std_dev,
                              .stratum = e.stratum,
                              .leap = e.leap,
                              .selectable = e.selectable && reachable(o, now) &&
                                            o.client.state() != ClientState::kDenied,
                              .prefer = o.opts.prefer,
                              .noselect = o.opts.noselect || extra.noselect,
                              .trust = o.opts.trust || extra.trust,
                              .require = o.opts.require || extra.require});
  }
  const SelectionResult sel =
      select_sources(cands, selection_cfg_, no_incumbent ? std::nullopt : selected_);
  for (size_t k = 0; k < cands.size(); ++k) sources_[index[k]].state = sel.states[k];
  log_selection(now);
  if (!sel.selected) {
    if (selected_) {
      selected_.reset();
      log_unsynchronised(now);
      out.commands = discipline_.unsynchronise(now);
    }
    return;
  }
  const size_t si = *sel.selected;
  selected_ = cands[si].id;
  // The reference is updated when the selected source itself has news.
  if (cands[si].id != updated) return;

  const SourceEstimate& e = ests[si];
  const Source& ref = sources_[index[si]];
  Leap leap = sel.leap;
  if (leap_table_ && !leap_status(*leap_table_, now).expired) {
    if (leap != Leap::kUnsync) leap = leap_status(*leap_table_, now).leap_today;
  } else if ((leap == Leap::kInsert || leap == Leap::kDelete) && !is_leap_second_day(now)) {
    leap = Leap::kNone;  // announced early (ntpd announces for the whole month): not today
  }
  ReferenceUpdate u{.now = now,
                    .ref_id = ref.opts.ref_id,
                    .stratum = e.stratum,
                    .leap = leap,
                    .offset = sel.offset,
                    .offset_sd = e.offset_sd,
                    .freq_ppm = e.freq_ppm,
                    .skew_ppm = e.skew_ppm,
                    .root_delay = e.root_delay,
                    .root_dispersion = e.root_dispersion};
  const TrackingReport before = discipline_.tracking(now);
  UpdateResult r = discipline_.update(u);
  if (!r.ignored) log_tracking(ref, before, sel, e.offset_sd, now);
  out.commands = std::move(r.commands);
  add_tai(out.commands, now);
  out.fatal = r.fatal;
  if (r.stepped) ++step_epoch_;
  if (r.correction) {
    for (auto& o : sources_) {
      o.stats.apply_correction(r.correction->when, r.correction->phase, r.correction->dfreq_ppm);
      if (o.filter)
        o.filter->apply_correction(r.correction->when, r.correction->phase,
                                   r.correction->dfreq_ppm);
    }
  }
}

std::vector<ClockCommand> Engine::tick(Timestamp now) {
  auto cmds = discipline_.tick(now);
  add_tai(cmds, now);  // a refreshed status carries the leap bits and TAI offset as an update's
  return cmds;
}

std::vector<ClockCommand> Engine::shutdown(Timestamp now) { return discipline_.shutdown(now); }

std::vector<SourceView> Engine::sources(Timestamp now) const {
  std::vector<SourceView> out;
  out.reserve(sources_.size());
  for (const auto& s : sources_) {
    SourceView v;
    v.id = s.id;
    v.state = s.state;
    // A reference clock has no NTP client at work: its poll option and its own register.
    v.poll = s.refclock ? s.refclock->poll : s.client.poll();
    v.reach = s.refclock ? refclock_reach(s, now) : s.client.reach();
    v.client_state = s.client.state();
    v.estimate = s.stats.estimate(now);
    v.stats = s.stats.report(now);
    v.last = s.stats.last_sample();
    v.last_sample_time = s.refclock ? s.last_refclock_sample : s.client.last_sample_time();
    v.counters = s.client.counters();
    out.push_back(v);
  }
  return out;
}

}  // namespace tempus::core
