// SPDX-License-Identifier: ISC
// The PHC reference clock's arithmetic (chrony's `refclock PHC /dev/ptpN`): turning the raw
// readings a PTP hardware clock's PTP_SYS_OFFSET* ioctls return into one offset measurement.
// Pure: the net process does the ioctls (sys/phc.h) and hands the timestamps in.
//
// A reading is a triplet: the system clock (CLOCK_REALTIME) just before the PHC was read, the
// PHC, and the system clock just after. The PHC time belongs somewhere inside [before, after],
// so the midpoint is the best guess and half the window its error bound. A cross-timestamp
// (PTP_SYS_OFFSET_PRECISE) is a triplet with before == after: the hardware latched both clocks
// at the same instant.
//
// Sign convention (core/sample.h): offset > 0 means the system clock is BEHIND the PHC.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tempus::core {

// struct ptp_clock_time's fields as the kernel gives them (no range checked yet).
struct PhcTime {
  int64_t sec = 0;
  uint32_t nsec = 0;
};

struct PhcTriplet {
  PhcTime sys_before;  // CLOCK_REALTIME before the PHC read
  PhcTime phc;         // the PHC
  PhcTime sys_after;   // CLOCK_REALTIME after
};

struct PhcMeasurement {
  Timestamp sys_time;   // CLOCK_REALTIME at the midpoint of the chosen triplet
  Duration offset;      // PHC (as UTC) − sys_time; > 0: system clock behind
  Duration dispersion;  // half the chosen triplet's window + precision
  Duration window;      // after − before of the chosen triplet (0 for a cross-timestamp)
};

enum class PhcError : uint8_t {
  kNoReadings,  // an empty list
  kBadTime,     // a timestamp with nsec ≥ 1e9 or seconds outside 0..2^33
  kBackwards,   // every triplet had after < before (the system clock was stepped meanwhile)
};
std::string_view to_string(PhcError e);

// Picks the triplet with the shortest window (after − before; triplets with a negative window
// are skipped; the first of equal ones wins) and measures from it. `precision` (≥ 0) is added
// to the dispersion. `tai_minus_utc_s` > 0 says the PHC keeps TAI: that many seconds are taken
// off the PHC time before comparing (refclock option `tai`); 0 for a PHC in UTC.
Result<PhcMeasurement, PhcError> measure_phc(std::span<const PhcTriplet> readings,
                                             Duration precision, int32_t tai_minus_utc_s);

}  // namespace tempus::core
