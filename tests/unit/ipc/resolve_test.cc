// SPDX-License-Identifier: ISC
// ResolveRequest/ResolveReply and the hostname check.
#include "ipc/resolve.h"

#include <string>

#include <gtest/gtest.h>

#include "ipc/text.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::decode_bytes;
using testing::hex;
using testing::payload_of;

TEST(Hostname, Accepts) {
  EXPECT_TRUE(is_valid_hostname("pool.ntp.org"));
  EXPECT_TRUE(is_valid_hostname("pool.ntp.org."));
  EXPECT_TRUE(is_valid_hostname("2.rhel.pool.ntp.org"));
  EXPECT_TRUE(is_valid_hostname("time-a_b.example"));
  EXPECT_TRUE(is_valid_hostname("localhost"));
  EXPECT_TRUE(is_valid_hostname("192.0.2.1"));
  EXPECT_TRUE(is_valid_hostname("2001:db8::1"));
  EXPECT_TRUE(is_valid_hostname("::ffff:192.0.2.1"));
  EXPECT_TRUE(is_valid_hostname(std::string(63, 'a') + ".b"));
  // 253 bytes: 63+1+63+1+63+1+61.
  const std::string l63(63, 'a');
  EXPECT_TRUE(is_valid_hostname(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'c')));
}

TEST(Hostname, Rejects) {
  EXPECT_FALSE(is_valid_hostname(""));
  EXPECT_FALSE(is_valid_hostname("."));
  EXPECT_FALSE(is_valid_hostname("a..b"));
  EXPECT_FALSE(is_valid_hostname(".a"));
  EXPECT_FALSE(is_valid_hostname("a.."));
  EXPECT_FALSE(is_valid_hostname("-a.example"));
  EXPECT_FALSE(is_valid_hostname("a-.example"));
  EXPECT_FALSE(is_valid_hostname("a b"));
  EXPECT_FALSE(is_valid_hostname("a/b"));
  EXPECT_FALSE(is_valid_hostname("a\nb"));
  EXPECT_FALSE(is_valid_hostname("caf\xc3\xa9.example"));
  EXPECT_FALSE(is_valid_hostname(std::string(64, 'a') + ".b"));
  const std::string l63(63, 'a');
  EXPECT_FALSE(is_valid_hostname(l63 + "." + l63 + "." + l63 + "." + std::string(62, 'c')));
  EXPECT_FALSE(is_valid_hostname("fe80::1%eth0"));
  EXPECT_FALSE(is_valid_hostname("2001:db8::g"));
  EXPECT_FALSE(is_valid_hostname(":"));
}

TEST(ResolveRequest, WireBytes) {
  EXPECT_EQ(payload_of(ResolveRequest{0x0a0b0c0d, QueryFamily::kInet, "a.b"}),
            hex("0a0b0c0d 01 00 0003 612e62"));
}

TEST(ResolveRequest, Rejects) {
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 03 00 0001 61")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 00 01 0001 61")).error(),
            IpcError::kBadReserved);
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 00 00 0000")).error(), IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 00 00 0002 61")).error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 00 00 0001 6161")).error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<ResolveRequest>(hex("00000001 00 00 0003 612f62")).error(),
            IpcError::kBadHostname);
  EXPECT_EQ(ResolveRequest({1, QueryFamily::kAny, std::string(254, 'a')}).validate().error(),
            IpcError::kBadLength);
}

TEST(ResolveReply, WireBytes) {
  ResolveReply r{7, ResolveStatus::kOk, {}};
  IpAddress a{AddrFamily::kInet, {}};
  a.bytes = {10, 0, 0, 1};
  r.addresses = {a};
  EXPECT_EQ(payload_of(r), hex("00000007 00 01 0000 01 0a000001 000000000000000000000000"));
  EXPECT_EQ(payload_of(ResolveReply{8, ResolveStatus::kTempFailure, {}}), hex("00000008 02 00 0000"));
}

TEST(ResolveReply, StatusAndCountMustAgree) {
  EXPECT_EQ(decode_bytes<ResolveReply>(hex("00000008 00 00 0000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<ResolveReply>(
                hex("00000007 01 01 0000 01 0a000001 000000000000000000000000"))
                .error(),
            IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<ResolveReply>(hex("00000008 03 00 0000")).error(), IpcError::kBadEnum);
}

TEST(ResolveReply, RejectsBadAddresses) {
  // Family 3; IPv4 with non-zero tail; count not matching the bytes present.
  EXPECT_EQ(decode_bytes<ResolveReply>(
                hex("00000007 00 01 0000 03 0a000001 000000000000000000000000"))
                .error(),
            IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<ResolveReply>(
                hex("00000007 00 01 0000 01 0a000001 000000000000000000000001"))
                .error(),
            IpcError::kBadReserved);
  EXPECT_EQ(decode_bytes<ResolveReply>(
                hex("00000007 00 02 0000 01 0a000001 000000000000000000000000"))
                .error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<ResolveReply>(hex("00000007 00 11 0000")).error(),
            IpcError::kTooManyAddresses);
}

TEST(ResolveReply, SixteenAddressesMax) {
  ResolveReply r{1, ResolveStatus::kOk, {}};
  IpAddress a{AddrFamily::kInet6, {}};
  a.bytes[15] = 1;
  r.addresses.assign(ResolveReply::kMaxAddresses, a);
  const auto p = payload_of(r);
  EXPECT_EQ(p.size(), 8 + 17 * 16u);
  auto d = decode_bytes<ResolveReply>(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, r);
  r.addresses.push_back(a);
  EXPECT_EQ(r.validate().error(), IpcError::kTooManyAddresses);
  EXPECT_EQ(decode_bytes<ResolveReply>(payload_of(r)).error(), IpcError::kBadLength);
}

}  // namespace
}  // namespace tempus::ipc
