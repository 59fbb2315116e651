// SPDX-License-Identifier: ISC
// The net role: the sandboxed NTP engine (design.md §2). It owns the network and control sockets,
// asks dns for names, and asks the parent for every clock change. This release: control socket
// (status, state), name resolution of the configured sources; the NTP client and server land next.
#pragma once

#include "config/model.h"
#include "proc/options.h"

namespace tempus::proc {

// Runs until the parent says Shutdown (exit 0) or the parent channel fails (exit 1).
int run_net(const Options& opts, const config::Config& cfg);

}  // namespace tempus::proc
