// SPDX-License-Identifier: ISC
// Re-executing this binary for a child role (design.md §2): fork, place the given fds at 3, 4, …
// in the child, close every other fd above 2, and execv the binary that is running now
// (/proc/self/exe resolved at start), so each child gets a fresh address space.
#pragma once

#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace tempus::sys {

// The path of the running executable; call once at start (before any chroot).
core::Result<std::string, std::string> self_exe_path();

// argv[0] is the program name the child sees. child_fds[i] becomes fd 3 + i in the child (close-
// on-exec cleared); the caller keeps and later closes its own copies. Returns the child's pid.
core::Result<pid_t, std::string> spawn_self(const std::string& exe,
                                            const std::vector<std::string>& argv,
                                            std::span<const int> child_fds);

}  // namespace tempus::sys
