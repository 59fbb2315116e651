// SPDX-License-Identifier: ISC
// RateSlew: the parent's phase correction by frequency (SlewOffset{offset, rate}), over a
// ClockBackend, with the safety in the parent and not in net (design.md §2, §4).
//
//   slew(offset, rate)  the clock runs at base ± rate (the sign of offset; base = the last
//                       set_frequency(), or the kernel's frequency if there was none) until
//                       offset is applied (core::SlewPlan: the arithmetic net's discipline
//                       models), then at base again. A new slew REPLACES what remains of the
//                       old; offset 0 ends it. base ± rate is clamped to the backends' ±10 %.
//   set_frequency(f)    changes the base; a running slew keeps its rate from f and its
//                       remainder (what was applied at the old base is accounted first).
//   step(offset)        ends any slew (base restored), then steps.
//   end()               ends any slew now, base restored. The parent calls it when it stops
//                       (signal, child death, violation) and at exit; the destructor does too.
// The end is a timer: RateSlew asks for it through ArmTimer (a CLOCK_MONOTONIC one-shot,
// duration converted with ClockBackend::timer_duration()) and the owner calls on_timer() when it
// fires. A timer fires late, by up to a millisecond on a poll() loop, and the clock ran on at
// base ± rate meanwhile; on_timer() measures what was really applied (ClockBackend::read_time())
// and trims the difference with the kernel's single-shot slew (500 ppm, ends by itself), so the
// clock lands where net's model says within microseconds. A timer that fires early (a
// VirtualClock's rate differs from CLOCK_MONOTONIC's) is re-armed for the rest.
// If the clock is stepped by someone else during a slew, read_time() misjudges its length;
// the slew still ends (by the timer) and the base is restored.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/slew.h"
#include "core/time.h"
#include "sys/clock_backend.h"

namespace tempus::proc {

class RateSlew {
 public:
  // (Re)arms the owner's one-shot timer to call on_timer() after the duration; nullopt cancels.
  using ArmTimer = std::function<void(std::optional<core::Duration>)>;

  // clock must outlive this object.
  RateSlew(sys::ClockBackend& clock, ArmTimer arm);
  ~RateSlew();
  RateSlew(const RateSlew&) = delete;
  RateSlew& operator=(const RateSlew&) = delete;

  // The backend's result of the frequency change (slew: slew_pending = offset, slew_replaced =
  // what the previous slew still had to do); an error leaves no slew running.
  // rate_scaled_ppm: 1..ipc::kMaxSlewRateScaledPpm (checked by the caller).
  sys::ClockStateResult slew(core::Duration offset, int64_t rate_scaled_ppm);
  sys::ClockStateResult set_frequency(int64_t freq_scaled_ppm);
  sys::ClockStateResult step(core::Duration offset);
  void on_timer();
  void end();

  bool active() const { return active_; }
  // What the running slew still has to apply at the clock's time now (0 when none).
  core::Duration remaining();

 private:
  core::Result<int64_t, sys::Errno> base();
  // Ends the slew: base restored; with trim, the measured over/undershoot sent to clock_.slew().
  sys::ClockStateResult finish(bool trim);
  void trim(core::Duration residual);
  // Starts plan_ at clock time t, base and total frequency in scaled ppm.
  void start(core::Timestamp t, int64_t base, int64_t total);

  sys::ClockBackend& clock_;
  ArmTimer arm_;
  std::optional<int64_t> base_;  // scaled ppm, the frequency without slew
  bool active_ = false;
  int64_t total_ = 0;            // scaled ppm, the frequency while slewing
  core::Timestamp start_;        // clock time the present plan_ started
  core::SlewPlan plan_;
};

}  // namespace tempus::proc
