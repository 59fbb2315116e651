// SPDX-License-Identifier: ISC
#include "core/cmdmon_reply.h"

#include <gtest/gtest.h>

namespace tempus::core::cmdmon {
namespace {

Reply make(uint16_t command, Body body, Status status = Status::kSuccess) {
  return Reply{command, 0xdeadbeef, status, std::move(body)};
}

std::vector<Body> every_body() {
  SourceData sd;
  sd.address = Address::of(IpAddress::v4(0xc0000201));
  sd.poll = -3;
  sd.stratum = 2;
  sd.state = SourceData::kFalseticker;
  sd.mode = SourceData::kPeer;
  sd.reach = 0377;
  sd.since_sample = 1234;
  sd.orig_latest_meas = -0.5;
  sd.latest_meas = 0.25;
  sd.latest_meas_err = 0.125;
  Tracking t;
  t.ref_id = 0x47505300;
  t.stratum = 1;
  t.leap = 1;
  t.ref_time = Timestamp::from_unix(1700000000, 999999999);
  t.current_correction = -1.0;
  t.freq_ppm = 12.5;
  t.last_update_interval = 64;
  SourceStats ss;
  ss.address = Address{std::nullopt, 7};
  ss.n_samples = 9;
  ss.span_seconds = 300;
  ss.skew_ppm = 0.5;
  ClientAccesses ca;
  ca.n_indices = 3;
  ca.next_index = 3;
  for (int i = 0; i < 3; ++i) {
    ClientAccess c;
    c.address = Address::of(IpAddress::v4(0x7f000001u + static_cast<uint32_t>(i)));
    c.ntp_hits = 10u * static_cast<uint32_t>(i);
    c.ntp_interval = static_cast<int8_t>(-i);
    c.last_cmd_hit_ago = 5;
    ca.clients.push_back(c);
  }
  ServerStats narrow;
  narrow.ntp_hits = 5;
  narrow.ntp_span_seconds = 9;
  ServerStats wide = narrow;
  wide.wide = true;
  wide.ntp_hits = uint64_t{1} << 40;
  wide.hw_tx_ts = 77;
  NtpData nd;
  std::array<uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 1;
  nd.remote = Address::of(IpAddress::v6(v6));
  nd.local = Address::of(IpAddress::v4(0x0a000001));
  nd.remote_port = 123;
  nd.poll = -2;
  nd.precision = -24;
  nd.ref_time = Timestamp::from_unix(1, 2);
  nd.flags = 0x43ff;
  nd.tx_tss_char = 'H';
  nd.total_good = 42;
  SelectData sel;
  sel.state_char = '*';
  sel.authentication = 1;
  sel.conf_options = SelectData::kPrefer;
  sel.score = 1.5;
  return {std::monostate{}, NSources{7}, sd, t, ss, ca, narrow, wide, ManualList{0},
          Activity{1, 2, 3, 4, -5}, Smoothing{3, 0.5, 1, 2, 3, 4}, nd,
          SourceName{"ntp.example.net"}, AuthData{2, 15, 9, 256, 1, 77, 8, 100, 0}, sel};
}

TEST(CmdmonReply, EveryBodyRoundTrips) {
  for (const Body& b : every_body()) {
    const Reply r = make(33, b);
    const auto bytes = encode_reply(r);
    auto d = decode_reply(bytes, 33, 0xdeadbeef);
    ASSERT_TRUE(d.ok()) << b.index() << ": " << to_string(d.error());
    EXPECT_EQ(d.value().body.index(), b.index());
    EXPECT_EQ(format_of(d.value().body), format_of(b));
    // Same bytes again: every field survived (the floats are exact binary fractions here).
    EXPECT_EQ(encode_reply(d.value()), bytes) << b.index();
  }
}

TEST(CmdmonReply, EveryShorterOrLongerDatagramIsRejected) {
  for (const Body& b : every_body()) {
    auto bytes = encode_reply(make(14, b));
    for (size_t n = 0; n < bytes.size(); ++n)
      EXPECT_FALSE(decode_reply(std::span(bytes.data(), n), 14, 0xdeadbeef).ok())
          << b.index() << " at " << n;
    bytes.push_back(std::byte{0});
    auto d = decode_reply(bytes, 14, 0xdeadbeef);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error(), ReplyError::kBadLength);
  }
}

TEST(CmdmonReply, AnswersOnlyItsOwnRequest) {
  const auto bytes = encode_reply(make(33, Tracking{}));
  EXPECT_EQ(decode_reply(bytes, 34, 0xdeadbeef).error(), ReplyError::kWrongCommand);
  EXPECT_EQ(decode_reply(bytes, 33, 0xdeadbeee).error(), ReplyError::kWrongSequence);
}

TEST(CmdmonReply, HeaderGarbage) {
  const auto good = encode_reply(make(33, Tracking{}));
  for (size_t at : {0, 1, 2, 3}) {
    auto bad = good;
    bad[at] = std::byte(static_cast<uint8_t>(bad[at]) ^ 0x40);
    auto d = decode_reply(bad, 33, 0xdeadbeef);
    ASSERT_FALSE(d.ok()) << at;
    EXPECT_EQ(d.error(), ReplyError::kNotReply) << at;
  }
  EXPECT_EQ(decode_reply({}, 33, 0).error(), ReplyError::kTooShort);
}

TEST(CmdmonReply, ErrorStatusWithUnknownFormatKeepsTheStatus) {
  auto bytes = encode_reply(make(35, std::monostate{}, Status::kNoRtc));
  bytes[7] = std::byte{8};  // RPY_RTC, a body this codec does not decode
  bytes.resize(56);
  auto d = decode_reply(bytes, 35, 0xdeadbeef);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().status, Status::kNoRtc);
  // The same with success: nothing to print it from.
  bytes[9] = std::byte{0};
  EXPECT_EQ(decode_reply(bytes, 35, 0xdeadbeef).error(), ReplyError::kUnknownFormat);
}

TEST(CmdmonReply, VersionMismatchStatusFromAnOlderDaemon) {
  auto bytes = encode_reply(make(33, std::monostate{}, Status::kBadPktVersion));
  bytes[0] = std::byte{5};
  auto d = decode_reply(bytes, 33, 0xdeadbeef);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().status, Status::kBadPktVersion);
  bytes[0] = std::byte{4};
  EXPECT_FALSE(decode_reply(bytes, 33, 0xdeadbeef).ok());
}

TEST(CmdmonReply, FieldsOutOfRange) {
  // A source name that fills all 256 octets has no NUL: chronyc refuses it.
  auto bytes = encode_reply(make(65, SourceName{std::string(255, 'a')}));
  bytes.back() = std::byte{'a'};
  EXPECT_EQ(decode_reply(bytes, 65, 0xdeadbeef).error(), ReplyError::kBadField);
  // More clients than a reply holds.
  bytes = encode_reply(make(68, ClientAccesses{}));
  bytes[kReplyHeaderLen + 11] = std::byte{9};
  EXPECT_EQ(decode_reply(bytes, 68, 0xdeadbeef).error(), ReplyError::kBadField);
}

TEST(CmdmonReply, TimespecAsChronycReadsIt) {
  Tracking t;
  auto bytes = encode_reply(make(33, t));
  // sec_high = 0x7fffffff is chronyd's "no high part"; nanoseconds are clamped.
  const size_t at = kReplyHeaderLen + 4 + 20 + 4;
  for (size_t i = 0; i < 4; ++i) bytes[at + i] = std::byte{i == 0 ? uint8_t{0x7f} : uint8_t{0xff}};
  bytes[at + 7] = std::byte{10};
  for (size_t i = 8; i < 12; ++i) bytes[at + i] = std::byte{0xff};
  auto d = decode_reply(bytes, 33, 0xdeadbeef);
  ASSERT_TRUE(d.ok());
  const Timestamp ts = std::get<Tracking>(d.value().body).ref_time;
  EXPECT_EQ(ts.unix_sec(), 10);
  EXPECT_EQ(ts.nsec(), 999999999);
}

}  // namespace
}  // namespace tempus::core::cmdmon
