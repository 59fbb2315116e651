// SPDX-License-Identifier: ISC
// chrony.conf files as distributions ship them (tests/data/config, copied from the chrony
// packages of RHEL 8, RHEL 9 and Debian 12, plus RHEL 9's file as the DISA STIG leaves it) parse
// without an error into the expected model, with exactly the expected warnings: the one for
// `keyfile` (no symmetric-key authentication yet) and nothing else.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/fs_source.h"
#include "config/parser.h"

namespace tempus::config {
namespace {

using core::Duration;

std::string data_path(const std::string& name) {
  return std::string(TEMPUS_CONFIG_TEST_DATA) + "/" + name;
}

std::string read_data(const std::string& name) {
  std::ifstream in(data_path(name));
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> texts(const std::vector<Warning>& ws) {
  std::vector<std::string> out;
  for (const Warning& w : ws) out.push_back(w.to_string());
  return out;
}

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
  EXPECT_EQ(texts(out.warnings),
            std::vector<std::string>{data_path("rhel8-default.conf") +
                                     ":29: 'keyfile' is not supported yet; ignored"});
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
  EXPECT_EQ(texts(out.warnings),
            std::vector<std::string>{data_path("rhel9-default.conf") +
                                     ":35: 'keyfile' is not supported yet; ignored"});
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
  EXPECT_EQ(texts(r->warnings), std::vector<std::string>{
                                    "/etc/chrony.conf:35: 'keyfile' is not supported yet; ignored"});
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

TEST(StigDefaults, Rhel9) {
  // port 0 and cmdport 0 are what tempusd does (no server socket, no UDP command socket), so they
  // are not warned about; maxpoll 16 is in chrony's range.
  const ParseOutput out = load("stig-rhel9.conf");
  EXPECT_EQ(texts(out.warnings),
            std::vector<std::string>{data_path("stig-rhel9.conf") +
                                     ":35: 'keyfile' is not supported yet; ignored"});
  const Config& c = out.config;
  ASSERT_EQ(c.sources.size(), 1u);
  EXPECT_EQ(c.sources[0].kind, SourceKind::kServer);
  EXPECT_EQ(c.sources[0].host, "0.us.pool.ntp.mil");
  EXPECT_TRUE(c.sources[0].iburst);
  EXPECT_EQ(c.sources[0].maxpoll.log2, 16);
  EXPECT_EQ(c.sources[0].minpoll.log2, 6);
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.cmd_port, 0);
  EXPECT_EQ(c.bind_cmd_path, kDefaultCommandSocket);  // the Unix socket stays, as in chronyd
  EXPECT_EQ(c.make_step_limit, 3);
  EXPECT_TRUE(c.rtc_sync);
}

// Debian 12's /etc/chrony/chrony.conf with its confdir and both sourcedirs, laid out at the paths
// the file names, with a conf.d drop-in, a sources.d file and a DHCP sources file. The README
// files Debian ships in both directories are not read (no .conf / .sources suffix).
MemoryFileSource debian_tree() {
  MemoryFileSource fs;
  fs.add_file("/etc/chrony/chrony.conf", read_data("debian12/chrony.conf"));
  fs.add_file("/etc/chrony/conf.d/README", read_data("debian12/conf.d/README"));
  fs.add_file("/etc/chrony/conf.d/server.conf", read_data("debian12/conf.d/server.conf"));
  fs.add_file("/etc/chrony/sources.d/README", read_data("debian12/sources.d/README"));
  fs.add_file("/etc/chrony/sources.d/site.sources", read_data("debian12/sources.d/site.sources"));
  fs.add_file("/run/chrony-dhcp/eth0.sources", read_data("debian12/run-chrony-dhcp/eth0.sources"));
  return fs;
}

TEST(DebianDefaults, Debian12WithConfdirAndSourcedirs) {
  MemoryFileSource fs = debian_tree();
  const auto r = parse_config_file("/etc/chrony/chrony.conf", fs);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(texts(r->warnings),
            std::vector<std::string>{
                "/etc/chrony/chrony.conf:18: 'keyfile' is not supported yet; ignored"});
  const Config& c = r->config;
  ASSERT_EQ(c.sources.size(), 1u);
  EXPECT_EQ(c.sources[0].kind, SourceKind::kPool);
  EXPECT_EQ(c.sources[0].host, "2.debian.pool.ntp.org");
  EXPECT_TRUE(c.sources[0].iburst);
  EXPECT_EQ(c.source_dirs, (std::vector<std::vector<std::string>>{{"/run/chrony-dhcp"},
                                                                  {"/etc/chrony/sources.d"}}));
  // In the order of the sourcedir lines, each directory's files by name.
  ASSERT_EQ(c.sourcedir_sources.size(), 3u);
  EXPECT_EQ(c.sourcedir_sources[0].host, "10.0.0.1");
  EXPECT_EQ(c.sourcedir_sources[0].where.file, "/run/chrony-dhcp/eth0.sources");
  EXPECT_EQ(c.sourcedir_sources[1].host, "ntp1.example.net");
  EXPECT_EQ(c.sourcedir_sources[2].host, "192.0.2.10");
  EXPECT_TRUE(c.sourcedir_sources[2].prefer);
  // The conf.d drop-in.
  ASSERT_EQ(c.ntp_access.size(), 1u);
  EXPECT_EQ(c.ntp_access[0].subnet.to_string(), "192.168.0.0/16");
  ASSERT_TRUE(c.local.has_value());
  EXPECT_EQ(c.local->stratum, 10);
  // The rest of the file.
  EXPECT_EQ(c.key_file, "/etc/chrony/chrony.keys");
  EXPECT_EQ(c.drift_file, "/var/lib/chrony/chrony.drift");
  EXPECT_EQ(c.nts_dump_dir, "/var/lib/chrony");
  EXPECT_EQ(c.log_dir, "/var/log/chrony");
  EXPECT_EQ(c.max_update_skew_ppm, 100.0);
  EXPECT_TRUE(c.rtc_sync);
  EXPECT_EQ(c.make_step_threshold, Duration::s(1));
  EXPECT_EQ(c.make_step_limit, 3);
  EXPECT_EQ(c.leap_sec_tz, "right/UTC");
}

TEST(DebianDefaults, Debian12WithoutTheOptionalDirectories) {
  // A fresh Debian box: no /run/chrony-dhcp, empty conf.d and sources.d (only the READMEs).
  MemoryFileSource fs;
  fs.add_file("/etc/chrony/chrony.conf", read_data("debian12/chrony.conf"));
  fs.add_file("/etc/chrony/conf.d/README", read_data("debian12/conf.d/README"));
  fs.add_file("/etc/chrony/sources.d/README", read_data("debian12/sources.d/README"));
  const auto r = parse_config_file("/etc/chrony/chrony.conf", fs);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->warnings.size(), 1u);
  EXPECT_TRUE(r->config.sourcedir_sources.empty());
  EXPECT_TRUE(r->config.ntp_access.empty());
  EXPECT_EQ(r->config.source_dirs.size(), 2u);
}

}  // namespace
}  // namespace tempus::config
