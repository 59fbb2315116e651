// SPDX-License-Identifier: ISC
// The per-role syscall tables (seccomp.h). Each reason says who needs the call after the sandbox
// closes; anything needed only before it (binding port 123, opening files, epoll_create1, loading
// OpenSSL providers, chroot, setresuid) is deliberately absent. Observed with strace on glibc 2.36,
// libevent 2.1, libsystemd 252.
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>

#include "sys/seccomp.h"

namespace tempus::sys {

namespace {

#define V(x) static_cast<uint32_t>(x), #x

constexpr ArgCmp eq(uint8_t arg, std::string_view arg_name, uint32_t v, std::string_view vn) {
  return {arg, arg_name, 0xffffffff, v, vn, ArgSource::kLiteral};
}
constexpr ArgCmp without(uint8_t arg, std::string_view arg_name, uint32_t bits,
                         std::string_view vn) {
  return {arg, arg_name, bits, 0, vn, ArgSource::kLiteral};
}
constexpr ArgCmp with(uint8_t arg, std::string_view arg_name, uint32_t bits, std::string_view vn) {
  return {arg, arg_name, bits, bits, vn, ArgSource::kLiteral};
}
constexpr ArgCmp masked(uint8_t arg, std::string_view arg_name, uint32_t mask, uint32_t v,
                        std::string_view vn) {
  return {arg, arg_name, mask, v, vn, ArgSource::kLiteral};
}
constexpr ArgCmp ctx(uint8_t arg, std::string_view arg_name, ArgSource src, std::string_view vn) {
  return {arg, arg_name, 0xffffffff, 0, vn, src};
}
constexpr ArgRule rule(ArgCmp a) { return {{a, {}, {}}, 1}; }
constexpr ArgRule rule(ArgCmp a, ArgCmp b) { return {{a, b, {}}, 2}; }
constexpr ArgRule rule(ArgCmp a, ArgCmp b, ArgCmp c) { return {{a, b, c}, 3}; }

template <size_t... N>
constexpr auto join(const std::array<AllowedSyscall, N>&... parts) {
  std::array<AllowedSyscall, (N + ...)> out{};
  auto it = out.begin();
  ((it = std::copy(parts.begin(), parts.end(), it)), ...);
  return out;
}

constexpr auto kAllow = RuleAction::kAllow;
constexpr auto kKill = RuleAction::kKill;

// ---- argument rules shared by several roles -------------------------------------------------

// The signals any role may install handlers for; SIGSYS is a kill (kSigsysKill).
constexpr ArgRule kSigactionSignals[] = {
    rule(eq(0, "sig", V(SIGHUP))),  rule(eq(0, "sig", V(SIGINT))),
    rule(eq(0, "sig", V(SIGTERM))), rule(eq(0, "sig", V(SIGCHLD))),
    rule(eq(0, "sig", V(SIGPIPE))), rule(eq(0, "sig", V(SIGUSR1))),
    rule(eq(0, "sig", V(SIGUSR2))), rule(eq(0, "sig", V(SIGABRT))),
};
constexpr ArgRule kSigsysKill[] = {rule(eq(0, "sig", V(SIGSYS)))};
// Single-threaded processes: thread id == process id.
constexpr ArgRule kTgkillSelf[] = {rule(ctx(0, "tgid", ArgSource::kSelfPid, "own pid"),
                                        ctx(1, "tid", ArgSource::kSelfPid, "own pid"))};
constexpr ArgRule kNoExec[] = {rule(without(2, "prot", V(PROT_EXEC)))};
constexpr ArgRule kFcntlCmds[] = {
    rule(eq(1, "cmd", V(F_GETFL))), rule(eq(1, "cmd", V(F_SETFL))),
    rule(eq(1, "cmd", V(F_GETFD))), rule(eq(1, "cmd", V(F_SETFD))),
};
constexpr ArgRule kIoctlFionread[] = {rule(eq(1, "request", V(FIONREAD)))};

// ---- every role ---------------------------------------------------------------------------

constexpr auto kCommon = std::to_array<AllowedSyscall>({
    {"read", {}, "ipc frames, sockets, pre-opened files", kAllow, false},
    {"write", {}, "ipc frames, log output, the SIGSYS report", kAllow, false},
    {"readv", {}, "libevent/stdio buffers", kAllow, false},
    {"writev", {}, "libevent/stdio buffers", kAllow, false},
    {"close", {}, "closing fds", kAllow, false},
    {"recvmsg", {}, "ipc frames (SCM_RIGHTS), UDP with timestamps", kAllow, false},
    {"sendmsg", {}, "ipc frames (SCM_RIGHTS)", kAllow, false},
    {"sendto", {}, "send(): the SIGSYS report frame, syslog, UDP replies", kAllow, false},
    {"epoll_ctl", {}, "libevent adds/removes fds", kAllow, false},
    {"epoll_wait", {}, "libevent loop (glibc on x86_64)", kAllow, true},
    {"epoll_pwait", {}, "libevent loop (glibc on aarch64)", kAllow, false},
    {"rt_sigaction", kSigactionSignals, "libevent signal events, glibc abort()", kAllow, false},
    {"rt_sigprocmask", {}, "glibc/libevent masking; the reporter unblocks SIGSYS", kAllow, false},
    {"rt_sigreturn", {}, "return from signal handlers", kAllow, false},
    {"restart_syscall", {}, "kernel restarts a call interrupted by a signal", kAllow, false},
    {"tgkill", kTgkillSelf, "raise()/abort() and the reporter's re-raise, only at itself", kAllow,
     false},
    {"getpid", {}, "ipc header pid, log lines, raise()", kAllow, false},
    {"gettid", {}, "raise() in glibc", kAllow, false},
    {"getuid", {}, "identity reads (sd_notify, glibc); harmless", kAllow, false},
    {"geteuid", {}, "identity reads (sd_notify, glibc); harmless", kAllow, false},
    {"getgid", {}, "identity reads (sd_notify, glibc); harmless", kAllow, false},
    {"getegid", {}, "identity reads (sd_notify, glibc); harmless", kAllow, false},
    {"clock_gettime", {}, "reading clocks when the vDSO is unavailable", kAllow, false},
    {"gettimeofday", {}, "libevent/glibc time when the vDSO is unavailable", kAllow, false},
    {"brk", {}, "malloc", kAllow, false},
    {"munmap", {}, "free", kAllow, false},
    {"mremap", {}, "realloc of large blocks", kAllow, false},
    {"madvise", {}, "free() hands pages back", kAllow, false},
    {"mprotect", kNoExec, "malloc arena setup; never executable", kAllow, false},
    {"futex", {}, "glibc internal locks", kAllow, false},
    {"fstat", {}, "fstat() in older glibc", kAllow, true},
    {"newfstatat", {}, "fstat() in glibc >= 2.33 (AT_EMPTY_PATH); metadata only", kAllow, false},
    {"fcntl", kFcntlCmds, "libevent/OpenSSL set O_NONBLOCK and FD_CLOEXEC", kAllow, false},
    {"getrandom", {}, "OpenSSL DRBG reseed, libc/libevent seeding", kAllow, false},
    {"exit", {}, "_exit() fallback after exit_group", kAllow, false},
    {"exit_group", {}, "process exit", kAllow, false},
    {"mmap", kNoExec, "malloc; never executable", kAllow, false},
});
constexpr auto kCommonKill = std::to_array<AllowedSyscall>({
    {"rt_sigaction", kSigsysKill, "nobody may replace the SIGSYS reporter", kKill, false},
});

// ---- parent --------------------------------------------------------------------------------

constexpr ArgRule kRealtimeClock[] = {rule(eq(0, "clockid", V(CLOCK_REALTIME)))};
constexpr ArgRule kKillChildren[] = {rule(ctx(0, "pid", ArgSource::kChildPid, "child pid"))};
constexpr ArgRule kOpenatInDir[] = {rule(ctx(0, "dirfd", ArgSource::kDirFd, "state dir fd"),
                                         with(2, "flags", V(O_NOFOLLOW)))};
constexpr ArgRule kRenameInDir[] = {rule(ctx(0, "olddirfd", ArgSource::kDirFd, "state dir fd"),
                                         ctx(2, "newdirfd", ArgSource::kDirFd, "state dir fd"))};
constexpr ArgRule kUnlinkInDir[] = {rule(ctx(0, "dirfd", ArgSource::kDirFd, "state dir fd"))};
// AF_UNIX datagram only: a stream connect as uid 0 could talk to root-trusting services
// (/run/systemd/private, the D-Bus system bus) without needing any capability.
constexpr ArgRule kParentSocket[] = {
    rule(eq(0, "domain", V(AF_UNIX)), masked(1, "type & 0xf", 0xf, V(SOCK_DGRAM)))};
constexpr ArgRule kSndbuf[] = {
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_SNDBUF))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_SNDBUFFORCE))),
};

constexpr auto kParentOnly = std::to_array<AllowedSyscall>({
    {"adjtimex", {}, "clock verbs: read/slew/frequency/status (non-glibc libcs)", kAllow, false},
    {"clock_adjtime", kRealtimeClock, "clock verbs: glibc's adjtimex/ntp_adjtime", kAllow, false},
    {"clock_settime", kRealtimeClock, "the step verb", kAllow, false},
    {"openat", kOpenatInDir, "write drift/NTS/log files in pre-opened state dirs", kAllow, false},
    {"renameat", kRenameInDir, "atomic replace of a written file (x86_64)", kAllow, true},
    {"renameat2", kRenameInDir, "atomic replace of a written file", kAllow, false},
    {"unlinkat", kUnlinkInDir, "remove a temp or stale file in a state dir", kAllow, false},
    {"fsync", {}, "make a written file durable before rename", kAllow, false},
    {"fdatasync", {}, "make a written file durable before rename", kAllow, false},
    {"socket", kParentSocket, "syslog(3) reconnect to /dev/log, sd_notify", kAllow, false},
    {"connect", {}, "syslog(3) to /dev/log (datagram sockets only, see socket)", kAllow, false},
    {"getsockopt", kSndbuf, "libsystemd sizes the sd_notify socket buffer", kAllow, false},
    {"setsockopt", kSndbuf, "libsystemd sizes the sd_notify socket buffer", kAllow, false},
    {"wait4", {}, "waitpid() reaps a dead child", kAllow, false},
    {"kill", kKillChildren, "SIGTERM to the children at shutdown", kAllow, false},
});


// ---- net -----------------------------------------------------------------------------------

// The socket type without its SOCK_NONBLOCK/SOCK_CLOEXEC flags (which sit above bit 3).
constexpr ArgCmp type_is(uint32_t type, std::string_view name) {
  return masked(1, "type & 0xf", 0xf, type, name);
}

// No AF_UNIX: the control socket is bound before the sandbox and replies go out with sendto on
// it; a fresh AF_UNIX socket could reach abstract-namespace sockets, which no chroot hides.
// Only UDP (NTP) and TCP (NTS-KE) sockets: no raw or packet ones (which would need CAP_NET_RAW
// anyway; the filter refuses them before the kernel's capability check is reached).
constexpr ArgRule kNetSocket[] = {
    rule(eq(0, "domain", V(AF_INET)), type_is(V(SOCK_DGRAM))),
    rule(eq(0, "domain", V(AF_INET)), type_is(V(SOCK_STREAM))),
    rule(eq(0, "domain", V(AF_INET6)), type_is(V(SOCK_DGRAM))),
    rule(eq(0, "domain", V(AF_INET6)), type_is(V(SOCK_STREAM))),
};
constexpr ArgRule kNetSetsockopt[] = {
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_REUSEADDR))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_RCVBUF))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_SNDBUF))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_TIMESTAMP))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_TIMESTAMPNS))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_TIMESTAMPING))),
    rule(eq(1, "level", V(SOL_SOCKET)), eq(2, "optname", V(SO_SELECT_ERR_QUEUE))),
    rule(eq(1, "level", V(IPPROTO_IP)), eq(2, "optname", V(IP_PKTINFO))),
    rule(eq(1, "level", V(IPPROTO_IP)), eq(2, "optname", V(IP_TOS))),
    rule(eq(1, "level", V(IPPROTO_IPV6)), eq(2, "optname", V(IPV6_RECVPKTINFO))),
    rule(eq(1, "level", V(IPPROTO_IPV6)), eq(2, "optname", V(IPV6_V6ONLY))),
    rule(eq(1, "level", V(IPPROTO_IPV6)), eq(2, "optname", V(IPV6_TCLASS))),
    rule(eq(1, "level", V(IPPROTO_TCP)), eq(2, "optname", V(TCP_NODELAY))),
};
constexpr ArgRule kSolSocket[] = {rule(eq(1, "level", V(SOL_SOCKET)))};
// FIONREAD, and refclock PHC's three read-only offset measurements (sys/phc.h) on its device,
// opened read-only before the sandbox: nothing that sets or adjusts a clock or configures pins.
constexpr ArgRule kNetIoctl[] = {
    rule(eq(1, "request", V(FIONREAD))),
    rule(eq(1, "request", V(PTP_SYS_OFFSET))),
    rule(eq(1, "request", V(PTP_SYS_OFFSET_EXTENDED))),
    rule(eq(1, "request", V(PTP_SYS_OFFSET_PRECISE))),
};

constexpr auto kNetOnly = std::to_array<AllowedSyscall>({
    {"socket", kNetSocket, "new ephemeral client sockets (NTP, NTS-KE TCP)", kAllow, false},
    {"bind", {}, "bind a client socket to an ephemeral port", kAllow, false},
    {"connect", {}, "connect client sockets (UDP source, NTS-KE TCP)", kAllow, false},
    {"setsockopt", kNetSetsockopt, "timestamps, pktinfo, DSCP, buffers on new sockets", kAllow,
     false},
    {"getsockopt", kSolSocket, "SO_ERROR after a non-blocking connect; read-only", kAllow, false},
    {"getsockname", {}, "local address of a client socket", kAllow, false},
    {"getpeername", {}, "peer of an accepted NTS-KE/control connection", kAllow, false},
    {"accept4", {}, "control socket and NTS-KE server connections", kAllow, false},
    {"shutdown", {}, "TLS close_notify then half-close (NTS-KE)", kAllow, false},
    {"recvfrom", {}, "UDP receive without ancillary data", kAllow, false},
    {"recvmmsg", {}, "batched UDP receive (server)", kAllow, false},
    {"sendmmsg", {}, "batched UDP send (server)", kAllow, false},
    {"ioctl", kNetIoctl, "size of the pending datagram; refclock PHC readings", kAllow, false},
    {"lseek", {}, "rewind a /proc fd opened before the sandbox", kAllow, false},
    {"pread64", {}, "re-read a /proc fd opened before the sandbox", kAllow, false},
    {"getppid", {}, "notice the parent has gone", kAllow, false},
});

// ---- dns -----------------------------------------------------------------------------------

// Read-only opens: NSS reads /etc/{nsswitch.conf,hosts,resolv.conf,host.conf,gai.conf}, and
// dlopen() of NSS modules reads /etc/ld.so.cache and the module.
constexpr ArgRule kOpenatReadOnly[] = {
    rule(without(2, "flags", static_cast<uint32_t>(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC),
                 "O_WRONLY|O_RDWR|O_CREAT|O_TRUNC"))};
constexpr ArgRule kOpenReadOnly[] = {
    rule(without(1, "flags", static_cast<uint32_t>(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC),
                 "O_WRONLY|O_RDWR|O_CREAT|O_TRUNC"))};
constexpr ArgRule kDnsSocket[] = {
    rule(eq(0, "domain", V(AF_INET)), type_is(V(SOCK_DGRAM))),
    rule(eq(0, "domain", V(AF_INET)), type_is(V(SOCK_STREAM))),
    rule(eq(0, "domain", V(AF_INET6)), type_is(V(SOCK_DGRAM))),
    rule(eq(0, "domain", V(AF_INET6)), type_is(V(SOCK_STREAM))),
    rule(eq(0, "domain", V(AF_UNIX)), type_is(V(SOCK_STREAM))),
    rule(eq(0, "domain", V(AF_UNIX)), type_is(V(SOCK_DGRAM))),
    rule(eq(0, "domain", V(AF_NETLINK)), type_is(V(SOCK_RAW)), eq(2, "protocol", V(NETLINK_ROUTE))),
};
// Executable mappings only of files and never writable (dlopen of an NSS module); mprotect
// never adds PROT_EXEC, so no page is ever both written and executed.
constexpr ArgRule kDnsMmapExec[] = {
    rule(masked(2, "prot & (PROT_EXEC|PROT_WRITE)", PROT_EXEC | PROT_WRITE, V(PROT_EXEC)),
         without(3, "flags", V(MAP_ANONYMOUS))),
};

constexpr auto kDnsOnly = std::to_array<AllowedSyscall>({
    {"openat", kOpenatReadOnly, "NSS reads /etc files and dlopen()s modules", kAllow, false},
    {"open", kOpenReadOnly, "the same for NSS modules using open(2) (x86_64)", kAllow, true},
    {"stat", {}, "NSS modules checking files (x86_64)", kAllow, true},
    {"lseek", {}, "nss_files rewinds /etc/hosts", kAllow, false},
    {"getdents64", {}, "list sourcedir directories for net's `reload sources`", kAllow, false},
    {"pread64", {}, "dlopen() reads ELF headers", kAllow, false},
    {"socket", kDnsSocket,
     "DNS over UDP/TCP, nscd/resolved unix sockets, AI_ADDRCONFIG via NETLINK_ROUTE", kAllow,
     false},
    {"bind", {}, "netlink socket for AI_ADDRCONFIG", kAllow, false},
    {"connect", {}, "resolver UDP/TCP to the name server, nscd, resolved", kAllow, false},
    {"getsockname", {}, "netlink port id; RFC 6724 source address sorting", kAllow, false},
    {"getpeername", {}, "NSS modules checking their unix peer", kAllow, false},
    {"setsockopt", {}, "resolver sets IP_RECVERR, modules vary; no caps, so nothing privileged",
     kAllow, false},
    {"getsockopt", {}, "NSS modules (SO_ERROR, SO_PEERCRED); read-only", kAllow, false},
    {"recvfrom", {}, "DNS replies", kAllow, false},
    {"sendmmsg", {}, "resolver sends A and AAAA queries together", kAllow, false},
    {"poll", {}, "resolver waits for replies (x86_64)", kAllow, true},
    {"ppoll", {}, "resolver waits for replies; NSS modules", kAllow, false},
    {"ioctl", kIoctlFionread, "resolver sizes the pending reply", kAllow, false},
    {"uname", {}, "res_init() reads the host name", kAllow, false},
    {"mmap", kDnsMmapExec, "dlopen() of NSS modules maps their code (read+exec)", kAllow, false},
});

// Killed at once, no report: what a compromised resolver would try first.
constexpr auto kDnsKill = std::to_array<AllowedSyscall>({
    {"execve", {}, "no new programs", kKill, false},
    {"execveat", {}, "no new programs", kKill, false},
    {"fork", {}, "no new processes (x86_64)", kKill, true},
    {"vfork", {}, "no new processes (x86_64)", kKill, true},
    {"clone", {}, "no new processes or threads", kKill, false},
    {"clone3", {}, "no new processes or threads", kKill, false},
    {"ptrace", {}, "no tracing", kKill, false},
    {"process_vm_readv", {}, "no access to other address spaces", kKill, false},
    {"process_vm_writev", {}, "no access to other address spaces", kKill, false},
    {"mount", {}, "no filesystem changes", kKill, false},
    {"umount2", {}, "no filesystem changes", kKill, false},
    {"pivot_root", {}, "no filesystem changes", kKill, false},
    {"chroot", {}, "no filesystem changes", kKill, false},
    {"unshare", {}, "no new namespaces (user namespaces need no privilege)", kKill, false},
    {"setns", {}, "no namespace changes", kKill, false},
    {"adjtimex", {}, "only the parent touches the clock", kKill, false},
    {"clock_adjtime", {}, "only the parent touches the clock", kKill, false},
    {"clock_settime", {}, "only the parent touches the clock", kKill, false},
    {"settimeofday", {}, "only the parent touches the clock", kKill, false},
    {"setuid", {}, "no identity changes", kKill, false},
    {"setgid", {}, "no identity changes", kKill, false},
    {"setreuid", {}, "no identity changes", kKill, false},
    {"setregid", {}, "no identity changes", kKill, false},
    {"setresuid", {}, "no identity changes", kKill, false},
    {"setresgid", {}, "no identity changes", kKill, false},
    {"setfsuid", {}, "no identity changes", kKill, false},
    {"setfsgid", {}, "no identity changes", kKill, false},
    {"setgroups", {}, "no identity changes", kKill, false},
    {"init_module", {}, "no kernel modules", kKill, false},
    {"finit_module", {}, "no kernel modules", kKill, false},
    {"delete_module", {}, "no kernel modules", kKill, false},
    {"reboot", {}, "no reboot", kKill, false},
    {"kexec_load", {}, "no kexec", kKill, false},
    {"kexec_file_load", {}, "no kexec", kKill, true},
    {"bpf", {}, "no BPF programs", kKill, false},
    {"perf_event_open", {}, "no perf events (side channels, kernel bugs)", kKill, false},
    {"keyctl", {}, "no kernel keyrings", kKill, false},
    {"add_key", {}, "no kernel keyrings", kKill, false},
    {"request_key", {}, "no kernel keyrings", kKill, false},
});

#undef V

constexpr auto kParentTable = join(kCommon, kParentOnly, kCommonKill);
constexpr auto kNetTable = join(kCommon, kNetOnly, kCommonKill);
constexpr auto kDnsTable = join(kCommon, kDnsOnly, kCommonKill, kDnsKill);

}  // namespace

std::span<const AllowedSyscall> allowed_syscalls(FilterRole role) {
  switch (role) {
    case FilterRole::kParent: return kParentTable;
    case FilterRole::kNet: return kNetTable;
    case FilterRole::kDns: return kDnsTable;
  }
  return {};
}

}  // namespace tempus::sys
