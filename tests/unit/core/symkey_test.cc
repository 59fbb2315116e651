// SPDX-License-Identifier: ISC
// MAC placement and checks (core/symkey.h), authenticated client exchanges (core/ntp_client.h)
// and the server's authenticated replies (core/server.h), with a toy MAC so the core is tested
// without OpenSSL (src/crypto's KeyRing has its own tests).
#include "core/symkey.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "core/ntp_client.h"
#include "core/server.h"

namespace tempus::core {
namespace {

// A keyed checksum, not a MAC: every digest octet depends on the key ID and every data octet.
class ToyKeys : public MacKeys {
 public:
  void add(uint32_t id, size_t digest_len) { keys_[id] = digest_len; }
  std::optional<KeyInfo> key_info(uint32_t id) const override {
    auto it = keys_.find(id);
    if (it == keys_.end()) return std::nullopt;
    return KeyInfo{KeyType::kSha1, 20, it->second};
  }
  std::optional<std::vector<std::byte>> mac(uint32_t id, Bytes data) const override {
    auto it = keys_.find(id);
    if (it == keys_.end()) return std::nullopt;
    std::vector<std::byte> out(it->second);
    uint32_t acc = id;
    for (size_t i = 0; i < data.size(); ++i) acc = acc * 31 + std::to_integer<uint32_t>(data[i]);
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::byte((acc >> (i % 4 * 8)) + i);
    return out;
  }
  bool verify(uint32_t id, Bytes data, Bytes digest, size_t max_len) const override {
    auto want = mac(id, data);
    if (!want) return false;
    want->resize(std::min(want->size(), max_len));
    return std::equal(want->begin(), want->end(), digest.begin(), digest.end());
  }

 private:
  std::map<uint32_t, size_t> keys_;
};

class FixedRandom : public RandomSource {
 public:
  uint64_t next_u64() override { return ++n_ * 0x9e3779b97f4a7c15ULL; }

 private:
  uint64_t n_ = 0;
};

constexpr Timestamp kT0 = Timestamp::from_unix(1'704'067'200, 0);

std::vector<std::byte> header_bytes(int version, Mode mode) {
  Header h;
  h.version = static_cast<uint8_t>(version);
  h.mode = mode;
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(h, w);
  return out;
}

ToyKeys keys() {
  ToyKeys k;
  k.add(10, 16);  // AES-CMAC's length
  k.add(20, 20);  // SHA1's
  k.add(30, 32);  // SHA256's: truncated in NTPv4
  return k;
}

TEST(SymKeyPacket, MacFollowsHeaderTruncatedInV4) {
  const ToyKeys k = keys();
  for (auto [id, v, len] : {std::tuple{10u, 4, 68u}, {20u, 4, 72u}, {30u, 4, 72u}, {30u, 3, 84u}}) {
    auto p = header_bytes(v, Mode::kClient);
    ASSERT_TRUE(append_mac(k, id, p));
    EXPECT_EQ(p.size(), len) << id << " v" << v;
    auto d = decode_packet(p);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->mac);
    EXPECT_EQ(d->mac->key_id, id);
    EXPECT_EQ(check_mac(&k, p, *d), MacCheck::kValid);
  }
  auto p = header_bytes(4, Mode::kClient);
  EXPECT_FALSE(append_mac(k, 99, p));
  EXPECT_EQ(p.size(), kHeaderLen);
}

TEST(SymKeyPacket, WrongDigestUnknownKeyAndCryptoNak) {
  const ToyKeys k = keys();
  auto p = header_bytes(4, Mode::kClient);
  ASSERT_TRUE(append_mac(k, 20, p));
  auto flipped = p;
  flipped.back() ^= std::byte{1};
  EXPECT_EQ(check_mac(&k, flipped, *decode_packet(flipped)), MacCheck::kInvalid);
  auto header_changed = p;
  header_changed[2] ^= std::byte{1};  // the poll octet is covered too
  EXPECT_EQ(check_mac(&k, header_changed, *decode_packet(header_changed)), MacCheck::kInvalid);
  auto other_id = p;
  other_id[kHeaderLen + 3] = std::byte{10};  // key 10 with key 20's digest
  EXPECT_EQ(check_mac(&k, other_id, *decode_packet(other_id)), MacCheck::kInvalid);
  EXPECT_EQ(check_mac(nullptr, p, *decode_packet(p)), MacCheck::kInvalid);
  auto bare = header_bytes(4, Mode::kClient);
  EXPECT_EQ(check_mac(&k, bare, *decode_packet(bare)), MacCheck::kNone);

  auto nak = header_bytes(4, Mode::kServer);
  nak.resize(kHeaderLen + 4);
  auto d = decode_packet(nak);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->mac);
  EXPECT_EQ(d->mac->key_id, 0u);
  EXPECT_EQ(check_mac(&k, nak, *d), MacCheck::kInvalid);
  nak[kHeaderLen + 3] = std::byte{1};  // four octets that are not a crypto-NAK
  EXPECT_FALSE(decode_packet(nak).ok());
}

TEST(SymKeyPacket, ChronyKeyTypeNumbers) {
  EXPECT_EQ(chrony_key_type(KeyType::kMd5), 1);
  EXPECT_EQ(chrony_key_type(KeyType::kSha1), 2);
  EXPECT_EQ(chrony_key_type(KeyType::kSha512), 5);
  EXPECT_EQ(chrony_key_type(KeyType::kSha3_512), 9);
  EXPECT_EQ(chrony_key_type(KeyType::kAes128Cmac), 13);
  EXPECT_EQ(chrony_key_type(KeyType::kAes256Cmac), 14);
}

TEST(SymKeyPacket, SuggestedVersion) {
  EXPECT_EQ(suggested_version({KeyType::kAes128Cmac, 16, 16}), 4);
  EXPECT_EQ(suggested_version({KeyType::kSha1, 20, 20}), 4);
  EXPECT_EQ(suggested_version({KeyType::kSha256, 32, 32}), 3);
}

// A server answering `req` at kT0 + 10 ms, optionally with a MAC under `key`.
std::vector<std::byte> reply_to(const Request& req, const MacKeys* k, std::optional<uint32_t> key,
                                int version = 4) {
  Header h;
  h.version = static_cast<uint8_t>(version);
  h.mode = Mode::kServer;
  h.stratum = 2;
  h.ref_id = 0xc0000201;
  h.reference_ts = NtpTimestamp::from_time(kT0 - Duration::s(10));
  h.origin_ts = req.transmit;
  h.receive_ts = NtpTimestamp::from_time(kT0 + Duration::ms(5));
  h.transmit_ts = NtpTimestamp::from_time(kT0 + Duration::ms(6));
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(h, w);
  if (key) {
    EXPECT_TRUE(append_mac(*k, *key, out));
  }
  return out;
}

ClientOptions keyed(const MacKeys& k, uint32_t id) {
  ClientOptions o;
  o.key_id = id;
  o.keys = &k;
  return o;
}

TEST(SymKeyClient, SignedRequestAndVerifiedReply) {
  const ToyKeys k = keys();
  NtpClient c{keyed(k, 10)};
  FixedRandom rng;
  const Request req = c.make_request(kT0, rng);
  ASSERT_EQ(req.packet.size(), kHeaderLen + 4 + 16);
  auto d = decode_packet(req.packet);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(check_mac(&k, req.packet, *d), MacCheck::kValid);
  EXPECT_EQ(d->mac->key_id, 10u);
  EXPECT_TRUE(c.authenticated());
  EXPECT_TRUE(c.handle_reply(reply_to(req, &k, 10), kT0, kT0 + Duration::ms(12)).ok());
  EXPECT_EQ(c.counters().samples, 1u);
  EXPECT_EQ(c.counters().auth_failed, 0u);
}

TEST(SymKeyClient, UnauthenticatedOrWronglyKeyedRepliesDroppedAndCounted) {
  const ToyKeys k = keys();
  NtpClient c{keyed(k, 10)};
  FixedRandom rng;
  const Request req = c.make_request(kT0, rng);
  const Timestamp t4 = kT0 + Duration::ms(12);
  auto bad_digest = reply_to(req, &k, 10);
  bad_digest.back() ^= std::byte{0x80};
  auto nak = reply_to(req, &k, std::nullopt);
  nak.resize(kHeaderLen + 4);
  for (const auto& bad : {reply_to(req, &k, std::nullopt), reply_to(req, &k, 20), bad_digest, nak}) {
    auto r = c.handle_reply(bad, kT0, t4);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), ReplyError::kAuthFailed);
  }
  EXPECT_EQ(c.counters().auth_failed, 4u);
  EXPECT_EQ(c.counters().bogus, 4u);
  // The request stayed open for the genuine reply.
  EXPECT_TRUE(c.request_outstanding());
  EXPECT_TRUE(c.handle_reply(reply_to(req, &k, 10), kT0, t4).ok());
}

TEST(SymKeyClient, ForgedKissOfDeathIgnored) {
  const ToyKeys k = keys();
  NtpClient c{keyed(k, 20)};
  FixedRandom rng;
  const Request req = c.make_request(kT0, rng);
  auto kod = reply_to(req, &k, std::nullopt);
  kod[1] = std::byte{0};  // stratum 0
  kod[12] = std::byte{'D'}, kod[13] = std::byte{'E'}, kod[14] = std::byte{'N'}, kod[15] = std::byte{'Y'};
  EXPECT_EQ(c.handle_reply(kod, kT0, kT0 + Duration::ms(12)).error(), ReplyError::kAuthFailed);
  EXPECT_EQ(c.state(), ClientState::kActive);
}

TEST(SymKeyClient, MacFromSourceWithoutKeyDropped) {
  const ToyKeys k = keys();
  NtpClient c{ClientOptions{}};
  FixedRandom rng;
  const Request req = c.make_request(kT0, rng);
  EXPECT_EQ(req.packet.size(), kHeaderLen);
  EXPECT_EQ(c.handle_reply(reply_to(req, &k, 10), kT0, kT0 + Duration::ms(12)).error(),
            ReplyError::kAuthFailed);
  EXPECT_TRUE(c.handle_reply(reply_to(req, &k, std::nullopt), kT0, kT0 + Duration::ms(12)).ok());
}

TEST(SymKeyClient, MissingKeySendsNothingButKeepsPolling) {
  ToyKeys k;
  NtpClient c{keyed(k, 10)};
  FixedRandom rng;
  Request req = c.make_request(kT0, rng);
  EXPECT_TRUE(req.packet.empty());
  EXPECT_TRUE(req.key_missing);
  EXPECT_EQ(c.counters().key_missing, 1u);
  EXPECT_NE(c.next_poll_interval(rng), Duration::max());
  k.add(10, 16);  // rekey brought it
  req = c.make_request(kT0 + Duration::s(64), rng);
  EXPECT_FALSE(req.key_missing);
  EXPECT_EQ(req.packet.size(), kHeaderLen + 20);
  EXPECT_EQ(c.counters().missed, 1u);  // the unsent one counted as lost
}

TEST(SymKeyClient, PeerPacketsSignedAndChecked) {
  const ToyKeys k = keys();
  ClientOptions o = keyed(k, 20);
  o.symmetric = true;
  NtpClient c{o};
  FixedRandom rng;
  ServerState self;
  self.leap = Leap::kNone;
  self.stratum = 3;
  const Request req = c.make_request(kT0, rng, &self);
  ASSERT_EQ(req.packet.size(), kHeaderLen + 24);
  // The peer's own poll (mode 1) without a MAC must not move the origin/receive pair.
  Header h;
  h.mode = Mode::kSymmetricActive;
  h.stratum = 2;
  h.transmit_ts = NtpTimestamp::from_time(kT0 + Duration::ms(3));
  std::vector<std::byte> pkt;
  ByteWriter w{pkt};
  encode_header(h, w);
  EXPECT_EQ(c.handle_reply(pkt, kT0, kT0 + Duration::ms(4)).error(), ReplyError::kAuthFailed);
  EXPECT_FALSE(c.response_due());
  ASSERT_TRUE(append_mac(k, 20, pkt));
  (void)c.handle_reply(pkt, kT0, kT0 + Duration::ms(4));
  ASSERT_TRUE(c.response_due());
  const auto resp = c.make_response(kT0 + Duration::ms(5), self);
  ASSERT_EQ(resp.size(), kHeaderLen + 24);
  EXPECT_EQ(check_mac(&k, resp, *decode_packet(resp)), MacCheck::kValid);
}

TEST(SymKeyServer, RequestAuthAndSignedReplyNeverLonger) {
  const ToyKeys k = keys();
  const auto bare = header_bytes(4, Mode::kClient);
  EXPECT_EQ(check_request_auth(bare, &k).check, MacCheck::kNone);
  ServerState st;
  st.leap = Leap::kNone;
  st.stratum = 2;
  const ReplyTemplate t{st};
  for (auto [id, v] : {std::pair{10u, 4}, {30u, 4}, {30u, 3}, {20u, 1}}) {
    auto req = header_bytes(v, Mode::kClient);
    ASSERT_TRUE(append_mac(k, id, req));
    ASSERT_EQ(classify_request(req), RequestKind::kClient);
    const RequestAuth a = check_request_auth(req, &k);
    EXPECT_EQ(a.check, MacCheck::kValid);
    EXPECT_EQ(a.key_id, id);
    std::array<std::byte, kHeaderLen> out{};
    t.fill(req, kT0, out);
    ReplyTemplate::set_transmit(out, kT0 + Duration::us(20));
    const auto reply = ReplyTemplate::sign(k, a.key_id, req, out);
    ASSERT_EQ(reply.size(), req.size()) << id << " v" << v;
    auto d = decode_packet(reply);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->header.version, v);
    EXPECT_EQ(check_mac(&k, reply, *d), MacCheck::kValid);
    // A reply larger than its request is never produced.
    const std::vector<std::byte> short_req(req.begin(), req.end() - 4);
    EXPECT_TRUE(ReplyTemplate::sign(k, a.key_id, short_req, out).empty());
  }
  auto unknown = header_bytes(4, Mode::kClient);
  ToyKeys other;
  other.add(40, 16);
  ASSERT_TRUE(append_mac(other, 40, unknown));
  EXPECT_EQ(check_request_auth(unknown, &k).check, MacCheck::kInvalid);
  EXPECT_EQ(check_request_auth(unknown, nullptr).check, MacCheck::kInvalid);
}

}  // namespace
}  // namespace tempus::core
