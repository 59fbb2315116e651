// SPDX-License-Identifier: ISC
// TCP for NTS-KE (RFC 8915 §4): a listening socket opened before the sandbox (port 4460 may be
// privileged), accepted connections, and non-blocking client connections made from inside the
// net sandbox (its filter allows AF_INET/AF_INET6 socket, connect, accept4, getsockopt
// SOL_SOCKET, shutdown).
#pragma once

#include "core/result.h"
#include "ipc/unique_fd.h"
#include "sys/errno_result.h"
#include "sys/udp.h"

namespace tempus::sys {

// A non-blocking listening socket bound to `local` (IPv6 sockets IPv6-only, SO_REUSEADDR), with
// a backlog of `backlog`.
core::Result<ipc::UniqueFd, Errno> open_tcp_listener(const Endpoint& local, int backlog);

struct Accepted {
  ipc::UniqueFd fd;  // non-blocking, close-on-exec
  Endpoint peer;
};
// One pending connection; EAGAIN when there is none.
core::Result<Accepted, Errno> accept_tcp(int listener);

// A non-blocking stream socket whose connect to `server` has started (or finished): wait for
// writability, then ask connect_result().
core::Result<ipc::UniqueFd, Errno> start_tcp_connect(const Endpoint& server);
// Points a connected socket (UDP: an NTP client socket) at another peer.
core::Status<Errno> connect_to(int fd, const Endpoint& peer);
// The outcome of a non-blocking connect once the socket is writable (SO_ERROR).
core::Status<Errno> connect_result(int fd);

}  // namespace tempus::sys
