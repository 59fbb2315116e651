// SPDX-License-Identifier: ISC
#include "core/nts_ef.h"

#include <gtest/gtest.h>

#include "crypto/aead.h"
#include "test_rng.h"

namespace tempus::core {
namespace {

using Vec = std::vector<std::byte>;

const Timestamp kT0 = Timestamp::from_unix(1'700'000'000, 0);

Header client_header() {
  Header h;
  h.mode = Mode::kClient;
  h.transmit_ts = NtpTimestamp::from_parts(0x12345678, 0x9abcdef0);
  return h;
}

Header server_header() {
  Header h;
  h.mode = Mode::kServer;
  h.stratum = 2;
  h.origin_ts = NtpTimestamp::from_parts(0x12345678, 0x9abcdef0);
  return h;
}

// Builds packets field by field, sealing an Authenticator independently of nts_ef.cc.
struct Builder {
  Vec out;
  Builder& header(const Header& h) {
    ByteWriter w{out};
    encode_header(h, w);
    return *this;
  }
  Builder& field(uint16_t type, Bytes value) {
    ByteWriter w{out};
    encode_extension(type, value, w);
    return *this;
  }
  Builder& auth(const Aead& aead, Bytes key, Bytes plaintext, size_t nonce_len = 16,
                std::optional<uint16_t> ct_len = {}, size_t extra_pad = 0) {
    const Vec nonce(nonce_len, std::byte{0x5a});
    const Bytes ad[] = {out};
    const Vec sealed = aead.seal(key, ad, nonce, plaintext).value();
    Vec body;
    ByteWriter b{body};
    b.be16(static_cast<uint16_t>(nonce.size()));
    b.be16(ct_len.value_or(static_cast<uint16_t>(sealed.size())));
    b.bytes(nonce);
    b.zeros((4 - nonce.size() % 4) % 4);
    b.bytes(sealed);
    b.zeros(extra_pad);  // room a short nonce must leave (RFC 8915 §5.6)
    ByteWriter w{out};
    encode_extension(kEfNtsAuthenticator, body, w, kMinLastExtensionLen);
    return *this;
  }
};

Vec inner_fields(std::initializer_list<std::pair<uint16_t, Vec>> fields) {
  Vec out;
  ByteWriter w{out};
  for (const auto& [type, value] : fields) encode_extension(type, value, w);
  return out;
}

class NtsEf : public ::testing::Test {
 protected:
  void SetUp() override {
    aead_ = crypto::make_aead(AeadId::kAesSivCmac256);
    if (!aead_) GTEST_SKIP() << "no AES-SIV in this OpenSSL";
    ring_.rotate(kT0, rng_);
    keys_.c2s.resize(32);
    keys_.s2c.resize(32);
    fill_random(rng_, keys_.c2s);
    fill_random(rng_, keys_.s2c);
    cookie_ = make_cookie(ring_, *aead_, keys_, rng_).value();
  }
  NtsRequest request(size_t placeholders) {
    return build_nts_request(client_header(), *aead_, keys_.c2s, cookie_, placeholders, rng_)
        .value();
  }
  Vec uid_of(const NtsRequest& r) { return Vec(r.unique_id.begin(), r.unique_id.end()); }

  test::TestRng rng_;
  ServerKeyRing ring_{Duration::s(86400)};
  std::unique_ptr<Aead> aead_;
  NtsKeys keys_;
  Vec cookie_;
};

TEST_F(NtsEf, ClientRequestLayout) {
  const NtsRequest req = request(3);
  EXPECT_EQ(req.packet.size(), 48u + 36 + 108 + 3 * 108 + 40);
  const auto p = decode_packet(req.packet);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->mac);
  EXPECT_EQ(p->header, client_header());
  const auto f = p->extensions();
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0].type, kEfUniqueIdentifier);
  EXPECT_EQ(Vec(f[0].value.begin(), f[0].value.end()), uid_of(req));
  EXPECT_EQ(f[1].type, kEfNtsCookie);
  EXPECT_EQ(Vec(f[1].value.begin(), f[1].value.end()), cookie_);
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(f[i].type, kEfNtsCookiePlaceholder);
    EXPECT_EQ(Vec(f[i].value.begin(), f[i].value.end()), Vec(cookie_.size()));
  }
  EXPECT_EQ(f[5].type, kEfNtsAuthenticator);
  ASSERT_EQ(f[5].value.size(), 36u);
  EXPECT_EQ(Vec(f[5].value.begin(), f[5].value.begin() + 4), Vec({std::byte{0}, std::byte{16},
                                                                  std::byte{0}, std::byte{16}}));
}

TEST_F(NtsEf, EveryRequestHasItsOwnIdentifierAndNonce) {
  const NtsRequest a = request(0);
  const NtsRequest b = request(0);
  EXPECT_NE(uid_of(a), uid_of(b));
  EXPECT_NE(Vec(a.packet.end() - 36, a.packet.end()), Vec(b.packet.end() - 36, b.packet.end()));
}

TEST_F(NtsEf, BadClientArgumentsBuildNothing) {
  EXPECT_FALSE(build_nts_request(client_header(), *aead_, Bytes(keys_.c2s).first(16), cookie_, 0,
                                 rng_));
  EXPECT_FALSE(build_nts_request(client_header(), *aead_, keys_.c2s, {}, 0, rng_));
  EXPECT_FALSE(build_nts_request(client_header(), *aead_, keys_.c2s, cookie_, 8, rng_));
  EXPECT_TRUE(build_nts_request(client_header(), *aead_, keys_.c2s, cookie_, 7, rng_));
}

TEST_F(NtsEf, ServerAnswersWithFreshCookiesNoLongerThanTheRequest) {
  for (size_t placeholders : {0u, 3u, 7u}) {
    const NtsRequest req = request(placeholders);
    const auto parsed = parse_nts_request(req.packet, ring_, *aead_);
    ASSERT_TRUE(parsed) << to_string(parsed.error());
    EXPECT_EQ(parsed->keys, keys_);
    EXPECT_EQ(parsed->unique_id, uid_of(req));
    EXPECT_EQ(parsed->cookies_wanted, placeholders + 1);
    EXPECT_EQ(parsed->request_len, req.packet.size());

    const auto reply = build_nts_reply(server_header(), *parsed, ring_, *aead_, rng_);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->size(), req.packet.size());  // the placeholders reserved exactly this room
    const auto cookies = verify_nts_reply(*reply, *aead_, keys_.s2c, uid_of(req));
    ASSERT_TRUE(cookies) << to_string(cookies.error());
    ASSERT_EQ(cookies->size(), placeholders + 1);
    for (const Vec& c : *cookies) {
      EXPECT_NE(c, cookie_);
      const auto k = open_cookie(ring_, *aead_, c);
      ASSERT_TRUE(k);
      EXPECT_EQ(*k, keys_);
    }
    // Fresh cookies are all different (never a repeat the client could be tracked by).
    for (size_t i = 0; i < cookies->size(); ++i)
      for (size_t j = i + 1; j < cookies->size(); ++j) EXPECT_NE((*cookies)[i], (*cookies)[j]);
  }
}

TEST_F(NtsEf, ShortRequestsGetFewerCookies) {
  auto parsed = parse_nts_request(request(3).packet, ring_, *aead_);
  ASSERT_TRUE(parsed);
  parsed->request_len -= 1;  // one octet short of room for four cookies: three fit
  auto reply = build_nts_reply(server_header(), *parsed, ring_, *aead_, rng_);
  ASSERT_TRUE(reply);
  EXPECT_LE(reply->size(), parsed->request_len);
  EXPECT_EQ(verify_nts_reply(*reply, *aead_, keys_.s2c, parsed->unique_id)->size(), 3u);
  parsed->request_len = 48 + 36 + 40;  // room for no cookie at all: still authenticated time
  reply = build_nts_reply(server_header(), *parsed, ring_, *aead_, rng_);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->size(), parsed->request_len);
  EXPECT_TRUE(verify_nts_reply(*reply, *aead_, keys_.s2c, parsed->unique_id)->empty());
  parsed->request_len -= 4;
  EXPECT_FALSE(build_nts_reply(server_header(), *parsed, ring_, *aead_, rng_));
}

TEST_F(NtsEf, EncryptedPlaceholdersAskForCookiesToo) {
  const Vec ph(cookie_.size());
  const Vec plain = inner_fields({{kEfNtsCookiePlaceholder, ph}, {kEfNtsCookiePlaceholder, ph}});
  const Vec uid(32, std::byte{1});
  const Vec pkt = Builder{}
                      .header(client_header())
                      .field(kEfUniqueIdentifier, uid)
                      .field(kEfNtsCookie, cookie_)
                      .field(kEfNtsCookiePlaceholder, ph)
                      .auth(*aead_, keys_.c2s, plain)
                      .out;
  const auto parsed = parse_nts_request(pkt, ring_, *aead_);
  ASSERT_TRUE(parsed) << to_string(parsed.error());
  EXPECT_EQ(parsed->cookies_wanted, 4u);
  const auto reply = build_nts_reply(server_header(), *parsed, ring_, *aead_, rng_);
  ASSERT_TRUE(reply);
  EXPECT_LE(reply->size(), pkt.size());
  EXPECT_EQ(verify_nts_reply(*reply, *aead_, keys_.s2c, uid)->size(), 4u);
}

TEST_F(NtsEf, ServerRefusals) {
  const Vec uid(32, std::byte{1});
  const Vec ph(cookie_.size());
  Vec bad_cookie = cookie_;
  bad_cookie[30] ^= std::byte{1};
  Header mode4 = client_header();
  mode4.mode = Mode::kServer;
  auto base = [&] { return Builder{}.header(client_header()).field(kEfUniqueIdentifier, uid); };
  struct Case {
    std::string_view name;
    Vec packet;
    NtsEfError want;
  };
  const Case cases[] = {
      {"plain NTP", Builder{}.header(client_header()).out, NtsEfError::kNoUniqueId},
      {"server mode", Builder{}.header(mode4).field(kEfUniqueIdentifier, uid).out,
       NtsEfError::kWrongMode},
      {"no cookie", base().auth(*aead_, keys_.c2s, {}).out, NtsEfError::kNoCookie},
      {"no identifier",
       Builder{}.header(client_header()).field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {})
           .out,
       NtsEfError::kNoUniqueId},
      {"short identifier",
       Builder{}.header(client_header()).field(kEfUniqueIdentifier, Vec(28)).field(kEfNtsCookie,
                                                                                  cookie_)
           .auth(*aead_, keys_.c2s, {}).out,
       NtsEfError::kBadUniqueId},
      {"two identifiers", base().field(kEfUniqueIdentifier, uid).out, NtsEfError::kDuplicateField},
      {"two cookies", base().field(kEfNtsCookie, cookie_).field(kEfNtsCookie, cookie_).out,
       NtsEfError::kDuplicateField},
      {"placeholder of another length",
       base().field(kEfNtsCookie, cookie_).field(kEfNtsCookiePlaceholder, Vec(100))
           .auth(*aead_, keys_.c2s, {}).out,
       NtsEfError::kBadPlaceholder},
      {"no authenticator", base().field(kEfNtsCookie, cookie_).field(0x2000, Vec(28)).out,
       NtsEfError::kNoAuthenticator},
      {"field after the authenticator",
       base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {}).field(0x2000, Vec(28)).out,
       NtsEfError::kAuthNotLast},
      {"tampered cookie", base().field(kEfNtsCookie, bad_cookie).auth(*aead_, keys_.c2s, {}).out,
       NtsEfError::kCookieInvalid},
      {"wrong key", base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.s2c, {}).out,
       NtsEfError::kAuthFailed},
      {"nonce too short without padding",
       base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {}, 8).out,
       NtsEfError::kBadAuthenticator},
      {"ciphertext shorter than a tag",
       base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {}, 16, 8).out,
       NtsEfError::kBadAuthenticator},
      {"ciphertext past the field",
       base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {}, 16, 40).out,
       NtsEfError::kBadAuthenticator},
      {"malformed encrypted field",
       base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, Vec(12, std::byte{1})).out,
       NtsEfError::kBadEncryptedField},
      {"encrypted placeholder of another length",
       base().field(kEfNtsCookie, cookie_)
           .auth(*aead_, keys_.c2s, inner_fields({{kEfNtsCookiePlaceholder, Vec(16)}})).out,
       NtsEfError::kBadPlaceholder},
  };
  for (const auto& c : cases) {
    const auto r = parse_nts_request(c.packet, ring_, *aead_);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error(), c.want) << c.name << ": " << to_string(r.error());
  }
  // A short nonce is fine when the field is padded as if the nonce had 16 octets.
  const Vec padded = base().field(kEfNtsCookie, cookie_).auth(*aead_, keys_.c2s, {}, 8, {}, 8).out;
  EXPECT_TRUE(parse_nts_request(padded, ring_, *aead_));
  // Tampering with anything before the authenticator breaks the associated data.
  const NtsRequest good = request(1);
  for (size_t i : {size_t{2}, size_t{40}, size_t{60}, good.packet.size() - 60}) {
    Vec bad = good.packet;
    bad[i] ^= std::byte{0x10};
    const auto r = parse_nts_request(bad, ring_, *aead_);
    ASSERT_FALSE(r) << i;
    EXPECT_TRUE(nts_nak_warranted(r.error())) << i << ": " << to_string(r.error());
  }
}

TEST_F(NtsEf, CookiesOfARetiredKeyGetANak) {
  const NtsRequest req = request(0);
  for (size_t i = 0; i < kMaxServerKeys; ++i)
    ring_.rotate(kT0 + Duration::s(86400 * static_cast<int64_t>(i + 1)), rng_);
  const auto r = parse_nts_request(req.packet, ring_, *aead_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), NtsEfError::kCookieInvalid);
  ASSERT_TRUE(nts_nak_warranted(r.error()));
  const Vec nak = build_nts_nak(server_header(), nts_unique_id(req.packet));
  EXPECT_LE(nak.size(), req.packet.size());
  const auto h = decode_header(nak);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->stratum, 0);
  EXPECT_EQ(h->ref_id, kKissNtsNak);
  const auto v = verify_nts_reply(nak, *aead_, keys_.s2c, uid_of(req));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), NtsEfError::kNak);
  // A NAK for someone else's request is not ours to act on.
  const auto other = verify_nts_reply(nak, *aead_, keys_.s2c, Vec(32, std::byte{9}));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), NtsEfError::kBadUniqueId);
}

TEST_F(NtsEf, ClientRefusals) {
  const NtsRequest req = request(1);
  const Vec uid = uid_of(req);
  const auto parsed = parse_nts_request(req.packet, ring_, *aead_).value();
  const Vec good = build_nts_reply(server_header(), parsed, ring_, *aead_, rng_).value();
  ASSERT_TRUE(verify_nts_reply(good, *aead_, keys_.s2c, uid));

  auto expect = [&](std::string_view name, Bytes pkt, Bytes key, NtsEfError want) {
    const auto r = verify_nts_reply(pkt, *aead_, key, uid);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error(), want) << name << ": " << to_string(r.error());
  };
  expect("wrong key", good, keys_.c2s, NtsEfError::kAuthFailed);
  Vec other_uid = good;
  other_uid[48 + 4] ^= std::byte{1};
  expect("other identifier", other_uid, keys_.s2c, NtsEfError::kBadUniqueId);
  for (size_t i : {size_t{1}, size_t{20}, size_t{47}, good.size() - 1, good.size() - 30}) {
    Vec bad = good;
    bad[i] ^= std::byte{0x04};
    expect("tampered octet", bad, keys_.s2c, NtsEfError::kAuthFailed);
  }
  Header h3 = server_header();
  h3.mode = Mode::kClient;
  expect("client mode", Builder{}.header(h3).field(kEfUniqueIdentifier, uid).out, keys_.s2c,
         NtsEfError::kWrongMode);
  expect("no identifier", Builder{}.header(server_header()).auth(*aead_, keys_.s2c, {}).out,
         keys_.s2c, NtsEfError::kNoUniqueId);
  expect("no authenticator",
         Builder{}.header(server_header()).field(kEfUniqueIdentifier, uid).out, keys_.s2c,
         NtsEfError::kNoAuthenticator);
  expect("field after the authenticator",
         Builder{}.header(server_header()).field(kEfUniqueIdentifier, uid)
             .auth(*aead_, keys_.s2c, {}).field(0x2000, Vec(28)).out,
         keys_.s2c, NtsEfError::kAuthNotLast);
  expect("malformed encrypted field",
         Builder{}.header(server_header()).field(kEfUniqueIdentifier, uid)
             .auth(*aead_, keys_.s2c, Vec(20, std::byte{0xff})).out,
         keys_.s2c, NtsEfError::kBadEncryptedField);
}

TEST_F(NtsEf, OnlyEncryptedCookiesAreTaken) {
  const Vec uid(32, std::byte{3});
  const Vec secret(104, std::byte{0xaa});
  const Vec planted(104, std::byte{0xbb});
  const Vec pkt = Builder{}
                      .header(server_header())
                      .field(kEfUniqueIdentifier, uid)
                      .field(kEfNtsCookie, planted)  // authenticated, but not encrypted
                      .auth(*aead_, keys_.s2c, inner_fields({{kEfNtsCookie, secret},
                                                             {0x7777, Vec(12)}}))
                      .out;
  const auto r = verify_nts_reply(pkt, *aead_, keys_.s2c, uid);
  ASSERT_TRUE(r) << to_string(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], secret);
}

}  // namespace
}  // namespace tempus::core
