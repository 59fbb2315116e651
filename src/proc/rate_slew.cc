// SPDX-License-Identifier: ISC
#include "proc/rate_slew.h"

#include <algorithm>
#include <utility>

#include "sys/log.h"

namespace tempus::proc {

using core::Duration;
using core::Unexpected;

namespace {

// A timer that fires this close to the end counts as on time (the event loop's resolution is
// 1 µs at best; re-arming for less only costs wake-ups).
constexpr Duration kTimerSlack = Duration::us(10);
// Trims below LinuxClock's 1 µs resolution are not worth a syscall; above a second something
// else went wrong (the clock was stepped under the slew) and a 500 ppm trim would run for hours.
constexpr Duration kMinTrim = Duration::us(1);
constexpr Duration kMaxTrim = Duration::s(1);

double to_ppm(int64_t scaled) { return static_cast<double>(scaled) / static_cast<double>(sys::kScaledPerPpm); }

}  // namespace

RateSlew::RateSlew(sys::ClockBackend& clock, ArmTimer arm) : clock_(clock), arm_(std::move(arm)) {}

RateSlew::~RateSlew() {
  // No crash of net can leave the clock fast; the timer is the owner's and may be gone already.
  if (active_ && base_) (void)clock_.set_frequency(*base_);
}

core::Result<int64_t, sys::Errno> RateSlew::base() {
  if (base_) return *base_;
  auto s = clock_.read();
  if (!s) return Unexpected{s.error()};
  base_ = std::clamp(s->effective_freq_scaled_ppm, -sys::kMaxFrequencyScaledPpm,
                     sys::kMaxFrequencyScaledPpm);
  return *base_;
}

Duration RateSlew::remaining() {
  if (!active_) return Duration();
  auto t = clock_.read_time();
  return t ? plan_.remaining(*t - start_) : plan_.offset;
}

void RateSlew::start(core::Timestamp t, int64_t base, int64_t total) {
  active_ = true;
  total_ = total;
  start_ = t;
  plan_.rate_ppm = to_ppm(total - base);
  arm_(clock_.timer_duration(plan_.duration()));
}

sys::ClockStateResult RateSlew::slew(Duration offset, int64_t rate_scaled_ppm) {
  auto b = base();
  if (!b) return Unexpected{b.error()};
  const Duration replaced = remaining();
  const int64_t signed_rate = offset < Duration() ? -rate_scaled_ppm : rate_scaled_ppm;
  const int64_t total =
      std::clamp(*b + signed_rate, -sys::kMaxFrequencyScaledPpm, sys::kMaxFrequencyScaledPpm);
  sys::ClockStateResult r = (offset == Duration() || total == *b) ? finish(false)
                                                                  : clock_.set_frequency(total);
  if (!r) {
    if (active_) (void)finish(false);  // the old slew must not run on unaccounted
    return r;
  }
  if (offset != Duration() && total != *b) {
    auto t = clock_.read_time();
    if (!t) {
      (void)finish(false);
      return Unexpected{t.error()};
    }
    plan_.offset = offset;
    start(*t, *b, total);
  }
  r->slew_pending = active_ ? offset : Duration();
  r->slew_replaced = replaced;
  return r;
}

sys::ClockStateResult RateSlew::set_frequency(int64_t f) {
  if (!active_) {
    auto r = clock_.set_frequency(f);
    if (r) base_ = f;
    return r;
  }
  const int64_t rate = total_ - *base_;
  const int64_t total =
      std::clamp(f + rate, -sys::kMaxFrequencyScaledPpm, sys::kMaxFrequencyScaledPpm);
  auto r = clock_.set_frequency(total);
  if (!r) return r;  // nothing changed
  base_ = f;
  auto t = clock_.read_time();
  if (!t) {
    (void)finish(false);
    return r;
  }
  // The old rate held until now; the rest continues from here on the new base.
  const Duration elapsed = *t - start_;
  const Duration done = plan_.applied(elapsed);
  if (done.abs() >= plan_.offset.abs() || total == f) {
    (void)finish(true);
    return r;
  }
  plan_.offset = plan_.offset - done;
  start(*t, f, total);
  return r;
}

sys::ClockStateResult RateSlew::step(Duration offset) {
  if (active_) (void)finish(false);
  return clock_.step(offset);
}

void RateSlew::on_timer() {
  if (!active_) return;
  auto t = clock_.read_time();
  if (!t) {
    (void)finish(false);
    return;
  }
  const Duration left = plan_.duration() - (*t - start_);
  if (left > kTimerSlack) {
    arm_(clock_.timer_duration(left));
    return;
  }
  (void)finish(true);
}

void RateSlew::end() {
  if (active_) (void)finish(false);
}

sys::ClockStateResult RateSlew::finish(bool with_trim) {
  const bool was_active = std::exchange(active_, false);
  arm_(std::nullopt);
  const int64_t b = base_.value_or(0);
  auto r = clock_.set_frequency(b);
  if (!r) {
    sys::logf(sys::Severity::kCritical, "cannot end a clock slew: %s",
              sys::to_string(r.error()).c_str());
    return r;
  }
  if (!was_active || !with_trim) return r;
  auto t = clock_.read_time();
  if (t) trim(plan_.offset - plan_.applied(*t - start_));
  return r;
}

void RateSlew::trim(Duration residual) {
  if (residual.abs() < kMinTrim || residual.abs() > kMaxTrim) return;
  auto s = clock_.slew(residual);
  // A trim still running from the previous slew is part of the correction too.
  if (s && s->slew_replaced && *s->slew_replaced != Duration())
    (void)clock_.slew(residual + *s->slew_replaced);
}

}  // namespace tempus::proc
