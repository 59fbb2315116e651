// SPDX-License-Identifier: ISC
// allow/deny rules that name a host. chronyd resolves such a name once, when it reads the
// configuration; here the dns process does it, after the sandbox is up, so the net process
// starts serving by the other rules at once and puts a name's addresses (each a /32 or /128
// rule, in the named rule's place and with its allow/deny and `all`) into the access table as
// soon as they arrive. Until then the name's rule is absent: an `allow NAME` admits nobody yet,
// a `deny NAME` denies nobody yet (both are logged). A name that fails is asked again with the
// sources' backoff (net_state.h resolve_retry_delay). No syscalls here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "core/ip.h"
#include "core/server.h"
#include "ipc/resolve.h"

namespace tempus::proc {

class AccessNames {
 public:
  // Query ids of these names start here; source names use their index (far below).
  static constexpr uint32_t kQueryBase = 0x40000000;

  explicit AccessNames(const std::vector<config::AccessRule>& rules);

  // (query id, name) of every rule that names a host.
  std::vector<std::pair<uint32_t, std::string>> queries() const;
  bool owns(uint32_t query_id) const;
  // A dns answer for one of queries(): true when the table changed. `failures` counts the
  // failed attempts of that name so far (for the retry delay), 0 after a success.
  bool apply(const ipc::ResolveReply& reply);
  int failures(uint32_t query_id) const;
  const std::string& name(uint32_t query_id) const;

  // A rule added after the configured ones (chronyc allow/deny); never a host name.
  void add(const core::AccessRule& rule);

  // The access table of the rules, names replaced by their addresses once known.
  core::AccessTable table() const;

 private:
  struct Entry {
    config::AccessRule rule;
    bool named = false;
    std::vector<core::IpAddress> addresses;  // empty until resolved
    int failures = 0;
  };
  const Entry* entry(uint32_t query_id) const;
  std::vector<Entry> entries_;
};

}  // namespace tempus::proc
