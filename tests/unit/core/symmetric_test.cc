// SPDX-License-Identifier: ISC
// Symmetric active mode (peer): two NtpClients talking to each other over a simulated path,
// each with its own clock, and the packet fields they exchange.
#include <gtest/gtest.h>

#include "core/ntp_client.h"

namespace tempus::core {
namespace {

class CountingRandom : public RandomSource {
 public:
  uint64_t next_u64() override { return ++n_; }

 private:
  uint64_t n_ = 0;
};

constexpr Timestamp kT0 = Timestamp::from_unix(1'704'067'200, 0);
const Duration kTheta = Duration::ms(50);  // B's clock is ahead of A's by this much
const Duration kOneWay = Duration::ms(5);

ClientOptions peer_options() {
  ClientOptions o;
  o.symmetric = true;
  return o;
}

ServerState synced(uint8_t stratum) {
  ServerState s;
  s.leap = Leap::kNone;
  s.stratum = stratum;
  s.precision = -20;
  s.root_delay = Duration::ms(2);
  s.root_dispersion = Duration::ms(1);
  s.ref_id = 0xc0000201;
  s.ref_time = kT0 - Duration::s(30);
  return s;
}

Header decoded(const std::vector<std::byte>& p) {
  auto h = decode_header(p);
  EXPECT_TRUE(h.ok());
  return h.ok() ? *h : Header{};
}

void expect_near(Duration got, Duration want, Duration tol = Duration::us(2)) {
  EXPECT_LE((got - want).abs(), tol) << got.to_seconds_f() << " vs " << want.to_seconds_f();
}

// A (true time) and B (true time + kTheta), both peers.
struct Pair {
  NtpClient a{peer_options()}, b{peer_options()};
  CountingRandom rng;
  ServerState sa = synced(3), sb = synced(2);
};

TEST(Symmetric, PacketCarriesOurStateAndEchoesThePeer) {
  Pair p;
  const Request r = p.a.make_request(kT0, p.rng, &p.sa);
  const Header h = decoded(r.packet);
  EXPECT_EQ(h.mode, Mode::kSymmetricActive);
  EXPECT_EQ(h.stratum, 3);
  EXPECT_EQ(h.ref_id, 0xc0000201u);
  EXPECT_EQ(h.precision, -20);
  EXPECT_EQ(h.transmit_ts, NtpTimestamp::from_time(kT0));  // real time, not a nonce
  EXPECT_TRUE(h.origin_ts.is_zero());                     // nothing from the peer yet
  EXPECT_TRUE(h.receive_ts.is_zero());
  EXPECT_EQ(r.transmit, h.transmit_ts);

  // Unsynchronised: leap 3 with stratum 0, as chronyd and ntpd send it.
  ServerState unsync;
  const Header u = decoded(p.b.make_request(kT0, p.rng, &unsync).packet);
  EXPECT_EQ(u.leap, Leap::kUnsync);
  EXPECT_EQ(u.stratum, 0);
  EXPECT_TRUE(u.reference_ts.is_zero());
  // Without our state a peer cannot build a packet.
  EXPECT_TRUE(p.a.make_request(kT0, p.rng).packet.empty());
}

TEST(Symmetric, PollAnsweredPromptlyMeasuresBothWays) {
  Pair p;
  // A polls at kT0; B (its clock + θ) gets it kOneWay later.
  const Timestamp a1 = kT0;
  const Request ra = p.a.make_request(a1, p.rng, &p.sa);
  const Timestamp b2 = a1 + kOneWay + kTheta;
  auto rb = p.b.handle_reply(ra.packet, b2, b2);  // B has no open request of its own
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.error(), ReplyError::kNoRequest);
  EXPECT_EQ(p.b.counters().bogus, 0u);  // a peer's poll is not bogus
  ASSERT_TRUE(p.b.response_due());
  // B answers at once, 1 ms later: origin = A's transmit, receive = b2.
  const Timestamp b3 = b2 + Duration::ms(1);
  const auto answer = p.b.make_response(b3, p.sb);
  EXPECT_FALSE(p.b.response_due());
  const Header ha = decoded(answer);
  EXPECT_EQ(ha.origin_ts, ra.transmit);
  EXPECT_EQ(ha.receive_ts, NtpTimestamp::from_time(b2));
  EXPECT_EQ(ha.transmit_ts, NtpTimestamp::from_time(b3));
  EXPECT_EQ(ha.stratum, 2);

  // A takes the prompt answer: a sample, and no answer to an answer.
  const Timestamp a4 = b3 - kTheta + kOneWay;
  auto s = p.a.handle_reply(answer, a1, a4);
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  expect_near(s->offset, kTheta);
  expect_near(s->delay, kOneWay * 2);
  EXPECT_EQ(s->stratum, 2);
  EXPECT_FALSE(p.a.response_due());
  EXPECT_EQ(p.a.reach(), 1);

  // Later B polls on its own schedule: its packet echoes A's answer-less state (origin = A's
  // last transmit, which A's request already used), so A measures nothing but answers at once,
  // and B measures from that answer.
  const Timestamp b5 = b3 + Duration::s(30);
  const Request rb2 = p.b.make_request(b5, p.rng, &p.sb);
  const Timestamp a6 = b5 - kTheta + kOneWay;
  auto none = p.a.handle_reply(rb2.packet, a1, a6);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), ReplyError::kNoRequest);
  ASSERT_TRUE(p.a.response_due());
  const Timestamp a7 = a6 + Duration::us(300);
  const auto answer2 = p.a.make_response(a7, p.sa);
  const Timestamp b8 = a7 + kTheta + kOneWay;
  auto sb = p.b.handle_reply(answer2, b5, b8);
  ASSERT_TRUE(sb.ok()) << to_string(sb.error());
  expect_near(sb->offset, -kTheta);
  EXPECT_FALSE(p.b.response_due());
}

TEST(Symmetric, BasicModeAnswerAtThePeersNextPollStillMeasures) {
  // An RFC 5905 basic peer (ntpd) never answers at once: its next poll, 64 s later, carries
  // our transmit as origin. T3 − T2 = 64 s is fine in symmetric mode, and as it answers our
  // open request it wants no response.
  Pair p;
  const Request ra = p.a.make_request(kT0, p.rng, &p.sa);
  const Timestamp b2 = kT0 + kOneWay + kTheta;
  (void)p.b.handle_reply(ra.packet, b2, b2);
  const Timestamp b3 = b2 + Duration::s(64);
  const auto later = p.b.make_response(b3, p.sb);
  const Timestamp a4 = b3 - kTheta + kOneWay;
  auto s = p.a.handle_reply(later, kT0, a4);
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  expect_near(s->offset, kTheta);
  // mode 1 with our origin, but held 64 s: not a prompt answer, so the peer gets one from us.
  EXPECT_TRUE(p.a.response_due());
}

TEST(Symmetric, DuplicatesWrongModesAndPassive) {
  Pair p;
  const Request ra = p.a.make_request(kT0, p.rng, &p.sa);
  const Timestamp b2 = kT0 + kOneWay + kTheta;
  (void)p.b.handle_reply(ra.packet, b2, b2);
  const auto answer = p.b.make_response(b2 + Duration::ms(1), p.sb);
  const Timestamp a4 = b2 + Duration::ms(1) - kTheta + kOneWay;
  ASSERT_TRUE(p.a.handle_reply(answer, kT0, a4).ok());
  // The same packet again.
  auto dup = p.a.handle_reply(answer, kT0, a4 + Duration::ms(1));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), ReplyError::kDuplicate);
  EXPECT_FALSE(p.a.response_due());

  // A server-mode (4) packet is not a peer's.
  Header h = decoded(answer);
  h.mode = Mode::kServer;
  h.transmit_ts = NtpTimestamp::from_time(a4 + Duration::s(1));
  std::vector<std::byte> bytes;
  ByteWriter w{bytes};
  encode_header(h, w);
  auto bad = p.a.handle_reply(bytes, kT0, a4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), ReplyError::kNotServerMode);

  // Mode 2 (a passive peer's answer) measures like mode 1 but never asks for an answer.
  const Request ra2 = p.a.make_request(kT0 + Duration::s(64), p.rng, &p.sa);
  Header pass = decoded(ra2.packet);
  pass.mode = Mode::kSymmetricPassive;
  pass.origin_ts = ra2.transmit;
  pass.receive_ts = NtpTimestamp::from_time(kT0 + Duration::s(64) + kOneWay + kTheta);
  pass.transmit_ts = NtpTimestamp::from_time(kT0 + Duration::s(64) + kOneWay + kTheta +
                                             Duration::s(10));
  bytes.clear();
  ByteWriter w2{bytes};
  encode_header(pass, w2);
  auto sp = p.a.handle_reply(bytes, kT0 + Duration::s(64),
                             kT0 + Duration::s(74) + kOneWay * 2);
  ASSERT_TRUE(sp.ok()) << to_string(sp.error());
  expect_near(sp->offset, kTheta);
  EXPECT_FALSE(p.a.response_due());
}

TEST(Symmetric, SourceSynchronisedToUsIsNotUsed) {
  // chrony's test D, in every mode: a source above stratum 1 whose reference ID is our own
  // address is synchronised to us; its samples would close a loop.
  ClientOptions o = peer_options();
  o.own_ref_id = 0x7f000001;
  NtpClient a{o};
  CountingRandom rng;
  ServerState self = synced(3);
  for (uint8_t stratum : {uint8_t{4}, uint8_t{1}}) {
    const Timestamp t1 = kT0 + Duration::s(stratum * 100);
    const Request r = a.make_request(t1, rng, &self);
    Header h = decoded(r.packet);
    h.stratum = stratum;
    h.ref_id = 0x7f000001;
    h.origin_ts = r.transmit;
    h.receive_ts = NtpTimestamp::from_time(t1 + kOneWay);
    h.transmit_ts = NtpTimestamp::from_time(t1 + kOneWay + Duration::ms(1));
    std::vector<std::byte> bytes;
    ByteWriter w{bytes};
    encode_header(h, w);
    auto res = a.handle_reply(bytes, t1, t1 + kOneWay * 2 + Duration::ms(1));
    if (stratum > 1) {
      ASSERT_FALSE(res.ok());
      EXPECT_EQ(res.error(), ReplyError::kSyncLoop);
      EXPECT_EQ(a.reach() & 1, 1);  // a valid packet all the same
    } else {
      EXPECT_TRUE(res.ok());  // stratum 1: the ID names a clock, not an address
    }
  }
}

TEST(Symmetric, ClientModeIgnoresPeerPackets) {
  NtpClient c{ClientOptions{}};
  CountingRandom rng;
  const Request r = c.make_request(kT0, rng);
  Header h = decoded(r.packet);
  h.mode = Mode::kSymmetricActive;
  h.origin_ts = r.transmit;
  h.receive_ts = NtpTimestamp::from_time(kT0);
  h.transmit_ts = NtpTimestamp::from_time(kT0);
  std::vector<std::byte> bytes;
  ByteWriter w{bytes};
  encode_header(h, w);
  auto res = c.handle_reply(bytes, kT0, kT0 + Duration::ms(1));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error(), ReplyError::kNotServerMode);
  EXPECT_FALSE(c.response_due());
}

}  // namespace
}  // namespace tempus::core
