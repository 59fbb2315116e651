// SPDX-License-Identifier: ISC
#include "proc/sim_guard.h"

#include <stdlib.h>

#include <gtest/gtest.h>

namespace tempus::proc {
namespace {

// A clock that never moves, as clknetsim's does between two poll() calls.
int frozen_clock(clockid_t, struct timespec* ts) {
  ts->tv_sec = 1262304000;
  ts->tv_nsec = 0;
  return 0;
}

TEST(SimGuard, RefusesWithoutTheSimulatorsVariable) {
  ::unsetenv("CLKNETSIM_NODE");
  auto st = simulator_status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("CLKNETSIM_NODE"), std::string::npos) << st.error();
}

TEST(SimGuard, RefusesWhenTheClockCallsAreTheCLibrarys) {
  ::setenv("CLKNETSIM_NODE", "1", 1);
  auto st = simulator_status();
  ::unsetenv("CLKNETSIM_NODE");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("C library's own"), std::string::npos) << st.error();
}

TEST(SimGuard, TheKernelClockIsNotASimulatedOne) {
  auto st = clock_stands_still(&::clock_gettime, &::clock_gettime);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().find("not a simulated clock"), std::string::npos) << st.error();
}

TEST(SimGuard, AClockThatStandsStillIsASimulatedOne) {
  EXPECT_TRUE(clock_stands_still(&frozen_clock, &::clock_gettime).ok());
}

}  // namespace
}  // namespace tempus::proc
