// SPDX-License-Identifier: ISC
// chronyc's state-changing commands on the associations (associations.h).
#include "proc/associations.h"
#include "proc/associations_internal.h"
#include "sys/log.h"
#include "sys/udp.h"

namespace tempus::proc {

namespace {

constexpr auto is_ntp = [](const auto& a) { return !a.refclock && !a.dropped; };

}  // namespace

bool Associations::polls(const core::IpAddress& address, std::optional<uint16_t> port) const {
  for (const auto& a : assocs_)
    if (is_ntp(*a) && a->address == address && (!port || a->port == *port)) return true;
  return false;
}

bool Associations::set_connectivity(const Selector& select, Connectivity c) {
  bool any = false;
  for (auto& a : assocs_) {
    if (!is_ntp(*a) || !select(a->address)) continue;
    any = true;
    bool online = c == Connectivity::kOnline;
    // chrony's SRC_MAYBE_ONLINE: online when the kernel has a route to the source.
    if (c == Connectivity::kMaybe) online = sys::open_client_socket({a->address, a->port}).ok();
    if (online == !a->offline) continue;
    a->offline = !online;
    sys::logf(sys::Severity::kInfo, "Source %s %s", a->address.to_string().c_str(),
              online ? "online" : "offline");
    if (online) {
      engine_.on_online(a->id);
      a->timer.add(core::Duration::ns(0));
    } else if (!engine_.in_burst(a->id)) {
      a->timer.del();
    }
  }
  return any;
}

bool Associations::burst(const Selector& select, int good, int total) {
  bool any = false;
  for (auto& a : assocs_) {
    if (!is_ntp(*a) || !select(a->address)) continue;
    any = true;
    if (a->peer || engine_.in_burst(a->id)) continue;
    engine_.burst(a->id, good, total);
    // The first request goes out soon (chrony's initial timeout), then at the burst spacing.
    if (engine_.in_burst(a->id)) a->timer.add(core::Duration::ms(200));
  }
  return any;
}

bool Associations::remove(const core::IpAddress& address) {
  bool any = false;
  for (auto& a : assocs_) {
    if (!is_ntp(*a) || a->address != address) continue;
    a->dropped = a->deleted = true;
    a->timer.del();
    any = true;
    sys::logf(sys::Severity::kInfo, "Source %s removed", address.to_string().c_str());
  }
  if (any) reaper_.add(core::Duration::ns(0));
  return any;
}

void Associations::remove_origin(size_t origin) {
  for (auto& a : assocs_) {
    if (!is_ntp(*a) || a->origin != origin) continue;
    a->dropped = a->deleted = true;
    a->timer.del();
    sys::logf(sys::Severity::kInfo, "Source %s removed", a->address.to_string().c_str());
  }
  reaper_.add(core::Duration::ns(0));
}

bool Associations::make_step() {
  const auto cmds = engine_.make_step(clock_.now());
  execute(cmds);
  return !cmds.empty();
}

void Associations::reselect() { execute(engine_.reselect(clock_.now())); }

void Associations::reset_sources() { execute(engine_.reset_sources(clock_.now())); }

Associations::Activity Associations::activity() const {
  Activity n;
  for (const auto& a : assocs_) {
    if (!is_ntp(*a)) continue;
    const bool burst = engine_.in_burst(a->id);
    if (a->offline) ++(burst ? n.burst_offline : n.offline);
    else ++(burst ? n.burst_online : n.online);
  }
  return n;
}

}  // namespace tempus::proc
