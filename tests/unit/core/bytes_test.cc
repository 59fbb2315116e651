// SPDX-License-Identifier: ISC
#include "core/bytes.h"

#include <gtest/gtest.h>

#include <array>

namespace tempus::core {
namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(std::byte(b));
  return out;
}

TEST(ByteReader, ReadsBigEndian) {
  const auto in = bytes_of({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                            0x0c, 0x0d, 0x0e, 0x0f});
  ByteReader r{in};
  EXPECT_EQ(r.u8(), 0x01);
  EXPECT_EQ(r.be16(), 0x0203);
  EXPECT_EQ(r.be32(), 0x04050607u);
  EXPECT_EQ(r.be64(), 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, OverrunIsStickyAndConsumesNothing) {
  const auto in = bytes_of({0xaa, 0xbb, 0xcc});
  ByteReader r{in};
  EXPECT_EQ(r.be32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.remaining(), 3u);
  // Once failed, even reads that would fit return zero.
  EXPECT_EQ(r.u8(), 0u);
  EXPECT_TRUE(r.bytes(1).empty());
  EXPECT_FALSE(r.ok());
}

TEST(ByteReader, BytesAndSkipAtExactBoundary) {
  const auto in = bytes_of({1, 2, 3, 4});
  ByteReader r{in};
  auto b = r.bytes(3);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2], std::byte{3});
  EXPECT_TRUE(r.has(1));
  EXPECT_FALSE(r.has(2));
  r.skip(1);
  EXPECT_TRUE(r.ok());
  r.skip(1);
  EXPECT_FALSE(r.ok());
}

TEST(ByteReader, EmptyInput) {
  ByteReader r{Bytes{}};
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.be64(), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(ByteWriter, WritesBigEndianAndPatches) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  w.u8(0x11);
  w.be16(0x2233);
  w.be32(0x44556677);
  w.be64(0x8899aabbccddeeffULL);
  w.zeros(2);
  EXPECT_EQ(out, bytes_of({0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                           0xcc, 0xdd, 0xee, 0xff, 0, 0}));
  w.patch16(15, 0xbeef);
  w.patch32(0, 0x01020304);
  EXPECT_EQ(out[0], std::byte{0x01});
  EXPECT_EQ(out[3], std::byte{0x04});
  EXPECT_EQ(out[15], std::byte{0xbe});
  EXPECT_EQ(out[16], std::byte{0xef});
  EXPECT_EQ(w.size(), 17u);
}

TEST(ByteWriter, RoundTripsThroughReader) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  w.be32(0xdeadbeef);
  w.bytes(as_bytes("ntp"));
  ByteReader r{out};
  EXPECT_EQ(r.be32(), 0xdeadbeefu);
  auto s = r.bytes(3);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(s.data()), s.size()), "ntp");
  EXPECT_TRUE(r.ok() && r.empty());
}

}  // namespace
}  // namespace tempus::core
