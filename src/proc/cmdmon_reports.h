// SPDX-License-Identifier: ISC
// The answers of chrony's command protocol (core/cmdmon) from the net process's state: the
// NTP client (Associations), the server (NtpServer, absent when nothing is served) and the
// configured names (NetState). Converts the core's sign conventions to chrony's (core/cmdmon.h).
//
// Implemented: the monitoring commands (tracking, sources, sourcestats, sourcename, activity,
// serverstats, clients, ntpdata, selectdata, authdata, smoothing, rtcdata, manual list).
// Every other known command gets STT_UNAUTH when the client is not privileged (chrony's
// PERMIT_AUTH commands over UDP), else STT_FAILED: changing state over this protocol is not
// implemented yet. Not kept, so reported as chronyd reports a facility that is off: smoothing
// (STT_NOTENABLED), the RTC (STT_NORTC), manual samples (an empty list), authentication (mode
// none), a selection score (0). `clients -r` lists the clients without resetting their
// counters. Sources whose name is not resolved yet are counted by activity, not listed.
#pragma once

#include <cstdint>

#include "core/cmdmon.h"
#include "proc/associations.h"
#include "proc/net_state.h"
#include "proc/ntp_server.h"

namespace tempus::proc {

// Command packets seen on the socket, for serverstats' "Command packets received/dropped".
struct CmdmonCounters {
  uint64_t received = 0;
  uint64_t dropped = 0;
};

class CmdmonReporter {
 public:
  // Any pointer may be null (unit tests; no server): the reports then say so.
  CmdmonReporter(const Associations* assocs, const NtpServer* server, const NetState* names)
      : assocs_(assocs), server_(server), names_(names) {}

  // The reply to a well-formed request. `privileged`: the client may change state (the Unix
  // socket, as in chronyd); otherwise only chrony's open commands are answered.
  core::cmdmon::Reply answer(const core::cmdmon::Request& req, bool privileged,
                             const CmdmonCounters& counters) const;

 private:
  using Reply = core::cmdmon::Reply;
  Reply tracking(const core::cmdmon::Request& req) const;
  Reply source_data(const core::cmdmon::Request& req) const;
  Reply source_stats(const core::cmdmon::Request& req) const;
  Reply select_data(const core::cmdmon::Request& req) const;
  Reply ntp_data(const core::cmdmon::Request& req) const;
  Reply source_name(const core::cmdmon::Request& req) const;
  Reply auth_data(const core::cmdmon::Request& req) const;
  Reply activity(const core::cmdmon::Request& req) const;
  Reply server_stats(const core::cmdmon::Request& req, const CmdmonCounters& c) const;
  Reply clients(const core::cmdmon::Request& req) const;

  std::vector<Associations::SourceReport> reports() const;
  // The NTP source (not a refclock) with this address.
  std::optional<Associations::SourceReport> by_address(const core::cmdmon::Address& a) const;

  const Associations* assocs_;
  const NtpServer* server_;
  const NetState* names_;
};

}  // namespace tempus::proc
