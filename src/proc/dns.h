// SPDX-License-Identifier: ISC
// The dns role: answers net's ResolveRequests with getaddrinfo(3), one at a time (a lookup
// blocks this process only). Unprivileged, no chroot (glibc NSS reads /etc), seccomp-filtered.
#pragma once

#include "proc/options.h"

namespace tempus::proc {

// Runs until the parent says Shutdown (exit 0) or a channel fails (exit 1).
int run_dns(const Options& opts);

}  // namespace tempus::proc
