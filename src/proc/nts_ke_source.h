// SPDX-License-Identifier: ISC
// The NTS side of one client association (`server NAME nts`): NTS-KE when the cookie jar is
// empty (at start, after an NTS NAK, after ntsrefresh), NTS-protected requests made from the
// engine's plain ones, and replies checked before the engine sees them (RFC 8915 §5.7, §6).
//
// NTS-KE runs against NAME (certificate checked against NAME, an address literal checked as an
// IP SAN) at its resolved address and `ntsport`. A failed exchange is retried no sooner than
// kNtsKeRetryMin, doubling up to kNtsKeRetryMax. The session keys are kept until the next
// NTS-KE, which ntsrefresh forces after that long even while cookies last.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/nts_client.h"
#include "core/sample.h"
#include "core/time.h"
#include "proc/nts_ke_client.h"

namespace tempus::proc {

inline constexpr core::Duration kNtsKeRetryMin = core::Duration::s(16);
inline constexpr core::Duration kNtsKeRetryMax = core::Duration::s(4096);

// Per-source counters (chronyc authdata, our JSON).
struct NtsSourceCounters {
  uint64_t ke_ok = 0;          // successful NTS-KE exchanges
  uint64_t ke_failed = 0;
  uint32_t ke_attempts = 0;    // NTS-KE exchanges started since the last success (chronyc's)
  bool last_was_nak = false;   // the newest authentic-looking answer was a NAK (chronyc's NAK)
  uint64_t naks = 0;           // NTS NAKs received for our requests
  uint64_t auth_failed = 0;    // replies dropped: unauthenticated or not matching our request
  uint64_t no_cookie = 0;      // polls skipped for want of a cookie
};

// The client sessions saved in ntsdumpdir/tempus-ntscookies (core::SavedNtsSession): read before
// the sandbox, handed to each source when it starts (by name and address), kept up to date by the
// sources (every cookie spent or received) and written back through the parent at exit, so a
// restart needs no NTS-KE while cookies last. Sources never touch it when destroyed.
class NtsCookieStore {
 public:
  explicit NtsCookieStore(std::vector<core::SavedNtsSession> saved) : saved_(std::move(saved)) {}
  // The saved session of this source, once (nullopt if none).
  std::optional<core::SavedNtsSession> take(const std::string& name, const std::string& address);
  // The source's current session; one without cookies removes it.
  void update(core::SavedNtsSession s);
  // What to save: the sessions updated this run.
  std::string serialise() const;
  bool empty() const { return live_.empty(); }

 private:
  std::vector<core::SavedNtsSession> saved_;
  std::vector<core::SavedNtsSession> live_;
};

class NtsSource {
 public:
  using NowFn = std::function<core::Timestamp()>;
  // `tls` and `aead` (AES-SIV-CMAC-256) outlive the source. `ready` runs after every successful
  // NTS-KE (the association polls at once). `ke_server`: the NTS-KE address and port.
  NtsSource(event_base* base, const crypto::TlsContext& tls, const core::Aead& aead,
            sys::Endpoint ke_server, std::string name, core::Duration refresh, NowFn now,
            std::function<void(const NtsKeOutcome&)> ready, NtsCookieStore* store = nullptr);
  ~NtsSource();

  // The NTS request for the engine's plain request (48 octets, mode 3), spending one cookie;
  // nullopt without a cookie or session (NTS-KE is then started, if not running or backing off).
  std::optional<std::vector<std::byte>> wrap(core::Bytes plain, core::RandomSource& rng);
  // True when `reply` authenticates as the answer to the outstanding request (its cookies are
  // kept). An NTS NAK empties the jar and starts NTS-KE; anything else false is counted.
  bool accept(core::Bytes reply);

  size_t cookies() const { return session_ ? session_->cookies() : 0; }
  bool ke_running() const { return ke_ != nullptr; }
  uint16_t aead() const { return aead_id_; }
  size_t cookie_len() const { return cookie_len_; }
  const NtsSourceCounters& counters() const { return counters_; }
  size_t key_len() const { return aead_.key_len(); }
  // When the session in use began (NTS-KE, or a saved session's load); nullopt without one.
  std::optional<core::Timestamp> session_start() const {
    return session_ ? std::optional<core::Timestamp>(session_start_) : std::nullopt;
  }
  const std::string& last_error() const { return last_error_; }

 private:
  void start_ke();
  void save();  // into store_, when there is one
  void on_ke(core::Result<NtsKeOutcome, std::string> r);

  event_base* base_;
  const crypto::TlsContext& tls_;
  const core::Aead& aead_;
  sys::Endpoint ke_server_;
  std::string name_;
  core::Duration refresh_;
  NowFn now_;
  std::function<void(const NtsKeOutcome&)> ready_;
  NtsCookieStore* store_;
  std::optional<core::NtsClientSession> session_;
  core::Timestamp session_start_;
  uint16_t aead_id_ = 0;
  size_t cookie_len_ = 0;
  core::Duration backoff_ = kNtsKeRetryMin;
  std::optional<core::Timestamp> retry_after_;
  NtsSourceCounters counters_;
  std::string last_error_;
  std::unique_ptr<NtsKeClient> ke_;
  sys::Event reaper_;  // frees a finished exchange outside its own callback
  std::unique_ptr<NtsKeClient> finished_ke_;
};

}  // namespace tempus::proc
