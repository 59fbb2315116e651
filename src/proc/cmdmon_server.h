// SPDX-License-Identifier: ISC
// chronyc's endpoint in the net process: chrony's command protocol (core/cmdmon) on a Unix
// datagram socket at `bindcmdaddress` (default /run/chrony/chronyd.sock, so plain `chronyc`
// works; `bindcmdaddress /` turns it off), answered by CmdmonReporter.
//
// The chroot. chronyc binds its own reply socket beside ours (DIR/chronyc.PID.sock) and the
// daemon answers with sendto() to that path, from inside the net process's chroot (the
// tempus user's home, HOME). So the socket directory really is HOME/DIR, and DIR is a symbolic
// link to it: outside the chroot DIR/x leads through the link, inside it /DIR/x is HOME/DIR/x
// itself, and the path chronyc bound names the same file on both sides with no rewriting. The
// parent makes both (root, before the children start): HOME/DIR with mode 0770 like chronyd's
// directory, owned by root and the tempus group, so only root and that group reach the socket
// (the parent, root without CAP_DAC_OVERRIDE by then, removes the socket at exit), and the
// link. A DIR that is something else is replaced only when it is an empty directory;
// otherwise the socket is disabled with a warning, as chronyd disables it on a directory with
// the wrong owner or mode. Without root (-U) there is no chroot and DIR is an ordinary
// directory. The parent removes the socket file at exit; the directory and link stay (chronyd
// leaves /run/chrony too).
//
// Access: as in chronyd, the Unix socket's permissions are the access control and every
// request on it is privileged. Datagrams are read in bounded batches; a malformed one is
// answered with chrony's error status or dropped (core/cmdmon.h), never more.
//
// UDP (chronyd's port 323): with `cmdport` not 0, sockets on bindcmdaddress's IPv4 and IPv6
// addresses (default 127.0.0.1 and ::1), opened before the sandbox. What comes from an address
// other than 127.0.0.1 or ::1 is answered only when cmdallow/cmddeny allow it (no rule: nobody;
// a rule naming a host is not resolved and matches nothing) and is rate limited by
// cmdratelimit (chrony's client log); anything else is dropped without an answer. Requests on
// UDP are never privileged: only chrony's open commands are answered, the others get
// STT_UNAUTH ("501 Not authorised"), as chronyd answers them.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/model.h"
#include "core/client_log.h"
#include "core/result.h"
#include "core/server.h"
#include "ipc/unique_fd.h"
#include "proc/cmdmon_reports.h"
#include "proc/options.h"
#include "sys/event.h"

namespace tempus::proc {

// The socket path in effect: bindcmdaddress, except with -Q (chronyd opens no command socket
// when it only prints the offset); empty: none.
std::string cmdmon_path(const config::Config& cfg, const Options& opts);

struct CmdmonDir {
  std::string dir;       // the socket's directory as configured
  std::string real_dir;  // where it is: inside the chroot (== dir without one)
  bool operator==(const CmdmonDir&) const = default;
};
// nullopt when there is no socket (empty path) or the path is not absolute. chroot: the net
// process's root ("" or "/": none).
std::optional<CmdmonDir> cmdmon_dir(const std::string& socket_path, const std::string& chroot);

// The directory for `socket_path` given whom the net process runs as (-u, default tempus):
// chrooted into that user's home when the daemon runs as root. Reads the user database.
struct CmdmonPlan {
  CmdmonDir dir;
  gid_t gid = 0;  // the net user's group
};
core::Result<CmdmonPlan, std::string> plan_cmdmon(const std::string& socket_path,
                                                  const Options& opts);

// Parent, before the children start: creates real_dir (mode 0770, owned by root:gid when
// running as root) and the link dir → real_dir. Returns real_dir opened (for the cleanup at
// exit) or why the socket must stay off.
core::Result<ipc::UniqueFd, std::string> prepare_cmdmon_dir(const CmdmonDir& d, gid_t gid);
// Net, before the sandbox: whether dir leads to real_dir (the parent prepared it).
bool cmdmon_dir_ready(const CmdmonDir& d);

// Who may use the UDP sockets, and how often (cmdallow/cmddeny, cmdratelimit).
struct CmdmonUdpPolicy {
  core::AccessTable access;
  core::ClientLogConfig log;
};
CmdmonUdpPolicy cmdmon_udp_policy(const config::Config& cfg);

class CmdmonServer {
 public:
  // At most this many datagrams are answered per readiness, so a flood cannot starve NTP.
  static constexpr int kBatch = 16;

  // Binds the socket (mode 0666: the directory decides who reaches it). Before the sandbox.
  static core::Result<ipc::UniqueFd, std::string> open(const std::string& path);
  // The UDP sockets (none with cmdport 0 or -Q); a socket that cannot be bound is logged and
  // left out, as chronyd does. Before the sandbox (port 323 needs root).
  static std::vector<ipc::UniqueFd> open_udp(const config::Config& cfg, const Options& opts);

  // unix_fd may be empty (no Unix socket); udp_fds may be none.
  CmdmonServer(event_base* base, ipc::UniqueFd unix_fd, std::vector<ipc::UniqueFd> udp_fds,
               CmdmonReporter reporter, CmdmonUdpPolicy policy);
  ~CmdmonServer();

  const CmdmonCounters& counters() const { return counters_; }
  // cmdallow/cmddeny at run time, and cmdaccheck: who may use the UDP port (the loopback
  // always may, as at start).
  void add_access(const core::AccessRule& rule) { policy_.access.add(rule); }
  bool allows(const core::IpAddress& ip) const;

 private:
  struct Listener;
  void on_unix(int fd);
  void on_udp(int fd);
  // The reply to a datagram, or nullopt when it gets none.
  std::optional<std::vector<std::byte>> reply(std::span<const std::byte> datagram,
                                              bool privileged);

  CmdmonReporter reporter_;
  CmdmonUdpPolicy policy_;
  core::ClientLog log_;
  CmdmonCounters counters_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace tempus::proc
