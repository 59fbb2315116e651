// SPDX-License-Identifier: ISC
#include "proc/control.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/udp.h"

namespace tempus::proc {

core::Result<ipc::UniqueFd, std::string> open_control_socket(const std::string& path) {
  auto fd = sys::bind_unix_socket(path, SOCK_STREAM, 0666);
  if (!fd) {
    if (fd.error().code == ENAMETOOLONG)
      return core::Unexpected{"control socket path too long: " + path};
    if (fd.error().code == EEXIST) return core::Unexpected{path + " exists and is not a socket"};
    return core::Unexpected{"bind " + path + ": " + sys::to_string(fd.error())};
  }
  if (listen(fd->get(), 16) != 0) return core::Unexpected{std::string("listen: ") + strerror(errno)};
  return std::move(*fd);
}

ControlServer::ControlServer(event_base* base, ipc::UniqueFd listener, Handler handler)
    : base_(base), listener_(std::move(listener)), handler_(std::move(handler)) {
  accept_ev_ = sys::Event(base_, listener_.get(), EV_READ | EV_PERSIST, [this](short) { on_accept(); });
  accept_ev_.add();
}

void ControlServer::on_accept() {
  for (;;) {
    ipc::UniqueFd fd(accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;  // EAGAIN, or a transient error: wait for the next readiness
    if (clients_.size() >= kMaxClients) continue;  // refused: closed at once
    clients_.push_back(Client{std::move(fd), {}, {}, 0, {}});
    auto it = std::prev(clients_.end());
    it->ev = sys::Event(base_, it->fd.get(), EV_READ | EV_PERSIST,
                        [this, it](short what) { on_client(it, what); });
    it->ev.add(kTimeout);
  }
}

void ControlServer::on_client(std::list<Client>::iterator it, short what) {
  Client& c = *it;
  if (what & EV_TIMEOUT) {
    close_client(it);
    return;
  }
  if (what & EV_READ) {
    char buf[kMaxRequest];
    const ssize_t n = read(c.fd.get(), buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      close_client(it);
      return;
    }
    if (n < 0) return;
    c.in.append(buf, static_cast<size_t>(n));
    const auto nl = c.in.find('\n');
    if (nl == std::string::npos) {
      if (c.in.size() >= kMaxRequest) close_client(it);
      return;
    }
    c.out = handler_(c.in.substr(0, nl)) + "\n";
    c.ev = sys::Event(base_, c.fd.get(), EV_WRITE | EV_PERSIST,
                      [this, it](short w) { on_client(it, w); });
    c.ev.add(kTimeout);
    return;
  }
  if (what & EV_WRITE) {
    const ssize_t n = write(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      close_client(it);
      return;
    }
    c.sent += static_cast<size_t>(n);
    if (c.sent == c.out.size()) close_client(it);
  }
}

void ControlServer::close_client(std::list<Client>::iterator it) {
  it->ev.del();
  clients_.erase(it);
}

}  // namespace tempus::proc
