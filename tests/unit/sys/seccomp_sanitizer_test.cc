// SPDX-License-Identifier: ISC
// The sanitizer-only seccomp entries (sanitizer_syscalls()): empty in a build without sanitizers,
// so the release filters are exactly the tables; in a sanitizer build, plain allows of real
// syscalls that no role kills, and they do get through an installed filter.
#include "sys/seccomp.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace tempus::sys {
namespace {

constexpr FilterRole kRoles[] = {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns};

#ifdef TEMPUS_SANITIZER_BUILD
constexpr bool kSanitizers = true;
#else
constexpr bool kSanitizers = false;
#endif

TEST(SeccompSanitizer, EntriesOnlyInSanitizerBuilds) {
  for (FilterRole role : kRoles) {
    const auto extra = sanitizer_syscalls(role);
    EXPECT_EQ(extra.empty(), !kSanitizers) << to_string(role);
    for (const AllowedSyscall& s : extra) {
      EXPECT_EQ(s.action, RuleAction::kAllow) << s.name;
      EXPECT_FALSE(s.reason.empty()) << s.name;
      EXPECT_GE(seccomp_syscall_resolve_name(std::string(s.name).c_str()), 0) << s.name;
      for (const AllowedSyscall& t : allowed_syscalls(role))
        EXPECT_FALSE(t.name == s.name && t.action == RuleAction::kKill)
            << to_string(role) << " kills " << s.name;
    }
  }
}

// pipe2 (UBSan's vptr check) under the net filter, then _exit() (ASan reads its sigaltstack):
// the child exits normally in a sanitizer build; in any other pipe2 is a trap (SIGSYS).
TEST(SeccompSanitizer, Pipe2UnderNetFilter) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    FilterContext ctx;
    ctx.self_pid = getpid();
    if (!install_sigsys_reporter(2, ReportKind::kText).ok()) _exit(2);
    if (!install_filter(FilterRole::kNet, ctx).ok()) _exit(3);
    int p[2];
    _exit(pipe2(p, O_CLOEXEC) == 0 ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  if (kSanitizers) {
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
  } else {
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), SIGSYS);
  }
}

}  // namespace
}  // namespace tempus::sys
