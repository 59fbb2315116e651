// SPDX-License-Identifier: ISC
#include "core/nts_client.h"

#include <gtest/gtest.h>

#include "crypto/aead.h"
#include "test_rng.h"

namespace tempus::core {
namespace {

using Vec = std::vector<std::byte>;

const Timestamp kT0 = Timestamp::from_unix(1'700'000'000, 0);

Header request_header() {
  Header h;
  h.mode = Mode::kClient;
  return h;
}

Header reply_header() {
  Header h;
  h.mode = Mode::kServer;
  h.stratum = 1;
  return h;
}

Vec cookie_in(const Vec& request) {
  const auto p = decode_packet(request);
  for (const auto& f : p->extensions())
    if (f.type == kEfNtsCookie) return Vec(f.value.begin(), f.value.end());
  return {};
}

size_t placeholders_in(const Vec& request) {
  const auto p = decode_packet(request);
  size_t n = 0;
  for (const auto& f : p->extensions()) n += f.type == kEfNtsCookiePlaceholder;
  return n;
}

class NtsClient : public ::testing::Test {
 protected:
  void SetUp() override {
    aead_ = crypto::make_aead(AeadId::kAesSivCmac256);
    if (!aead_) GTEST_SKIP() << "no AES-SIV in this OpenSSL";
    ring_.rotate(kT0, rng_);
    keys_.c2s.assign(32, std::byte{1});
    keys_.s2c.assign(32, std::byte{2});
  }
  std::vector<Vec> cookies(size_t n) {
    std::vector<Vec> out;
    for (size_t i = 0; i < n; ++i) out.push_back(make_cookie(ring_, *aead_, keys_, rng_).value());
    return out;
  }
  Vec serve(const Vec& request) {
    const auto parsed = parse_nts_request(request, ring_, *aead_);
    EXPECT_TRUE(parsed);
    return build_nts_reply(reply_header(), *parsed, ring_, *aead_, rng_).value();
  }
  test::TestRng rng_;
  ServerKeyRing ring_{Duration::s(86400)};
  std::unique_ptr<Aead> aead_;
  NtsKeys keys_;
};

TEST_F(NtsClient, EveryCookieIsSentOnce) {
  const auto jar = cookies(kNtsMaxCookies);
  NtsClientSession s(*aead_, keys_, jar);
  for (size_t i = 0; i < jar.size(); ++i) {
    const auto req = s.make_request(request_header(), rng_);
    ASSERT_TRUE(req);
    EXPECT_EQ(cookie_in(*req), jar[i]);
    EXPECT_EQ(placeholders_in(*req), i);  // asks for the spent one plus all missing
  }
  EXPECT_TRUE(s.needs_ke());
  EXPECT_FALSE(s.make_request(request_header(), rng_));
}

TEST_F(NtsClient, RepliesRefillTheJar) {
  NtsClientSession s(*aead_, keys_, cookies(2));
  const auto req = s.make_request(request_header(), rng_);
  ASSERT_TRUE(req);
  EXPECT_EQ(placeholders_in(*req), 6u);
  ASSERT_TRUE(s.accept_reply(serve(*req)));
  EXPECT_EQ(s.cookies(), kNtsMaxCookies);
  // The jar never grows past eight, even if a server sends more than asked.
  NtsClientSession full(*aead_, keys_, cookies(kNtsMaxCookies + 3));
  EXPECT_EQ(full.cookies(), kNtsMaxCookies);
}

TEST_F(NtsClient, OneReplyPerRequestAndOnlyTheLatest) {
  NtsClientSession s(*aead_, keys_, cookies(4));
  const Vec first = *s.make_request(request_header(), rng_);
  const Vec second = *s.make_request(request_header(), rng_);
  const Vec late = serve(first);
  const auto r = s.accept_reply(late);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), NtsEfError::kBadUniqueId);
  const Vec reply = serve(second);
  Vec forged = reply;
  forged.back() ^= std::byte{1};
  ASSERT_FALSE(s.accept_reply(forged));  // a forgery does not cancel the real reply
  ASSERT_TRUE(s.accept_reply(reply));
  const size_t have = s.cookies();
  const auto replay = s.accept_reply(reply);
  ASSERT_FALSE(replay);
  EXPECT_EQ(s.cookies(), have);
}

TEST_F(NtsClient, NakMeansNewKeyExchange) {
  NtsClientSession s(*aead_, keys_, cookies(3));
  const Vec req = *s.make_request(request_header(), rng_);
  ASSERT_FALSE(s.needs_ke());
  // A NAK for another request is ignored; one for ours empties the jar.
  ASSERT_FALSE(s.accept_reply(build_nts_nak(reply_header(), Vec(32, std::byte{7}))));
  EXPECT_EQ(s.cookies(), 2u);
  const auto r = s.accept_reply(build_nts_nak(reply_header(), nts_unique_id(req)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), NtsEfError::kNak);
  EXPECT_TRUE(s.needs_ke());
}

TEST(SavedNtsSessions, RoundTripAndDamagedLinesSkipped) {
  SavedNtsSession a{"ntp.example.net", "192.0.2.1",
                    NtsKeys{15, Vec(32, std::byte{1}), Vec(32, std::byte{2})},
                    {Vec(104, std::byte{3}), Vec(100, std::byte{4})}};
  SavedNtsSession b{"127.0.0.1", "127.0.0.1", NtsKeys{15, Vec(32, std::byte{5}),
                                                      Vec(32, std::byte{6})},
                    {Vec(8, std::byte{7})}};
  SavedNtsSession empty{"x", "192.0.2.9", NtsKeys{15, Vec(32), Vec(32)}, {}};
  const std::vector<SavedNtsSession> all{a, empty, b};
  const std::string text = serialise_nts_sessions(all);
  EXPECT_EQ(parse_nts_sessions(text), (std::vector<SavedNtsSession>{a, b}));  // none without cookies
  // A bad key length, odd hex, an unknown AEAD, a cookie of 5 octets: those lines only.
  const std::string damaged = text + "n 192.0.2.2 15 00 11 00000000\n" +
                              "n 192.0.2.3 15 " + std::string(64, '0') + " " +
                              std::string(63, '0') + " 00000000\n" + "n 192.0.2.4 30 " +
                              std::string(64, '0') + " " + std::string(64, '0') + " 00000000\n" +
                              "n 192.0.2.5 15 " + std::string(64, '0') + " " +
                              std::string(64, '0') + " 0000000000\ngarbage\n";
  EXPECT_EQ(parse_nts_sessions(damaged).size(), 2u);
  EXPECT_TRUE(parse_nts_sessions("tempus-nts-keys 1\n" + text).empty());
  EXPECT_TRUE(parse_nts_sessions("").empty());
}

}  // namespace
}  // namespace tempus::core
