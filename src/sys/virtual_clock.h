// SPDX-License-Identifier: ISC
// VirtualClock: a ClockBackend that is NOT the host's clock, for end-to-end and simulation tests
// (design.md §4, §6). It runs off a base time source (injected: the host's CLOCK_REALTIME or
// CLOCK_MONOTONIC in a live run, a fake in unit tests) with its own phase offset and its own
// oscillator error, and behaves like the Linux kernel clock where tempus can observe it:
//   - frequency: rate = base rate × (1 + (oscillator error + correction) / 10^6 ppm); the
//     correction is set_frequency()'s value, |f| ≤ kMaxFrequencyScaledPpm;
//   - slew: the pending correction is applied at 500 ppm of base time until used up, and a new
//     slew replaces the remainder (ADJ_OFFSET_SINGLESHOT), at 1 ns resolution;
//   - step: instant, exact;
//   - status: apply_kernel_status() bits; maxerror grows by 500 µs per second of base time up to
//     16 s, where STA_UNSYNC is set (as the kernel's second_overflow does); a leap second armed
//     with STA_INS (STA_DEL) is applied when the clock crosses UTC midnight (23:59:59), after
//     which time_state is TIME_WAIT until the bits are cleared;
//   - time_state as adjtimex reports it (TIME_ERROR while STA_UNSYNC).
// Integer arithmetic throughout (remainders carried), so a run with a fake base is bit-exact
// and reproducible whatever the call pattern. If the base goes backwards the virtual clock holds
// still until the base catches up; it never runs backwards except by step or a leap insert.
// Not thread-safe; the parent is single-threaded.
#pragma once

#include <cstdint>
#include <functional>

#include <sys/timex.h>

#include "core/time.h"
#include "sys/clock_backend.h"

namespace tempus::sys {

class VirtualClock final : public ClockBackend {
 public:
  using BaseTime = std::function<core::Timestamp()>;

  struct Options {
    // Virtual time minus base time at construction, > 0: the virtual clock is ahead.
    core::Duration initial_offset;
    // The oscillator's own rate error, scaled ppm, > 0: runs faster than the base when
    // uncorrected. |error| ≤ kMaxFrequencyScaledPpm.
    int64_t oscillator_error_scaled_ppm = 0;
    // The kernel's start-up state: STA_UNSYNC, maxerror = esterror = 16 s.
    uint32_t initial_status = STA_UNSYNC;
  };

  // base must be callable for the object's lifetime.
  VirtualClock(BaseTime base, const Options& opt);

  // The virtual clock's reading now (advances the model to base() first).
  core::Timestamp now();

  ClockStateResult slew(core::Duration offset) override;
  ClockStateResult set_frequency(int64_t freq_scaled_ppm) override;
  ClockStateResult step(core::Duration offset) override;
  ClockStateResult set_status(const ipc::SetKernelStatus& s) override;
  ClockStateResult read() override;
  core::Result<core::Timestamp, Errno> read_time() override { return now(); }
  core::Duration timer_duration(core::Duration local) override;

  // Test observability: how many mutating verbs succeeded.
  uint32_t adjustments() const { return adjustments_; }

 private:
  void advance();
  void apply_leap(core::Timestamp before);
  ClockState state();

  BaseTime base_;
  core::Timestamp last_base_;
  core::Timestamp virt_;
  int64_t osc_error_;        // scaled ppm
  int64_t freq_ = 0;         // correction, scaled ppm
  int64_t rate_rem_ = 0;     // remainder of elapsed × freq, in units of 1 / (65536 × 10^6) ns
  int64_t slew_pending_ = 0; // ns still to slew, signed
  int64_t slew_rem_ = 0;     // remainder of elapsed × 500 ppm, in 10^-6 ns
  int64_t maxerr_rem_ = 0;   // base ns not yet counted towards maxerror growth
  uint32_t status_;
  int time_state_ = 0;       // TIME_OK, or TIME_WAIT after a leap
  int64_t maxerror_us_;
  int64_t esterror_us_;
  int32_t tai_ = 0;
  uint32_t adjustments_ = 0;
};

}  // namespace tempus::sys
