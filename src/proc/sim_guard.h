// SPDX-License-Identifier: ISC
// tempus-simd's safety interlock: it disciplines CLOCK_REALTIME with direct adjtimex calls and
// no privilege separation, which is only acceptable when those calls never reach the kernel.
// simulator_status() says whether an LD_PRELOAD clock simulator (clknetsim) intercepts them;
// tempus-simd refuses to start unless it does, before it makes any clock-setting call.
//
// Three independent checks, each of which a real kernel cannot pass:
//  1. CLKNETSIM_NODE is set. clknetsim's client library exits in its constructor without it,
//     so the variable is present whenever the library runs; its absence means no simulator.
//  2. Every clock call the binary can make (clock_adjtime, adjtimex, ntp_adjtime, clock_settime,
//     settimeofday, clock_gettime) resolves to a definition other than the C library's own: the
//     address our PLT binds to (dlsym RTLD_DEFAULT) differs from libc.so.6's. So a preloaded
//     library, not the kernel, receives the calls.
//  3. The intercepted clock is simulated, not forwarded: clknetsim advances time only inside
//     poll/select/usleep, so CLOCK_MONOTONIC read through the intercepted clock_gettime stands
//     still (< 1 ms) while at least 2 ms pass on the C library's own clock_gettime in a busy
//     loop. On a real kernel, or behind a shim that forwards to it, the two readings agree.
// The checks only read clocks.
#pragma once

#include <ctime>
#include <string>

#include "core/result.h"

namespace tempus::proc {

// Ok when all three checks pass; otherwise why not (one line, for the refusal message).
core::Status<std::string> simulator_status();

// Check 3 alone, on given functions (for tests): the clock `simulated` must not advance by
// 1 ms while `reference` advances by 2 ms (busy loop, at most 10^8 reference reads).
using ClockGettime = int (*)(clockid_t, struct timespec*);
core::Status<std::string> clock_stands_still(ClockGettime simulated, ClockGettime reference);

}  // namespace tempus::proc
