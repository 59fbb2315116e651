// SPDX-License-Identifier: ISC
#include "core/mode6.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tempus::core::mode6 {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(std::byte(b));
  return out;
}

// ntpq's request (RFC 9327 §2 layout): v2, mode 6, opcode, sequence, status 0, assoc, offset 0,
// count, the data padded to a multiple of 4.
std::vector<std::byte> request(uint8_t opcode, uint16_t seq, uint16_t assoc,
                               std::string_view data = {}) {
  std::vector<std::byte> out = bytes({0x16, opcode, seq >> 8, seq & 0xff, 0, 0, assoc >> 8,
                                      assoc & 0xff, 0, 0, 0, int(data.size())});
  for (char c : data) out.push_back(std::byte(c));
  while (out.size() % 4) out.push_back(std::byte{0});
  return out;
}

uint16_t be16(const std::vector<std::byte>& d, size_t at) {
  return static_cast<uint16_t>((std::to_integer<unsigned>(d[at]) << 8) |
                               std::to_integer<unsigned>(d[at + 1]));
}

std::string data_of(const std::vector<std::byte>& d) {
  return std::string(reinterpret_cast<const char*>(d.data()) + kHeaderLen, be16(d, 10));
}

// name → value of a variable list (values unquoted as they are sent), in order.
std::vector<std::pair<std::string, std::string>> items(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(at, end - at);
    item.erase(0, item.find_first_not_of(" \r\n"));
    item.erase(item.find_last_not_of(" \r\n") + 1);
    const size_t eq = item.find('=');
    if (!item.empty()) out.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    at = end + 1;
  }
  return out;
}

std::string value(const std::string& text, const std::string& name) {
  for (const auto& [n, v] : items(text))
    if (n == name) return v;
  return "(absent)";
}

// Reassembles an answer, checking the fragment layout on the way.
std::string reassemble(const std::vector<std::vector<std::byte>>& frags) {
  std::string out;
  for (size_t i = 0; i < frags.size(); ++i) {
    const auto& f = frags[i];
    EXPECT_EQ(f.size() % 4, 0u);
    EXPECT_LE(f.size(), kHeaderLen + kMaxData);
    EXPECT_EQ(be16(f, 8), out.size());  // offset
    const bool more = std::to_integer<unsigned>(f[1]) & 0x20;
    EXPECT_EQ(more, i + 1 < frags.size());
    out += data_of(f);
  }
  return out;
}

SystemVariables synced() {
  SystemVariables s;
  s.leap = Leap::kNone;
  s.source = ClockSource::kNtp;
  s.stratum = 3;
  s.precision = -24;
  s.root_delay = Duration::us(1500);
  s.root_dispersion = Duration::us(12250);
  s.ref_id = 0xc0000201;  // 192.0.2.1
  s.ref_time = Timestamp::from_unix(1'704'067'200, 500'000'000);
  s.poll = 6;
  s.peer = 7;
  s.offset = Duration::ns(-1234);
  s.frequency_ppm = -12.5;
  s.clock = Timestamp::from_unix(1'704'067'260, 0);
  s.version = "tempus 0.1.0";
  return s;
}

PeerVariables peer(uint16_t id, PeerSelect sel) {
  PeerVariables p;
  p.assoc_id = id;
  p.select = sel;
  p.address = IpAddress::parse("192.0.2.1").value();
  p.port = 123;
  p.local = IpAddress::parse("192.0.2.9").value();
  p.local_port = 40000;
  p.leap = Leap::kNone;
  p.stratum = 2;
  p.precision = -20;
  p.ref_id = 0x0a000001;
  p.reach = 0377;
  p.host_poll = p.peer_poll = 6;
  p.offset = Duration::us(250);
  p.delay = Duration::us(80);
  p.jitter = Duration::us(15);
  return p;
}

TEST(Mode6Decode, ReadVarFromTheRfcLayout) {
  const auto r = decode_request(request(2, 0x1234, 0, "stratum,refid"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->opcode, 2);
  EXPECT_EQ(r->sequence, 0x1234);
  EXPECT_EQ(r->assoc_id, 0);
  EXPECT_EQ(r->data.size(), 13u);
}

TEST(Mode6Decode, DropsWhatNtpdDrops) {
  EXPECT_EQ(decode_request(bytes({0x16, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0})).error(), DecodeError::kTooShort);
  auto resp = request(2, 1, 0);
  resp[1] = std::byte{0x82};  // a response
  EXPECT_EQ(decode_request(resp).error(), DecodeError::kNotRequest);
  auto frag = request(2, 1, 0);
  frag[9] = std::byte{4};  // offset 4
  EXPECT_EQ(decode_request(frag).error(), DecodeError::kNotRequest);
  auto v0 = request(2, 1, 0);
  v0[0] = std::byte{0x06};
  EXPECT_EQ(decode_request(v0).error(), DecodeError::kBadVersion);
  auto v5 = request(2, 1, 0);
  v5[0] = std::byte{0x2e};
  EXPECT_EQ(decode_request(v5).error(), DecodeError::kBadVersion);
  EXPECT_FALSE(answer_code(DecodeError::kNotRequest));
  EXPECT_FALSE(answer_code(DecodeError::kTooShort));
}

TEST(Mode6Decode, StrictLengths) {
  auto r = request(2, 1, 0, "abcd");
  r[11] = std::byte{9};  // count past the datagram
  EXPECT_EQ(decode_request(r).error(), DecodeError::kBadLength);
  auto odd = request(2, 1, 0);
  odd.push_back(std::byte{0});  // 13 octets: not a multiple of 4
  EXPECT_EQ(decode_request(odd).error(), DecodeError::kBadLength);
  auto big = request(2, 1, 0);
  big.resize(kHeaderLen + 472);
  big[10] = std::byte{469 >> 8};
  big[11] = std::byte{469 & 0xff};
  EXPECT_EQ(decode_request(big).error(), DecodeError::kBadLength);
  auto junk = request(2, 1, 0);
  junk.insert(junk.end(), {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}});
  EXPECT_EQ(decode_request(junk).error(), DecodeError::kBadLength);
  EXPECT_EQ(answer_code(DecodeError::kBadLength), ErrorCode::kBadFormat);
}

TEST(Mode6Decode, NtpstatsZeroPaddedBufferIsFine) {
  // Debian's ntpstat sends its whole buffer: 12 + 468 + 96 octets, count 0.
  auto r = request(2, 1, 0);
  r.resize(576);
  const auto d = decode_request(r);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->data.empty());
}

TEST(Mode6Decode, AuthenticatedRequestsAreRefused) {
  auto r = request(2, 1, 0);
  const auto mac = bytes({0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  r.insert(r.end(), mac.begin(), mac.end());
  EXPECT_EQ(decode_request(r).error(), DecodeError::kAuthenticated);
  ASSERT_EQ(answer_code(DecodeError::kAuthenticated), ErrorCode::kPermission);
  const auto e = error_response(r, ErrorCode::kPermission);
  ASSERT_EQ(e.size(), kHeaderLen);
  EXPECT_EQ(std::to_integer<unsigned>(e[0]), 0x16u);
  EXPECT_EQ(std::to_integer<unsigned>(e[1]), 0xc2u);  // response, error, READVAR
  EXPECT_EQ(be16(e, 2), 1);
  EXPECT_EQ(be16(e, 4), 0x0100);  // PERMISSION in the high octet
}

TEST(Mode6Answer, SystemVariablesInNtpdsUnits) {
  const auto req = decode_request(request(2, 9, 0)).value();
  const auto out = answer(req, synced(), {});
  ASSERT_EQ(out.size(), 1u);  // ntpstat reads only the first datagram: everything fits in it
  const auto& d = out[0];
  EXPECT_EQ(std::to_integer<unsigned>(d[0]), 0x16u);  // leap 0, version 2, mode 6
  EXPECT_EQ(std::to_integer<unsigned>(d[1]), 0x82u);
  EXPECT_EQ(be16(d, 2), 9);
  EXPECT_EQ(be16(d, 4), 0x0600);  // leap 0, source NTP, no events
  const std::string text = data_of(d);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"leap", "0"}, {"stratum", "3"}, {"precision", "-24"}, {"rootdelay", "1.500"},
      {"rootdisp", "12.250"}, {"rootdist", "13.000"}, {"refid", "192.0.2.1"},
      {"reftime", "0xe93c7f00.80000000"}, {"tc", "6"}, {"peer", "7"}, {"offset", "-0.001234"},
      {"frequency", "-12.500"}, {"sys_jitter", "0.000000"}, {"clk_jitter", "0.000000"},
      {"clock", "0xe93c7f3c.00000000"}, {"version", "\"tempus 0.1.0\""},
      {"clk_wander", "0.000000"}};
  EXPECT_EQ(items(text), want) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  // Lines stay under 72 characters, broken after a comma.
  size_t start = 0;
  for (size_t nl; (nl = text.find("\r\n", start)) != std::string::npos; start = nl + 2) {
    EXPECT_LT(nl - start, 72u);
    if (nl + 2 < text.size()) {
      EXPECT_EQ(text[nl - 1], ',');
    }
  }
}

TEST(Mode6Answer, NamedSystemVariablesInRequestOrder) {
  const auto out = answer(decode_request(request(2, 1, 0, "refid, stratum")).value(), synced(), {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(data_of(out[0]), "refid=192.0.2.1, stratum=3\r\n");
}

TEST(Mode6Answer, RefidAsTextAtStratumOneAndUnsynchronised) {
  SystemVariables s = synced();
  s.stratum = 1;
  s.ref_id = ref_id_ascii("GPS");
  const std::string_view name[] = {"refid"};
  EXPECT_EQ(system_text(s, name), "refid=GPS\r\n");
  s.stratum = 0;
  s.ref_id = 0;
  EXPECT_EQ(system_text(s, name), "refid=\r\n");
  s.ref_id = 0x41010242;  // unprintable octets become '.'
  EXPECT_EQ(system_text(s, name), "refid=A..B\r\n");
}

TEST(Mode6Answer, ReadStatusListsAssociations) {
  const PeerVariables peers[] = {peer(7, PeerSelect::kSysPeer), peer(9, PeerSelect::kCandidate)};
  SystemVariables s = synced();
  const auto out = answer(decode_request(request(1, 3, 0)).value(), s, peers);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::to_integer<unsigned>(out[0][1]), 0x81u);
  EXPECT_EQ(be16(out[0], 4), 0x0600);
  ASSERT_EQ(be16(out[0], 10), 8);
  EXPECT_EQ(be16(out[0], 12), 7);
  EXPECT_EQ(be16(out[0], 14), 0x9600);  // configured, reachable, sys.peer ('*')
  EXPECT_EQ(be16(out[0], 16), 9);
  EXPECT_EQ(be16(out[0], 18), 0x9400);  // candidate ('+')
  PeerVariables lost = peer(3, PeerSelect::kReject);
  lost.reach = 0;
  EXPECT_EQ(lost.status_word(), 0x8000);
}

TEST(Mode6Answer, PeerVariables) {
  const PeerVariables peers[] = {peer(7, PeerSelect::kSysPeer)};
  const auto out = answer(decode_request(request(2, 4, 7)).value(), synced(), peers);
  const std::string text = reassemble(out);
  EXPECT_EQ(be16(out.back(), 4), 0x9600);
  EXPECT_EQ(be16(out.back(), 6), 7);
  EXPECT_EQ(text.find("srcadr=192.0.2.1, srcport=123, dstadr=192.0.2.9, dstport=40000, leap=0,"), 0u)
      << text;
  EXPECT_EQ(value(text, "refid"), "10.0.0.1");
  EXPECT_EQ(value(text, "reach"), "0xff");
  EXPECT_EQ(value(text, "hmode"), "3");
  EXPECT_EQ(value(text, "delay"), "0.080000");
  EXPECT_EQ(value(text, "offset"), "0.250000");
  EXPECT_EQ(value(text, "jitter"), "0.015000");
  EXPECT_EQ(value(text, "flash"), "0x0");
  EXPECT_LT(text.find("reftime="), text.find("rec="));  // ntpq's `when` takes the last one
  // READSTAT of one association answers the same variables.
  EXPECT_EQ(reassemble(answer(decode_request(request(1, 4, 7)).value(), synced(), peers)), text);
}

TEST(Mode6Answer, RefclockHasAHostNameAndATextRefid) {
  PeerVariables p = peer(2, PeerSelect::kSysPeer);
  p.address.reset();
  p.local.reset();
  p.refclock = true;
  p.stratum = 0;
  p.ref_id = ref_id_ascii("PPS");
  p.host = "PPS(0)";
  const std::string text = peer_text(p);
  EXPECT_EQ(text.find("srchost=\"PPS(0)\", leap=0,"), 0u) << text;
  EXPECT_EQ(value(text, "refid"), "PPS");
  EXPECT_EQ(value(text, "srcadr"), "(absent)");
}

TEST(Mode6Answer, Errors) {
  const PeerVariables peers[] = {peer(7, PeerSelect::kSysPeer)};
  auto code = [&](std::vector<std::byte> r) {
    const auto out = answer(decode_request(r).value(), synced(), peers);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].size(), kHeaderLen);
    EXPECT_TRUE(std::to_integer<unsigned>(out[0][1]) & 0x40);
    return be16(out[0], 4) >> 8;
  };
  EXPECT_EQ(code(request(2, 1, 8)), unsigned(ErrorCode::kBadAssociation));
  EXPECT_EQ(code(request(1, 1, 8)), unsigned(ErrorCode::kBadAssociation));
  EXPECT_EQ(code(request(2, 1, 0, "nonesuch")), unsigned(ErrorCode::kUnknownVariable));
  EXPECT_EQ(code(request(2, 1, 7, "tc")), unsigned(ErrorCode::kUnknownVariable));  // a system one
  EXPECT_EQ(code(request(2, 1, 0, "stratum=1")), unsigned(ErrorCode::kBadValue));
  EXPECT_EQ(code(request(2, 1, 0, "str\x01")), unsigned(ErrorCode::kBadFormat));
  for (const int op : {0, 3, 4, 5, 8, 10, 11, 12, 31})
    EXPECT_EQ(code(request(static_cast<uint8_t>(op), 1, 0)), unsigned(ErrorCode::kBadOpcode)) << op;
}

TEST(Mode6Answer, LongListsAreFragmentedAndBounded) {
  SystemVariables s = synced();
  s.version = std::string(400, 'v');  // pushes the list past one datagram
  const auto out = answer(decode_request(request(2, 1, 0)).value(), s, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(reassemble(out), system_text(s));
  std::vector<PeerVariables> many;
  for (uint16_t id = 1; id <= 1000; ++id) many.push_back(peer(id, PeerSelect::kReject));
  const auto stat = answer(decode_request(request(1, 1, 0)).value(), s, many);
  EXPECT_EQ(stat.size(), kMaxFragments);
  EXPECT_EQ(reassemble(stat).size(), kMaxFragments * kMaxData);
}

TEST(ControlLimiter, BurstThenRate) {
  ControlLimiter l(4, 2);
  const Timestamp t0 = Timestamp::from_unix(1'000'000, 0);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.take(t0));
  EXPECT_FALSE(l.take(t0));
  EXPECT_FALSE(l.take(t0 + Duration::ms(400)));
  EXPECT_TRUE(l.take(t0 + Duration::ms(500)));
  EXPECT_FALSE(l.take(t0 + Duration::ms(500)));
  // A long pause refills to the burst, no further; a clock going back gives nothing.
  const Timestamp t1 = t0 + Duration::s(3600);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.take(t1));
  EXPECT_FALSE(l.take(t1));
  EXPECT_FALSE(l.take(t1 - Duration::s(10)));
}

}  // namespace
}  // namespace tempus::core::mode6
