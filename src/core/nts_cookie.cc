// SPDX-License-Identifier: ISC
#include "core/nts_cookie.h"

#include <algorithm>
#include <charconv>

namespace tempus::core {

namespace {

constexpr std::string_view kHeader = "tempus-nts-keys 1";
constexpr size_t kKeyIdLen = 4;
constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(Bytes b) {
  std::string s;
  for (std::byte x : b) {
    s.push_back(kHexDigits[std::to_integer<unsigned>(x) >> 4]);
    s.push_back(kHexDigits[std::to_integer<unsigned>(x) & 15]);
  }
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(std::string_view s, std::span<std::byte> out) {
  if (s.size() != 2 * out.size()) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(s[2 * i]);
    const int lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::byte>(hi << 4 | lo);
  }
  return true;
}

template <class T>
bool parse_int(std::string_view s, T& v, int base = 10) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  return ec == std::errc{} && end == s.data() + s.size();
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::array<std::byte, kKeyIdLen> id_bytes(uint32_t id) {
  return {std::byte(id >> 24), std::byte((id >> 16) & 0xff), std::byte((id >> 8) & 0xff),
          std::byte(id & 0xff)};
}

}  // namespace

std::string_view to_string(KeyRingError e) {
  switch (e) {
    case KeyRingError::kBadHeader: return "not a tempus NTS key file";
    case KeyRingError::kBadLine: return "malformed key line";
    case KeyRingError::kBadAead: return "unsupported AEAD";
    case KeyRingError::kDuplicateId: return "duplicate key ID";
    case KeyRingError::kTooManyKeys: return "too many keys";
    case KeyRingError::kNoKeys: return "no keys";
  }
  return "unknown key file error";
}

bool ServerKeyRing::rotation_due(Timestamp now) const {
  if (keys_.empty()) return true;
  return interval_ > Duration{} && now - keys_.back().created >= interval_;
}

void ServerKeyRing::rotate(Timestamp now, RandomSource& rng) {
  ServerKey k;
  k.id = keys_.empty() ? static_cast<uint32_t>(rng.next_u64()) : keys_.back().id + 1;
  fill_random(rng, k.key);
  k.created = now;
  keys_.push_back(k);
  if (keys_.size() > kMaxServerKeys)
    keys_.erase(keys_.begin(), keys_.end() - static_cast<ptrdiff_t>(kMaxServerKeys));
  if (interval_ > Duration{}) {
    const Duration keep = Duration::ns(interval_.count_ns() * static_cast<int64_t>(kMaxServerKeys));
    while (keys_.size() > 1 && now - keys_.front().created > keep) keys_.erase(keys_.begin());
  }
}

const ServerKey* ServerKeyRing::find(uint32_t id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

std::string ServerKeyRing::serialise() const {
  std::string out(kHeader);
  out += '\n';
  char id[9];
  for (const auto& k : keys_) {
    for (int i = 0; i < 8; ++i) id[i] = kHexDigits[(k.id >> (28 - 4 * i)) & 15];
    id[8] = '\0';
    out += id;
    out += ' ' + std::to_string(k.created.unix_sec()) + ' ' +
           std::to_string(static_cast<unsigned>(AeadId::kAesSivCmac256)) + ' ' + to_hex(k.key) +
           '\n';
  }
  return out;
}

Result<ServerKeyRing, KeyRingParseError> ServerKeyRing::parse(std::string_view text,
                                                              Duration rotation_interval) {
  ServerKeyRing ring(rotation_interval);
  size_t line_no = 0;
  bool header = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const auto f = fields(line);
    if (!header) {
      if (f.size() != 2 || f[0] != "tempus-nts-keys" || f[1] != "1")
        return Unexpected{KeyRingParseError{KeyRingError::kBadHeader, line_no}};
      header = true;
      continue;
    }
    if (f.empty()) continue;
    ServerKey k;
    int64_t created = 0;
    unsigned aead = 0;
    if (f.size() != 4 || f[0].size() != 8 || !parse_int(f[0], k.id, 16) ||
        !parse_int(f[1], created) || !parse_int(f[2], aead) || !from_hex(f[3], k.key) ||
        created < 0 || created > int64_t{1} << 33)  // 2^33 s: still int64 nanoseconds
      return Unexpected{KeyRingParseError{KeyRingError::kBadLine, line_no}};
    if (aead != static_cast<unsigned>(AeadId::kAesSivCmac256))
      return Unexpected{KeyRingParseError{KeyRingError::kBadAead, line_no}};
    if (ring.find(k.id))
      return Unexpected{KeyRingParseError{KeyRingError::kDuplicateId, line_no}};
    if (ring.keys_.size() == kMaxServerKeys)
      return Unexpected{KeyRingParseError{KeyRingError::kTooManyKeys, line_no}};
    k.created = Timestamp::from_unix(created, 0);
    ring.keys_.push_back(k);
  }
  if (!header) return Unexpected{KeyRingParseError{KeyRingError::kBadHeader, line_no + 1}};
  if (ring.keys_.empty()) return Unexpected{KeyRingParseError{KeyRingError::kNoKeys, line_no}};
  return ring;
}

std::optional<std::vector<std::byte>> make_cookie(const ServerKeyRing& ring, const Aead& master,
                                                  const NtsKeys& keys, RandomSource& rng) {
  const ServerKey* k = ring.current();
  const size_t key_len = aead_key_len(keys.aead);
  if (!k || key_len == 0 || keys.c2s.size() != key_len || keys.s2c.size() != key_len)
    return std::nullopt;
  std::vector<std::byte> plain;
  ByteWriter pw{plain};
  pw.be16(keys.aead);
  pw.be16(0);
  pw.bytes(keys.c2s);
  pw.bytes(keys.s2c);
  const auto id = id_bytes(k->id);
  std::array<std::byte, kCookieNonceLen> nonce;
  fill_random(rng, nonce);
  const Bytes ad[] = {id};
  const auto sealed = master.seal(k->key, ad, nonce, plain);
  if (!sealed) return std::nullopt;
  std::vector<std::byte> cookie;
  cookie.reserve(kKeyIdLen + nonce.size() + sealed->size());
  ByteWriter w{cookie};
  w.bytes(id);
  w.bytes(nonce);
  w.bytes(*sealed);
  return cookie;
}

std::optional<NtsKeys> open_cookie(const ServerKeyRing& ring, const Aead& master, Bytes cookie) {
  ByteReader r{cookie};
  const uint32_t id = r.be32();
  const Bytes nonce = r.bytes(kCookieNonceLen);
  const Bytes sealed = r.rest();
  if (!r.ok() || sealed.size() <= master.tag_len()) return std::nullopt;
  const ServerKey* k = ring.find(id);
  if (!k) return std::nullopt;
  const Bytes ad[] = {cookie.first(kKeyIdLen)};
  const auto plain = master.open(k->key, ad, nonce, sealed);
  if (!plain) return std::nullopt;
  ByteReader pr{*plain};
  NtsKeys keys;
  keys.aead = pr.be16();
  const uint16_t reserved = pr.be16();
  const size_t key_len = aead_key_len(keys.aead);
  if (!pr.ok() || reserved != 0 || key_len == 0 || pr.remaining() != 2 * key_len)
    return std::nullopt;
  const Bytes c2s = pr.bytes(key_len);
  const Bytes s2c = pr.bytes(key_len);
  keys.c2s.assign(c2s.begin(), c2s.end());
  keys.s2c.assign(s2c.begin(), s2c.end());
  return keys;
}

}  // namespace tempus::core
