// SPDX-License-Identifier: ISC
// LinuxClock: ClockBackend over the host's CLOCK_REALTIME through adjtimex(2), as the parent runs
// it. All kernel access goes through KernelClockApi so tests can record the exact struct timex
// each verb produces; RealKernelClockApi is the one implementation that makes syscalls.
//
// What each verb sends (man adjtimex(2); kernel/time/ntp.c):
//   slew           modes = ADJ_OFFSET_SINGLESHOT (adjtime(3)), offset in µs (the parent uses it
//                  only to trim the end of its frequency slews, proc/rate_slew.h). The kernel slews
//                  at 500 ppm, independently of the PLL, and returns what remained of the
//                  previous slew. Why not ADJ_OFFSET: without STA_PLL the kernel ignores it,
//                  and with STA_PLL the kernel's PLL would also steer the frequency, which is
//                  the discipline's job (chrony and OpenNTPD both keep STA_PLL off).
//   set_frequency  modes = ADJ_FREQUENCY | ADJ_TICK, always both, so a tick left behind by an
//                  earlier daemon cannot bias the clock unseen. |f| ≤ 500 ppm: nominal tick,
//                  freq = f. Beyond: like chrony's sys_linux.c, tick carries the bulk in units
//                  of 10^6/nominal_tick ppm (100 ppm at USER_HZ 100) and freq the remainder
//                  (≤ half a unit), up to the kernel's ±10 % tick range.
//   step           modes = ADJ_SETOFFSET | ADJ_NANO, time = the offset as {sec, 0..1e9 ns}: one
//                  atomic kernel addition, no read-add-set race. Only if the kernel answers
//                  EINVAL (no ADJ_SETOFFSET, before Linux 2.6.39) does it fall back to
//                  clock_gettime + clock_settime.
//   set_status     a modes = 0 read, then modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR
//                  (| ADJ_TAI with constant = tai_offset_s when it is > 0), status from
//                  apply_kernel_status() (clock_backend.h).
//   read           modes = 0 (read-only, needs no privilege).
#pragma once

#include <cstdint>

#include <sys/timex.h>

#include "core/result.h"
#include "core/time.h"
#include "sys/clock_backend.h"
#include "sys/errno_result.h"

namespace tempus::sys {

// The kernel calls LinuxClock makes, one virtual each, so tests can replace them.
class KernelClockApi {
 public:
  virtual ~KernelClockApi() = default;
  // clock_adjtime(CLOCK_REALTIME, &tx): the kernel's clock state (TIME_OK..TIME_ERROR) or errno.
  // The kernel rewrites tx with the state after the call.
  virtual core::Result<int, Errno> adjtime(struct timex& tx) = 0;
  // clock_gettime(CLOCK_REALTIME).
  virtual core::Result<core::Timestamp, Errno> get_realtime() = 0;
  // clock_settime(CLOCK_REALTIME, t).
  virtual core::Status<Errno> set_realtime(core::Timestamp t) = 0;
  // USER_HZ (sysconf(_SC_CLK_TCK)): timex.tick is in µs per 1/USER_HZ s.
  virtual int64_t user_hz() = 0;
};

class RealKernelClockApi final : public KernelClockApi {
 public:
  core::Result<int, Errno> adjtime(struct timex& tx) override;
  core::Result<core::Timestamp, Errno> get_realtime() override;
  core::Status<Errno> set_realtime(core::Timestamp t) override;
  int64_t user_hz() override;
};

class LinuxClock final : public ClockBackend {
 public:
  // api must outlive this object. Reads user_hz() once (a value ≤ 0 counts as 100).
  explicit LinuxClock(KernelClockApi& api);

  ClockStateResult slew(core::Duration offset) override;
  ClockStateResult set_frequency(int64_t freq_scaled_ppm) override;
  ClockStateResult step(core::Duration offset) override;
  ClockStateResult set_status(const ipc::SetKernelStatus& s) override;
  ClockStateResult read() override;
  core::Result<core::Timestamp, Errno> read_time() override { return api_.get_realtime(); }
  core::Duration timer_duration(core::Duration local) override { return local; }

  // timex.tick at the nominal rate: round(10^6 / USER_HZ) µs (10000 at USER_HZ 100).
  int64_t nominal_tick_us() const { return nominal_tick_; }
  // The frequency one µs of tick is worth, scaled ppm (100 ppm = 6553600 at USER_HZ 100).
  int64_t tick_unit_scaled_ppm() const { return tick_unit_; }

 private:
  ClockStateResult call(struct timex& tx);
  ClockState to_state(const struct timex& tx, int ret) const;

  KernelClockApi& api_;
  int64_t nominal_tick_;
  int64_t tick_unit_;
  int64_t max_delta_tick_;  // kernel accepts tick within nominal ± 10 %
};

}  // namespace tempus::sys
