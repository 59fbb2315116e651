// SPDX-License-Identifier: ISC
// What tempus does with every directive of chrony 4.8's keyword list and every server option:
// each parses with minimal valid arguments, either silently (the daemon acts on it) or with
// exactly one "'X' is not supported yet; ignored" / "is obsolete; ignored" warning at its line.
// The table is written out here (from reference/chrony-conf-directives.md), not read from the
// parser, so a directive that changes class is a visible change to this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "config/parser_internal.h"
#include "test_util.h"

namespace tempus::config {
namespace {

using testing::parse;
using testing::Parsed;

enum class Expect { kSilent, kUnsupported, kObsolete };

struct Row {
  const char* line;  // the directive with minimal valid arguments
  Expect expect;
};

constexpr Expect S = Expect::kSilent;
constexpr Expect W = Expect::kUnsupported;
constexpr Expect O = Expect::kObsolete;

// chrony 4.8's conf.c keywords, each at least once, alphabetically; some twice, with a value the
// daemon does and one it does not act on.
constexpr Row kRows[] = {
    {"acquisitionport 1123", S},
    {"allow", S},
    {"authselectmode require", S},
    {"bindacqaddress 192.0.2.1", S},
    {"bindacqdevice eth0", W},
    {"bindaddress 127.0.0.1", S},
    {"bindcmdaddress /run/tempus-test/chronyd.sock", S},
    {"bindcmdaddress /", S},
    {"bindcmdaddress 127.0.0.1", S},
    {"bindcmddevice eth0", W},
    {"binddevice eth0", S},
    {"broadcast 64 192.0.2.255", W},
    {"clientloglimit 100000", S},
    {"clockprecision 0.000001", S},
    {"cmdallow 192.0.2.0/24", S},
    {"cmddeny 192.0.2.0/24", S},
    {"cmdport 0", S},
    {"cmdport 323", S},
    {"cmdratelimit interval 2", S},
    {"combinelimit 3", S},
    {"commandkey 1", O},
    {"confdir /etc/chrony/conf.d", S},
    {"corrtimeratio 3", S},
    {"deny 192.0.2.0/24", S},
    {"driftfile /var/lib/chrony/drift", S},
    {"dscp 0", S},
    {"dscp 46", W},
    {"dumpdir /var/lib/chrony", W},
    {"dumponexit", O},
    {"fallbackdrift 16 19", W},
    {"generatecommandkey", O},
    {"hwclockfile /etc/adjtime", W},
    {"hwtimestamp *", W},
    {"hwtstimeout 0.001", W},
    {"include /etc/tempus-test.conf", S},
    {"initstepslew 30 192.0.2.1", S},
    {"keyfile /etc/chrony.keys", S},
    {"leapsecmode slew", S},
    {"leapseclist /usr/share/zoneinfo/leap-seconds.list", S},
    {"leapsectz right/UTC", S},
    {"linux_freq_scale 1.0", O},
    {"linux_hz 100", O},
    {"local", S},
    {"local stratum 8", S},
    {"local orphan", W},
    {"lock_all", W},
    {"log tracking", S},
    {"log measurements statistics tracking selection rawmeasurements", S},
    {"log rtc", W},
    {"logbanner 32", S},
    {"logchange 0.5", S},
    {"logdir /var/log/chrony", S},
    {"mailonchange root@localhost 0.5", W},
    {"makestep 1.0 3", S},
    {"manual", W},
    {"maxchange 1000 1 2", S},
    {"maxclockerror 1", S},
    {"maxdistance 3", S},
    {"maxdrift 500", S},
    {"maxjitter 1", S},
    {"maxntsconnections 10", S},
    {"maxsamples 16", W},
    {"maxslewrate 1000", S},
    {"maxstratum 10", W},
    {"maxtxbuffers 100", W},
    {"maxupdateskew 100", S},
    {"minsamples 4", W},
    {"minsources 2", S},
    {"minstratum 1", W},
    {"nocerttimecheck 1", S},
    {"noclientlog", S},
    {"nosystemcert", S},
    {"ntpsigndsocket /var/lib/samba/ntp_signd", W},
    {"ntsaeads 30", S},
    {"ntscachedir /var/lib/chrony", S},
    {"ntsdumpdir /var/lib/chrony", S},
    {"ntsntpserver ntp.example.net", S},
    {"ntsport 4460", S},
    {"ntsprocesses 1", W},
    {"ntsratelimit interval 6", S},
    {"ntsrefresh 1000", S},
    {"ntsrotate 1000", S},
    {"ntsservercert /etc/pki/tls/certs/ntp.crt", S},
    {"ntsserverkey /etc/pki/tls/private/ntp.key", S},
    {"ntstrustedcerts /etc/pki/ca.crt", S},
    {"opencommands sources tracking", W},
    {"peer 192.0.2.1", S},
    {"pidfile /", S},
    {"pidfile /run/chrony/chronyd.pid", W},
    {"pool 2.pool.ntp.org", S},
    {"port 0", S},
    {"ptpdomain 0", W},
    {"ptpport 319", W},
    {"ratelimit interval 4", S},
    {"refclock SOCK /run/chrony.sock", S},
    {"refresh 1209600", W},
    {"reselectdist 0.0001", S},
    {"rtcautotrim 30", W},
    {"rtcdevice /dev/rtc", W},
    {"rtcfile /var/lib/chrony/rtc", W},
    {"rtconutc", W},
    {"rtcsync", S},
    {"sched_priority 1", W},
    {"server ntp.example.net", S},
    {"smoothtime 400 0.001", W},
    {"sourcedir /run/chrony-dhcp", S},
    {"stratumweight 0.001", S},
    {"tempcomp /sys/class/hwmon/hwmon0/temp1_input 30 26000 0.0 0.000183 0.0", W},
    {"user chrony", W},
};

std::string name_of(std::string_view line) { return std::string(line.substr(0, line.find(' '))); }

std::vector<std::string> expected_warnings(const Row& r) {
  const std::string name = name_of(r.line);
  switch (r.expect) {
    case Expect::kSilent: return {};
    case Expect::kUnsupported:
      if (name == "local") return {"t.conf:1: local option 'orphan' is not supported yet; ignored"};
      if (name == "log") return {"t.conf:1: log option 'rtc' is not supported yet; ignored"};
      return {"t.conf:1: '" + name + "' is not supported yet; ignored"};
    case Expect::kObsolete: return {"t.conf:1: '" + name + "' is obsolete; ignored"};
  }
  return {};
}

TEST(DirectiveSupport, EveryDirectiveOfChronysListParsesWithItsOneWarningOrNone) {
  for (const Row& r : kRows) {
    MemoryFileSource fs;
    fs.add_file("/etc/tempus-test.conf", "rtcsync\n");
    const Parsed p = parse(std::string(r.line) + "\n", fs);
    EXPECT_TRUE(p.ok) << r.line << ": " << p.error;
    EXPECT_EQ(p.warnings, expected_warnings(r)) << r.line;
  }
}

TEST(DirectiveSupport, TheTableCoversExactlyTheParsersList) {
  std::set<std::string> in_table;
  for (const Row& r : kRows) in_table.insert(name_of(r.line));
  const auto names = detail::directive_names();
  const std::set<std::string> in_parser(names.begin(), names.end());
  EXPECT_EQ(in_table, in_parser);
  EXPECT_EQ(in_parser.size(), 100u);  // 96 keywords + 4 obsolete ones (reference list)
}

TEST(DirectiveSupport, NamesAreCaseInsensitiveAndWarningsNameTheLine) {
  const Parsed p = parse("RTCSYNC\n\nDumpDir /var/lib/chrony\nHwTimestamp eth0\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.warnings, (std::vector<std::string>{
                            "t.conf:3: 'dumpdir' is not supported yet; ignored",
                            "t.conf:4: 'hwtimestamp' is not supported yet; ignored"}));
}

TEST(DirectiveSupport, AnUnknownWordIsAnErrorWithFileAndLine) {
  const Parsed p = parse("rtcsync\n# comment\nfrobnicate 1\n");
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.kind, ErrorKind::kUnknownDirective);
  EXPECT_EQ(p.error, "t.conf:3: unknown directive 'frobnicate'");
  // A misspelt directive too, and ntpd's words that chrony does not know.
  EXPECT_EQ(testing::error_of("makesteps 1 3"), "t.conf:1: unknown directive 'makesteps'");
  EXPECT_EQ(testing::error_of("restrict default nomodify"),
            "t.conf:1: unknown directive 'restrict'");
}

TEST(DirectiveSupport, AParsedOnlyDirectiveStillChecksItsValue) {
  // Warned directives are parsed as chrony parses them: a bad value is an error, not a warning.
  EXPECT_EQ(testing::error_of("maxstratum x"), "t.conf:1: invalid maxstratum 'x'");
  EXPECT_EQ(testing::error_of("authselectmode sometimes"),
            "t.conf:1: invalid authselectmode 'sometimes'");
  EXPECT_EQ(testing::error_of("cmdport 70000"), "t.conf:1: invalid cmdport '70000' (range 0..65535)");
}

struct OptionRow {
  const char* options;  // after "server ntp.example.net "
  bool supported;
};

// Every option of server/pool/peer (chrony 4.8 cmdparse.c).
constexpr OptionRow kOptions[] = {
    {"asymmetry 0.5", false},
    {"auto_offline", false},
    {"burst", true},
    {"certset 1", true},
    {"copy", false},
    {"extfield F323", false},
    {"filter 3", false},
    {"iburst", true},
    {"ipv4", true},
    {"ipv6", true},
    {"key 1", true},
    {"maxdelay 0.5", true},
    {"maxdelaydevratio 5", true},
    {"maxdelayquant 0.3", false},
    {"maxdelayratio 2", true},
    {"maxpoll 16", true},
    {"maxsamples 16", true},
    {"maxunreach 10", false},
    {"mindelay 0.001", false},
    {"minpoll 4", true},
    {"minsamples 4", true},
    {"minstratum 2", true},
    {"noselect", true},
    {"nts", true},
    {"ntsport 4460", true},
    {"offline", false},
    {"offset 0.001", true},
    {"polltarget 6", true},
    {"port 1123", true},
    {"prefer", true},
    {"presend 9", false},
    {"require", true},
    {"trust", true},
    {"version 3", true},
    {"xleave", false},
};

TEST(DirectiveSupport, EveryServerOptionParsesWithItsOneWarningOrNone) {
  for (const OptionRow& r : kOptions) {
    const Parsed p = parse("server ntp.example.net " + std::string(r.options) + "\n");
    EXPECT_TRUE(p.ok) << r.options << ": " << p.error;
    std::vector<std::string> want;
    if (!r.supported)
      want.push_back("t.conf:1: server option '" + name_of(r.options) +
                     "' is not supported yet; ignored");
    EXPECT_EQ(p.warnings, want) << r.options;
  }
}

TEST(DirectiveSupport, AnUnsupportedOptionIsWarnedOncePerLine) {
  const Parsed p =
      parse("pool a.example xleave iburst xleave\nserver b.example xleave key 1 xleave key 2\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.warnings, (std::vector<std::string>{
                            "t.conf:1: pool option 'xleave' is not supported yet; ignored",
                            "t.conf:2: server option 'xleave' is not supported yet; ignored"}));
  EXPECT_EQ(p.config.sources[1].key_id, 2u);  // parsed as chrony does: the last one wins
}

}  // namespace
}  // namespace tempus::config
