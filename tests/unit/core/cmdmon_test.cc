// SPDX-License-Identifier: ISC
#include "core/cmdmon.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tempus::core::cmdmon {
namespace {

std::vector<std::byte> hex(std::string_view h) {
  std::vector<std::byte> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(std::byte(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

uint32_t be32_at(const std::vector<std::byte>& b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(b[at + i]);
  return v;
}
uint16_t be16_at(const std::vector<std::byte>& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) << 8 | static_cast<uint8_t>(b[at + 1]));
}

// A request as chronyc 4.3 sent it (captured from `chronyc -h PATH tracking`): the 20-octet
// header, then zeros up to the tracking reply's length.
std::vector<std::byte> captured(std::string_view header_hex, size_t len) {
  auto b = hex(header_hex);
  b.resize(len);
  return b;
}

TEST(CmdmonFloat, KnownEncodings) {
  // value = coef · 2^(exp − 25), 7-bit exponent over a 25-bit coefficient.
  EXPECT_EQ(encode_float(1.0), 0x04800000u);   // exp 2, coef 2^23
  EXPECT_EQ(encode_float(-1.0), 0x03000000u);  // chrony's form: exp 1, coef −2^24
  EXPECT_EQ(encode_float(-0.125), 0xfd000000u);  // exp −2, coef −2^24
  EXPECT_EQ(encode_float(0.0), 0u);
  EXPECT_EQ(encode_float(std::nan("")), 0u);
  EXPECT_EQ(decode_float(0x04800000u), 1.0);
  EXPECT_EQ(decode_float(0x05800000u), -1.0);
  EXPECT_EQ(decode_float(0x02800000u), 0.5);
  EXPECT_EQ(decode_float(0x03000000u), -1.0);  // chronyd's form: exp 1, coef −2^24
  EXPECT_EQ(decode_float(0), 0.0);
  // Saturation instead of overflow.
  EXPECT_GT(decode_float(encode_float(1e300)), 1e18);
  EXPECT_LT(decode_float(encode_float(-1e300)), -1e18);
  EXPECT_EQ(decode_float(encode_float(1e-300)), 0.0);
}

TEST(CmdmonFloat, RoundTripKeeps24Bits) {
  for (double x : {1e-9, 3.5e-6, -0.000923, 0.043, 1.0 / 3, 64.2, -3.225, 12345.678, 1e9,
                   -7.77e-12, 2.0e-15}) {
    const double y = decode_float(encode_float(x));
    EXPECT_LE(std::fabs(y - x), std::fabs(x) * std::ldexp(1.0, -23)) << x;
  }
}

TEST(CmdmonRequest, LengthsMatchChronyc43) {
  // Datagram sizes chronyc 4.3 sends, measured with a plain unix-socket listener.
  EXPECT_EQ(request_length(cmd::kTracking), 104u);
  EXPECT_EQ(request_length(cmd::kNSources), 32u);
  EXPECT_EQ(request_length(cmd::kSourceData), 76u);
  EXPECT_EQ(request_length(cmd::kActivity), 48u);
  EXPECT_EQ(request_length(cmd::kServerStats), 72u);
  EXPECT_EQ(request_length(cmd::kClientAccessesByIndex3), 520u);
  EXPECT_EQ(request_length(cmd::kSmoothing), 52u);
  EXPECT_EQ(request_length(cmd::kRtcReport), 56u);
  EXPECT_EQ(request_length(cmd::kManualList), 416u);
  EXPECT_EQ(request_length(cmd::kNtpData), 152u);
  EXPECT_EQ(request_length(cmd::kNtpSourceName), 284u);
  EXPECT_EQ(request_length(cmd::kMakeStep), 28u);
  EXPECT_EQ(request_length(cmd::kOnline), 60u);
  EXPECT_EQ(request_length(cmd::kAddSource), 372u);
  EXPECT_EQ(request_length(cmd::kLocal), 0u);   // replaced by LOCAL2
  EXPECT_EQ(request_length(200), 0u);
}

TEST(CmdmonRequest, DecodesCapturedTracking) {
  const auto d = decode_request(captured("0601000000210000390daf020000000000000000", 104));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kTracking);
  EXPECT_EQ(d.request.attempt, 0);
  EXPECT_EQ(d.request.sequence, 0x390daf02u);
}

TEST(CmdmonRequest, DecodesAddressAndIndex) {
  // `chronyc ntpdata 1.2.3.4`: IPAddr {in4 = 1.2.3.4, family 1}.
  auto b = captured("060100000039000068986845000000000000000001020304", 152);
  b[20 + 17] = std::byte{1};
  auto d = decode_request(b);
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  ASSERT_TRUE(d.request.address.ip);
  EXPECT_EQ(d.request.address.ip->to_string(), "1.2.3.4");

  Request q{.command = cmd::kSourceData, .sequence = 7};
  q.index = 3;
  d = decode_request(encode_request(q));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.index, 3u);
  EXPECT_EQ(d.request.sequence, 7u);

  Request c{.command = cmd::kClientAccessesByIndex3};
  c.clients = {.first_index = 8, .n_clients = 8, .min_hits = 2, .reset = 1};
  d = decode_request(encode_request(c));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.clients.first_index, 8u);
  EXPECT_EQ(d.request.clients.min_hits, 2u);
  EXPECT_EQ(d.request.clients.reset, 1u);

  Request v6{.command = cmd::kNtpSourceName};
  v6.address = Address::of(IpAddress::loopback(IpFamily::kV6));
  d = decode_request(encode_request(v6));
  ASSERT_TRUE(d.request.address.ip);
  EXPECT_EQ(d.request.address.ip->to_string(), "::1");
}

TEST(CmdmonRequest, MalformedTable) {
  const auto good = captured("0601000000210000390daf020000000000000000", 104);
  struct Case {
    const char* what;
    std::vector<std::byte> bytes;
    Decoded::Kind kind;
    Status status;
  };
  auto with = [&](size_t at, uint8_t v) {
    auto b = good;
    b[at] = std::byte{v};
    return b;
  };
  auto sized = [&](size_t n) {
    auto b = good;
    b.resize(n);
    return b;
  };
  const Case cases[] = {
      {"empty", {}, Decoded::Kind::kDrop, Status::kSuccess},
      {"shorter than a reply header", sized(27), Decoded::Kind::kDrop, Status::kSuccess},
      {"longer than any request", sized(kMaxRequestLen + 1), Decoded::Kind::kDrop,
       Status::kSuccess},
      {"a reply packet", with(1, 2), Decoded::Kind::kDrop, Status::kSuccess},
      {"res1 set", with(2, 1), Decoded::Kind::kDrop, Status::kSuccess},
      {"res2 set", with(3, 1), Decoded::Kind::kDrop, Status::kSuccess},
      {"version 4", with(0, 4), Decoded::Kind::kDrop, Status::kSuccess},
      {"version 5", with(0, 5), Decoded::Kind::kError, Status::kBadPktVersion},
      {"version 7", with(0, 7), Decoded::Kind::kError, Status::kBadPktVersion},
      {"unknown command", with(5, 200), Decoded::Kind::kError, Status::kInvalid},
      {"withdrawn command", with(5, cmd::kLocal), Decoded::Kind::kError, Status::kInvalid},
      {"truncated", sized(103), Decoded::Kind::kError, Status::kBadPktLength},
      {"header only", sized(28), Decoded::Kind::kError, Status::kBadPktLength},
  };
  for (const auto& c : cases) {
    const auto d = decode_request(c.bytes);
    EXPECT_EQ(d.kind, c.kind) << c.what;
    if (d.kind == Decoded::Kind::kError) {
      EXPECT_EQ(d.status, c.status) << c.what;
      EXPECT_EQ(d.request.sequence, 0x390daf02u) << c.what;
    }
  }
  // Longer than needed is fine (chrony accepts extra octets up to its largest request).
  EXPECT_EQ(decode_request(sized(200)).kind, Decoded::Kind::kOk);
}

// Requests captured from chronyc 4.3 (`chronyc -h PATH -m CMD` against a plain listener).
TEST(CmdmonStateRequest, BurstWithAddress) {
  const auto d = decode_request(hex(
      "0601000000030000330a42be0000000000000000ffffffff000000000000000000000000000100007f0000"
      "01000000000000000000000000000100000000000200000004"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kBurst);
  EXPECT_EQ(d.request.n_good, 2);
  EXPECT_EQ(d.request.n_total, 4);
  ASSERT_TRUE(d.request.mask.ip && d.request.address.ip);
  EXPECT_EQ(d.request.mask.ip->to_string(), "255.255.255.255");
  EXPECT_EQ(d.request.address.ip->to_string(), "127.0.0.1");
  EXPECT_TRUE(selects(d.request.mask, d.request.address, IpAddress::v4(0x7f000001)));
  EXPECT_FALSE(selects(d.request.mask, d.request.address, IpAddress::v4(0x7f000002)));
  EXPECT_FALSE(selects(d.request.mask, d.request.address, IpAddress::loopback(IpFamily::kV6)));
}

TEST(CmdmonStateRequest, OfflineEverySource) {
  const auto d = decode_request(captured("0601000000020000c42a96cb0000000000000000", 60));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kOffline);
  EXPECT_FALSE(d.request.address.ip);
  EXPECT_TRUE(selects(d.request.mask, d.request.address, IpAddress::v4(0x0a000001)));
  EXPECT_TRUE(selects(d.request.mask, d.request.address, IpAddress::loopback(IpFamily::kV6)));
}

TEST(CmdmonStateRequest, Subnet) {
  // `offline 10.1.0.0/16`: a mask of the same family compares only its bits.
  const Address mask = Address::of(IpAddress::v4(0xffff0000));
  const Address net = Address::of(IpAddress::v4(0x0a010000));
  EXPECT_TRUE(selects(mask, net, IpAddress::v4(0x0a01ff07)));
  EXPECT_FALSE(selects(mask, net, IpAddress::v4(0x0a020001)));
}

TEST(CmdmonStateRequest, AddServer) {
  // add server 127.0.0.1 port 11123 iburst minpoll 0 maxpoll 1
  std::string h = "06010000004000003b5238880000000000000000000000013132372e302e302e31";
  h += std::string(2 * (256 - 9), '0');
  h += "00002b7300000000000000010000006400000000000000080000000000000004ffffffffffffffff0000"
       "0000000011 6c06c00000000000000aa000000000000004800000000000000000000500000000000000"
       "000000000000000000";
  std::erase(h, ' ');
  const auto b = hex(h);
  ASSERT_EQ(b.size(), 372u);
  const auto d = decode_request(b);
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  const SourceRequest& s = d.request.source;
  EXPECT_EQ(s.type, SourceRequest::kServer);
  EXPECT_EQ(s.name_text(), "127.0.0.1");
  EXPECT_EQ(s.port, 11123u);
  EXPECT_EQ(s.minpoll, 0);
  EXPECT_EQ(s.maxpoll, 1);
  EXPECT_EQ(s.presend_minpoll, 100);
  EXPECT_EQ(s.poll_target, 8u);
  EXPECT_EQ(s.version, 0u);
  EXPECT_EQ(s.max_sources, 4u);
  EXPECT_EQ(s.min_samples, -1);
  EXPECT_EQ(s.max_samples, -1);
  EXPECT_EQ(s.nts_port, 4460u);
  EXPECT_EQ(s.max_delay, 3.0);
  EXPECT_EQ(s.max_delay_dev_ratio, 10.0);
  EXPECT_EQ(s.asymmetry, 1.0);
  EXPECT_EQ(s.flags, SourceRequest::kOnline | SourceRequest::kIburst);
  EXPECT_EQ(check_source(s), Status::kSuccess);
  EXPECT_EQ(encode_request(d.request), b);  // the same octets back
}

TEST(CmdmonStateRequest, CheckSource) {
  SourceRequest s;
  s.set_name("ntp.example.org");
  EXPECT_EQ(check_source(s), Status::kSuccess);
  auto bad = s;
  bad.type = 4;
  EXPECT_EQ(check_source(bad), Status::kInvalid);
  bad = s;
  bad.name.fill('a');  // not terminated
  EXPECT_EQ(check_source(bad), Status::kInvalidName);
  bad.set_name("");
  EXPECT_EQ(check_source(bad), Status::kInvalidName);
  bad.set_name("two words");
  EXPECT_EQ(check_source(bad), Status::kInvalidName);
  bad.set_name("tab\there");
  EXPECT_EQ(check_source(bad), Status::kInvalidName);
  bad = s;
  bad.port = 70000;
  EXPECT_EQ(check_source(bad), Status::kInvalid);
  bad = s;
  bad.max_delay = std::nan("");
  EXPECT_EQ(check_source(bad), Status::kInvalid);
}

TEST(CmdmonStateRequest, LocalMakestepDelete) {
  auto d = decode_request(hex("0601000000380000300f5867000000000000000000000001000000050280000000000001"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kLocal2);
  EXPECT_EQ(d.request.local.on, 1);
  EXPECT_EQ(d.request.local.stratum, 5);
  EXPECT_EQ(d.request.local.distance, 0.5);
  EXPECT_EQ(d.request.local.orphan, 1);

  d = decode_request(hex("06010000002b0000ec74b34300000000000000000000000000000000"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kMakeStep);

  d = decode_request(hex("060100000032000074ae9f5c000000000000000000000003fccccccd"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.makestep.limit, 3);
  EXPECT_NEAR(d.request.makestep.threshold, 0.1, 1e-8);

  d = decode_request(hex("06010000001d00008590216300000000000000007f000001000000000000000000000000"
                         "00010000"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kDelSource);
  ASSERT_TRUE(d.request.address.ip);
  EXPECT_EQ(d.request.address.ip->to_string(), "127.0.0.1");
}

TEST(CmdmonStateRequest, AllowDenyAccheck) {
  // allow 192.168.1 (chronyc's shorthand for /24)
  auto d = decode_request(hex("06010000001100004a6428fb0000000000000000c0a801000000000000000000"
                              "000000000001000000000018"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kAllow);
  auto rule = access_rule(d.request);
  ASSERT_TRUE(rule);
  EXPECT_TRUE(rule->allow);
  EXPECT_FALSE(rule->all);
  ASSERT_TRUE(rule->subnet);
  EXPECT_EQ(rule->subnet->to_string(), "192.168.1.0/24");
  EXPECT_EQ(encode_request(d.request), hex("06010000001100004a6428fb0000000000000000c0a8010000"
                                           "00000000000000000000000001000000000018"));

  // deny all 2001:db8::/32
  d = decode_request(hex("0601000000140000ba4e9e49000000000000000020010db8000000000000000000"
                         "0000000002000000000020"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kDenyAll);
  rule = access_rule(d.request);
  ASSERT_TRUE(rule);
  EXPECT_FALSE(rule->allow);
  EXPECT_TRUE(rule->all);
  EXPECT_EQ(rule->subnet->to_string(), "2001:db8::/32");

  // cmdaccheck 1.2.3.4
  d = decode_request(hex("06010000001a000042bdf2f40000000000000000010203040000000000000000000000"
                         "0000010000"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.command, cmd::kCmdAcCheck);
  EXPECT_EQ(d.request.address.ip->to_string(), "1.2.3.4");

  // reselectdist 0.5
  d = decode_request(hex("06010000003100009c12e9bb00000000000000000280000000000000"));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.value, 0.5);

  // `allow` alone: every address; prefixes out of range are chronyd's BADSUBNET.
  Request q{.command = cmd::kCmdAllow};
  rule = access_rule(q);
  ASSERT_TRUE(rule);
  EXPECT_FALSE(rule->subnet);
  q.address = Address::of(IpAddress::v4(0x0a000000));
  q.subnet_bits = 33;
  EXPECT_EQ(access_rule(q).error(), Status::kBadSubnet);
  q.subnet_bits = -1;
  EXPECT_EQ(access_rule(q).error(), Status::kBadSubnet);
  q.address = Address{std::nullopt, 7};  // an unresolved-source ID is no address
  EXPECT_EQ(access_rule(q).error(), Status::kBadSubnet);
  EXPECT_EQ(access_rule(Request{.command = cmd::kTracking}).error(), Status::kInvalid);
}

TEST(CmdmonStateRequest, RoundTrips) {
  Request q{.command = cmd::kBurst, .sequence = 3};
  q.mask = Address::of(IpAddress::v4(0xffffff00));
  q.address = Address::of(IpAddress::v4(0xc0000200));
  q.n_good = 1;
  q.n_total = 8;
  auto d = decode_request(encode_request(q));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.mask, q.mask);
  EXPECT_EQ(d.request.address, q.address);
  EXPECT_EQ(d.request.n_total, 8);

  Request m{.command = cmd::kManual};
  m.option = 2;
  d = decode_request(encode_request(m));
  EXPECT_EQ(d.request.option, 2);

  Request a{.command = cmd::kAddSource};
  a.source.type = SourceRequest::kPool;
  a.source.set_name("pool.example");
  a.source.offset = -0.25;
  a.source.flags = SourceRequest::kPrefer;
  d = decode_request(encode_request(a));
  ASSERT_EQ(d.kind, Decoded::Kind::kOk);
  EXPECT_EQ(d.request.source, a.source);
}

TEST(CmdmonRequest, OpenCommands) {
  EXPECT_TRUE(is_open_command(cmd::kTracking));
  EXPECT_TRUE(is_open_command(cmd::kNSources));
  EXPECT_TRUE(is_open_command(cmd::kNtpSourceName));
  EXPECT_FALSE(is_open_command(cmd::kServerStats));
  EXPECT_FALSE(is_open_command(cmd::kClientAccessesByIndex3));
  EXPECT_FALSE(is_open_command(cmd::kMakeStep));
  EXPECT_FALSE(is_open_command(cmd::kNtpData));
}

TEST(CmdmonReply, HeaderAndLengths) {
  struct Case {
    uint16_t command;
    Body body;
    uint16_t format;
    size_t len;
  };
  const Case cases[] = {
      {cmd::kNull, std::monostate{}, 1, 28},
      {cmd::kNSources, NSources{}, 2, 32},
      {cmd::kSourceData, SourceData{}, 3, 76},
      {cmd::kTracking, Tracking{}, 5, 104},
      {cmd::kSourceStats, SourceStats{}, 6, 84},
      {cmd::kClientAccessesByIndex3, ClientAccesses{}, 21, 520},
      {cmd::kServerStats, ServerStats{}, 24, 72},
      {cmd::kManualList, ManualList{}, 18, 416},
      {cmd::kActivity, Activity{}, 12, 48},
      {cmd::kSmoothing, Smoothing{}, 13, 52},
      {cmd::kNtpData, NtpData{}, 16, 152},
      {cmd::kNtpSourceName, SourceName{}, 19, 284},
      {cmd::kAuthData, AuthData{}, 20, 52},
      {cmd::kSelectData, SelectData{}, 23, 76},
  };
  for (const auto& c : cases) {
    const auto b = encode_reply(Reply{c.command, 0xdeadbeef, Status::kSuccess, c.body});
    ASSERT_EQ(b.size(), c.len) << c.command;
    // Never larger than the request that asked for it.
    EXPECT_LE(b.size(), request_length(c.command)) << c.command;
    EXPECT_EQ(static_cast<uint8_t>(b[0]), kVersion);
    EXPECT_EQ(static_cast<uint8_t>(b[1]), 2);
    EXPECT_EQ(be16_at(b, 4), c.command);
    EXPECT_EQ(be16_at(b, 6), c.format);
    EXPECT_EQ(be16_at(b, 8), 0);
    EXPECT_EQ(be32_at(b, 16), 0xdeadbeefu);
  }
  // chronyc 4.4 and later: the 64-bit format for a request padded to its length.
  ServerStats wide;
  wide.wide = true;
  wide.ntp_hits = (uint64_t{1} << 32) + 5;
  const auto w = encode_reply(Reply{cmd::kServerStats, 1, Status::kSuccess, wide});
  EXPECT_EQ(w.size(), kServerStats4Len);
  EXPECT_EQ(be16_at(w, 6), 25);
  EXPECT_EQ(be32_at(w, 28), 1u);
  EXPECT_EQ(be32_at(w, 32), 5u);
  ServerStats narrow;
  narrow.ntp_hits = wide.ntp_hits;
  EXPECT_EQ(be32_at(encode_reply(Reply{cmd::kServerStats, 1, Status::kSuccess, narrow}), 28),
            0xffffffffu);  // saturated

  Request q{.command = cmd::kMakeStep, .sequence = 9};
  const auto e = encode_reply(status_reply(q, Status::kUnauth));
  EXPECT_EQ(e.size(), 28u);
  EXPECT_EQ(be16_at(e, 8), 2);
}

TEST(CmdmonReply, FieldPlacement) {
  SourceData s;
  s.address = Address::of(IpAddress::v4(0x01020304));
  s.poll = -3;
  s.stratum = 2;
  s.state = SourceData::kSelected;
  s.reach = 0377;
  s.since_sample = 23;
  s.latest_meas = 1.0;
  const auto b = encode_reply(Reply{cmd::kSourceData, 1, Status::kSuccess, s});
  EXPECT_EQ(be32_at(b, 28), 0x01020304u);
  EXPECT_EQ(be16_at(b, 44), 1);  // IPv4
  EXPECT_EQ(be16_at(b, 48), 0xfffd);
  EXPECT_EQ(be16_at(b, 50), 2);
  EXPECT_EQ(be16_at(b, 52), 0);
  EXPECT_EQ(be16_at(b, 58), 0377);
  EXPECT_EQ(be32_at(b, 60), 23u);
  EXPECT_EQ(be32_at(b, 68), 0x04800000u);

  Tracking t;
  t.ref_id = 0x7f000001;
  t.ref_time = Timestamp::from_unix(1485510557, 123456789);
  t.leap = 0;
  const auto tb = encode_reply(Reply{cmd::kTracking, 1, Status::kSuccess, t});
  EXPECT_EQ(be32_at(tb, 28), 0x7f000001u);
  EXPECT_EQ(be16_at(tb, 48), 0);     // unspecified address family
  EXPECT_EQ(be16_at(tb, 54), 0);     // leap
  EXPECT_EQ(be32_at(tb, 56), 0u);    // seconds, high word
  EXPECT_EQ(be32_at(tb, 60), 1485510557u);
  EXPECT_EQ(be32_at(tb, 64), 123456789u);

  SourceName n{std::string(300, 'a')};
  const auto nb = encode_reply(Reply{cmd::kNtpSourceName, 1, Status::kSuccess, n});
  EXPECT_EQ(static_cast<uint8_t>(nb[28 + 254]), 'a');
  EXPECT_EQ(static_cast<uint8_t>(nb[28 + 255]), 0);  // always terminated

  ClientAccesses c;
  c.n_indices = 1;
  c.next_index = 1;
  ClientAccess one;
  one.address = Address::of(IpAddress::v4(0x7f000001));
  one.ntp_hits = 5;
  one.ntp_interval = -2;
  c.clients.push_back(one);
  const auto cb = encode_reply(Reply{cmd::kClientAccessesByIndex3, 1, Status::kSuccess, c});
  EXPECT_EQ(be32_at(cb, 36), 1u);               // n_clients
  EXPECT_EQ(be32_at(cb, 40), 0x7f000001u);      // first client's address
  EXPECT_EQ(be32_at(cb, 60), 5u);               // ntp_hits
  EXPECT_EQ(static_cast<int8_t>(cb[84]), -2);   // ntp_interval
}

}  // namespace
}  // namespace tempus::core::cmdmon
