// SPDX-License-Identifier: ISC
// tempusctl's end of chrony's command protocol on a Unix datagram socket, as chronyc does it:
// our own socket is bound beside the daemon's (DIR/tempusctl.PID.sock, since the daemon answers
// to that path, from inside its chroot) and connected to it; each request gets a random
// sequence number; a datagram that does not answer it is ignored. Bounded retries: the request
// is sent again after 1 s and 2 s, and given up 4 s after the last try (chronyc's defaults,
// 7 s in all). Our socket is removed when the client goes.
//
// The caller needs to be able to create a socket in the daemon's socket directory (root or the
// tempus group for tempusd's directory, as chronyc needs for chronyd's).
#pragma once

#include <optional>
#include <string>

#include "core/cmdmon.h"
#include "ipc/unique_fd.h"

namespace tempus::ctl {

class CmdmonClient {
 public:
  // nullopt, with the reason in `error`, when the socket cannot be made or connected.
  static std::optional<CmdmonClient> open(const std::string& server_path, std::string& error);
  CmdmonClient(CmdmonClient&& o) noexcept;
  CmdmonClient& operator=(CmdmonClient&&) = delete;
  ~CmdmonClient();

  // The reply to `q` (its sequence is chosen here), or nullopt after the last retry.
  std::optional<core::cmdmon::Reply> ask(const core::cmdmon::Request& q);

 private:
  CmdmonClient(ipc::UniqueFd fd, std::string local) : fd_(std::move(fd)), local_(std::move(local)) {}
  ipc::UniqueFd fd_;
  std::string local_;
};

}  // namespace tempus::ctl
