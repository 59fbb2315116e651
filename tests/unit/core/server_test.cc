// SPDX-License-Identifier: ISC
#include "core/server.h"

#include <gtest/gtest.h>

#include <array>

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

std::array<std::byte, kHeaderLen> reply_to(const ReplyTemplate& t, Bytes req, Timestamp rx,
                                           Timestamp tx) {
  EXPECT_EQ(classify_request(req), RequestKind::kClient);
  std::array<std::byte, kHeaderLen> out{};
  t.fill(req, rx, out);
  ReplyTemplate::set_transmit(out, tx);
  return out;
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
  const ReplyTemplate t(s);
  for (uint8_t version = 1; version <= 4; ++version) {
    const auto r = reply_to(t, bytes(request(version)), rx, tx);
    auto h = decode_header(r);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->leap, Leap::kNone);
    EXPECT_EQ(h->mode, Mode::kServer);
    EXPECT_EQ(h->version, version);
    EXPECT_EQ(h->stratum, 3);
    EXPECT_EQ(h->poll, 6);
    EXPECT_EQ(h->precision, -20);
    EXPECT_EQ(h->ref_id, 0xc0000201u);
    EXPECT_EQ(h->reference_ts.to_time(rx), s.ref_time);
    EXPECT_EQ(h->origin_ts, request().transmit_ts);
    EXPECT_EQ(h->receive_ts.to_time(rx), rx);
    EXPECT_EQ(h->transmit_ts.to_time(tx), tx);
    EXPECT_EQ(h->root_delay, ShortFixed::from_duration(Duration::ms(2)));
    EXPECT_EQ(h->root_dispersion, ShortFixed::from_duration(Duration::ms(1)));
  }
}

TEST(ServerReply, TemplateIsReusedAcrossRequests) {
  ServerState s;
  s.leap = Leap::kInsert;
  s.stratum = 2;
  const ReplyTemplate t(s);
  const Timestamp rx = Timestamp::from_unix(1'700'000'000, 0);
  Header a = request();
  a.poll = 10;
  Header b = request(3);
  b.poll = -3;
  b.transmit_ts = NtpTimestamp::from_parts(1, 2);
  const auto ra = reply_to(t, bytes(a), rx, rx);
  const auto rb = reply_to(t, bytes(b), rx + Duration::s(1), rx + Duration::s(1));
  EXPECT_EQ(decode_header(ra)->poll, 10);
  EXPECT_EQ(decode_header(rb)->poll, -3);
  EXPECT_EQ(decode_header(rb)->version, 3);
  EXPECT_EQ(decode_header(rb)->leap, Leap::kInsert);
  EXPECT_EQ(decode_header(rb)->origin_ts, b.transmit_ts);
  EXPECT_EQ(decode_header(rb)->receive_ts.to_time(rx), rx + Duration::s(1));
}

TEST(ServerReply, UnsynchronisedServerSaysSo) {
  ServerState s;
  s.stratum = 5;  // ignored without a leap indicator other than 3
  s.ref_time = Timestamp::from_unix(1'700'000'000, 0);
  const auto r = reply_to(ReplyTemplate(s), bytes(request()), Timestamp::from_unix(1, 0),
                          Timestamp::from_unix(1, 0));
  auto h = decode_header(r);
  EXPECT_EQ(h->leap, Leap::kUnsync);
  EXPECT_EQ(h->stratum, 0);
  EXPECT_TRUE(h->reference_ts.is_zero());
}

TEST(ServerReply, KissOfDeath) {
  const Timestamp t = Timestamp::from_unix(1'700'000'000, 0);
  const auto r = reply_to(ReplyTemplate::kiss_of_death(kKissRate), bytes(request()), t, t);
  auto h = decode_header(r);
  EXPECT_EQ(h->stratum, 0);
  EXPECT_EQ(h->leap, Leap::kUnsync);
  EXPECT_EQ(h->ref_id, kKissRate);
  EXPECT_EQ(h->origin_ts, request().transmit_ts);
  EXPECT_EQ(h->mode, Mode::kServer);
}

TEST(ReplyTemplate, UnconfiguredPeerIsAnsweredInPassiveMode) {
  // Mode 1 from a host we do not peer with: answered like a client, in mode 2 (RFC 5905 §9.2).
  const Timestamp t = Timestamp::from_unix(1'700'000'000, 0);
  const auto req = bytes(request(4, Mode::kSymmetricActive));
  EXPECT_EQ(classify_request(req), RequestKind::kClient);
  ServerState st;
  st.leap = Leap::kNone;
  st.stratum = 3;
  const auto r = reply_to(ReplyTemplate(st), req, t, t);
  auto h = decode_header(r);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->mode, Mode::kSymmetricPassive);
  EXPECT_EQ(h->stratum, 3);
  EXPECT_EQ(h->origin_ts, request(4, Mode::kSymmetricActive).transmit_ts);
}

TEST(ClassifyRequest, WhatIsNotAValidClientRequestIsNamed) {
  for (Mode m : {Mode::kSymmetricPassive, Mode::kServer, Mode::kBroadcast, Mode::kReserved})
    EXPECT_EQ(classify_request(bytes(request(4, m))), RequestKind::kOtherMode)
        << static_cast<int>(m);
  auto b = bytes(request());
  b.resize(47);
  EXPECT_EQ(classify_request(b), RequestKind::kTooShort);
  EXPECT_EQ(classify_request({}), RequestKind::kTooShort);
  // Mode 7 and 6 are classed by mode whatever their length (ntpdc/ntpq packets are short).
  const std::byte mode7[8] = {std::byte{0x17}};
  EXPECT_EQ(classify_request(mode7), RequestKind::kPrivate);
  const std::byte mode7_long[48] = {std::byte{0x27}};
  EXPECT_EQ(classify_request(mode7_long), RequestKind::kPrivate);
  const std::byte mode6[12] = {std::byte{0x16}};
  EXPECT_EQ(classify_request(mode6), RequestKind::kControl);
  std::byte v0[48] = {std::byte{0x03}};
  EXPECT_EQ(classify_request(v0), RequestKind::kBadVersion);
  v0[0] = std::byte{0x2b};  // version 5
  EXPECT_EQ(classify_request(v0), RequestKind::kBadVersion);
}

TEST(ClassifyRequest, ExtensionFieldsAreChecked) {
  // RFC 7822: a valid extension field is accepted; a bad length is not (the field is longer
  // than any legacy MAC, so the tail cannot be taken for one).
  std::vector<std::byte> ok = bytes(request());
  ByteWriter w{ok};
  const std::byte value[72] = {};
  encode_extension(0x0104, value, w, kMinLastExtensionLen);
  EXPECT_EQ(classify_request(ok), RequestKind::kClient);
  std::vector<std::byte> bad = ok;
  bad[kHeaderLen + 3] = std::byte{30};  // length 30: not a multiple of 4
  EXPECT_EQ(classify_request(bad), RequestKind::kBadExtensions);
  bad = ok;
  bad[kHeaderLen + 3] = std::byte{200};  // past the end
  EXPECT_EQ(classify_request(bad), RequestKind::kBadExtensions);
  bad = ok;
  bad[kHeaderLen + 3] = std::byte{8};  // below the minimum of 16
  EXPECT_EQ(classify_request(bad), RequestKind::kBadExtensions);
  std::vector<std::byte> tail = bytes(request());
  tail.resize(kHeaderLen + 7);  // neither a field nor a MAC
  EXPECT_EQ(classify_request(tail), RequestKind::kBadExtensions);
  std::vector<std::byte> mac = bytes(request());
  mac.resize(kHeaderLen + kMaxV4MacLen);  // key id + SHA-1 digest
  EXPECT_EQ(classify_request(mac), RequestKind::kClient);
}

TEST(ServerStats, EveryDropHasOneCounter) {
  ServerStats s;
  for (RequestKind k : {RequestKind::kTooShort, RequestKind::kBadVersion,
                        RequestKind::kBadExtensions, RequestKind::kControl, RequestKind::kPrivate,
                        RequestKind::kOtherMode, RequestKind::kClient})
    s.count_drop(k);
  EXPECT_EQ(s.malformed, 3u);
  EXPECT_EQ(s.mode6, 1u);
  EXPECT_EQ(s.mode7, 1u);
  EXPECT_EQ(s.other_mode, 1u);
  EXPECT_EQ(s.valid_requests(), 0u);
}

}  // namespace
}  // namespace tempus::core

namespace tempus::core {
namespace {

TEST(Precision, Log2RoundsUp) {
  EXPECT_EQ(precision_log2(Duration::ns(25)), -25);   // 2^-25 s = 29.8 ns
  EXPECT_EQ(precision_log2(Duration::ns(100)), -23);  // 2^-23 s = 119 ns
  EXPECT_EQ(precision_log2(Duration::ns(119)), -23);
  EXPECT_EQ(precision_log2(Duration::ns(120)), -22);
  EXPECT_EQ(precision_log2(Duration::ms(1)), -9);
  EXPECT_EQ(precision_log2(Duration()), -32);
  EXPECT_EQ(precision_log2(Duration::s(5)), 0);
}

}  // namespace
}  // namespace tempus::core
