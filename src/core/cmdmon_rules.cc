// SPDX-License-Identifier: ISC
// The checks on the state-changing commands' parameters (core/cmdmon.h): ADD_SOURCE's source,
// ALLOW..CMDDENYALL's rule, ONLINE/OFFLINE/BURST's address selection.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/cmdmon.h"

namespace tempus::core::cmdmon {

std::string SourceRequest::name_text() const {
  const auto end = std::find(name.begin(), name.end(), uint8_t{0});
  return std::string(name.begin(), end);
}

void SourceRequest::set_name(std::string_view n) {
  name.fill(0);
  const size_t len = std::min(n.size(), name.size() - 1);
  for (size_t i = 0; i < len; ++i) name[i] = static_cast<uint8_t>(n[i]);
}

Status check_source(const SourceRequest& s) {
  if (s.type < SourceRequest::kServer || s.type > SourceRequest::kPool) return Status::kInvalid;
  if (s.name.back() != 0) return Status::kInvalidName;
  const std::string name = s.name_text();
  if (name.empty()) return Status::kInvalidName;
  for (char c : name)
    if (!std::isgraph(static_cast<unsigned char>(c))) return Status::kInvalidName;
  if (s.port > 65535 || s.nts_port > 65535) return Status::kInvalid;
  for (double x : {s.max_delay, s.max_delay_ratio, s.max_delay_dev_ratio, s.min_delay,
                   s.asymmetry, s.offset, s.max_delay_quant})
    if (!std::isfinite(x)) return Status::kInvalid;
  return Status::kSuccess;
}

Result<AccessRule, Status> access_rule(const Request& req) {
  AccessRule rule;
  switch (req.command) {
    case cmd::kAllow: case cmd::kCmdAllow: break;
    case cmd::kAllowAll: case cmd::kCmdAllowAll: rule.all = true; break;
    case cmd::kDeny: case cmd::kCmdDeny: rule.allow = false; break;
    case cmd::kDenyAll: case cmd::kCmdDenyAll: rule.allow = false, rule.all = true; break;
    default: return Unexpected{Status::kInvalid};
  }
  if (!req.address.ip) {
    if (req.address.id != 0) return Unexpected{Status::kBadSubnet};
    return rule;  // every address
  }
  auto subnet = Subnet::make(*req.address.ip, req.subnet_bits);
  if (!subnet) return Unexpected{Status::kBadSubnet};
  rule.subnet = *subnet;
  return rule;
}

bool selects(const Address& mask, const Address& address, const IpAddress& ip) {
  if (!address.ip) return true;
  if (address.ip->family() != ip.family()) return false;
  const bool masked = mask.ip && mask.ip->family() == ip.family();
  for (size_t i = 0; i < 16; ++i) {
    const uint8_t m = masked ? mask.ip->bytes()[i] : 0xff;
    if ((address.ip->bytes()[i] & m) != (ip.bytes()[i] & m)) return false;
  }
  return true;
}

}  // namespace tempus::core::cmdmon
