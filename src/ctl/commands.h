// SPDX-License-Identifier: ISC
// tempusctl's commands on chrony's command protocol, written against an Ask function so the same
// code runs on the Unix socket (cmdmon_client.h) and in the golden tests (canned replies). Each
// command follows chronyc 4.3's process_cmd_*(): the same requests in the same order, the same
// text for every status, output appended to `out` as chronyc would print it. The result is the
// exit status (0 success, 1 failure, 2 for `status` without a daemon).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chronyc_format.h"
#include "core/chronyc_metrics.h"
#include "core/cmdmon.h"

namespace tempus::ctl {

// One request, one reply: nullopt when the daemon could not be reached or did not answer in
// time (chronyc: "506 Cannot talk to daemon"). The reply is for this request (cmdmon_reply.h).
using Ask = std::function<std::optional<core::cmdmon::Reply>(const core::cmdmon::Request&)>;

struct Session {
  Ask ask;
  core::chronyc::Naming naming;  // -c, -n, -N and the lookups
  bool json = false;             // -j
  std::string out;               // what the command printed (stdout)
  std::string err;               // diagnostics (stderr)
  // Pauses between waitsync's tries (the socket version sleeps; tests record); false when
  // interrupted (SIGINT, SIGTERM): waitsync stops.
  std::function<bool(double seconds)> sleep;
  // Process health for metrics: empty when the control socket did not answer.
  std::function<std::vector<core::chronyc::MetricsInput::Process>()> processes;
  // A name's first address, as chronyc resolves the names given to online, offline, burst,
  // delete and add (which only checks it resolves); empty or nullopt: names are refused.
  std::function<std::optional<core::IpAddress>(const std::string&)> resolve;
};

// Runs `words` (the command and its arguments, as chronyc takes them). Unknown command:
// "Unrecognized command" on err and exit 1.
int run_command(Session& s, const std::vector<std::string>& words);

// chronyc's state-changing commands (state_commands.cc): online, offline, onoffline, burst,
// makestep, local, add, delete, reload sources, rekey, cyclelogs, dump. They print "200 OK" or
// the status text; a syntax error is reported on err as chronyc reports it, with nothing sent.
bool is_state_command(std::string_view name);
int run_state_command(Session& s, const std::vector<std::string>& words);

// Whether `name` is a command run_command knows.
bool is_cmdmon_command(std::string_view name);

// Parses an address as chronyc's parse_source_address does for IP literals and "ID#N".
std::optional<core::cmdmon::Address> parse_address(std::string_view text);

}  // namespace tempus::ctl
