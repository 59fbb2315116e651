// SPDX-License-Identifier: ISC
#include "proc/clock_service.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <utility>

#include "sys/log.h"
#include "sys/state_files.h"

namespace tempus::proc {

using core::Unexpected;
using Outcome = core::Result<ipc::ClockResult, std::string>;

namespace {

constexpr size_t kMaxDriftFileBytes = 4096;
constexpr mode_t kDriftFileMode = 0644;  // as chronyd creates it
constexpr std::string_view kNoAdjust = "clock adjustment disabled (-x)";

std::string violation(ipc::MsgType t, std::string_view what, int64_t value) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "net sent %.*s: %.*s (value %" PRId64 ")",
                static_cast<int>(to_string(t).size()), to_string(t).data(),
                static_cast<int>(what.size()), what.data(), value);
  return buf;
}

std::string violation(ipc::MsgType t, ipc::IpcError e, int64_t value) {
  return violation(t, ipc::to_string(e), value);
}

ipc::ClockResult ok_result(ipc::MsgType request) {
  ipc::ClockResult r;
  r.request = request;
  return r;
}

}  // namespace

ipc::ClockResult to_clock_result(ipc::MsgType request, const sys::ClockStateResult& r) {
  ipc::ClockResult out = ok_result(request);
  if (!r) {
    const int e = r.error().code;
    out.error = (e >= 1 && e <= ipc::kMaxErrno) ? e : EIO;
    return out;
  }
  out.time_state = static_cast<uint32_t>(std::clamp(r->time_state, 0, 5));
  out.kernel_status = r->status & 0xffffu;
  out.freq_scaled_ppm = std::clamp(r->freq_scaled_ppm, -ipc::kKernelMaxFreqScaledPpm,
                                   ipc::kKernelMaxFreqScaledPpm);
  return out;
}

ClockService::ClockService(const ipc::ClockBounds& bounds, sys::ClockBackend* backend,
                           std::optional<DriftTarget> drift, MonotonicNs monotonic_ns,
                           RateSlew::ArmTimer arm_timer)
    : bounds_(bounds),
      bounds_ok_(ipc::validate(bounds).ok()),
      backend_(backend),
      drift_(std::move(drift)),
      monotonic_ns_(std::move(monotonic_ns)),
      budget_(bounds) {
  if (backend_) slew_.emplace(*backend_, std::move(arm_timer));
}

void ClockService::on_slew_timer() {
  if (slew_) slew_->on_timer();
}

void ClockService::end_slew() {
  if (slew_) slew_->end();
}

Outcome ClockService::handle(const ipc::AnyMessage& m) {
  if (!bounds_ok_) return Unexpected{std::string("clock bounds are invalid")};
  if (const auto* p = std::get_if<ipc::SlewOffset>(&m)) return slew(*p);
  if (const auto* p = std::get_if<ipc::SetFrequency>(&m)) return frequency(*p);
  if (const auto* p = std::get_if<ipc::StepClock>(&m)) return step(*p);
  if (const auto* p = std::get_if<ipc::SetKernelStatus>(&m)) return status(*p);
  if (const auto* p = std::get_if<ipc::WriteDrift>(&m)) return drift(*p);
  const ipc::MsgType t = ipc::type_of(m);
  return Unexpected{violation(t, "not a clock verb", static_cast<int64_t>(t))};
}

Outcome ClockService::slew(const ipc::SlewOffset& m) {
  if (auto c = ipc::check(bounds_, m); !c)
    return Unexpected{violation(m.kType, c.error(), m.offset_ns)};
  if (!backend_) return Unexpected{violation(m.kType, kNoAdjust, m.offset_ns)};
  return to_clock_result(m.kType,
                         slew_->slew(core::Duration::ns(m.offset_ns), m.rate_scaled_ppm));
}

Outcome ClockService::frequency(const ipc::SetFrequency& m) {
  if (auto c = ipc::check(bounds_, m); !c)
    return Unexpected{violation(m.kType, c.error(), m.freq_scaled_ppm)};
  if (!backend_) return Unexpected{violation(m.kType, kNoAdjust, m.freq_scaled_ppm)};
  return to_clock_result(m.kType, slew_->set_frequency(m.freq_scaled_ppm));
}

Outcome ClockService::step(const ipc::StepClock& m) {
  if (auto c = ipc::check(bounds_, m); !c)
    return Unexpected{violation(m.kType, c.error(), m.offset_ns)};
  if (!backend_) return Unexpected{violation(m.kType, kNoAdjust, m.offset_ns)};
  // Last, so that only a step about to be made uses up the budget.
  if (auto a = budget_.admit(monotonic_ns_()); !a)
    return Unexpected{violation(m.kType, a.error(), m.offset_ns)};
  return to_clock_result(m.kType, slew_->step(core::Duration::ns(m.offset_ns)));
}

Outcome ClockService::status(const ipc::SetKernelStatus& m) {
  if (auto c = ipc::check(bounds_, m); !c)
    return Unexpected{violation(m.kType, c.error(), static_cast<int64_t>(m.leap))};
  if (!backend_) return Unexpected{violation(m.kType, kNoAdjust, m.maxerror_us)};
  return to_clock_result(m.kType, backend_->set_status(m));
}

Outcome ClockService::drift(const ipc::WriteDrift& m) {
  if (auto c = ipc::check(bounds_, m); !c)
    return Unexpected{violation(m.kType, c.error(), m.freq_scaled_ppm)};
  ipc::ClockResult r = ok_result(m.kType);
  if (!drift_) return r;
  core::Drift value = core::drift_from_correction(m.freq_scaled_ppm, m.skew_scaled_ppm);
  // The file keeps its layout: ntpd's stays ntpd's (the way back to ntpd stays open).
  if (auto old = sys::read_small_file_at(drift_->dir.get(), drift_->name, kMaxDriftFileBytes))
    if (auto d = core::parse_drift(*old)) value.format = d->format;
  const std::string text = core::format_drift(value);
  if (auto w = sys::write_atomically(drift_->dir.get(), drift_->name, text, kDriftFileMode); !w) {
    const int e = w.error().code;
    r.error = (e >= 1 && e <= ipc::kMaxErrno) ? e : EIO;
  }
  return r;
}

void log_clock_result(const ipc::AnyMessage& m, const ipc::ClockResult& r) {
  if (const auto* step = std::get_if<ipc::StepClock>(&m)) {
    if (r.error == 0) {
      sys::logf(sys::Severity::kNotice, "System clock was stepped by %.6f seconds",
                static_cast<double>(step->offset_ns) / 1e9);
    } else {
      sys::logf(sys::Severity::kError, "cannot step the clock: %s", std::strerror(r.error));
    }
  } else if (r.error != 0) {
    sys::logf(sys::Severity::kError, "clock %s failed: %s",
              std::string(ipc::to_string(ipc::type_of(m))).c_str(), std::strerror(r.error));
  }
}

}  // namespace tempus::proc
