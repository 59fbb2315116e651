// SPDX-License-Identifier: ISC
// The net role: the sandboxed NTP engine (design.md §2). It owns the network and control sockets,
// asks dns for names, and asks the parent for every clock change. This release: control socket
// (status, state), name resolution of the configured sources; the NTP client and server land next.
#pragma once

#include <vector>

#include "config/model.h"
#include "core/ip.h"
#include "proc/associations.h"
#include "proc/options.h"

namespace tempus::proc {

// Starts the NTP client on a resolved entry: a server or peer uses its first address, a pool up
// to maxsources addresses. `origin` is the entry's index in the configured sources.
void start_polling(Associations& assocs, const config::NtpSource& src, size_t origin,
                   const std::vector<core::IpAddress>& addresses);

// Runs until the parent says Shutdown (exit 0) or the parent channel fails (exit 1).
int run_net(const Options& opts, const config::Config& cfg);

}  // namespace tempus::proc
