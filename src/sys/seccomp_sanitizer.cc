// SPDX-License-Identifier: ISC
// What the ASan/UBSan runtimes call inside a sandbox (seccomp.h: sanitizer_syscalls()). Compiled
// into every build, but the tables are only non-empty when meson's b_sanitize is set
// (TEMPUS_SANITIZER_BUILD): a release filter is exactly seccomp_tables.cc. Observed by running
// the system suite in build-asan (gcc 12's libasan/libubsan) and a filtered child calling _exit()
// (tests/unit/sys/seccomp_sanitizer_test.cc), and reading the SIGSYS reports.
#include <span>

#include "sys/seccomp.h"

namespace tempus::sys {

#ifdef TEMPUS_SANITIZER_BUILD

namespace {

constexpr auto kAllow = RuleAction::kAllow;

constexpr AllowedSyscall kSanitizerCommon[] = {
    // UBSan's vptr check asks whether a vtable pointer is readable by write()ing it into a
    // fresh pipe (IsAccessibleMemoryRange); write and close are in every table already.
    {"pipe2", {}, "UBSan vptr check: IsAccessibleMemoryRange's probe pipe", kAllow, false},
    // ASan's _exit() path reads (and may disable) the alternate signal stack it set up at
    // start for its SIGSEGV handler; only the calling thread's own stack is affected.
    {"sigaltstack", {}, "ASan at _exit(): its own alternate signal stack", kAllow, false},
};

}  // namespace

std::span<const AllowedSyscall> sanitizer_syscalls(FilterRole) { return kSanitizerCommon; }

#else

std::span<const AllowedSyscall> sanitizer_syscalls(FilterRole) { return {}; }

#endif

}  // namespace tempus::sys
