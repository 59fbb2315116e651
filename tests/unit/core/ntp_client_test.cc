// SPDX-License-Identifier: ISC
#include "core/ntp_client.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace tempus::core {
namespace {

// Deterministic randomness: a scripted sequence, then a counter.
class FakeRandom : public RandomSource {
 public:
  explicit FakeRandom(std::vector<uint64_t> script = {}) : script_(std::move(script)) {}
  uint64_t next_u64() override {
    if (pos_ < script_.size()) return script_[pos_++];
    return 0x0123456789abcdefULL + counter_++;
  }

 private:
  std::vector<uint64_t> script_;
  size_t pos_ = 0;
  uint64_t counter_ = 0;
};

// 2024-01-01T00:00:00Z.
constexpr Timestamp kT0 = Timestamp::from_unix(1'704'067'200, 0);
// First instant of NTP era 1 (2036-02-07T06:28:16Z), as Unix seconds.
constexpr int64_t kEra1Unix = (int64_t{1} << 32) - kNtpUnixOffsetSec;

// A server whose clock reads local + theta, one exchange with the given path delays.
struct Path {
  Duration theta = Duration();          // server ahead of us (> 0: we are behind)
  Duration out = Duration::ms(10);      // client → server
  Duration proc = Duration::ms(1);      // T3 − T2
  Duration back = Duration::ms(10);     // server → client
};

struct Exchange {
  Timestamp t1, t4;
  std::vector<std::byte> bytes;
};

Header server_header(NtpTimestamp origin, Timestamp t2_server, Timestamp t3_server) {
  Header h;
  h.leap = Leap::kNone;
  h.version = 4;
  h.mode = Mode::kServer;
  h.stratum = 2;
  h.poll = 6;
  h.precision = -20;  // 2^-20 s = 953 ns
  h.root_delay = ShortFixed::from_duration(Duration::ms(10));
  h.root_dispersion = ShortFixed::from_duration(Duration::ms(5));
  h.ref_id = 0xc0000201;
  h.reference_ts = NtpTimestamp::from_time(t2_server - Duration::s(10));
  h.origin_ts = origin;
  h.receive_ts = NtpTimestamp::from_time(t2_server);
  h.transmit_ts = NtpTimestamp::from_time(t3_server);
  return h;
}

std::vector<std::byte> encode(const Header& h) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(h, w);
  return out;
}

Exchange exchange(const Request& req, Timestamp t1, const Path& p,
                  const std::function<void(Header&)>& tweak = {}) {
  const Timestamp t2 = t1 + p.out + p.theta;
  const Timestamp t3 = t2 + p.proc;
  Header h = server_header(req.transmit, t2, t3);
  if (tweak) tweak(h);
  return {t1, t3 - p.theta + p.back, encode(h)};
}

// Sends one request at `t1` and answers it along `p`.
Result<Sample, ReplyError> poll_once(NtpClient& c, FakeRandom& rng, Timestamp t1, const Path& p,
                                     const std::function<void(Header&)>& tweak = {}) {
  const Request req = c.make_request(t1, rng);
  const Exchange x = exchange(req, t1, p, tweak);
  return c.handle_reply(x.bytes, x.t1, x.t4);
}

void expect_near_ns(Duration got, Duration want, int64_t tol_ns = 2) {
  EXPECT_NEAR(static_cast<double>(got.count_ns()), static_cast<double>(want.count_ns()),
              static_cast<double>(tol_ns))
      << got.count_ns() << " vs " << want.count_ns();
}

ClientOptions opts() { return ClientOptions{}; }

TEST(NtpClientRequest, IsMinimalClientPacketWithRandomTransmit) {
  NtpClient c{opts()};
  FakeRandom rng{{0x1122334455667788ULL}};
  const Request req = c.make_request(kT0, rng);
  ASSERT_EQ(req.packet.size(), kHeaderLen);
  EXPECT_EQ(static_cast<uint8_t>(req.packet[0]), 0x23);  // LI 0, VN 4, mode 3
  EXPECT_EQ(static_cast<uint8_t>(req.packet[1]), 0);     // stratum
  EXPECT_EQ(static_cast<uint8_t>(req.packet[2]), 6);     // poll = minpoll
  EXPECT_EQ(static_cast<uint8_t>(req.packet[3]), 32);    // chrony's precision 0x20
  for (size_t i = 4; i < 40; ++i) EXPECT_EQ(static_cast<uint8_t>(req.packet[i]), 0) << i;
  auto h = decode_header(req.packet);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->transmit_ts.wire(), 0x1122334455667788ULL);
  EXPECT_EQ(req.transmit.wire(), 0x1122334455667788ULL);
  EXPECT_TRUE(c.request_outstanding());
  EXPECT_EQ(c.last_request_time(), kT0);
}

TEST(NtpClientRequest, VersionOptionAndZeroNonceAvoided) {
  ClientOptions o;
  o.version = 3;
  NtpClient c{o};
  FakeRandom rng{{0}};
  const Request req = c.make_request(kT0, rng);
  EXPECT_EQ(static_cast<uint8_t>(req.packet[0]), 0x1b);  // VN 3, mode 3
  EXPECT_FALSE(req.transmit.is_zero());
}

TEST(NtpClientRequest, DeterministicUnderSeededRandom) {
  NtpClient a{opts()}, b{opts()};
  FakeRandom ra, rb;
  for (int i = 0; i < 3; ++i) {
    const Request x = a.make_request(kT0, ra), y = b.make_request(kT0, rb);
    EXPECT_EQ(x.packet, y.packet);
  }
  FakeRandom r1, r2;
  EXPECT_EQ(a.next_poll_interval(r1), b.next_poll_interval(r2));
}

// RFC 5905 §8 by hand: server 1 s ahead, 10 ms each way, 1 ms processing:
// T2 − T1 = 1.010, T3 − T4 = 0.990 → θ = 1.000; δ = 0.021 − 0.001 = 0.020.
TEST(NtpClientMeasure, SymmetricPath) {
  ClientOptions o;
  o.local_precision = Duration::ns(50);
  NtpClient c{o};
  FakeRandom rng;
  auto s = poll_once(c, rng, kT0, {.theta = Duration::s(1)});
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  expect_near_ns(s->offset, Duration::s(1));
  expect_near_ns(s->delay, Duration::ms(20));
  // ε = 50 ns + 2^-20 s + 15 ppm × 21 ms = 50 + 954 + 315 ns.
  expect_near_ns(s->dispersion, Duration::ns(50 + 954 + 315));
  // Root values travel in 16.16 format (15 µs steps): compare with what the server sent.
  EXPECT_EQ(s->root_delay, ShortFixed::from_duration(Duration::ms(10)).to_duration() + s->delay);
  EXPECT_EQ(s->root_dispersion,
            ShortFixed::from_duration(Duration::ms(5)).to_duration() + s->dispersion);
  EXPECT_EQ(s->local_time, kT0 + Duration::ms(21));
  EXPECT_EQ(s->stratum, 2);
  EXPECT_EQ(s->leap, Leap::kNone);
  EXPECT_EQ(s->ref_id, 0xc0000201u);
  EXPECT_EQ(c.last_sample_time(), kT0 + Duration::ms(21));
  EXPECT_EQ(c.reach(), 1);
  EXPECT_EQ(c.counters().samples, 1u);
}

// Asymmetric path: 30 ms out, 10 ms back, no processing, server 0.5 s behind:
// θ = ((−0.47) + (−0.51)) / 2 = −0.49 (error = asymmetry / 2), δ = 0.04.
TEST(NtpClientMeasure, AsymmetricPathAndNegativeOffset) {
  NtpClient c{opts()};
  FakeRandom rng;
  auto s = poll_once(c, rng, kT0,
                     {.theta = -Duration::ms(500), .out = Duration::ms(30), .proc = Duration(),
                      .back = Duration::ms(10)});
  ASSERT_TRUE(s.ok());
  expect_near_ns(s->offset, -Duration::ms(490));
  expect_near_ns(s->delay, Duration::ms(40));
}

TEST(NtpClientMeasure, DelayClampedToPrecision) {
  ClientOptions o;
  o.local_precision = Duration::us(1);
  NtpClient c{o};
  FakeRandom rng;
  // Server reports 1 ms more processing than the local round trip: δ < 0.
  auto s = poll_once(c, rng, kT0,
                     {.theta = Duration(), .out = Duration(), .proc = Duration::ms(1),
                      .back = Duration()},
                     [](Header& h) {
                       h.transmit_ts = NtpTimestamp::from_time(
                           h.receive_ts.to_time(kT0) + Duration::ms(2));
                     });
  ASSERT_TRUE(s.ok());
  expect_near_ns(s->delay, Duration::us(1) + Duration::ns(954));
}

TEST(NtpClientMeasure, OffsetCorrectionAndMinStratum) {
  ClientOptions o;
  o.offset_correction = Duration::ms(3);
  o.min_stratum = 5;
  NtpClient c{o};
  FakeRandom rng;
  auto s = poll_once(c, rng, kT0, {.theta = Duration::ms(7)});
  ASSERT_TRUE(s.ok());
  expect_near_ns(s->offset, Duration::ms(10));
  EXPECT_EQ(s->stratum, 5);
}

// T1 and T4 on either side of 2036-02-07T06:28:16Z; the server is 5 ms ahead.
TEST(NtpClientMeasure, Era1CrossingBetweenT1AndT4) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Timestamp t1 = Timestamp::from_unix(kEra1Unix, 0) - Duration::ms(12);
  const Request req = c.make_request(t1, rng);
  const Exchange x = exchange(req, t1, {.theta = Duration::ms(5)});
  ASSERT_LT(x.t1, Timestamp::from_unix(kEra1Unix, 0));
  ASSERT_GE(x.t4, Timestamp::from_unix(kEra1Unix, 0));
  auto h = decode_header(x.bytes);
  ASSERT_LT(h->transmit_ts.seconds(), 10u);  // the server's T3 is already in era 1
  auto s = c.handle_reply(x.bytes, x.t1, x.t4);
  ASSERT_TRUE(s.ok()) << to_string(s.error());
  expect_near_ns(s->offset, Duration::ms(5));
  expect_near_ns(s->delay, Duration::ms(20));
}

// Local clock still in era 0, server an hour ahead in era 1.
TEST(NtpClientMeasure, LargeOffsetAcrossEra) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Timestamp t1 = Timestamp::from_unix(kEra1Unix - 1800, 0);
  auto s = poll_once(c, rng, t1, {.theta = Duration::s(3600)});
  ASSERT_TRUE(s.ok());
  expect_near_ns(s->offset, Duration::s(3600));
}

TEST(NtpClientReply, MalformedAndWrongMode) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  Exchange x = exchange(req, kT0, {});
  EXPECT_EQ(c.handle_reply(Bytes{x.bytes}.first(47), x.t1, x.t4).error(), ReplyError::kMalformed);
  x.bytes[0] = std::byte{0x23};  // mode 3 (our own request reflected)
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kNotServerMode);
  x.bytes[0] = std::byte{0x25};  // mode 5 broadcast
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kNotServerMode);
  EXPECT_EQ(c.counters().bogus, 3u);
  EXPECT_TRUE(c.request_outstanding());
}

TEST(NtpClientReply, OlderVersionsAccepted) {
  for (uint8_t v = 1; v <= 4; ++v) {
    NtpClient c{opts()};
    FakeRandom rng;
    auto s = poll_once(c, rng, kT0, {}, [v](Header& h) { h.version = v; });
    EXPECT_TRUE(s.ok()) << int{v};
  }
}

TEST(NtpClientReply, OriginMismatchDroppedAndGenuineStillAccepted) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange spoof = exchange(req, kT0, {.theta = Duration::s(100)}, [](Header& h) {
    h.origin_ts = NtpTimestamp::from_time(kT0);  // the local time, not our nonce
  });
  EXPECT_EQ(c.handle_reply(spoof.bytes, spoof.t1, spoof.t4).error(), ReplyError::kBogusOrigin);
  EXPECT_TRUE(c.request_outstanding());
  const Exchange x = exchange(req, kT0, {});
  EXPECT_TRUE(c.handle_reply(x.bytes, x.t1, x.t4).ok());
}

TEST(NtpClientReply, DuplicateOfAcceptedReplyDropped) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange x = exchange(req, kT0, {});
  ASSERT_TRUE(c.handle_reply(x.bytes, x.t1, x.t4).ok());
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kDuplicate);
  const Exchange other = exchange(req, kT0, {.theta = Duration::ms(1)});
  EXPECT_EQ(c.handle_reply(other.bytes, other.t1, other.t4).error(), ReplyError::kDuplicate);
  EXPECT_EQ(c.counters().valid_replies, 1u);
  EXPECT_EQ(c.counters().samples, 1u);
  EXPECT_EQ(c.counters().bogus, 2u);
  EXPECT_EQ(c.reach(), 1);
}

TEST(NtpClientReply, NoRequestAndReplacedRequest) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Exchange none = exchange(Request{}, kT0, {});
  EXPECT_EQ(c.handle_reply(none.bytes, none.t1, none.t4).error(), ReplyError::kNoRequest);

  const Request first = c.make_request(kT0, rng);
  const Request second = c.make_request(kT0 + Duration::s(64), rng);
  EXPECT_NE(first.transmit, second.transmit);
  const Exchange late = exchange(first, kT0, {});
  EXPECT_EQ(c.handle_reply(late.bytes, late.t1, late.t4).error(), ReplyError::kBogusOrigin);

  c.on_timeout();
  const Exchange x = exchange(second, kT0 + Duration::s(64), {});
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kNoRequest);
}

TEST(NtpClientReply, ZeroTimestampsLeaveRequestOpen) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange z = exchange(req, kT0, {}, [](Header& h) { h.transmit_ts = NtpTimestamp(); });
  EXPECT_EQ(c.handle_reply(z.bytes, z.t1, z.t4).error(), ReplyError::kZeroTimestamp);
  const Exchange r = exchange(req, kT0, {}, [](Header& h) { h.receive_ts = NtpTimestamp(); });
  EXPECT_EQ(c.handle_reply(r.bytes, r.t1, r.t4).error(), ReplyError::kZeroTimestamp);
  EXPECT_TRUE(c.request_outstanding());
  const Exchange x = exchange(req, kT0, {});
  EXPECT_TRUE(c.handle_reply(x.bytes, x.t1, x.t4).ok());
}

Header kod(Header h, uint32_t code) {
  h.leap = Leap::kUnsync;
  h.stratum = 0;
  h.ref_id = code;
  return h;
}

TEST(NtpClientKod, RateBacksOff) {
  ClientOptions o;
  o.iburst = true;
  NtpClient c{o};
  FakeRandom rng;
  auto r = poll_once(c, rng, kT0, {}, [](Header& h) { h = kod(h, kKissRate); });
  EXPECT_EQ(r.error(), ReplyError::kKodRate);
  EXPECT_EQ(c.poll().log2, 7);
  EXPECT_FALSE(c.in_burst());
  EXPECT_EQ(c.nominal_interval(), Duration::s(128 * 5));
  EXPECT_EQ(c.last_kiss_code(), kKissRate);
  EXPECT_EQ(c.counters().kod, 1u);
  EXPECT_EQ(c.reach(), 0);
  EXPECT_EQ(c.state(), ClientState::kActive);
  (void)c.make_request(kT0 + Duration::s(640), rng);
  EXPECT_EQ(c.nominal_interval(), Duration::s(128));
}

TEST(NtpClientKod, RateNeverExceedsMaxpoll) {
  ClientOptions o;
  o.maxpoll = PollLog{7};
  NtpClient c{o};
  FakeRandom rng;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(poll_once(c, rng, kT0, {}, [](Header& h) { h = kod(h, kKissRate); }).error(),
              ReplyError::kKodRate);
  EXPECT_EQ(c.poll().log2, 7);
}

TEST(NtpClientKod, DenyAndRstrStopTheSourceUntilReset) {
  for (uint32_t code : {kKissDeny, kKissRstr}) {
    NtpClient c{opts()};
    FakeRandom rng;
    auto r = poll_once(c, rng, kT0, {}, [code](Header& h) { h = kod(h, code); });
    EXPECT_EQ(r.error(), code == kKissDeny ? ReplyError::kKodDeny : ReplyError::kKodRestricted);
    EXPECT_EQ(c.state(), ClientState::kDenied);
    EXPECT_TRUE(c.make_request(kT0 + Duration::s(64), rng).packet.empty());
    EXPECT_EQ(c.next_poll_interval(rng), Duration::max());
    EXPECT_EQ(c.counters().requests, 1u);
    c.reset();
    EXPECT_EQ(c.state(), ClientState::kActive);
    EXPECT_EQ(c.make_request(kT0 + Duration::s(128), rng).packet.size(), kHeaderLen);
  }
}

TEST(NtpClientKod, SpoofedKissIgnored) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange x = exchange(req, kT0, {}, [](Header& h) {
    h = kod(h, kKissDeny);
    h.origin_ts = NtpTimestamp::from_wire(42);
  });
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kBogusOrigin);
  EXPECT_EQ(c.state(), ClientState::kActive);
  EXPECT_EQ(c.counters().kod, 0u);
}

TEST(NtpClientKod, OtherCodesIgnored) {
  NtpClient c{opts()};
  FakeRandom rng;
  auto r = poll_once(c, rng, kT0, {}, [](Header& h) { h = kod(h, ref_id_ascii("INIT")); });
  EXPECT_EQ(r.error(), ReplyError::kKodOther);
  EXPECT_EQ(c.state(), ClientState::kActive);
  EXPECT_EQ(c.poll().log2, 6);
}

TEST(NtpClientReply, ZeroReferenceTimeIsAccepted) {
  // ntpsec in orphan mode answers with reference time 0 and good time (seen in the interop test).
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange x = exchange(req, kT0, {}, [](Header& h) { h.reference_ts = NtpTimestamp(); });
  EXPECT_TRUE(c.handle_reply(x.bytes, x.t1, x.t4).ok());
}

TEST(NtpClientReply, UnsynchronisedServersRejected) {
  const std::vector<std::function<void(Header&)>> cases = {
      [](Header& h) { h.leap = Leap::kUnsync; },
      [](Header& h) { h.stratum = 16; },
      [](Header& h) { h.stratum = 255; },
  };
  for (const auto& tweak : cases) {
    NtpClient c{opts()};
    FakeRandom rng;
    const Request req = c.make_request(kT0, rng);
    const Exchange x = exchange(req, kT0, {}, tweak);
    EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kUnsynchronised);
    EXPECT_EQ(c.reach(), 0);
    EXPECT_FALSE(c.request_outstanding());  // answered: a second copy is a duplicate
    EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t4).error(), ReplyError::kDuplicate);
  }
}

TEST(NtpClientReply, AbsurdRootDistanceRejected) {
  NtpClient c{opts()};
  FakeRandom rng;
  auto r = poll_once(c, rng, kT0, {}, [](Header& h) {
    h.root_delay = ShortFixed::from_duration(Duration::s(10));
    h.root_dispersion = ShortFixed::from_duration(Duration::s(11));
  });
  EXPECT_EQ(r.error(), ReplyError::kBadRootDistance);
  NtpClient ok{opts()};
  EXPECT_TRUE(poll_once(ok, rng, kT0, {}, [](Header& h) {
                h.root_dispersion = ShortFixed::from_duration(Duration::s(15));
              }).ok());
}

TEST(NtpClientReply, NegativeOrSlowServerProcessing) {
  NtpClient c{opts()};
  FakeRandom rng;
  auto r = poll_once(c, rng, kT0, {.proc = -Duration::ms(1)});
  EXPECT_EQ(r.error(), ReplyError::kBadServerInterval);
  EXPECT_EQ(c.reach(), 1);  // the server answered in sync; only the measurement is bad
  EXPECT_EQ(c.counters().samples, 0u);
  r = poll_once(c, rng, kT0 + Duration::s(64), {.proc = Duration::s(5)});
  EXPECT_EQ(r.error(), ReplyError::kBadServerInterval);
}

TEST(NtpClientReply, ServerIntervalNegativeWithinPrecision) {
  // chronyd randomises the bits below its precision: T3 − T2 of a prompt answer can be
  // slightly negative, and the sample is good (the server's precision here is 953 ns).
  NtpClient c{opts()};
  FakeRandom rng;
  auto r = poll_once(c, rng, kT0, {.proc = -Duration::ns(500)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.counters().samples, 1u);
  r = poll_once(c, rng, kT0 + Duration::s(64), {.proc = -Duration::ns(1000)});
  EXPECT_EQ(r.error(), ReplyError::kBadServerInterval);
}

TEST(NtpClientReply, LocalClockBackwards) {
  NtpClient c{opts()};
  FakeRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Exchange x = exchange(req, kT0, {});
  EXPECT_EQ(c.handle_reply(x.bytes, x.t1, x.t1 - Duration::ms(1)).error(),
            ReplyError::kBadLocalInterval);
}

TEST(NtpClientReply, DelayAboveMaxDelay) {
  ClientOptions o;
  o.max_delay = Duration::ms(15);
  NtpClient c{o};
  FakeRandom rng;
  EXPECT_EQ(poll_once(c, rng, kT0, {}).error(), ReplyError::kDelayTooHigh);  // δ = 20 ms
  EXPECT_EQ(c.reach(), 1);
  EXPECT_TRUE(poll_once(c, rng, kT0 + Duration::s(64),
                        {.out = Duration::ms(5), .back = Duration::ms(5)})
                  .ok());
  // A server claiming a precision coarser than maxdelay cannot pass either.
  EXPECT_EQ(poll_once(c, rng, kT0 + Duration::s(128), {.out = Duration::ms(1),
                                                       .back = Duration::ms(1)},
                      [](Header& h) { h.precision = -5; })
                .error(),
            ReplyError::kDelayTooHigh);
}

TEST(NtpClientReach, RegisterShiftsOncePerRequest) {
  NtpClient c{opts()};
  FakeRandom rng;
  Timestamp t = kT0;
  const auto ok = [&] { ASSERT_TRUE(poll_once(c, rng, t, {}).ok()); t = t + Duration::s(64); };
  const auto lost = [&] { (void)c.make_request(t, rng); c.on_timeout(); t = t + Duration::s(64); };
  ok(); ok(); ok(); lost(); ok();
  EXPECT_EQ(c.reach(), 0b11101);
  (void)c.make_request(t, rng);  // outstanding: not yet counted
  EXPECT_EQ(c.reach(), 0b11101);
  (void)c.make_request(t, rng);  // the previous one is now lost
  EXPECT_EQ(c.reach(), 0b111010);
  for (int i = 0; i < 8; ++i) lost();
  EXPECT_EQ(c.reach(), 0);
  EXPECT_FALSE(c.reachable());
  EXPECT_EQ(c.counters().missed, 11u);  // 1 + 1 replaced + 8 timed out + 1 replaced by them
  c.on_timeout();  // nothing outstanding: no-op
  EXPECT_EQ(c.counters().missed, 11u);
}

TEST(NtpClientIburst, FourGoodRepliesAtTwoSecondSpacing) {
  ClientOptions o;
  o.iburst = true;
  NtpClient c{o};
  FakeRandom rng;
  EXPECT_TRUE(c.in_burst());
  std::vector<Duration> waits;
  Timestamp t = kT0;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(poll_once(c, rng, t, {}).ok());
    waits.push_back(c.nominal_interval());
    t = t + waits.back();
  }
  EXPECT_EQ(waits, (std::vector<Duration>{Duration::s(2), Duration::s(2), Duration::s(2),
                                          Duration::s(64)}));
  EXPECT_FALSE(c.in_burst());
  EXPECT_EQ(c.counters().requests, 4u);
}

TEST(NtpClientIburst, AtMostEightRequestsWithoutReplies) {
  ClientOptions o;
  o.iburst = true;
  NtpClient c{o};
  FakeRandom rng;
  int quick = 0;
  for (int i = 0; i < 8; ++i) {
    (void)c.make_request(kT0, rng);
    if (c.nominal_interval() == Duration::s(2)) ++quick;
  }
  EXPECT_EQ(quick, 7);  // 8 requests, 7 gaps of 2 s, then the poll interval
  EXPECT_GE(c.nominal_interval(), Duration::s(64));
  EXPECT_EQ(c.counters().requests, 8u);
}

TEST(NtpClientIburst, SpacingCappedByQuarterPollAndRestartedOnline) {
  ClientOptions o;
  o.iburst = true;
  o.minpoll = PollLog{2};
  NtpClient c{o};
  FakeRandom rng;
  (void)c.make_request(kT0, rng);
  EXPECT_EQ(c.nominal_interval(), Duration::s(1));  // min(2 s, 4 s / 4)

  ClientOptions plain;
  NtpClient p{plain};
  EXPECT_FALSE(p.in_burst());
  p.on_online();
  EXPECT_FALSE(p.in_burst());
  NtpClient q{o};
  for (int i = 0; i < 8; ++i) (void)q.make_request(kT0, rng);
  EXPECT_FALSE(q.in_burst());
  q.on_online();
  EXPECT_TRUE(q.in_burst());
  EXPECT_FALSE(q.request_outstanding());
}

TEST(NtpClientIburst, PoorSamplesKeepTheBurstGoing) {
  ClientOptions o;
  o.iburst = true;
  NtpClient c{o};
  FakeRandom rng;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
    c.on_sample_quality(SampleQuality::kPoor);
  }
  EXPECT_TRUE(c.in_burst());  // 4 sent, none good: up to 8
}

TEST(NtpClientBurst, QuickRetriesOnlyWhenMeasurementIsPoor) {
  ClientOptions o;
  o.burst = true;
  o.minpoll = PollLog{4};
  o.poll_target = 1;
  NtpClient c{o};
  FakeRandom rng;
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());  // at minpoll: no burst; poll → 5
  EXPECT_EQ(c.poll().log2, 5);
  EXPECT_EQ(c.nominal_interval(), Duration::s(32));

  // Poll 5 > minpoll 4: a burst of at most 2 requests, ended by one good sample.
  (void)c.make_request(kT0, rng);
  EXPECT_TRUE(c.in_burst());
  EXPECT_EQ(c.nominal_interval(), Duration::s(2));
  c.on_timeout();
  (void)c.make_request(kT0, rng);  // second and last of the burst
  EXPECT_FALSE(c.in_burst());
  EXPECT_EQ(c.nominal_interval(), Duration::s(32));
}

TEST(NtpClientPoll, IncreasesAfterPollTargetGoodSamplesUpToMaxpoll) {
  NtpClient c{opts()};  // minpoll 6, maxpoll 10, polltarget 8
  FakeRandom rng;
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 6);
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 7);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 10);
  EXPECT_EQ(c.nominal_interval(), Duration::s(1024));
}

TEST(NtpClientPoll, PoorSamplesDoNotCountAndOffTrackShortens) {
  ClientOptions o;
  o.poll_target = 1;
  NtpClient c{o};
  FakeRandom rng;
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 7);
  c.on_sample_quality(SampleQuality::kPoor);  // taken back
  EXPECT_EQ(c.poll().log2, 6);
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 8);
  c.on_sample_quality(SampleQuality::kOffTrack);  // taken back and shortened
  EXPECT_EQ(c.poll().log2, 6);
  c.on_sample_quality(SampleQuality::kOffTrack);
  EXPECT_EQ(c.poll().log2, 6);  // never below minpoll
  c.on_sample_quality(SampleQuality::kGood);
  EXPECT_EQ(c.poll().log2, 6);
}

TEST(NtpClientPoll, UnreachableServerBacksOffWithinBounds) {
  ClientOptions o;
  o.maxpoll = PollLog{8};
  NtpClient c{o};
  FakeRandom rng;
  for (int i = 0; i < 4; ++i) {
    (void)c.make_request(kT0, rng);
    c.on_timeout();
  }
  EXPECT_EQ(c.poll().log2, 7);
  for (int i = 0; i < 40; ++i) (void)c.make_request(kT0, rng);
  EXPECT_EQ(c.poll().log2, 8);
  EXPECT_EQ(c.reach(), 0);
  // A reply resets the run of losses.
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.reach(), 1);
}

TEST(NtpClientPoll, OptionsNormalised) {
  ClientOptions o;
  o.minpoll = PollLog{8};
  o.maxpoll = PollLog{4};
  o.version = 9;
  o.poll_target = 0;
  NtpClient c{o};
  EXPECT_EQ(c.options().maxpoll.log2, 8);
  EXPECT_EQ(c.options().version, 4);
  FakeRandom rng;
  ASSERT_TRUE(poll_once(c, rng, kT0, {}).ok());
  EXPECT_EQ(c.poll().log2, 8);
}

TEST(NtpClientPoll, JitterWithinOneSixtyFourthAndDeterministic) {
  NtpClient c{opts()};
  const Duration nominal = Duration::s(64), span = Duration::s(1);  // 64 s / 64
  FakeRandom lo{{0}}, hi{{2 * static_cast<uint64_t>(span.count_ns())}};
  EXPECT_EQ(c.next_poll_interval(lo), nominal - span);
  EXPECT_EQ(c.next_poll_interval(hi), nominal + span);
  FakeRandom rng;
  for (int i = 0; i < 100; ++i) {
    const Duration d = c.next_poll_interval(rng);
    EXPECT_GE(d, nominal - span);
    EXPECT_LE(d, nominal + span);
  }
}

TEST(NtpClientErrors, DistinctNames) {
  std::set<std::string> names;
  for (int e = static_cast<int>(ReplyError::kMalformed);
       e <= static_cast<int>(ReplyError::kDelayTooHigh); ++e)
    names.emplace(to_string(static_cast<ReplyError>(e)));
  EXPECT_EQ(names.size(), 16u);
  EXPECT_EQ(names.count("unknown reply error"), 0u);
}

TEST(NtpClientBurst, ManualBurstRunsAtTheBurstSpacing) {
  ClientOptions o = opts();
  o.minpoll = PollLog{6};
  NtpClient c(o);
  EXPECT_FALSE(c.in_burst());
  c.burst(2, 4);
  EXPECT_TRUE(c.in_burst());
  EXPECT_EQ(c.nominal_interval(), kMaxBurstInterval);
  FakeRandom rng;
  // Two good samples end it (four requests at most).
  ASSERT_TRUE(poll_once(c, rng, kT0, Path{}).ok());
  EXPECT_TRUE(c.in_burst());
  ASSERT_TRUE(poll_once(c, rng, kT0 + Duration::s(2), Path{}).ok());
  EXPECT_FALSE(c.in_burst());
  EXPECT_EQ(c.nominal_interval(), Duration::s(64));
  // Counts below 1 and symmetric associations: no burst.
  c.burst(0, 4);
  EXPECT_FALSE(c.in_burst());
  o.symmetric = true;
  NtpClient peer(o);
  peer.burst(2, 4);
  EXPECT_FALSE(peer.in_burst());
}

}  // namespace
}  // namespace tempus::core
