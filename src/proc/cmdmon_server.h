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
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "config/model.h"
#include "core/result.h"
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

class CmdmonServer {
 public:
  // At most this many datagrams are answered per readiness, so a flood cannot starve NTP.
  static constexpr int kBatch = 16;

  // Binds the socket (mode 0666: the directory decides who reaches it). Before the sandbox.
  static core::Result<ipc::UniqueFd, std::string> open(const std::string& path);

  CmdmonServer(event_base* base, ipc::UniqueFd fd, CmdmonReporter reporter);

  const CmdmonCounters& counters() const { return counters_; }

 private:
  void on_readable();

  ipc::UniqueFd fd_;
  CmdmonReporter reporter_;
  CmdmonCounters counters_;
  sys::Event ev_;
};

}  // namespace tempus::proc
