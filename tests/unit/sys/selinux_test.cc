// SPDX-License-Identifier: ISC
// The pure part of the children's SELinux domains: reading and rewriting a context's type, and
// when a child gets a context of its own.
#include "sys/selinux.h"

#include <gtest/gtest.h>

namespace tempus::sys {
namespace {

TEST(SelinuxContext, TypeOfWellFormedContexts) {
  EXPECT_EQ(context_type("system_u:system_r:tempusd_t:s0"), "tempusd_t");
  EXPECT_EQ(context_type("system_u:system_r:tempusd_t"), "tempusd_t");  // no MLS
  EXPECT_EQ(context_type("system_u:system_r:tempusd_t:s0-s0:c0.c1023"), "tempusd_t");
  EXPECT_EQ(context_type("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"),
            "unconfined_t");
}

TEST(SelinuxContext, MalformedContextsHaveNoType) {
  for (const char* bad : {"", "kernel", "a:b", "a:b:", ":b:c", "a::c", "a:b::s0", "a:b:c:",
                          "::", ":::"})
    EXPECT_EQ(context_type(bad), std::nullopt) << bad;
}

TEST(SelinuxContext, ReplacesOnlyTheType) {
  auto c = context_with_type("system_u:system_r:tempusd_t:s0-s0:c0.c1023", "tempusd_net_t");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value(), "system_u:system_r:tempusd_net_t:s0-s0:c0.c1023");
  c = context_with_type("system_u:system_r:tempusd_t", "tempusd_dns_t");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value(), "system_u:system_r:tempusd_dns_t");
}

TEST(SelinuxContext, RefusesBadInput) {
  EXPECT_FALSE(context_with_type("tempusd_t", "tempusd_net_t").ok());
  EXPECT_FALSE(context_with_type("system_u:system_r:tempusd_t:s0", "").ok());
  EXPECT_FALSE(context_with_type("system_u:system_r:tempusd_t:s0", "a:b").ok());
  EXPECT_FALSE(context_with_type("system_u:system_r:tempusd_t:s0", "net t").ok());
}

TEST(SelinuxChildContext, OnlyFromTheParentDomain) {
  SelinuxState st{SelinuxMode::kEnforcing, "system_u:system_r:tempusd_t:s0"};
  auto c = child_exec_context(st, kSelinuxNetType);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value(), "system_u:system_r:tempusd_net_t:s0");
  c = child_exec_context(st, kSelinuxDnsType);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value(), "system_u:system_r:tempusd_dns_t:s0");

  // Started by hand from an admin's shell, or without the module: the children stay put.
  st.context = "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023";
  c = child_exec_context(st, kSelinuxNetType);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), std::nullopt);
  st.context = "system_u:system_r:tempusd_net_t:s0";  // a type that merely starts alike
  c = child_exec_context(st, kSelinuxNetType);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), std::nullopt);
}

TEST(SelinuxChildContext, DisabledSetsNothingEvenWithoutContext) {
  const SelinuxState st{SelinuxMode::kDisabled, ""};
  auto c = child_exec_context(st, kSelinuxNetType);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), std::nullopt);
}

TEST(SelinuxChildContext, UnreadableContextIsAnError) {
  for (auto mode : {SelinuxMode::kPermissive, SelinuxMode::kEnforcing}) {
    const SelinuxState st{mode, ""};
    EXPECT_FALSE(child_exec_context(st, kSelinuxNetType).ok());
  }
}

}  // namespace
}  // namespace tempus::sys
