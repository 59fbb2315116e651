// SPDX-License-Identifier: ISC
// The kernel's CSPRNG (getrandom(2), allowed in every seccomp filter) as the core's RandomSource.
#pragma once

#include "core/sample.h"

namespace tempus::sys {

// One process-wide instance; never fails (getrandom on a seeded pool does not block).
core::RandomSource& kernel_random();

}  // namespace tempus::sys
