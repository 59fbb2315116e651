// SPDX-License-Identifier: ISC
// Global directives: defaults, every accepted form, and every error path.
#include <gtest/gtest.h>

#include "config/parser_internal.h"
#include "test_util.h"

namespace tempus::config {
namespace {

using core::Duration;
using core::IpAddress;
using testing::error_of;
using testing::parse;
using testing::Parsed;

// Parses without an error. The only warnings allowed are those of directives the daemon does not
// act on yet (each directive's exact warning is checked in support_test.cc).
Config ok(std::string_view text) {
  const Parsed p = parse(text);
  EXPECT_TRUE(p.ok) << p.error;
  for (const std::string& w : p.warnings)
    EXPECT_NE(w.find(" is not supported yet; ignored"), std::string::npos) << w;
  return p.config;
}

TEST(Defaults, AreChronys) {
  const Config c = ok("");
  EXPECT_TRUE(c.sources.empty());
  EXPECT_EQ(c.auth_select_mode, AuthSelectMode::kMix);
  EXPECT_EQ(c.combine_limit, 3.0);
  EXPECT_EQ(c.max_distance, Duration::s(3));
  EXPECT_EQ(c.max_jitter, Duration::s(1));
  EXPECT_EQ(c.max_stratum, 15);
  EXPECT_EQ(c.min_stratum, 0);
  EXPECT_EQ(c.min_sources, 1);
  EXPECT_EQ(c.reselect_dist, Duration::us(100));
  EXPECT_EQ(c.stratum_weight, Duration::ms(1));
  EXPECT_EQ(c.clock_precision, Duration{});
  EXPECT_EQ(c.corr_time_ratio, 3.0);
  EXPECT_EQ(c.drift_file, "");
  EXPECT_EQ(c.drift_interval, Duration::s(3600));
  EXPECT_EQ(c.leap_sec_mode, LeapSecMode::kSystem);
  EXPECT_EQ(c.make_step_threshold, Duration{});
  EXPECT_EQ(c.make_step_limit, 0);
  EXPECT_FALSE(c.max_change.has_value());
  EXPECT_EQ(c.max_clock_error_ppm, 1.0);
  EXPECT_EQ(c.max_drift_ppm, 100000.0);
  EXPECT_DOUBLE_EQ(c.max_slew_rate_ppm, 83333.333333333333);
  EXPECT_EQ(c.max_update_skew_ppm, 1000.0);
  EXPECT_FALSE(c.rtc_sync);
  EXPECT_TRUE(c.ntp_access.empty());
  EXPECT_EQ(c.port, 123);
  EXPECT_EQ(c.bind_address4.to_string(), "0.0.0.0");
  EXPECT_EQ(c.bind_address6.to_string(), "::");
  EXPECT_EQ(c.client_log_limit, 524288u);
  EXPECT_FALSE(c.local.has_value());
  EXPECT_FALSE(c.rate_limit.enabled);
  EXPECT_EQ(c.rate_limit.interval_log2, 3);
  EXPECT_EQ(c.rate_limit.burst, 8);
  EXPECT_EQ(c.rate_limit.leak, 2);
  EXPECT_EQ(c.rate_limit.kod, 0);
  EXPECT_EQ(c.nts_rate_limit.interval_log2, 6);
  EXPECT_EQ(c.cmd_rate_limit.interval_log2, -4);
  EXPECT_EQ(c.cmd_port, 323);
  EXPECT_EQ(c.bind_cmd_address4.to_string(), "127.0.0.1");
  EXPECT_EQ(c.bind_cmd_address6.to_string(), "::1");
  EXPECT_EQ(c.bind_cmd_path, "/run/chrony/chronyd.sock");
  EXPECT_EQ(c.nts_port, 4460);
  EXPECT_EQ(c.nts_rotate, Duration::s(604800));
  EXPECT_EQ(c.nts_refresh, Duration::s(2419200));
  EXPECT_EQ(c.nts_processes, 1);
  EXPECT_EQ(c.max_nts_connections, 100);
  EXPECT_EQ(c.nts_aeads, (std::vector<int>{30, 15}));
  EXPECT_EQ(c.log_change, Duration::s(1));
  EXPECT_EQ(c.pid_file, "/run/chrony/chronyd.pid");
  EXPECT_EQ(c.user, "");
  EXPECT_EQ(c.dscp, 0);
  EXPECT_EQ(c.sched_priority, 0);
  EXPECT_FALSE(c.acquisition_port.has_value());
  EXPECT_EQ(c, Config{});
}

TEST(Lexing, CommentsBlankLinesAndCase) {
  const Config c = ok("# c\n; c\n! c\n% c\n\n   \n  # indented\nRTCSYNC\nMakeStep 1.0 3\n");
  EXPECT_TRUE(c.rtc_sync);
  EXPECT_EQ(c.make_step_threshold, Duration::s(1));
  EXPECT_EQ(c.make_step_limit, 3);
}

TEST(Lexing, TrailingCommentIsNotAComment) {
  EXPECT_EQ(error_of("rtcsync # sync the RTC\n"), "t.conf:1: too many arguments for 'rtcsync'");
  EXPECT_EQ(error_of("server a.example iburst # x\n"), "t.conf:1: unknown server option '#'");
}

TEST(Errors, UnknownDirective) {
  const Parsed p = parse("rtcsync\n\nfrobnicate 1\n");
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.kind, ErrorKind::kUnknownDirective);
  EXPECT_EQ(p.error, "t.conf:3: unknown directive 'frobnicate'");
  EXPECT_EQ(error_of("Frobnicate"), "t.conf:1: unknown directive 'Frobnicate'");
  // A keyword that is only an option elsewhere is not a directive.
  EXPECT_EQ(error_of("iburst"), "t.conf:1: unknown directive 'iburst'");
}

TEST(Errors, ControlCharacter) {
  const Parsed p = parse("rtcsync\nkeyfile /etc/\x07keys\n");
  EXPECT_EQ(p.kind, ErrorKind::kInvalidCharacter);
  EXPECT_EQ(p.error, "t.conf:2: invalid character 0x07");
}

TEST(Errors, StopsAtFirstError) {
  const Parsed p = parse("hwtimestamp *\nmaxdistance x\nbogus\n");
  EXPECT_EQ(p.error, "t.conf:2: invalid maxdistance 'x'");
}

TEST(Errors, ErrorKindStrings) {
  EXPECT_STREQ(to_string(ErrorKind::kUnknownDirective), "unknown directive");
  EXPECT_STREQ(to_string(ErrorKind::kIncludeDepth), "include depth exceeded");
  EXPECT_STREQ(to_string(ErrorKind::kOutOfRange), "value out of range");
  ConfigError e{ErrorKind::kReadFailed, Location{"/etc/x.conf", 0}, "cannot read"};
  EXPECT_EQ(e.to_string(), "/etc/x.conf: cannot read");
}

// Every keyword of chrony 4.8's conf.c is recognised.
TEST(Directives, ChronyKeywordListIsComplete) {
  const char* kChrony48[] = {"include",
                             "confdir",
                             "acquisitionport",
                             "allow",
                             "authselectmode",
                             "bindacqaddress",
                             "bindacqdevice",
                             "bindaddress",
                             "bindcmdaddress",
                             "bindcmddevice",
                             "binddevice",
                             "broadcast",
                             "clientloglimit",
                             "clockprecision",
                             "cmdallow",
                             "cmddeny",
                             "cmdport",
                             "cmdratelimit",
                             "combinelimit",
                             "corrtimeratio",
                             "deny",
                             "driftfile",
                             "dscp",
                             "dumpdir",
                             "dumponexit",
                             "fallbackdrift",
                             "hwclockfile",
                             "hwtimestamp",
                             "hwtstimeout",
                             "initstepslew",
                             "keyfile",
                             "leapsecmode",
                             "leapsectz",
                             "leapseclist",
                             "local",
                             "lock_all",
                             "log",
                             "logbanner",
                             "logchange",
                             "logdir",
                             "mailonchange",
                             "makestep",
                             "manual",
                             "maxchange",
                             "maxclockerror",
                             "maxdistance",
                             "maxdrift",
                             "maxjitter",
                             "maxntsconnections",
                             "maxsamples",
                             "maxslewrate",
                             "maxstratum",
                             "maxupdateskew",
                             "maxtxbuffers",
                             "minsamples",
                             "minsources",
                             "minstratum",
                             "nocerttimecheck",
                             "noclientlog",
                             "nosystemcert",
                             "ntpsigndsocket",
                             "ntsaeads",
                             "ntsratelimit",
                             "ntscachedir",
                             "ntsdumpdir",
                             "ntsntpserver",
                             "ntsport",
                             "ntsprocesses",
                             "ntsrefresh",
                             "ntsrotate",
                             "ntsservercert",
                             "ntsserverkey",
                             "ntstrustedcerts",
                             "opencommands",
                             "peer",
                             "pidfile",
                             "pool",
                             "port",
                             "ptpdomain",
                             "ptpport",
                             "ratelimit",
                             "refclock",
                             "refresh",
                             "reselectdist",
                             "rtcautotrim",
                             "rtcdevice",
                             "rtcfile",
                             "rtconutc",
                             "rtcsync",
                             "sched_priority",
                             "server",
                             "smoothtime",
                             "sourcedir",
                             "stratumweight",
                             "tempcomp",
                             "user",
                             "commandkey",
                             "generatecommandkey",
                             "linux_freq_scale",
                             "linux_hz"};
  for (const char* name : kChrony48) {
    EXPECT_NE(detail::classify_directive(name), detail::DirectiveClass::kUnknown) << name;
  }
  EXPECT_EQ(detail::directive_names().size(), std::size(kChrony48));
}

TEST(Directives, UnsupportedOnesWarnOncePerOccurrence) {
  const Parsed p = parse(
      "hwtimestamp * rxfilter all\n"
      "RTCFILE /var/lib/chrony/rtc\n"
      "bindacqdevice eth0\nbindcmddevice eth0\nbroadcast 64 192.0.2.255\n"
      "hwclockfile /etc/adjtime\nhwtstimeout 0.01\nhwclockfile /etc/adjtime\nmailonchange root 0.5\n"
      "maxsamples 30\nmaxtxbuffers 100\nminsamples 4\nntpsigndsocket /var/lib/samba\n"
      "opencommands sources\nptpdomain 1\nptpport 319\nrefresh 3600\nrtcautotrim 30\n"
      "rtcdevice /dev/rtc1\nrtconutc\ntempcomp /sys/x 30 26000 0 0.000183 0.0\n"
      "hwtimestamp eth1\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.warnings.size(), 22u);
  EXPECT_EQ(p.warnings[0], "t.conf:1: 'hwtimestamp' is not supported yet; ignored");
  EXPECT_EQ(p.warnings[1], "t.conf:2: 'rtcfile' is not supported yet; ignored");
  EXPECT_EQ(p.warnings[21], "t.conf:22: 'hwtimestamp' is not supported yet; ignored");
  EXPECT_EQ(p.config, Config{});
}

TEST(Directives, ObsoleteOnesWarn) {
  const Parsed p =
      parse("commandkey 1\ngeneratecommandkey\nlinux_freq_scale 0.99\nlinux_hz 100\ndumponexit\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.warnings.size(), 5u);
  EXPECT_EQ(p.warnings[0], "t.conf:1: 'commandkey' is obsolete; ignored");
  EXPECT_EQ(p.warnings[4], "t.conf:5: 'dumponexit' is obsolete; ignored");
}

TEST(Directives, Selection) {
  const Config c =
      ok("authselectmode REQUIRE\ncombinelimit 4.5\nmaxdistance 16\nmaxjitter 0.5\nmaxstratum 10\n"
         "minstratum 2\nminsources 3\nreselectdist 0.0002\nstratumweight 0.002\n");
  EXPECT_EQ(c.auth_select_mode, AuthSelectMode::kRequire);
  EXPECT_EQ(c.combine_limit, 4.5);
  EXPECT_EQ(c.max_distance, Duration::s(16));
  EXPECT_EQ(c.max_jitter, Duration::ms(500));
  EXPECT_EQ(c.max_stratum, 10);
  EXPECT_EQ(c.min_stratum, 2);
  EXPECT_EQ(c.min_sources, 3);
  EXPECT_EQ(c.reselect_dist, Duration::us(200));
  EXPECT_EQ(c.stratum_weight, Duration::ms(2));
  EXPECT_EQ(ok("authselectmode prefer").auth_select_mode, AuthSelectMode::kPrefer);
  EXPECT_EQ(ok("authselectmode mix").auth_select_mode, AuthSelectMode::kMix);
  EXPECT_EQ(ok("authselectmode ignore").auth_select_mode, AuthSelectMode::kIgnore);
  EXPECT_EQ(error_of("authselectmode always"), "t.conf:1: invalid authselectmode 'always'");
  EXPECT_EQ(error_of("authselectmode"), "t.conf:1: missing argument for 'authselectmode'");
  EXPECT_EQ(error_of("minsources 0"), "t.conf:1: invalid minsources '0' (range 1..2147483647)");
  EXPECT_EQ(error_of("maxstratum -1"), "t.conf:1: invalid maxstratum '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("combinelimit x"), "t.conf:1: invalid combinelimit 'x'");
  EXPECT_EQ(error_of("binddevice averyverylongname0"),
            "t.conf:1: invalid interface name 'averyverylongname0'");
  EXPECT_EQ(error_of("binddevice a/b"), "t.conf:1: invalid interface name 'a/b'");
  EXPECT_EQ(error_of("maxdistance 1 2"), "t.conf:1: too many arguments for 'maxdistance'");
}

TEST(Directives, LastOneWins) {
  const Config c = ok("maxdistance 1\nmaxdistance 2\nkeyfile /a\nkeyfile /b\n");
  EXPECT_EQ(c.max_distance, Duration::s(2));
  EXPECT_EQ(c.key_file, "/b");
}

TEST(Directives, Clock) {
  const Config c =
      ok("clockprecision 1e-8\ncorrtimeratio 2.5\ndriftfile /var/lib/chrony/drift interval 600\n"
         "fallbackdrift 16 19\nleapsecmode slew\nleapsectz right/UTC\n"
         "leapseclist /usr/share/zoneinfo/leap-seconds.list\nmakestep 0.1 -1\nmaxchange 1000 1 2\n"
         "maxclockerror 0.5\nmaxdrift 500\nmaxslewrate 1000.5\nmaxupdateskew 100\nrtcsync\n");
  EXPECT_EQ(c.clock_precision, Duration::ns(10));
  EXPECT_EQ(c.corr_time_ratio, 2.5);
  EXPECT_EQ(c.drift_file, "/var/lib/chrony/drift");
  EXPECT_EQ(c.drift_interval, Duration::s(600));
  ASSERT_TRUE(c.fallback_drift.has_value());
  EXPECT_EQ(c.fallback_drift->min_log2, 16);
  EXPECT_EQ(c.fallback_drift->max_log2, 19);
  EXPECT_EQ(c.leap_sec_mode, LeapSecMode::kSlew);
  EXPECT_EQ(c.leap_sec_tz, "right/UTC");
  EXPECT_EQ(c.leap_sec_list, "/usr/share/zoneinfo/leap-seconds.list");
  EXPECT_EQ(c.make_step_threshold, Duration::ms(100));
  EXPECT_EQ(c.make_step_limit, -1);
  ASSERT_TRUE(c.max_change.has_value());
  EXPECT_EQ(c.max_change->offset, Duration::s(1000));
  EXPECT_EQ(c.max_change->start, 1);
  EXPECT_EQ(c.max_change->ignore, 2);
  EXPECT_EQ(c.max_clock_error_ppm, 0.5);
  EXPECT_EQ(c.max_drift_ppm, 500.0);
  EXPECT_EQ(c.max_slew_rate_ppm, 1000.5);
  EXPECT_EQ(c.max_update_skew_ppm, 100.0);
  EXPECT_TRUE(c.rtc_sync);
  EXPECT_EQ(ok("leapsecmode step").leap_sec_mode, LeapSecMode::kStep);
  EXPECT_EQ(ok("leapsecmode ignore").leap_sec_mode, LeapSecMode::kIgnore);
  EXPECT_EQ(ok("leapsecmode slew\nleapsecmode System").leap_sec_mode, LeapSecMode::kSystem);
}

TEST(Directives, ClockErrors) {
  EXPECT_EQ(error_of("makestep 1"), "t.conf:1: missing argument for 'makestep'");
  EXPECT_EQ(error_of("makestep 1 2 3"), "t.conf:1: too many arguments for 'makestep'");
  EXPECT_EQ(error_of("makestep x 3"), "t.conf:1: invalid makestep threshold 'x'");
  EXPECT_EQ(error_of("makestep 1 1.5"), "t.conf:1: invalid makestep limit '1.5'");
  EXPECT_EQ(error_of("maxchange 1000 1"), "t.conf:1: missing argument for 'maxchange'");
  EXPECT_EQ(error_of("maxchange 1000 a 2"), "t.conf:1: invalid maxchange start 'a'");
  EXPECT_EQ(error_of("maxchange 1000 1 b"), "t.conf:1: invalid maxchange ignore 'b'");
  EXPECT_EQ(error_of("fallbackdrift 16"), "t.conf:1: missing argument for 'fallbackdrift'");
  EXPECT_EQ(error_of("fallbackdrift x 19"), "t.conf:1: invalid fallbackdrift min 'x'");
  EXPECT_EQ(error_of("driftfile"), "t.conf:1: missing argument for 'driftfile'");
  EXPECT_EQ(error_of("driftfile /d every 5"), "t.conf:1: unknown driftfile option 'every'");
  EXPECT_EQ(error_of("driftfile /d interval"),
            "t.conf:1: missing value for 'interval' in 'driftfile'");
  EXPECT_EQ(error_of("driftfile /d interval x"), "t.conf:1: invalid driftfile interval 'x'");
  EXPECT_EQ(error_of("driftfile /d interval -1"),
            "t.conf:1: invalid driftfile interval '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("driftfile /d interval 5 x"), "t.conf:1: too many arguments for 'driftfile'");
  EXPECT_EQ(error_of("leapsecmode smear"), "t.conf:1: invalid leapsecmode 'smear'");
  EXPECT_EQ(error_of("leapsectz"), "t.conf:1: missing argument for 'leapsectz'");
  EXPECT_EQ(error_of("rtcsync yes"), "t.conf:1: too many arguments for 'rtcsync'");
  EXPECT_EQ(error_of("maxslewrate fast"), "t.conf:1: invalid maxslewrate 'fast'");
  EXPECT_EQ(error_of("maxdrift inf"), "t.conf:1: invalid maxdrift 'inf'");
  EXPECT_EQ(error_of("clockprecision 1e11"), "t.conf:1: invalid clockprecision '1e11'");
}

TEST(Directives, DriftIntervalPersistsLikeChrony) {
  const Config c = ok("driftfile /a interval 60\ndriftfile /b\n");
  EXPECT_EQ(c.drift_file, "/b");
  EXPECT_EQ(c.drift_interval, Duration::s(60));
}

TEST(Directives, Server) {
  const Config c =
      ok("port 0\nbindaddress 192.0.2.10\nbindaddress 2001:db8::10\nclientloglimit 1048576\n"
         "noclientlog\nratelimit interval 4 burst 16 leak 3 kod 1\nsmoothtime 400 0.001 leaponly\n"
         "dscp 46\nbinddevice eth0\n");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.bind_device, "eth0");
  EXPECT_EQ(c.bind_address4.to_string(), "192.0.2.10");
  EXPECT_EQ(c.bind_address6.to_string(), "2001:db8::10");
  EXPECT_EQ(c.client_log_limit, 1048576u);
  EXPECT_TRUE(c.no_client_log);
  EXPECT_TRUE(c.rate_limit.enabled);
  EXPECT_EQ(c.rate_limit.interval_log2, 4);
  EXPECT_EQ(c.rate_limit.burst, 16);
  EXPECT_EQ(c.rate_limit.leak, 3);
  EXPECT_EQ(c.rate_limit.kod, 1);
  ASSERT_TRUE(c.smooth_time.has_value());
  EXPECT_EQ(c.smooth_time->max_freq_ppm, 400.0);
  EXPECT_EQ(c.smooth_time->max_wander_ppm_per_s, 0.001);
  EXPECT_TRUE(c.smooth_time->leap_only);
  EXPECT_FALSE(ok("smoothtime 400 0.001").smooth_time->leap_only);
  EXPECT_EQ(c.dscp, 46);
  const Config r = ok("ratelimit\n");
  EXPECT_TRUE(r.rate_limit.enabled);
  EXPECT_EQ(r.rate_limit.interval_log2, 3);
  const Config merged = ok("ratelimit interval 5\nratelimit burst 2\n");
  EXPECT_EQ(merged.rate_limit.interval_log2, 5);  // earlier settings persist, as in chrony
  EXPECT_EQ(merged.rate_limit.burst, 2);
}

TEST(Directives, ServerErrors) {
  EXPECT_EQ(error_of("port 65536"), "t.conf:1: invalid port '65536' (range 0..65535)");
  EXPECT_EQ(error_of("port -1"), "t.conf:1: invalid port '-1' (range 0..65535)");
  EXPECT_EQ(error_of("port 12x"), "t.conf:1: invalid port '12x'");
  EXPECT_EQ(error_of("port"), "t.conf:1: missing argument for 'port'");
  EXPECT_EQ(error_of("bindaddress 1.2.3"),
            "t.conf:1: invalid bindaddress '1.2.3' (invalid IPv4 address)");
  EXPECT_EQ(error_of("bindaddress ::g"),
            "t.conf:1: invalid bindaddress '::g' (invalid IPv6 address)");
  EXPECT_EQ(error_of("clientloglimit -5"),
            "t.conf:1: invalid clientloglimit '-5' (range 0..9223372036854775807)");
  EXPECT_EQ(error_of("ratelimit interval"),
            "t.conf:1: missing value for 'interval' in 'ratelimit'");
  EXPECT_EQ(error_of("ratelimit interval 33"), "t.conf:1: invalid interval '33' (range -32..32)");
  EXPECT_EQ(error_of("ratelimit rate 3"), "t.conf:1: unknown ratelimit option 'rate'");
  EXPECT_EQ(error_of("ntsratelimit kod 1"), "t.conf:1: unknown ntsratelimit option 'kod'");
  EXPECT_EQ(error_of("cmdratelimit kod 1"), "t.conf:1: unknown cmdratelimit option 'kod'");
  EXPECT_EQ(error_of("smoothtime 400"), "t.conf:1: missing argument for 'smoothtime'");
  EXPECT_EQ(error_of("smoothtime 400 0.1 always"), "t.conf:1: unknown smoothtime option 'always'");
  EXPECT_EQ(error_of("smoothtime x 0.1"), "t.conf:1: invalid smoothtime max frequency 'x'");
  EXPECT_EQ(error_of("dscp 64"), "t.conf:1: invalid dscp '64' (range 0..63)");
  EXPECT_EQ(error_of("noclientlog 1"), "t.conf:1: too many arguments for 'noclientlog'");
}

TEST(Directives, Local) {
  const Config c = ok("local\n");
  ASSERT_TRUE(c.local.has_value());
  EXPECT_EQ(c.local->stratum, 10);
  EXPECT_FALSE(c.local->orphan);
  EXPECT_EQ(c.local->distance, Duration::s(1));
  EXPECT_EQ(c.local->activate, Duration{});
  EXPECT_EQ(c.local->wait_synced, Duration{});
  EXPECT_EQ(c.local->wait_unsynced, Duration{});
  const Config o = ok("local stratum 8 orphan distance 0.5 activate 0.1 waitsynced 10\n");
  EXPECT_EQ(o.local->stratum, 8);
  EXPECT_TRUE(o.local->orphan);
  EXPECT_EQ(o.local->distance, Duration::ms(500));
  EXPECT_EQ(o.local->activate, Duration::ms(100));
  EXPECT_EQ(o.local->wait_synced, Duration::s(10));
  EXPECT_EQ(o.local->wait_unsynced, Duration::s(300));  // orphan default
  EXPECT_EQ(ok("local orphan waitunsynced 60").local->wait_unsynced, Duration::s(60));
  EXPECT_EQ(ok("local orphan waitunsynced -1").local->wait_unsynced, Duration::s(300));
  // Each occurrence starts from the defaults again.
  EXPECT_EQ(ok("local stratum 3\nlocal orphan").local->stratum, 10);
  EXPECT_EQ(error_of("local stratum 16"), "t.conf:1: invalid stratum '16' (range 1..15)");
  EXPECT_EQ(error_of("local stratum 0"), "t.conf:1: invalid stratum '0' (range 1..15)");
  EXPECT_EQ(error_of("local stratum"), "t.conf:1: missing value for 'stratum' in 'local'");
  EXPECT_EQ(error_of("local distance far"), "t.conf:1: invalid distance 'far'");
  EXPECT_EQ(error_of("local always"), "t.conf:1: unknown local option 'always'");
}

TEST(Directives, CommandAccess) {
  const Config c =
      ok("cmdport 0\nbindcmdaddress 192.0.2.1\nbindcmdaddress ::\nbindcmdaddress /var/run/t.sock\n"
         "cmdratelimit interval -2 burst 4\n");
  EXPECT_EQ(c.cmd_port, 0);
  EXPECT_EQ(c.bind_cmd_address4.to_string(), "192.0.2.1");
  EXPECT_EQ(c.bind_cmd_address6.to_string(), "::");
  EXPECT_EQ(c.bind_cmd_path, "/var/run/t.sock");
  EXPECT_TRUE(c.cmd_rate_limit.enabled);
  EXPECT_EQ(c.cmd_rate_limit.interval_log2, -2);
  EXPECT_EQ(c.cmd_rate_limit.burst, 4);
  EXPECT_EQ(c.cmd_rate_limit.leak, 2);
  EXPECT_EQ(ok("bindcmdaddress /").bind_cmd_path, "");
  EXPECT_EQ(error_of("bindcmdaddress localhost"),
            "t.conf:1: invalid bindcmdaddress 'localhost' (invalid IPv4 address)");
  EXPECT_EQ(error_of("cmdport 70000"), "t.conf:1: invalid cmdport '70000' (range 0..65535)");
}

TEST(Directives, Nts) {
  const Config c =
      ok("ntsservercert /c1\nntsserverkey /k1\nntsservercert /c2\nntsserverkey /k2\nntsport 4461\n"
         "ntscachedir /var/cache/chrony\nntstrustedcerts /etc/pki/ca.pem\nntstrustedcerts 3 /ca.d\n"
         "nosystemcert\nnocerttimecheck 2\nntsrotate 3600\nntsrefresh 86400\nntsprocesses 0\n"
         "maxntsconnections 50\nntsntpserver ntp.example.com\nntsaeads 15\n"
         "ntsratelimit interval 8 burst 1 leak 4\n");
  EXPECT_EQ(c.nts_server_certs, (std::vector<std::string>{"/c1", "/c2"}));
  EXPECT_EQ(c.nts_server_keys, (std::vector<std::string>{"/k1", "/k2"}));
  EXPECT_EQ(c.nts_port, 4461);
  EXPECT_EQ(c.nts_dump_dir, "/var/cache/chrony");
  ASSERT_EQ(c.nts_trusted_certs.size(), 2u);
  EXPECT_EQ(c.nts_trusted_certs[0].set_id, 0u);
  EXPECT_EQ(c.nts_trusted_certs[0].path, "/etc/pki/ca.pem");
  EXPECT_EQ(c.nts_trusted_certs[1].set_id, 3u);
  EXPECT_EQ(c.nts_trusted_certs[1].path, "/ca.d");
  EXPECT_TRUE(c.no_system_cert);
  EXPECT_EQ(c.no_cert_time_check, 2);
  EXPECT_EQ(c.nts_rotate, Duration::s(3600));
  EXPECT_EQ(c.nts_refresh, Duration::s(86400));
  EXPECT_EQ(c.nts_processes, 0);
  EXPECT_EQ(c.max_nts_connections, 50);
  EXPECT_EQ(c.nts_ntp_server, "ntp.example.com");
  EXPECT_EQ(c.nts_aeads, (std::vector<int>{15}));
  EXPECT_TRUE(c.nts_rate_limit.enabled);
  EXPECT_EQ(c.nts_rate_limit.interval_log2, 8);
  EXPECT_EQ(ok("ntsdumpdir /var/lib/chrony").nts_dump_dir, "/var/lib/chrony");
  EXPECT_TRUE(ok("ntsaeads").nts_aeads.empty());
  EXPECT_EQ(error_of("ntsprocesses 1001"), "t.conf:1: invalid ntsprocesses '1001' (range 0..1000)");
  EXPECT_EQ(error_of("maxntsconnections 0"),
            "t.conf:1: invalid maxntsconnections '0' (range 1..2147483647)");
  EXPECT_EQ(error_of("ntsrotate 1.5"), "t.conf:1: invalid ntsrotate '1.5'");
  EXPECT_EQ(error_of("ntsaeads 30 x"), "t.conf:1: invalid ntsaeads 'x'");
  EXPECT_EQ(error_of("ntstrustedcerts x /ca"), "t.conf:1: invalid ntstrustedcerts set 'x'");
  EXPECT_EQ(error_of("ntstrustedcerts 1 /a /b"),
            "t.conf:1: too many arguments for 'ntstrustedcerts'");
  EXPECT_EQ(error_of("ntsservercert"), "t.conf:1: missing argument for 'ntsservercert'");
  EXPECT_EQ(error_of("nocerttimecheck -1"),
            "t.conf:1: invalid nocerttimecheck '-1' (range 0..2147483647)");
}

TEST(Directives, LoggingFilesAndProcess) {
  const Config c =
      ok("logdir /var/log/chrony\nlog measurements statistics tracking\nlog selection refclocks\n"
         "logchange 0.5\nkeyfile /etc/chrony.keys\ndumpdir /var/lib/chrony\npidfile /run/t.pid\n"
         "user chrony\nlock_all\nsched_priority 1\nmanual\nacquisitionport 1123\n"
         "bindacqaddress 192.0.2.3\nbindacqaddress ::1\n");
  EXPECT_EQ(c.log_dir, "/var/log/chrony");
  EXPECT_TRUE(c.log.measurements);
  EXPECT_FALSE(c.log.raw_measurements);
  EXPECT_TRUE(c.log.statistics);
  EXPECT_TRUE(c.log.tracking);
  EXPECT_TRUE(c.log.selection);
  EXPECT_TRUE(c.log.refclocks);
  EXPECT_FALSE(c.log.rtc);
  EXPECT_FALSE(c.log.tempcomp);
  EXPECT_EQ(c.log_change, Duration::ms(500));
  EXPECT_EQ(c.key_file, "/etc/chrony.keys");
  EXPECT_EQ(c.dump_dir, "/var/lib/chrony");
  EXPECT_EQ(c.pid_file, "/run/t.pid");
  EXPECT_EQ(c.user, "chrony");
  EXPECT_TRUE(c.lock_all);
  EXPECT_EQ(c.sched_priority, 1);
  EXPECT_TRUE(c.manual);
  EXPECT_EQ(c.acquisition_port, 1123);
  EXPECT_EQ(c.bind_acq_address4.to_string(), "192.0.2.3");
  EXPECT_EQ(c.bind_acq_address6.to_string(), "::1");
  const Config raw = ok("log rawmeasurements rtc tempcomp\nlog\n");
  EXPECT_TRUE(raw.log.raw_measurements);
  EXPECT_TRUE(raw.log.measurements);
  EXPECT_TRUE(raw.log.rtc);
  EXPECT_TRUE(raw.log.tempcomp);
  EXPECT_EQ(ok("pidfile /").pid_file, "");
  EXPECT_EQ(error_of("log Tracking"), "t.conf:1: invalid log 'Tracking'");  // case-sensitive
  EXPECT_EQ(error_of("sched_priority 101"),
            "t.conf:1: invalid sched_priority '101' (range 0..100)");
  EXPECT_EQ(error_of("user a b"), "t.conf:1: too many arguments for 'user'");
  EXPECT_EQ(error_of("acquisitionport x"), "t.conf:1: invalid acquisitionport 'x'");
  EXPECT_EQ(error_of("lock_all now"), "t.conf:1: too many arguments for 'lock_all'");
}

TEST(Directives, InitStepSlew) {
  const Config c = ok("initstepslew 30 192.0.2.1 ntp.example.com\n");
  ASSERT_TRUE(c.init_step_slew.has_value());
  EXPECT_EQ(c.init_step_slew->threshold, Duration::s(30));
  EXPECT_EQ(c.init_step_slew->hosts, (std::vector<std::string>{"192.0.2.1", "ntp.example.com"}));
  EXPECT_TRUE(ok("initstepslew 10").init_step_slew->hosts.empty());
  EXPECT_EQ(error_of("initstepslew"), "t.conf:1: missing argument for 'initstepslew'");
  EXPECT_EQ(error_of("initstepslew x a.example"), "t.conf:1: invalid initstepslew threshold 'x'");
  EXPECT_EQ(error_of("initstepslew 1 bad/host"), "t.conf:1: invalid initstepslew host 'bad/host'");
}

}  // namespace
}  // namespace tempus::config
