// SPDX-License-Identifier: ISC
#include "proc/nts_ke_source.h"

#include <algorithm>

#include "core/packet.h"
#include "sys/log.h"

namespace tempus::proc {

using sys::Severity;

std::optional<core::SavedNtsSession> NtsCookieStore::take(const std::string& name,
                                                         const std::string& address) {
  for (auto it = saved_.begin(); it != saved_.end(); ++it) {
    if (it->name != name || it->address != address) continue;
    core::SavedNtsSession s = std::move(*it);
    saved_.erase(it);
    return s;
  }
  return std::nullopt;
}

void NtsCookieStore::update(core::SavedNtsSession s) {
  std::erase_if(live_, [&](const core::SavedNtsSession& l) {
    return l.name == s.name && l.address == s.address;
  });
  if (!s.cookies.empty()) live_.push_back(std::move(s));
}

std::string NtsCookieStore::serialise() const { return core::serialise_nts_sessions(live_); }

NtsSource::NtsSource(event_base* base, const crypto::TlsContext& tls, const core::Aead& aead,
                     sys::Endpoint ke_server, std::string name, core::Duration refresh,
                     NowFn now, std::function<void(const NtsKeOutcome&)> ready,
                     NtsCookieStore* store)
    : base_(base), tls_(tls), aead_(aead), ke_server_(std::move(ke_server)),
      name_(std::move(name)), refresh_(refresh), now_(std::move(now)), ready_(std::move(ready)),
      store_(store) {
  reaper_ = sys::Event::timer(base_, [this](short) { finished_ke_.reset(); });
  if (!store_) return;
  auto saved = store_->take(name_, ke_server_.address.to_string());
  if (!saved || saved->keys.aead != static_cast<uint16_t>(aead_.id())) return;
  aead_id_ = saved->keys.aead;
  cookie_len_ = saved->cookies.front().size();
  session_.emplace(aead_, std::move(saved->keys), std::move(saved->cookies));
  // Its age is unknown: ntsrefresh counts from this start.
  session_start_ = now_();
  sys::logf(Severity::kInfo, "NTS: %zu saved cookies for %s", session_->cookies(), name_.c_str());
  save();
}

void NtsSource::save() {
  if (!store_) return;
  core::SavedNtsSession s{name_, ke_server_.address.to_string(), {}, {}};
  if (session_) {
    s.keys = session_->keys();
    s.cookies = session_->cookie_jar();
  }
  store_->update(std::move(s));
}

NtsSource::~NtsSource() = default;

std::optional<std::vector<std::byte>> NtsSource::wrap(core::Bytes plain, core::RandomSource& rng) {
  const bool stale = session_ && refresh_ > core::Duration{} &&
                     now_() - session_start_ >= refresh_;
  if (!session_ || session_->needs_ke() || stale) {
    if (stale) session_.reset();
    ++counters_.no_cookie;
    start_ke();
    return std::nullopt;
  }
  auto h = core::decode_header(plain);
  if (!h) return std::nullopt;
  auto req = session_->make_request(*h, rng);
  save();
  return req;
}

bool NtsSource::accept(core::Bytes reply) {
  if (!session_) {
    ++counters_.auth_failed;
    return false;
  }
  auto st = session_->accept_reply(reply);
  if (st) {
    counters_.last_was_nak = false;
    save();
    return true;
  }
  if (st.error() == core::NtsEfError::kNak) {
    ++counters_.naks;
    counters_.last_was_nak = true;
    save();
    sys::logf(Severity::kInfo, "NTS NAK from %s: new NTS-KE", name_.c_str());
    retry_after_.reset();
    start_ke();
  } else {
    ++counters_.auth_failed;
    sys::logf(Severity::kDebug, "NTS reply from %s dropped: %s", name_.c_str(),
              std::string(core::to_string(st.error())).c_str());
  }
  return false;
}

void NtsSource::start_ke() {
  if (ke_) return;
  if (retry_after_ && now_() < *retry_after_) return;
  ke_ = std::make_unique<NtsKeClient>(
      base_, tls_, ke_server_, name_,
      std::vector<uint16_t>{static_cast<uint16_t>(aead_.id())},
      [this](core::Result<NtsKeOutcome, std::string> r) { on_ke(std::move(r)); });
  ++counters_.ke_attempts;
  ke_->start();
}

void NtsSource::on_ke(core::Result<NtsKeOutcome, std::string> r) {
  finished_ke_ = std::move(ke_);  // we are inside its callback: freed from the next one
  reaper_.add(core::Duration{});
  if (!r) {
    ++counters_.ke_failed;
    last_error_ = r.error();
    retry_after_ = now_() + backoff_;
    sys::logf(Severity::kWarning, "NTS-KE with %s failed: %s; retrying in %lld s", name_.c_str(),
              r.error().c_str(), static_cast<long long>(backoff_.count_ns() / core::kNsPerSec));
    backoff_ = std::min(backoff_ * 2, kNtsKeRetryMax);
    return;
  }
  ++counters_.ke_ok;
  counters_.ke_attempts = 0;
  last_error_.clear();
  backoff_ = kNtsKeRetryMin;
  retry_after_.reset();
  const NtsKeOutcome& o = *r;
  aead_id_ = o.keys.aead;
  cookie_len_ = o.cookies.empty() ? 0 : o.cookies.front().size();
  session_.emplace(aead_, o.keys, o.cookies);
  session_start_ = now_();
  save();
  sys::logf(Severity::kInfo, "NTS-KE with %s: %zu cookies", name_.c_str(), o.cookies.size());
  if (ready_) ready_(o);
}

}  // namespace tempus::proc
