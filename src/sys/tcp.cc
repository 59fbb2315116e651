// SPDX-License-Identifier: ISC
#include "sys/tcp.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace tempus::sys {

namespace {

int family_of(const Endpoint& e) { return e.address.is_v4() ? AF_INET : AF_INET6; }

}  // namespace

core::Result<ipc::UniqueFd, Errno> open_tcp_listener(const Endpoint& local, int backlog) {
  ipc::UniqueFd fd(socket(family_of(local), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return core::Unexpected{last_errno()};
  const int one = 1;
  if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
    return core::Unexpected{last_errno()};
  if (!local.address.is_v4() &&
      setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
    return core::Unexpected{last_errno()};
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(local, ss);
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0)
    return core::Unexpected{last_errno()};
  if (listen(fd.get(), backlog) != 0) return core::Unexpected{last_errno()};
  return fd;
}

core::Result<Accepted, Errno> accept_tcp(int listener) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ipc::UniqueFd fd(accept4(listener, reinterpret_cast<sockaddr*>(&ss), &len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) return core::Unexpected{last_errno()};
  return Accepted{std::move(fd), from_sockaddr(ss)};
}

core::Result<ipc::UniqueFd, Errno> start_tcp_connect(const Endpoint& server) {
  ipc::UniqueFd fd(socket(family_of(server), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return core::Unexpected{last_errno()};
  // One request and one response: no point waiting for Nagle.
  const int one = 1;
  if (setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    return core::Unexpected{last_errno()};
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(server, ss);
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)
    return core::Unexpected{last_errno()};
  return fd;
}

core::Status<Errno> connect_to(int fd, const Endpoint& peer) {
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(peer, ss);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0)
    return core::Unexpected{last_errno()};
  return {};
}

core::Status<Errno> connect_result(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return core::Unexpected{last_errno()};
  if (err != 0) return core::Unexpected{Errno{err}};
  return {};
}

}  // namespace tempus::sys
