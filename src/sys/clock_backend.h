// SPDX-License-Identifier: ISC
// ClockBackend: the clock the parent disciplines (design.md §4). Two implementations: LinuxClock
// (linux_clock.h, the host's CLOCK_REALTIME through adjtimex) and VirtualClock (virtual_clock.h,
// a clock that is not the host's, for end-to-end tests). Only the parent calls the mutating
// verbs, and only after ClockService (proc/clock_service.h) checked them against ClockBounds.
//
// Sign conventions, the daemon's one set (ipc/messages.h, design.md §4):
//   offset > 0     the local clock is BEHIND the reference; applying it moves the clock FORWARD.
//   frequency > 0  the local clock runs FASTER (kernel timex.freq convention), in "scaled ppm",
//                  2^-16 ppm (65536 = 1 ppm).
//
// Every call returns the clock's state after it, or the errno of the call that failed; a failed
// call leaves the clock as it was (the backends check their arguments before any syscall).
#pragma once

#include <cstdint>
#include <optional>

#include "core/result.h"
#include "core/time.h"
#include "ipc/messages.h"
#include "sys/errno_result.h"

namespace tempus::sys {

// 1 ppm in the kernel's frequency unit.
inline constexpr int64_t kScaledPerPpm = int64_t{1} << 16;

// Kernel clock state after a call (struct timex and adjtimex()'s return, normalised).
struct ClockState {
  // adjtimex()'s return: TIME_OK 0, TIME_INS 1, TIME_DEL 2, TIME_OOP 3, TIME_WAIT 4,
  // TIME_ERROR 5 (the kernel also reports TIME_ERROR whenever STA_UNSYNC is set).
  int time_state = 0;
  // timex.status: STA_* bits (<sys/timex.h>), 0..0xffff.
  uint32_t status = 0;
  // timex.freq: the fine frequency correction, scaled ppm, |freq| ≤ 500 ppm. > 0: runs faster.
  int64_t freq_scaled_ppm = 0;
  // timex.tick: µs added per clock tick (nominal 10000 at USER_HZ 100). Above nominal runs
  // faster, by 10^6 / nominal ppm per µs (100 ppm at USER_HZ 100).
  int64_t tick_us = 0;
  // The whole correction the clock runs with: freq plus the tick's deviation from nominal,
  // scaled ppm, > 0: runs faster. Equals freq_scaled_ppm when the tick is nominal.
  int64_t effective_freq_scaled_ppm = 0;
  // timex.offset normalised to ns: the kernel PLL's remaining phase offset. 0 unless STA_PLL is
  // on, which tempus never turns on. Not the pending slew (see slew_pending).
  core::Duration pll_offset;
  // Phase correction still to be slewed in, > 0: the clock will move forward. Known after slew()
  // (the amount just scheduled, after rounding) and from VirtualClock; nullopt when the call
  // could not tell (LinuxClock::read() uses modes 0, which does not report it).
  std::optional<core::Duration> slew_pending;
  // After slew() only: what was still pending from the previous slew when it was replaced.
  std::optional<core::Duration> slew_replaced;
  // timex.maxerror / esterror, µs.
  int64_t maxerror_us = 0;
  int64_t esterror_us = 0;
  // timex.tai: TAI − UTC in seconds as the kernel holds it (0 = never set).
  int32_t tai_offset_s = 0;
  // The clock's reading at the call (timex.time), UTC ns since 1970 like CLOCK_REALTIME.
  core::Timestamp time;
};

using ClockStateResult = core::Result<ClockState, Errno>;

class ClockBackend {
 public:
  virtual ~ClockBackend() = default;

  // Phase correction without a jump: schedule `offset` to be added gradually, at the kernel's
  // fixed single-shot rate of 500 ppm (0.5 ms per second; 1 s takes 2000 s). The parent's own
  // slews run on set_frequency() (proc/rate_slew.h); this one only trims what they overshot. REPLACES whatever
  // remained of the previous slew (adjtime(3) semantics): the caller passes the whole offset it
  // measured now, and the replaced remainder comes back in slew_replaced. Resolution: 1 µs for
  // LinuxClock (rounded to nearest; slew_pending tells the amount scheduled), 1 ns for
  // VirtualClock. A step does not cancel a pending slew. |offset| ≤ kMaxSlew, else EINVAL and
  // nothing changes.
  virtual ClockStateResult slew(core::Duration offset) = 0;

  // Set the absolute frequency correction (not a delta), scaled ppm, > 0: runs faster.
  // |freq| ≤ kMaxFrequencyScaledPpm (see LinuxClock for how beyond ±500 ppm is realised),
  // else EINVAL and nothing changes.
  virtual ClockStateResult set_frequency(int64_t freq_scaled_ppm) = 0;

  // Jump the clock by `offset` at once (> 0: forward), exactly to the ns. offset ≠ 0.
  virtual ClockStateResult step(core::Duration offset) = 0;

  // Kernel status after an update: leap bits (STA_INS/STA_DEL from s.leap; both cleared for
  // kNone/kUnsync), STA_UNSYNC cleared when s.synced else set, maxerror/esterror (µs), and the
  // TAI offset when s.tai_offset_s > 0. Every other STA_* bit keeps its current value. The
  // rtcsync policy (when to claim synced) is the caller's. s must pass ipc validate().
  virtual ClockStateResult set_status(const ipc::SetKernelStatus& s) = 0;

  // The state without changing anything.
  virtual ClockStateResult read() = 0;

  // The clock's reading now (LinuxClock: CLOCK_REALTIME), on the scale of ClockState.time.
  virtual core::Result<core::Timestamp, Errno> read_time() = 0;

  // How long a CLOCK_MONOTONIC timer (the parent's event loop) must run for this clock to advance
  // by `local` at its present rate. LinuxClock: `local`, since the kernel applies the same
  // frequency and tick to CLOCK_MONOTONIC; VirtualClock: `local` scaled by its rate against its
  // base time.
  virtual core::Duration timer_duration(core::Duration local) = 0;
};

// Largest |slew| a backend accepts: 2145 s, glibc adjtime()'s limit (INT_MAX µs, less 2 s).
inline constexpr core::Duration kMaxSlew = core::Duration::s(2145);
// Largest |frequency| a backend accepts: ±10 % (100000 ppm), the kernel's tick range.
inline constexpr int64_t kMaxFrequencyScaledPpm = int64_t{100'000} * kScaledPerPpm;

// The STA_* word set_status() writes: `old` with STA_INS/STA_DEL/STA_UNSYNC replaced as described
// there and every other bit kept. Shared by both backends so they agree bit for bit.
uint32_t apply_kernel_status(uint32_t old, const ipc::SetKernelStatus& s);

// adjtimex()'s return as the kernel reports it for a status word and a leap state machine value
// (TIME_ERROR whenever STA_UNSYNC is set, as kernel/time/ntp.c does).
int reported_time_state(int raw_state, uint32_t status);

// Short name of a time_state for logs: "ok", "ins", "del", "oop", "wait", "error", "unknown".
const char* time_state_name(int time_state);

}  // namespace tempus::sys
