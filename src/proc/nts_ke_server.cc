// SPDX-License-Identifier: ISC
#include "proc/nts_ke_server.h"

#include <algorithm>
#include <array>

#include "core/nts_ke.h"
#include "sys/log.h"
#include "sys/tcp.h"

namespace tempus::proc {

using sys::Severity;

NtsServerKeys::NtsServerKeys(event_base* base, const core::Aead& master, core::Duration rotation,
                             const std::optional<std::string>& saved, NowFn now,
                             core::RandomSource& rng, PersistFn persist)
    : master_(master), ring_(rotation), now_(std::move(now)), rng_(rng),
      persist_(std::move(persist)) {
  if (saved) {
    auto parsed = core::ServerKeyRing::parse(*saved, rotation);
    if (parsed) {
      ring_ = std::move(*parsed);
    } else {
      sys::logf(Severity::kWarning, "NTS key file line %zu: %s; starting with new keys",
                parsed.error().line, std::string(core::to_string(parsed.error().error)).c_str());
    }
  }
  timer_ = sys::Event::timer(base, [this](short) { rotate(); });
  if (ring_.rotation_due(now_()))
    rotate();
  else
    arm();
}

void NtsServerKeys::rotate() {
  ring_.rotate(now_(), rng_);
  sys::logf(Severity::kInfo, "NTS server key %08x in use (%zu kept)", ring_.current()->id,
            ring_.keys().size());
  if (persist_) persist_(ring_.serialise());
  arm();
}

void NtsServerKeys::arm() {
  if (ring_.interval() <= core::Duration{}) return;
  // Due when the current key is one interval old; at least a second away so a clock that went
  // back cannot make this spin.
  const core::Duration left = ring_.current()->created + ring_.interval() - now_();
  timer_.add(std::max(left, core::Duration::s(1)));
}

struct NtsKeServer::Session {
  enum class State { kHandshake, kRead, kWrite };
  ipc::UniqueFd fd;
  sys::Endpoint peer;
  std::optional<crypto::TlsSession> tls;
  State state = State::kHandshake;
  std::vector<std::byte> in;
  std::vector<std::byte> out;
  size_t out_pos = 0;
  bool finished = false;
  sys::Event timer;
  sys::Event readable;  // last: deleted before the fd closes
  sys::Event writable;
};

NtsKeServer::NtsKeServer(event_base* base, std::vector<ipc::UniqueFd> listeners,
                         crypto::TlsContext tls, core::AccessTable access, NtsServerKeys& keys,
                         NtsKeServerOptions options)
    : base_(base), tls_(std::move(tls)), access_(std::move(access)), keys_(keys),
      opts_(std::move(options)), listeners_(std::move(listeners)) {
  reaper_ = sys::Event::timer(base_, [this](short) { reap(); });
  if (opts_.rate_limit && opts_.now) limiter_.emplace(*opts_.rate_limit, keys_.rng().next_u64());
  for (const auto& l : listeners_) {
    const int fd = l.get();
    accept_events_.emplace_back(base_, fd, EV_READ | EV_PERSIST, [this, fd](short) {
      on_accept(fd);
    });
    accept_events_.back().add();
  }
}

NtsKeServer::~NtsKeServer() = default;

void NtsKeServer::on_accept(int listener) {
  // Bounded per wakeup so a flood cannot starve the NTP sockets.
  for (int i = 0; i < 16; ++i) {
    auto a = sys::accept_tcp(listener);
    if (!a) {
      if (a.error().code != EAGAIN && a.error().code != EWOULDBLOCK)
        sys::logf(Severity::kDebug, "NTS-KE accept: %s", sys::to_string(a.error()).c_str());
      return;
    }
    if (!access_.allowed(a->peer.address) || sessions_.size() >= opts_.max_connections) {
      ++stats_.dropped;
      continue;  // closed here, before any TLS work
    }
    if (limiter_ && limiter_->on_request(a->peer.address, opts_.now()).decision !=
                        core::RateDecision::kAnswer) {
      ++stats_.dropped;
      ++stats_.rate_limited;
      continue;
    }
    auto tls = crypto::TlsSession::server(tls_, a->fd.get());
    if (!tls) {
      sys::logf(Severity::kWarning, "NTS-KE session: %s", tls.error().c_str());
      ++stats_.errors;
      continue;
    }
    ++stats_.accepted;
    auto s = std::make_unique<Session>();
    s->fd = std::move(a->fd);
    s->peer = a->peer;
    s->tls.emplace(std::move(*tls));
    Session* raw = s.get();
    s->readable = sys::Event(base_, s->fd.get(), EV_READ, [this, raw](short) { step(*raw); });
    s->writable = sys::Event(base_, s->fd.get(), EV_WRITE, [this, raw](short) { step(*raw); });
    s->timer = sys::Event::timer(base_, [this, raw](short) {
      sys::logf(Severity::kDebug, "NTS-KE session with %s timed out",
                raw->peer.address.to_string().c_str());
      finish(*raw, false);
    });
    s->timer.add(opts_.timeout);
    sessions_.push_back(std::move(s));
    step(*raw);
  }
}

void NtsKeServer::step(Session& s) {
  for (int guard = 0; guard < 64; ++guard) {
    crypto::TlsIo r = crypto::TlsIo::kError;
    switch (s.state) {
      case Session::State::kHandshake:
        r = s.tls->handshake();
        if (r == crypto::TlsIo::kDone) {
          s.state = Session::State::kRead;
          continue;
        }
        break;
      case Session::State::kRead: {
        std::array<std::byte, 2048> buf;
        size_t n = 0;
        r = s.tls->read(buf, n);
        if (r != crypto::TlsIo::kDone) break;
        s.in.insert(s.in.end(), buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n));
        auto len = core::nke_message_length(s.in);
        if (len && *len == 0) continue;  // more to come
        s.out = respond(s, len ? core::Bytes(s.in).first(*len) : core::Bytes(s.in));
        s.state = Session::State::kWrite;
        continue;
      }
      case Session::State::kWrite: {
        size_t n = 0;
        r = s.tls->write(core::Bytes(s.out).subspan(s.out_pos), n);
        if (r != crypto::TlsIo::kDone) break;
        s.out_pos += n;
        if (s.out_pos < s.out.size()) continue;
        s.tls->shutdown();
        return finish(s, true);
      }
    }
    if (r == crypto::TlsIo::kWantRead || r == crypto::TlsIo::kWantWrite) {
      (r == crypto::TlsIo::kWantRead ? s.readable : s.writable).add();
      return;
    }
    if (r == crypto::TlsIo::kError)
      sys::logf(Severity::kDebug, "NTS-KE session with %s: %s",
                s.peer.address.to_string().c_str(), s.tls->error().c_str());
    return finish(s, false);
  }
  finish(s, false);
}

std::vector<std::byte> NtsKeServer::respond(Session& s, core::Bytes request) {
  core::NkeResponse resp;
  auto req = core::parse_nke_request(request);
  if (!req) {
    sys::logf(Severity::kDebug, "NTS-KE request from %s refused: %s",
              s.peer.address.to_string().c_str(),
              std::string(core::to_string(req.error().reason)).c_str());
    resp.error = req.error().code;
    return core::encode_nke_response(resp);
  }
  resp = core::negotiate_nke(*req, opts_.aeads);
  if (!resp.protocol || !resp.aead) return core::encode_nke_response(resp);
  core::NtsKeys keys;
  keys.aead = *resp.aead;
  const size_t len = core::aead_key_len(keys.aead);
  auto c2s = s.tls->export_key(core::nts_exporter_context(*resp.protocol, keys.aead, false), len);
  auto s2c = s.tls->export_key(core::nts_exporter_context(*resp.protocol, keys.aead, true), len);
  if (!c2s || !s2c) {
    resp = core::NkeResponse{.error = core::NkeErrorCode::kInternalServerError};
    return core::encode_nke_response(resp);
  }
  keys.c2s = std::move(*c2s);
  keys.s2c = std::move(*s2c);
  for (size_t i = 0; i < core::kNkeMaxCookies; ++i) {
    auto cookie = core::make_cookie(keys_.ring(), keys_.master(), keys, keys_.rng());
    if (!cookie) break;
    resp.cookies.push_back(std::move(*cookie));
  }
  if (resp.cookies.empty()) {
    resp = core::NkeResponse{.error = core::NkeErrorCode::kInternalServerError};
    return core::encode_nke_response(resp);
  }
  if (!opts_.ntp_server.empty()) resp.server = opts_.ntp_server;
  resp.port = opts_.ntp_port;
  return core::encode_nke_response(resp);
}

void NtsKeServer::finish(Session& s, bool ok) {
  if (s.finished) return;
  s.finished = true;
  ++(ok ? stats_.completed : stats_.errors);
  s.timer.del();
  s.readable.del();
  s.writable.del();
  // Freed from a fresh callback: this may run inside one of the session's own events.
  reaper_.add(core::Duration{});
}

void NtsKeServer::reap() {
  sessions_.remove_if([](const std::unique_ptr<Session>& p) { return p->finished; });
}

}  // namespace tempus::proc
