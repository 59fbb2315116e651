// SPDX-License-Identifier: ISC
// server/pool/peer, refclock and allow/deny-style directives.
#include <gtest/gtest.h>

#include "test_util.h"

namespace tempus::config {
namespace {

using core::Duration;
using testing::error_of;
using testing::parse;
using testing::Parsed;

NtpSource one_source(std::string_view text) {
  const Parsed p = parse(text);
  EXPECT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.config.sources.size(), 1u);
  return p.config.sources.empty() ? NtpSource{} : p.config.sources[0];
}

TEST(Sources, DefaultsAreChronys) {
  const NtpSource s = one_source("server ntp.example.com\n");
  EXPECT_EQ(s.kind, SourceKind::kServer);
  EXPECT_EQ(s.host, "ntp.example.com");
  EXPECT_FALSE(s.address.has_value());
  EXPECT_EQ(s.where.file, "t.conf");
  EXPECT_EQ(s.where.line, 1);
  EXPECT_EQ(s.minpoll.log2, 6);
  EXPECT_EQ(s.maxpoll.log2, 10);
  EXPECT_EQ(s.poll_target, 8);
  EXPECT_EQ(s.port, 123);
  EXPECT_FALSE(s.iburst);
  EXPECT_FALSE(s.key_id.has_value());
  EXPECT_FALSE(s.nts);
  EXPECT_EQ(s.nts_port, 4460);
  EXPECT_EQ(s.cert_set, 0u);
  EXPECT_EQ(s.max_delay, Duration::s(3));
  EXPECT_EQ(s.max_delay_ratio, 0.0);
  EXPECT_EQ(s.max_delay_dev_ratio, 10.0);
  EXPECT_EQ(s.max_delay_quant, 0.0);
  EXPECT_EQ(s.min_delay, Duration{});
  EXPECT_EQ(s.asymmetry, 1.0);
  EXPECT_EQ(s.offset, Duration{});
  EXPECT_FALSE(s.min_samples.has_value());
  EXPECT_FALSE(s.max_samples.has_value());
  EXPECT_EQ(s.filter, 0);
  EXPECT_EQ(s.max_unreach, 100000);
  EXPECT_FALSE(s.presend.has_value());
  EXPECT_EQ(s.min_stratum, 0);
  EXPECT_FALSE(s.version.has_value());
  EXPECT_EQ(s.family, AddressFamily::kAny);
  EXPECT_EQ(s.max_sources, 4);
}

TEST(Sources, EveryOption) {
  const NtpSource s = one_source(
      "server 192.0.2.1 iburst burst minpoll -2 maxpoll 17 polltarget 12 port 1123 key 5 nts "
      "ntsport 4461 certset 2 maxdelay 0.5 maxdelayratio 2.5 maxdelaydevratio 4 maxdelayquant 0.3 "
      "mindelay 0.0001 asymmetry 0.5 offset -0.002 minsamples 4 maxsamples 32 filter 3 "
      "maxunreach 8 offline auto_offline prefer noselect trust require xleave copy presend 9 "
      "minstratum 2 version 3 extfield F323 extfield 0xf324 ipv4\n");
  ASSERT_TRUE(s.address.has_value());
  EXPECT_EQ(s.address->to_string(), "192.0.2.1");
  EXPECT_TRUE(s.iburst);
  EXPECT_TRUE(s.burst);
  EXPECT_EQ(s.minpoll.log2, -2);
  EXPECT_EQ(s.maxpoll.log2, 17);
  EXPECT_EQ(s.poll_target, 12);
  EXPECT_EQ(s.port, 1123);
  EXPECT_EQ(s.key_id, 5u);
  EXPECT_TRUE(s.nts);
  EXPECT_EQ(s.nts_port, 4461);
  EXPECT_EQ(s.cert_set, 2u);
  EXPECT_EQ(s.max_delay, Duration::ms(500));
  EXPECT_EQ(s.max_delay_ratio, 2.5);
  EXPECT_EQ(s.max_delay_dev_ratio, 4.0);
  EXPECT_EQ(s.max_delay_quant, 0.3);
  EXPECT_EQ(s.min_delay, Duration::us(100));
  EXPECT_EQ(s.asymmetry, 0.5);
  EXPECT_EQ(s.offset, Duration::ms(-2));
  EXPECT_EQ(s.min_samples, 4);
  EXPECT_EQ(s.max_samples, 32);
  EXPECT_EQ(s.filter, 3);
  EXPECT_EQ(s.max_unreach, 8);
  EXPECT_TRUE(s.offline);
  EXPECT_TRUE(s.auto_offline);
  EXPECT_TRUE(s.prefer);
  EXPECT_TRUE(s.noselect);
  EXPECT_TRUE(s.trust);
  EXPECT_TRUE(s.require);
  EXPECT_TRUE(s.xleave);
  EXPECT_TRUE(s.copy);
  ASSERT_TRUE(s.presend.has_value());
  EXPECT_EQ(s.presend->log2, 9);
  EXPECT_EQ(s.min_stratum, 2);
  EXPECT_EQ(s.version, 3);
  EXPECT_TRUE(s.ext_mono_root);
  EXPECT_TRUE(s.ext_net_correction);
  EXPECT_EQ(s.family, AddressFamily::kIpv4);
  EXPECT_EQ(one_source("server a.example ipv6").family, AddressFamily::kIpv6);
  EXPECT_TRUE(one_source("server a.example extfield 010A").ext_net_correction);
}

TEST(Sources, NamesAndOptionsAreCaseInsensitiveButHostIsKept) {
  const NtpSource s = one_source("SERVER NTP.Example.COM IBurst MinPoll 4\n");
  EXPECT_EQ(s.host, "NTP.Example.COM");
  EXPECT_TRUE(s.iburst);
  EXPECT_EQ(s.minpoll.log2, 4);
}

TEST(Sources, HostForms) {
  EXPECT_EQ(one_source("server 2001:db8::1").address->to_string(), "2001:db8::1");
  const NtpSource z = one_source("peer fe80::1%eth0");
  EXPECT_EQ(z.host, "fe80::1%eth0");
  EXPECT_EQ(z.address->to_string(), "fe80::1");
  EXPECT_EQ(error_of("server"), "t.conf:1: missing argument for 'server'");
  EXPECT_EQ(error_of("server bad/host"), "t.conf:1: invalid server host 'bad/host'");
  EXPECT_EQ(error_of("pool 1.2.3"), "t.conf:1: invalid pool host '1.2.3'");
  EXPECT_EQ(error_of("peer 192.0.2.1%eth0"), "t.conf:1: invalid peer host '192.0.2.1%eth0'");
  EXPECT_EQ(error_of("peer fe80::1%"), "t.conf:1: invalid peer host 'fe80::1%'");
}

TEST(Sources, PoolAndPeer) {
  const Parsed p = parse("pool 2.rhel.pool.ntp.org iburst maxsources 6\npeer 192.0.2.9 key 3\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.config.sources.size(), 2u);
  EXPECT_EQ(p.config.sources[0].kind, SourceKind::kPool);
  EXPECT_EQ(p.config.sources[0].max_sources, 6);
  EXPECT_EQ(p.config.sources[1].kind, SourceKind::kPeer);
  EXPECT_EQ(p.config.sources[1].where.line, 2);
  EXPECT_EQ(p.config.sources[1].key_id, 3u);
  // Parsed and kept, but no symmetric-key authentication yet.
  EXPECT_EQ(p.warnings, std::vector<std::string>{
                            "t.conf:2: peer option 'key' is not supported yet; ignored"});
}

TEST(Sources, OptionsThatDoNotWorkWithPeerWarnAndAreDropped) {
  const Parsed p = parse("peer 192.0.2.9 iburst burst nts presend 6 copy xleave\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.warnings.size(), 6u);
  EXPECT_EQ(p.warnings[0], "t.conf:1: 'iburst' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[1], "t.conf:1: 'burst' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[2], "t.conf:1: 'nts' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[3], "t.conf:1: 'presend' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[4], "t.conf:1: 'copy' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[5], "t.conf:1: peer option 'xleave' is not supported yet; ignored");
  const NtpSource& s = p.config.sources.at(0);
  EXPECT_FALSE(s.iburst || s.burst || s.nts || s.copy || s.presend.has_value());
  EXPECT_TRUE(s.xleave);
  EXPECT_EQ(parse("peer 192.0.2.9 presend x").error, "t.conf:1: invalid presend 'x'");
}

TEST(Sources, MaxsourcesOnlyForPool) {
  const Parsed p = parse("server a.example maxsources 8\n");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "t.conf:1: 'maxsources' is only valid for pool; ignored");
  EXPECT_EQ(p.config.sources[0].max_sources, 4);
}

TEST(Sources, OptionErrors) {
  EXPECT_EQ(error_of("server a.example minpoll x"), "t.conf:1: invalid minpoll 'x'");
  EXPECT_EQ(error_of("server a.example minpoll"),
            "t.conf:1: missing value for 'minpoll' in 'server'");
  EXPECT_EQ(error_of("server a.example minpoll 33"),
            "t.conf:1: invalid minpoll '33' (range -32..32)");
  EXPECT_EQ(error_of("server a.example maxpoll -33"),
            "t.conf:1: invalid maxpoll '-33' (range -32..32)");
  EXPECT_EQ(error_of("server a.example key 0"), "t.conf:1: invalid key '0' (range 1..4294967295)");
  EXPECT_EQ(error_of("server a.example key 4294967296"),
            "t.conf:1: invalid key '4294967296' (range 1..4294967295)");
  EXPECT_EQ(error_of("server a.example port 65536"),
            "t.conf:1: invalid port '65536' (range 0..65535)");
  EXPECT_EQ(error_of("server a.example ntsport -1"),
            "t.conf:1: invalid ntsport '-1' (range 0..65535)");
  EXPECT_EQ(error_of("server a.example certset -1"),
            "t.conf:1: invalid certset '-1' (range 0..4294967295)");
  EXPECT_EQ(error_of("server a.example polltarget 0"),
            "t.conf:1: invalid polltarget '0' (range 1..2147483647)");
  EXPECT_EQ(error_of("server a.example version 5"), "t.conf:1: invalid version '5' (range 1..4)");
  EXPECT_EQ(error_of("server a.example version 0"), "t.conf:1: invalid version '0' (range 1..4)");
  EXPECT_EQ(error_of("server a.example minstratum 17"),
            "t.conf:1: invalid minstratum '17' (range 0..16)");
  EXPECT_EQ(error_of("server a.example filter -1"),
            "t.conf:1: invalid filter '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("server a.example minsamples -1"),
            "t.conf:1: invalid minsamples '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("server a.example maxsamples x"), "t.conf:1: invalid maxsamples 'x'");
  EXPECT_EQ(error_of("server a.example maxunreach -1"),
            "t.conf:1: invalid maxunreach '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("pool a.example maxsources 0"),
            "t.conf:1: invalid maxsources '0' (range 1..2147483647)");
  EXPECT_EQ(error_of("server a.example presend 40"),
            "t.conf:1: invalid presend '40' (range -32..32)");
  EXPECT_EQ(error_of("server a.example maxdelay 1s"), "t.conf:1: invalid maxdelay '1s'");
  EXPECT_EQ(error_of("server a.example mindelay nan"), "t.conf:1: invalid mindelay 'nan'");
  EXPECT_EQ(error_of("server a.example offset 1e12"), "t.conf:1: invalid offset '1e12'");
  EXPECT_EQ(error_of("server a.example maxdelayratio x"), "t.conf:1: invalid maxdelayratio 'x'");
  EXPECT_EQ(error_of("server a.example maxdelaydevratio x"),
            "t.conf:1: invalid maxdelaydevratio 'x'");
  EXPECT_EQ(error_of("server a.example maxdelayquant x"), "t.conf:1: invalid maxdelayquant 'x'");
  EXPECT_EQ(error_of("server a.example asymmetry x"), "t.conf:1: invalid asymmetry 'x'");
  EXPECT_EQ(error_of("server a.example extfield F325"), "t.conf:1: invalid extfield 'F325'");
  EXPECT_EQ(error_of("server a.example extfield"),
            "t.conf:1: missing value for 'extfield' in 'server'");
  EXPECT_EQ(error_of("server a.example frobnicate"),
            "t.conf:1: unknown server option 'frobnicate'");
  EXPECT_EQ(error_of("pool a.example Bogus"), "t.conf:1: unknown pool option 'Bogus'");
  EXPECT_EQ(error_of("peer 192.0.2.1 maxsources"),
            "t.conf:1: missing value for 'maxsources' in 'peer'");
}

TEST(Refclock, TypedAndRawOptions) {
  const Parsed p = parse(
      "refclock PHC /dev/ptp0:extpps:pin=0 refid GPS poll 2 dpoll -2 filter 16 prefer trust "
      "noselect require offset 0.0005 delay 0.00002 precision 1e-9 lock PPS Rate 1 tai width 0.1 "
      "stratum 1 local pps minsamples 3 maxsamples 9 maxunreach 7 maxlockage 3 maxdispersion 0.5\n"
      "refclock SHM 0\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.config.refclocks.size(), 2u);
  const Refclock& r = p.config.refclocks[0];
  EXPECT_EQ(r.driver, "PHC");
  EXPECT_EQ(r.parameter, "/dev/ptp0:extpps:pin=0");
  EXPECT_EQ(r.device, "/dev/ptp0");
  EXPECT_FALSE(r.nocrossts);
  EXPECT_EQ(r.refid, "GPS");
  EXPECT_EQ(r.poll, 2);
  EXPECT_EQ(r.dpoll, -2);
  EXPECT_EQ(r.filter, 16);
  EXPECT_TRUE(r.prefer && r.trust && r.noselect && r.require);
  EXPECT_EQ(r.offset, Duration::us(500));
  EXPECT_EQ(r.delay, Duration::us(20));
  EXPECT_EQ(r.precision, Duration::ns(1));
  EXPECT_EQ(r.stratum, 1);
  EXPECT_TRUE(r.tai);
  EXPECT_EQ(r.min_samples, 3);
  EXPECT_EQ(r.max_samples, 9);
  EXPECT_EQ(r.max_dispersion, Duration::ms(500));
  EXPECT_EQ(r.other_options,
            (std::vector<std::string>{"lock PPS", "rate 1", "width 0.1", "local", "pps",
                                      "maxunreach 7", "maxlockage 3"}));
  const Refclock& d = p.config.refclocks[1];
  EXPECT_EQ(d.refid, "SHM1");  // chrony's default: driver prefix and index
  EXPECT_EQ(d.device, "0");
  EXPECT_EQ(d.poll, 4);
  EXPECT_EQ(d.dpoll, 0);
  EXPECT_EQ(d.filter, 64);
  EXPECT_EQ(d.offset, Duration{});
  EXPECT_EQ(d.delay, Duration::ns(1));
  EXPECT_EQ(d.precision, Duration{});
  EXPECT_EQ(d.stratum, 0);
  EXPECT_FALSE(d.tai);
  EXPECT_FALSE(d.min_samples || d.max_samples || d.max_dispersion);
  EXPECT_TRUE(d.other_options.empty());
}

TEST(Refclock, PhcSuffixesAndWarnings) {
  const Parsed p = parse(
      "refclock PHC /dev/ptp_hyperv:nocrossts poll 0 dpoll -2\n"
      "refclock PHC /dev/ptp1:extpps:pin=2:channel=1:clear:nocrossts lock GPS rate 2 width 0.2 "
      "local pps maxlockage 2 maxunreach 4\n"
      "refclock SOCK /run/chrony.ttyS0.sock poll 2 dpoll 1 filter 8 tai maxdispersion 1 "
      "stratum 2 minsamples 2 maxsamples 8 refid GPS poll 3\n"
      "refclock PPS /dev/pps0 lock GPS\n");
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.config.refclocks.size(), 4u);
  EXPECT_EQ(p.config.refclocks[0].device, "/dev/ptp_hyperv");
  EXPECT_TRUE(p.config.refclocks[0].nocrossts);
  EXPECT_EQ(p.config.refclocks[0].refid, "PHC0");
  EXPECT_EQ(p.config.refclocks[1].device, "/dev/ptp1");
  EXPECT_TRUE(p.config.refclocks[1].nocrossts);
  EXPECT_EQ(p.config.refclocks[1].refid, "PHC1");
  EXPECT_EQ(p.config.refclocks[2].refid, "GPS");
  EXPECT_EQ(p.config.refclocks[2].poll, 3);
  EXPECT_EQ(p.config.refclocks[3].refid, "PPS3");
  const std::string ext = " is not supported yet (no external timestamps); ignored";
  EXPECT_EQ(p.warnings,
            (std::vector<std::string>{
                "t.conf:2: refclock PHC ':extpps'" + ext,
                "t.conf:2: refclock PHC ':pin=2'" + ext,
                "t.conf:2: refclock PHC ':channel=1'" + ext,
                "t.conf:2: refclock PHC ':clear'" + ext,
                "t.conf:2: refclock PHC option 'lock' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'rate' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'width' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'local' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'pps' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'maxlockage' is not supported yet; ignored",
                "t.conf:2: refclock PHC option 'maxunreach' is not supported yet; ignored",
                "t.conf:3: refclock SOCK option 'poll' is not supported yet; ignored",
                "t.conf:3: refclock SOCK option 'dpoll' is not supported yet; ignored",
                "t.conf:3: refclock SOCK option 'filter' is not supported yet; ignored",
                "t.conf:3: refclock SOCK option 'tai' is not supported yet; ignored",
                "t.conf:3: refclock SOCK option 'maxdispersion' is not supported yet; ignored",
                "t.conf:4: refclock PPS is not supported yet; ignored",
            }));
}

TEST(Refclock, Errors) {
  EXPECT_EQ(error_of("refclock PPS"), "t.conf:1: missing argument for 'refclock'");
  EXPECT_EQ(error_of("refclock GPSD /dev/x"), "t.conf:1: unknown refclock driver 'GPSD'");
  EXPECT_EQ(error_of("refclock pps /dev/pps0"), "t.conf:1: unknown refclock driver 'pps'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 refid GPSXX"), "t.conf:1: invalid refid 'GPSXX'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 lock"),
            "t.conf:1: missing value for 'lock' in 'refclock'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 poll 33"),
            "t.conf:1: invalid poll '33' (range -32..32)");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 dpoll -33"),
            "t.conf:1: invalid dpoll '-33' (range -32..32)");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 filter -1"),
            "t.conf:1: invalid filter '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 rate 0"),
            "t.conf:1: invalid rate '0' (range 1..2147483647)");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 stratum 16"),
            "t.conf:1: invalid stratum '16' (range 0..15)");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 minsamples -1"),
            "t.conf:1: invalid minsamples '-1' (range 0..2147483647)");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 maxsamples x"),
            "t.conf:1: invalid maxsamples 'x'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 maxdispersion x"),
            "t.conf:1: invalid maxdispersion 'x'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 precision"),
            "t.conf:1: missing value for 'precision' in 'refclock'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0 delay x"), "t.conf:1: invalid delay 'x'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 width x"), "t.conf:1: invalid width 'x'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 offset x"), "t.conf:1: invalid offset 'x'");
  EXPECT_EQ(error_of("refclock PPS /dev/pps0 iburst"),
            "t.conf:1: unknown refclock option 'iburst'");
  EXPECT_EQ(error_of("\nrefclock PHC /dev/ptp0:crossts"),
            "t.conf:2: unknown refclock PHC option ':crossts'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0:"), "t.conf:1: unknown refclock PHC option ':'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0:pin=x"), "t.conf:1: invalid pin 'x'");
  EXPECT_EQ(error_of("refclock PHC /dev/ptp0:channel=-1"),
            "t.conf:1: invalid channel '-1' (range 0..2147483647)");
}

std::vector<AccessRule> rules(std::string_view text) {
  const Parsed p = parse(text);
  EXPECT_TRUE(p.ok) << p.error;
  return p.config.ntp_access;
}

TEST(Access, FormsInOrder) {
  const auto r = rules(
      "allow 192.168.1.0/24\ndeny 192.168.1.5\nallow 10\ndeny all 172.16/12\nallow\n"
      "allow all\nallow ::/0\ndeny 2001:db8::/32\nallow ntp.example.com\n");
  ASSERT_EQ(r.size(), 9u);
  EXPECT_TRUE(r[0].allow);
  EXPECT_FALSE(r[0].all);
  EXPECT_EQ(r[0].target, AccessRule::Target::kSubnet);
  EXPECT_EQ(r[0].subnet.to_string(), "192.168.1.0/24");
  EXPECT_EQ(r[0].where.line, 1);
  EXPECT_FALSE(r[1].allow);
  EXPECT_EQ(r[1].subnet.to_string(), "192.168.1.5/32");
  EXPECT_EQ(r[2].subnet.to_string(), "10.0.0.0/8");
  EXPECT_FALSE(r[3].allow);
  EXPECT_TRUE(r[3].all);
  EXPECT_EQ(r[3].subnet.to_string(), "172.16.0.0/12");
  EXPECT_EQ(r[4].target, AccessRule::Target::kAnyAddress);  // bare allow = everything
  EXPECT_FALSE(r[4].all);
  EXPECT_EQ(r[5].target, AccessRule::Target::kAnyAddress);
  EXPECT_TRUE(r[5].all);
  EXPECT_EQ(r[6].subnet.to_string(), "::/0");
  EXPECT_EQ(r[7].subnet.to_string(), "2001:db8::/32");
  EXPECT_EQ(r[8].target, AccessRule::Target::kHostName);
  EXPECT_EQ(r[8].host, "ntp.example.com");
}

TEST(Access, CommandAccessIsSeparate) {
  const Parsed p = parse("cmdallow 192.0.2.0/24\ncmddeny all\nallow 1.2\n");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.config.cmd_access.size(), 2u);
  EXPECT_EQ(p.config.cmd_access[0].subnet.to_string(), "192.0.2.0/24");
  EXPECT_TRUE(p.config.cmd_access[1].all);
  EXPECT_FALSE(p.config.cmd_access[1].allow);
  ASSERT_EQ(p.config.ntp_access.size(), 1u);
  EXPECT_EQ(p.config.ntp_access[0].subnet.to_string(), "1.2.0.0/16");
}

TEST(Access, Errors) {
  EXPECT_EQ(error_of("allow 1.2.3.4/33"),
            "t.conf:1: invalid allow subnet '1.2.3.4/33' (prefix length too long for the address "
            "family)");
  EXPECT_EQ(error_of("deny 10/x"), "t.conf:1: invalid deny subnet '10/x' (invalid prefix length)");
  EXPECT_EQ(error_of("allow 256"), "t.conf:1: invalid allow subnet '256' (invalid IPv4 address)");
  EXPECT_EQ(error_of("allow ::g/64"),
            "t.conf:1: invalid allow subnet '::g/64' (invalid IPv6 address)");
  EXPECT_EQ(error_of("allow host.example/24"),
            "t.conf:1: invalid allow subnet 'host.example/24' (invalid IPv4 address)");
  EXPECT_EQ(error_of("allow 10 11"), "t.conf:1: too many arguments for 'allow'");
  EXPECT_EQ(error_of("allow all 10 11"), "t.conf:1: too many arguments for 'allow'");
  // "all" is case-sensitive in chrony; "ALL" is then an (invalid-looking but legal) host name.
  EXPECT_EQ(rules("allow ALL").at(0).target, AccessRule::Target::kHostName);
  EXPECT_EQ(error_of("cmdallow 1.2.3.4.5"),
            "t.conf:1: invalid cmdallow subnet '1.2.3.4.5' (invalid IPv4 address)");
}

}  // namespace
}  // namespace tempus::config
