// SPDX-License-Identifier: ISC
#include "sys/virtual_clock.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <sys/timex.h>

namespace tempus::sys {

using core::Duration;
using core::Timestamp;
using core::Unexpected;

namespace {

__extension__ using i128 = __int128;

constexpr int64_t kPpmDenominator = int64_t{1'000'000} * kScaledPerPpm;  // scaled ppm → ratio
constexpr int64_t kSlewRatePpm = 500;                                     // MAX_TICKADJ: 500 µs/s
constexpr int64_t kMaxErrorGrowthUsPerSec = 500;                          // MAXFREQ / 1000
constexpr int64_t kDayNs = int64_t{86'400} * core::kNsPerSec;
constexpr int64_t kNominalTickUs = 10'000;  // USER_HZ 100

int64_t clamp_freq(int64_t f) {
  return std::clamp(f, -kMaxFrequencyScaledPpm, kMaxFrequencyScaledPpm);
}

// The first UTC midnight strictly after t, ns since 1970.
int64_t next_midnight_ns(int64_t t) {
  int64_t day = t / kDayNs;
  if (t % kDayNs < 0) --day;  // floor
  return (day + 1) * kDayNs;
}

}  // namespace

VirtualClock::VirtualClock(BaseTime base, const Options& opt)
    : base_(std::move(base)),
      osc_error_(clamp_freq(opt.oscillator_error_scaled_ppm)),
      status_(opt.initial_status & 0xffffu),
      maxerror_us_(ipc::kKernelMaxErrorUs),
      esterror_us_(ipc::kKernelMaxErrorUs) {
  last_base_ = base_();
  virt_ = last_base_ + opt.initial_offset;
}

void VirtualClock::advance() {
  const Timestamp b = base_();
  if (b <= last_base_) return;  // base stood still or went back: hold (see header)
  const int64_t e = (b - last_base_).count_ns();
  last_base_ = b;
  const Timestamp before = virt_;

  // Rate: e × (osc + correction) / (65536 × 10^6), remainder carried to the next call.
  const i128 prod = static_cast<i128>(e) * (osc_error_ + freq_) + rate_rem_;
  const auto whole = static_cast<int64_t>(prod / kPpmDenominator);
  rate_rem_ = static_cast<int64_t>(prod % kPpmDenominator);
  virt_ = virt_ + Duration::ns(e) + Duration::ns(whole);

  // Single-shot slew at 500 ppm of elapsed time.
  if (slew_pending_ != 0) {
    const i128 cap_prod = static_cast<i128>(e) * kSlewRatePpm + slew_rem_;
    const auto cap = static_cast<int64_t>(std::min<i128>(cap_prod / 1'000'000, INT64_MAX));
    slew_rem_ = static_cast<int64_t>(cap_prod % 1'000'000);
    const int64_t mag = slew_pending_ < 0 ? -slew_pending_ : slew_pending_;
    const int64_t apply = std::min(cap, mag);
    const int64_t signed_apply = slew_pending_ < 0 ? -apply : apply;
    slew_pending_ -= signed_apply;
    virt_ = virt_ + Duration::ns(signed_apply);
    if (slew_pending_ == 0) slew_rem_ = 0;
  }

  // kernel/time/ntp.c second_overflow(): maxerror grows; past the limit the clock is unsynced.
  const i128 secs_ns = static_cast<i128>(maxerr_rem_) + e;
  const auto secs = static_cast<int64_t>(
      std::min<i128>(secs_ns / core::kNsPerSec, ipc::kKernelMaxErrorUs));
  maxerr_rem_ = static_cast<int64_t>(secs_ns % core::kNsPerSec);
  maxerror_us_ += secs * kMaxErrorGrowthUsPerSec;
  if (maxerror_us_ > ipc::kKernelMaxErrorUs) {
    maxerror_us_ = ipc::kKernelMaxErrorUs;
    status_ |= STA_UNSYNC;
  }

  apply_leap(before);
}

void VirtualClock::apply_leap(Timestamp before) {
  if (time_state_ == TIME_WAIT) return;
  const int64_t midnight = next_midnight_ns(before.unix_ns());
  if ((status_ & STA_INS) != 0 && virt_.unix_ns() >= midnight) {
    virt_ = virt_ - Duration::s(1);  // 23:59:60 is 23:59:59 repeated
    time_state_ = TIME_WAIT;
  } else if ((status_ & STA_DEL) != 0 && virt_.unix_ns() >= midnight - core::kNsPerSec) {
    virt_ = virt_ + Duration::s(1);  // 23:59:59 never happens
    time_state_ = TIME_WAIT;
  }
}

ClockState VirtualClock::state() {
  ClockState s;
  int raw = time_state_;
  if (raw != TIME_WAIT) raw = (status_ & STA_INS) ? TIME_INS : (status_ & STA_DEL) ? TIME_DEL
                                                                                   : TIME_OK;
  s.time_state = reported_time_state(raw, status_);
  s.status = status_;
  // Split as LinuxClock does at USER_HZ 100: the tick carries whole 100 ppm units beyond 500 ppm.
  int64_t delta_tick = 0;
  if (freq_ > ipc::kKernelMaxFreqScaledPpm || freq_ < -ipc::kKernelMaxFreqScaledPpm) {
    const int64_t unit = 100 * kScaledPerPpm;
    delta_tick = freq_ >= 0 ? (freq_ + unit / 2) / unit : -((-freq_ + unit / 2) / unit);
  }
  s.tick_us = kNominalTickUs + delta_tick;
  s.freq_scaled_ppm = freq_ - delta_tick * 100 * kScaledPerPpm;
  s.effective_freq_scaled_ppm = freq_;
  s.slew_pending = Duration::ns(slew_pending_);
  s.maxerror_us = maxerror_us_;
  s.esterror_us = esterror_us_;
  s.tai_offset_s = tai_;
  s.time = virt_;
  return s;
}

Timestamp VirtualClock::now() {
  advance();
  return virt_;
}

ClockStateResult VirtualClock::slew(Duration offset) {
  if (offset == Duration::min() || offset.abs() > kMaxSlew) return Unexpected{Errno{EINVAL}};
  advance();
  const int64_t replaced = std::exchange(slew_pending_, offset.count_ns());
  slew_rem_ = 0;
  ++adjustments_;
  ClockState s = state();
  s.slew_replaced = Duration::ns(replaced);
  return s;
}

ClockStateResult VirtualClock::set_frequency(int64_t f) {
  if (f > kMaxFrequencyScaledPpm || f < -kMaxFrequencyScaledPpm) return Unexpected{Errno{EINVAL}};
  advance();  // the old rate holds up to now
  freq_ = f;
  ++adjustments_;
  return state();
}

ClockStateResult VirtualClock::step(Duration offset) {
  if (offset.count_ns() == 0 || offset == Duration::min()) return Unexpected{Errno{EINVAL}};
  advance();
  virt_ = virt_ + offset;
  ++adjustments_;
  return state();
}

ClockStateResult VirtualClock::set_status(const ipc::SetKernelStatus& s) {
  if (static_cast<uint8_t>(s.leap) > static_cast<uint8_t>(ipc::LeapState::kUnsync) ||
      s.maxerror_us < 0 || s.maxerror_us > ipc::kKernelMaxErrorUs || s.esterror_us < 0 ||
      s.esterror_us > ipc::kKernelMaxErrorUs || s.tai_offset_s < 0 ||
      s.tai_offset_s > ipc::kMaxTaiOffsetS)
    return Unexpected{Errno{EINVAL}};
  advance();
  status_ = apply_kernel_status(status_, s);
  if (time_state_ == TIME_WAIT && (status_ & (STA_INS | STA_DEL)) == 0) time_state_ = TIME_OK;
  maxerror_us_ = s.maxerror_us;
  esterror_us_ = s.esterror_us;
  if (s.tai_offset_s > 0) tai_ = s.tai_offset_s;
  ++adjustments_;
  return state();
}

Duration VirtualClock::timer_duration(Duration local) {
  // base = local / (1 + (osc + freq) / (65536 × 10^6)); the rate is ≥ 0.8 by the clamps.
  const i128 num = static_cast<i128>(local.count_ns()) * kPpmDenominator;
  const i128 den = static_cast<i128>(kPpmDenominator) + osc_error_ + freq_;
  return Duration::ns(static_cast<int64_t>(num / den));
}

ClockStateResult VirtualClock::read() {
  advance();
  return state();
}

}  // namespace tempus::sys
