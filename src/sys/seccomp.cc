// SPDX-License-Identifier: ISC
#include "sys/seccomp.h"

#include <seccomp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

namespace tempus::sys {

namespace {

using core::Unexpected;

std::string sys_error(const std::string& call, int err) {
  return call + ": " + std::strerror(err) + " (errno " + std::to_string(err) + ")";
}

std::string describe_cmp(const ArgCmp& c) {
  const std::string arg(c.arg_name);
  const std::string val(c.value_name);
  if (c.mask == 0xffffffff) return arg + " == " + val;
  if (c.value == 0) return arg + " without " + val;
  if (c.mask == c.value) return arg + " with " + val;
  return arg + " == " + val;  // arg_name carries the mask, e.g. "type & 0xf"
}

// Whether the rules compare the same arguments for equality (a masked one included, its
// arg_name showing the mask) and so print as a tuple set.
bool all_plain_eq(std::span<const ArgRule> rules) {
  for (const ArgRule& r : rules) {
    if (r.count != rules[0].count) return false;
    for (uint8_t i = 0; i < r.count; ++i) {
      const ArgCmp& c = r.cmp[i];
      if (c.mask != rules[0].cmp[i].mask || c.arg_name != rules[0].cmp[i].arg_name) return false;
      if (c.mask != 0xffffffff && (c.value == 0 || c.value == c.mask)) return false;
    }
  }
  return true;
}

// What the BPF compares against for comparison c with list element `item`.
uint32_t resolve_value(const ArgCmp& c, const FilterContext& ctx, int64_t item) {
  switch (c.source) {
    case ArgSource::kLiteral:
      return c.value;
    case ArgSource::kSelfPid:
      return static_cast<uint32_t>(ctx.self_pid);
    case ArgSource::kChildPid:
    case ArgSource::kDirFd:
      return static_cast<uint32_t>(item);
  }
  return c.value;
}

struct FilterDeleter {
  void operator()(void* f) const { seccomp_release(f); }
};

// SIGSYS reporter state, written once before the handler is installed.
int g_report_fd = -1;
ReportKind g_kind = ReportKind::kText;
pid_t g_pid = 0;
unsigned char g_frame[kSeccompViolationFrameLen];

void put_be32(unsigned char* p, uint32_t v) {
  p[0] = static_cast<unsigned char>(v >> 24);
  p[1] = static_cast<unsigned char>(v >> 16);
  p[2] = static_cast<unsigned char>(v >> 8);
  p[3] = static_cast<unsigned char>(v);
}

// Appends s to buf at *len (bounded by cap). Async-signal-safe.
void append(char* buf, size_t& len, size_t cap, const char* s) {
  while (*s && len < cap) buf[len++] = *s++;
}

void append_dec(char* buf, size_t& len, size_t cap, uint32_t v) {
  char tmp[12];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n && len < cap) buf[len++] = tmp[--n];
}

void append_hex8(char* buf, size_t& len, size_t cap, uint32_t v) {
  for (int shift = 28; shift >= 0 && len < cap; shift -= 4)
    buf[len++] = "0123456789abcdef"[(v >> shift) & 0xf];
}

extern "C" void on_sigsys(int, siginfo_t* si, void*) {
  const uint32_t nr = static_cast<uint32_t>(si->si_syscall);
  const uint32_t arch = si->si_arch;
  if (g_kind == ReportKind::kIpcFrame) {
    unsigned char frame[kSeccompViolationFrameLen];
    for (size_t i = 0; i < 16; ++i) frame[i] = g_frame[i];
    put_be32(frame + 16, nr);
    put_be32(frame + 20, arch);
    (void)!send(g_report_fd, frame, sizeof frame, MSG_DONTWAIT | MSG_NOSIGNAL);
  } else {
    char line[96];
    size_t len = 0;
    append(line, len, sizeof line, "tempusd: seccomp: forbidden syscall ");
    append_dec(line, len, sizeof line, nr);
    append(line, len, sizeof line, " (arch 0x");
    append_hex8(line, len, sizeof line, arch);
    append(line, len, sizeof line, ")\n");
    (void)!write(g_report_fd, line, len);
  }
  // Under a filter this rt_sigaction(SIGSYS) is itself a kill; without one it resets SIGSYS.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGSYS, &dfl, nullptr);
  sigset_t sys;
  sigemptyset(&sys);
  sigaddset(&sys, SIGSYS);
  sigprocmask(SIG_UNBLOCK, &sys, nullptr);
  syscall(SYS_tgkill, g_pid, g_pid, SIGSYS);
  syscall(SYS_exit_group, 128 + SIGSYS);  // unreachable unless tgkill failed
}

}  // namespace

std::string_view to_string(FilterRole r) {
  switch (r) {
    case FilterRole::kParent:
      return "parent";
    case FilterRole::kNet:
      return "net";
    case FilterRole::kDns:
      return "dns";
  }
  return "unknown";
}

std::string describe_args(const AllowedSyscall& s) {
  if (s.rules.empty()) return "any";
  std::string out;
  if (all_plain_eq(s.rules) && s.rules[0].count >= 1) {
    const uint8_t n = s.rules[0].count;
    if (s.rules.size() == 1) {
      for (uint8_t i = 0; i < n; ++i) out += (i ? " && " : "") + describe_cmp(s.rules[0].cmp[i]);
      return out;
    }
    if (n > 1) out += "(";
    for (uint8_t i = 0; i < n; ++i)
      out += (i ? ", " : "") + std::string(s.rules[0].cmp[i].arg_name);
    out += n > 1 ? ") in {" : " in {";
    for (size_t r = 0; r < s.rules.size(); ++r) {
      out += r ? ", " : "";
      if (n > 1) out += "(";
      for (uint8_t i = 0; i < n; ++i)
        out += (i ? ", " : "") + std::string(s.rules[r].cmp[i].value_name);
      if (n > 1) out += ")";
    }
    return out + "}";
  }
  for (size_t r = 0; r < s.rules.size(); ++r) {
    out += r ? " or " : "";
    for (uint8_t i = 0; i < s.rules[r].count; ++i)
      out += (i ? " && " : "") + describe_cmp(s.rules[r].cmp[i]);
  }
  return out;
}

std::string format_table(FilterRole role) {
  std::string out;
  for (const AllowedSyscall& s : allowed_syscalls(role)) {
    out += std::string(s.name) + '\t' + (s.action == RuleAction::kAllow ? "allow" : "kill") + '\t' +
           describe_args(s) + '\t' + std::string(s.reason) + '\n';
  }
  return out;
}

core::Status<std::string> install_filter(FilterRole role, const FilterContext& ctx) {
  if (ctx.self_pid <= 0) return Unexpected{std::string("FilterContext.self_pid not set")};
  // Loads /etc/localtime now: syslog(3) and localtime_r() read it lazily on first use.
  tzset();

  std::unique_ptr<void, FilterDeleter> f(seccomp_init(SCMP_ACT_TRAP));
  if (!f) return Unexpected{std::string("seccomp_init failed")};
  if (int r = seccomp_attr_set(f.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); r < 0)
    return Unexpected{sys_error("seccomp_attr_set(ACT_BADARCH)", -r)};
  if (int r = seccomp_attr_set(f.get(), SCMP_FLTATR_CTL_NNP, 1); r < 0)
    return Unexpected{sys_error("seccomp_attr_set(CTL_NNP)", -r)};

  std::vector<AllowedSyscall> entries(allowed_syscalls(role).begin(), allowed_syscalls(role).end());
  const auto extra = sanitizer_syscalls(role);
  entries.insert(entries.end(), extra.begin(), extra.end());
  for (const AllowedSyscall& s : entries) {
    const std::string name(s.name);
    const int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr < 0) {  // __NR_SCMP_ERROR, or a pseudo-number: not a syscall on this architecture
      if (s.optional) continue;
      return Unexpected{"unknown syscall on this architecture: " + name};
    }
    const uint32_t action = s.action == RuleAction::kAllow ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS;
    const std::string what = "seccomp_rule_add(" + name + ")";
    if (s.rules.empty()) {
      if (int r = seccomp_rule_add_exact(f.get(), action, nr, 0); r < 0)
        return Unexpected{sys_error(what, -r)};
      continue;
    }
    for (const ArgRule& rule : s.rules) {
      // A rule naming a per-context list is added once per element; an empty list adds nothing.
      const std::vector<int64_t>* list = nullptr;
      std::vector<int64_t> pids, fds;
      for (uint8_t i = 0; i < rule.count; ++i) {
        if (rule.cmp[i].source == ArgSource::kChildPid) {
          pids.assign(ctx.child_pids.begin(), ctx.child_pids.end());
          list = &pids;
        } else if (rule.cmp[i].source == ArgSource::kDirFd) {
          fds.assign(ctx.dir_fds.begin(), ctx.dir_fds.end());
          list = &fds;
        }
      }
      const std::vector<int64_t> none{0};
      for (int64_t item : list ? *list : none) {
        scmp_arg_cmp cmp[3]{};
        for (uint8_t i = 0; i < rule.count; ++i) {
          const ArgCmp& c = rule.cmp[i];
          cmp[i].arg = c.arg;  // not SCMP_CMP(): a C compound literal
          cmp[i].op = SCMP_CMP_MASKED_EQ;
          cmp[i].datum_a = c.mask;
          cmp[i].datum_b = resolve_value(c, ctx, item) & c.mask;
        }
        if (int r = seccomp_rule_add_exact_array(f.get(), action, nr, rule.count, cmp); r < 0)
          return Unexpected{sys_error(what, -r)};
      }
    }
  }
  if (int r = seccomp_load(f.get()); r < 0) return Unexpected{sys_error("seccomp_load", -r)};
  return {};
}

core::Status<std::string> install_sigsys_reporter(int report_fd, ReportKind kind) {
  g_report_fd = report_fd;
  g_kind = kind;
  g_pid = getpid();
  put_be32(g_frame + 0, kSeccompViolationType);
  put_be32(g_frame + 4, kSeccompViolationFrameLen);
  put_be32(g_frame + 8, 0);
  put_be32(g_frame + 12, static_cast<uint32_t>(g_pid));

  struct sigaction sa {};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigfillset(&sa.sa_mask);  // nothing (SIGPIPE, SIGTERM …) interrupts the report
  if (sigaction(SIGSYS, &sa, nullptr) != 0)
    return Unexpected{sys_error("sigaction(SIGSYS)", errno)};
  sigset_t sys;
  sigemptyset(&sys);
  sigaddset(&sys, SIGSYS);
  if (sigprocmask(SIG_UNBLOCK, &sys, nullptr) != 0)
    return Unexpected{sys_error("sigprocmask(SIGSYS)", errno)};
  return {};
}

std::string syscall_name(int nr, uint32_t audit_arch) {
  char* name = seccomp_syscall_resolve_num_arch(audit_arch, nr);
  if (!name) return "syscall " + std::to_string(nr);
  std::string out(name);
  std::free(name);
  return out;
}

std::string syscall_name(int nr) { return syscall_name(nr, seccomp_arch_native()); }

}  // namespace tempus::sys
