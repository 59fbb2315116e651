// SPDX-License-Identifier: ISC
// Source selection: which sources agree (RFC 5905 §11.2.1 intersection, in chrony's form), which
// one is the system peer, and which are combined into the offset the discipline uses (chrony's
// combining). Pure and stateless: the caller passes every source's current estimate and the id
// it selected last time (for hysteresis), and gets one state per source back.
//
// Steps, each as chrony's sources.c behaves:
//   1. Usability. Not `selectable` (unreachable, too few samples, ...), `noselect`, leap
//      kUnsync, root distance < 0 or > max_distance → kUnusable ('?'); jitter > max_jitter →
//      kJittery ('~'). Only the rest take part below, and only they count toward majorities.
//   2. Intersection. Each source is the interval [offset − λ, offset + λ]; endpoints are swept
//      in order (lower before upper at equal values, so touching intervals agree; then by input
//      order) to find the region covered by the most intervals. Trusted sources count first:
//      the region is the deepest among those covered by the most trusted intervals. When
//      several disjoint regions share the greatest depth the interval spans from the first to
//      the last (RFC 5905 §11.2.1 does the same: it takes the outermost points reached by the
//      needed number of intervals). A majority is required: depth > n / 2 over usable sources
//      (over usable trusted sources when any trusted interval is in it); otherwise nothing is
//      selected and every usable source is kFalseticker ('x').
//   3. Truechimers: sources whose interval contains the region or lies within it; the others
//      are kFalseticker. With trusted sources, an untrusted one must lie within the trusted
//      region too, else kUnusable (chrony's "untrusted"). A lone trusted source is therefore
//      always a truechimer and outvotes any number of untrusted ones.
//   4. Guards: no selection when there are fewer than min_sources truechimers, or when some
//      source (of any state) has `require` and none of the truechimers does. Truechimers then
//      stay kNotCombined ('-').
//   5. Prefer: when some truechimer has `prefer`, only those can be selected or combined; the
//      others are kNotCombined.
//   6. Best source: the smallest λ + stratum_weight × (stratum − lowest stratum). Hysteresis:
//      the previous source (by id) keeps its place unless the best beats it by more than
//      reselect_dist. Ties go to the previous source, then to the earlier candidate.
//   7. Combining: every other remaining truechimer with λ ≤ combine_limit × (λ_selected +
//      reselect_dist) is kCombined ('+'), the rest kNotCombined ('-'). The combined offset is
//      the mean weighted by 1/λ; its distance is min(λ_selected, Σw·λ / Σw) (the weighted mean
//      of the combined distances bounds the weighted mean of the offsets).
//   8. Leap: insert or delete when more than half of the truechimers (trusted ones, when the
//      trusted region decided) announce it, else kNone; kUnsync when nothing is selected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/packet.h"
#include "core/time.h"

namespace tempus::core {

enum class SelectState : uint8_t {
  kSelected,      // '*' the system peer
  kCombined,      // '+' a truechimer combined with it
  kNotCombined,   // '-' a truechimer not combined (distant, not preferred, or no selection)
  kFalseticker,   // 'x' outside the majority's interval, or no majority at all
  kJittery,       // '~' jitter above max_jitter
  kUnusable,      // '?' not selectable, noselect, unsynchronised, too distant, untrusted
};
// The chronyc `sources` state column for a state.
char state_symbol(SelectState s);

struct Candidate {
  uint32_t id = 0;           // caller's source id
  Duration offset;           // estimated offset now, > 0: local clock behind the source
  Duration root_distance;    // error bound λ of the estimate (root_delay/2 + root_dispersion +
                             // growth since the sample), ≥ 0
  Duration jitter;           // standard deviation of the source's recent offsets
  uint8_t stratum = 0;
  Leap leap = Leap::kNone;
  bool selectable = true;    // caller: reachable, synchronised, enough samples
  bool prefer = false, noselect = false, trust = false, require = false;
};

// authselectmode (chrony): how authenticated (symmetric key, NTS) and unauthenticated NTP
// sources are selected together.
enum class AuthSelect : uint8_t {
  kRequire,  // unauthenticated NTP sources are never selected
  kPrefer,   // ...not while any authenticated one is configured
  kMix,      // with both kinds configured, authenticated sources and refclocks get `require`
             // and `trust` (the default)
  kIgnore,   // authentication does not matter
};
// The options chrony's mode adds to one source (never to a noselect one), given how many
// selectable-by-configuration (not noselect) NTP sources are authenticated and how many not.
struct AuthSelectExtra {
  bool noselect = false, require = false, trust = false;
};
AuthSelectExtra auth_select_extra(AuthSelect mode, bool ntp, bool authenticated,
                                  size_t auth_ntp_sources, size_t unauth_ntp_sources);

struct SelectionConfig {
  int min_sources = 1;                              // minsources
  Duration max_distance = Duration::s(3);           // maxdistance
  Duration max_jitter = Duration::s(1);             // maxjitter
  double combine_limit = 3.0;                       // combinelimit (0: never combine)
  Duration reselect_dist = Duration::us(100);       // reselectdist
  Duration stratum_weight = Duration::ms(1);        // stratumweight, per stratum level
  AuthSelect auth_select = AuthSelect::kMix;        // authselectmode
};

struct SelectionResult {
  std::vector<SelectState> states;  // one per candidate, same order
  std::optional<size_t> selected;   // index of the selected (system) source, if any
  Duration offset;                  // combined offset of the selected + combined sources
  Duration root_distance;           // of the combination (≤ the selected source's)
  Leap leap = Leap::kUnsync;        // majority of the truechimers (kUnsync when none selected)
  size_t truechimers = 0;           // sources that passed the intersection (0: no majority)
};

// Deterministic: the same input in the same order gives the same result.
SelectionResult select_sources(std::span<const Candidate> c, const SelectionConfig& cfg,
                               std::optional<uint32_t> previous_id);

}  // namespace tempus::core
