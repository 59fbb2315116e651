// SPDX-License-Identifier: ISC
#include "core/ip.h"

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

std::string canon(std::string_view text) {
  const auto a = IpAddress::parse(text);
  return a.ok() ? a->to_string() : std::string("ERR:") + to_string(a.error());
}

std::string subnet(std::string_view text) {
  const auto s = Subnet::parse(text);
  return s.ok() ? s->to_string() : std::string("ERR:") + to_string(s.error());
}

TEST(IpAddress, ParsesIpv4) {
  const auto a = IpAddress::parse("192.168.1.20");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4_value(), 0xc0a80114u);
  EXPECT_EQ(a->bit_length(), 32);
  EXPECT_EQ(a->to_string(), "192.168.1.20");
  EXPECT_EQ(canon("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(canon("255.255.255.255"), "255.255.255.255");
}

TEST(IpAddress, RejectsBadIpv4LikeInetPton) {
  for (const char* bad :
       {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.", ".1.2.3",
        "1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "+1.2.3.4", "1234.1.1.1", "0x1.2.3.4"}) {
    const auto a = IpAddress::parse(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error(), IpError::kInvalidIpv4) << bad;
  }
  EXPECT_EQ(IpAddress::parse("").error(), IpError::kEmpty);
}

TEST(IpAddress, ParsesIpv6Forms) {
  EXPECT_EQ(canon("::"), "::");
  EXPECT_EQ(canon("::1"), "::1");
  EXPECT_EQ(canon("1::"), "1::");
  EXPECT_EQ(canon("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  EXPECT_EQ(canon("2001:0db8:0000:0000:0001:0000:0000:0001"), "2001:db8::1:0:0:1");
  EXPECT_EQ(canon("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(canon("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");  // "::" may stand for one group
  EXPECT_EQ(canon("::2:3:4:5:6:7:8"), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(canon("fe80::abcd:0:0:1"), "fe80::abcd:0:0:1");
  EXPECT_EQ(canon("0:0:1:0:0:0:1:0"), "0:0:1::1:0");       // longest run wins
  EXPECT_EQ(canon("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");     // first run on a tie
  EXPECT_EQ(canon("1:0:2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");  // a single zero is not compressed
}

TEST(IpAddress, Ipv4MappedAndEmbedded) {
  const auto m = IpAddress::parse("::FFFF:192.0.2.1");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->is_v6());
  EXPECT_TRUE(m->is_v4_mapped());
  EXPECT_EQ(m->to_string(), "::ffff:192.0.2.1");
  ASSERT_TRUE(m->unmapped_v4().has_value());
  EXPECT_EQ(m->unmapped_v4()->to_string(), "192.0.2.1");
  EXPECT_EQ(canon("::ffff:c000:201"), "::ffff:192.0.2.1");
  EXPECT_EQ(canon("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
  EXPECT_EQ(canon("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
  EXPECT_FALSE(IpAddress::parse("192.0.2.1").value().unmapped_v4().has_value());
}

TEST(IpAddress, RejectsBadIpv6) {
  for (const char* bad :
       {":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        ":1::", "1::2:", "g::", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "fe80::1%eth0",
        "1:2:3:4:5:6:7:1.2.3.4", "::256.1.1.1", "[::1]"}) {
    const auto a = IpAddress::parse(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error(), IpError::kInvalidIpv6) << bad;
  }
}

TEST(IpAddress, ConstructorsAndPredicates) {
  EXPECT_EQ(IpAddress::v4(0x7f000001).to_string(), "127.0.0.1");
  EXPECT_EQ(IpAddress::any(IpFamily::kV4).to_string(), "0.0.0.0");
  EXPECT_EQ(IpAddress::any(IpFamily::kV6).to_string(), "::");
  EXPECT_EQ(IpAddress::loopback(IpFamily::kV6).to_string(), "::1");
  EXPECT_TRUE(IpAddress::loopback(IpFamily::kV4).is_loopback());
  EXPECT_TRUE(IpAddress::loopback(IpFamily::kV6).is_loopback());
  EXPECT_TRUE(IpAddress::any(IpFamily::kV6).is_unspecified());
  EXPECT_FALSE(IpAddress::v4(1).is_unspecified());
  EXPECT_EQ(IpAddress(), IpAddress::any(IpFamily::kV4));
}

TEST(IpAddress, OrdersV4BeforeV6ThenNumerically) {
  const auto a = IpAddress::parse("10.0.0.2").value();
  const auto b = IpAddress::parse("10.0.0.10").value();
  const auto c = IpAddress::parse("::1").value();
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_NE(IpAddress::any(IpFamily::kV4), IpAddress::any(IpFamily::kV6));
  EXPECT_EQ(IpAddress::parse("2001:db8::1").value(), IpAddress::parse("2001:DB8:0::1").value());
}

TEST(IpAddress, Hostnames) {
  for (const char* ok : {"pool.ntp.org", "2.rhel.pool.ntp.org", "localhost", "a", "ntp-1.example.",
                         "x_y.example.com", "time.example.com.", "A1.b2"}) {
    EXPECT_TRUE(IpAddress::is_valid_hostname(ok)) << ok;
  }
  const std::string label63(63, 'a'), label64(64, 'a');
  EXPECT_TRUE(IpAddress::is_valid_hostname(label63 + ".com"));
  EXPECT_FALSE(IpAddress::is_valid_hostname(label64 + ".com"));
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefg.";
  long_name += "com";
  EXPECT_FALSE(IpAddress::is_valid_hostname(long_name));
  for (const char* bad : {"", ".", "a..b", "-a.com", "a-.com", "a b", "a/b", "10", "1.2.3.256",
                          "*.example", "host:123", "x%y", "a.1"}) {
    EXPECT_FALSE(IpAddress::is_valid_hostname(bad)) << bad;
  }
}

TEST(Subnet, ChronyForms) {
  EXPECT_EQ(subnet("192.168.1.0/24"), "192.168.1.0/24");
  EXPECT_EQ(subnet("192.168.1.5"), "192.168.1.5/32");
  EXPECT_EQ(subnet("192.168.1.5/24"), "192.168.1.0/24");  // host bits cleared
  EXPECT_EQ(subnet("1.2.3"), "1.2.3.0/24");
  EXPECT_EQ(subnet("1.2"), "1.2.0.0/16");
  EXPECT_EQ(subnet("10"), "10.0.0.0/8");
  EXPECT_EQ(subnet("0"), "0.0.0.0/8");
  EXPECT_EQ(subnet("010"), "10.0.0.0/8");  // sscanf("%u") allows leading zeros
  EXPECT_EQ(subnet("10/12"), "10.0.0.0/12");
  EXPECT_EQ(subnet("172.16/12"), "172.16.0.0/12");
  EXPECT_EQ(subnet("1.2.3/32"), "1.2.3.0/32");
  EXPECT_EQ(subnet("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(subnet("::/0"), "::/0");
  EXPECT_EQ(subnet("2001:db8::/32"), "2001:db8::/32");
  EXPECT_EQ(subnet("2001:db8::1"), "2001:db8::1/128");
  EXPECT_EQ(subnet("2001:db8:ffff::/33"), "2001:db8:8000::/33");
  EXPECT_EQ(subnet("::ffff:10.1.2.3/104"), "::ffff:10.0.0.0/104");
}

TEST(Subnet, Errors) {
  EXPECT_EQ(subnet(""), "ERR:empty address");
  EXPECT_EQ(subnet("/8"), "ERR:empty address");
  EXPECT_EQ(subnet("1.2.3.4/33"), "ERR:prefix length too long for the address family");
  EXPECT_EQ(subnet("10/33"), "ERR:prefix length too long for the address family");
  EXPECT_EQ(subnet("::/129"), "ERR:prefix length too long for the address family");
  EXPECT_EQ(subnet("10/"), "ERR:invalid prefix length");
  EXPECT_EQ(subnet("10/-1"), "ERR:invalid prefix length");
  EXPECT_EQ(subnet("10/x"), "ERR:invalid prefix length");
  EXPECT_EQ(subnet("10/8/8"), "ERR:invalid prefix length");
  EXPECT_EQ(subnet("10/1000"), "ERR:invalid prefix length");
  EXPECT_EQ(subnet("256"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("1.256"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("1.2.3.256"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("01.2.3.4"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("1.2."), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("-1"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("+1"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("99999999999"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("ntp.example.com"), "ERR:invalid IPv4 address");
  EXPECT_EQ(subnet("2001:db8::g/32"), "ERR:invalid IPv6 address");
  EXPECT_EQ(Subnet::make(IpAddress::v4(1), -1).error(), IpError::kInvalidPrefix);
}

TEST(Subnet, Contains) {
  const auto lan = Subnet::parse("192.168.1.0/24").value();
  EXPECT_TRUE(lan.contains(IpAddress::parse("192.168.1.0").value()));
  EXPECT_TRUE(lan.contains(IpAddress::parse("192.168.1.255").value()));
  EXPECT_FALSE(lan.contains(IpAddress::parse("192.168.2.1").value()));
  EXPECT_TRUE(lan.contains(IpAddress::parse("::ffff:192.168.1.7").value()));  // dual-stack peer
  EXPECT_FALSE(lan.contains(IpAddress::parse("::1").value()));
  const auto odd = Subnet::parse("10.0.0.0/9").value();
  EXPECT_TRUE(odd.contains(IpAddress::parse("10.127.255.255").value()));
  EXPECT_FALSE(odd.contains(IpAddress::parse("10.128.0.0").value()));
  const auto v6 = Subnet::parse("2001:db8::/32").value();
  EXPECT_TRUE(v6.contains(IpAddress::parse("2001:db8:ffff::1").value()));
  EXPECT_FALSE(v6.contains(IpAddress::parse("2001:db9::1").value()));
  EXPECT_FALSE(v6.contains(IpAddress::parse("10.0.0.1").value()));
  EXPECT_TRUE(Subnet::parse("::/0").value().contains(IpAddress::parse("::1").value()));
  EXPECT_FALSE(Subnet::parse("::/0").value().contains(IpAddress::parse("1.2.3.4").value()));
  EXPECT_TRUE(Subnet().contains(IpAddress::parse("8.8.8.8").value()));  // 0.0.0.0/0
  const auto host = Subnet::host(IpAddress::parse("192.0.2.1").value());
  EXPECT_EQ(host.prefix_len(), 32);
  EXPECT_TRUE(host.contains(IpAddress::parse("192.0.2.1").value()));
  EXPECT_FALSE(host.contains(IpAddress::parse("192.0.2.2").value()));
}

TEST(Subnet, EqualityIgnoresHostBits) {
  EXPECT_EQ(Subnet::parse("192.168.1.7/24").value(), Subnet::parse("192.168.1.0/24").value());
  EXPECT_NE(Subnet::parse("192.168.1.0/24").value(), Subnet::parse("192.168.1.0/25").value());
}

TEST(IpError, ToString) {
  EXPECT_STREQ(to_string(IpError::kEmpty), "empty address");
  EXPECT_STREQ(to_string(IpError::kInvalidIpv4), "invalid IPv4 address");
  EXPECT_STREQ(to_string(IpError::kInvalidIpv6), "invalid IPv6 address");
  EXPECT_STREQ(to_string(IpError::kInvalidPrefix), "invalid prefix length");
  EXPECT_STREQ(to_string(IpError::kPrefixTooLong), "prefix length too long for the address family");
}

}  // namespace
}  // namespace tempus::core
