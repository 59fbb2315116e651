// SPDX-License-Identifier: ISC
// tempusctl's control socket in the net process: a unix stream socket; a client sends one
// request line (at most kMaxRequest bytes, '\n'-terminated) and reads one reply until EOF.
// Requests: "state" (a JSON reply, see net_state.h). Bounded: at most kMaxClients
// connections at once, kTimeout to send the request; anything else gets {"error": ...}.
// tempusctl's chronyc reports and `status` use chrony's command protocol (cmdmon_server.h);
// this socket keeps only what that protocol has no words for.
#pragma once

#include <functional>
#include <list>
#include <string>

#include "core/result.h"
#include "ipc/unique_fd.h"
#include "sys/event.h"

namespace tempus::proc {

// Binds and listens on `path` (a stale socket file is replaced); mode 0666: every request is
// read-only. Call before the sandbox closes.
core::Result<ipc::UniqueFd, std::string> open_control_socket(const std::string& path);

class ControlServer {
 public:
  static constexpr size_t kMaxRequest = 256;
  static constexpr size_t kMaxClients = 8;
  static constexpr core::Duration kTimeout = core::Duration::s(2);
  using Handler = std::function<std::string(const std::string& request)>;

  ControlServer(event_base* base, ipc::UniqueFd listener, Handler handler);

 private:
  struct Client {
    ipc::UniqueFd fd;
    std::string in;
    std::string out;
    size_t sent = 0;
    sys::Event ev;
  };
  void on_accept();
  void on_client(std::list<Client>::iterator it, short what);
  void close_client(std::list<Client>::iterator it);

  event_base* base_;
  ipc::UniqueFd listener_;
  Handler handler_;
  std::list<Client> clients_;
  sys::Event accept_ev_;
};

}  // namespace tempus::proc
