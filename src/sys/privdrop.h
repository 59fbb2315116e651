// SPDX-License-Identifier: ISC
// Dropping privileges, per role (design.md §2):
//   net, dns  lookup_user() (while /etc is reachable), then drop_child(): optional chroot, the
//             user's uid/gid, no capabilities in any set, no_new_privs, not dumpable.
//   parent    keep_only_sys_time(): keeps its uid (0, or its own user's) but holds CAP_SYS_TIME
//             only, and can never get another capability back.
// Each call is made once, early, in a single-threaded process, before seccomp::install_filter()
// (the filters forbid every call made here). Every step is verified afterwards, not assumed; on
// any error the process is left partly dropped and the caller must exit (fatal()), never go on.
// Errors are human-readable and name the failing call and errno, e.g.
// "setresuid(999): Operation not permitted (errno 1)".
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "core/result.h"

namespace tempus::sys {

struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;  // pw_dir, the default chroot of the net child (OpenNTPD's choice)
};

// getpwnam_r(name). Call before any chroot (it reads /etc/passwd or asks NSS).
// Errors: "no such user: NAME" or "getpwnam_r(NAME): <strerror> (errno N)".
core::Result<UserIds, std::string> lookup_user(const std::string& name);

// Whether this process may make the drops below: euid 0, or CAP_SETUID, CAP_SETGID and
// CAP_SETPCAP in its effective set — a parent started as an unprivileged user of its own with
// them as ambient capabilities (systemd's User= and AmbientCapabilities=), which its children
// inherit through the exec until drop_child() removes them.
bool can_drop_privileges();

// For the net and dns children; needs can_drop_privileges() and CAP_SYS_CHROOT (if chrooting).
// Refuses ids.uid == 0 or ids.gid == 0. In order:
//  1. if chroot_dir: open it (O_DIRECTORY|O_NOFOLLOW), refuse unless it is owned by root and not
//     writable by group or others (like OpenNTPD: a user who can write the jail can plant files in
//     it), then fchdir + chroot(".") + chdir("/") on that same open directory (no TOCTOU window);
//  2. drop every capability from the bounding set and clear the ambient set (CAP_SETPCAP);
//  3. setgroups({gid}), setresgid(gid ×3), setresuid(uid ×3);
//  4. clear the effective, permitted and inheritable sets (leaving uid 0 already emptied the
//     first two; from another uid they survive the change and go only here);
//  5. verify: getresuid/getresgid all equal the targets, setuid(0) and setresuid(-1, 0, -1) fail,
//     every capability set (incl. bounding and ambient) is empty;
//  6. prctl(PR_SET_NO_NEW_PRIVS, 1), prctl(PR_SET_DUMPABLE, 0) (no core dumps, no ptrace attach
//     by same-uid processes, /proc/PID files owned by root).
core::Status<std::string> drop_child(const UserIds& ids,
                                     const std::optional<std::string>& chroot_dir);

// For the parent; needs can_drop_privileges() and CAP_SYS_TIME. Keeps its uid (0, or its own
// user's) but:
//  - securebits NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE (and KEEP_CAPS off), all locked:
//    uid 0 no longer implies capabilities, even across execve, and this cannot be undone;
//  - bounding set = {CAP_SYS_TIME}; effective = permitted = {CAP_SYS_TIME}; inheritable and
//    ambient empty;
//  - no_new_privs, not dumpable.
// Verified afterwards. Note uid 0 still owns root's files without any capability (e.g. root-owned
// 0644 files stay writable), which is why the parent's seccomp filter confines openat/renameat/
// unlinkat to directory fds opened before the drop.
core::Status<std::string> keep_only_sys_time();

// The same with no capability at all: for a parent that disciplines no kernel clock (a test
// build's virtual clock), so it can even run where CAP_SYS_TIME was removed beforehand.
core::Status<std::string> keep_no_capabilities();

}  // namespace tempus::sys
