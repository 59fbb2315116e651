// SPDX-License-Identifier: ISC
#include "proc/net_state.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tempus_build.h"

namespace tempus::proc {

namespace {

const char* resolve_name(SourceEntry::Resolve r) {
  switch (r) {
    case SourceEntry::Resolve::kLiteral: return "literal";
    case SourceEntry::Resolve::kPending: return "pending";
    case SourceEntry::Resolve::kOk: return "ok";
    case SourceEntry::Resolve::kNotFound: return "not_found";
    case SourceEntry::Resolve::kTempFailure: return "temporary_failure";
  }
  return "unknown";
}

}  // namespace

core::IpAddress to_core(const ipc::IpAddress& a) {
  if (a.family == ipc::AddrFamily::kInet) {
    return core::IpAddress::v4(uint32_t{a.bytes[0]} << 24 | uint32_t{a.bytes[1]} << 16 |
                               uint32_t{a.bytes[2]} << 8 | a.bytes[3]);
  }
  return core::IpAddress::v6(a.bytes);
}

NetState::NetState(const config::Config& cfg, bool no_adjust, core::Timestamp started)
    : no_adjust_(no_adjust), started_(started) {
  for (const auto& s : cfg.sources) add(s);
  for (const auto& s : cfg.sourcedir_sources) add(s);
}

size_t NetState::add(const config::NtpSource& s) {
  SourceEntry e;
  e.name = s.host;
  e.kind = s.kind;
  e.port = s.port;
  if (s.address) {
    e.resolve = SourceEntry::Resolve::kLiteral;
    e.addresses.push_back(*s.address);
  }
  sources_.push_back(std::move(e));
  return sources_.size() - 1;
}

core::Duration resolve_retry_delay(int failures) {
  core::Duration d = kFirstResolveRetry;
  for (int i = 1; i < failures && d < kMaxResolveRetry; ++i) d = d * 2;
  return std::min(d, kMaxResolveRetry);
}

void NetState::begin_resolve_again(size_t index) {
  if (index < sources_.size() && sources_[index].resolve == SourceEntry::Resolve::kOk)
    sources_[index].resolve = SourceEntry::Resolve::kPending;
}

bool NetState::apply_reply(size_t index, const ipc::ResolveReply& reply) {
  if (index >= sources_.size()) return false;
  SourceEntry& e = sources_[index];
  if (e.resolve == SourceEntry::Resolve::kLiteral || e.resolve == SourceEntry::Resolve::kOk)
    return false;
  e.addresses.clear();
  switch (reply.status) {
    case ipc::ResolveStatus::kOk:
      e.resolve = SourceEntry::Resolve::kOk;
      for (const auto& a : reply.addresses) e.addresses.push_back(to_core(a));
      break;
    case ipc::ResolveStatus::kNotFound:
      e.resolve = SourceEntry::Resolve::kNotFound;
      ++e.failures;
      break;
    case ipc::ResolveStatus::kTempFailure:
      e.resolve = SourceEntry::Resolve::kTempFailure;
      ++e.failures;
      break;
  }
  return true;
}

std::string NetState::handle_request(const std::string& request, core::Timestamp now) const {
  if (request == "state") return state_json(now);
  return nlohmann::json{{"error", "unknown request"}}.dump();
}

std::string NetState::state_json(core::Timestamp now) const {
  nlohmann::json j;
  j["daemon"] = "tempusd";
  j["version"] = TEMPUS_VERSION;
  j["no_adjust"] = no_adjust_;
  j["synchronised"] = synchronised();
  j["uptime_s"] = (now - started_).count_ns() / core::kNsPerSec;
  j["processes"] = nlohmann::json::array({
      {{"role", "parent"}, {"pid", parent_pid_}},
      {{"role", "net"}, {"pid", net_pid_}},
      {{"role", "dns"}, {"pid", dns_pid_}},
  });
  auto sources = nlohmann::json::array();
  for (const auto& s : sources_) {
    auto addrs = nlohmann::json::array();
    for (const auto& a : s.addresses) addrs.push_back(a.to_string());
    sources.push_back({{"name", s.name},
                       {"kind", config::to_string(s.kind)},
                       {"port", s.port},
                       {"resolve", resolve_name(s.resolve)},
                       {"addresses", addrs}});
  }
  j["names"] = sources;
  j["sources"] = assocs_ ? assocs_->sources_json() : nlohmann::json::array();
  if (assocs_) j["tracking"] = assocs_->tracking_json();
  if (server_) j["server"] = server_->stats_json();
  return j.dump();
}

}  // namespace tempus::proc
