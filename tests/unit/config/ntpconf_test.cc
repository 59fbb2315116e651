// SPDX-License-Identifier: ISC
// The ntp.conf front end: language detection, directive and restrict-flag tables, errors and
// warnings at file:line, and the chrony.conf every translation prints, which parses back into
// the same model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/ntpconf.h"
#include "test_util.h"

namespace tempus::config {
namespace {

using core::Duration;
using testing::Parsed;
using testing::to_parsed;

Parsed ntp(std::string_view text, MemoryFileSource& fs) {
  return to_parsed(parse_ntp_conf_text("ntp.conf", text, fs));
}
Parsed ntp(std::string_view text) {
  MemoryFileSource fs;
  return ntp(text, fs);
}
std::string ntp_error(std::string_view text) {
  const Parsed p = ntp(text);
  return p.ok ? std::string("(parsed)") : p.error;
}

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(TEMPUS_CONFIG_TEST_DATA) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_warning(const Parsed& p, std::string_view text) {
  for (const std::string& w : p.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

// The access lists as chrony.conf lines, for compact expectations.
std::vector<std::string> access(const std::vector<AccessRule>& rules, const char* allow,
                                const char* deny) {
  std::vector<std::string> out;
  for (const AccessRule& r : rules) {
    std::string line = r.allow ? allow : deny;
    if (r.target == AccessRule::Target::kSubnet) line += " " + r.subnet.to_string();
    if (r.target == AccessRule::Target::kHostName) line += " " + r.host;
    out.push_back(line);
  }
  return out;
}
using Lines = std::vector<std::string>;

// The printed chrony.conf of `c` reads back, in chrony's language, into `c`.
void expect_round_trip(const Config& c) {
  const std::string printed = format_config(c);
  const Parsed back = testing::parse(printed);
  ASSERT_TRUE(back.ok) << back.error << "\n" << printed;
  EXPECT_EQ(back.config, c) << printed;
}

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
  p = ntp("restrict default\nrestrict 10.0.0.0 mask 255.0.0.0 limited\n");
  EXPECT_TRUE(p.config.rate_limit.enabled);
  EXPECT_TRUE(has_warning(p, "restrict 'limited' applies to every client served"));
}

TEST(NtpConfDirectives, ClockFilesAndStatistics) {
  MemoryFileSource fs;
  const Parsed p = ntp(
      "restrict default\n"
      "driftfile /var/lib/ntp/drift\n"
      "leapfile /usr/share/zoneinfo/leap-seconds.list\n"
      "statsdir /var/log/ntpstats/\n"
      "statistics loopstats peerstats\n"
      "filegen clockstats file clockstats type day enable\n"
      "filegen loopstats disable\n"
      "keys /etc/ntp/keys\n"
      "trustedkey 1 2 ( 4 ... 6 )\n"
      "tos minsane 2 maxdist 1.5\n"
      "tinker panic 0 step 0.5\n"
      "disable monitor kernel\n"
      "interface listen 192.0.2.5\n"
      "interface ignore wildcard\n",
      fs);
  ASSERT_TRUE(p.ok) << p.error;
  const Config& c = p.config;
  EXPECT_EQ(c.drift_file, "/var/lib/ntp/drift");
  EXPECT_EQ(c.leap_sec_list, "/usr/share/zoneinfo/leap-seconds.list");
  EXPECT_EQ(c.log_dir, "/var/log/ntpstats/");
  EXPECT_FALSE(c.log.tracking);  // filegen ... disable came later
  EXPECT_TRUE(c.log.measurements);
  EXPECT_TRUE(c.log.refclocks);
  EXPECT_EQ(c.key_file, "/etc/ntp/keys");
  EXPECT_TRUE(has_warning(p, "ntp.conf:8: keys: the file is read in chrony's keyfile format"));
  EXPECT_EQ(c.min_sources, 2);
  EXPECT_EQ(c.max_distance, Duration::ms(1500));
  EXPECT_FALSE(c.max_change.has_value());
  EXPECT_EQ(c.make_step_threshold, Duration::ms(500));
  EXPECT_EQ(c.make_step_limit, -1);
  EXPECT_TRUE(c.no_client_log);
  EXPECT_FALSE(c.rtc_sync);
  EXPECT_EQ(c.bind_address4.to_string(), "192.0.2.5");
  EXPECT_TRUE(c.bind_address6.is_unspecified());
  expect_round_trip(c);
}

TEST(NtpConfDirectives, NtpdDefaultsAndTinker) {
  Parsed p = ntp("restrict default\n");
  EXPECT_EQ(p.config.make_step_threshold, Duration::ms(128));
  EXPECT_EQ(p.config.make_step_limit, -1);
  EXPECT_TRUE(p.config.rtc_sync);
  EXPECT_FALSE(p.config.no_client_log);
  p = ntp("restrict default\ntinker step 0 panic 600\n");
  EXPECT_EQ(p.config.make_step_threshold, Duration{});
  EXPECT_EQ(p.config.make_step_limit, 0);
  ASSERT_TRUE(p.config.max_change.has_value());
  EXPECT_EQ(*p.config.max_change, (MaxChange{Duration::s(600), 1, 0}));
  EXPECT_EQ(ntp_error("tinker wobble 1\n"), "ntp.conf:1: unknown tinker option 'wobble'");
  EXPECT_EQ(ntp_error("tos orphan 16\n"), "ntp.conf:1: invalid orphan '16' (range 1..15)");
  EXPECT_EQ(ntp_error("tos maxclock\n"), "ntp.conf:1: missing value for 'maxclock' in 'tos'");
  EXPECT_EQ(ntp_error("tos wobble 1\n"), "ntp.conf:1: unknown tos option 'wobble'");
  EXPECT_EQ(ntp_error("disable wobble\n"), "ntp.conf:1: unknown disable flag 'wobble'");
  EXPECT_EQ(ntp_error("statistics wobblestats\n"),
            "ntp.conf:1: unknown statistics file 'wobblestats'");
  EXPECT_EQ(ntp_error("trustedkey x\n"), "ntp.conf:1: invalid trustedkey 'x'");
  EXPECT_EQ(ntp_error("filegen wobblestats link\n"),
            "ntp.conf:1: unknown statistics file 'wobblestats'");
  EXPECT_EQ(ntp_error("filegen loopstats file\n"),
            "ntp.conf:1: missing value for 'file' in 'filegen'");
}

TEST(NtpConfDirectives, UnsupportedAreWarnedUnknownAreErrors) {
  const Parsed p = ntp(
      "restrict default\n"
      "crypto pw secret\n"
      "broadcast 192.168.1.255 autokey\n"
      "manycastserver 239.255.254.254\n"
      "logfile /var/log/ntp.log\n"
      "enable mode7\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.warnings,
            (Lines{"ntp.conf:2: 'crypto' is not supported; ignored",
                   "ntp.conf:3: 'broadcast' is not supported; ignored",
                   "ntp.conf:4: 'manycastserver' is not supported; ignored",
                   "ntp.conf:5: 'logfile' has no chrony.conf equivalent (use tempusd -l FILE); "
                   "ignored",
                   "ntp.conf:6: 'enable mode7' is not supported; ignored"}));
  EXPECT_EQ(ntp_error("restrict default\n\nmakestep 1 3\n"),
            "ntp.conf:3: unknown ntp.conf directive 'makestep'");
  EXPECT_EQ(ntp_error("server 192.0.2.1 # a comment\nwibble\n"),
            "ntp.conf:2: unknown ntp.conf directive 'wibble'");
}

// Every directive the front end knows, with minimal valid arguments: silent (translated, maybe
// with a note) or exactly one warning at its line. Written out, so a change of class shows here.
TEST(NtpConfDirectives, EveryDirectiveHasAKnownOutcome) {
  struct Row {
    const char* line;
    bool warned;
  };
  const Row rows[] = {
      {"automax 12", true},
      {"broadcast 192.0.2.255", true},
      {"broadcastclient", true},
      {"broadcastdelay 0.004", true},
      {"calldelay 30", true},
      {"controlkey 1", false},
      {"crypto", true},
      {"delrestrict 192.0.2.1", true},
      {"device 127.127.8.0 timedata /dev/x", true},
      {"disable monitor", false},
      {"discard average 4", false},
      {"driftfile /var/lib/ntp/drift", false},
      {"enable monitor", false},
      {"filegen peerstats file peerstats type day enable", true},  // chrony's log: not yet
      {"fudge 127.127.1.0 stratum 8", true},  // without its server line
      {"ident group", true},
      {"includefile /etc/ntp/empty.conf", false},
      {"interface listen 192.0.2.1", false},
      {"keys /etc/ntp/keys", true},  // the format warning
      {"keysdir /etc/ntp", true},
      {"leapfile /usr/share/zoneinfo/leap-seconds.list", false},
      {"leapsmearinterval 86400", true},
      {"logconfig =syncall", true},
      {"logfile /var/log/ntp.log", true},
      {"manycastclient 239.255.254.254", true},
      {"manycastserver 239.255.254.254", true},
      {"mdnstries 5", true},
      {"mru maxdepth 1024", true},
      {"multicastclient 224.0.1.1", true},
      {"nic listen 192.0.2.1", false},
      {"nts ca /etc/ssl/ca.pem", false},
      {"ntpsigndsocket /var/lib/samba/ntp_signd", true},
      {"peer 192.0.2.1", false},
      {"phone ATDT5551234", true},
      {"pidfile /run/ntpd.pid", true},
      {"pool pool.ntp.org iburst", false},
      {"qos lowdelay", true},
      {"refclock shm unit 0", true},
      {"requestkey 1", false},
      {"reset allpeers", true},
      {"restrict -6 default", false},
      {"revoke 16", true},
      {"rlimit memlock 32", true},
      {"saveconfigdir /var/lib/ntp", true},
      {"server 192.0.2.1 iburst", false},
      {"setvar location = here", true},
      {"simulate", true},
      {"statistics clockstats", true},  // chrony's log: not yet
      {"statsdir /var/log/ntpstats", false},
      {"tinker step 0.5", false},
      {"tos minsane 2", false},
      {"trap 192.0.2.1", true},
      {"trustedkey 1", false},
      {"ttl 1 2", true},
      {"unconfig 1", true},
      {"unpeer 192.0.2.1", true},
      {"unrestrict 192.0.2.1", true},
  };
  std::set<std::string> covered;
  for (const Row& r : rows) {
    MemoryFileSource fs;
    fs.add_file("/etc/ntp/empty.conf", "");
    // "restrict -4 default": the implicit IPv6 default would warn about every line.
    const Parsed p = to_parsed(parse_ntp_conf_text(
        "ntp.conf", std::string("restrict -4 default\n") + r.line + "\n", fs));
    const std::string text = r.line;
    covered.insert(text.substr(0, text.find(' ')));
    ASSERT_TRUE(p.ok) << r.line << ": " << p.error;
    std::vector<std::string> mine;
    for (const std::string& w : p.warnings)
      if (w.find("open to every") == std::string::npos) mine.push_back(w);
    if (!r.warned) {
      EXPECT_EQ(mine, Lines{}) << r.line;
      continue;
    }
    ASSERT_EQ(mine.size(), 1u) << r.line;
    EXPECT_TRUE(mine[0].starts_with("ntp.conf:2: ") || mine[0].starts_with("ntp.conf: "))
        << mine[0];
  }
  for (const std::string& name : ntp_directive_names()) EXPECT_TRUE(covered.count(name)) << name;
}

TEST(NtpConfDirectives, NtsOfNtpsec) {
  Parsed p = ntp(
      "restrict default\n"
      "nts cert /etc/ntpsec/cert.pem\n"
      "nts key /etc/ntpsec/key.pem\n"
      "nts enable\n"
      "nts mintls TLS1.3\n"
      "nts ca /etc/ntpsec/ca.pem\n"
      "server time.cloudflare.com nts\n"
      "server nts.example nts ca /etc/ntpsec/example-ca.pem noval\n");
  ASSERT_TRUE(p.ok) << p.error;
  const Config& c = p.config;
  EXPECT_EQ(c.nts_server_certs, Lines{"/etc/ntpsec/cert.pem"});
  EXPECT_EQ(c.nts_server_keys, Lines{"/etc/ntpsec/key.pem"});
  ASSERT_EQ(c.nts_trusted_certs.size(), 2u);
  EXPECT_EQ(c.nts_trusted_certs[0], (TrustedCerts{0, "/etc/ntpsec/ca.pem"}));
  EXPECT_EQ(c.nts_trusted_certs[1], (TrustedCerts{1, "/etc/ntpsec/example-ca.pem"}));
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_TRUE(c.sources[0].nts);
  EXPECT_EQ(c.sources[0].cert_set, 0u);
  EXPECT_EQ(c.sources[1].cert_set, 1u);
  EXPECT_TRUE(has_warning(p, "ntp.conf:5: 'nts mintls' is not supported; ignored"));
  EXPECT_TRUE(has_warning(p, "ntp.conf:8: server option 'noval' (no certificate validation)"));
  expect_round_trip(c);
  // Without enable (or without a key), no NTS-KE server.
  p = ntp("restrict default\nnts cert /c.pem\nnts key /k.pem\n");
  EXPECT_TRUE(p.config.nts_server_certs.empty());
  EXPECT_TRUE(has_warning(p, "nts cert/key without 'nts enable'"));
  p = ntp("restrict default\nnts enable\nnts cert /c.pem\n");
  EXPECT_TRUE(p.config.nts_server_certs.empty());
  EXPECT_TRUE(has_warning(p, "'nts enable' without both 'nts cert' and 'nts key'"));
  EXPECT_EQ(ntp_error("nts wobble 1\n"), "ntp.conf:1: unknown nts option 'wobble'");
  EXPECT_EQ(ntp_error("nts cert\n"), "ntp.conf:1: missing argument for 'nts'");
}

TEST(NtpConfFiles, IncludeFile) {
  MemoryFileSource fs;
  fs.add_file("/etc/ntp/acl.conf", "restrict default ignore\nrestrict 10.0.0.0 mask 255.0.0.0\n");
  fs.add_file("/etc/ntp/bad.conf", "\nwibble\n");
  fs.add_file("/etc/ntp/loop.conf", "includefile loop.conf\n");
  Parsed p = to_parsed(parse_ntp_conf_text(
      "/etc/ntp.conf", "includefile ntp/acl.conf\nincludefile /etc/ntp/none\nserver 192.0.2.1\n",
      fs));
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(access(p.config.ntp_access, "allow", "deny"), (Lines{"deny", "allow 10.0.0.0/8"}));
  EXPECT_EQ(p.warnings, (Lines{"/etc/ntp.conf:2: cannot read '/etc/ntp/none': no such file or "
                               "directory; includefile skipped"}));
  p = to_parsed(parse_ntp_conf_text("/etc/ntp.conf", "includefile /etc/ntp/bad.conf\n", fs));
  EXPECT_EQ(p.error, "/etc/ntp/bad.conf:2: unknown ntp.conf directive 'wibble'");
  p = to_parsed(parse_ntp_conf_text("/etc/ntp.conf", "includefile /etc/ntp/loop.conf\n", fs));
  EXPECT_EQ(p.kind, ErrorKind::kIncludeDepth);
  p = to_parsed(parse_ntp_conf_file("/etc/missing.conf", fs));
  EXPECT_EQ(p.error,
            "/etc/missing.conf: cannot read '/etc/missing.conf': no such file or directory");
}

// The guides' files and the distributions' stock ones: exact chrony.conf translations
// (tests/data/config/ntp/*.chrony), which parse back into the same model.
TEST(NtpConfGuides, TranslationsAreExactAndRoundTrip) {
  for (const char* name : {"lan-server", "client", "debian12-ntpsec", "rhel7"}) {
    MemoryFileSource fs;
    fs.add_file("/etc/ntp/crypto/pw", read_data("ntp/rhel7-crypto-pw"));
    const auto out =
        parse_ntp_conf_text("/etc/ntp.conf", read_data(std::string("ntp/") + name + ".conf"), fs);
    ASSERT_TRUE(out.ok()) << name << ": " << out.error().to_string();
    EXPECT_EQ(format_config(*out), read_data(std::string("ntp/") + name + ".chrony")) << name;

    const std::string chrony = format_config(*out);
    const Parsed back = testing::parse(chrony, fs);
    ASSERT_TRUE(back.ok) << name << ": " << back.error;
    EXPECT_EQ(back.config, out->config) << name;
    EXPECT_EQ(format_config(back.config), format_config(out->config)) << name;
  }
}

}  // namespace
}  // namespace tempus::config
