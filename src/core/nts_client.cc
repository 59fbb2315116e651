// SPDX-License-Identifier: ISC
#include "core/nts_client.h"

namespace tempus::core {

NtsClientSession::NtsClientSession(const Aead& aead, NtsKeys keys,
                                   std::vector<std::vector<std::byte>> cookies)
    : aead_(aead), keys_(std::move(keys)) {
  for (auto& c : cookies) {
    if (cookies_.size() == kNtsMaxCookies) break;
    cookies_.push_back(std::move(c));
  }
}

std::optional<std::vector<std::byte>> NtsClientSession::make_request(const Header& header,
                                                                     RandomSource& rng) {
  if (cookies_.empty()) return std::nullopt;
  std::vector<std::byte> cookie = std::move(cookies_.front());
  cookies_.erase(cookies_.begin());
  // Ask for the spent cookie's replacement and for any missing ones (RFC 8915 §5.7).
  const size_t placeholders = kNtsMaxCookies - 1 - cookies_.size();
  auto req = build_nts_request(header, aead_, keys_.c2s, cookie, placeholders, rng);
  if (!req) {
    outstanding_.reset();
    return std::nullopt;
  }
  outstanding_ = req->unique_id;
  return std::move(req->packet);
}

Status<NtsEfError> NtsClientSession::accept_reply(Bytes packet) {
  if (!outstanding_) return Unexpected{NtsEfError::kBadUniqueId};
  auto got = verify_nts_reply(packet, aead_, keys_.s2c, *outstanding_);
  if (!got) {
    if (got.error() == NtsEfError::kNak) {
      cookies_.clear();
      outstanding_.reset();
    }
    return Unexpected{got.error()};
  }
  outstanding_.reset();
  for (auto& c : *got) {
    if (cookies_.size() == kNtsMaxCookies) break;
    cookies_.push_back(std::move(c));
  }
  return {};
}

}  // namespace tempus::core
