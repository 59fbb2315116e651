// SPDX-License-Identifier: ISC
// The net process's NTP server shell: UDP sockets bound before the sandbox (port 123 needs
// root), answering client requests allowed by allow/deny with core::make_reply, receive time
// from the kernel and transmit time taken as late as possible before the send.
#pragma once

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model.h"
#include "core/ratelimit.h"
#include "core/server.h"
#include "ipc/unique_fd.h"
#include "proc/local_clock.h"
#include "proc/options.h"
#include "sys/event.h"
#include "sys/udp.h"

namespace tempus::proc {

// chrony's rule: the server port opens only when an allow/deny line exists and `port` is not 0.
bool server_enabled(const config::Config& cfg);
// The access table from allow/deny (host-name targets are not resolved yet: warned, skipped).
core::AccessTable access_table(const config::Config& cfg);
// Opens the server sockets (IPv4 and IPv6 on bindaddress and port, as -4/-6 allow). Errors are
// fatal for the caller: an admin who asked for a server must not get a silent client.
std::vector<ipc::UniqueFd> open_server_sockets(const config::Config& cfg, const Options& opts);
// ratelimit (unless noclientlog, which keeps no per-client state): chrony's parameters, the
// client table sized from clientloglimit (128 bytes a client).
std::optional<core::RateLimitConfig> rate_limit_config(const config::Config& cfg);

class NtpServer {
 public:
  using StateFn = std::function<core::ServerState()>;
  // limiter: per-client rate limiting (ratelimit), or nullopt.
  NtpServer(event_base* base, std::vector<ipc::UniqueFd> sockets, core::AccessTable access,
            std::optional<core::RateLimitConfig> limiter, LocalClock& clock, StateFn state);

  nlohmann::json stats_json() const;

  // Symmetric-mode (1, 2) packets go first to `fn` (the peers' associations), which returns
  // true when one of them took the packet; the rest meet the access table like any request.
  using SymmetricFn = std::function<bool(int fd, std::span<const std::byte> packet,
                                         const sys::Endpoint& from, core::Timestamp rx)>;
  void set_symmetric_handler(SymmetricFn fn) { symmetric_ = std::move(fn); }
  // The socket of a family (peers send from it), or -1.
  int socket_for(core::IpFamily family) const;

 private:
  struct Socket {
    ipc::UniqueFd fd;
    sys::Event ev;
  };
  void on_readable(int fd);

  core::AccessTable access_;
  std::optional<core::RateLimiter> limiter_;
  LocalClock& clock_;
  StateFn state_;
  SymmetricFn symmetric_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  uint64_t received_ = 0, answered_ = 0, denied_ = 0, dropped_ = 0, limited_ = 0, kod_ = 0;
};

}  // namespace tempus::proc
