// SPDX-License-Identifier: ISC
// The answers of chrony's command protocol (core/cmdmon) from the net process's state: the
// NTP client (Associations), the server (NtpServer, absent when nothing is served) and the
// configured names (NetState). Converts the core's sign conventions to chrony's (core/cmdmon.h).
//
// Implemented: the monitoring commands (tracking, sources, sourcestats, sourcename, activity,
// serverstats, clients, ntpdata, selectdata, authdata, smoothing, rtcdata, manual list), and
// for a privileged client the state-changing ones through CmdmonControl: online, offline,
// onoffline, burst, makestep, add server/pool/peer, delete, reload sources, local. Any command
// but chrony's open ones gets STT_UNAUTH when the client is not privileged (chrony's
// PERMIT_AUTH commands over UDP). Not kept, so answered as chronyd answers with the facility
// off: smoothing and smoothtime (STT_NOTENABLED), rtcdata, writertc and trimrtc (STT_NORTC),
// manual samples (an empty list; settime STT_NOTENABLED, manual delete STT_BADSAMPLE, `manual
// off|reset` done, `manual on` STT_FAILED), authentication (mode none), a selection score (0);
// dump has nothing to do (no dump directory) and succeeds; cyclelogs reopens the statistics
// logs and rekey re-reads the key file, both through CmdmonControl. The rest (allow/deny,
// cmdallow/cmddeny, accheck, modify *, makestep with arguments, dfreq, doffset, reselect, refresh, reset sources, shutdown) get STT_FAILED.
// `clients -r` lists the clients without resetting their counters. Sources whose name is not
// resolved yet are counted by activity, not listed.
#pragma once

#include <cstdint>

#include "config/model.h"
#include "core/cmdmon.h"
#include "proc/associations.h"
#include "proc/net_state.h"
#include "proc/ntp_server.h"

namespace tempus::proc {

// What the state-changing commands do, implemented by the net process (proc/net.cc). Each
// returns chrony's status for the request.
class CmdmonControl {
 public:
  virtual ~CmdmonControl() = default;
  // online/offline/onoffline and burst on the sources the request selects
  // (core::cmdmon::selects); kNoSuchSource when it selects none (onoffline: never).
  virtual core::cmdmon::Status set_connectivity(const core::cmdmon::Request& req,
                                                Associations::Connectivity c) = 0;
  virtual core::cmdmon::Status burst(const core::cmdmon::Request& req) = 0;
  // kFailed when the parent's step bounds refuse a step now.
  virtual core::cmdmon::Status make_step() = 0;
  // A source checked with core::cmdmon::check_source.
  virtual core::cmdmon::Status add_source(const core::cmdmon::SourceRequest& s) = 0;
  virtual core::cmdmon::Status delete_source(const core::IpAddress& address) = 0;
  virtual core::cmdmon::Status reload_sources() = 0;
  virtual core::cmdmon::Status set_local(const core::cmdmon::Request::Local& local) = 0;
  // Re-reads the key file (kFailed when it cannot be read; the old keys stay).
  virtual core::cmdmon::Status rekey() = 0;
  // allow/deny [all] (NTP clients) or cmdallow/cmddeny [all] (the command port), a rule added
  // after the configured ones (core::cmdmon::access_rule checked it).
  virtual core::cmdmon::Status add_access(bool command_port, const core::AccessRule& rule) = 0;
  // accheck/cmdaccheck: kAccessAllowed or kAccessDenied.
  virtual core::cmdmon::Status check_access(bool command_port, const core::IpAddress& ip) = 0;
  virtual core::cmdmon::Status reselect() = 0;
  virtual core::cmdmon::Status reset_sources() = 0;
  // refresh: every source given by name is resolved again.
  virtual core::cmdmon::Status refresh() = 0;
  // shutdown: the daemon ends as on SIGTERM (the reply goes out first).
  virtual core::cmdmon::Status shutdown() = 0;
  // Reopens the statistics log files (logdir); succeeds when there are none.
  virtual core::cmdmon::Status cycle_logs() = 0;
};

// The configured source an ADD_SOURCE request asks for (check_source() passed), with chronyd's
// clamps: minpoll and maxpoll below -6 take the defaults, above 24 become 24, maxpoll is at
// least minpoll; polltarget ≥ 1; version 1..4 or automatic; maxsources 1..16; minsamples,
// maxsamples and presend unset when out of range; delays and ratios within 0..1000 s (10^6).
config::NtpSource source_from_request(const core::cmdmon::SourceRequest& r);

// Command packets seen on the socket, for serverstats' "Command packets received/dropped".
struct CmdmonCounters {
  uint64_t received = 0;
  uint64_t dropped = 0;
};

class CmdmonReporter {
 public:
  // Any pointer may be null (unit tests; no server): the reports then say so.
  CmdmonReporter(const Associations* assocs, const NtpServer* server, const NetState* names,
                 CmdmonControl* control = nullptr)
      : assocs_(assocs), server_(server), names_(names), control_(control) {}

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
  // The state-changing commands (privileged clients only).
  Reply change(const core::cmdmon::Request& req) const;

  std::vector<Associations::SourceReport> reports() const;
  // The NTP source (not a refclock) with this address.
  std::optional<Associations::SourceReport> by_address(const core::cmdmon::Address& a) const;

  const Associations* assocs_;
  const NtpServer* server_;
  const NetState* names_;
  CmdmonControl* control_;
};

}  // namespace tempus::proc
