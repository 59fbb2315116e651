// SPDX-License-Identifier: ISC
// The parent role (design.md §2): spawns net and dns, then keeps only CAP_SYS_TIME and closes its
// own seccomp filter. It executes the clock verbs net asks for (within ClockBounds, through
// ClockService), relays the children's log lines, talks to systemd, and ends the daemon when a
// child dies or misbehaves (exit 1) or on SIGTERM/SIGINT/-t (exit 0).
#pragma once

#include <string>
#include <vector>

#include "config/parser.h"
#include "proc/options.h"

namespace tempus::proc {

// argv: this process's whole argv; the children get it again plus --role=...
int run_parent(const Options& opts, const config::ParseOutput& cfg,
               const std::vector<std::string>& argv);

}  // namespace tempus::proc
