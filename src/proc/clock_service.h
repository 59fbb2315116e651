// SPDX-License-Identifier: ISC
// ClockService: the parent's executor for the five clock verbs net sends (design.md §2, §4).
// Pure apart from what it is given: the ClockBackend it drives, the drift file directory fd it
// writes through, and the monotonic clock it counts steps with.
//
// For every verb, in this order, and before the backend is touched:
//   1. ipc::check(bounds, verb) (the message's own validate() plus the config bounds);
//   2. in no-adjust mode (backend == nullptr, chronyd's -x) SlewOffset, SetFrequency, StepClock
//      and SetKernelStatus are themselves violations: net knows the mode and must not send them;
//   3. StepClock only: StepBudget::admit(monotonic_ns()) (steps per sliding hour).
// Any failure is a protocol violation by net: handle() returns the reason as an error string and
// the caller logs it and exits (fail closed). A syscall failure is NOT a violation: it comes
// back to net in ClockResult.error.
// SlewOffset, SetFrequency and StepClock go through a RateSlew (proc/rate_slew.h), which runs
// slews as temporary frequency offsets and needs a timer: the owner arms one when asked
// (ArmTimer) and calls on_slew_timer() when it fires, and calls end_slew() when it stops.
// WriteDrift is honoured in both modes: the value is converted to chronyd's drift file format
// (core/drift.h, with its sign flip), or ntpd's when the file there is ntpd's, and written
// atomically (sys/state_files.h, mode 0644). Net reads the file at start, before its chroot.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/drift.h"
#include "core/result.h"
#include "ipc/any_message.h"
#include "ipc/bounds.h"
#include "ipc/messages.h"
#include "ipc/unique_fd.h"
#include "proc/rate_slew.h"
#include "sys/clock_backend.h"

namespace tempus::proc {

// Where the drift file lives: a directory opened (sys::open_dir) before privileges were dropped,
// and the file's plain name in it (the basename of `driftfile`).
struct DriftTarget {
  ipc::UniqueFd dir;
  std::string name;
};

class ClockService {
 public:
  // CLOCK_MONOTONIC in ns (never the clock being adjusted).
  using MonotonicNs = std::function<int64_t()>;

  // bounds: validated by the caller at start (ipc::validate); if not, every handle() is fatal.
  // backend: the clock, or nullptr for no-adjust mode; must outlive this object.
  // drift: where WriteDrift goes; nullopt = no driftfile configured (WriteDrift is then accepted
  // and ignored: error 0, nothing written).
  // arm_timer: the slew timer (RateSlew::ArmTimer); unused without a backend.
  ClockService(const ipc::ClockBounds& bounds, sys::ClockBackend* backend,
               std::optional<DriftTarget> drift, MonotonicNs monotonic_ns,
               RateSlew::ArmTimer arm_timer);

  // Executes one clock verb. Ok: the reply for net (request = m's type; error 0 or an errno;
  // time_state/kernel_status/freq from the backend's state after the call, all 0 after an
  // error and for WriteDrift). Error: why net's request is a protocol violation; nothing was
  // changed. A message that is not a clock verb is an error too.
  core::Result<ipc::ClockResult, std::string> handle(const ipc::AnyMessage& m);


  // The slew timer fired.
  void on_slew_timer();
  // Ends any slew now (frequency back to the last SetFrequency's): at stop and at exit.
  void end_slew();
  bool slewing() const { return slew_ && slew_->active(); }

  bool adjusting() const { return backend_ != nullptr; }
  // Steps admitted within the hour before monotonic_ns() (for `tempusctl` and tests).
  uint32_t recent_steps() const { return budget_.recent(monotonic_ns_()); }

 private:
  core::Result<ipc::ClockResult, std::string> slew(const ipc::SlewOffset& m);
  core::Result<ipc::ClockResult, std::string> frequency(const ipc::SetFrequency& m);
  core::Result<ipc::ClockResult, std::string> step(const ipc::StepClock& m);
  core::Result<ipc::ClockResult, std::string> status(const ipc::SetKernelStatus& m);
  core::Result<ipc::ClockResult, std::string> drift(const ipc::WriteDrift& m);

  ipc::ClockBounds bounds_;
  bool bounds_ok_;
  sys::ClockBackend* backend_;
  std::optional<RateSlew> slew_;  // present with a backend
  std::optional<DriftTarget> drift_;
  MonotonicNs monotonic_ns_;
  ipc::StepBudget budget_;
};

// Logs what an executed verb did when it matters: a step made, or a failed syscall.
void log_clock_result(const ipc::AnyMessage& m, const ipc::ClockResult& r);

// The ClockResult for a backend outcome (exposed for tests): state fields clamped into
// ClockResult's ranges, an errno outside 1..kMaxErrno reported as EIO.
ipc::ClockResult to_clock_result(ipc::MsgType request, const sys::ClockStateResult& r);

}  // namespace tempus::proc
