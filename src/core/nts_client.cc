// SPDX-License-Identifier: ISC
#include "core/nts_client.h"

#include <charconv>

namespace tempus::core {

namespace {

constexpr std::string_view kSessionsHeader = "tempus-nts-cookies 1";

std::string hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s.push_back(kDigits[std::to_integer<unsigned>(x) >> 4]);
    s.push_back(kDigits[std::to_integer<unsigned>(x) & 15]);
  }
  return s;
}

std::optional<std::vector<std::byte>> unhex(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return std::nullopt;
  std::vector<std::byte> out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t v = 0;
    const auto [end, ec] = std::from_chars(s.data() + 2 * i, s.data() + 2 * i + 2, v, 16);
    if (ec != std::errc{} || end != s.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<std::byte>(v);
  }
  return out;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<SavedNtsSession> parse_session(std::string_view line) {
  const auto f = words(line);
  if (f.size() < 6) return std::nullopt;
  SavedNtsSession s{std::string(f[0]), std::string(f[1]), {}, {}};
  uint16_t aead = 0;
  const auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), aead);
  if (ec != std::errc{} || end != f[2].data() + f[2].size()) return std::nullopt;
  auto c2s = unhex(f[3]), s2c = unhex(f[4]);
  const size_t len = aead_key_len(aead);
  if (len == 0 || !c2s || !s2c || c2s->size() != len || s2c->size() != len) return std::nullopt;
  s.keys = NtsKeys{aead, std::move(*c2s), std::move(*s2c)};
  for (size_t i = 5; i < f.size() && s.cookies.size() < kNtsMaxCookies; ++i) {
    auto c = unhex(f[i]);
    if (!c || c->size() < 4 || c->size() > 256 || c->size() % 4 != 0) return std::nullopt;
    s.cookies.push_back(std::move(*c));
  }
  return s;
}

}  // namespace

std::string serialise_nts_sessions(std::span<const SavedNtsSession> sessions) {
  std::string out(kSessionsHeader);
  out += '\n';
  for (const auto& s : sessions) {
    if (s.cookies.empty()) continue;
    out += s.name + ' ' + s.address + ' ' + std::to_string(s.keys.aead) + ' ' + hex(s.keys.c2s) +
           ' ' + hex(s.keys.s2c);
    for (const auto& c : s.cookies) out += ' ' + hex(c);
    out += '\n';
  }
  return out;
}

std::vector<SavedNtsSession> parse_nts_sessions(std::string_view text) {
  std::vector<SavedNtsSession> out;
  bool first = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (first) {
      if (line != kSessionsHeader) return out;
      first = false;
      continue;
    }
    if (auto s = parse_session(line)) out.push_back(std::move(*s));
  }
  return out;
}

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
