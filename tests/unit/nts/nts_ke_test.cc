// SPDX-License-Identifier: ISC
#include "core/nts_ke.h"

#include <gtest/gtest.h>

#include "../crypto/hex.h"

namespace tempus::core {
namespace {

using test::hex;
using Vec = std::vector<std::byte>;
using T = NkeRecordType;

constexpr uint16_t kSiv = 15;
constexpr uint16_t kGcmSiv = 30;

// Builds a message record by record.
struct Msg {
  Vec out;
  Msg& rec(bool critical, uint16_t type, Vec body = {}) {
    ByteWriter w{out};
    encode_nke_record(w, critical, type, body);
    return *this;
  }
  Msg& rec(bool critical, T type, Vec body = {}) {
    return rec(critical, static_cast<uint16_t>(type), std::move(body));
  }
  Msg& u16(bool critical, T type, std::initializer_list<uint16_t> vs) {
    Vec body;
    ByteWriter w{body};
    for (auto v : vs) w.be16(v);
    return rec(critical, type, body);
  }
  Msg& end() { return rec(true, T::kEndOfMessage); }
  Msg& request() { return u16(true, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kSiv}); }
  Msg& cookie(size_t len, uint8_t fill = 0xc0) {
    return rec(false, T::kNewCookie, Vec(len, std::byte{fill}));
  }
  Msg& response() { return u16(true, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kSiv}); }
};

TEST(NtsKeRecord, EveryTypeEncodesWithItsCriticalBit) {
  struct Case {
    bool critical;
    T type;
    Vec body;
    std::string_view wire;
  };
  const Case cases[] = {
      {true, T::kEndOfMessage, {}, "8000 0000"},
      {true, T::kNextProtocol, hex("0000"), "8001 0002 0000"},
      {true, T::kError, hex("0001"), "8002 0002 0001"},
      {true, T::kWarning, hex("0007"), "8003 0002 0007"},
      {false, T::kAeadAlgorithm, hex("000f 001e"), "0004 0004 000f 001e"},
      {false, T::kNewCookie, hex("01020304"), "0005 0004 01020304"},
      {true, T::kServerNegotiation, hex("6e7470"), "8006 0003 6e7470"},
      {false, T::kPortNegotiation, hex("007b"), "0007 0002 007b"},
  };
  for (const auto& c : cases) {
    Vec out;
    ByteWriter w{out};
    encode_nke_record(w, c.critical, c.type, c.body);
    EXPECT_EQ(out, hex(c.wire)) << static_cast<int>(c.type);
    Msg m;
    m.out = out;
    if (c.type != T::kEndOfMessage) m.end();
    const auto recs = split_nke_message(m.out);
    ASSERT_TRUE(recs) << static_cast<int>(c.type);
    ASSERT_EQ(recs->size(), c.type == T::kEndOfMessage ? 1u : 2u);
    EXPECT_EQ((*recs)[0].critical, c.critical);
    EXPECT_EQ((*recs)[0].type, static_cast<uint16_t>(c.type));
    EXPECT_EQ(Vec((*recs)[0].body.begin(), (*recs)[0].body.end()), c.body);
  }
  // The type is 15 bits: the top bit is the critical flag only.
  Vec out;
  ByteWriter w{out};
  encode_nke_record(w, false, 0xffff, {});
  EXPECT_EQ(out, hex("7fff 0000"));
}

TEST(NtsKeRecord, Framing) {
  const Vec good = Msg{}.request().end().out;
  ASSERT_TRUE(split_nke_message(good));
  struct Case {
    Vec msg;
    NkeError want;
  };
  Vec long_msg = Msg{}.rec(false, 0x4000, Vec(kNkeMaxMessageLen)).end().out;
  const Case cases[] = {
      {{}, NkeError::kTruncated},
      {Msg{}.request().out, NkeError::kTruncated},                                  // no End
      {Vec(good.begin(), good.end() - 1), NkeError::kTruncated},                   // cut header
      {Vec(good.begin(), good.begin() + 5), NkeError::kTruncated},                 // cut body
      {Msg{}.request().rec(false, T::kEndOfMessage).out, NkeError::kBadEndOfMessage},
      {Msg{}.request().rec(true, T::kEndOfMessage, hex("00")).out, NkeError::kBadEndOfMessage},
      {Msg{}.request().end().end().out, NkeError::kTrailingData},
      {Msg{}.request().end().rec(false, 0x4000).out, NkeError::kTrailingData},
      {long_msg, NkeError::kMessageTooLong},
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    const auto r = split_nke_message(cases[i].msg);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error(), cases[i].want) << i << ": " << to_string(r.error());
  }
}

TEST(NtsKeRecord, StreamedMessageLength) {
  const Vec msg = Msg{}.request().end().out;
  for (size_t n = 0; n < msg.size(); ++n) {
    const auto r = nke_message_length(Bytes(msg).first(n));
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(*r, 0u) << n;
  }
  Vec more = msg;
  more.push_back(std::byte{0x80});  // the start of whatever follows
  for (const Vec* v : {&msg, static_cast<const Vec*>(&more)}) {
    const auto r = nke_message_length(*v);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, msg.size());
  }
  // A record that declares more than the message limit can never complete.
  const auto huge = nke_message_length(hex("4000 ffff 00"));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error(), NkeError::kMessageTooLong);
  const auto bad_end = nke_message_length(Msg{}.rec(false, T::kEndOfMessage).out);
  ASSERT_FALSE(bad_end);
  EXPECT_EQ(bad_end.error(), NkeError::kBadEndOfMessage);
  const Vec filler = Msg{}.rec(false, 0x4000, Vec(kNkeMaxMessageLen - 4)).out;
  const auto full = nke_message_length(filler);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), NkeError::kMessageTooLong);
}

TEST(NtsKeRequest, ClientRequestBytes) {
  EXPECT_EQ(encode_nke_request({}), hex("8001 0002 0000  8004 0002 000f  8000 0000"));
  NkeRequest r;
  r.aeads = {kGcmSiv, kSiv};
  r.server = "ntp.example";
  r.port = 123;
  const Vec wire = encode_nke_request(r);
  EXPECT_EQ(wire, hex("8001 0002 0000  8004 0004 001e 000f  0006 000b 6e74702e6578616d706c65"
                      "0007 0002 007b  8000 0000"));
  const auto back = parse_nke_request(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->protocols, std::vector<uint16_t>{0});
  EXPECT_EQ(back->aeads, (std::vector<uint16_t>{kGcmSiv, kSiv}));
  EXPECT_EQ(back->server, "ntp.example");
  EXPECT_EQ(back->port, 123);
}

TEST(NtsKeRequest, ServerValidation) {
  using C = NkeErrorCode;
  struct Case {
    std::string_view name;
    Vec msg;
    std::optional<C> code;  // nullopt: accepted
    NkeError reason = NkeError::kBadRecord;
  };
  const Case cases[] = {
      {"minimal", Msg{}.request().end().out, std::nullopt},
      {"AEAD not critical", Msg{}.u16(true, T::kNextProtocol, {0}).u16(false, T::kAeadAlgorithm,
                                                                        {kSiv}).end().out,
       std::nullopt},
      {"unknown non-critical ignored", Msg{}.rec(false, 0x1234, hex("ff")).request().end().out,
       std::nullopt},
      {"not NTPv4 needs no AEAD", Msg{}.u16(true, T::kNextProtocol, {0x7000}).end().out,
       std::nullopt},
      {"suggestions", Msg{}.request().rec(false, T::kServerNegotiation, hex("31302e302e302e31"))
                          .u16(true, T::kPortNegotiation, {4123}).end().out,
       std::nullopt},
      {"unknown critical", Msg{}.rec(true, 0x1234).request().end().out,
       C::kUnrecognizedCriticalRecord, NkeError::kUnrecognizedCritical},
      {"truncated", Msg{}.request().out, C::kBadRequest, NkeError::kTruncated},
      {"next protocol not critical",
       Msg{}.u16(false, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kSiv}).end().out,
       C::kBadRequest, NkeError::kBadRecord},
      {"next protocol empty",
       Msg{}.rec(true, T::kNextProtocol).u16(true, T::kAeadAlgorithm, {kSiv}).end().out,
       C::kBadRequest},
      {"next protocol odd length",
       Msg{}.rec(true, T::kNextProtocol, hex("000000")).u16(true, T::kAeadAlgorithm, {kSiv})
           .end().out,
       C::kBadRequest},
      {"two next protocols", Msg{}.request().u16(true, T::kNextProtocol, {0}).end().out,
       C::kBadRequest, NkeError::kDuplicateRecord},
      {"two AEAD records", Msg{}.request().u16(true, T::kAeadAlgorithm, {kSiv}).end().out,
       C::kBadRequest, NkeError::kDuplicateRecord},
      {"AEAD empty", Msg{}.u16(true, T::kNextProtocol, {0}).rec(true, T::kAeadAlgorithm).end().out,
       C::kBadRequest},
      {"AEAD oversized", Msg{}.u16(true, T::kNextProtocol, {0})
                             .rec(true, T::kAeadAlgorithm, Vec(kNkeMaxBodyLen + 2)).end().out,
       C::kBadRequest},
      {"no AEAD for NTPv4", Msg{}.u16(true, T::kNextProtocol, {0}).end().out, C::kBadRequest,
       NkeError::kMissingRecord},
      {"no next protocol", Msg{}.u16(true, T::kAeadAlgorithm, {kSiv}).end().out, C::kBadRequest,
       NkeError::kMissingRecord},
      {"error record", Msg{}.request().u16(true, T::kError, {1}).end().out, C::kBadRequest,
       NkeError::kUnexpectedRecord},
      {"warning record", Msg{}.request().u16(true, T::kWarning, {1}).end().out, C::kBadRequest,
       NkeError::kUnexpectedRecord},
      {"cookie record", Msg{}.request().cookie(8).end().out, C::kBadRequest,
       NkeError::kUnexpectedRecord},
      {"port of 3 octets", Msg{}.request().rec(false, T::kPortNegotiation, hex("000102")).end().out,
       C::kBadRequest},
      {"server name with a space",
       Msg{}.request().rec(false, T::kServerNegotiation, hex("6120 62")).end().out,
       C::kBadRequest},
      {"server name empty", Msg{}.request().rec(false, T::kServerNegotiation).end().out,
       C::kBadRequest},
  };
  for (const auto& c : cases) {
    const auto r = parse_nke_request(c.msg);
    if (!c.code) {
      EXPECT_TRUE(r) << c.name << ": " << (r ? "" : to_string(r.error().reason));
      continue;
    }
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, *c.code) << c.name;
    EXPECT_EQ(r.error().reason, c.reason) << c.name << ": " << to_string(r.error().reason);
  }
}

TEST(NtsKeResponse, Negotiation) {
  const uint16_t supported[] = {kSiv};
  NkeRequest req;
  req.aeads = {kGcmSiv, kSiv};
  auto resp = negotiate_nke(req, supported);
  EXPECT_EQ(resp.protocol, 0);
  EXPECT_EQ(resp.aead, kSiv);
  req.aeads = {kGcmSiv};
  resp = negotiate_nke(req, supported);
  EXPECT_EQ(resp.protocol, 0);
  EXPECT_FALSE(resp.aead);
  EXPECT_EQ(encode_nke_response(resp), hex("8001 0002 0000  8004 0000  8000 0000"));
  req.protocols = {0x7000};
  resp = negotiate_nke(req, supported);
  EXPECT_FALSE(resp.protocol);
  EXPECT_EQ(encode_nke_response(resp), hex("8001 0000  8000 0000"));
  resp.error = NkeErrorCode::kBadRequest;
  EXPECT_EQ(encode_nke_response(resp), hex("8002 0002 0001  8000 0000"));
}

TEST(NtsKeResponse, RoundTrip) {
  NkeResponse r;
  r.protocol = 0;
  r.aead = kSiv;
  r.server = "192.0.2.1";
  r.port = 1123;
  for (uint8_t i = 0; i < 8; ++i) r.cookies.push_back(Vec(100, std::byte{i}));
  const Vec wire = encode_nke_response(r);
  EXPECT_EQ(Vec(wire.begin(), wire.begin() + 18),
            hex("8001 0002 0000  8004 0002 000f  8007 0002 0463"));
  const uint16_t offered[] = {kSiv};
  const auto back = parse_nke_response(wire, offered);
  ASSERT_TRUE(back) << to_string(back.error().reason);
  EXPECT_EQ(back->aead, kSiv);
  EXPECT_EQ(back->server, "192.0.2.1");
  EXPECT_EQ(back->port, 1123);
  EXPECT_EQ(back->cookies, r.cookies);
}

TEST(NtsKeResponse, ClientValidation) {
  struct Case {
    std::string_view name;
    Vec msg;
    std::optional<NkeError> want;  // nullopt: accepted
    size_t cookies = 1;            // when accepted
    uint16_t code = 0;
  };
  Msg nine;
  nine.response();
  for (int i = 0; i < 9; ++i) nine.cookie(64, static_cast<uint8_t>(i));
  const Case cases[] = {
      {"minimal", Msg{}.response().cookie(100).end().out, std::nullopt},
      {"nine cookies: eight kept", nine.end().out, std::nullopt, 8},
      {"odd-sized cookie ignored", Msg{}.response().cookie(5).cookie(8).end().out, std::nullopt},
      {"oversized cookie skipped", Msg{}.response().cookie(260).cookie(8).end().out, std::nullopt},
      {"unknown non-critical", Msg{}.rec(false, 0x2000).response().cookie(8).end().out,
       std::nullopt},
      {"error", Msg{}.u16(true, T::kError, {2}).end().out, NkeError::kServerError, 0, 2},
      {"warning", Msg{}.response().u16(true, T::kWarning, {9}).cookie(8).end().out,
       NkeError::kServerWarning, 0, 9},
      {"empty next protocol", Msg{}.rec(true, T::kNextProtocol).end().out,
       NkeError::kNoCommonProtocol},
      {"unoffered next protocol",
       Msg{}.u16(true, T::kNextProtocol, {1}).u16(true, T::kAeadAlgorithm, {kSiv}).cookie(8)
           .end().out,
       NkeError::kNoCommonProtocol},
      {"two protocols", Msg{}.u16(true, T::kNextProtocol, {0, 1}).end().out,
       NkeError::kNoCommonProtocol},
      {"next protocol not critical",
       Msg{}.u16(false, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kSiv}).cookie(8)
           .end().out,
       NkeError::kBadRecord},
      {"duplicate next protocol", Msg{}.response().u16(true, T::kNextProtocol, {0}).end().out,
       NkeError::kDuplicateRecord},
      {"no AEAD", Msg{}.u16(true, T::kNextProtocol, {0}).cookie(8).end().out,
       NkeError::kMissingRecord},
      {"empty AEAD", Msg{}.u16(true, T::kNextProtocol, {0}).rec(true, T::kAeadAlgorithm).end().out,
       NkeError::kNoCommonAead},
      {"unoffered AEAD",
       Msg{}.u16(true, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kGcmSiv}).cookie(8)
           .end().out,
       NkeError::kNoCommonAead},
      {"two AEADs in one record",
       Msg{}.u16(true, T::kNextProtocol, {0}).u16(true, T::kAeadAlgorithm, {kSiv, kSiv}).end().out,
       NkeError::kBadRecord},
      {"no cookie", Msg{}.response().end().out, NkeError::kNoCookies},
      {"only unusable cookies", Msg{}.response().cookie(2).cookie(0).end().out,
       NkeError::kNoCookies},
      {"unknown critical", Msg{}.response().cookie(8).rec(true, 0x2000).end().out,
       NkeError::kUnrecognizedCritical},
      {"oversized critical", Msg{}.response().cookie(8).rec(true, 0x2000, Vec(300)).end().out,
       NkeError::kBadRecord},
      {"bad port", Msg{}.response().cookie(8).rec(true, T::kPortNegotiation, hex("01")).end().out,
       NkeError::kBadRecord},
      {"bad server name",
       Msg{}.response().cookie(8).rec(true, T::kServerNegotiation, hex("610a")).end().out,
       NkeError::kBadRecord},
      {"no end", Msg{}.response().cookie(8).out, NkeError::kTruncated},
  };
  const uint16_t offered[] = {kSiv};
  for (const auto& c : cases) {
    const auto r = parse_nke_response(c.msg, offered);
    if (!c.want) {
      ASSERT_TRUE(r) << c.name << ": " << to_string(r.error().reason);
      EXPECT_EQ(r->cookies.size(), c.cookies) << c.name;
      continue;
    }
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().reason, *c.want) << c.name << ": " << to_string(r.error().reason);
    EXPECT_EQ(r.error().code, c.code) << c.name;
  }
}

TEST(NtsKe, ExporterContext) {
  const auto c2s = nts_exporter_context(kNextProtocolNtpV4, kSiv, false);
  const auto s2c = nts_exporter_context(kNextProtocolNtpV4, kSiv, true);
  EXPECT_EQ(Vec(c2s.begin(), c2s.end()), hex("0000 000f 00"));
  EXPECT_EQ(Vec(s2c.begin(), s2c.end()), hex("0000 000f 01"));
}

}  // namespace
}  // namespace tempus::core
