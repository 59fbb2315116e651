// SPDX-License-Identifier: ISC
// The seccomp tables and filters, exercised in forked children (no root needed: libseccomp sets
// no_new_privs). Every argument-filtered rule of every role is hit once allowed and once
// forbidden (CoversEveryArgumentRule checks that), and forbidden calls must end in SIGSYS with the
// report naming the syscall.
#include "sys/seccomp.h"
#include "sys/udp.h"
#include "sys/udp_batch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/ptp_clock.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace tempus::sys {
namespace {

// Sanitizer runtimes make syscalls of their own (mmap with PROT_EXEC, sigaltstack, /proc reads)
// that the filters rightly refuse, so filtered children cannot run under them. The release and
// test builds run these tests; the ASan/UBSan build skips them with this message.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#define SKIP_IF_SANITIZED() \
  if (kSanitized) GTEST_SKIP() << "filters cannot run under a sanitizer runtime"

// State a child prepares before its filter closes (fds, a grandchild to kill, a state dir).
struct Env {
  int epfd = -1;
  int dirfd = -1;
  pid_t grandchild = -1;
  pid_t ppid = -1;  // getppid() is not in every table
  char dir[64] = {};
};
Env g_env;

struct Outcome {
  pid_t pid = 0;
  bool exited = false;
  int code = -1;
  int sig = 0;
  std::vector<unsigned char> report;
};

// Forks; the child prepares g_env, installs the reporter (on a SOCK_SEQPACKET pair) and the
// role's filter, then runs body and exits with its return value.
Outcome run_in_role(FilterRole role, ReportKind kind, const std::function<int()>& body) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) std::abort();
  char dir[] = "/tmp/tempus-seccomp-XXXXXX";  // the parent role's state dir
  if (!mkdtemp(dir)) std::abort();
  const pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    close(sv[0]);
    g_env = Env{};
    g_env.epfd = epoll_create1(EPOLL_CLOEXEC);
    g_env.ppid = getppid();
    std::strcpy(g_env.dir, dir);
    g_env.dirfd = open(g_env.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FilterContext ctx;
    if (role == FilterRole::kParent) {
      const pid_t self = getpid();
      g_env.grandchild = fork();
      if (g_env.grandchild == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != self) _exit(0);  // the child died before prctl took effect
        pause();
        _exit(0);
      }
      ctx.child_pids = {g_env.grandchild};
      ctx.dir_fds = {g_env.dirfd};
    }
    ctx.self_pid = getpid();
    if (!install_sigsys_reporter(sv[1], kind)) _exit(102);
    if (auto s = install_filter(role, ctx); !s) {
      dprintf(2, "install_filter: %s\n", s.error().c_str());
      _exit(103);
    }
    _exit(body());
  }
  close(sv[1]);
  Outcome out;
  out.pid = pid;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exited = WIFEXITED(status);
  out.code = out.exited ? WEXITSTATUS(status) : -1;
  out.sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  unsigned char buf[256];
  const ssize_t n = recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);
  if (n > 0) out.report.assign(buf, buf + n);
  close(sv[0]);
  for (const char* f : {"drift.tmp", "drift", "x", "b"})
    unlinkat(AT_FDCWD, (std::string(dir) + "/" + f).c_str(), 0);
  rmdir(dir);
  return out;
}

uint32_t be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

int nr_of(std::string_view name) { return seccomp_syscall_resolve_name(std::string(name).c_str()); }

enum class Expect { kAllowed, kTrapped, kKilled };

struct Case {
  FilterRole role;
  std::string_view syscall;  // the argument-filtered (or forbidden) call this case exercises
  Expect expect;
  const char* what;
  std::function<int()> body;
};

// --- bodies ---------------------------------------------------------------------------------

int sock(int domain, int type, int protocol) {
  const int fd = socket(domain, type, protocol);
  if (fd >= 0) close(fd);
  return 0;  // allowed even if the kernel lacks the family (EAFNOSUPPORT)
}

int set_opt(int level, int opt) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int one = 1;
  setsockopt(fd, level, opt, &one, sizeof one);
  close(fd);
  return 0;
}

int get_opt(int domain, int level, int opt) {
  const int fd = socket(domain, SOCK_DGRAM, 0);
  int v = 0;
  socklen_t len = sizeof v;
  getsockopt(fd, level, opt, &v, &len);
  return 0;
}

int do_mmap(int prot, int flags, int fd) {
  void* p = mmap(nullptr, 4096, prot, flags, fd, 0);
  if (p != MAP_FAILED) munmap(p, 4096);
  return 0;
}

int do_mprotect(int prot) {
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 10;
  return mprotect(p, 4096, prot) == 0 ? 0 : 11;
}

extern "C" void on_usr1(int) {}

int sigaction_for(int sig) {
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  sigaction(sig, &sa, nullptr);
  return 0;
}

int raise_usr1() {
  struct sigaction sa {};
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) return 10;
  return raise(SIGUSR1) == 0 ? 0 : 11;
}

// tgkill with signal 0: if the filter failed to stop it, nothing is delivered anyway.
int tgkill_parent() { return static_cast<int>(syscall(SYS_tgkill, g_env.ppid, g_env.ppid, 0)) * 0; }

int fcntl_cmd(int cmd) {
  fcntl(0, cmd, 0);
  return 0;
}

int ioctl_req(unsigned long req) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  alignas(8) unsigned char arg[1024] = {};  // room for struct ptp_sys_offset
  ioctl(fd, req, arg);
  return 0;
}

int exec_true() {
  char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
  execve("/bin/true", argv, environ);
  return 0;
}

// An invalid request: EIO if the filter let it through.
int bad_ptrace() { return static_cast<int>(syscall(SYS_ptrace, -1L, 0, nullptr, nullptr)) * 0; }

int do_fork() {
  const pid_t p = fork();
  if (p == 0) _exit(0);
  return 0;
}

// A typical net loop iteration: UDP to itself, epoll, timestamps, clock.
int net_work() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return 10;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 11;
  socklen_t alen = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &alen) != 0) return 12;
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) return 13;
  if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0) return 14;
  const char msg[48] = {0x23};
  if (sendto(fd, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&a), alen) != sizeof msg)
    return 15;
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (epoll_ctl(g_env.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) return 16;
  epoll_event out[4];
  if (epoll_wait(g_env.epfd, out, 4, 1000) != 1) return 17;
  int pending = 0;
  if (ioctl(fd, FIONREAD, &pending) != 0 || pending != sizeof msg) return 18;
  char buf[64];
  if (recv(fd, buf, sizeof buf, 0) != sizeof msg) return 19;
  timespec ts{};
  if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0) return 20;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 21;
  const int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) return 22;
  std::vector<char> big(8 << 20, 'x');  // mmap-backed malloc
  close(fd);
  return big[100] == 'x' ? 0 : 23;
}

// The NTP server's hot path: batched receive with timestamps, batched replies, and the kernel's
// transmit timestamps from the error queue.
int server_batch_work() {
  auto s = tempus::sys::open_server_socket({tempus::core::IpAddress::loopback(tempus::core::IpFamily::kV4), 0});
  if (!s) return 30;
  sockaddr_in a{};
  socklen_t alen = sizeof a;
  if (getsockname(s->get(), reinterpret_cast<sockaddr*>(&a), &alen) != 0) return 31;
  const int c = socket(AF_INET, SOCK_DGRAM, 0);
  const char msg[48] = {0x23};
  if (c < 0 || sendto(c, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&a), alen) != sizeof msg)
    return 32;
  auto batch = std::make_unique<tempus::sys::ServerBatch>();
  for (int i = 0; i < 100; ++i) {
    auto n = batch->receive(s->get());
    if (n && *n == 1) break;
    if (!n && n.error().code != EAGAIN) return 33;
    usleep(1000);
  }
  if (batch->data(0).size() != sizeof msg) return 34;
  batch->queue_reply(0);
  batch->send_queued(s->get());
  if (!batch->sent(0)) return 35;
  for (int i = 0; i < 100; ++i) {
    if (!batch->receive_tx_timestamps(s->get()).empty()) return 0;
    usleep(1000);
  }
  return 36;
}

// The calls every role shares, with their argument filters.
std::vector<Case> common_cases(FilterRole r) {
  return {
      {r, "rt_sigaction", Expect::kAllowed, "SIGUSR1 handler",
       [] { return sigaction_for(SIGUSR1); }},
      {r, "rt_sigaction", Expect::kTrapped, "SIGWINCH handler",
       [] { return sigaction_for(SIGWINCH); }},
      {r, "rt_sigaction", Expect::kKilled, "SIGSYS handler", [] { return sigaction_for(SIGSYS); }},
      {r, "tgkill", Expect::kAllowed, "raise() at itself", raise_usr1},
      {r, "tgkill", Expect::kTrapped, "tgkill at the parent", tgkill_parent},
      {r, "mmap", Expect::kAllowed, "anonymous RW",
       [] { return do_mmap(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1); }},
      {r, "mmap", Expect::kTrapped, "anonymous RWX",
       [] { return do_mmap(PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1); }},
      {r, "mprotect", Expect::kAllowed, "to read-only", [] { return do_mprotect(PROT_READ); }},
      {r, "mprotect", Expect::kTrapped, "to executable",
       [] { return do_mprotect(PROT_READ | PROT_EXEC); }},
      {r, "fcntl", Expect::kAllowed, "F_GETFD", [] { return fcntl_cmd(F_GETFD); }},
      {r, "fcntl", Expect::kTrapped, "F_DUPFD", [] { return fcntl_cmd(F_DUPFD); }},
  };
}

std::vector<Case> all_cases() {
  std::vector<Case> c;
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns})
    for (Case& x : common_cases(r)) c.push_back(std::move(x));
  const auto P = FilterRole::kParent;
  const auto N = FilterRole::kNet;
  const auto D = FilterRole::kDns;
  const auto A = Expect::kAllowed;
  const auto T = Expect::kTrapped;
  const auto K = Expect::kKilled;
  std::vector<Case> more = {
      // net
      {N, "socket", A, "AF_INET6 TCP", [] { return sock(AF_INET6, SOCK_STREAM, 0); }},
      {N, "socket", T, "AF_PACKET", [] { return sock(AF_PACKET, SOCK_RAW, 0); }},
      {N, "socket", T, "AF_NETLINK", [] { return sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }},
      {N, "socket", T, "AF_UNIX", [] { return sock(AF_UNIX, SOCK_DGRAM, 0); }},
      {N, "socket", A, "AF_INET UDP, non-blocking",
       [] { return sock(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }},
      {N, "socket", T, "AF_INET raw", [] { return sock(AF_INET, SOCK_RAW, IPPROTO_ICMP); }},
      {N, "socket", T, "AF_INET6 SEQPACKET", [] { return sock(AF_INET6, SOCK_SEQPACKET, 0); }},
      {N, "setsockopt", A, "IPV6_V6ONLY",
       [] {
         const int fd = socket(AF_INET6, SOCK_DGRAM, 0);
         const int one = 1;
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
         return 0;
       }},
      {N, "setsockopt", A, "TCP_NODELAY", [] { return set_opt(IPPROTO_TCP, TCP_NODELAY); }},
      {N, "setsockopt", A, "SO_TIMESTAMPING", [] { return set_opt(SOL_SOCKET, SO_TIMESTAMPING); }},
      {N, "setsockopt", T, "SO_BROADCAST", [] { return set_opt(SOL_SOCKET, SO_BROADCAST); }},
      {N, "setsockopt", T, "IP_TTL", [] { return set_opt(IPPROTO_IP, IP_TTL); }},
      {N, "setsockopt", T, "SO_BINDTODEVICE", [] { return set_opt(SOL_SOCKET, SO_BINDTODEVICE); }},
      {N, "getsockopt", A, "SO_ERROR", [] { return get_opt(AF_INET, SOL_SOCKET, SO_ERROR); }},
      {N, "getsockopt", T, "TCP_INFO", [] { return get_opt(AF_INET, IPPROTO_TCP, TCP_INFO); }},
      {N, "ioctl", A, "FIONREAD", [] { return ioctl_req(FIONREAD); }},
      {N, "ioctl", T, "SIOCGIFCONF", [] { return ioctl_req(SIOCGIFCONF); }},
      // refclock PHC: the three offset readings pass (a socket answers ENOTTY); a PHC's other
      // requests, which set pins or enable outputs, and PTP_SYS_OFFSET's newer twin do not.
      {N, "ioctl", A, "PTP_SYS_OFFSET", [] { return ioctl_req(PTP_SYS_OFFSET); }},
      {N, "ioctl", A, "PTP_SYS_OFFSET_EXTENDED", [] { return ioctl_req(PTP_SYS_OFFSET_EXTENDED); }},
      {N, "ioctl", A, "PTP_SYS_OFFSET_PRECISE", [] { return ioctl_req(PTP_SYS_OFFSET_PRECISE); }},
      {N, "ioctl", T, "PTP_PIN_SETFUNC", [] { return ioctl_req(PTP_PIN_SETFUNC); }},
      {N, "ioctl", T, "PTP_ENABLE_PPS", [] { return ioctl_req(PTP_ENABLE_PPS); }},
      {N, "ioctl", T, "PTP_SYS_OFFSET2", [] { return ioctl_req(PTP_SYS_OFFSET2); }},
      {D, "ioctl", T, "PTP_SYS_OFFSET (dns)", [] { return ioctl_req(PTP_SYS_OFFSET); }},
      {N, "execve", T, "execve", exec_true},
#ifdef __x86_64__
      // The x32 ABI shares AUDIT_ARCH_X86_64; its numbers carry bit 30 and must not slip through.
      {N, "x32 getpid", K, "x32 ABI",
       [] { return static_cast<int>(syscall(0x40000000 | SYS_getpid)) * 0; }},
#endif
      {N, "clone", T, "fork", do_fork},
      {N, "ptrace", T, "ptrace", bad_ptrace},
      {N, "openat", T, "open a file", [] { return open("/etc/hosts", O_RDONLY) * 0; }},
      // parent
      {P, "clock_adjtime", A, "read CLOCK_REALTIME",
       [] {
         timex tx{};  // modes = 0: read only
         return syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) >= 0 || errno == EPERM ? 0 : 10;
       }},
      {P, "clock_adjtime", T, "CLOCK_TAI",
       [] {
         timex tx{};
         return static_cast<int>(syscall(SYS_clock_adjtime, CLOCK_TAI, &tx)) * 0;
       }},
      {P, "adjtimex", A, "read only",
       [] {
         timex tx{};
         return syscall(SYS_adjtimex, &tx) >= 0 || errno == EPERM ? 0 : 10;
       }},
      // A null timespec: EFAULT before the kernel could touch the clock.
      {P, "clock_settime", A, "CLOCK_REALTIME, null",
       [] { return syscall(SYS_clock_settime, CLOCK_REALTIME, nullptr) == -1 ? 0 : 10; }},
      {P, "clock_settime", T, "CLOCK_MONOTONIC, null",
       [] { return static_cast<int>(syscall(SYS_clock_settime, CLOCK_MONOTONIC, nullptr)) * 0; }},
      {P, "openat", A, "state dir, O_NOFOLLOW",
       [] {
         const int fd =
             openat(g_env.dirfd, "drift.tmp", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
         if (fd < 0) return 10;
         if (write(fd, "1.0\n", 4) != 4 || fsync(fd) != 0) return 11;
         close(fd);
         if (renameat(g_env.dirfd, "drift.tmp", g_env.dirfd, "drift") != 0) return 12;
         return unlinkat(g_env.dirfd, "drift", 0) == 0 ? 0 : 13;
       }},
      {P, "openat", T, "state dir without O_NOFOLLOW",
       [] { return openat(g_env.dirfd, "x", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) * 0; }},
      {P, "openat", T, "AT_FDCWD", [] { return open("/etc/hosts", O_RDONLY | O_NOFOLLOW) * 0; }},
#ifdef SYS_renameat
      {P, "renameat", A, "within the state dir",
       [] {
         return renameat(g_env.dirfd, "nonexistent", g_env.dirfd, "b") == -1 && errno == ENOENT
                    ? 0
                    : 10;
       }},
      {P, "renameat", T, "to AT_FDCWD",
       [] { return renameat(g_env.dirfd, "nonexistent", AT_FDCWD, "/tmp/x") * 0; }},
#endif
      {P, "renameat2", A, "within the state dir",
       [] {
         return static_cast<int>(syscall(SYS_renameat2, g_env.dirfd, "nonexistent", g_env.dirfd,
                                         "b", 0)) == -1 &&
                        errno == ENOENT
                    ? 0
                    : 10;
       }},
      {P, "renameat2", T, "from AT_FDCWD",
       [] {
         return static_cast<int>(
                    syscall(SYS_renameat2, AT_FDCWD, "/nonexistent", g_env.dirfd, "b", 0)) *
                0;
       }},
      {P, "unlinkat", A, "in the state dir",
       [] { return unlinkat(g_env.dirfd, "nonexistent", 0) == -1 && errno == ENOENT ? 0 : 10; }},
      {P, "unlinkat", T, "AT_FDCWD", [] { return unlinkat(AT_FDCWD, "/nonexistent", 0) * 0; }},
      {P, "kill", A, "the child",
       [] {
         if (kill(g_env.grandchild, SIGKILL) != 0) return 10;
         int st = 0;
         return waitpid(g_env.grandchild, &st, 0) == g_env.grandchild && WIFSIGNALED(st) ? 0 : 11;
       }},
      {P, "kill", T, "someone else (signal 0)", [] { return kill(g_env.ppid, 0) * 0; }},
      {P, "socket", A, "AF_UNIX datagram",
       [] { return sock(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); }},
      {P, "socket", T, "AF_UNIX stream", [] { return sock(AF_UNIX, SOCK_STREAM, 0); }},
      {P, "socket", T, "AF_INET datagram", [] { return sock(AF_INET, SOCK_DGRAM, 0); }},
      {P, "setsockopt", A, "SO_SNDBUF",
       [] {
         const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
         int v = 1 << 20;
         return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) == 0 ? 0 : 10;
       }},
      {P, "setsockopt", T, "SO_RCVBUF",
       [] {
         const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
         int v = 1 << 20;
         return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) * 0;
       }},
      {P, "getsockopt", A, "SO_SNDBUF", [] { return get_opt(AF_UNIX, SOL_SOCKET, SO_SNDBUF); }},
      {P, "getsockopt", T, "SO_TYPE", [] { return get_opt(AF_UNIX, SOL_SOCKET, SO_TYPE); }},
      {P, "clone", T, "fork", do_fork},
      {P, "execve", T, "execve", exec_true},
      // dns
      {D, "openat", A, "/etc/hosts read-only",
       [] {
         const int fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC);
         return fd >= 0 ? 0 : 10;
       }},
      {D, "openat", T, "write a file",
       [] { return open("/tmp/tempus-seccomp-never", O_WRONLY | O_CREAT, 0600) * 0; }},
#ifdef SYS_open
      {D, "open", A, "/etc/hosts read-only",
       [] { return syscall(SYS_open, "/etc/hosts", O_RDONLY | O_CLOEXEC) >= 0 ? 0 : 10; }},
      {D, "open", T, "write a file",
       [] {
         return static_cast<int>(
                    syscall(SYS_open, "/tmp/tempus-seccomp-never", O_RDWR | O_CREAT, 0600)) *
                0;
       }},
#endif
      {D, "socket", A, "NETLINK_ROUTE", [] { return sock(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }},
      {D, "socket", A, "AF_UNIX stream", [] { return sock(AF_UNIX, SOCK_STREAM, 0); }},
      {D, "socket", T, "NETLINK_AUDIT", [] { return sock(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT); }},
      {D, "socket", T, "AF_PACKET", [] { return sock(AF_PACKET, SOCK_RAW, 0); }},
      {D, "socket", A, "AF_INET6 UDP, non-blocking",
       [] { return sock(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }},
      {D, "socket", T, "AF_INET raw", [] { return sock(AF_INET, SOCK_RAW, IPPROTO_ICMP); }},
      {D, "socket", T, "NETLINK_ROUTE datagram",
       [] { return sock(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE); }},
      {D, "mmap", A, "file read+exec",
       [] {
         const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
         return do_mmap(PROT_READ | PROT_EXEC, MAP_PRIVATE, fd);
       }},
      {D, "mmap", T, "file write+exec",
       [] {
         const int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
         return do_mmap(PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE, fd);
       }},
      {D, "ioctl", A, "FIONREAD", [] { return ioctl_req(FIONREAD); }},
      {D, "ioctl", T, "TIOCSTI", [] { return ioctl_req(TIOCSTI); }},
      {D, "execve", K, "execve", exec_true},
      {D, "clone", K, "fork", do_fork},
      {D, "ptrace", K, "ptrace", bad_ptrace},
      {D, "clock_settime", K, "CLOCK_REALTIME, null",
       [] { return static_cast<int>(syscall(SYS_clock_settime, CLOCK_REALTIME, nullptr)) * 0; }},
      {D, "adjtimex", K, "read only",
       [] {
         timex tx{};
         return static_cast<int>(syscall(SYS_adjtimex, &tx)) * 0;
       }},
      {D, "setresuid", K, "keep ids",
       [] { return static_cast<int>(syscall(SYS_setresuid, -1, -1, -1)) * 0; }},
      {D, "unshare", K, "user namespace", [] { return unshare(CLONE_NEWUSER) * 0; }},
      {D, "kill", T, "not in the table", [] { return kill(g_env.ppid, 0) * 0; }},
  };
  for (Case& x : more) c.push_back(std::move(x));
  return c;
}

std::string case_name(const Case& c) {
  return std::string(to_string(c.role)) + " " + std::string(c.syscall) + " (" + c.what + ")";
}

void check(const Case& c, const Outcome& o) {
  SCOPED_TRACE(case_name(c));
  switch (c.expect) {
    case Expect::kAllowed:
      EXPECT_TRUE(o.exited) << "died of signal " << o.sig;
      EXPECT_EQ(o.code, 0);
      EXPECT_TRUE(o.report.empty());
      break;
    case Expect::kTrapped: {
      EXPECT_EQ(o.sig, SIGSYS) << "exited " << o.exited << " code " << o.code;
      ASSERT_EQ(o.report.size(), kSeccompViolationFrameLen);
      const unsigned char* p = o.report.data();
      EXPECT_EQ(be32(p), kSeccompViolationType);
      EXPECT_EQ(be32(p + 4), kSeccompViolationFrameLen);
      EXPECT_EQ(be32(p + 8), 0u);
      EXPECT_EQ(be32(p + 12), static_cast<uint32_t>(o.pid));
      EXPECT_EQ(be32(p + 16), static_cast<uint32_t>(nr_of(c.syscall)))
          << "got " << syscall_name(static_cast<int>(be32(p + 16)));
      EXPECT_EQ(be32(p + 20), seccomp_arch_native());
      break;
    }
    case Expect::kKilled:
      EXPECT_EQ(o.sig, SIGSYS) << "exited " << o.exited << " code " << o.code;
      EXPECT_TRUE(o.report.empty()) << "a kill rule must not run the handler";
      break;
  }
}

TEST(SeccompFilter, EveryCase) {
  SKIP_IF_SANITIZED();
  for (const Case& c : all_cases()) check(c, run_in_role(c.role, ReportKind::kIpcFrame, c.body));
}

// Every argument-filtered allow rule is exercised both ways for its role, and every kill entry at
// least once per role that has it (the dns kill list by sample: the important ones). Each ioctl
// request number opens its own kernel path, so each allowed one has a case of its own (named by
// the request in `what`).
TEST(SeccompFilter, CoversEveryArgumentRule) {
  std::set<std::tuple<FilterRole, std::string_view, Expect>> seen;
  std::set<std::pair<FilterRole, std::string_view>> ioctls_allowed;
  for (const Case& c : all_cases()) {
    seen.insert({c.role, c.syscall, c.expect});
    if (c.syscall == "ioctl" && c.expect == Expect::kAllowed) ioctls_allowed.insert({c.role, c.what});
  }
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns}) {
    for (const AllowedSyscall& s : allowed_syscalls(r)) {
      if (s.name != "ioctl" || s.action != RuleAction::kAllow) continue;
      for (const ArgRule& rule : s.rules) {
        EXPECT_TRUE(ioctls_allowed.count({r, rule.cmp[0].value_name}))
            << to_string(r) << " ioctl " << rule.cmp[0].value_name;
      }
    }
  }
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns}) {
    for (const AllowedSyscall& s : allowed_syscalls(r)) {
      if (s.rules.empty() || s.action != RuleAction::kAllow) continue;
      if (s.optional && nr_of(s.name) < 0) continue;
      EXPECT_TRUE(seen.count({r, s.name, Expect::kAllowed})) << to_string(r) << " " << s.name;
      EXPECT_TRUE(seen.count({r, s.name, Expect::kTrapped})) << to_string(r) << " " << s.name;
    }
  }
}

TEST(SeccompFilter, NetDoesItsWork) {
  SKIP_IF_SANITIZED();
  check({FilterRole::kNet, "-", Expect::kAllowed, "UDP loop", net_work},
        run_in_role(FilterRole::kNet, ReportKind::kIpcFrame, net_work));
}

TEST(SeccompFilter, NetServesABatch) {
  SKIP_IF_SANITIZED();
  check({FilterRole::kNet, "-", Expect::kAllowed, "server batch", server_batch_work},
        run_in_role(FilterRole::kNet, ReportKind::kIpcFrame, server_batch_work));
}

TEST(SeccompFilter, DnsResolvesLocalhost) {
  SKIP_IF_SANITIZED();
  const auto body = [] {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* res = nullptr;
    // Twice: the first pass loads nsswitch.conf and /etc/hosts, the second uses the caches.
    for (int i = 0; i < 2; ++i) {
      if (getaddrinfo("localhost", "123", &hints, &res) != 0 || !res) return 10;
      freeaddrinfo(res);
    }
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo("127.0.0.1", "123", &hints, &res) != 0) return 11;
    freeaddrinfo(res);
    return 0;
  };
  check({FilterRole::kDns, "-", Expect::kAllowed, "getaddrinfo", body},
        run_in_role(FilterRole::kDns, ReportKind::kIpcFrame, body));
}

TEST(SeccompFilter, ParentReportsAsText) {
  SKIP_IF_SANITIZED();
  const Outcome o = run_in_role(FilterRole::kParent, ReportKind::kText, do_fork);
  EXPECT_EQ(o.sig, SIGSYS);
  const std::string line(o.report.begin(), o.report.end());
  char want[96];
  std::snprintf(want, sizeof want, "tempusd: seccomp: forbidden syscall %d (arch 0x%08x)\n",
                nr_of("clone"), seccomp_arch_native());
  EXPECT_EQ(line, want);
}

TEST(SeccompFilter, ReporterWithoutFilterStillDiesOfSigsys) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!install_sigsys_reporter(sv[1], ReportKind::kIpcFrame)) _exit(1);
    raise(SIGSYS);  // not from seccomp: still reported and fatal
    _exit(0);
  }
  int st = 0;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
  unsigned char buf[64];
  EXPECT_EQ(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), 24);
  close(sv[0]);
  close(sv[1]);
}

TEST(SeccompFilter, RefusesMissingSelfPid) {
  // Fails before anything is loaded, so it is safe in the test process itself.
  const auto s = install_filter(FilterRole::kNet, FilterContext{});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "FilterContext.self_pid not set");
}

TEST(SeccompTable, EntriesAreWellFormed) {
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns}) {
    std::set<std::pair<std::string_view, RuleAction>> unconditional, any;
    for (const AllowedSyscall& s : allowed_syscalls(r)) {
      SCOPED_TRACE(std::string(to_string(r)) + " " + std::string(s.name));
      EXPECT_FALSE(s.reason.empty());
      EXPECT_LE(s.reason.size(), 80u) << "keep reasons to one short line";
      if (!s.optional) {
        EXPECT_GE(nr_of(s.name), 0) << "not a syscall on this architecture";
      }
      // An unconditional entry would swallow any argument rule for the same call.
      if (s.rules.empty()) {
        EXPECT_TRUE(unconditional.insert({s.name, s.action}).second);
      }
      EXPECT_FALSE(s.rules.empty() && any.count({s.name, s.action}));
      any.insert({s.name, s.action});
      for (const ArgRule& rule : s.rules) {
        EXPECT_GE(rule.count, 1);
        EXPECT_LE(rule.count, 3);
        for (uint8_t i = 0; i < rule.count; ++i) {
          EXPECT_LE(rule.cmp[i].arg, 5);
          EXPECT_FALSE(rule.cmp[i].arg_name.empty());
          EXPECT_FALSE(rule.cmp[i].value_name.empty());
        }
      }
    }
  }
}

TEST(SeccompTable, NoRoleMayChangeTheClockButTheParent) {
  for (FilterRole r : {FilterRole::kNet, FilterRole::kDns})
    for (const AllowedSyscall& s : allowed_syscalls(r))
      for (std::string_view bad :
           {"adjtimex", "clock_adjtime", "clock_settime", "settimeofday", "execve", "execveat",
            "fork", "vfork", "clone", "clone3", "ptrace", "kill"})
        EXPECT_FALSE(s.name == bad && s.action == RuleAction::kAllow)
            << to_string(r) << " allows " << bad;
}

// glibc implements adjtimex()/ntp_adjtime() with clock_adjtime(CLOCK_REALTIME); other C
// libraries call adjtimex directly: the parent allows both, and no role maps executable memory
// but dns's file-backed NSS modules.
TEST(SeccompTable, ParentHasBothClockCallsAndNoRoleWritesCode) {
  auto find = [](FilterRole r, std::string_view name) -> const AllowedSyscall* {
    for (const AllowedSyscall& s : allowed_syscalls(r))
      if (s.name == name && s.action == RuleAction::kAllow) return &s;
    return nullptr;
  };
  ASSERT_NE(find(FilterRole::kParent, "adjtimex"), nullptr);
  ASSERT_NE(find(FilterRole::kParent, "clock_adjtime"), nullptr);
  EXPECT_EQ(describe_args(*find(FilterRole::kParent, "clock_adjtime")),
            "clockid == CLOCK_REALTIME");
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns})
    EXPECT_EQ(describe_args(*find(r, "mprotect")), "prot without PROT_EXEC") << to_string(r);
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet})
    EXPECT_EQ(describe_args(*find(r, "mmap")), "prot without PROT_EXEC") << to_string(r);
}

TEST(SeccompTable, DescribesArguments) {
  auto find = [](FilterRole r, std::string_view name) {
    for (const AllowedSyscall& s : allowed_syscalls(r))
      if (s.name == name && s.action == RuleAction::kAllow) return describe_args(s);
    return std::string("missing");
  };
  EXPECT_EQ(find(FilterRole::kNet, "socket"),
            "(domain, type & 0xf) in {(AF_INET, SOCK_DGRAM), (AF_INET, SOCK_STREAM), "
            "(AF_INET6, SOCK_DGRAM), (AF_INET6, SOCK_STREAM)}");
  EXPECT_EQ(find(FilterRole::kNet, "fcntl"), "cmd in {F_GETFL, F_SETFL, F_GETFD, F_SETFD}");
  EXPECT_EQ(find(FilterRole::kNet, "ioctl"),
            "request in {FIONREAD, PTP_SYS_OFFSET, PTP_SYS_OFFSET_EXTENDED, "
            "PTP_SYS_OFFSET_PRECISE}");
  EXPECT_EQ(find(FilterRole::kDns, "ioctl"), "request == FIONREAD");
  EXPECT_EQ(find(FilterRole::kNet, "read"), "any");
  EXPECT_EQ(find(FilterRole::kNet, "mprotect"), "prot without PROT_EXEC");
  EXPECT_EQ(find(FilterRole::kParent, "kill"), "pid == child pid");
  EXPECT_EQ(find(FilterRole::kParent, "socket"), "domain == AF_UNIX && type & 0xf == SOCK_DGRAM");
  const std::string so = find(FilterRole::kNet, "setsockopt");
  EXPECT_EQ(so.rfind("(level, optname) in {(SOL_SOCKET, SO_REUSEADDR), ", 0), 0u) << so;
  const std::string table = format_table(FilterRole::kDns);
  EXPECT_NE(table.find("execve\tkill\tany\tno new programs\n"), std::string::npos);
}

TEST(SeccompNames, ResolvesNativeNumbers) {
  EXPECT_EQ(syscall_name(nr_of("execve")), "execve");
  EXPECT_EQ(syscall_name(SYS_clock_settime), "clock_settime");
  EXPECT_EQ(
      syscall_name(SYS_execve, AUDIT_ARCH_X86_64 == seccomp_arch_native() ? AUDIT_ARCH_X86_64
                                                                          : seccomp_arch_native()),
      "execve");
  EXPECT_EQ(syscall_name(99999), "syscall 99999");
}

}  // namespace
}  // namespace tempus::sys
