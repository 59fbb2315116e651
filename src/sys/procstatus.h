// SPDX-License-Identifier: ISC
// What /proc says about a process's privileges: ids, capability sets, seccomp mode, no_new_privs,
// root directory. Used by `tempusctl processes` and by the privilege and system tests to check
// that each role really ended where design.md §2 says (net: uid tempus, CapEff 0, Seccomp 2,
// root = its chroot; parent: uid 0, CapEff = cap_sys_time only).
//
// parse_process_status() is pure (text in, struct out); read_process_status() does the IO.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tempus::sys {

struct ProcessStatus {
  std::string name;  // "Name:" (the comm, at most 15 chars)
  // "Uid:" / "Gid:" columns in kernel order: real, effective, saved set-, filesystem.
  std::array<uint32_t, 4> uid{};
  std::array<uint32_t, 4> gid{};
  // Capability sets, bit n = capability n (linux/capability.h numbering, e.g. bit 25 CAP_SYS_TIME).
  uint64_t cap_inh = 0;
  uint64_t cap_prm = 0;
  uint64_t cap_eff = 0;
  uint64_t cap_bnd = 0;
  uint64_t cap_amb = 0;     // 0 when the kernel predates ambient caps (no "CapAmb:" line)
  int seccomp = 0;          // "Seccomp:": 0 off, 1 strict, 2 filter
  bool no_new_privs = false;  // "NoNewPrivs:"
};

// Parses the text of /proc/PID/status. Required lines: Uid, Gid, CapInh, CapPrm, CapEff, CapBnd,
// NoNewPrivs, Seccomp (present on every kernel tempus supports, ≥ 4.10 with CONFIG_SECCOMP);
// Name and CapAmb are optional. Unknown lines are ignored; a required line that is missing,
// repeated or malformed is an error naming the field, e.g. "CapEff: not a 64-bit hex number".
core::Result<ProcessStatus, std::string> parse_process_status(std::string_view text);

// A capability set as lower-case names joined by ',' in bit order, e.g. "cap_net_bind_service,
// cap_sys_time" (without the space); "none" for 0. Bits the table does not know print as "cap_N".
std::string cap_names(uint64_t caps);

struct ProcessInfo {
  pid_t pid = 0;
  ProcessStatus status;
  // readlink("/proc/PID/root"): "/" outside a chroot, the chroot path inside one. Empty with
  // root_errno set when unreadable (it needs ptrace-read access: root, or same uid and dumpable).
  std::string root;
  int root_errno = 0;
};

// Reads /proc/PID/status and /proc/PID/root. Errors name the call and errno, e.g.
// "open /proc/123/status: No such file or directory (errno 2)", or the parse error.
core::Result<ProcessInfo, std::string> read_process_status(pid_t pid);

}  // namespace tempus::sys
