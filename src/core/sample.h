// SPDX-License-Identifier: ISC
// A measurement of one source, and the clock commands the discipline issues. Pure value types
// shared by the NTP client (which makes samples), the per-source statistics, selection and the
// discipline (which consume them) and the net shell (which turns commands into IPC verbs).
//
// Sign conventions (the daemon's one set, design.md §4):
//   offset > 0     the local clock is BEHIND the source; correcting it moves the clock FORWARD.
//   frequency > 0  the local clock runs FASTER than it should (ppm); correcting it slows it.
#pragma once

#include <cstdint>
#include <variant>

#include "core/packet.h"
#include "core/time.h"

namespace tempus::core {

// RFC 5905 §8: from T1 (request left, local), T2 (server received), T3 (server sent), T4 (reply
// arrived, local): offset = ((T2 − T1) + (T3 − T4)) / 2, delay = (T4 − T1) − (T3 − T2).
struct Sample {
  Timestamp local_time;        // T4 on the local clock
  Duration offset;             // > 0: local clock behind the source
  Duration delay;              // round-trip delay, ≥ 0 (raised to the precision if below)
  Duration dispersion;         // this sample's own error: precisions + clock error over delay
  Duration root_delay;         // source's root delay + delay
  Duration root_dispersion;    // source's root dispersion + dispersion
  uint8_t stratum = 0;         // the source's stratum (1..15)
  Leap leap = Leap::kNone;     // the source's leap indicator
  uint32_t ref_id = 0;         // the source's reference ID
  bool operator==(const Sample&) const = default;
};

// What the discipline asks of the clock; the net shell maps each onto one ipc verb.
struct SlewCommand {
  Duration offset;  // the WHOLE correction still wanted (replaces any pending slew), > 0: forward;
                    // 0: end any slew
  double rate_ppm = 500;  // how fast: the clock runs at the frequency in force ± this until done
};
struct FrequencyCommand {
  double freq_ppm = 0;  // absolute correction to apply, > 0: make the clock run FASTER
};
struct StepCommand {
  Duration offset;  // > 0: step forward; never 0
};
struct StatusCommand {
  Leap leap = Leap::kUnsync;   // kUnsync: not synchronised
  bool synced = false;
  Duration max_error;          // kernel maxerror (root distance of the reference)
  Duration est_error;          // kernel esterror
  int32_t tai_offset_s = 0;    // TAI − UTC for the kernel (from a leap table); 0 = leave it
};
struct DriftCommand {
  double freq_ppm = 0;  // the correction in force (as FrequencyCommand), persisted
  double skew_ppm = 0;
};
using ClockCommand =
    std::variant<SlewCommand, FrequencyCommand, StepCommand, StatusCommand, DriftCommand>;

// Randomness enters the core only through this (transmit timestamps, ports are the shell's).
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint64_t next_u64() = 0;
};

}  // namespace tempus::core
