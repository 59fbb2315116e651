// SPDX-License-Identifier: ISC
// Privilege drops, each in a forked child (they are irreversible). Needs root; skipped otherwise.
// The child reports back only an exit code: 0 = every check passed, otherwise the first failing
// check's number (see the comments at each return), with the reason on stderr.
#include "sys/privdrop.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "sys/procstatus.h"

namespace tempus::sys {
namespace {

#define NEED_ROOT()                                                                   \
  if (geteuid() != 0) GTEST_SKIP() << "needs root: drops privileges in a forked child"

int run_forked(const std::function<int()>& body) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) _exit(body());
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

// A fresh root-owned directory with the given mode, removed by the destructor.
struct TempDir {
  explicit TempDir(mode_t mode, uid_t owner = 0) {
    std::strcpy(path, "/tmp/tempus-privdrop-XXXXXX");
    if (!mkdtemp(path) || chmod(path, mode) != 0 || chown(path, owner, 0) != 0) path[0] = 0;
  }
  ~TempDir() {
    if (path[0]) rmdir(path);
  }
  char path[64];
};

std::optional<ProcessStatus> status_from(int fd) {
  char buf[8192];
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  auto st = parse_process_status(std::string_view(buf, static_cast<size_t>(n)));
  if (!st) return std::nullopt;
  return *st;
}

TEST(PrivDrop, LookupUser) {
  const auto nobody = lookup_user("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.error();
  EXPECT_EQ(nobody->uid, 65534u);
  EXPECT_FALSE(nobody->home.empty());
  const auto none = lookup_user("tempus-no-such-user");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), "no such user: tempus-no-such-user");
}

TEST(PrivDrop, RefusesRootTarget) {
  // Returns before touching anything, so safe in the test process.
  const auto s = drop_child(UserIds{0, 0, "/"}, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("must not run as root"), std::string::npos) << s.error();
}

TEST(PrivDrop, ChildToNobodyInChroot) {
  NEED_ROOT();
  TempDir jail(0755);
  ASSERT_TRUE(jail.path[0]);
  const auto ids = lookup_user("nobody");
  ASSERT_TRUE(ids.ok()) << ids.error();
  const int rc = run_forked([&] {
    const int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);  // before the chroot hides it
    if (fd < 0) return 2;
    if (auto s = drop_child(*ids, std::string(jail.path)); !s) {
      std::fprintf(stderr, "drop_child: %s\n", s.error().c_str());
      return 3;
    }
    const auto st = status_from(fd);
    if (!st) return 4;
    if (st->cap_eff != 0 || st->cap_prm != 0 || st->cap_bnd != 0 || st->cap_inh != 0 ||
        st->cap_amb != 0) {
      std::fprintf(stderr, "caps eff=%s prm=%s bnd=%s\n", cap_names(st->cap_eff).c_str(),
                   cap_names(st->cap_prm).c_str(), cap_names(st->cap_bnd).c_str());
      return 5;
    }
    for (uint32_t u : st->uid)
      if (u != 65534) return 6;
    for (uint32_t g : st->gid)
      if (g != ids->gid) return 7;
    if (!st->no_new_privs) return 8;
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 9;
    char cwd[64];
    if (!getcwd(cwd, sizeof cwd) || std::string(cwd) != "/") return 10;
    if (access("/etc/passwd", F_OK) == 0 || errno != ENOENT) return 11;  // inside the empty jail
    if (setuid(0) == 0 || seteuid(0) == 0) return 12;
    if (chroot("/") == 0) return 13;  // no CAP_SYS_CHROOT left
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(PrivDrop, ChildWithoutChroot) {
  NEED_ROOT();
  const auto ids = lookup_user("nobody");
  ASSERT_TRUE(ids.ok()) << ids.error();
  const int rc = run_forked([&] {
    if (auto s = drop_child(*ids, std::nullopt); !s) {
      std::fprintf(stderr, "drop_child: %s\n", s.error().c_str());
      return 3;
    }
    const auto info = read_process_status(getpid());
    if (!info) return 4;
    if (info->status.cap_eff != 0 || info->status.cap_bnd != 0) return 5;
    if (info->status.uid[1] != 65534 || !info->status.no_new_privs) return 6;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(PrivDrop, RefusesUnsafeChroot) {
  NEED_ROOT();
  const auto ids = lookup_user("nobody");
  ASSERT_TRUE(ids.ok()) << ids.error();
  struct Jail {
    mode_t mode;
    uid_t owner;
    const char* error;
  };
  for (const Jail& j : {Jail{0775, 0, "writable by group or others (mode 0775)"},
                        Jail{0757, 0, "writable by group or others (mode 0757)"},
                        Jail{0755, 65534, "is owned by uid 65534, must be owned by root"}}) {
    TempDir jail(j.mode, j.owner);
    ASSERT_TRUE(jail.path[0]);
    const int rc = run_forked([&] {
      const auto s = drop_child(*ids, std::string(jail.path));
      if (s.ok()) return 2;
      if (s.error().find(j.error) == std::string::npos) {
        std::fprintf(stderr, "unexpected error: %s\n", s.error().c_str());
        return 3;
      }
      return getuid() == 0 ? 0 : 4;  // refused before any change
    });
    EXPECT_EQ(rc, 0) << j.error;
  }
  const int rc = run_forked([&] {
    const auto s = drop_child(*ids, std::string("/nonexistent-tempus-jail"));
    return !s.ok() && s.error().rfind("open chroot directory /nonexistent-tempus-jail: ", 0) == 0
               ? 0 : 2;
  });
  EXPECT_EQ(rc, 0);
}

TEST(PrivDrop, ParentKeepsOnlySysTime) {
  NEED_ROOT();
  char locked[] = "/tmp/tempus-privdrop-0000-XXXXXX";
  const int lfd = mkstemp(locked);
  ASSERT_GE(lfd, 0);
  close(lfd);
  ASSERT_EQ(chmod(locked, 0), 0);
  const int rc = run_forked([&] {
    if (auto s = keep_only_sys_time(); !s) {
      std::fprintf(stderr, "keep_only_sys_time: %s\n", s.error().c_str());
      return 3;
    }
    const auto info = read_process_status(getpid());
    if (!info) return 4;
    const ProcessStatus& st = info->status;
    constexpr uint64_t kSysTime = uint64_t{1} << 25;
    if (st.cap_eff != kSysTime || st.cap_prm != kSysTime || st.cap_bnd != kSysTime ||
        st.cap_inh != 0 || st.cap_amb != 0) {
      std::fprintf(stderr, "caps eff=%s prm=%s bnd=%s\n", cap_names(st.cap_eff).c_str(),
                   cap_names(st.cap_prm).c_str(), cap_names(st.cap_bnd).c_str());
      return 5;
    }
    if (st.uid[0] != 0 || st.uid[1] != 0 || !st.no_new_privs) return 6;
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 7;
    timex tx{};  // modes = 0: reads the kernel clock state, changes nothing
    if (adjtimex(&tx) < 0) return 8;
    // Nothing else comes back: no uid change, no securebits change, no ambient raise.
    if (setuid(1) == 0) return 9;
    if (prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) == 0) return 10;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_TIME, 0, 0) == 0) return 11;
    // No CAP_DAC_OVERRIDE: a mode 0000 file is closed even to uid 0. (Root-owned files with owner
    // permissions stay open to it, hence the parent's openat filter.)
    if (open(locked, O_RDONLY) >= 0 || errno != EACCES) return 12;
    return 0;
  });
  unlink(locked);
  EXPECT_EQ(rc, 0);
}

// In a forked child: becomes uid/gid 65533 (no such user needed) keeping `caps` (bit n =
// capability n) effective and permitted, as a parent started by systemd with User= and
// AmbientCapabilities= finds itself. False on failure.
bool become_unprivileged_with(uint64_t caps) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return false;
  if (setresgid(65533, 65533, 65533) != 0 || setresuid(65533, 65533, 65533) != 0) return false;
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  data[0].effective = data[0].permitted = static_cast<uint32_t>(caps);
  data[1].effective = data[1].permitted = static_cast<uint32_t>(caps >> 32);
  return syscall(SYS_capset, &hdr, data) == 0;
}

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }
constexpr uint64_t kSetIds = bit(CAP_SETUID) | bit(CAP_SETGID) | bit(CAP_SETPCAP);

TEST(PrivDrop, NonRootWithCapabilitiesDropsAChild) {
  NEED_ROOT();
  const auto ids = lookup_user("nobody");
  ASSERT_TRUE(ids.ok()) << ids.error();
  const int rc = run_forked([&] {
    if (!become_unprivileged_with(kSetIds)) return 2;
    if (!can_drop_privileges()) return 3;
    if (auto s = drop_child(*ids, std::nullopt); !s) {
      std::fprintf(stderr, "drop_child: %s\n", s.error().c_str());
      return 4;
    }
    const auto info = read_process_status(getpid());
    if (!info) return 5;
    // From a uid other than 0 the capabilities survive setresuid: they must be gone anyway.
    if (info->status.cap_eff != 0 || info->status.cap_prm != 0 || info->status.cap_bnd != 0 ||
        info->status.cap_amb != 0)
      return 6;
    if (info->status.uid[1] != 65534 || !info->status.no_new_privs) return 7;
    if (setresuid(65533, 65533, 65533) == 0) return 8;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(PrivDrop, NonRootParentKeepsOnlySysTime) {
  NEED_ROOT();
  const int rc = run_forked([&] {
    if (!become_unprivileged_with(kSetIds | bit(CAP_SYS_TIME) | bit(CAP_SYS_CHROOT))) return 2;
    if (auto s = keep_only_sys_time(); !s) {
      std::fprintf(stderr, "keep_only_sys_time: %s\n", s.error().c_str());
      return 3;
    }
    const auto info = read_process_status(getpid());
    if (!info) return 4;
    const ProcessStatus& st = info->status;
    if (st.cap_eff != bit(CAP_SYS_TIME) || st.cap_prm != bit(CAP_SYS_TIME) ||
        st.cap_bnd != bit(CAP_SYS_TIME) || st.cap_amb != 0)
      return 5;
    if (st.uid[1] != 65533 || !st.no_new_privs) return 6;
    timex tx{};
    if (adjtimex(&tx) < 0) return 7;
    if (setresuid(0, 0, 0) == 0 || setresuid(1, 1, 1) == 0) return 8;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST(PrivDrop, NonRootWithoutCapabilitiesIsRefused) {
  NEED_ROOT();
  const auto ids = lookup_user("nobody");
  ASSERT_TRUE(ids.ok()) << ids.error();
  const int rc = run_forked([&] {
    if (!become_unprivileged_with(bit(CAP_SETUID) | bit(CAP_SETGID))) return 2;  // no SETPCAP
    if (can_drop_privileges()) return 3;
    auto s = drop_child(*ids, std::nullopt);
    if (s || s.error().find("neither root nor CAP_SETUID") == std::string::npos) return 4;
    auto p = keep_only_sys_time();
    if (p || p.error().find("neither root nor CAP_SETUID") == std::string::npos) return 5;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace tempus::sys
