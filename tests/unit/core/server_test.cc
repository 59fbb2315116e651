// SPDX-License-Identifier: ISC
#include "core/server.h"

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }
AccessRule rule(bool allow, const char* subnet, bool all = false) {
  return AccessRule{allow, all, subnet ? std::optional(Subnet::parse(subnet).value()) : std::nullopt};
}

TEST(AccessTable, NobodyWithoutRules) {
  AccessTable t;
  EXPECT_FALSE(t.allowed(ip("127.0.0.1")));
  EXPECT_TRUE(t.empty());
}

TEST(AccessTable, MostSpecificRuleDecides) {
  const AccessRule rules[] = {rule(true, "192.168.0.0/16"), rule(false, "192.168.1.0/24"),
                              rule(true, "192.168.1.7")};
  AccessTable t(rules);
  EXPECT_TRUE(t.allowed(ip("192.168.2.1")));
  EXPECT_FALSE(t.allowed(ip("192.168.1.1")));
  EXPECT_TRUE(t.allowed(ip("192.168.1.7")));
  EXPECT_FALSE(t.allowed(ip("10.0.0.1")));
  EXPECT_TRUE(t.allowed(ip("::ffff:192.168.2.1")));  // IPv4-mapped
  EXPECT_FALSE(t.allowed(ip("2001:db8::1")));
}

TEST(AccessTable, BareAllowAndLaterWins) {
  const AccessRule rules[] = {rule(true, nullptr), rule(false, "10.0.0.0/8"),
                              rule(true, "10.0.0.0/8")};
  AccessTable t(rules);
  EXPECT_TRUE(t.allowed(ip("2001:db8::1")));
  EXPECT_TRUE(t.allowed(ip("10.1.2.3")));  // equally specific: the later allow wins
}

TEST(AccessTable, AllOverridesEarlierMoreSpecificRules) {
  const AccessRule rules[] = {rule(true, "10.1.0.0/16"), rule(false, "10.0.0.0/8", true)};
  AccessTable t(rules);
  EXPECT_FALSE(t.allowed(ip("10.1.2.3")));
  const AccessRule without_all[] = {rule(true, "10.1.0.0/16"), rule(false, "10.0.0.0/8")};
  EXPECT_TRUE(AccessTable(without_all).allowed(ip("10.1.2.3")));
}

Header request(uint8_t version = 4, Mode mode = Mode::kClient) {
  Header h;
  h.version = version;
  h.mode = mode;
  h.poll = 6;
  h.transmit_ts = NtpTimestamp::from_parts(0x12345678, 0x9abcdef0);
  return h;
}

std::vector<std::byte> bytes(const Header& h) {
  std::vector<std::byte> b;
  ByteWriter w{b};
  encode_header(h, w);
  return b;
}

TEST(ServerReply, AnswersAClient) {
  ServerState s;
  s.leap = Leap::kNone;
  s.stratum = 3;
  s.root_delay = Duration::ms(2);
  s.root_dispersion = Duration::ms(1);
  s.ref_id = 0xc0000201;
  s.ref_time = Timestamp::from_unix(1'700'000'000, 0);
  const Timestamp rx = Timestamp::from_unix(1'700'000'100, 5'000);
  const Timestamp tx = rx + Duration::us(30);
  auto r = make_reply(bytes(request(3)), rx, tx, s);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), kHeaderLen);
  auto h = decode_header(*r);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->mode, Mode::kServer);
  EXPECT_EQ(h->version, 3);
  EXPECT_EQ(h->stratum, 3);
  EXPECT_EQ(h->poll, 6);
  EXPECT_EQ(h->ref_id, 0xc0000201u);
  EXPECT_EQ(h->origin_ts, request().transmit_ts);
  EXPECT_EQ(h->receive_ts.to_time(rx), rx);
  EXPECT_EQ(h->transmit_ts.to_time(tx), tx);
  EXPECT_EQ(h->root_delay.to_duration(), ShortFixed::from_duration(Duration::ms(2)).to_duration());
}

TEST(ServerReply, UnsynchronisedServerSaysSo) {
  auto r = make_reply(bytes(request()), Timestamp::from_unix(1, 0), Timestamp::from_unix(1, 0),
                      ServerState{});
  ASSERT_TRUE(r);
  auto h = decode_header(*r);
  EXPECT_EQ(h->leap, Leap::kUnsync);
  EXPECT_EQ(h->stratum, 0);
  EXPECT_TRUE(h->reference_ts.is_zero());
}

TEST(ServerReply, KissOfDeath) {
  const Timestamp t = Timestamp::from_unix(1'700'000'000, 0);
  auto r = make_kod_reply(bytes(request()), t, kKissRate);
  ASSERT_TRUE(r);
  auto h = decode_header(*r);
  EXPECT_EQ(h->stratum, 0);
  EXPECT_EQ(h->leap, Leap::kUnsync);
  EXPECT_EQ(h->ref_id, kKissRate);
  EXPECT_EQ(h->origin_ts, request().transmit_ts);
  EXPECT_FALSE(make_kod_reply(bytes(request(4, Mode::kServer)), t, kKissRate));
}

TEST(ServerReply, DropsWhatIsNotAClientRequest) {
  const Timestamp t = Timestamp::from_unix(1, 0);
  for (Mode m : {Mode::kSymmetricActive, Mode::kServer, Mode::kBroadcast})
    EXPECT_FALSE(make_reply(bytes(request(4, m)), t, t, ServerState{})) << static_cast<int>(m);
  auto b = bytes(request());
  b.resize(47);
  EXPECT_FALSE(make_reply(b, t, t, ServerState{}));
  const std::byte mode7[48] = {std::byte{0x17}};
  EXPECT_FALSE(make_reply(mode7, t, t, ServerState{}));
  const std::byte mode6[12] = {std::byte{0x16}};
  EXPECT_FALSE(make_reply(mode6, t, t, ServerState{}));
}

}  // namespace
}  // namespace tempus::core
