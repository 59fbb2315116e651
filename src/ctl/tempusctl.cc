// SPDX-License-Identifier: ISC
// tempusctl: chronyc's monitoring commands and reports on chrony's command protocol (the Unix
// socket -h, default /run/chrony/chronyd.sock), plus ntpstat's `status`, Prometheus `metrics`,
// and the commands of tempusd's own control socket (-s): processes, state, filters. Usage and
// every report: tempusctl(8).
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/refid.h"
#include "ctl/cmdmon_client.h"
#include "ctl/commands.h"
#include "ipc/unique_fd.h"
#include "proc/options.h"
#include "sys/procstatus.h"
#include "sys/seccomp.h"
#include "tempus_build.h"

namespace {

using tempus::ipc::UniqueFd;

constexpr const char* kDefaultCmdSocket = "/run/chrony/chronyd.sock";
constexpr int kTimeoutMs = 5000;
constexpr size_t kMaxReply = 1 << 20;

volatile sig_atomic_t quit = 0;
void on_signal(int) { quit = 1; }

void usage() {
  std::fputs(
      "Usage: tempusctl [-h SOCKET] [-s SOCKET] [-c|-j] [-n] [-N] COMMAND [ARGS]\n"
      "Reports as chronyc prints them (chrony's command protocol on -h):\n"
      "  tracking, sources [-a] [-v], sourcestats [-a] [-v], selectdata [-a] [-v],\n"
      "  authdata [-a] [-v], ntpdata [ADDRESS], sourcename ADDRESS, activity, serverstats,\n"
      "  clients [-p N] [-k] [-r], smoothing, rtcdata, manual list,\n"
      "  waitsync [MAX-TRIES [MAX-CORRECTION [MAX-SKEW [INTERVAL]]]]\n"
      "chronyc's commands that change the daemon's state (\"200 OK\" or the status):\n"
      "  online [ADDR|MASK/ADDR], offline [ADDR|MASK/ADDR], onoffline,\n"
      "  burst GOOD/MAX [ADDR|MASK/ADDR], makestep [THRESHOLD LIMIT],\n"
      "  add server|pool|peer NAME [OPTIONS], delete ADDR, reload sources,\n"
      "  local [stratum N] [orphan] [distance D], local off, rekey, cyclelogs, dump,\n"
      "  allow|deny|cmdallow|cmddeny [all] [SUBNET], accheck|cmdaccheck ADDR,\n"
      "  reselect, refresh, reset sources, shutdown\n"
      "  status [-m MAXERROR]  as ntpstat (exit 0 synchronised, 1 not, 2 no daemon)\n"
      "  metrics       Prometheus text exposition\n"
      "tempusd's control socket (-s):\n"
      "  processes     the daemon's processes with their privileges\n"
      "  state [-j]    the daemon's state as JSON (-j: compact)\n"
      "  filters [ROLE]  the seccomp filter of parent, net and dns (or of ROLE)\n"
      "Options:\n"
      "  -h SOCKET     command socket (default /run/chrony/chronyd.sock)\n"
      "  -s SOCKET     control socket (default /run/tempus/tempusd.sock)\n"
      "  -c            CSV, as chronyc -c\n"
      "  -j            JSON\n"
      "  -n            no reverse DNS\n"
      "  -N            the names sources were configured with\n"
      "  -v            version\n",
      stderr);
}

// One request, one reply on the control socket: nullopt when the daemon cannot be reached or
// does not answer in time.
std::optional<std::string> ask(const std::string& path, const std::string& request) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) return std::nullopt;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd || connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0)
    return std::nullopt;
  const std::string line = request + "\n";
  if (write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return std::nullopt;
  std::string reply;
  char buf[4096];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    if (poll(&p, 1, kTimeoutMs) <= 0) return std::nullopt;
    const ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    reply.append(buf, static_cast<size_t>(n));
    if (reply.size() > kMaxReply) return std::nullopt;
  }
  return reply;
}

std::optional<nlohmann::json> ask_json(const std::string& path, const std::string& request) {
  auto reply = ask(path, request);
  if (!reply) return std::nullopt;
  auto j = nlohmann::json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.contains("error")) return std::nullopt;
  return j;
}

int no_control_socket() {
  std::puts("Unable to talk to NTP daemon. Is it running?");
  return 2;
}

int cmd_processes(const std::string& path) {
  auto j = ask_json(path, "state");
  if (!j) return no_control_socket();
  std::printf("%-7s %7s %6s  %-22s %-8s %-10s %s\n", "ROLE", "PID", "UID", "CAPABILITIES",
              "SECCOMP", "NONEWPRIVS", "ROOT");
  int rc = 0;
  for (const auto& p : (*j)["processes"]) {
    const std::string role = p.value("role", "?");
    const int pid = p.value("pid", 0);
    auto st = tempus::sys::read_process_status(pid);
    if (pid <= 0 || !st) {
      std::printf("%-7s %7d  (cannot read /proc/%d: %s)\n", role.c_str(), pid, pid,
                  st ? "no pid" : st.error().c_str());
      rc = 1;
      continue;
    }
    const auto& ps = st->status;
    const std::string caps = ps.cap_eff == 0 ? "-" : tempus::sys::cap_names(ps.cap_eff);
    const char* seccomp = ps.seccomp == 2 ? "filter" : ps.seccomp == 1 ? "strict" : "off";
    std::printf("%-7s %7d %6u  %-22s %-8s %-10d %s\n", role.c_str(), pid, ps.uid[1], caps.c_str(),
                seccomp, ps.no_new_privs ? 1 : 0, st->root.empty() ? "?" : st->root.c_str());
  }
  return rc;
}

// The processes' health for metrics, read as `processes` reads it.
std::vector<tempus::core::chronyc::MetricsInput::Process> process_health(const std::string& path) {
  std::vector<tempus::core::chronyc::MetricsInput::Process> out;
  auto j = ask_json(path, "state");
  if (!j || !j->contains("processes") || !(*j)["processes"].is_array()) return out;
  for (const auto& p : (*j)["processes"]) {
    tempus::core::chronyc::MetricsInput::Process h;
    h.role = p.value("role", "?");
    h.pid = p.value("pid", 0);
    if (h.pid > 0)
      if (auto st = tempus::sys::read_process_status(static_cast<pid_t>(h.pid))) {
        h.readable = true;
        h.uid = st->status.uid[1];
        h.cap_eff = st->status.cap_eff;
        h.seccomp = st->status.seccomp;
        h.no_new_privs = st->status.no_new_privs;
      }
    out.push_back(h);
  }
  return out;
}

int cmd_state(const std::string& path, bool compact) {
  auto j = ask_json(path, "state");
  if (!j) return no_control_socket();
  std::puts(compact ? j->dump().c_str() : j->dump(2).c_str());
  return 0;
}

int cmd_filters(std::string_view only) {
  using tempus::sys::FilterRole;
  bool any = false;
  for (FilterRole r : {FilterRole::kParent, FilterRole::kNet, FilterRole::kDns}) {
    if (!only.empty() && only != tempus::sys::to_string(r)) continue;
    any = true;
    std::printf("# %.*s: syscall, action, arguments, reason\n%s\n",
                static_cast<int>(tempus::sys::to_string(r).size()), tempus::sys::to_string(r).data(),
                tempus::sys::format_table(r).c_str());
  }
  if (!any) {
    std::fprintf(stderr, "tempusctl: no role '%.*s' (parent, net, dns)\n",
                 static_cast<int>(only.size()), only.data());
    return 2;
  }
  return 0;
}

// Reverse DNS as chronyc's DNS_IPAddress2Name (getnameinfo); nullopt: no name.
std::optional<std::string> reverse_name(const tempus::core::IpAddress& a) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (a.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, a.bytes().data(), 4);
    len = sizeof *sin;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, a.bytes().data(), 16);
    len = sizeof *sin6;
  }
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                  NI_NAMEREQD) != 0)
    return std::nullopt;
  return std::string(host);
}

// A name's first address as chronyc's DNS_Name2IPAddress (getaddrinfo, any family).
std::optional<tempus::core::IpAddress> resolve_name(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0) return std::nullopt;
  std::optional<tempus::core::IpAddress> out;
  for (addrinfo* ai = res; ai && !out; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      out = tempus::core::IpAddress::v4(ntohl(sin->sin_addr.s_addr));
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      std::array<uint8_t, 16> b{};
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      out = tempus::core::IpAddress::v6(b);
    }
  }
  freeaddrinfo(res);
  return out;
}

void flush(tempus::ctl::Session& s) {
  std::fwrite(s.out.data(), 1, s.out.size(), stdout);
  std::fwrite(s.err.data(), 1, s.err.size(), stderr);
  std::fflush(stdout);
  s.out.clear();
  s.err.clear();
}

int run_cmdmon(const std::string& cmd_path, const std::string& control_path,
               tempus::ctl::Session& s, const std::vector<std::string>& words) {
  const std::string& name = words[0];
  std::string error;
  auto client = tempus::ctl::CmdmonClient::open(cmd_path, error);
  if (client) {
    s.ask = [&client](const tempus::core::cmdmon::Request& q) { return client->ask(q); };
  } else {
    s.ask = [](const tempus::core::cmdmon::Request&) {
      return std::optional<tempus::core::cmdmon::Reply>();
    };
    // chronyc stops before any command when it cannot open its socket.
    if (name != "status" && name != "metrics") {
      std::fprintf(stderr, "Could not open connection to daemon (%s)\n", error.c_str());
      return 1;
    }
  }
  s.sleep = [&s](double seconds) {
    flush(s);
    const double whole = std::floor(seconds);
    timespec ts{static_cast<time_t>(whole), static_cast<long>((seconds - whole) * 1e9)};
    if (!quit) nanosleep(&ts, nullptr);
    return quit == 0;
  };
  s.processes = [&control_path] { return process_health(control_path); };
  const int rc = tempus::ctl::run_command(s, words);
  flush(s);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::string control_path = tempus::proc::kDefaultControlSocket;
  std::string cmd_path = kDefaultCmdSocket;
  tempus::ctl::Session session;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with('-'); ++i) {
    const std::string_view a = args[i];
    if (a == "-s" && i + 1 < args.size()) {
      control_path = std::string(args[++i]);
    } else if (a == "-h" && i + 1 < args.size()) {
      cmd_path = std::string(args[++i]);
    } else if (a == "-c") {
      session.naming.csv = true;
    } else if (a == "-j") {
      session.json = true;
    } else if (a == "-n") {
      session.naming.numeric = true;
    } else if (a == "-N") {
      session.naming.source_names = true;
    } else if (a == "-v" || a == "--version") {
      std::printf("tempusctl (tempus) %s\n", TEMPUS_VERSION);
      return 0;
    } else {
      usage();
      return 2;
    }
  }
  if (i >= args.size()) {
    usage();
    return 2;
  }
  if (session.json && session.naming.csv) {
    std::fputs("tempusctl: -c and -j exclude each other\n", stderr);
    return 2;
  }
  const std::string_view cmd = args[i];
  const bool json_flag = i + 1 < args.size() && args[i + 1] == "-j";
  if (cmd == "processes") return cmd_processes(control_path);
  if (cmd == "state") return cmd_state(control_path, json_flag);
  if (cmd == "filters") return cmd_filters(i + 1 < args.size() ? args[i + 1] : std::string_view{});
  if (!tempus::ctl::is_cmdmon_command(cmd)) {
    std::fprintf(stderr, "tempusctl: unknown command '%.*s'\n", static_cast<int>(cmd.size()),
                 cmd.data());
    usage();
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  tempus::crypto::init_refid();
  session.naming.refid_of = [](const tempus::core::IpAddress& a) {
    return tempus::crypto::ref_id_of(a);
  };
  session.naming.reverse = reverse_name;
  session.resolve = resolve_name;
  return run_cmdmon(cmd_path, control_path, session,
                    std::vector<std::string>(args.begin() + static_cast<long>(i), args.end()));
}
