// SPDX-License-Identifier: ISC
#include "crypto/refid.h"

#include <gtest/gtest.h>

namespace tempus::crypto {
namespace {

TEST(RefId, Ipv4IsTheAddress) {
  EXPECT_EQ(ref_id_of(*core::IpAddress::parse("192.0.2.1")), 0xc0000201u);
}

TEST(RefId, Ipv6IsTheFirstFourOctetsOfMd5) {
  ASSERT_TRUE(init_refid());
  // MD5 of the 16 bytes of ::1 (00…01) is cf404dc8…; of 2001:db8:: (20010db8 00…) 0f89e00e….
  EXPECT_EQ(ref_id_of(*core::IpAddress::parse("::1")), 0xcf404dc8u);
  EXPECT_EQ(ref_id_of(*core::IpAddress::parse("2001:db8::")), 0x0f89e00eu);
  EXPECT_NE(ref_id_of(*core::IpAddress::parse("2001:db8::")),
            ref_id_of(*core::IpAddress::parse("2001:db8::1")));
}

}  // namespace
}  // namespace tempus::crypto
