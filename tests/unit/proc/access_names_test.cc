// SPDX-License-Identifier: ISC
#include "proc/access_names.h"

#include <gtest/gtest.h>

namespace tempus::proc {
namespace {

config::AccessRule rule(bool allow, std::string host_or_subnet, bool all = false) {
  config::AccessRule r;
  r.allow = allow;
  r.all = all;
  if (auto s = core::Subnet::parse(host_or_subnet); s.ok()) {
    r.target = config::AccessRule::Target::kSubnet;
    r.subnet = *s;
  } else {
    r.target = config::AccessRule::Target::kHostName;
    r.host = std::move(host_or_subnet);
  }
  return r;
}

core::IpAddress ip(const char* text) { return *core::IpAddress::parse(text); }

ipc::ResolveReply answer(uint32_t id, std::vector<const char*> addrs) {
  ipc::ResolveReply r;
  r.query_id = id;
  for (const char* a : addrs) {
    const core::IpAddress c = ip(a);
    ipc::IpAddress x;
    if (c.is_v4()) {
      x.family = ipc::AddrFamily::kInet;
      for (int i = 0; i < 4; ++i) x.bytes[static_cast<size_t>(i)] =
          static_cast<uint8_t>(c.v4_value() >> (24 - 8 * i));
    } else {
      x.family = ipc::AddrFamily::kInet6;
      std::copy(c.bytes().begin(), c.bytes().end(), x.bytes.begin());
    }
    r.addresses.push_back(x);
  }
  return r;
}

TEST(AccessNames, NamesTakeTheirRulesPlaceOnceResolved) {
  // allow 192.0.2.0/24, deny bad.example (in it), allow good.example (outside it).
  AccessNames n({rule(true, "192.0.2.0/24"), rule(false, "bad.example"),
                 rule(true, "good.example")});
  const auto q = n.queries();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].second, "bad.example");
  EXPECT_EQ(q[1].second, "good.example");
  EXPECT_TRUE(n.owns(q[0].first));
  EXPECT_FALSE(n.owns(0));
  EXPECT_FALSE(n.owns(AccessNames::kQueryBase));  // rule 0 is a subnet, not a name

  // Before any answer: only the subnet rule.
  EXPECT_TRUE(n.table().allowed(ip("192.0.2.7")));
  EXPECT_FALSE(n.table().allowed(ip("198.51.100.1")));

  EXPECT_TRUE(n.apply(answer(q[0].first, {"192.0.2.7"})));
  EXPECT_TRUE(n.apply(answer(q[1].first, {"198.51.100.1", "2001:db8::1"})));
  EXPECT_FALSE(n.apply(answer(q[1].first, {"198.51.100.1", "2001:db8::1"})));  // unchanged
  const core::AccessTable t = n.table();
  EXPECT_FALSE(t.allowed(ip("192.0.2.7")));   // the /32 deny is more specific
  EXPECT_TRUE(t.allowed(ip("192.0.2.8")));
  EXPECT_TRUE(t.allowed(ip("198.51.100.1")));
  EXPECT_TRUE(t.allowed(ip("2001:db8::1")));
  EXPECT_FALSE(t.allowed(ip("2001:db8::2")));
}

TEST(AccessNames, FailuresCountAndKeepWhatWasKnown) {
  AccessNames n({rule(true, "host.example")});
  const uint32_t id = n.queries().at(0).first;
  ipc::ResolveReply fail;
  fail.query_id = id;
  fail.status = ipc::ResolveStatus::kTempFailure;
  EXPECT_FALSE(n.apply(fail));
  EXPECT_EQ(n.failures(id), 1);
  EXPECT_TRUE(n.apply(answer(id, {"203.0.113.5"})));
  EXPECT_EQ(n.failures(id), 0);
  fail.status = ipc::ResolveStatus::kNotFound;
  EXPECT_FALSE(n.apply(fail));
  EXPECT_EQ(n.failures(id), 1);
  EXPECT_TRUE(n.table().allowed(ip("203.0.113.5")));  // the last answer stays in force
  // A reply for a query id that is not ours changes nothing.
  EXPECT_FALSE(n.apply(answer(id + 7, {"203.0.113.6"})));
  EXPECT_EQ(n.name(id + 7), "");
}

}  // namespace
}  // namespace tempus::proc
