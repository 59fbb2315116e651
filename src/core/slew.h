// SPDX-License-Identifier: ISC
// The arithmetic of a frequency slew, shared by the discipline (which models the pending
// correction) and the parent (which runs it), so that both agree to the nanosecond.
//
// A slew corrects `offset` by running the clock at base + rate instead of base (frequencies as
// corrections, ppm, > 0: the clock runs faster; rate has the sign of offset). A disciplined
// clock at base keeps to true time, so on the slewed clock, local elapsed time t gains
//   applied(t) = t × rate / (10^6 + rate)
// and the slew is done after duration() = |offset| × (10^6 + rate) / |rate| of local time.
// While the clock is not yet disciplined (its base still off by e ppm, e.g. 100 ppm at start)
// this is off by e × 10^-6 of the offset: 10 µs for 0.1 s at 100 ppm.
// Pure: no syscalls.
#pragma once

#include "core/time.h"

namespace tempus::core {

// The longest slew duration() reports: a slower slew is, for any purpose, one that never ends.
inline constexpr Duration kMaxSlewDuration = Duration::s(1'000'000'000);

struct SlewPlan {
  Duration offset;      // > 0: the clock is moved forward
  double rate_ppm = 0;  // the slew's rate, signed as offset; 0: no slew

  // Local time the slew takes, ≤ kMaxSlewDuration; 0 for offset 0 or rate 0.
  Duration duration() const;
  // Phase gained after `elapsed` local time since the start (not capped at offset), > 0: forward.
  Duration applied(Duration elapsed) const;
  // What is still to come after `elapsed` (0 once the slew is done; never past the offset).
  Duration remaining(Duration elapsed) const;
};

}  // namespace tempus::core
