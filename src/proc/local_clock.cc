// SPDX-License-Identifier: ISC
#include "proc/local_clock.h"

#include <algorithm>
#include <cmath>

#include "core/drift.h"
#include "ipc/any_message.h"
#include "proc/rate_slew.h"
#include "sys/udp.h"
#include "sys/virtual_clock.h"

namespace tempus::proc {

namespace {

// The kernel's ±500 ppm bound first (ppm_to_scaled's own saturation is the drift file's wider one;
// it also maps NaN to 0).
int64_t to_scaled_ppm(double ppm) { return core::ppm_to_scaled(std::clamp(ppm, -500.0, 500.0)); }

// The slew rate in the wire's unit, within SlewOffset's range (NaN: the slowest).
int64_t to_scaled_rate(double ppm) {
  const double scaled = std::round(ppm * 65536.0);
  if (!(scaled >= 1)) return 1;
  return static_cast<int64_t>(std::min(scaled, static_cast<double>(ipc::kMaxSlewRateScaledPpm)));
}

int64_t to_error_us(core::Duration d) {
  return std::clamp<int64_t>(d.count_ns() / 1000, 0, ipc::kKernelMaxErrorUs);
}

class SystemClock final : public LocalClock {
 public:
  SystemClock(VerbSink sink, bool rtcsync) : sink_(std::move(sink)), rtcsync_(rtcsync) {}
  core::Timestamp now() override { return sys::realtime_now(); }
  core::Timestamp from_realtime(core::Timestamp realtime) override { return realtime; }
  void apply(const core::ClockCommand& c) override { sink_(to_verb(c, rtcsync_)); }

 private:
  VerbSink sink_;
  bool rtcsync_;
};

class NoAdjustClock final : public LocalClock {
 public:
  explicit NoAdjustClock(event_base* base)
      : clock_(&sys::realtime_now, sys::VirtualClock::Options{}),
        slew_(clock_, [this](std::optional<core::Duration> d) {
          if (d) timer_.add(*d); else timer_.del();
        }),
        timer_(sys::Event::timer(base, [this](short) { slew_.on_timer(); })) {}
  core::Timestamp now() override { return clock_.now(); }
  core::Timestamp from_realtime(core::Timestamp realtime) override {
    const core::Timestamp real = sys::realtime_now();
    return clock_.now() - (real - realtime);
  }
  void apply(const core::ClockCommand& c) override {
    std::visit(
        [this](const auto& cmd) {
          using T = std::decay_t<decltype(cmd)>;
          if constexpr (std::is_same_v<T, core::SlewCommand>) {
            (void)slew_.slew(cmd.offset, to_scaled_rate(cmd.rate_ppm));
          } else if constexpr (std::is_same_v<T, core::FrequencyCommand>) {
            (void)slew_.set_frequency(to_scaled_ppm(cmd.freq_ppm));
          } else if constexpr (std::is_same_v<T, core::StepCommand>) {
            (void)slew_.step(cmd.offset);
          }
          // Status and drift: nothing to keep under -x.
        },
        c);
  }

 private:
  sys::VirtualClock clock_;
  RateSlew slew_;
  sys::Event timer_;  // last: gone before slew_ (whose destructor does not touch it)
};

}  // namespace

ipc::AnyMessage to_verb(const core::ClockCommand& c, bool rtcsync) {
  return std::visit(
      [rtcsync](const auto& cmd) -> ipc::AnyMessage {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, core::SlewCommand>) {
          return ipc::SlewOffset{.offset_ns = cmd.offset.count_ns(),
                                 .rate_scaled_ppm = to_scaled_rate(cmd.rate_ppm)};
        } else if constexpr (std::is_same_v<T, core::FrequencyCommand>) {
          return ipc::SetFrequency{.freq_scaled_ppm = to_scaled_ppm(cmd.freq_ppm)};
        } else if constexpr (std::is_same_v<T, core::StepCommand>) {
          return ipc::StepClock{.offset_ns = cmd.offset.count_ns()};
        } else if constexpr (std::is_same_v<T, core::StatusCommand>) {
          ipc::SetKernelStatus s;
          const bool synced = cmd.synced && cmd.leap != core::Leap::kUnsync;
          s.leap = synced ? static_cast<ipc::LeapState>(cmd.leap) : ipc::LeapState::kUnsync;
          s.synced = synced && rtcsync;
          s.maxerror_us = synced ? to_error_us(cmd.max_error) : ipc::kKernelMaxErrorUs;
          s.esterror_us = std::min(s.maxerror_us, synced ? to_error_us(cmd.est_error)
                                                         : ipc::kKernelMaxErrorUs);
          if (cmd.tai_offset_s > 0 && cmd.tai_offset_s <= ipc::kMaxTaiOffsetS)
            s.tai_offset_s = cmd.tai_offset_s;
          return s;
        } else {
          return ipc::WriteDrift{.freq_scaled_ppm = to_scaled_ppm(cmd.freq_ppm),
                                 .skew_scaled_ppm = std::min<int64_t>(
                                     std::abs(to_scaled_ppm(cmd.skew_ppm)),
                                     ipc::kKernelMaxFreqScaledPpm)};
        }
      },
      c);
}

std::unique_ptr<LocalClock> make_system_clock(VerbSink sink, bool rtcsync) {
  return std::make_unique<SystemClock>(std::move(sink), rtcsync);
}

std::unique_ptr<LocalClock> make_no_adjust_clock(event_base* base) {
  return std::make_unique<NoAdjustClock>(base);
}

}  // namespace tempus::proc
