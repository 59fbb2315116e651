// SPDX-License-Identifier: ISC
#include "proc/nts_ke_client.h"

#include <array>

#include "core/nts_ke.h"
#include "sys/tcp.h"

namespace tempus::proc {

NtsKeClient::NtsKeClient(event_base* base, const crypto::TlsContext& tls, sys::Endpoint server,
                         std::string name, std::vector<uint16_t> aeads, Done done,
                         core::Duration timeout)
    : base_(base), tls_ctx_(tls), server_(std::move(server)), name_(std::move(name)),
      aeads_(std::move(aeads)), done_(std::move(done)), timeout_(timeout) {}

NtsKeClient::~NtsKeClient() = default;

void NtsKeClient::start() {
  timer_ = sys::Event::timer(base_, [this](short) {
    if (pending_error_) return fail(*pending_error_);
    fail("NTS-KE with " + name_ + " timed out");
  });
  auto fd = sys::start_tcp_connect(server_);
  if (!fd) {
    pending_error_ =
        "connect to " + server_.address.to_string() + ": " + sys::to_string(fd.error());
    timer_.add(core::Duration{});
    return;
  }
  fd_ = std::move(*fd);
  readable_ = sys::Event(base_, fd_.get(), EV_READ, [this](short) { step(); });
  writable_ = sys::Event(base_, fd_.get(), EV_WRITE, [this](short) { step(); });
  timer_.add(timeout_);
  writable_.add();  // the connect finishes (or fails) when the socket becomes writable
}

void NtsKeClient::step() {
  for (int guard = 0; guard < 64; ++guard) {
    crypto::TlsIo r = crypto::TlsIo::kError;
    switch (state_) {
      case State::kConnect: {
        if (auto st = sys::connect_result(fd_.get()); !st)
          return fail("connect to " + server_.address.to_string() + " port " +
                      std::to_string(server_.port) + ": " + sys::to_string(st.error()));
        auto tls = crypto::TlsSession::client(tls_ctx_, fd_.get(), name_);
        if (!tls) return fail(tls.error());
        tls_.emplace(std::move(*tls));
        core::NkeRequest req;
        req.aeads = aeads_;
        out_ = core::encode_nke_request(req);
        state_ = State::kHandshake;
        continue;
      }
      case State::kHandshake:
        r = tls_->handshake();
        if (r == crypto::TlsIo::kDone) {
          state_ = State::kWrite;
          continue;
        }
        break;
      case State::kWrite: {
        size_t n = 0;
        r = tls_->write(core::Bytes(out_).subspan(out_pos_), n);
        if (r != crypto::TlsIo::kDone) break;
        out_pos_ += n;
        if (out_pos_ == out_.size()) state_ = State::kRead;
        continue;
      }
      case State::kRead: {
        std::array<std::byte, 2048> buf;
        size_t n = 0;
        r = tls_->read(buf, n);
        if (r == crypto::TlsIo::kClosed) return fail("NTS-KE server closed before its response");
        if (r != crypto::TlsIo::kDone) break;
        in_.insert(in_.end(), buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n));
        auto len = core::nke_message_length(in_);
        if (!len) return fail("NTS-KE response: " + std::string(core::to_string(len.error())));
        if (*len == 0) continue;
        std::string why;
        auto outcome = outcome_of(core::Bytes(in_).first(*len), why);
        if (!outcome) return fail(why);
        tls_->shutdown();
        return succeed(std::move(*outcome));
      }
      case State::kDone: return;
    }
    if (r == crypto::TlsIo::kWantRead) return readable_.add();
    if (r == crypto::TlsIo::kWantWrite) return writable_.add();
    return fail(tls_->error());
  }
  fail("NTS-KE exchange did not progress");
}

std::optional<NtsKeOutcome> NtsKeClient::outcome_of(core::Bytes message, std::string& why) const {
  auto resp = core::parse_nke_response(message, aeads_);
  if (!resp) {
    why = "NTS-KE response: " + std::string(core::to_string(resp.error().reason));
    if (resp.error().reason == core::NkeError::kServerError)
      why += " (code " + std::to_string(resp.error().code) + ")";
    return std::nullopt;
  }
  NtsKeOutcome o;
  o.keys.aead = *resp->aead;
  const size_t len = core::aead_key_len(o.keys.aead);
  auto c2s = tls_->export_key(core::nts_exporter_context(*resp->protocol, o.keys.aead, false), len);
  auto s2c = tls_->export_key(core::nts_exporter_context(*resp->protocol, o.keys.aead, true), len);
  if (!c2s || !s2c) {
    why = "NTS-KE: key export failed";
    return std::nullopt;
  }
  o.keys.c2s = std::move(*c2s);
  o.keys.s2c = std::move(*s2c);
  o.cookies = std::move(resp->cookies);
  o.server = std::move(resp->server);
  o.port = resp->port;
  return o;
}

void NtsKeClient::fail(std::string why) {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  timer_.del();
  readable_.del();
  writable_.del();
  Done done = std::move(done_);
  done(core::Unexpected{std::move(why)});  // may destroy *this: nothing after it
}

void NtsKeClient::succeed(NtsKeOutcome outcome) {
  state_ = State::kDone;
  timer_.del();
  readable_.del();
  writable_.del();
  Done done = std::move(done_);
  done(std::move(outcome));
}

}  // namespace tempus::proc
