// SPDX-License-Identifier: ISC
// format_config: exact output for the defaults; parse → format → parse → format fixed points.
#include <gtest/gtest.h>

#include "test_util.h"

namespace tempus::config {
namespace {

using testing::parse;
using testing::Parsed;

// Parses `text`, prints it, parses the print, and checks the models and the prints are equal.
std::string round_trip(std::string_view text, MemoryFileSource& fs) {
  const Parsed first = parse(text, fs);
  EXPECT_TRUE(first.ok) << first.error;
  const std::string printed = format_config(first.config);
  const Parsed second = parse(printed, fs);
  EXPECT_TRUE(second.ok) << second.error << "\n" << printed;
  EXPECT_EQ(second.config, first.config) << printed;
  EXPECT_EQ(format_config(second.config), printed);
  return printed;
}

std::string round_trip(std::string_view text) {
  MemoryFileSource fs;
  return round_trip(text, fs);
}

TEST(Printer, DefaultsAreExplicitForWhatTheDaemonDoes) {
  // Directives the daemon does not act on (cmdport 323, pidfile, the NTS ones...) are not
  // printed at their defaults: the output is what tempusd does.
  EXPECT_EQ(format_config(Config{}),
            "bindacqaddress 0.0.0.0\n"
            "bindacqaddress ::\n"
            "combinelimit 3\n"
            "maxdistance 3\n"
            "maxjitter 1\n"
            "minsources 1\n"
            "reselectdist 0.0001\n"
            "stratumweight 0.001\n"
            "corrtimeratio 3\n"
            "leapsecmode system\n"
            "maxclockerror 1\n"
            "maxdrift 100000\n"
            "maxslewrate 83333.33333333333\n"
            "maxupdateskew 1000\n"
            "port 123\n"
            "bindaddress 0.0.0.0\n"
            "bindaddress ::\n"
            "clientloglimit 524288\n"
            "bindcmdaddress /run/chrony/chronyd.sock\n");
  round_trip("");
}

TEST(Printer, SourceLines) {
  const std::string out = round_trip(
      "pool 2.rhel.pool.ntp.org iburst\n"
      "server 192.0.2.1 nts minpoll 4 maxpoll 9 key 5 maxdelay 0.5 offset -0.002 prefer xleave\n"
      "peer fe80::1%eth0 presend 3 iburst maxsources 3 version 3 extfield 010a ipv6\n");
  EXPECT_NE(out.find("pool 2.rhel.pool.ntp.org iburst minpoll 6 maxpoll 10 polltarget 8 port 123 "
                     "maxdelay 3 maxdelaydevratio 10 maxsources 4\n"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("server 192.0.2.1 minpoll 4 maxpoll 9 polltarget 8 port 123 key 5 nts ntsport "
               "4460 certset 0 maxdelay 0.5 maxdelaydevratio 10 offset -0.002 prefer xleave\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("peer fe80::1%eth0 minpoll 6 maxpoll 10 polltarget 8 port 123 maxdelay 3 "
                     "maxdelaydevratio 10 version 3 extfield F324 ipv6\n"),
            std::string::npos)
      << out;
}

TEST(Printer, EverythingRoundTrips) {
  MemoryFileSource fs;
  fs.add_file("/run/dhcp/eth0.sources", "server 198.51.100.7 iburst\n");
  fs.add_file("/etc/chrony.d/a.conf", "server included.example\n");
  const std::string out = round_trip(
      "server 192.0.2.1 iburst burst minpoll -2 maxpoll 17 polltarget 12 port 1123 key 5 nts "
      "ntsport 4461 certset 2 maxdelay 0.5 maxdelayratio 2.5 maxdelaydevratio 4 maxdelayquant 0.3 "
      "mindelay 0.0001 asymmetry 0.5 offset -0.002 minsamples 4 maxsamples 32 filter 3 "
      "maxunreach 8 offline auto_offline prefer noselect trust require xleave copy presend 9 "
      "minstratum 2 version 3 extfield F323 extfield F324 ipv4\n"
      "server ntsport-only.example ntsport 1 certset 7\n"
      "sourcedir /run/dhcp\nconfdir /etc/chrony.d\n"
      "refclock PHC /dev/ptp0:extpps refid GPS poll 2 dpoll -2 filter 16 prefer trust noselect "
      "require offset 0.0005 delay 0.00002 precision 1e-9 lock PPS rate 1 tai width 0.1 "
      "stratum 2 minsamples 3 maxsamples 9 maxdispersion 0.25\n"
      "refclock SHM 0\n"
      "initstepslew 30 192.0.2.1 ntp.example.com\nmanual\nacquisitionport 1123\n"
      "bindacqaddress 192.0.2.3\nbindacqaddress ::1\n"
      "authselectmode require\ncombinelimit 4.5\nmaxdistance 16\nmaxjitter 0.5\nmaxstratum 10\n"
      "minstratum 2\nminsources 3\nreselectdist 0.0002\nstratumweight 0.002\n"
      "clockprecision 1e-8\ncorrtimeratio 2.5\ndriftfile /var/lib/chrony/drift interval 600\n"
      "fallbackdrift 16 19\nleapsecmode slew\nleapsectz right/UTC\nleapseclist /l.list\n"
      "makestep 0.1 -1\nmaxchange 1000 1 2\nmaxclockerror 0.5\nmaxdrift 500\n"
      "maxslewrate 1000.5\nmaxupdateskew 100\nrtcsync\n"
      "port 0\nbindaddress 192.0.2.10\nbindaddress 2001:db8::10\n"
      "allow 192.168.1.0/24\ndeny 192.168.1.5\nallow 10\ndeny all 172.16/12\nallow\nallow all\n"
      "allow ::/0\ndeny 2001:db8::/32\nallow ntp.example.com\ndeny all ntp2.example.com\n"
      "clientloglimit 1048576\nnoclientlog\nlocal stratum 8 orphan distance 0.5 activate 0.1\n"
      "ratelimit interval 4 burst 16 leak 3 kod 1\nsmoothtime 400 0.001 leaponly\ndscp 46\n"
      "cmdport 0\nbindcmdaddress 192.0.2.1\nbindcmdaddress /\ncmdallow 192.0.2.0/24\n"
      "cmddeny all\ncmdratelimit interval -2\n"
      "ntsservercert /c1\nntsserverkey /k1\nntsport 4461\nntsdumpdir /var/lib/chrony\n"
      "ntstrustedcerts /ca.pem\nntstrustedcerts 3 /ca.d\nnosystemcert\nnocerttimecheck 2\n"
      "ntsrotate 3600\nntsrefresh 86400\nntsprocesses 0\nmaxntsconnections 50\n"
      "ntsntpserver ntp.example.com\nntsaeads\nntsratelimit interval 8\n"
      "logdir /var/log/chrony\nlog rawmeasurements statistics tracking rtc refclocks tempcomp "
      "selection\nlogchange 0.5\nkeyfile /etc/chrony.keys\ndumpdir /var/lib/chrony\npidfile /\n"
      "user chrony\nlock_all\nsched_priority 1\n",
      fs);
  EXPECT_NE(out.find("sourcedir /run/dhcp\n"), std::string::npos);
  EXPECT_NE(out.find("# /run/dhcp/eth0.sources:1: server 198.51.100.7 iburst"), std::string::npos)
      << out;
  EXPECT_NE(out.find("server included.example"), std::string::npos);
  EXPECT_EQ(out.find("confdir"), std::string::npos);  // flattened
  EXPECT_NE(
      out.find("local stratum 8 orphan distance 0.5 activate 0.1\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("ratelimit interval 4 burst 16 leak 3 kod 1\n"), std::string::npos);
  EXPECT_NE(out.find("cmdratelimit interval -2 burst 8 leak 2\n"), std::string::npos);
  EXPECT_NE(out.find("deny all 172.16.0.0/12\n"), std::string::npos);
  EXPECT_NE(out.find("allow\nallow all\n"), std::string::npos);
  EXPECT_NE(out.find("deny all ntp2.example.com\n"), std::string::npos);
  EXPECT_NE(out.find("bindcmdaddress /\n"), std::string::npos);
  EXPECT_NE(out.find("pidfile /\n"), std::string::npos);
  EXPECT_NE(out.find("ntsaeads\n"), std::string::npos);
  EXPECT_NE(out.find("ntstrustedcerts 0 /ca.pem\n"), std::string::npos);
  EXPECT_NE(out.find("clockprecision 0.00000001\n"), std::string::npos);
  EXPECT_NE(out.find("makestep 0.1 -1\n"), std::string::npos);
  // What the daemon does not act on comes last, under one comment.
  const size_t ignored = out.find("# Not supported yet; ignored by tempusd:\nmanual\n"
                                  "authselectmode require\nmaxstratum 10\nminstratum 2\n");
  ASSERT_NE(ignored, std::string::npos) << out;
  EXPECT_GT(out.find("keyfile /etc/chrony.keys\n"), ignored);
  EXPECT_GT(out.find("cmdallow 192.0.2.0/24\n"), ignored);
  EXPECT_GT(out.find("sched_priority 1\n"), ignored);
  EXPECT_LT(out.find("cmdport 0\n"), ignored);  // what the daemon does
  EXPECT_LT(out.find("ntsdumpdir /var/lib/chrony\n"), ignored);
  EXPECT_NE(out.find("log measurements rawmeasurements statistics tracking rtc refclocks tempcomp "
                     "selection\n"),
            std::string::npos);
  EXPECT_NE(out.find("refclock PHC /dev/ptp0:extpps refid GPS poll 2 dpoll -2 filter 16 prefer "
                     "noselect trust require offset 0.0005 delay 0.00002 precision 0.000000001 "
                     "stratum 2 tai minsamples 3 maxsamples 9 maxdispersion 0.25 lock PPS rate 1 width 0.1\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("refclock SHM 0 refid SHM1 poll 4 dpoll 0 filter 64 offset 0 "
                     "delay 0.000000001\n"),
            std::string::npos)
      << out;
}

TEST(Printer, UnsupportedDirectivesAreDropped) {
  const std::string out = round_trip("hwtimestamp *\nrtcfile /x\n");
  EXPECT_EQ(out.find("hwtimestamp"), std::string::npos);
  EXPECT_EQ(out.find("rtcfile"), std::string::npos);
}

TEST(Printer, LocationsDoNotAffectEquality) {
  const Parsed a = parse("server a.example\n");
  const Parsed b = parse("\n\n\nserver a.example\n");
  EXPECT_EQ(a.config, b.config);
  EXPECT_NE(a.config.sources[0].where.line, b.config.sources[0].where.line);
  const Parsed c = parse("server b.example\n");
  EXPECT_NE(a.config, c.config);
}

}  // namespace
}  // namespace tempus::config
