// SPDX-License-Identifier: ISC
#include "proc/nts_ke_service.h"

#include "core/nts_ef.h"
#include "core/nts_ke.h"
#include "core/packet.h"
#include "crypto/aead.h"
#include "sys/kernel_random.h"
#include "sys/log.h"
#include "sys/state_files.h"
#include "sys/tcp.h"

namespace tempus::proc {

using sys::Severity;

namespace {

constexpr size_t kMaxKeyFile = 4096;
constexpr size_t kMaxCookieFile = 1 << 20;
constexpr int kListenBacklog = 64;

}  // namespace

bool nts_client_configured(const config::Config& cfg) {
  for (const auto* list : {&cfg.sources, &cfg.sourcedir_sources})
    for (const auto& s : *list)
      if (s.nts) return true;
  return false;
}

namespace {

// The AEAD IDs of `wanted` (ntsaeads, preference order) this build and OpenSSL provide.
std::vector<uint16_t> usable_aeads(const std::vector<int>& wanted) {
  std::vector<uint16_t> out;
  for (int id : wanted)
    if (id == static_cast<int>(core::AeadId::kAesSivCmac256))
      out.push_back(static_cast<uint16_t>(id));
  return out;
}

}  // namespace

core::RandomSource& nts_random() { return sys::kernel_random(); }

bool nts_server_configured(const config::Config& cfg) {
  return !cfg.nts_server_keys.empty() && cfg.nts_port != 0;
}

NtsMaterial prepare_nts(const config::Config& cfg, const Options& opts) {
  NtsMaterial m;
  const bool client = nts_client_configured(cfg), server = nts_server_configured(cfg);
  if (!client && !server) return m;
  if (!crypto::init_tls()) {
    sys::logf(Severity::kError, "NTS unavailable: OpenSSL's TLS library did not initialise");
    return m;
  }
  m.aead = crypto::make_aead(core::AeadId::kAesSivCmac256);
  if (!m.aead) {
    sys::logf(Severity::kError,
              "NTS unavailable: this OpenSSL offers no AES-SIV (a FIPS-only provider has "
              "none); nts sources and the NTS-KE server are disabled");
    return m;
  }
  if (client) {
    for (const auto* list : {&cfg.sources, &cfg.sourcedir_sources}) {
      for (const auto& s : *list) {
        if (!s.nts || m.client_tls.count(s.cert_set)) continue;
        crypto::TlsClientOptions o;
        o.system_certs = s.cert_set == 0 && !cfg.no_system_cert;
        for (const auto& t : cfg.nts_trusted_certs)
          if (t.set_id == s.cert_set) o.trusted.push_back(t.path);
        auto ctx = crypto::TlsContext::client(o);
        if (!ctx) {
          sys::logf(Severity::kError, "NTS trusted certificates (set %u): %s", s.cert_set,
                    ctx.error().c_str());
          continue;
        }
        // nocerttimecheck: our clock is not trusted yet, so certificate times are not either.
        if (cfg.no_cert_time_check > 0) ctx->set_check_time(false);
        m.client_tls.emplace(s.cert_set, std::move(*ctx));
      }
    }
    if (!cfg.nts_dump_dir.empty()) {
      auto text = sys::read_small_file(cfg.nts_dump_dir + "/" + kNtsCookiesFile, kMaxCookieFile);
      if (text) m.saved_sessions = core::parse_nts_sessions(*text);
    }
  }
  if (!server) return m;
  if (cfg.nts_server_certs.size() != cfg.nts_server_keys.size()) {
    sys::logf(Severity::kError, "NTS server: %zu ntsservercert but %zu ntsserverkey; disabled",
              cfg.nts_server_certs.size(), cfg.nts_server_keys.size());
    return m;
  }
  std::vector<crypto::TlsKeyPair> pairs;
  for (size_t i = 0; i < cfg.nts_server_keys.size(); ++i)
    pairs.push_back({cfg.nts_server_certs[i], cfg.nts_server_keys[i]});
  auto tls = crypto::TlsContext::server(pairs);
  if (!tls) {
    sys::logf(Severity::kError, "NTS server disabled: %s", tls.error().c_str());
    return m;
  }
  std::vector<sys::Endpoint> ends;
  if (opts.family != AddressFamily::kIpv6) ends.push_back({cfg.bind_address4, cfg.nts_port});
  if (opts.family != AddressFamily::kIpv4) ends.push_back({cfg.bind_address6, cfg.nts_port});
  for (const auto& e : ends) {
    auto fd = sys::open_tcp_listener(e, kListenBacklog);
    if (fd) {
      m.listeners.push_back(std::move(*fd));
    } else if (!e.address.is_v6() || m.listeners.empty()) {
      sys::logf(Severity::kError, "NTS-KE socket %s port %u: %s", e.address.to_string().c_str(),
                e.port, sys::to_string(fd.error()).c_str());
    }
  }
  if (m.listeners.empty()) return m;
  m.server_tls.emplace(std::move(*tls));
  if (!cfg.nts_dump_dir.empty()) {
    auto text = sys::read_small_file(cfg.nts_dump_dir + "/" + kNtsKeysFile, kMaxKeyFile);
    if (text) m.saved_keys = std::move(*text);
    else if (text.error().code != ENOENT)
      sys::logf(Severity::kWarning, "NTS key file in %s: %s", cfg.nts_dump_dir.c_str(),
                sys::to_string(text.error()).c_str());
  }
  return m;
}

NtsServerService::NtsServerService(event_base* base, NtsMaterial& m, const config::Config& cfg,
                                   core::AccessTable access, NtsServerKeys::NowFn now,
                                   core::RandomSource& rng, PersistFn persist)
    : aead_(*m.aead), rng_(rng) {
  const NtsServerKeys::NowFn keys_now = now;
  keys_ = std::make_unique<NtsServerKeys>(base, *m.aead, cfg.nts_rotate, m.saved_keys,
                                          std::move(now), rng, std::move(persist));
  NtsKeServerOptions o;
  o.max_connections = static_cast<size_t>(std::max(1, cfg.max_nts_connections));
  o.ntp_server = cfg.nts_ntp_server;
  if (cfg.port != 123 && cfg.port != 0) o.ntp_port = cfg.port;
  o.aeads = usable_aeads(cfg.nts_aeads);
  if (cfg.nts_rate_limit.enabled) {
    const auto& r = cfg.nts_rate_limit;
    o.rate_limit = core::ClientLogConfig{
        .max_clients = 1024,
        .rate_limit = core::RateLimitConfig{.interval_log2 = r.interval_log2, .burst = r.burst,
                                            .leak = r.leak, .kod = 0}};
    o.now = keys_now;
  }
  if (o.aeads.empty())
    sys::logf(Severity::kWarning,
              "ntsaeads names no AEAD available here (only 15, AES-SIV-CMAC-256)");
  ke_ = std::make_unique<NtsKeServer>(base, std::move(m.listeners), std::move(*m.server_tls),
                                      std::move(access), *keys_, std::move(o));
  m.server_tls.reset();
  sys::logf(Severity::kInfo, "serving NTS-KE on port %u", cfg.nts_port);
}

std::optional<std::vector<std::byte>> NtsServerService::answer(core::Bytes request,
                                                               core::Bytes header) {
  auto h = core::decode_header(header);
  if (!h) return std::nullopt;
  auto req = core::parse_nts_request(request, keys_->ring(), aead_);
  if (!req) {
    if (!core::nts_nak_warranted(req.error())) {
      ++stats_.dropped;
      return std::nullopt;
    }
    ++stats_.naks;
    return core::build_nts_nak(*h, core::nts_unique_id(request));
  }
  auto reply = core::build_nts_reply(*h, *req, keys_->ring(), aead_, rng_);
  if (!reply) {
    ++stats_.dropped;
    return std::nullopt;
  }
  ++stats_.authenticated;
  return reply;
}

}  // namespace tempus::proc
