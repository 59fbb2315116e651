// SPDX-License-Identifier: ISC
// The ntp.conf front end: language detection, server/pool/peer options, the local clock and
// reference clock drivers, and the restrict list's translation to allow/deny and cmdallow/cmddeny.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ntpconf_test_util.h"

namespace tempus::config {
namespace {

using core::Duration;
using namespace testing;  // NOLINT: the helpers of ntpconf_test_util.h

TEST(NtpConfDetect, ByDirectivesThenName) {
  struct Case {
    const char* path;
    const char* text;
    ConfigLanguage want;
  };
  const Case cases[] = {
      {"/etc/x.conf", "restrict default ignore\nserver a\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "server a\nfudge 127.127.1.0 stratum 10\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "statsdir /var/log/ntp\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "includefile /etc/ntp/x\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "tos minsane 2\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "disable monitor\n", ConfigLanguage::kNtp},
      {"/etc/x.conf", "server a iburst\ndriftfile /d\n", ConfigLanguage::kChrony},
      {"/etc/ntp.conf", "server a iburst\ndriftfile /d\n", ConfigLanguage::kNtp},
      {"/etc/ntpsec/ntp.conf", "pool a\n", ConfigLanguage::kNtp},
      {"ntp.conf", "", ConfigLanguage::kNtp},
      // A chrony-only directive wins over the name.
      {"/etc/ntp.conf", "server a\nmakestep 1 3\n", ConfigLanguage::kChrony},
      {"/etc/ntp.conf", "allow 10/8\n", ConfigLanguage::kChrony},
      // Both kinds: the name decides (and the parser reports the stray directive).
      {"/etc/chrony.conf", "allow 10/8\nrestrict default\n", ConfigLanguage::kChrony},
      {"/etc/ntp.conf", "allow 10/8\nrestrict default\n", ConfigLanguage::kNtp},
      // Comments are not directives in either language.
      {"/etc/x.conf", "#restrict default\nserver a\n", ConfigLanguage::kChrony},
      {"/etc/ntp.conf.d/x", "server a\n", ConfigLanguage::kChrony},
  };
  for (const Case& c : cases)
    EXPECT_EQ(detect_language(c.path, c.text), c.want) << c.path << ": " << c.text;
}

TEST(NtpConfDetect, NoChronyConfOfTheTreeIsTakenForNtpConf) {
  // Every chrony.conf-language file under tests/data (distribution files, STIG, conf.d,
  // sourcedir files) and the installed one, if any.
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(TEMPUS_CONFIG_TEST_DATA)) {
    if (!e.is_regular_file()) continue;
    const std::string p = e.path().string();
    if (p.find("/ntp/") == std::string::npos) files.push_back(p);
  }
  for (const char* p : {"/etc/chrony.conf", "/etc/chrony/chrony.conf"})
    if (std::filesystem::exists(p)) files.emplace_back(p);
  ASSERT_GE(files.size(), 8u);
  for (const std::string& p : files) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(detect_language(p, ss.str()), ConfigLanguage::kChrony) << p;
  }
  for (const char* name : {"lan-server.conf", "client.conf", "debian12-ntpsec.conf", "rhel7.conf"})
    EXPECT_EQ(detect_language(name, read_data(std::string("ntp/") + name)), ConfigLanguage::kNtp)
        << name;
}

TEST(NtpConfDetect, ParseAnyConfigFile) {
  MemoryFileSource fs;
  fs.add_file("/etc/ntp.conf", "server 192.0.2.1\n");
  fs.add_file("/etc/chrony.conf", "server 192.0.2.1\n");
  EXPECT_EQ(parse_any_config_file("/etc/ntp.conf", fs, std::nullopt)->language,
            ConfigLanguage::kNtp);
  EXPECT_EQ(parse_any_config_file("/etc/chrony.conf", fs, std::nullopt)->language,
            ConfigLanguage::kChrony);
  EXPECT_EQ(parse_any_config_file("/etc/chrony.conf", fs, ConfigLanguage::kNtp)->language,
            ConfigLanguage::kNtp);
  EXPECT_EQ(parse_any_config_file("/etc/ntp.conf", fs, ConfigLanguage::kChrony)->language,
            ConfigLanguage::kChrony);
  const auto missing = parse_any_config_file("/etc/none.conf", fs, std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kReadFailed);
}

TEST(NtpConfSources, OptionTable) {
  const Parsed p = ntp(
      "server 192.0.2.1 iburst burst minpoll 4 maxpoll 12 prefer\n"
      "server ntp.example noselect key 7 version 3 true bias -0.25\n"
      "pool -4 pool.example iburst\n"
      "peer 192.0.2.9 xleave\n"
      "restrict default\n");
  ASSERT_TRUE(p.ok) << p.error;
  const auto& s = p.config.sources;
  ASSERT_EQ(s.size(), 4u);
  EXPECT_TRUE(s[0].iburst && s[0].burst && s[0].prefer);
  EXPECT_EQ(s[0].minpoll.log2, 4);
  EXPECT_EQ(s[0].maxpoll.log2, 12);
  EXPECT_TRUE(s[1].noselect && s[1].trust);
  EXPECT_EQ(s[1].key_id, 7u);
  EXPECT_EQ(s[1].version, 3);
  EXPECT_EQ(s[1].offset, Duration::ms(-250));
  EXPECT_EQ(s[2].kind, SourceKind::kPool);
  EXPECT_EQ(s[2].family, AddressFamily::kIpv4);
  EXPECT_EQ(s[3].kind, SourceKind::kPeer);
  EXPECT_EQ(s[3].where.line, 4);
  EXPECT_TRUE(s[3].xleave);
  EXPECT_EQ(p.warnings, Lines{"ntp.conf:4: peer option 'xleave' is not supported yet; ignored"});
}

TEST(NtpConfSources, WarnedAndRejectedOptions) {
  Parsed p = ntp("restrict default\nserver 192.0.2.1 autokey ttl 3 preempt\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(has_warning(p, "ntp.conf:2: server option 'autokey' (Autokey authentication) is "
                             "not supported; ignored"));
  EXPECT_TRUE(has_warning(p, "ntp.conf:2: server option 'ttl' is not supported; ignored"));
  EXPECT_EQ(p.config.sources.size(), 1u);
  EXPECT_EQ(ntp_error("server 192.0.2.1 maxsources 3\n"),
            "ntp.conf:1: unknown server option 'maxsources'");
  EXPECT_EQ(ntp_error("\nserver 192.0.2.1 minpoll x\n"), "ntp.conf:2: invalid minpoll 'x'");
  EXPECT_EQ(ntp_error("server bad..name\n"), "ntp.conf:1: invalid server host 'bad..name'");
  EXPECT_EQ(ntp_error("server\n"), "ntp.conf:1: missing argument for 'server'");
  // Reference clock drivers without a chrony.conf counterpart are warned about, not configured.
  p = ntp("restrict default\nserver 127.127.20.0 mode 1\nfudge 127.127.20.0 refid GPS\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.config.sources.empty());
  EXPECT_TRUE(p.config.refclocks.empty());
  EXPECT_TRUE(has_warning(p, "ntp.conf:2: reference clock '127.127.20.0' (ntpd driver 20)"));
  EXPECT_TRUE(has_warning(p, "ntp.conf:3: fudge of reference clock '127.127.20.0'"));
}

TEST(NtpConfSources, ShmAndPpsDriversBecomeRefclocks) {
  // gpsd's classic pair: SHM 0 with its offset, and the PPS device.
  const Parsed p = ntp(
      "restrict default\n"
      "fudge 127.127.22.0 flag3 1 refid PPS\n"
      "server 127.127.28.0 minpoll 4 prefer\n"
      "fudge 127.127.28.0 time1 0.420 refid GPS stratum 2\n"
      "server 127.127.22.0 minpoll 4\n"
      "fudge 127.127.28.5 refid X\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.config.refclocks.size(), 2u);
  const Refclock& shm = p.config.refclocks[0];
  EXPECT_EQ(shm.driver, "SHM");
  EXPECT_EQ(shm.parameter, "0");
  EXPECT_EQ(shm.poll, 4);
  EXPECT_TRUE(shm.prefer);
  EXPECT_EQ(shm.offset, Duration::ms(420));
  EXPECT_EQ(shm.refid, "GPS");
  EXPECT_EQ(shm.stratum, 2);
  EXPECT_EQ(shm.where.line, 3);
  const Refclock& pps = p.config.refclocks[1];
  EXPECT_EQ(pps.driver, "PPS");
  EXPECT_EQ(pps.parameter, "/dev/pps0");
  EXPECT_EQ(pps.refid, "PPS");
  EXPECT_TRUE(has_warning(p, "ntp.conf:2: fudge 'flag3' of reference clock '127.127.22.0' is "
                             "not supported; ignored"));
  EXPECT_TRUE(has_warning(p, "ntp.conf:3: refclock SHM is not supported yet; ignored"));
  EXPECT_TRUE(has_warning(p, "ntp.conf: fudge '127.127.28.5' without its server line; ignored"));
  expect_round_trip(p.config);
  EXPECT_EQ(ntp_error("server 127.127.28.0 burst\n"), "ntp.conf:1: unknown server option 'burst'");
  EXPECT_EQ(ntp_error("fudge 127.127.28.0 refid TOOLONG\n"),
            "ntp.conf:1: invalid fudge refid 'TOOLONG'");
}

TEST(NtpConfLocal, LocalClockAndOrphan) {
  struct Case {
    const char* text;
    std::optional<int> stratum;
    bool orphan;
  };
  const Case cases[] = {
      {"server 127.127.1.0\n", 6, false},  // the driver's default stratum 5, plus one
      {"server 127.127.1.0\nfudge 127.127.1.0 stratum 10\n", 11, false},
      {"fudge 127.127.1.1 stratum 3\nserver 127.127.1.1 prefer\n", 4, false},
      {"server 127.127.1.0\nfudge 127.127.1.0 stratum 15\n", 15, false},
      {"tos orphan 8\n", 8, true},
      {"server 127.127.1.0\nfudge 127.127.1.0 stratum 10\ntos orphan 5\n", 5, true},
      {"server 192.0.2.1\n", std::nullopt, false},
  };
  for (const Case& c : cases) {
    const Parsed p = ntp(std::string("restrict default\n") + c.text);
    ASSERT_TRUE(p.ok) << p.error;
    ASSERT_EQ(p.config.local.has_value(), c.stratum.has_value()) << c.text;
    if (!c.stratum) continue;
    EXPECT_EQ(p.config.local->stratum, *c.stratum) << c.text;
    EXPECT_EQ(p.config.local->orphan, c.orphan) << c.text;
  }
  EXPECT_EQ(ntp_error("fudge 192.0.2.1 stratum 3\n"),
            "ntp.conf:1: invalid fudge address '192.0.2.1'");
  EXPECT_EQ(ntp_error("fudge 127.127.1.0 stratum 16\n"),
            "ntp.conf:1: invalid stratum '16' (range 0..15)");
  EXPECT_EQ(ntp_error("fudge 127.127.1.0 wobble 1\n"), "ntp.conf:1: unknown fudge option 'wobble'");
  const Parsed p = ntp("restrict default\nfudge 127.127.1.0 stratum 3 time1 0.5\n");
  EXPECT_TRUE(has_warning(p, "ntp.conf:2: local clock fudge 'time1' is not supported"));
  EXPECT_TRUE(has_warning(p, "fudge for the local clock without its 'server 127.127.1.0'"));
}

// restrict 10.0.0.0 mask 255.0.0.0 FLAG → (serve?, query?) for 10/8, beside a default entry.
TEST(NtpConfRestrict, FlagTable) {
  struct Case {
    const char* flags;
    bool serve;
    bool query;
  };
  const Case cases[] = {
      {"", true, true},
      {"ignore", false, false},
      {"noserve", false, true},
      {"noquery", true, false},
      {"noserve noquery", false, false},
      {"nomodify notrap nopeer noepeer lowpriotrap nomrulist", true, true},
      {"limited kod", true, true},
      {"version", true, true},   // warned
      {"notrust", true, true},   // warned
  };
  for (const Case& c : cases) {
    const std::string text =
        std::string("restrict default ignore\nrestrict 10.0.0.0 mask 255.0.0.0 ") + c.flags + "\n";
    const Parsed p = ntp(text);
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(access(p.config.ntp_access, "allow", "deny"),
              (Lines{"deny", c.serve ? "allow 10.0.0.0/8" : "deny 10.0.0.0/8"}))
        << c.flags;
    EXPECT_EQ(access(p.config.cmd_access, "cmdallow", "cmddeny"),
              (Lines{"cmddeny", c.query ? "cmdallow 10.0.0.0/8" : "cmddeny 10.0.0.0/8"}))
        << c.flags;
  }
  EXPECT_TRUE(has_warning(ntp("restrict default version\n"),
                          "ntp.conf:1: restrict flag 'version' is not supported; ignored"));
  EXPECT_EQ(ntp_error("restrict default\nrestrict default nosuchflag\n"),
            "ntp.conf:2: unknown restrict flag 'nosuchflag'");
}

TEST(NtpConfRestrict, AddressesMasksAndFamilies) {
  Parsed p = ntp(
      "restrict -4 default noserve\n"
      "restrict -6 default\n"
      "restrict 192.168.0.0 mask 255.255.0.0\n"
      "restrict 2001:db8:: mask ffff:ffff:: ignore\n"
      "restrict 198.51.100.0/24 noquery\n"
      "restrict ntp.example.net\n"
      "restrict 192.168.0.0 mask 255.255.0.0 noserve\n"  // same entry: flags OR'ed
      "restrict source nomodify\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(access(p.config.ntp_access, "allow", "deny"),
            (Lines{"deny 0.0.0.0/0", "allow ::/0", "deny 192.168.0.0/16", "deny 2001:db8::/32",
                   "allow 198.51.100.0/24", "allow ntp.example.net"}));
  EXPECT_EQ(access(p.config.cmd_access, "cmdallow", "cmddeny"),
            (Lines{"cmdallow", "cmdallow 192.168.0.0/16", "cmddeny 2001:db8::/32",
                   "cmddeny 198.51.100.0/24", "cmdallow ntp.example.net"}));
  EXPECT_EQ(p.warnings, Lines{});
  expect_round_trip(p.config);

  EXPECT_EQ(ntp_error("restrict 10.0.0.0 mask 255.0.255.0\n"),
            "ntp.conf:1: invalid restrict mask '255.0.255.0'");
  EXPECT_EQ(ntp_error("restrict 10.0.0.0 mask ffff::\n"),
            "ntp.conf:1: invalid restrict mask 'ffff::'");
  EXPECT_EQ(ntp_error("restrict 10.0.0.0 mask\n"),
            "ntp.conf:1: missing value for 'mask' in 'restrict'");
  EXPECT_EQ(ntp_error("restrict -6 10.0.0.1\n"),
            "ntp.conf:1: restrict '10.0.0.1' is not of the family of '-6'");
  EXPECT_EQ(ntp_error("restrict default mask 255.0.0.0\n"),
            "ntp.conf:1: restrict mask needs an address without a prefix, not 'default'");
  EXPECT_EQ(ntp_error("restrict -4\n"), "ntp.conf:1: missing argument for 'restrict'");
  EXPECT_EQ(ntp_error("restrict 10.0.0.0/33\n"),
            "ntp.conf:1: invalid restrict address '10.0.0.0/33'");
}

TEST(NtpConfRestrict, WithoutRestrictLinesEveryoneIsServed) {
  Parsed p = ntp("server 192.0.2.1 iburst\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(access(p.config.ntp_access, "allow", "deny"), Lines{"allow"});
  EXPECT_TRUE(p.config.cmd_access.empty());  // ntpq stays loopback-only
  EXPECT_TRUE(has_warning(p, "ntp.conf: NTP service (UDP port 123) open to every IPv4 and IPv6 "
                             "client: no 'restrict default' line"));
  // One family closed: the other is open, and named.
  p = ntp("restrict -4 default ignore\nrestrict 127.0.0.1\n");
  EXPECT_EQ(access(p.config.ntp_access, "allow", "deny"),
            (Lines{"allow ::/0", "deny 0.0.0.0/0", "allow 127.0.0.1/32"}));
  EXPECT_TRUE(has_warning(p, "open to every IPv6 client: no 'restrict -6 default' line"));
  // Both defaults given: no warning.
  EXPECT_FALSE(has_warning(ntp("restrict default kod\n"), "open to every"));
}

TEST(NtpConfRestrict, LimitedAndKod) {
  Parsed p = ntp("restrict default limited\nrestrict 127.0.0.1\n");
  EXPECT_TRUE(p.config.rate_limit.enabled);
  EXPECT_EQ(p.config.rate_limit.interval_log2, 3);
  EXPECT_EQ(p.config.rate_limit.kod, 0);
  EXPECT_EQ(p.warnings, Lines{});
  p = ntp("discard average 5 minimum 2\nrestrict default kod limited\n");
  EXPECT_EQ(p.config.rate_limit.interval_log2, 5);
  EXPECT_EQ(p.config.rate_limit.kod, 1);
  EXPECT_TRUE(has_warning(p, "ntp.conf:1: discard minimum is not supported; ignored"));
  // kod without limited does nothing in ntpd either.
  EXPECT_FALSE(ntp("restrict default kod\n").config.rate_limit.enabled);
  // limited on an ignored entry only: nothing served is limited.
  EXPECT_FALSE(ntp("restrict default ignore limited\n").config.rate_limit.enabled);
  // ntpd keeps its monitor (chrony's client log) for `limited`.
  EXPECT_FALSE(ntp("disable monitor\nrestrict default limited\n").config.no_client_log);
  EXPECT_TRUE(ntp("disable monitor\nrestrict default\n").config.no_client_log);
  p = ntp("restrict default\nrestrict 10.0.0.0 mask 255.0.0.0 limited\n");
  EXPECT_TRUE(p.config.rate_limit.enabled);
  EXPECT_TRUE(has_warning(p, "restrict 'limited' applies to every client served"));
}

}  // namespace
}  // namespace tempus::config
