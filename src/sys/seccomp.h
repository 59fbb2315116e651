// SPDX-License-Identifier: ISC
// seccomp filters per role (design.md §2) and the SIGSYS reporter.
//
// One source of truth: allowed_syscalls(role) is a table of {syscall name, argument rules,
// reason, action}; install_filter() builds the BPF program from exactly that table, and the
// same table is printed (format_table(): for the man page or a `--print-seccomp` option) and
// tested.
//
// Actions:
//   - a syscall in the table with action kAllow runs when one of its argument rules matches
//     (every rule is an AND of 32-bit comparisons; no rules = any arguments);
//   - a table entry with action kKill kills the whole process at once (SECCOMP_RET_KILL_PROCESS,
//     no handler runs, WTERMSIG == SIGSYS). Every role kills on rt_sigaction(SIGSYS) so a
//     compromised process cannot take over the reporter; the dns role additionally kills on the
//     calls listed in its table (exec, fork/clone, ptrace, mount, clock changes, set*id, ...);
//   - anything else TRAPs: SIGSYS with si_syscall set; the reporter (install_sigsys_reporter)
//     tells the parent which call it was, then the process dies of SIGSYS.
//   - a foreign architecture (e.g. i386 or x32 syscalls on x86_64) kills the process.
// Argument comparisons look at the low 32 bits only (masked), matching the kernel's int
// arguments: a value smuggled into the high bits cannot slip past an equality test.
//
// Preconditions for install_filter(): single-threaded; privileges already dropped (privdrop.h);
// everything the sandbox forbids done already — sockets bound, files and directories opened,
// OpenSSL initialised (config, providers, CA bundle), the libevent base created (epoll_create1
// and its signal pipe are not in the tables), NSS warmed up in dns. install_filter() itself calls
// tzset() first so later localtime/syslog calls do not open /etc/localtime.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tempus::sys {

enum class FilterRole { kParent, kNet, kDns };
std::string_view to_string(FilterRole r);  // "parent", "net", "dns"

// Runtime values the argument rules refer to.
struct FilterContext {
  pid_t self_pid = 0;             // getpid() of the filtered process: tgkill may only target it
  std::vector<pid_t> child_pids;  // kParent: the only pids kill() accepts (none: kill forbidden)
  std::vector<int> dir_fds;       // kParent: the only dirfds openat/renameat/unlinkat accept
};

// Where a comparison's value comes from.
enum class ArgSource : uint8_t {
  kLiteral,   // ArgCmp::value
  kSelfPid,   // FilterContext::self_pid
  kChildPid,  // each of FilterContext::child_pids (the rule is repeated per pid)
  kDirFd,     // each of FilterContext::dir_fds (the rule is repeated per fd)
};

// One comparison: (argument[arg] & mask) == value, on the low 32 bits.
struct ArgCmp {
  uint8_t arg = 0;              // 0..5
  std::string_view arg_name;    // for printing, e.g. "domain"
  uint32_t mask = 0xffffffff;
  uint32_t value = 0;
  std::string_view value_name;  // for printing, e.g. "AF_INET", "PROT_EXEC"
  ArgSource source = ArgSource::kLiteral;  // non-literal: value comes from the FilterContext
};

// An AND of up to three comparisons.
struct ArgRule {
  std::array<ArgCmp, 3> cmp{};
  uint8_t count = 0;
};

enum class RuleAction : uint8_t { kAllow, kKill };

struct AllowedSyscall {
  std::string_view name;            // libseccomp's name, e.g. "setsockopt"
  std::span<const ArgRule> rules;   // OR of rules; empty = any arguments
  std::string_view reason;          // one short line: who needs it and why
  RuleAction action = RuleAction::kAllow;
  bool optional = false;            // absent on some architectures (e.g. open, epoll_wait on
                                    // aarch64); skipped there instead of failing
};

// The role's table: the shared entries, the role's own, then its kill entries.
std::span<const AllowedSyscall> allowed_syscalls(FilterRole role);

// Sanitizer builds only (meson -Db_sanitize=…): the calls the ASan/UBSan runtimes make inside the
// sandbox, which install_filter() adds to the role's table. Empty in any other build, so a
// release filter is exactly allowed_syscalls(). (seccomp_sanitizer.cc)
std::span<const AllowedSyscall> sanitizer_syscalls(FilterRole role);

// The argument restriction as text: "any", "domain in {AF_INET, AF_INET6}",
// "(level, optname) in {(SOL_SOCKET, SO_REUSEADDR), ...}", "prot without PROT_EXEC", or the
// rules (comparisons joined by " && ") joined by " or ".
std::string describe_args(const AllowedSyscall& s);

// The whole table, one line per entry: "name<TAB>allow|kill<TAB>args<TAB>reason".
std::string format_table(FilterRole role);

// Loads the role's filter into the calling process (and sets no_new_privs, which libseccomp
// requires). Errors name the step, e.g. "seccomp_rule_add(kill): Invalid argument (errno 22)",
// "unknown syscall on this architecture: foo", "FilterContext.self_pid not set".
core::Status<std::string> install_filter(FilterRole role, const FilterContext& ctx);

// How the SIGSYS reporter tells someone about a trapped syscall.
enum class ReportKind {
  // Children: one ipc frame SeccompViolation on report_fd (their SOCK_SEQPACKET channel to the
  // parent, fd 3), sent with MSG_DONTWAIT|MSG_NOSIGNAL (a full socket loses the report, never
  // hangs the dying process). Layout, big-endian: type u32 = 36, len u32 = 24, peer_id u32 = 0,
  // pid u32 = getpid() at install time, syscall_nr u32, arch u32 (AUDIT_ARCH_*).
  kIpcFrame,
  // Parent: the line "tempusd: seccomp: forbidden syscall NR (arch 0xARCH)\n" on report_fd (2).
  kText,
};
inline constexpr uint32_t kSeccompViolationType = 36;
inline constexpr uint32_t kSeccompViolationFrameLen = 24;

// Installs an async-signal-safe SA_SIGINFO handler for SIGSYS (no malloc, no stdio). On SIGSYS it
// writes one report, then makes the process die of SIGSYS: it resets SIGSYS to SIG_DFL (under an
// installed filter that rt_sigaction is itself a kill), unblocks it and re-raises it with tgkill
// on itself. Call once, before install_filter(), in a single-threaded process; report_fd must
// stay open. Errors: "sigaction(SIGSYS): …".
core::Status<std::string> install_sigsys_reporter(int report_fd, ReportKind kind);

// The native architecture's name for syscall nr, e.g. "execve"; "syscall 1234" when unknown.
std::string syscall_name(int nr);
// The same for a given AUDIT_ARCH_* value (as reported in SeccompViolation.arch).
std::string syscall_name(int nr, uint32_t audit_arch);

}  // namespace tempus::sys
