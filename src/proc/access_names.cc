// SPDX-License-Identifier: ISC
#include "proc/access_names.h"

#include "proc/net_state.h"

namespace tempus::proc {

AccessNames::AccessNames(const std::vector<config::AccessRule>& rules) {
  for (const auto& r : rules)
    entries_.push_back(Entry{r, r.target == config::AccessRule::Target::kHostName, {}, 0});
}

std::vector<std::pair<uint32_t, std::string>> AccessNames::queries() const {
  std::vector<std::pair<uint32_t, std::string>> out;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].named)
      out.emplace_back(kQueryBase + static_cast<uint32_t>(i), entries_[i].rule.host);
  return out;
}

const AccessNames::Entry* AccessNames::entry(uint32_t query_id) const {
  if (query_id < kQueryBase || query_id - kQueryBase >= entries_.size()) return nullptr;
  const Entry& e = entries_[query_id - kQueryBase];
  return e.named ? &e : nullptr;
}

bool AccessNames::owns(uint32_t query_id) const { return entry(query_id) != nullptr; }

int AccessNames::failures(uint32_t query_id) const {
  const Entry* e = entry(query_id);
  return e ? e->failures : 0;
}

const std::string& AccessNames::name(uint32_t query_id) const {
  static const std::string kNone;
  const Entry* e = entry(query_id);
  return e ? e->rule.host : kNone;
}

bool AccessNames::apply(const ipc::ResolveReply& reply) {
  if (!owns(reply.query_id)) return false;
  Entry& e = entries_[reply.query_id - kQueryBase];
  if (reply.status != ipc::ResolveStatus::kOk) {
    ++e.failures;
    return false;  // what was known stays in force until a new answer
  }
  std::vector<core::IpAddress> addrs;
  for (const auto& a : reply.addresses) addrs.push_back(to_core(a));
  e.failures = 0;
  if (addrs == e.addresses) return false;
  e.addresses = std::move(addrs);
  return true;
}

void AccessNames::add(const core::AccessRule& rule) {
  config::AccessRule r{.allow = rule.allow, .all = rule.all};
  if (rule.subnet) {
    r.target = config::AccessRule::Target::kSubnet;
    r.subnet = *rule.subnet;
  }
  entries_.push_back(Entry{r, false, {}, 0});
}

core::AccessTable AccessNames::table() const {
  std::vector<core::AccessRule> rules;
  for (const Entry& e : entries_) {
    const config::AccessRule& r = e.rule;
    switch (r.target) {
      case config::AccessRule::Target::kAnyAddress:
        rules.push_back({.allow = r.allow, .all = r.all, .subnet = std::nullopt});
        break;
      case config::AccessRule::Target::kSubnet:
        rules.push_back({.allow = r.allow, .all = r.all, .subnet = r.subnet});
        break;
      case config::AccessRule::Target::kHostName:
        for (const auto& a : e.addresses)
          rules.push_back({.allow = r.allow, .all = r.all, .subnet = core::Subnet::host(a)});
        break;
    }
  }
  return core::AccessTable(rules);
}

}  // namespace tempus::proc
