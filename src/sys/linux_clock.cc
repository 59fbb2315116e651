// SPDX-License-Identifier: ISC
#include "sys/linux_clock.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <time.h>
#include <unistd.h>

namespace tempus::sys {

using core::Duration;
using core::Unexpected;

namespace {

constexpr int64_t kMaxKernelFreq = ipc::kKernelMaxFreqScaledPpm;  // 500 ppm, MAXFREQ_SCALED

// a / b rounded to nearest, halves away from zero; b > 0.
int64_t div_round(int64_t a, int64_t b) {
  return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

struct timex zeroed_timex() {
  struct timex tx;
  std::memset(&tx, 0, sizeof tx);
  return tx;
}

}  // namespace

// ---- RealKernelClockApi ---------------------------------------------------------------------

core::Result<int, Errno> RealKernelClockApi::adjtime(struct timex& tx) {
  const int r = ::clock_adjtime(CLOCK_REALTIME, &tx);
  if (r < 0) return Unexpected{last_errno()};
  return r;
}

core::Result<core::Timestamp, Errno> RealKernelClockApi::get_realtime() {
  struct timespec ts {};
  if (::clock_gettime(CLOCK_REALTIME, &ts) != 0) return Unexpected{last_errno()};
  return core::Timestamp::from_unix(ts.tv_sec, ts.tv_nsec);
}

core::Status<Errno> RealKernelClockApi::set_realtime(core::Timestamp t) {
  struct timespec ts {};
  ts.tv_sec = static_cast<time_t>(t.unix_sec());
  ts.tv_nsec = static_cast<long>(t.nsec());
  if (::clock_settime(CLOCK_REALTIME, &ts) != 0) return Unexpected{last_errno()};
  return {};
}

int64_t RealKernelClockApi::user_hz() { return ::sysconf(_SC_CLK_TCK); }

// ---- LinuxClock -----------------------------------------------------------------------------

LinuxClock::LinuxClock(KernelClockApi& api) : api_(api) {
  int64_t hz = api_.user_hz();
  if (hz <= 0) hz = 100;
  nominal_tick_ = (1'000'000 + hz / 2) / hz;  // as the kernel's TICK_USEC
  tick_unit_ = div_round(int64_t{1'000'000} * kScaledPerPpm, nominal_tick_);
  // kernel/time/ntp.c: tick must lie within [900000 / USER_HZ, 1100000 / USER_HZ].
  max_delta_tick_ = std::min(1'100'000 / hz - nominal_tick_, nominal_tick_ - 900'000 / hz);
  if (max_delta_tick_ < 0) max_delta_tick_ = 0;
}

ClockState LinuxClock::to_state(const struct timex& tx, int ret) const {
  ClockState s;
  s.time_state = ret;
  s.status = static_cast<uint32_t>(tx.status) & 0xffffu;
  const bool nano = (tx.status & STA_NANO) != 0;
  s.freq_scaled_ppm = tx.freq;
  s.tick_us = tx.tick;
  s.effective_freq_scaled_ppm = tx.freq + (tx.tick - nominal_tick_) * tick_unit_;
  s.pll_offset = nano ? Duration::ns(tx.offset) : Duration::us(tx.offset);
  s.maxerror_us = tx.maxerror;
  s.esterror_us = tx.esterror;
  s.tai_offset_s = tx.tai;
  s.time = core::Timestamp::from_unix(tx.time.tv_sec, nano ? tx.time.tv_usec
                                                           : tx.time.tv_usec * 1000);
  return s;
}

ClockStateResult LinuxClock::call(struct timex& tx) {
  auto r = api_.adjtime(tx);
  if (!r) return Unexpected{r.error()};
  return to_state(tx, *r);
}

ClockStateResult LinuxClock::slew(Duration offset) {
  if (offset == Duration::min() || offset.abs() > kMaxSlew) return Unexpected{Errno{EINVAL}};
  const int64_t us = div_round(offset.count_ns(), 1000);
  struct timex tx = zeroed_timex();
  tx.modes = ADJ_OFFSET_SINGLESHOT;  // must be alone: the kernel rejects other bits with it
  tx.offset = us;
  auto r = api_.adjtime(tx);
  if (!r) return Unexpected{r.error()};
  // For ADJ_OFFSET_SINGLESHOT the kernel returns the replaced remainder in offset, always µs.
  const Duration replaced = Duration::us(tx.offset);
  tx.offset = 0;
  ClockState s = to_state(tx, *r);
  s.slew_pending = Duration::us(us);
  s.slew_replaced = replaced;
  return s;
}

ClockStateResult LinuxClock::set_frequency(int64_t f) {
  if (f > kMaxFrequencyScaledPpm || f < -kMaxFrequencyScaledPpm)
    return Unexpected{Errno{EINVAL}};
  int64_t delta_tick = 0;
  int64_t freq = f;
  if (f > kMaxKernelFreq || f < -kMaxKernelFreq) {
    delta_tick = div_round(f, tick_unit_);
    freq = f - delta_tick * tick_unit_;
    if (delta_tick > max_delta_tick_ || delta_tick < -max_delta_tick_ || freq > kMaxKernelFreq ||
        freq < -kMaxKernelFreq)
      return Unexpected{Errno{EINVAL}};
  }
  struct timex tx = zeroed_timex();
  tx.modes = ADJ_FREQUENCY | ADJ_TICK;
  tx.freq = freq;
  tx.tick = nominal_tick_ + delta_tick;
  return call(tx);
}

ClockStateResult LinuxClock::step(Duration offset) {
  if (offset.count_ns() == 0 || offset == Duration::min()) return Unexpected{Errno{EINVAL}};
  const auto delta = core::Timestamp::from_unix_ns(offset.count_ns());
  struct timex tx = zeroed_timex();
  tx.modes = ADJ_SETOFFSET | ADJ_NANO;
  tx.time.tv_sec = static_cast<time_t>(delta.unix_sec());  // floor, so that 0 ≤ ns < 1e9
  tx.time.tv_usec = static_cast<suseconds_t>(delta.nsec());
  auto r = call(tx);
  if (r.ok() || r.error().code != EINVAL) return r;

  // Kernel without ADJ_SETOFFSET: read, add, set (racy by the time between the two calls).
  auto now = api_.get_realtime();
  if (!now) return Unexpected{now.error()};
  const int64_t t = now->unix_ns();
  if ((offset.count_ns() > 0 && t > std::numeric_limits<int64_t>::max() - offset.count_ns()) ||
      (offset.count_ns() < 0 && t < std::numeric_limits<int64_t>::min() - offset.count_ns()))
    return Unexpected{Errno{EOVERFLOW}};
  if (auto s = api_.set_realtime(*now + offset); !s) return Unexpected{s.error()};
  return read();
}

ClockStateResult LinuxClock::set_status(const ipc::SetKernelStatus& s) {
  if (static_cast<uint8_t>(s.leap) > static_cast<uint8_t>(ipc::LeapState::kUnsync) ||
      s.maxerror_us < 0 || s.maxerror_us > ipc::kKernelMaxErrorUs || s.esterror_us < 0 ||
      s.esterror_us > ipc::kKernelMaxErrorUs || s.tai_offset_s < 0 ||
      s.tai_offset_s > ipc::kMaxTaiOffsetS)
    return Unexpected{Errno{EINVAL}};
  auto cur = read();
  if (!cur) return cur;
  struct timex tx = zeroed_timex();
  tx.modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR;
  tx.status = static_cast<int>(apply_kernel_status(cur->status, s));
  tx.maxerror = s.maxerror_us;
  tx.esterror = s.esterror_us;
  if (s.tai_offset_s > 0) {
    tx.modes |= ADJ_TAI;
    tx.constant = s.tai_offset_s;  // ADJ_TAI takes the offset from the constant field
  }
  return call(tx);
}

ClockStateResult LinuxClock::read() {
  struct timex tx = zeroed_timex();
  tx.modes = 0;
  return call(tx);
}

}  // namespace tempus::sys
