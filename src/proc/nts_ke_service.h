// SPDX-License-Identifier: ISC
// NTS in the net process: what must be loaded before the sandbox closes (the AES-SIV AEAD,
// TLS contexts with their keys, certificates and trust stores, the NTS-KE listening sockets and
// the saved master keys), and the server half that runs inside it (NTS-KE on ntsport, NTS
// requests on the NTP socket).
//
// Without AES-SIV in OpenSSL (crypto/aead.h: its FIPS provider has none) NTS is unavailable:
// prepare_nts() says so once at start, `nts` sources are refused (logged) and no NTS-KE server
// is started.
//
// The master keys are saved as ntsdumpdir/tempus-ntskeys by the parent (WriteFile kNtsKeys:
// the sandbox cannot write files) and read back here before the sandbox at the next start; the
// client's sessions likewise as ntsdumpdir/tempus-ntscookies (WriteFile kNtsCookies, at exit).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "core/nts_aead.h"
#include "core/nts_client.h"
#include "core/server.h"
#include "crypto/tls.h"
#include "ipc/unique_fd.h"
#include "proc/nts_ke_server.h"
#include "proc/options.h"

namespace tempus::proc {

struct NtsMaterial {
  std::unique_ptr<core::Aead> aead;                   // nullptr: NTS unavailable (FIPS)
  // By certset, for the `nts` sources; certificate times unchecked while nocerttimecheck > 0
  // (net turns the check on after that many clock updates).
  std::map<uint32_t, crypto::TlsContext> client_tls;
  std::optional<crypto::TlsContext> server_tls;       // ntsserverkey/ntsservercert
  std::vector<ipc::UniqueFd> listeners;               // ntsport
  std::optional<std::string> saved_keys;              // ntsdumpdir/tempus-ntskeys
  std::vector<core::SavedNtsSession> saved_sessions;  // ntsdumpdir/tempus-ntscookies (client)
};

inline constexpr const char* kNtsCookiesFile = "tempus-ntscookies";

// getrandom(2), the kernel's CSPRNG (allowed in every filter): keys, nonces, cookies.
core::RandomSource& nts_random();

// Whether a server/pool line has the nts option.
bool nts_client_configured(const config::Config& cfg);

// Whether the configuration asks for an NTS-KE server (key pairs given and ntsport not 0).
bool nts_server_configured(const config::Config& cfg);

// Before the sandbox. Failures (an unreadable key or trust file, a port in use) are logged and
// leave that part out; the daemon runs without it.
NtsMaterial prepare_nts(const config::Config& cfg, const Options& opts);

struct NtsServerStats {
  uint64_t authenticated = 0;  // NTS requests answered with an authenticated reply
  uint64_t naks = 0;           // NTS NAKs sent (unknown cookie key, failed authentication)
  uint64_t dropped = 0;        // malformed NTS requests dropped silently
};

class NtsServerService {
 public:
  using PersistFn = NtsServerKeys::PersistFn;
  // Precondition: m.aead and m.server_tls set. `now` is the real time (key rotation).
  NtsServerService(event_base* base, NtsMaterial& m, const config::Config& cfg,
                   core::AccessTable access, NtsServerKeys::NowFn now, core::RandomSource& rng,
                   PersistFn persist);

  // An NTS request (it carries a Unique Identifier) that reached the NTP server: the reply with
  // `header` (48 octets, mode 4, transmit time set) and fresh cookies, an NTS NAK, or nullopt
  // to drop it. Never longer than the request.
  std::optional<std::vector<std::byte>> answer(core::Bytes request, core::Bytes header);

  void set_access(core::AccessTable a) { ke_->set_access(std::move(a)); }
  const NtsKeServerStats& ke_stats() const { return ke_->stats(); }
  const NtsServerStats& stats() const { return stats_; }

 private:
  const core::Aead& aead_;
  core::RandomSource& rng_;
  std::unique_ptr<NtsServerKeys> keys_;
  std::unique_ptr<NtsKeServer> ke_;
  NtsServerStats stats_;
};

}  // namespace tempus::proc
