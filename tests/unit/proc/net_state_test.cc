// SPDX-License-Identifier: ISC
#include "proc/net_state.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tempus::proc {
namespace {

config::Config two_sources() {
  config::Config cfg;
  config::NtpSource a;
  a.host = "ntp.example";
  a.kind = config::SourceKind::kPool;
  config::NtpSource b;
  b.host = "192.0.2.7";
  b.address = core::IpAddress::parse("192.0.2.7").value();
  b.port = 11123;
  cfg.sources = {a, b};
  return cfg;
}

TEST(NetState, SourcesStartPendingOrLiteral) {
  NetState st(two_sources(), true, core::Timestamp::from_unix(100, 0));
  ASSERT_EQ(st.sources().size(), 2u);
  EXPECT_EQ(st.sources()[0].resolve, SourceEntry::Resolve::kPending);
  EXPECT_EQ(st.sources()[1].resolve, SourceEntry::Resolve::kLiteral);
  EXPECT_EQ(st.sources()[1].addresses.at(0).to_string(), "192.0.2.7");
}

TEST(NetState, AppliesResolveReplies) {
  NetState st(two_sources(), true, core::Timestamp::from_unix(100, 0));
  ipc::ResolveReply r{0, ipc::ResolveStatus::kOk, {}};
  ipc::IpAddress v4{ipc::AddrFamily::kInet, {}};
  v4.bytes = {127, 0, 0, 1};
  ipc::IpAddress v6{ipc::AddrFamily::kInet6, {}};
  v6.bytes[15] = 1;
  r.addresses = {v4, v6};
  EXPECT_TRUE(st.apply_reply(0, r));
  EXPECT_EQ(st.sources()[0].resolve, SourceEntry::Resolve::kOk);
  ASSERT_EQ(st.sources()[0].addresses.size(), 2u);
  EXPECT_EQ(st.sources()[0].addresses[1].to_string(), "::1");
  EXPECT_FALSE(st.apply_reply(7, r));
  // Once resolved, a name is not resolved again: a late reply is refused, addresses stay.
  EXPECT_FALSE(st.apply_reply(0, ipc::ResolveReply{0, ipc::ResolveStatus::kTempFailure, {}}));
  EXPECT_EQ(st.sources()[0].resolve, SourceEntry::Resolve::kOk);
  EXPECT_EQ(st.sources()[0].addresses.size(), 2u);
}

TEST(NetState, FailedNamesAreRetriedWithBackoff) {
  NetState st(two_sources(), true, core::Timestamp::from_unix(100, 0));
  EXPECT_TRUE(st.apply_reply(0, ipc::ResolveReply{0, ipc::ResolveStatus::kTempFailure, {}}));
  EXPECT_EQ(st.sources()[0].failures, 1);
  EXPECT_EQ(resolve_retry_delay(1), core::Duration::s(8));
  EXPECT_EQ(resolve_retry_delay(2), core::Duration::s(16));
  EXPECT_EQ(resolve_retry_delay(10), core::Duration::s(3600));
  EXPECT_EQ(resolve_retry_delay(1000), core::Duration::s(3600));
  // A literal address and an already resolved name take no reply.
  EXPECT_FALSE(st.apply_reply(1, ipc::ResolveReply{1, ipc::ResolveStatus::kNotFound, {}}));
  ipc::ResolveReply ok{0, ipc::ResolveStatus::kOk, {ipc::IpAddress{ipc::AddrFamily::kInet, {}}}};
  EXPECT_TRUE(st.apply_reply(0, ok));
  EXPECT_FALSE(st.apply_reply(0, ok));
}

TEST(NetState, StateAndStatusJson) {
  NetState st(two_sources(), true, core::Timestamp::from_unix(100, 0));
  st.set_pids(10, 11, 12);
  auto j = nlohmann::json::parse(st.handle_request("state", core::Timestamp::from_unix(160, 0)));
  EXPECT_EQ(j["uptime_s"], 60);
  EXPECT_EQ(j["no_adjust"], true);
  EXPECT_EQ(j["synchronised"], false);
  EXPECT_EQ(j["processes"][2]["role"], "dns");
  EXPECT_EQ(j["processes"][2]["pid"], 12);
  EXPECT_EQ(j["names"][0]["kind"], "pool");
  EXPECT_EQ(j["names"][0]["resolve"], "pending");
  EXPECT_EQ(j["names"][1]["port"], 11123);
  EXPECT_TRUE(j["sources"].empty());
  auto s = nlohmann::json::parse(st.handle_request("status", core::Timestamp::from_unix(160, 0)));
  EXPECT_EQ(s["error"], "unknown request");  // status moved to chrony's protocol
  auto e = nlohmann::json::parse(st.handle_request("frob", core::Timestamp{}));
  EXPECT_EQ(e["error"], "unknown request");
}

}  // namespace
}  // namespace tempus::proc
