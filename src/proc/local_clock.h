// SPDX-License-Identifier: ISC
// The local clock as the net process sees it. Samples are timed on it and the discipline's
// ClockCommands are executed on it:
//   SystemClock   CLOCK_REALTIME; commands become the parent's five verbs over IPC.
//   NoAdjustClock (-x) a virtual clock riding on CLOCK_REALTIME; commands change only it, so the
//                 algorithms run and report as usual while the system clock is never touched
//                 (chronyd -x keeps a software model of its corrections the same way). Slews
//                 run on it as the parent runs them (RateSlew), with a timer on the net loop.
#pragma once

#include <functional>
#include <memory>

#include "config/model.h"
#include "core/sample.h"
#include "ipc/any_message.h"
#include "sys/event.h"

namespace tempus::proc {

class LocalClock {
 public:
  virtual ~LocalClock() = default;
  // Local time now, as corrected so far.
  virtual core::Timestamp now() = 0;
  // A CLOCK_REALTIME reading taken by the kernel (packet timestamps) on the same scale as now().
  virtual core::Timestamp from_realtime(core::Timestamp realtime) = 0;
  virtual void apply(const core::ClockCommand& c) = 0;
};

// Where SystemClock sends verbs (the parent channel).
using VerbSink = std::function<void(const ipc::AnyMessage&)>;

// rtcsync: only then may STA_UNSYNC be cleared (design.md §4).
std::unique_ptr<LocalClock> make_system_clock(VerbSink sink, bool rtcsync);
// base: the event loop for the slew timer; must outlive the clock.
std::unique_ptr<LocalClock> make_no_adjust_clock(event_base* base);

// The ipc verb for a command, with values clamped to the verbs' documented ranges. Pure.
ipc::AnyMessage to_verb(const core::ClockCommand& c, bool rtcsync);

}  // namespace tempus::proc
