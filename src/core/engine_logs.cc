// SPDX-License-Identifier: ISC
// Engine's records for chrony's statistics logs (engine.h: StatLogMask, take_stat_logs()).
#include <cmath>

#include "core/engine.h"

namespace tempus::core {

namespace {

double secs(Duration d) { return d.to_seconds_f(); }

// chronyd's root delay and dispersion while unsynchronised (its tracking.log shows 1 s each).
constexpr double kUnsyncRootDelay_s = 1.0;
constexpr double kUnsyncRootDispersion_s = 1.0;

}  // namespace

void Engine::set_stat_logs(StatLogMask m) {
  const bool tracking_started = m.tracking && !log_mask_.tracking;
  log_mask_ = m;
  if (tracking_started && started_ && !synchronised()) log_unsynchronised(*started_);
}

void Engine::log_measurement(const Source& src, Bytes packet, const Sample& s, DelayTest verdict) {
  if (!log_mask_.measurements) return;
  auto h = decode_header(packet);
  if (!h) return;
  MeasurementRecord r;
  r.source = src.id;
  r.time = s.local_time;
  r.leap = h->leap;
  r.stratum = h->stratum;
  // Tests 1..7 passed (or handle_reply() gave no sample); maxdelay and the loop test too.
  r.tests[7] = verdict != DelayTest::kDelayRatio;
  r.tests[8] = verdict != DelayTest::kDelayDevRatio;
  r.local_poll = src.client.poll().log2;
  r.remote_poll = h->poll;
  r.score = src.client.poll_score();
  r.offset_s = secs(s.offset);
  r.delay_s = secs(s.delay);
  r.dispersion_s = secs(s.dispersion);
  r.root_delay_s = secs(h->root_delay.to_duration());
  r.root_dispersion_s = secs(h->root_dispersion.to_duration());
  r.ref_id = h->ref_id;
  r.mode = static_cast<uint8_t>(h->mode);
  logs_.measurements.push_back(r);
}

void Engine::log_regression(const Source& src) {
  if (!log_mask_.statistics) return;
  const SourceStats::Regression& g = src.stats.last_regression();
  if (!g.valid) return;
  logs_.statistics.push_back(StatisticsRecord{.source = src.id,
                                              .time = g.time,
                                              .std_dev_s = g.std_dev_s,
                                              .offset_s = g.offset_s,
                                              .offset_sd_s = g.offset_sd_s,
                                              .freq_ppm = g.freq_ppm,
                                              .skew_ppm = g.skew_ppm,
                                              .stress = g.stress,
                                              .samples = static_cast<int>(g.samples),
                                              .dropped = static_cast<int>(g.dropped),
                                              .runs = static_cast<int>(g.runs)});
}

void Engine::log_selection(Timestamp now) {
  if (!log_mask_.selection) return;
  bool preferred = false;  // a selected or combined source has the prefer option
  for (const Source& o : sources_)
    if ((o.state == SelectState::kSelected || o.state == SelectState::kCombined) && o.opts.prefer)
      preferred = true;
  for (const Source& o : sources_) {
    SelectionRecord r;
    r.source = o.id;
    r.time = now;
    r.noselect = o.opts.noselect;
    r.prefer = o.opts.prefer;
    r.trust = o.opts.trust;
    r.require = o.opts.require;
    r.reach = o.refclock ? refclock_reach(o, now) : o.client.reach();
    const SourceEstimate e = o.stats.estimate(now);
    if (o.stats.samples() > 0) {
      // The interval that holds our clock's offset from the source's view (> 0: ahead).
      const double ahead = -secs(e.offset), dist = secs(e.root_distance);
      r.low_s = ahead - dist;
      r.high_s = ahead + dist;
      r.since_sample_s = secs(now - e.ref_time);
    }
    switch (o.state) {
      case SelectState::kSelected: r.state = '*'; break;
      case SelectState::kCombined: r.state = '+'; break;
      case SelectState::kNotCombined: r.state = preferred && !o.opts.prefer ? 'P' : 'D'; break;
      case SelectState::kFalseticker: r.state = 'x'; break;
      case SelectState::kJittery: r.state = '~'; break;
      case SelectState::kUnusable:
        r.state = o.opts.noselect                          ? 'N'
                  : o.stats.samples() == 0 || !e.selectable ? 'M'
                  : e.leap == Leap::kUnsync                ? 's'
                  : !reachable(o, now)                     ? 'S'
                                                           : 'd';
        break;
    }
    logs_.selection.push_back(r);
  }
}

void Engine::log_tracking(const Source& ref, const TrackingReport& before,
                          const SelectionResult& sel, Duration offset_sd, Timestamp now) {
  if (!log_mask_.tracking) return;
  const TrackingReport t = discipline_.tracking(now);
  TrackingRecord r;
  r.time = now;
  r.synced = true;
  r.source = ref.id;
  r.stratum = t.stratum;
  r.freq_ppm = t.freq_ppm;
  r.skew_ppm = t.skew_ppm;
  r.offset_s = secs(sel.offset);
  r.leap = t.leap;
  for (SelectState s : sel.states)
    r.combined += s == SelectState::kSelected || s == SelectState::kCombined ? 1 : 0;
  r.offset_sd_s = secs(offset_sd);
  r.remaining_s = secs(before.system_time_offset);
  r.root_delay_s = secs(t.root_delay);
  r.root_dispersion_s = secs(t.root_dispersion);
  // The clock's error bound since the previous update: that update's distance as grown until
  // now, the correction it left undone and this update's offset.
  const double prev_distance_s =
      before.synced ? secs(before.root_delay) / 2 + secs(before.root_dispersion)
                    : kUnsyncRootDelay_s / 2 + kUnsyncRootDispersion_s;
  r.max_error_s = prev_distance_s + std::fabs(r.remaining_s) + std::fabs(r.offset_s);
  logs_.tracking.push_back(r);
}

void Engine::log_unsynchronised(Timestamp now) {
  if (!log_mask_.tracking) return;
  const TrackingReport t = discipline_.tracking(now);
  TrackingRecord r;
  r.time = now;
  r.freq_ppm = t.freq_ppm;
  r.skew_ppm = t.skew_ppm;
  r.remaining_s = secs(t.system_time_offset);
  r.root_delay_s = kUnsyncRootDelay_s;
  r.root_dispersion_s = kUnsyncRootDispersion_s;
  r.max_error_s = kUnsyncRootDelay_s / 2 + kUnsyncRootDispersion_s;
  logs_.tracking.push_back(r);
}

}  // namespace tempus::core
