// SPDX-License-Identifier: ISC
#include "proc/net_control.h"

#include <algorithm>
#include <cmath>

#include "proc/bounds.h"
#include "sys/log.h"
#include "sys/udp.h"

namespace tempus::proc {

core::cmdmon::Status NetControl::make_step() {
  // The parent admits one step an hour for this command, and none without makestep
  // (proc/bounds.h): keep to it, or the parent would take the step as a violation.
  const int64_t now = sys::monotonic_ns();
  if (real_clock_ && !command_step_allowed(step_budget_, last_step_, now)) {
    sys::logf(sys::Severity::kWarning, "makestep command refused: %s",
              step_budget_ == 0 ? "makestep is not configured"
                                : "it may step once an hour");
    return core::cmdmon::Status::kFailed;
  }
  if (assocs_.make_step() && real_clock_) last_step_ = now;
  return core::cmdmon::Status::kSuccess;
}

core::cmdmon::Status NetControl::set_local(const core::cmdmon::Request::Local& l) {
  if (l.on == 0) {
    assocs_.set_local(std::nullopt);
  } else {
    config::LocalReference ref;
    ref.stratum = std::clamp(l.stratum, 1, 15);
    ref.orphan = l.orphan != 0;
    if (std::isfinite(l.distance) && l.distance > 0)
      ref.distance = core::Duration::from_seconds_f(std::min(l.distance, 1e3));
    assocs_.set_local(ref);
  }
  return core::cmdmon::Status::kSuccess;
}

}  // namespace tempus::proc
