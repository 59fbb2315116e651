// SPDX-License-Identifier: ISC
// tempusctl metrics: the daemon's state in Prometheus' text exposition format (version 0.0.4),
// for node_exporter's textfile collector or a scrape wrapper. Every family has its HELP and
// TYPE lines and the tempus_ prefix; the names are listed in tempusctl(8). Signs are chrony's.
// Whatever could not be asked is left out, except tempus_up, which says whether the daemon
// answered at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cmdmon.h"

namespace tempus::core::chronyc {

struct MetricsInput {
  bool up = false;  // the command socket answered
  std::optional<cmdmon::Tracking> tracking;
  struct Source {
    cmdmon::SourceData data;
    std::optional<cmdmon::SourceStats> stats;
    std::string name;  // the configured name (or the refclock's refid)
  };
  std::vector<Source> sources;
  std::optional<cmdmon::ServerStats> server;
  struct Process {
    std::string role;
    int64_t pid = 0;
    bool readable = false;  // /proc/PID/status could be read
    uint64_t uid = 0, cap_eff = 0;
    int seccomp = 0;  // 0 off, 1 strict, 2 filter
    bool no_new_privs = false;
  };
  std::vector<Process> processes;  // empty: the control socket did not answer
};

std::string metrics(const MetricsInput& in);

}  // namespace tempus::core::chronyc
