// SPDX-License-Identifier: ISC
#include "proc/bounds.h"

#include <limits>

#include <gtest/gtest.h>

namespace tempus::proc {
namespace {

TEST(ClockBounds, NoMakestepMeansNoStep) {
  config::Config cfg;
  Options opts;
  const auto b = clock_bounds(cfg, opts);
  EXPECT_EQ(b.max_steps_per_hour, 0u);
  EXPECT_EQ(b.max_step_ns, 0);
  EXPECT_EQ(b.max_slew_ns, int64_t{1000} * 1'000'000'000);
  EXPECT_EQ(b.max_abs_freq_scaled_ppm, int64_t{500} << 16);
  EXPECT_TRUE(ipc::validate(b).ok());
}

TEST(ClockBounds, MaxSlewRateFromMaxslewrate) {
  config::Config cfg;  // chrony's default: 83333.333 ppm
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, 5'461'333'333);
  cfg.max_slew_rate_ppm = 500;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, int64_t{500} << 16);
  cfg.max_slew_rate_ppm = 1e6;  // capped at the kernel's tick range
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, ipc::kMaxSlewRateScaledPpm);
  cfg.max_slew_rate_ppm = 0;  // floored at the smallest valid rate
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, 1);
  EXPECT_TRUE(ipc::validate(clock_bounds(cfg, Options{})).ok());
  cfg.max_slew_rate_ppm = -5;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, 1);
  cfg.max_slew_rate_ppm = std::numeric_limits<double>::infinity();
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_slew_rate_scaled_ppm, ipc::kMaxSlewRateScaledPpm);
}

TEST(ClockBounds, MakestepLimitIsTheHourlyBudget) {
  config::Config cfg;
  cfg.make_step_threshold = core::Duration::s(1);
  cfg.make_step_limit = 3;
  const auto b = clock_bounds(cfg, Options{});
  EXPECT_EQ(b.max_steps_per_hour, 3u + kCommandStepsPerHour);  // and chronyc makestep's
  EXPECT_EQ(b.max_step_ns, kMaxStepBoundNs);
  EXPECT_TRUE(ipc::validate(b).ok());

  cfg.make_step_limit = -1;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour,
            kStepsPerHourWhenUnlimited + kCommandStepsPerHour);
  cfg.make_step_limit = 1000;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour, ipc::kMaxStepsPerHourCap);
  EXPECT_TRUE(ipc::validate(clock_bounds(cfg, Options{})).ok());
}

TEST(ClockBounds, CommandStepOnceAnHourOnlyWithMakestep) {
  config::Config cfg;
  EXPECT_EQ(command_steps_per_hour(cfg, Options{}), 0u);
  EXPECT_FALSE(command_step_allowed(0, std::nullopt, 0));
  // initstepslew's step is not the command's.
  cfg.init_step_slew = config::InitStepSlew{core::Duration::ms(50), {"192.0.2.1"}};
  EXPECT_EQ(command_steps_per_hour(cfg, Options{}), 0u);
  cfg.make_step_threshold = core::Duration::s(1);
  cfg.make_step_limit = 3;
  EXPECT_EQ(command_steps_per_hour(cfg, Options{}), 1u);
  Options once;
  once.one_shot = OneShot::kSetOnce;
  EXPECT_EQ(command_steps_per_hour(cfg, once), 0u);
  EXPECT_TRUE(command_step_allowed(1, std::nullopt, 5));
  EXPECT_FALSE(command_step_allowed(1, 5, 5 + ipc::kNsPerHour - 1));
  EXPECT_TRUE(command_step_allowed(1, 5, 5 + ipc::kNsPerHour));
}

TEST(ClockBounds, SetOnceAllowsOneStep) {
  config::Config cfg;
  Options opts;
  opts.one_shot = OneShot::kSetOnce;
  const auto b = clock_bounds(cfg, opts);
  EXPECT_EQ(b.max_steps_per_hour, 1u);
  EXPECT_GT(b.max_step_ns, 0);
}

TEST(ClockBounds, InitStepSlewAddsOneStep) {
  config::Config cfg;
  cfg.init_step_slew = config::InitStepSlew{core::Duration::ms(50), {"192.0.2.1"}};
  auto b = clock_bounds(cfg, Options{});
  EXPECT_EQ(b.max_steps_per_hour, 1u);
  EXPECT_EQ(b.max_step_ns, kMaxStepBoundNs);
  cfg.make_step_threshold = core::Duration::s(1);
  cfg.make_step_limit = 3;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour, 5u);
  cfg.make_step_limit = 1000;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour, ipc::kMaxStepsPerHourCap);
  // No hosts: initstepslew does nothing, so it earns no step.
  config::Config empty;
  empty.init_step_slew = config::InitStepSlew{core::Duration::ms(50), {}};
  EXPECT_EQ(clock_bounds(empty, Options{}).max_steps_per_hour, 0u);
}

TEST(ClockBounds, LeapSecModeStepAddsOneStep) {
  config::Config cfg;
  cfg.leap_sec_mode = config::LeapSecMode::kStep;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour, 1u);
  cfg.leap_sec_mode = config::LeapSecMode::kSlew;
  EXPECT_EQ(clock_bounds(cfg, Options{}).max_steps_per_hour, 0u);
}

}  // namespace
}  // namespace tempus::proc
