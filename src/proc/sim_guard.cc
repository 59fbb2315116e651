// SPDX-License-Identifier: ISC
#include "proc/sim_guard.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>

namespace tempus::proc {

namespace {

int64_t ns_of(const timespec& ts) { return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec; }

constexpr const char* kClockCalls[] = {"clock_adjtime", "adjtimex",     "ntp_adjtime",
                                       "clock_settime", "settimeofday", "clock_gettime"};

}  // namespace

core::Status<std::string> clock_stands_still(ClockGettime simulated, ClockGettime reference) {
  timespec s0{}, s1{}, r0{}, r{};
  if (simulated(CLOCK_MONOTONIC, &s0) != 0 || reference(CLOCK_MONOTONIC, &r0) != 0)
    return core::Unexpected{std::string("clock_gettime(CLOCK_MONOTONIC) failed")};
  constexpr int64_t kWaitNs = 2'000'000;
  bool waited = false;
  for (int i = 0; i < 100'000'000 && !waited; ++i) {
    if (reference(CLOCK_MONOTONIC, &r) != 0) break;
    waited = ns_of(r) - ns_of(r0) >= kWaitNs;
  }
  if (!waited) return core::Unexpected{std::string("the reference clock did not advance")};
  if (simulated(CLOCK_MONOTONIC, &s1) != 0)
    return core::Unexpected{std::string("clock_gettime(CLOCK_MONOTONIC) failed")};
  const int64_t moved = ns_of(s1) - ns_of(s0);
  if (moved >= 1'000'000 || moved < 0)
    return core::Unexpected{"the intercepted clock advanced by " + std::to_string(moved) +
                            " ns during a 2 ms busy wait: it is not a simulated clock"};
  return {};
}

core::Status<std::string> simulator_status() {
  if (!std::getenv("CLKNETSIM_NODE"))
    return core::Unexpected{std::string("CLKNETSIM_NODE is not set: not running under clknetsim")};
  void* libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  if (!libc) return core::Unexpected{std::string("cannot find the C library (libc.so.6)")};
  for (const char* name : kClockCalls) {
    void* bound = dlsym(RTLD_DEFAULT, name);
    void* own = dlsym(libc, name);
    if (!bound || bound == own)
      return core::Unexpected{std::string(name) +
                              "() is the C library's own: no simulator intercepts it "
                              "(run with LD_PRELOAD=clknetsim.so)"};
  }
  auto real = reinterpret_cast<ClockGettime>(dlsym(libc, "clock_gettime"));
  auto ours = reinterpret_cast<ClockGettime>(dlsym(RTLD_DEFAULT, "clock_gettime"));
  dlclose(libc);
  if (!real || !ours) return core::Unexpected{std::string("clock_gettime not found")};
  return clock_stands_still(ours, real);
}

}  // namespace tempus::proc
