// SPDX-License-Identifier: ISC
#include "sys/privdrop.h"

#include <cap-ng.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ipc/unique_fd.h"

namespace tempus::sys {

namespace {

using core::Unexpected;

std::string sys_error(const std::string& call, int err) {
  return call + ": " + std::strerror(err) + " (errno " + std::to_string(err) + ")";
}

// The three per-process capability sets as 64-bit masks (bit n = capability n).
struct CapSets {
  uint64_t eff = 0, prm = 0, inh = 0;
};

// Raw capget/capset, for verification independent of libcap-ng (which sets the sets).
bool get_caps(CapSets& out) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  out.eff = data[0].effective | uint64_t{data[1].effective} << 32;
  out.prm = data[0].permitted | uint64_t{data[1].permitted} << 32;
  out.inh = data[0].inheritable | uint64_t{data[1].inheritable} << 32;
  return true;
}

bool set_caps(const CapSets& c) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  data[0] = {static_cast<uint32_t>(c.eff), static_cast<uint32_t>(c.prm),
             static_cast<uint32_t>(c.inh)};
  data[1] = {static_cast<uint32_t>(c.eff >> 32), static_cast<uint32_t>(c.prm >> 32),
             static_cast<uint32_t>(c.inh >> 32)};
  return syscall(SYS_capset, &hdr, data) == 0;
}

// Bounding set as a mask; PR_CAPBSET_READ fails with EINVAL past the kernel's last capability.
uint64_t bounding_set() {
  uint64_t set = 0;
  for (unsigned cap = 0; cap < 64; ++cap) {
    const int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r < 0) break;
    if (r == 1) set |= uint64_t{1} << cap;
  }
  return set;
}

uint64_t ambient_set() {
  uint64_t set = 0;
  for (unsigned cap = 0; cap < 64; ++cap) {
    const int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (r < 0) break;
    if (r == 1) set |= uint64_t{1} << cap;
  }
  return set;
}


std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Checks every capability set against the expected effective=permitted mask.
core::Status<std::string> verify_caps(uint64_t want) {
  CapSets c;
  if (!get_caps(c)) return Unexpected{sys_error("capget", errno)};
  if (c.eff != want || c.prm != want || c.inh != 0)
    return Unexpected{"capabilities not dropped: effective " + hex(c.eff) + ", permitted " +
                      hex(c.prm) + ", inheritable " + hex(c.inh) + ", want " + hex(want)};
  if (const uint64_t b = bounding_set(); b != want)
    return Unexpected{"bounding set is " + hex(b) + ", want " + hex(want)};
  if (const uint64_t a = ambient_set(); a != 0)
    return Unexpected{"ambient set is " + hex(a) + ", want 0"};
  return {};
}

core::Status<std::string> no_new_privs_not_dumpable() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return Unexpected{sys_error("prctl(PR_SET_NO_NEW_PRIVS)", errno)};
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return Unexpected{std::string("no_new_privs did not stick")};
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return Unexpected{sys_error("prctl(PR_SET_DUMPABLE, 0)", errno)};
  return {};
}

core::Status<std::string> enter_chroot(const std::string& dir) {
  ipc::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return Unexpected{sys_error("open chroot directory " + dir, errno)};
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Unexpected{sys_error("fstat " + dir, errno)};
  if (st.st_uid != 0)
    return Unexpected{"chroot directory " + dir + " is owned by uid " +
                      std::to_string(st.st_uid) + ", must be owned by root"};
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return Unexpected{"chroot directory " + dir + " is writable by group or others (mode " +
                      mode + ")"};
  }
  if (fchdir(fd.get()) != 0) return Unexpected{sys_error("fchdir " + dir, errno)};
  if (chroot(".") != 0) return Unexpected{sys_error("chroot " + dir, errno)};
  if (chdir("/") != 0) return Unexpected{sys_error("chdir / in chroot", errno)};
  return {};
}

}  // namespace

bool can_drop_privileges() {
  if (geteuid() == 0) return true;
  constexpr uint64_t kNeed =
      uint64_t{1} << CAP_SETUID | uint64_t{1} << CAP_SETGID | uint64_t{1} << CAP_SETPCAP;
  CapSets c;
  return get_caps(c) && (c.eff & kNeed) == kNeed;
}

core::Result<UserIds, std::string> lookup_user(const std::string& name) {
  long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<size_t>(hint) : 4096);
  for (;;) {
    passwd pw{};
    passwd* found = nullptr;
    const int r = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (r == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (r != 0) return Unexpected{sys_error("getpwnam_r(" + name + ")", r)};
    if (!found) return Unexpected{"no such user: " + name};
    return UserIds{pw.pw_uid, pw.pw_gid, pw.pw_dir ? pw.pw_dir : ""};
  }
}

core::Status<std::string> drop_child(const UserIds& ids,
                                     const std::optional<std::string>& chroot_dir) {
  if (ids.uid == 0 || ids.gid == 0)
    return Unexpected{"refusing to drop to uid " + std::to_string(ids.uid) + " gid " +
                      std::to_string(ids.gid) + ": the children must not run as root"};
  if (!can_drop_privileges())
    return Unexpected{"drop_child: neither root nor CAP_SETUID, CAP_SETGID and CAP_SETPCAP (euid " +
                      std::to_string(geteuid()) + ")"};

  if (chroot_dir) {
    if (auto s = enter_chroot(*chroot_dir); !s) return s;
  }
  // While CAP_SETPCAP is there: the bounding set limits what any later execve could grant.
  // libcap-ng empties bounding and ambient sets here; capabilities themselves go with the uid.
  capng_clear(CAPNG_SELECT_ALL);
  if (capng_apply(static_cast<capng_select_t>(CAPNG_SELECT_BOUNDS | CAPNG_SELECT_AMBIENT)) != 0)
    return Unexpected{sys_error("capng_apply(empty bounding and ambient sets)", errno)};

  const gid_t groups[1] = {ids.gid};
  if (setgroups(1, groups) != 0)
    return Unexpected{sys_error("setgroups(" + std::to_string(ids.gid) + ")", errno)};
  if (setresgid(ids.gid, ids.gid, ids.gid) != 0)
    return Unexpected{sys_error("setresgid(" + std::to_string(ids.gid) + ")", errno)};
  // Leaving uid 0 in all three ids clears permitted/effective (no SECBIT_KEEP_CAPS); coming
  // from another uid they stay until the capng_apply below.
  if (setresuid(ids.uid, ids.uid, ids.uid) != 0)
    return Unexpected{sys_error("setresuid(" + std::to_string(ids.uid) + ")", errno)};
  capng_clear(CAPNG_SELECT_CAPS);
  if (capng_apply(CAPNG_SELECT_CAPS) != 0) return Unexpected{sys_error("capng_apply(no caps)", errno)};

  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) != 0) return Unexpected{sys_error("getresuid", errno)};
  if (getresgid(&rg, &eg, &sg) != 0) return Unexpected{sys_error("getresgid", errno)};
  if (ru != ids.uid || eu != ids.uid || su != ids.uid)
    return Unexpected{"uids are " + std::to_string(ru) + "/" + std::to_string(eu) + "/" +
                      std::to_string(su) + " after setresuid(" + std::to_string(ids.uid) + ")"};
  if (rg != ids.gid || eg != ids.gid || sg != ids.gid)
    return Unexpected{"gids are " + std::to_string(rg) + "/" + std::to_string(eg) + "/" +
                      std::to_string(sg) + " after setresgid(" + std::to_string(ids.gid) + ")"};
  gid_t now[2];
  const int n = getgroups(2, now);
  if (n != 1 || now[0] != ids.gid)
    return Unexpected{std::string("supplementary groups were not reduced to the user's gid")};
  if (setuid(0) == 0 || setresuid(static_cast<uid_t>(-1), 0, static_cast<uid_t>(-1)) == 0)
    return Unexpected{std::string("regained uid 0 after the drop")};
  if (auto s = verify_caps(0); !s) return s;
  return no_new_privs_not_dumpable();
}

namespace {

core::Status<std::string> keep_only(uint64_t keep) {
  if (!can_drop_privileges())
    return Unexpected{"keep_only: neither root nor CAP_SETUID, CAP_SETGID and CAP_SETPCAP (euid " +
                      std::to_string(geteuid()) + ")"};

  // uid 0 stops meaning "all capabilities" (NOROOT), uid changes stop touching capabilities
  // (NO_SETUID_FIXUP), nothing can be raised into the ambient set; every bit locked.
  constexpr unsigned long kBits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                  SECBIT_NO_CAP_AMBIENT_RAISE |
                                  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
  if (prctl(PR_SET_SECUREBITS, kBits, 0, 0, 0) != 0)
    return Unexpected{sys_error("prctl(PR_SET_SECUREBITS)", errno)};
  // libcap-ng sets the sets; capget/prctl below verify them independently.
  capng_clear(CAPNG_SELECT_ALL);
  for (unsigned cap = 0; cap < 64; ++cap) {
    if (!(keep & (uint64_t{1} << cap))) continue;
    if (capng_update(CAPNG_ADD,
                     static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED |
                                               CAPNG_BOUNDING_SET),
                     cap) != 0)
      return Unexpected{"capng_update(" + std::to_string(cap) + ") failed"};
  }
  if (capng_apply(CAPNG_SELECT_ALL) != 0)
    return Unexpected{sys_error("capng_apply(" + hex(keep) + ")", errno)};

  if (const int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
      bits < 0 || static_cast<unsigned long>(bits) != kBits)
    return Unexpected{"securebits are " + hex(static_cast<uint64_t>(bits)) + ", want " +
                      hex(kBits)};
  if (auto s = verify_caps(keep); !s) return s;
  // Raising anything else must now be impossible.
  if (set_caps(CapSets{keep | (uint64_t{1} << CAP_SETUID),
                       keep | (uint64_t{1} << CAP_SETUID), 0}))
    return Unexpected{std::string("capset could raise cap_setuid after the drop")};
  return no_new_privs_not_dumpable();
}

}  // namespace

core::Status<std::string> keep_only_sys_time() { return keep_only(uint64_t{1} << CAP_SYS_TIME); }

core::Status<std::string> keep_no_capabilities() { return keep_only(0); }

}  // namespace tempus::sys
