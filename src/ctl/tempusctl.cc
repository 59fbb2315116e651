// SPDX-License-Identifier: ISC
// tempusctl: asks tempusd's control socket and prints the answer.
//   tempusctl [-s SOCKET] status      ntpstat's wording and exit codes (0 synchronised,
//                                     1 unsynchronised, 2 no answer from the daemon)
//   tempusctl [-s SOCKET] processes   role, pid, uid, capabilities, seccomp mode, no_new_privs and
//                                     root directory of each daemon process (read from /proc)
//   tempusctl [-s SOCKET] state [-j]  the daemon's state as JSON (-j: one line)
//   tempusctl filters [ROLE]          the seccomp allow-list of each role (or of one), with the
//                                     argument restrictions and the reason for every syscall
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/unique_fd.h"
#include "proc/options.h"
#include "sys/procstatus.h"
#include "sys/seccomp.h"
#include "tempus_build.h"

namespace {

using tempus::ipc::UniqueFd;

constexpr int kTimeoutMs = 5000;
constexpr size_t kMaxReply = 1 << 20;

void usage() {
  std::fputs(
      "Usage: tempusctl [-s SOCKET] COMMAND\n"
      "  status        synchronisation status, as ntpstat (exit 0 synchronised, 1 not, 2 no daemon)\n"
      "  processes     the daemon's processes with their privileges\n"
      "  state [-j]    the daemon's state as JSON (-j: compact)\n"
      "  filters [ROLE]  the seccomp filter of parent, net and dns (or of ROLE)\n"
      "  -s SOCKET     control socket (default /run/tempus/tempusd.sock)\n"
      "  -v            version\n",
      stderr);
}

// One request, one reply: nullopt when the daemon cannot be reached or does not answer in time.
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

int no_daemon() {
  std::puts("Unable to talk to NTP daemon. Is it running?");
  return 2;
}

int cmd_status(const std::string& path) {
  auto j = ask_json(path, "status");
  if (!j) return no_daemon();
  if (!j->value("synchronised", false)) {
    std::puts("unsynchronised");
    if (const int poll = j->value("poll_s", 0); poll > 0) std::printf("   polling server every %d s\n", poll);
    return 1;
  }
  std::printf("synchronised to NTP server (%s) at stratum %d\n",
              j->value("reference", std::string("?")).c_str(), j->value("stratum", 0));
  std::printf("   time correct to within %.0f ms\n", j->value("error_ms", 0.0));
  std::printf("   polling server every %d s\n", j->value("poll_s", 0));
  return 0;
}

int cmd_processes(const std::string& path) {
  auto j = ask_json(path, "state");
  if (!j) return no_daemon();
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

int cmd_state(const std::string& path, bool compact) {
  auto j = ask_json(path, "state");
  if (!j) return no_daemon();
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

}  // namespace

int main(int argc, char** argv) {
  std::string path = tempus::proc::kDefaultControlSocket;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with('-'); ++i) {
    if (args[i] == "-s" && i + 1 < args.size()) {
      path = std::string(args[++i]);
    } else if (args[i] == "-v") {
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
  const std::string_view cmd = args[i];
  const bool json_flag = i + 1 < args.size() && args[i + 1] == "-j";
  if (cmd == "status") return cmd_status(path);
  if (cmd == "processes") return cmd_processes(path);
  if (cmd == "state") return cmd_state(path, json_flag);
  if (cmd == "filters") return cmd_filters(i + 1 < args.size() ? args[i + 1] : std::string_view{});
  std::fprintf(stderr, "tempusctl: unknown command '%.*s'\n", static_cast<int>(cmd.size()),
               cmd.data());
  usage();
  return 2;
}
