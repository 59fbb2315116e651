// SPDX-License-Identifier: ISC
#include "sys/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace tempus::sys {

core::Result<std::string, std::string> self_exe_path() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return core::Unexpected{std::string("readlink /proc/self/exe: ") + strerror(errno)};
  return std::string(buf, static_cast<size_t>(n));
}

core::Result<pid_t, std::string> spawn_self(const std::string& exe,
                                            const std::vector<std::string>& argv,
                                            std::span<const int> child_fds) {
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int n = static_cast<int>(child_fds.size());

  const pid_t pid = fork();
  if (pid < 0) return core::Unexpected{std::string("fork: ") + strerror(errno)};
  if (pid > 0) return pid;

  // Child. Move the fds out of the way first (a source may already sit on a target number),
  // then onto 3, 4, ...; dup2 clears FD_CLOEXEC on the new numbers.
  int tmp[8];
  if (n > 8) _exit(127);
  for (int i = 0; i < n; ++i) {
    tmp[i] = fcntl(child_fds[static_cast<size_t>(i)], F_DUPFD_CLOEXEC, 3 + n);
    if (tmp[i] < 0) _exit(127);
  }
  for (int i = 0; i < n; ++i) {
    if (dup2(tmp[i], 3 + i) < 0) _exit(127);
  }
  if (syscall(SYS_close_range, 3 + n, ~0U, 0) != 0) {
    for (int fd = 3 + n; fd < 1024; ++fd) close(fd);
  }
  execv(exe.c_str(), args.data());
  _exit(127);
}

}  // namespace tempus::sys
