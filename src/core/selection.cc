// SPDX-License-Identifier: ISC
#include "core/selection.h"

#include <algorithm>

namespace tempus::core {

char state_symbol(SelectState s) {
  switch (s) {
    case SelectState::kSelected: return '*';
    case SelectState::kCombined: return '+';
    case SelectState::kNotCombined: return '-';
    case SelectState::kFalseticker: return 'x';
    case SelectState::kJittery: return '~';
    case SelectState::kUnusable: return '?';
  }
  return '?';
}

namespace {

struct Endpoint {
  Duration at;
  int tag;     // 0 lower, 1 upper: lower first at equal values, so touching intervals overlap
  size_t idx;  // candidate index, the last tie-break (determinism)
};

struct Region {
  Duration lo, hi;              // deepest region (among the most-trusted ones)
  Duration trust_lo, trust_hi;  // region of the most trusted intervals
  int depth = 0;
  int trust_depth = 0;
};

Duration lower(const Candidate& c) { return c.offset - c.root_distance; }
Duration upper(const Candidate& c) { return c.offset + c.root_distance; }

// RFC 5905 §11.2.1 / Marzullo: sweep the sorted endpoints keeping the running depth.
Region deepest_region(std::span<const Candidate> c, const std::vector<size_t>& usable) {
  std::vector<Endpoint> ends;
  ends.reserve(2 * usable.size());
  for (size_t i : usable) {
    ends.push_back({lower(c[i]), 0, i});
    ends.push_back({upper(c[i]), 1, i});
  }
  std::sort(ends.begin(), ends.end(), [](const Endpoint& a, const Endpoint& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.tag != b.tag) return a.tag < b.tag;
    return a.idx < b.idx;
  });

  Region r;
  int depth = 0, trust_depth = 0;
  for (const Endpoint& e : ends) {
    const bool trusted = c[e.idx].trust;
    if (e.tag == 0) {
      ++depth;
      if (trusted) ++trust_depth;
      // Trusted depth ranks first, total depth second.
      if (trust_depth > r.trust_depth || (trust_depth == r.trust_depth && depth > r.depth)) {
        if (trust_depth > r.trust_depth) {
          r.trust_depth = trust_depth;
          r.trust_lo = e.at;
        }
        r.depth = depth;
        r.lo = e.at;
      }
    } else {
      // Leaving a region at the best depth: extend the best interval to here (a later region
      // of equal depth extends it again, spanning both).
      if (trust_depth == r.trust_depth) {
        if (depth == r.depth) r.hi = e.at;
        r.trust_hi = e.at;
      }
      --depth;
      if (trusted) --trust_depth;
    }
  }
  return r;
}

// Weighted by 1/λ (chrony); λ floored at 1 ns so a zero distance cannot divide by zero.
double weight_per_s(const Candidate& c) {
  return 1.0 / std::max(c.root_distance, Duration::ns(1)).to_seconds_f();
}

}  // namespace

SelectionResult select_sources(std::span<const Candidate> c, const SelectionConfig& cfg,
                               std::optional<uint32_t> previous_id) {
  SelectionResult r;
  r.states.assign(c.size(), SelectState::kUnusable);

  // Step 1: usability (RFC 5905 §11.2 "fit" checks, chrony's order).
  std::vector<size_t> usable;
  bool require_configured = false;
  size_t usable_trusted = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    const Candidate& k = c[i];
    if (k.require) require_configured = true;
    if (!k.selectable || k.noselect || k.leap == Leap::kUnsync) continue;
    if (k.root_distance < Duration() || k.root_distance > cfg.max_distance) continue;
    if (k.jitter > cfg.max_jitter) {
      r.states[i] = SelectState::kJittery;
      continue;
    }
    usable.push_back(i);
    if (k.trust) ++usable_trusted;
  }
  if (usable.empty()) return r;

  // Step 2: intersection and majority (RFC 5905 §11.2.1).
  const Region region = deepest_region(c, usable);
  const bool by_trust = region.trust_depth > 0;
  const size_t voters = by_trust ? usable_trusted : usable.size();
  const auto agreeing = static_cast<size_t>(by_trust ? region.trust_depth : region.depth);
  if (agreeing <= voters / 2) {
    for (size_t i : usable) r.states[i] = SelectState::kFalseticker;
    return r;
  }

  // Step 3: truechimers contain the region or lie within it.
  std::vector<size_t> chimers;
  for (size_t i : usable) {
    const Duration lo = lower(c[i]), hi = upper(c[i]);
    const bool agrees = (lo <= region.lo && hi >= region.hi) || (lo >= region.lo && hi <= region.hi);
    if (!agrees) {
      r.states[i] = SelectState::kFalseticker;
      continue;
    }
    if (by_trust && !c[i].trust && !(lo >= region.trust_lo && hi <= region.trust_hi)) continue;
    r.states[i] = SelectState::kNotCombined;
    chimers.push_back(i);
  }
  r.truechimers = chimers.size();

  // Step 4: minsources and require.
  const bool required_ok = !require_configured ||
      std::any_of(chimers.begin(), chimers.end(), [&](size_t i) { return c[i].require; });
  if (chimers.empty() || chimers.size() < static_cast<size_t>(std::max(cfg.min_sources, 1)) ||
      !required_ok)
    return r;

  // Step 8 (before prefer narrows the set): leap vote of the truechimers.
  size_t votes = 0, ins = 0, del = 0;
  for (size_t i : chimers) {
    if (by_trust && !c[i].trust) continue;
    ++votes;
    if (c[i].leap == Leap::kInsert) ++ins;
    if (c[i].leap == Leap::kDelete) ++del;
  }
  r.leap = ins > votes / 2 ? Leap::kInsert : del > votes / 2 ? Leap::kDelete : Leap::kNone;

  // Step 5: prefer.
  std::vector<size_t> pool;
  for (size_t i : chimers)
    if (c[i].prefer) pool.push_back(i);
  if (pool.empty()) pool = chimers;

  // Step 6: best by distance plus the stratum penalty, with hysteresis (chrony reselectdist).
  uint8_t min_stratum = c[pool.front()].stratum;
  for (size_t i : pool) min_stratum = std::min(min_stratum, c[i].stratum);
  const auto score = [&](size_t i) {
    return c[i].root_distance + cfg.stratum_weight * (c[i].stratum - min_stratum);
  };
  std::optional<size_t> prev;
  if (previous_id) {
    for (size_t i : pool)
      if (c[i].id == *previous_id) {
        prev = i;
        break;
      }
  }
  size_t best = prev.value_or(pool.front());
  for (size_t i : pool)
    if (score(i) < score(best)) best = i;
  if (prev && score(best) + cfg.reselect_dist >= score(*prev)) best = *prev;
  r.selected = best;
  r.states[best] = SelectState::kSelected;

  // Step 7: combine (chrony combinelimit), weighted by 1/λ around the selected offset so large
  // offsets keep their precision in double.
  const double limit_s =
      cfg.combine_limit * (c[best].root_distance + cfg.reselect_dist).to_seconds_f();
  double sum_w = 0, sum_w_dev_s = 0, sum_w_dist_s = 0;
  for (size_t i : pool) {
    if (i != best) {
      if (c[i].root_distance.to_seconds_f() > limit_s) continue;  // stays kNotCombined
      r.states[i] = SelectState::kCombined;
    }
    const double w = weight_per_s(c[i]);
    sum_w += w;
    sum_w_dev_s += w * (c[i].offset - c[best].offset).to_seconds_f();
    sum_w_dist_s += w * c[i].root_distance.to_seconds_f();
  }
  r.offset = c[best].offset + Duration::from_seconds_f(sum_w_dev_s / sum_w);
  r.root_distance = std::min(c[best].root_distance, Duration::from_seconds_f(sum_w_dist_s / sum_w));
  return r;
}

AuthSelectExtra auth_select_extra(AuthSelect mode, bool ntp, bool authenticated,
                                  size_t auth_ntp_sources, size_t unauth_ntp_sources) {
  AuthSelectExtra e;
  switch (mode) {
    case AuthSelect::kIgnore: break;
    case AuthSelect::kMix:
      if ((!ntp || authenticated) && auth_ntp_sources > 0 && unauth_ntp_sources > 0)
        e.require = e.trust = true;
      break;
    case AuthSelect::kPrefer:
      e.noselect = ntp && !authenticated && auth_ntp_sources > 0;
      break;
    case AuthSelect::kRequire: e.noselect = ntp && !authenticated; break;
  }
  return e;
}

}  // namespace tempus::core
