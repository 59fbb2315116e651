// SPDX-License-Identifier: ISC
// The NTS-KE server (RFC 8915 §4) in the net process, and the master keys its cookies are
// sealed with (core/nts_cookie.h), shared with the NTP server that opens those cookies.
//
// Per connection, in this order: allow/deny on the peer address and the maxntsconnections bound
// before any TLS work (a refused connection is closed at once and counted as dropped); then the
// TLS 1.3 handshake (crypto/tls.h), one request of at most 16384 octets, the response with
// kNkeMaxCookies fresh cookies, close_notify and close. A session that takes longer than
// kNtsKeServerTimeout from accept to close is dropped. A malformed request is answered with an
// Error record (Bad Request, or Unrecognized Critical Record), as RFC 8915 §4.1.3 asks.
//
// Master keys: the ring is loaded from its saved form (ntsdumpdir/tempus-ntskeys, read before
// the sandbox), rotated every ntsrotate seconds of real time (0: never), and each new ring is
// handed to the persist callback, which the net process turns into a WriteFile for the parent
// (the sandbox cannot write files): clients keep their cookies across a restart.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client_log.h"
#include "core/nts_aead.h"
#include "core/nts_cookie.h"
#include "core/sample.h"
#include "core/server.h"
#include "core/time.h"
#include "crypto/tls.h"
#include "ipc/unique_fd.h"
#include "sys/event.h"
#include "sys/udp.h"

namespace tempus::proc {

inline constexpr core::Duration kNtsKeServerTimeout = core::Duration::s(2);
// Not chronyd's "ntskeys": its format differs, and the directory may be shared with it.
inline constexpr const char* kNtsKeysFile = "tempus-ntskeys";

class NtsServerKeys {
 public:
  using NowFn = std::function<core::Timestamp()>;
  using PersistFn = std::function<void(const std::string& serialised)>;

  // `saved`: the key file's content, if one was read (a file that does not parse is logged and
  // replaced by a new ring). `master` is the AES-SIV AEAD and must outlive this object.
  NtsServerKeys(event_base* base, const core::Aead& master, core::Duration rotation,
                const std::optional<std::string>& saved, NowFn now, core::RandomSource& rng,
                PersistFn persist);

  const core::ServerKeyRing& ring() const { return ring_; }
  const core::Aead& master() const { return master_; }
  core::RandomSource& rng() { return rng_; }
  // Rotates now (also what the timer does).
  void rotate();

 private:
  void arm();
  const core::Aead& master_;
  core::ServerKeyRing ring_;
  NowFn now_;
  core::RandomSource& rng_;
  PersistFn persist_;
  sys::Event timer_;
};

struct NtsKeServerOptions {
  size_t max_connections = 100;           // maxntsconnections
  std::string ntp_server;                 // ntsntpserver: Server Negotiation record (or none)
  std::optional<uint16_t> ntp_port;       // Port Negotiation record (when not 123)
  std::vector<uint16_t> aeads;            // supported AEAD IDs (those this OpenSSL has)
  core::Duration timeout = kNtsKeServerTimeout;
  // ntsratelimit: per-address token bucket on accepted connections (nullopt: off). A limited
  // connection is closed before TLS, like a denied one. `now` is only read when set.
  std::optional<core::ClientLogConfig> rate_limit;
  std::function<core::Timestamp()> now;
};

struct NtsKeServerStats {
  uint64_t accepted = 0;   // connections taken into a session
  uint64_t dropped = 0;    // refused by allow/deny, the connection bound or ntsratelimit
  uint64_t rate_limited = 0;  // ... of which by ntsratelimit
  uint64_t completed = 0;  // responses with cookies sent
  uint64_t errors = 0;     // sessions that failed (TLS, timeout, bad request)
};

class NtsKeServer {
 public:
  // `listeners`: listening TCP sockets (sys::open_tcp_listener), opened before the sandbox.
  NtsKeServer(event_base* base, std::vector<ipc::UniqueFd> listeners, crypto::TlsContext tls,
              core::AccessTable access, NtsServerKeys& keys, NtsKeServerOptions options);
  ~NtsKeServer();

  void set_access(core::AccessTable access) { access_ = std::move(access); }
  const NtsKeServerStats& stats() const { return stats_; }
  size_t sessions() const { return sessions_.size(); }  // finished ones until freed

 private:
  struct Session;
  void on_accept(int listener);
  void step(Session& s);
  void finish(Session& s, bool ok);
  void reap();
  std::vector<std::byte> respond(Session& s, core::Bytes request);

  event_base* base_;
  crypto::TlsContext tls_;
  core::AccessTable access_;
  NtsServerKeys& keys_;
  NtsKeServerOptions opts_;
  NtsKeServerStats stats_;
  std::optional<core::ClientLog> limiter_;
  std::list<std::unique_ptr<Session>> sessions_;
  sys::Event reaper_;
  std::vector<ipc::UniqueFd> listeners_;
  std::vector<sys::Event> accept_events_;  // last: removed before the sockets close
};

}  // namespace tempus::proc
