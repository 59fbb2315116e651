// SPDX-License-Identifier: ISC
// What net reports on its control socket, kept apart from the event plumbing so it can be
// unit-tested: the configured source names with their resolution state ("names"), the process
// ids, and from the NTP client the polled sources ("sources"), "tracking" and the ntpstat
// summary ("status"). Replies are JSON (nlohmann::json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "core/ip.h"
#include "core/time.h"
#include "ipc/resolve.h"
#include "proc/associations.h"
#include "proc/ntp_server.h"

namespace tempus::proc {

struct SourceEntry {
  std::string name;
  config::SourceKind kind = config::SourceKind::kServer;
  uint16_t port = 123;
  enum class Resolve { kLiteral, kPending, kOk, kNotFound, kTempFailure } resolve = Resolve::kPending;
  std::vector<core::IpAddress> addresses;
  int failures = 0;  // resolution attempts that failed so far
};

// Backoff between attempts to resolve a name that failed: 8 s, doubling, at most 1 hour, so the
// daemon starts and serves while names do not resolve and picks them up when DNS comes back.
inline constexpr core::Duration kFirstResolveRetry = core::Duration::s(8);
inline constexpr core::Duration kMaxResolveRetry = core::Duration::s(3600);
core::Duration resolve_retry_delay(int failures);

class NetState {
 public:
  NetState(const config::Config& cfg, bool no_adjust, core::Timestamp started);

  // Appends the entry of a configured source (literal address or name to resolve); its index.
  size_t add(const config::NtpSource& s);
  std::vector<SourceEntry>& sources() { return sources_; }
  const std::vector<SourceEntry>& sources() const { return sources_; }
  // Applies a dns reply to the source with index `index`; false if there is no such source or
  // it is not waiting for one (a literal address, or already resolved).
  bool apply_reply(size_t index, const ipc::ResolveReply& reply);
  // A pool member was dropped: the name is resolved again (its entry waits for a reply).
  void begin_resolve_again(size_t index);

  void set_pids(uint32_t parent, uint32_t net, uint32_t dns) {
    parent_pid_ = parent, net_pid_ = net, dns_pid_ = dns;
  }
  void set_dns_pid(uint32_t dns) { dns_pid_ = dns; }
  // The NTP client (absent only in unit tests of the name handling).
  void set_associations(const Associations* a) { assocs_ = a; }
  void set_server(const NtpServer* s) { server_ = s; }
  bool synchronised() const { return assocs_ && assocs_->synchronised(); }

  // Request dispatcher of the control socket: "state"; anything else → an error reply
  // (tempusctl's status asks chrony's protocol now).
  std::string handle_request(const std::string& request, core::Timestamp now) const;

 private:
  std::string state_json(core::Timestamp now) const;

  std::vector<SourceEntry> sources_;
  bool no_adjust_;
  core::Timestamp started_;
  uint32_t parent_pid_ = 0, net_pid_ = 0, dns_pid_ = 0;
  const Associations* assocs_ = nullptr;
  const NtpServer* server_ = nullptr;
};

core::IpAddress to_core(const ipc::IpAddress& a);

}  // namespace tempus::proc
