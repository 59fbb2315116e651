// SPDX-License-Identifier: ISC
#include "core/slew.h"

#include <algorithm>
#include <cmath>

namespace tempus::core {

namespace {

// The fraction of local time that is gain: rate / (10^6 + rate).
double gain(const SlewPlan& p) { return p.rate_ppm / (1e6 + p.rate_ppm); }

}  // namespace

Duration SlewPlan::duration() const {
  if (offset == Duration() || rate_ppm == 0 || !std::isfinite(rate_ppm)) return Duration();
  const double s = offset.to_seconds_f() / gain(*this);
  if (!(s >= 0) || s >= kMaxSlewDuration.to_seconds_f()) return kMaxSlewDuration;
  return Duration::from_seconds_f(s);
}

Duration SlewPlan::applied(Duration elapsed) const {
  if (rate_ppm == 0 || !std::isfinite(rate_ppm)) return Duration();
  return Duration::from_seconds_f(elapsed.to_seconds_f() * gain(*this));
}

Duration SlewPlan::remaining(Duration elapsed) const {
  if (offset == Duration() || elapsed >= duration()) return Duration();
  const Duration done = applied(std::max(elapsed, Duration()));
  if (done.abs() >= offset.abs()) return Duration();
  return offset - done;
}

}  // namespace tempus::core
