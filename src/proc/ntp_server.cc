// SPDX-License-Identifier: ISC
#include "proc/ntp_server.h"

#include <algorithm>
#include <array>

#include <sys/socket.h>

#include "sys/log.h"
#include "sys/udp.h"

namespace tempus::proc {

bool server_enabled(const config::Config& cfg) { return cfg.port != 0 && !cfg.ntp_access.empty(); }

core::AccessTable access_table(const config::Config& cfg) {
  std::vector<core::AccessRule> rules;
  for (const auto& r : cfg.ntp_access) {
    core::AccessRule a{.allow = r.allow, .all = r.all, .subnet = std::nullopt};
    switch (r.target) {
      case config::AccessRule::Target::kAnyAddress: break;
      case config::AccessRule::Target::kSubnet: a.subnet = r.subnet; break;
      case config::AccessRule::Target::kHostName:
        sys::logf(sys::Severity::kWarning, "%s: %s %s: host names are not supported yet; ignored",
                  r.where.to_string().c_str(), r.allow ? "allow" : "deny", r.host.c_str());
        continue;
    }
    rules.push_back(a);
  }
  return core::AccessTable(rules);
}

std::vector<ipc::UniqueFd> open_server_sockets(const config::Config& cfg, const Options& opts) {
  std::vector<ipc::UniqueFd> out;
  std::vector<sys::Endpoint> ends;
  if (opts.family != AddressFamily::kIpv6) ends.push_back({cfg.bind_address4, cfg.port});
  if (opts.family != AddressFamily::kIpv4) ends.push_back({cfg.bind_address6, cfg.port});
  for (const auto& e : ends) {
    auto fd = sys::open_server_socket(e);
    if (!fd) {
      // No IPv6 on this host is not an error when IPv4 works.
      if (e.address.is_v6() && !out.empty()) continue;
      sys::fatal("cannot open the NTP server socket %s port %u: %s",
                 e.address.to_string().c_str(), e.port, sys::to_string(fd.error()).c_str());
    }
    out.push_back(std::move(*fd));
  }
  return out;
}

std::optional<core::RateLimitConfig> rate_limit_config(const config::Config& cfg) {
  if (!cfg.rate_limit.enabled || cfg.no_client_log) return std::nullopt;
  return core::RateLimitConfig{.interval_log2 = cfg.rate_limit.interval_log2,
                               .burst = cfg.rate_limit.burst,
                               .leak = cfg.rate_limit.leak,
                               .kod = cfg.rate_limit.kod,
                               .max_clients = std::max<size_t>(16, cfg.client_log_limit / 128)};
}

NtpServer::NtpServer(event_base* base, std::vector<ipc::UniqueFd> sockets,
                     core::AccessTable access, std::optional<core::RateLimitConfig> limiter,
                     LocalClock& clock, StateFn state)
    : access_(std::move(access)), clock_(clock), state_(std::move(state)) {
  if (limiter) limiter_.emplace(*limiter);
  for (auto& fd : sockets) {
    auto s = std::make_unique<Socket>();
    s->fd = std::move(fd);
    const int raw = s->fd.get();
    s->ev = sys::Event(base, raw, EV_READ | EV_PERSIST, [this, raw](short) { on_readable(raw); });
    s->ev.add();
    sockets_.push_back(std::move(s));
  }
}

void NtpServer::on_readable(int fd) {
  std::array<std::byte, 1024> buf;
  for (int i = 0; i < 64; ++i) {  // bounded per wake-up; the rest waits for the next one
    auto r = sys::receive(fd, buf);
    if (!r) return;
    ++received_;
    if (r->size == 0) {
      ++dropped_;
      continue;
    }
    const auto mode = static_cast<unsigned>(buf[0]) & 7u;
    if ((mode == 1 || mode == 2) && symmetric_) {
      const core::Timestamp t4 = r->kernel_rx ? clock_.from_realtime(*r->kernel_rx) : clock_.now();
      if (symmetric_(fd, std::span<const std::byte>(buf.data(), r->size), r->from, t4)) continue;
    }
    if (!access_.allowed(r->from.address)) {
      ++denied_;  // chrony answers nothing to a denied client either
      continue;
    }
    const core::Timestamp rx = r->kernel_rx ? clock_.from_realtime(*r->kernel_rx) : clock_.now();
    const std::span<const std::byte> request(buf.data(), r->size);
    if (limiter_) {
      const core::RateDecision d = limiter_->check(r->from.address, rx);
      if (d != core::RateDecision::kAnswer) {
        ++limited_;
        if (d == core::RateDecision::kKodRate) {
          if (auto kod = core::make_kod_reply(request, rx, core::kKissRate)) {
            if (sys::send_to(fd, *kod, r->from)) ++kod_;
          }
        }
        continue;
      }
    }
    const core::ServerState st = state_();
    // The transmit timestamp as late as possible: read right before the send.
    auto reply = core::make_reply(request, rx, clock_.now(), st);
    if (!reply) {
      ++dropped_;
      continue;
    }
    if (sys::send_to(fd, *reply, r->from)) ++answered_;
  }
}

int NtpServer::socket_for(core::IpFamily family) const {
  for (const auto& s : sockets_) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(s->fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    if ((ss.ss_family == AF_INET) == (family == core::IpFamily::kV4)) return s->fd.get();
  }
  return -1;
}

nlohmann::json NtpServer::stats_json() const {
  return {{"received", received_}, {"answered", answered_}, {"denied", denied_},
          {"dropped", dropped_}, {"rate_limited", limited_}, {"kod_sent", kod_}};
}

}  // namespace tempus::proc
