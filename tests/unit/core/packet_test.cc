// SPDX-License-Identifier: ISC
#include "core/packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace tempus::core {
namespace {

using Buf = std::vector<std::byte>;

Header sample_header() {
  Header h;
  h.leap = Leap::kInsert;
  h.version = 4;
  h.mode = Mode::kServer;
  h.stratum = 2;
  h.poll = 6;
  h.precision = -23;
  h.root_delay = ShortFixed::from_wire(0x00000123);
  h.root_dispersion = ShortFixed::from_wire(0x00000456);
  h.ref_id = ref_id_ascii("GPS");
  h.reference_ts = NtpTimestamp::from_parts(0xe0000000, 1);
  h.origin_ts = NtpTimestamp::from_parts(0xe0000001, 2);
  h.receive_ts = NtpTimestamp::from_parts(0xe0000002, 3);
  h.transmit_ts = NtpTimestamp::from_parts(0xe0000003, 4);
  return h;
}

Buf header_bytes(uint8_t version = 4) {
  Buf b;
  ByteWriter w{b};
  Header h = sample_header();
  h.version = version;
  encode_header(h, w);
  return b;
}

void append_ef(Buf& b, uint16_t type, uint16_t len) {
  ByteWriter w{b};
  w.be16(type);
  w.be16(len);
  w.zeros(len >= 4 ? len - 4u : 0u);
}

void append_mac(Buf& b, size_t digest_len) {
  ByteWriter w{b};
  w.be32(7);
  for (size_t i = 0; i < digest_len; ++i) w.u8(static_cast<uint8_t>(0xa0 + i));
}

TEST(Packet, HeaderWireLayout) {
  const Buf b = header_bytes();
  ASSERT_EQ(b.size(), kHeaderLen);
  EXPECT_EQ(b[0], std::byte{0x64});  // LI=1, VN=4, mode=4
  EXPECT_EQ(b[1], std::byte{2});
  EXPECT_EQ(b[2], std::byte{6});
  EXPECT_EQ(b[3], std::byte{0xe9});  // -23
  EXPECT_EQ(b[12], std::byte{'G'});
  EXPECT_EQ(b[15], std::byte{0});
  EXPECT_EQ(b[47], std::byte{4});
}

TEST(Packet, HeaderRoundTrip) {
  const Buf b = header_bytes();
  auto h = decode_header(b);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, sample_header());
  auto p = decode_packet(b);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->extensions().empty());
  EXPECT_FALSE(p->mac.has_value());
}

TEST(Packet, RejectsShort) {
  Buf b = header_bytes();
  b.pop_back();
  EXPECT_EQ(decode_header(b).error(), PacketError::kTooShort);
  EXPECT_EQ(decode_packet(Bytes{}).error(), PacketError::kTooShort);
}

TEST(Packet, RejectsBadVersions) {
  for (int v : {0, 5, 6, 7}) {
    EXPECT_EQ(decode_packet(header_bytes(static_cast<uint8_t>(v))).error(), PacketError::kBadVersion) << int(v);
  }
  for (int v : {1, 2, 3, 4}) EXPECT_TRUE(decode_packet(header_bytes(static_cast<uint8_t>(v))).ok()) << int(v);
}

TEST(Packet, PeekVersionMode) {
  const Buf b = {std::byte{0x1b}};  // client request, v3
  auto vm = peek_version_mode(b);
  ASSERT_TRUE(vm);
  EXPECT_EQ(vm->version, 3);
  EXPECT_EQ(vm->mode, Mode::kClient);
  EXPECT_EQ(peek_version_mode(Buf{std::byte{0x17}})->mode, Mode::kPrivate);
  EXPECT_FALSE(peek_version_mode(Bytes{}));
}

TEST(Packet, MacLengths) {
  for (size_t digest : {16u, 20u}) {
    Buf b = header_bytes();
    append_mac(b, digest);
    auto p = decode_packet(b);
    ASSERT_TRUE(p.ok()) << digest;
    ASSERT_TRUE(p->mac);
    EXPECT_EQ(p->mac->key_id, 7u);
    EXPECT_EQ(p->mac->digest.size(), digest);
    EXPECT_EQ(p->mac->digest[0], std::byte{0xa0});
  }
  // Long legacy digests (SHA-256/512 keys) with no extension fields.
  for (size_t digest : {32u, 64u}) {
    Buf b = header_bytes();
    append_mac(b, digest);
    auto p = decode_packet(b);
    ASSERT_TRUE(p.ok()) << digest;
    EXPECT_EQ(p->mac->digest.size(), digest);
  }
  Buf too_long = header_bytes();
  append_mac(too_long, 68);
  EXPECT_FALSE(decode_packet(too_long).ok());
}

TEST(Packet, ExtensionFieldsAndMac) {
  Buf b = header_bytes();
  append_ef(b, 0x0104, 36);
  append_ef(b, 0x0204, 16);
  append_mac(b, 20);
  auto p = decode_packet(b);
  ASSERT_TRUE(p.ok()) << to_string(p.error());
  ASSERT_EQ(p->extensions().size(), 2u);
  EXPECT_EQ(p->extensions()[0].type, 0x0104);
  EXPECT_EQ(p->extensions()[0].value.size(), 32u);
  EXPECT_EQ(p->extensions()[1].value.size(), 12u);
  ASSERT_TRUE(p->mac);
  EXPECT_EQ(p->mac->digest.size(), 20u);
}

TEST(Packet, LastExtensionWithoutMac) {
  Buf ok = header_bytes();
  append_ef(ok, 0x0104, 16);
  append_ef(ok, 0x0404, 28);
  auto p = decode_packet(ok);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->extensions().size(), 2u);
  EXPECT_FALSE(p->mac);

  Buf short_last = header_bytes();
  append_ef(short_last, 0x0104, 32);
  append_ef(short_last, 0x0404, 16);
  EXPECT_EQ(decode_packet(short_last).error(), PacketError::kLastExtensionTooShort);

  // A lone 24-octet field cannot be told from a MAC: RFC 7822 says it is a MAC.
  Buf ambiguous = header_bytes();
  append_ef(ambiguous, 0x0104, 24);
  auto q = decode_packet(ambiguous);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->extensions().empty());
  EXPECT_EQ(q->mac->key_id, 0x01040018u);
}

TEST(Packet, RejectsBadExtensionLengths) {
  for (int len : {0, 4, 12, 30, 33}) {
    Buf b = header_bytes();
    append_ef(b, 0x0104, 40);
    ByteWriter w{b};
    w.be16(0x0204);
    w.be16(static_cast<uint16_t>(len));
    w.zeros(28);  // 32 octets follow the first field
    EXPECT_EQ(decode_packet(b).error(), PacketError::kBadExtensionLength) << len;
  }
  Buf past_end = header_bytes();
  ByteWriter w{past_end};
  w.be16(0x0104);
  w.be16(64);
  w.zeros(28);
  // 32 octets claiming 64: not an extension field, but exactly a key id + SHA-256 digest.
  EXPECT_TRUE(decode_packet(past_end)->mac.has_value());
  w.zeros(6);  // 38 octets: neither
  EXPECT_EQ(decode_packet(past_end).error(), PacketError::kBadExtensionLength);
}

TEST(Packet, RejectsTruncatedTail) {
  for (size_t extra : {1u, 4u, 12u, 15u}) {
    Buf b = header_bytes();
    b.resize(b.size() + extra, std::byte{1});  // four zero octets would be a crypto-NAK
    EXPECT_EQ(decode_packet(b).error(), PacketError::kTruncated) << extra;
  }
  Buf after_ef = header_bytes();
  append_ef(after_ef, 0x0104, 28);
  after_ef.resize(after_ef.size() + 8);
  EXPECT_EQ(decode_packet(after_ef).error(), PacketError::kTruncated);
}

TEST(Packet, NoExtensionFieldsBeforeV4) {
  // Before NTPv4 a tail is a MAC or nothing: 72 octets is longer than any MAC.
  Buf b = header_bytes(3);
  append_ef(b, 0x0104, 72);
  EXPECT_EQ(decode_packet(b).error(), PacketError::kTruncated);
  // 40 octets could be a legacy MAC: it is taken as one.
  Buf mac40 = header_bytes(3);
  append_ef(mac40, 0x0104, 40);
  EXPECT_TRUE(decode_packet(mac40)->mac.has_value());
  Buf mac = header_bytes(3);
  append_mac(mac, 16);
  EXPECT_TRUE(decode_packet(mac).ok());
}

TEST(Packet, TooManyExtensions) {
  Buf b = header_bytes();
  for (size_t i = 0; i < kMaxExtensionFields; ++i) append_ef(b, 0x0104, 16);
  append_ef(b, 0x0104, 28);
  EXPECT_EQ(decode_packet(b).error(), PacketError::kTooManyExtensions);
}

TEST(Packet, EncodeExtensionPads) {
  Buf b;
  ByteWriter w{b};
  const std::byte five[5] = {};
  encode_extension(0x0304, five, w);
  EXPECT_EQ(b.size(), 16u);  // 4 + 5 → 12 → raised to the 16 minimum
  encode_extension(0x0304, five, w, kMinLastExtensionLen);
  EXPECT_EQ(b.size(), 16u + 28u);
  const std::byte thirty[30] = {};
  encode_extension(0x0304, thirty, w);
  EXPECT_EQ(b.size(), 16u + 28u + 36u);
  ByteReader r{b};
  r.skip(16);
  EXPECT_EQ(r.be16(), 0x0304);
  EXPECT_EQ(r.be16(), 28);
}

TEST(Packet, DecodeEncodeIsExact) {
  Buf b = header_bytes();
  append_ef(b, 0x0104, 36);
  append_ef(b, 0x0404, 40);
  append_mac(b, 16);
  auto p = decode_packet(b);
  ASSERT_TRUE(p.ok());
  Buf again;
  ByteWriter w{again};
  encode_packet(*p, w);
  EXPECT_EQ(again, b);
}

}  // namespace
}  // namespace tempus::core
