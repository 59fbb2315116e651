// SPDX-License-Identifier: ISC
// The parent's hard limits on clock verbs (ipc::ClockBounds), fixed from the configuration before
// any child starts (design.md §2). They are a fence around net's own policy, not the policy:
//   slew       |offset| ≤ 1000 s: ntpd's panic threshold; larger errors are corrected by a step
//              (makestep) or not at all. Rate ≤ maxslewrate, itself capped at 100000 ppm (the
//              kernel's tick range; chrony's cap) and floored at 2^-16 ppm.
//   step       allowed only with makestep (or -q); any magnitude up to 200 years, since a machine
//              without a working RTC may boot decades off. The rate is what is bounded: at most
//              makestep's LIMIT steps per hour (LIMIT < 0, "always": 4 per hour; -q: 1), one more
//              for the `chronyc makestep` command when makestep is configured, one more with
//              initstepslew and one more with leapsecmode step.
//   frequency  the kernel's own ±500 ppm.
#pragma once

#include <cstdint>
#include <optional>

#include "config/model.h"
#include "ipc/bounds.h"
#include "proc/options.h"

namespace tempus::proc {

inline constexpr int64_t kMaxSlewBoundNs = int64_t{1000} * 1'000'000'000;
inline constexpr int64_t kMaxStepBoundNs = int64_t{200} * 365 * 86400 * 1'000'000'000;
inline constexpr uint32_t kStepsPerHourWhenUnlimited = 4;
inline constexpr uint32_t kCommandStepsPerHour = 1;  // chronyc makestep (net enforces it too)

ipc::ClockBounds clock_bounds(const config::Config& cfg, const Options& opts);

// The steps an hour clock_bounds() grants the chronyc makestep command: kCommandStepsPerHour
// when makestep is configured (not with -q, nor for initstepslew's or leapsecmode's steps).
uint32_t command_steps_per_hour(const config::Config& cfg, const Options& opts);
// Whether net may make that command's step at monotonic time now_ns, the command having last
// stepped at last_step_ns.
bool command_step_allowed(uint32_t per_hour, std::optional<int64_t> last_step_ns,
                          int64_t now_ns);

}  // namespace tempus::proc
