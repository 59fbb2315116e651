// SPDX-License-Identifier: ISC
#include "proc/options.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace tempus::proc {
namespace {

core::Result<Options, std::string> parse(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  return parse_options(v, "/etc/tempus/tempus.conf");
}

TEST(Options, Defaults) {
  auto o = parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->config_file, "/etc/tempus/tempus.conf");
  EXPECT_FALSE(o->config_file_given);
  EXPECT_FALSE(o->foreground);
  EXPECT_FALSE(o->no_adjust);
  EXPECT_EQ(o->log_level, LogLevel::kInfo);
  EXPECT_EQ(o->role, Role::kParent);
  EXPECT_EQ(o->one_shot, OneShot::kNone);
  EXPECT_TRUE(o->directives.empty());
}

TEST(Options, ChronydFlags) {
  auto o = parse({"-n", "-x", "-f", "/tmp/a.conf", "-u", "ntp", "-l", "/var/log/t.log", "-L", "1",
                  "-6", "-t", "2.5", "-Q", "-U"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_TRUE(o->foreground);
  EXPECT_TRUE(o->no_adjust);
  EXPECT_EQ(o->config_file, "/tmp/a.conf");
  EXPECT_TRUE(o->config_file_given);
  EXPECT_EQ(*o->user, "ntp");
  EXPECT_EQ(*o->log_file, "/var/log/t.log");
  EXPECT_EQ(o->log_level, LogLevel::kWarning);
  EXPECT_EQ(o->family, AddressFamily::kIpv6);
  EXPECT_EQ(*o->timeout, core::Duration::ms(2500));
  EXPECT_EQ(o->one_shot, OneShot::kQueryOnce);
  EXPECT_TRUE(o->allow_non_root);
}

TEST(Options, CombinedFlagsAndAttachedArguments) {
  auto o = parse({"-dxq", "-f/etc/x.conf", "-L-1", "-4"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->debug, 1);
  EXPECT_TRUE(o->foreground);
  EXPECT_TRUE(o->no_adjust);
  EXPECT_EQ(o->one_shot, OneShot::kSetOnce);
  EXPECT_EQ(o->config_file, "/etc/x.conf");
  EXPECT_EQ(o->log_level, LogLevel::kDebug);
  EXPECT_EQ(o->family, AddressFamily::kIpv4);
  EXPECT_EQ(parse({"-dd"})->debug, 2);
  // An argument-taking letter swallows the rest of its word.
  EXPECT_EQ(parse({"-pfq"})->config_file, "q");
}

TEST(Options, PrintConfig) {
  auto o = parse({"-p", "-f", "/etc/chrony.conf"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->print_config);
  EXPECT_EQ(o->config_file, "/etc/chrony.conf");
}

TEST(Options, DirectivesAnywhere) {
  auto o = parse({"server 127.0.0.1 iburst", "-q", "makestep 1 -1"});
  ASSERT_TRUE(o.ok());
  ASSERT_EQ(o->directives.size(), 2u);
  EXPECT_EQ(o->directives[0], "server 127.0.0.1 iburst");
  EXPECT_EQ(o->directives[1], "makestep 1 -1");
  auto dd = parse({"--", "-x"});
  ASSERT_TRUE(dd.ok());
  EXPECT_FALSE(dd->no_adjust);
  EXPECT_EQ(dd->directives.at(0), "-x");
}

TEST(Options, IgnoredChronydOptions) {
  auto o = parse({"-F", "1", "-P", "50", "-m", "-r", "-R", "-s"});
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->ignored, (std::vector<std::string>{"-F 1", "-P 50", "-m", "-r", "-R", "-s"}));
}

TEST(Options, Roles) {
  EXPECT_EQ(parse({"--role=net"})->role, Role::kNet);
  EXPECT_EQ(parse({"--role=dns"})->role, Role::kDns);
  EXPECT_EQ(parse({"--role=parent"}).error(), "invalid role '--role=parent'");
  EXPECT_FALSE(parse({"--role=net", "-p"}).ok());
}

TEST(Options, Errors) {
  EXPECT_EQ(parse({"-f"}).error(), "option -f requires an argument");
  EXPECT_EQ(parse({"-z"}).error(), "unknown option -z");
  EXPECT_EQ(parse({"-nz"}).error(), "unknown option -z");
  EXPECT_EQ(parse({"--frobnicate"}).error(), "unknown option '--frobnicate'");
  EXPECT_EQ(parse({"-L", "4"}).error(), "invalid log level '4' (-1..3)");
  EXPECT_EQ(parse({"-L", "x"}).error(), "invalid log level 'x' (-1..3)");
  EXPECT_EQ(parse({"-t", "0"}).error(), "invalid timeout '0'");
  EXPECT_EQ(parse({"-t", "-3"}).error(), "invalid timeout '-3'");
  EXPECT_EQ(parse({"-F", "3"}).error(), "invalid seccomp level '3' (-1..2)");
  EXPECT_EQ(parse({"-P", "101"}).error(), "invalid priority '101' (0..100)");
  EXPECT_EQ(parse({"-u", ""}).error(), "empty user name");
}

TEST(Options, ControlSocket) {
  EXPECT_EQ(parse({})->control_socket, "/run/tempus/tempusd.sock");
  EXPECT_EQ(parse({"--control-socket=/tmp/t/ctl.sock"})->control_socket, "/tmp/t/ctl.sock");
  EXPECT_EQ(parse({"--control-socket=rel.sock"}).error(), "invalid control socket path 'rel.sock'");
  EXPECT_FALSE(parse({"--control-socket="}).ok());
}

TEST(Options, ConfigFormat) {
  EXPECT_EQ(parse({})->config_format, ConfigFormat::kAuto);
  EXPECT_EQ(parse({"--ntp-conf", "-f", "/etc/ntp.conf"})->config_format, ConfigFormat::kNtp);
  EXPECT_EQ(parse({"-f", "/etc/x", "--chrony-conf"})->config_format, ConfigFormat::kChrony);
  EXPECT_EQ(parse({"--ntp-config"}).error(), "unknown option '--ntp-config'");
}

TEST(Options, HelpAndVersion) {
  EXPECT_TRUE(parse({"-h"})->show_help);
  EXPECT_TRUE(parse({"--help"})->show_help);
  EXPECT_TRUE(parse({"-v"})->show_version);
  EXPECT_TRUE(parse({"--version"})->show_version);
  EXPECT_NE(usage("tempusd").find("-x "), std::string::npos);
}

}  // namespace
}  // namespace tempus::proc
