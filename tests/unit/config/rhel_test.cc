// SPDX-License-Identifier: ISC
// The default chrony.conf of RHEL 8 and RHEL 9 (tests/data/config, copied from the chrony
// packages) parse cleanly, without a single warning, into the expected model.
#include <gtest/gtest.h>

#include "config/fs_source.h"
#include "config/parser.h"

namespace tempus::config {
namespace {

using core::Duration;

ParseOutput load(const std::string& name) {
  FsFileSource fs;
  auto r = parse_config_file(std::string(TEMPUS_CONFIG_TEST_DATA) + "/" + name, fs);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? std::move(*r) : ParseOutput{};
}

void expect_common_rhel_model(const Config& c) {
  ASSERT_EQ(c.sources.size(), 1u);
  const NtpSource& pool = c.sources[0];
  EXPECT_EQ(pool.kind, SourceKind::kPool);
  EXPECT_EQ(pool.host, "2.rhel.pool.ntp.org");
  EXPECT_EQ(pool.where.line, 3);
  EXPECT_TRUE(pool.iburst);
  EXPECT_EQ(pool.max_sources, 4);
  EXPECT_EQ(pool.minpoll.log2, 6);
  EXPECT_EQ(pool.maxpoll.log2, 10);
  EXPECT_EQ(c.drift_file, "/var/lib/chrony/drift");
  EXPECT_EQ(c.drift_interval, Duration::s(3600));
  EXPECT_EQ(c.make_step_threshold, Duration::s(1));
  EXPECT_EQ(c.make_step_limit, 3);
  EXPECT_TRUE(c.rtc_sync);
  EXPECT_EQ(c.key_file, "/etc/chrony.keys");
  EXPECT_EQ(c.leap_sec_tz, "right/UTC");
  EXPECT_EQ(c.log_dir, "/var/log/chrony");
  // Commented-out lines stay off.
  EXPECT_EQ(c.min_sources, 1);
  EXPECT_TRUE(c.ntp_access.empty());
  EXPECT_FALSE(c.local.has_value());
  EXPECT_FALSE(c.log.any());
  EXPECT_EQ(c.auth_select_mode, AuthSelectMode::kMix);
  EXPECT_EQ(c.leap_sec_mode, LeapSecMode::kSystem);
}

TEST(RhelDefaults, Rhel8) {
  const ParseOutput out = load("rhel8-default.conf");
  EXPECT_TRUE(out.warnings.empty());
  expect_common_rhel_model(out.config);
  EXPECT_TRUE(out.config.source_dirs.empty());
  EXPECT_EQ(out.config.nts_dump_dir, "");

  Config expected;
  NtpSource pool;
  pool.kind = SourceKind::kPool;
  pool.host = "2.rhel.pool.ntp.org";
  pool.iburst = true;
  expected.sources.push_back(pool);
  expected.drift_file = "/var/lib/chrony/drift";
  expected.make_step_threshold = Duration::s(1);
  expected.make_step_limit = 3;
  expected.rtc_sync = true;
  expected.key_file = "/etc/chrony.keys";
  expected.leap_sec_tz = "right/UTC";
  expected.log_dir = "/var/log/chrony";
  EXPECT_EQ(out.config, expected);
}

TEST(RhelDefaults, Rhel9) {
  const ParseOutput out = load("rhel9-default.conf");
  EXPECT_TRUE(out.warnings.empty());
  expect_common_rhel_model(out.config);
  ASSERT_EQ(out.config.source_dirs.size(), 1u);
  EXPECT_EQ(out.config.source_dirs[0], (std::vector<std::string>{"/run/chrony-dhcp"}));
  EXPECT_EQ(out.config.nts_dump_dir, "/var/lib/chrony");
}

TEST(RhelDefaults, Rhel9WithDhcpSourcesAndStigAdditions) {
  // RHEL 9's file with NetworkManager's DHCP sources file and typical STIG lines appended.
  FsFileSource real;
  const auto base = real.read(std::string(TEMPUS_CONFIG_TEST_DATA) + "/rhel9-default.conf");
  ASSERT_TRUE(base.ok());
  MemoryFileSource fs;
  fs.add_file("/run/chrony-dhcp/ens3.sources", "server 10.0.0.1 iburst\n");
  fs.add_file("/etc/chrony.conf", *base + "port 0\ncmdport 0\nserver 10.0.0.2 iburst maxpoll 16\n");
  const auto r = parse_config_file("/etc/chrony.conf", fs);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(r->config.port, 0);
  EXPECT_EQ(r->config.cmd_port, 0);
  ASSERT_EQ(r->config.sources.size(), 2u);
  EXPECT_EQ(r->config.sources[1].maxpoll.log2, 16);
  ASSERT_EQ(r->config.sourcedir_sources.size(), 1u);
  EXPECT_EQ(r->config.sourcedir_sources[0].host, "10.0.0.1");
  // And the printed form is a fixed point.
  const std::string printed = format_config(r->config);
  const auto again = parse_config_text("printed", printed, fs);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->config, r->config);
  EXPECT_EQ(format_config(again->config), printed);
}

}  // namespace
}  // namespace tempus::config
