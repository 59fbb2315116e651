// SPDX-License-Identifier: ISC
// The net process's NTP server shell: UDP sockets bound before the sandbox (port 123 needs
// root); requests read and replies sent in batches (sys::ServerBatch), classified and answered
// from a precomputed reply (core::ReplyTemplate, rebuilt every second from the server state),
// allow/deny and the client log (ratelimit) applied on the way; receive times from the kernel,
// transmit times read once per batch right before the send, the kernel's transmit times read
// back and held in the client log. Mode 6 (ntpq, ntpstat) is answered only for the hosts
// and within the rate set_control_handler() gives.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model.h"
#include "core/client_log.h"
#include "core/mode6.h"
#include "core/server.h"
#include "ipc/unique_fd.h"
#include "proc/local_clock.h"
#include "proc/options.h"
#include "sys/udp_batch.h"
#include "sys/event.h"
#include "sys/udp.h"

namespace tempus::proc {

// chrony's rule: the server port opens only when an allow/deny line exists and `port` is not 0.
bool server_enabled(const config::Config& cfg);
// Opens the server sockets (IPv4 and IPv6 on bindaddress and port, as -4/-6 allow). Errors are
// fatal for the caller: an admin who asked for a server must not get a silent client.
std::vector<ipc::UniqueFd> open_server_sockets(const config::Config& cfg, const Options& opts);
// The client log (unless noclientlog, which keeps no per-client state and so no ratelimit):
// sized from clientloglimit (128 bytes a client, as chrony counts), ratelimit's parameters.
std::optional<core::ClientLogConfig> client_log_config(const config::Config& cfg);

class NtpServer {
 public:
  using StateFn = std::function<core::ServerState()>;
  // client_log: nullopt with noclientlog (its bucket hash gets a key from getrandom(2)).
  NtpServer(event_base* base, std::vector<ipc::UniqueFd> sockets, core::AccessTable access,
            std::optional<core::ClientLogConfig> client_log, LocalClock& clock, StateFn state);
  ~NtpServer();

  // Counters (chrony's serverstats and ours) and the client log, for the state report.
  nlohmann::json stats_json() const;
  const core::ServerStats& stats() const { return stats_; }
  const core::ClientLog* client_log() const { return log_ ? &*log_ : nullptr; }

  // Symmetric-mode (1, 2) packets go first to `fn` (the peers' associations), which returns
  // true when one of them took the packet; the rest are checked like any request.
  using SymmetricFn = std::function<bool(int fd, std::span<const std::byte> packet,
                                         const sys::Endpoint& from, core::Timestamp rx)>;
  void set_symmetric_handler(SymmetricFn fn) { symmetric_ = std::move(fn); }
  // Mode 6 (RFC 9327, read only: core/mode6.h) from the hosts `who` allows (RFC 8633 §3.2:
  // loopback and cmdallow, proc/mode6_vars.h), at most core::mode6::ControlLimiter's rate for
  // all of them together, answered from what `vars` gathers at the time; every other mode 6
  // datagram is dropped and counted. Without a handler none is answered.
  struct ControlVariables {
    core::mode6::SystemVariables system;
    std::vector<core::mode6::PeerVariables> peers;
  };
  using ControlFn = std::function<ControlVariables()>;
  void set_control_handler(core::AccessTable who, ControlFn vars);
  // Symmetric keys (proc/keys.h; they must outlive the server): a request with a valid MAC
  // is answered with a MAC under its key, one whose MAC fails is dropped (counted in
  // auth_failed). Without keys every MAC fails, as in chronyd without a keyfile.
  void set_keys(const core::MacKeys* keys) { keys_ = keys; }
  // NTS requests (those with a Unique Identifier) of allowed, not rate-limited clients go to
  // `fn` with the reply header (48 octets, transmit time set); it returns the whole reply or
  // NAK, or nullopt to drop the request (counted as malformed).
  using NtsFn = std::function<std::optional<std::vector<std::byte>>(
      std::span<const std::byte> request, std::span<const std::byte> header)>;
  // chrony's serverstats NTS rows: NTS-KE connections accepted and dropped, NTP requests
  // answered with an authenticated reply.
  struct NtsCounters {
    uint64_t ke_accepted = 0, ke_dropped = 0, authenticated = 0;
  };
  using NtsCountersFn = std::function<NtsCounters()>;
  void set_nts_handler(NtsFn fn, NtsCountersFn counters) {
    nts_ = std::move(fn);
    nts_counters_ = std::move(counters);
  }
  NtsCounters nts_counters() const { return nts_counters_ ? nts_counters_() : NtsCounters{}; }
  // A new access table (allow/deny host names resolved: proc/access_names.h).
  void set_access(core::AccessTable access);
  // cmdallow/cmddeny at run time reach mode 6 too (its access follows the command port's).
  void add_control_access(const core::AccessRule& rule) { control_access_.add(rule); }
  // The socket of a family (peers send from it), or -1.
  int socket_for(core::IpFamily family) const;
  // Sends a peer's packet on server socket `fd` (keeping the transmit-timestamp numbering).
  bool send_on(int fd, std::span<const std::byte> packet, const sys::Endpoint& to);

 private:
  struct Socket;
  // What went out in datagram `id` of a socket, to match the kernel's transmit timestamp.
  struct Sent {
    uint32_t id = 0;
    uint32_t slot = 0;
    core::IpAddress client;
    core::Timestamp rx;
  };
  static constexpr size_t kSentRing = 256;  // a power of two
  // A request with a valid MAC: answered after the batch, one datagram each (its reply is
  // longer than the batch's 48-octet buffers).
  struct Signed {
    std::array<std::byte, core::kHeaderLen> reply;
    std::vector<std::byte> request;
    uint32_t key_id = 0;
    sys::Endpoint to;
    Sent sent;
    bool kod = false;
  };

  void on_readable(Socket& s);
  void read_tx_timestamps(Socket& s);
  static constexpr core::Duration kTxPause = core::Duration::s(1);
  void pause_tx(Socket& s, core::Timestamp real);
  void resume_tx(Socket& s);
  void refresh_template();
  void send_signed(Socket& s, std::vector<Signed>& replies);
  void answer_nts(Socket& s, std::span<const std::byte> request, const sys::Endpoint& from,
                  core::Timestamp rx);
  // A mode 6 datagram: true when it was answered (sent on `s` at once).
  bool on_control(Socket& s, std::span<const std::byte> request, const sys::Endpoint& from,
                  core::Timestamp now);

  core::AccessTable access_;
  std::optional<core::ClientLog> log_;
  LocalClock& clock_;
  StateFn state_;
  SymmetricFn symmetric_;
  const core::MacKeys* keys_ = nullptr;
  core::AccessTable control_access_;
  ControlFn control_;
  NtsFn nts_;
  NtsCountersFn nts_counters_;
  core::mode6::ControlLimiter control_limit_;
  core::ReplyTemplate reply_;
  const core::ReplyTemplate kod_;
  core::ServerStats stats_;
  std::unique_ptr<sys::ServerBatch> batch_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  sys::Event refresh_;
};

}  // namespace tempus::proc
