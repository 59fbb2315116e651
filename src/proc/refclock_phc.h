// SPDX-License-Identifier: ISC
// `refclock PHC` in the net process: the device (opened before the sandbox), its reader
// (sys/phc.h) and the arithmetic (core/refclock_phc.h), read every 2^dpoll s by Associations,
// which hands each measurement to core::Engine::on_refclock_read (the median filter lives
// there, so clock corrections reach its samples).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/model.h"
#include "core/engine.h"
#include "core/refclock_filter.h"
#include "proc/local_clock.h"
#include "sys/phc.h"

namespace tempus::proc {

class PhcRefclock {
 public:
  // Opens rc.device read-only and reads it once. Before the sandbox closes; a device that
  // cannot be opened or read, or `tai` without a leap-second table, is a fatal error naming the
  // device and the config line.
  static std::unique_ptr<PhcRefclock> open(const config::Refclock& rc, bool have_leap_table);

  // One read, as a sample on the local clock (the -x virtual clock included); nullopt when the
  // read failed (logged). `tai_minus_utc_s`: TAI − UTC now, used with the `tai` option.
  std::optional<core::RefclockSample> read(LocalClock& clock, int32_t tai_minus_utc_s);

  const std::string& device() const { return device_; }
  sys::PhcMethod method() const { return reader_.method(); }

  // On an open device (a fake one in tests).
  PhcRefclock(const config::Refclock& rc, std::unique_ptr<sys::PhcDevice> device);

 private:
  std::string device_;
  core::Duration precision_;
  bool tai_;
  std::unique_ptr<sys::PhcDevice> dev_;
  sys::PhcReader reader_;
  size_t fallbacks_logged_ = 0;
  bool failing_ = false;
};

// The engine options of a refclock from its config (pure): refid, offset, delay, precision,
// stratum, selection flags, minsamples/maxsamples; for PHC the filter and a timeout of at least
// four polls.
core::Engine::RefclockOptions refclock_options(const config::Refclock& rc);

}  // namespace tempus::proc
