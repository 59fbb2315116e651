// SPDX-License-Identifier: ISC
#include "proc/ntp_server.h"


#include <algorithm>
#include <array>

#include <sys/socket.h>

#include "core/nts_ef.h"
#include "sys/kernel_random.h"
#include "sys/log.h"
#include "sys/udp.h"

namespace tempus::proc {

bool server_enabled(const config::Config& cfg) { return cfg.port != 0 && !cfg.ntp_access.empty(); }

std::vector<ipc::UniqueFd> open_server_sockets(const config::Config& cfg, const Options& opts) {
  std::vector<ipc::UniqueFd> out;
  std::vector<sys::Endpoint> ends;
  if (opts.family != AddressFamily::kIpv6) ends.push_back({cfg.bind_address4, cfg.port});
  if (opts.family != AddressFamily::kIpv4) ends.push_back({cfg.bind_address6, cfg.port});
  for (const auto& e : ends) {
    auto fd = sys::open_server_socket(e, cfg.bind_device);
    if (!fd) {
      // No IPv6 on this host is not an error when IPv4 works.
      if (e.address.is_v6() && !out.empty()) continue;
      sys::fatal("cannot open the NTP server socket %s port %u%s%s: %s",
                 e.address.to_string().c_str(), e.port, cfg.bind_device.empty() ? "" : " on ",
                 cfg.bind_device.c_str(), sys::to_string(fd.error()).c_str());
    }
    out.push_back(std::move(*fd));
  }
  return out;
}

std::optional<core::ClientLogConfig> client_log_config(const config::Config& cfg) {
  if (cfg.no_client_log) return std::nullopt;
  core::ClientLogConfig c{.max_clients = std::max<size_t>(16, cfg.client_log_limit / 128),
                          .rate_limit = std::nullopt};
  if (cfg.rate_limit.enabled)
    c.rate_limit = core::RateLimitConfig{.interval_log2 = cfg.rate_limit.interval_log2,
                                         .burst = cfg.rate_limit.burst,
                                         .leak = cfg.rate_limit.leak,
                                         .kod = cfg.rate_limit.kod};
  return c;
}

struct NtpServer::Socket {
  ipc::UniqueFd fd;
  uint32_t next_id = 0;  // the kernel's OPT_ID of the next datagram sent
  uint32_t tx_seen = 0;  // one past the last id whose transmit timestamp was read
  std::array<Sent, kSentRing> sent{};
  bool tx_on = true;          // kernel transmit timestamps requested (see pause_tx)
  core::Timestamp tx_resume;  // CLOCK_REALTIME: when a paused socket asks for them again
  sys::Event ev;  // last: destroyed first
};

// Kernel transmit timestamps cost the kernel a socket-buffer clone and an error-queue entry per
// reply, which halves the saturation rate on loopback. They only feed the counters and the
// timestamps held for interleaved mode, so a socket that fills a whole batch (saturated) stops
// asking for them for kTxPause, and asks again once a batch is no longer full.
void NtpServer::pause_tx(Socket& s, core::Timestamp real) {
  read_tx_timestamps(s);
  if (sys::set_server_tx_timestamps(s.fd.get(), false)) {
    s.tx_on = false;
    s.tx_resume = real + kTxPause;
    ++stats_.tx_timestamp_pauses;
  }
}

void NtpServer::resume_tx(Socket& s) {
  read_tx_timestamps(s);  // the old numbering's last ones
  if (!sys::set_server_tx_timestamps(s.fd.get(), true)) return;
  // The kernel numbers from 0 again: forget every id of the old numbering.
  s.tx_on = true;
  s.next_id = s.tx_seen = 0;
  for (Sent& e : s.sent) e.id = UINT32_MAX;
}

NtpServer::NtpServer(event_base* base, std::vector<ipc::UniqueFd> sockets,
                     core::AccessTable access, std::optional<core::ClientLogConfig> client_log,
                     LocalClock& clock, StateFn state)
    : access_(std::move(access)),
      clock_(clock),
      state_(std::move(state)),
      reply_(state_()),
      kod_(core::ReplyTemplate::kiss_of_death(core::kKissRate)),
      batch_(std::make_unique<sys::ServerBatch>()) {
  if (client_log) log_.emplace(*client_log, sys::kernel_random().next_u64());
  for (auto& fd : sockets) {
    auto s = std::make_unique<Socket>();
    s->fd = std::move(fd);
    Socket* raw = s.get();
    s->ev = sys::Event(base, raw->fd.get(), EV_READ | EV_PERSIST,
                       [this, raw](short) { on_readable(*raw); });
    s->ev.add();
    sockets_.push_back(std::move(s));
  }
  // The reply template follows the server state (clock updates, root dispersion growing with
  // time, leap warnings) once a second; nothing about it is computed per request.
  refresh_ = sys::Event(base, -1, EV_PERSIST, [this](short) { refresh_template(); });
  refresh_.add(core::Duration::s(1));
}

NtpServer::~NtpServer() = default;

void NtpServer::refresh_template() { reply_ = core::ReplyTemplate(state_()); }

void NtpServer::read_tx_timestamps(Socket& s) {
  for (int round = 0; round < 16; ++round) {  // bounded; the rest waits for the next wake-up
    const auto stamps = batch_->receive_tx_timestamps(s.fd.get());
    if (stamps.empty()) s.tx_seen = s.next_id;  // nothing pending: lost ones are not awaited
    for (const auto& t : stamps) {
      s.tx_seen = t.id + 1;
      ++stats_.kernel_tx_ts;
      const Sent& e = s.sent[t.id % kSentRing];
      if (log_ && e.id == t.id) log_->note_transmit(e.slot, e.client, e.rx, clock_.from_realtime(t.time));
    }
    if (stamps.size() < sys::ServerBatch::kMaxMessages) return;
  }
}

void NtpServer::on_readable(Socket& s) {
  // Transmit timestamps still awaited (the kernel queued them after our last look).
  if (s.tx_seen != s.next_id) read_tx_timestamps(s);
  const int fd = s.fd.get();
  for (int round = 0; round < 8; ++round) {  // bounded per wake-up; the rest waits for the next
    auto n = batch_->receive(fd);
    if (!n || *n == 0) return;
    // Kernel receive times are CLOCK_REALTIME; the local clock (virtual under -x) differs from
    // it by an offset that moves by nanoseconds at most within a batch: read it once.
    const core::Timestamp real = sys::realtime_now();
    const bool full = *n == sys::ServerBatch::kMaxMessages;
    if (full && s.tx_on) pause_tx(s, real);
    else if (!full && !s.tx_on && real >= s.tx_resume) resume_tx(s);
    const core::Duration to_local = clock_.from_realtime(real) - real;
    std::array<Sent, sys::ServerBatch::kMaxMessages> pending;
    std::array<bool, sys::ServerBatch::kMaxMessages> is_kod{};
    std::vector<Signed> signed_replies;
    for (size_t i = 0; i < *n; ++i) {
      ++stats_.received;
      const auto request = batch_->data(i);
      if (symmetric_ && !batch_->truncated(i) && !request.empty() &&
          core::is_symmetric_mode(request)) {
        const auto k = batch_->kernel_rx(i);
        if (symmetric_(fd, request, {batch_->from(i), batch_->from_port(i)},
                       (k ? *k : real) + to_local))
          continue;
      }
      const core::RequestKind kind =
          batch_->truncated(i) ? core::RequestKind::kTooShort : core::classify_request(request);
      if (kind == core::RequestKind::kControl &&
          on_control(s, request, {batch_->from(i), batch_->from_port(i)}, real)) {
        ++stats_.control_answered;
        continue;
      }
      if (kind != core::RequestKind::kClient) {
        stats_.count_drop(kind);
        continue;
      }
      const core::IpAddress client = batch_->from(i);
      if (!access_.allowed(client)) {
        ++stats_.denied;  // chrony answers nothing to a denied client either
        continue;
      }
      core::Timestamp rx;
      if (auto k = batch_->kernel_rx(i)) {
        rx = *k + to_local;
        ++stats_.kernel_rx_ts;
      } else {
        rx = real + to_local;
        ++stats_.daemon_rx_ts;
      }
      core::ClientLog::Verdict v{core::RateDecision::kAnswer, 0};
      if (log_) v = log_->on_request(client, rx);
      if (v.decision == core::RateDecision::kDrop) {
        ++stats_.rate_limited;
        continue;
      }
      const bool kod = v.decision == core::RateDecision::kKodRate;
      if (nts_ && !kod && !core::nts_unique_id(request).empty()) {
        answer_nts(s, request, {client, batch_->from_port(i)}, rx);
        continue;
      }
      // Authenticated after the rate limit, as chronyd does: a flood costs no MAC computations.
      const core::RequestAuth auth = core::check_request_auth(request, keys_);
      if (auth.check == core::MacCheck::kInvalid) {
        ++stats_.auth_failed;
        continue;
      }
      if (auth.check == core::MacCheck::kValid) {
        Signed& r = signed_replies.emplace_back();
        (kod ? kod_ : reply_).fill(request, rx, r.reply);
        r.request.assign(request.begin(), request.end());
        r.key_id = auth.key_id;
        r.to = {client, batch_->from_port(i)};
        r.sent = Sent{0, v.slot, client, rx};
        r.kod = kod;
        continue;
      }
      const size_t k = batch_->queued();
      (kod ? kod_ : reply_).fill(request, rx, batch_->queue_reply(i));
      pending[k] = Sent{0, v.slot, client, rx};
      is_kod[k] = kod;
    }
    if (batch_->queued() > 0) {
      // The transmit timestamp as late as possible: one reading right before the send.
      const core::Timestamp tx = clock_.now();
      for (size_t k = 0; k < batch_->queued(); ++k)
        core::ReplyTemplate::set_transmit(batch_->queued_reply(k), tx);
      batch_->send_queued(fd);
      for (size_t k = 0; k < batch_->queued(); ++k) {
        if (!batch_->sent(k)) {
          ++stats_.send_failed;
          continue;
        }
        ++(is_kod[k] ? stats_.kod_sent : stats_.answered);
        ++stats_.daemon_tx_ts;
        if (log_ && !is_kod[k]) log_->note_transmit(pending[k].slot, pending[k].client, pending[k].rx, tx);
        if (!s.tx_on) continue;
        Sent& e = s.sent[s.next_id % kSentRing];
        e = pending[k];
        e.id = s.next_id++;
      }
      // The kernel takes software transmit timestamps while sendmmsg() runs (in the driver's
      // transmit routine), so they are usually waiting already: reading them now saves the
      // extra wake-up their arrival on the error queue would cause.
      read_tx_timestamps(s);
    }
    if (!signed_replies.empty()) send_signed(s, signed_replies);
    if (*n < sys::ServerBatch::kMaxMessages) return;
  }
}

void NtpServer::send_signed(Socket& s, std::vector<Signed>& replies) {
  for (Signed& r : replies) {
    // The transmit timestamp before the MAC, which covers it.
    const core::Timestamp tx = clock_.now();
    core::ReplyTemplate::set_transmit(r.reply, tx);
    const auto packet = core::ReplyTemplate::sign(*keys_, r.key_id, r.request, r.reply);
    if (packet.empty()) {
      // Not expected (the MAC was just checked under this key, and a reply's MAC is never
      // longer than the request's); counted so that every datagram is still counted once.
      ++stats_.auth_failed;
      continue;
    }
    if (!sys::send_to(s.fd.get(), packet, r.to)) {
      ++stats_.send_failed;
      continue;
    }
    ++stats_.daemon_tx_ts;
    if (r.kod) {
      ++stats_.kod_sent;
    } else {
      ++stats_.answered;
      ++stats_.authenticated;
      if (log_) log_->note_transmit(r.sent.slot, r.sent.client, r.sent.rx, tx);
    }
    if (!s.tx_on) continue;
    Sent& e = s.sent[s.next_id % kSentRing];
    e = r.sent;
    e.id = s.next_id++;
  }
}

bool NtpServer::on_control(Socket& s, std::span<const std::byte> request,
                           const sys::Endpoint& from, core::Timestamp now) {
  if (!control_ || !control_access_.allowed(from.address)) return false;
  const auto req = core::mode6::decode_request(request);
  std::vector<std::vector<std::byte>> answer;
  if (req) {
    if (!control_limit_.take(now)) return false;
    const ControlVariables vars = control_();
    answer = core::mode6::answer(*req, vars.system, vars.peers);
  } else if (const auto code = core::mode6::answer_code(req.error())) {
    if (!control_limit_.take(now)) return false;
    answer.push_back(core::mode6::error_response(request, *code));
  } else {
    return false;
  }
  for (const auto& d : answer) {
    if (!sys::send_to(s.fd.get(), d, from)) return false;  // the rest would leave a hole
    if (s.tx_on) ++s.next_id;  // its transmit timestamp has this id: not an NTP reply
  }
  return true;
}

void NtpServer::answer_nts(Socket& s, std::span<const std::byte> request,
                           const sys::Endpoint& from, core::Timestamp rx) {
  // Sealed around the transmit time, so sent on its own rather than in the batch.
  std::array<std::byte, core::kHeaderLen> header;
  reply_.fill(request, rx, header);
  core::ReplyTemplate::set_transmit(header, clock_.now());
  const auto reply = nts_(request, header);
  if (!reply) {
    ++stats_.malformed;
    return;
  }
  if (!sys::send_to(s.fd.get(), *reply, from)) {
    ++stats_.send_failed;
    return;
  }
  ++stats_.answered;
  if (s.tx_on) ++s.next_id;  // its transmit timestamp has this id; not held for interleaving
}

void NtpServer::set_control_handler(core::AccessTable who, ControlFn vars) {
  control_access_ = std::move(who);
  control_ = std::move(vars);
}

void NtpServer::set_access(core::AccessTable access) { access_ = std::move(access); }

int NtpServer::socket_for(core::IpFamily family) const {
  for (const auto& s : sockets_) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(s->fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    if ((ss.ss_family == AF_INET) == (family == core::IpFamily::kV4)) return s->fd.get();
  }
  return -1;
}

bool NtpServer::send_on(int fd, std::span<const std::byte> packet, const sys::Endpoint& to) {
  for (auto& s : sockets_) {
    if (s->fd.get() != fd) continue;
    if (!sys::send_to(fd, packet, to)) return false;
    if (s->tx_on) ++s->next_id;  // its transmit timestamp has this id: not a reply of ours
    return true;
  }
  return false;
}

nlohmann::json NtpServer::stats_json() const {
  const core::ServerStats& st = stats_;
  nlohmann::json j = {
      {"received", st.received},         {"answered", st.answered},
      {"kod_sent", st.kod_sent},         {"rate_limited", st.rate_limited},
      {"denied", st.denied},             {"malformed", st.malformed},
      {"auth_failed", st.auth_failed},   {"authenticated", st.authenticated},
      {"mode6_dropped", st.mode6},       {"mode6_answered", st.control_answered},
      {"mode7_dropped", st.mode7},
      {"other_mode_dropped", st.other_mode}, {"send_failed", st.send_failed},
      {"tx_timestamp_pauses", st.tx_timestamp_pauses},
  };
  // chrony's serverstats fields (chronyc(1)); no cmdmon or interleaved mode yet.
  j["serverstats"] = {
      {"ntp_packets_received", st.valid_requests()},
      {"ntp_packets_dropped", st.rate_limited},
      {"authenticated_ntp_packets", st.authenticated},
      {"client_log_records_dropped", log_ ? log_->records_dropped() : 0},
      {"ntp_timestamps_held", log_ ? log_->timestamps_held() : 0},
      {"ntp_daemon_rx_timestamps", st.daemon_rx_ts},
      {"ntp_daemon_tx_timestamps", st.daemon_tx_ts},
      {"ntp_kernel_rx_timestamps", st.kernel_rx_ts},
      {"ntp_kernel_tx_timestamps", st.kernel_tx_ts},
      {"ntp_hardware_rx_timestamps", 0},
      {"ntp_hardware_tx_timestamps", 0},
  };
  const NtsCounters nts = nts_counters();
  j["serverstats"]["nts_ke_connections_accepted"] = nts.ke_accepted;
  j["serverstats"]["nts_ke_connections_dropped"] = nts.ke_dropped;
  j["serverstats"]["authenticated_ntp_packets"] = st.authenticated + nts.authenticated;
  if (!log_) return j;
  // chronyc clients' NTP columns; intervals in log2 s (null: not known yet).
  const core::Timestamp now = clock_.now();
  auto clients = nlohmann::json::array();
  auto interval = [](int8_t v) {
    return v == core::ClientRecord::kNoInterval ? nlohmann::json() : nlohmann::json(v);
  };
  for (const auto& r : log_->records()) {
    clients.push_back({{"address", r.address.to_string()},
                       {"ntp_packets", r.ntp_hits},
                       {"dropped", r.ntp_drops},
                       {"interval_log2", interval(r.interval_log2)},
                       {"limited_interval_log2", interval(r.limited_interval_log2)},
                       {"last_s", (now - r.last_seen).count_ns() / core::kNsPerSec}});
  }
  j["clients"] = clients;
  j["client_log_capacity"] = log_->capacity();
  return j;
}

}  // namespace tempus::proc
