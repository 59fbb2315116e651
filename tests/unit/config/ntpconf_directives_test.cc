// SPDX-License-Identifier: ISC
// The ntp.conf front end: the other directives' tables, errors and warnings at file:line,
// includefile, and the guides' and distributions' files against their chrony.conf translations.
#include <gtest/gtest.h>

#include <set>

#include "ntpconf_test_util.h"

namespace tempus::config {
namespace {

using core::Duration;
using namespace testing;  // NOLINT: the helpers of ntpconf_test_util.h

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
      {"filegen peerstats file peerstats type day enable", false},  // log measurements
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
      {"statistics clockstats", true},  // log refclocks: not written
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
