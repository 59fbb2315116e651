// SPDX-License-Identifier: ISC
#include "core/nts_ef.h"

#include <algorithm>

#include "core/nts_ke.h"

namespace tempus::core {

namespace {

constexpr size_t pad4(size_t n) { return (n + 3) & ~size_t{3}; }

// The offset of an extension field's value within the packet it was decoded from.
size_t offset_in(Bytes packet, Bytes value) {
  return static_cast<size_t>(value.data() - packet.data());
}

// RFC 8915 §5.6: the Authenticator's body.
struct AuthBody {
  Bytes nonce;
  Bytes ciphertext;
};

std::optional<AuthBody> parse_auth_body(Bytes value, size_t tag_len) {
  ByteReader r{value};
  const size_t nonce_len = r.be16();
  const size_t ct_len = r.be16();
  if (!r.ok() || nonce_len == 0 || ct_len < tag_len) return std::nullopt;
  // The nonce (at least as much room as a 16-octet nonce) and the ciphertext, each padded.
  if (4 + std::max(pad4(nonce_len), kNtsNonceLen) + pad4(ct_len) > value.size())
    return std::nullopt;
  AuthBody a;
  a.nonce = r.bytes(nonce_len);
  r.skip(pad4(nonce_len) - nonce_len);
  a.ciphertext = r.bytes(ct_len);
  if (!r.ok()) return std::nullopt;
  return a;
}

// Appends the Authenticator and Encrypted Extension Fields field, sealing `plaintext` with
// everything already in `packet` as associated data.
bool append_authenticator(std::vector<std::byte>& packet, const Aead& aead, Bytes key,
                          Bytes nonce, Bytes plaintext) {
  const Bytes ad[] = {packet};
  const auto sealed = aead.seal(key, ad, nonce, plaintext);
  if (!sealed) return false;
  std::vector<std::byte> body;
  ByteWriter b{body};
  b.be16(static_cast<uint16_t>(nonce.size()));
  b.be16(static_cast<uint16_t>(sealed->size()));
  b.bytes(nonce);
  b.zeros(pad4(nonce.size()) - nonce.size());
  b.bytes(*sealed);
  ByteWriter w{packet};
  encode_extension(kEfNtsAuthenticator, body, w, kMinLastExtensionLen);
  return true;
}

// Walks the extension fields inside a decrypted plaintext (RFC 7822 shape: length >= 16, a
// multiple of 4). False if they do not parse.
template <class F>
bool for_each_inner_field(Bytes plaintext, F&& f) {
  ByteReader r{plaintext};
  while (!r.empty()) {
    const uint16_t type = r.be16();
    const uint16_t len = r.be16();
    if (!r.ok() || len < kMinExtensionLen || len % 4 != 0 || len - 4u > r.remaining())
      return false;
    f(type, r.bytes(len - 4u));
  }
  return true;
}

size_t auth_field_len(size_t plaintext_len, size_t tag_len) {
  return 4 + 4 + kNtsNonceLen + pad4(plaintext_len + tag_len);
}

}  // namespace

std::string_view to_string(NtsEfError e) {
  switch (e) {
    case NtsEfError::kBadPacket: return "malformed NTP packet";
    case NtsEfError::kWrongMode: return "unexpected mode";
    case NtsEfError::kNoUniqueId: return "no Unique Identifier";
    case NtsEfError::kBadUniqueId: return "bad Unique Identifier";
    case NtsEfError::kDuplicateField: return "duplicate NTS field";
    case NtsEfError::kNoCookie: return "no NTS Cookie";
    case NtsEfError::kBadPlaceholder: return "cookie placeholder of the wrong length";
    case NtsEfError::kNoAuthenticator: return "no NTS Authenticator";
    case NtsEfError::kAuthNotLast: return "NTS Authenticator not the last field";
    case NtsEfError::kBadAuthenticator: return "malformed NTS Authenticator";
    case NtsEfError::kCookieInvalid: return "cookie cannot be opened";
    case NtsEfError::kAuthFailed: return "authentication failed";
    case NtsEfError::kBadEncryptedField: return "malformed encrypted extension field";
    case NtsEfError::kNak: return "NTS NAK";
  }
  return "unknown NTS error";
}

std::optional<NtsRequest> build_nts_request(const Header& header, const Aead& aead, Bytes c2s,
                                            Bytes cookie, size_t placeholders, RandomSource& rng) {
  if (c2s.size() != aead.key_len() || cookie.empty() || cookie.size() > kNkeMaxCookieLen ||
      placeholders >= kNtsMaxCookies)
    return std::nullopt;
  NtsRequest req;
  fill_random(rng, req.unique_id);
  std::array<std::byte, kNtsNonceLen> nonce;
  fill_random(rng, nonce);
  ByteWriter w{req.packet};
  encode_header(header, w);
  encode_extension(kEfUniqueIdentifier, req.unique_id, w);
  encode_extension(kEfNtsCookie, cookie, w);
  const std::vector<std::byte> zeros(cookie.size());
  for (size_t i = 0; i < placeholders; ++i) encode_extension(kEfNtsCookiePlaceholder, zeros, w);
  if (!append_authenticator(req.packet, aead, c2s, nonce, {})) return std::nullopt;
  return req;
}

Result<std::vector<std::vector<std::byte>>, NtsEfError> verify_nts_reply(Bytes packet,
                                                                         const Aead& aead,
                                                                         Bytes s2c,
                                                                         Bytes unique_id) {
  const auto p = decode_packet(packet);
  if (!p || p->mac) return Unexpected{NtsEfError::kBadPacket};
  if (p->header.mode != Mode::kServer) return Unexpected{NtsEfError::kWrongMode};
  const auto fields = p->extensions();
  bool uid_ok = false;
  std::optional<size_t> auth;
  for (size_t i = 0; i < fields.size(); ++i) {
    const ExtensionField& f = fields[i];
    if (auth) return Unexpected{NtsEfError::kAuthNotLast};
    if (f.type == kEfUniqueIdentifier) {
      if (uid_ok) return Unexpected{NtsEfError::kDuplicateField};
      if (!std::equal(f.value.begin(), f.value.end(), unique_id.begin(), unique_id.end()))
        return Unexpected{NtsEfError::kBadUniqueId};
      uid_ok = true;
    } else if (f.type == kEfNtsAuthenticator) {
      auth = i;
    }
  }
  if (!uid_ok) return Unexpected{NtsEfError::kNoUniqueId};
  if (!auth) {
    const bool nak = p->header.stratum == 0 && p->header.ref_id == kKissNtsNak;
    return Unexpected{nak ? NtsEfError::kNak : NtsEfError::kNoAuthenticator};
  }
  const ExtensionField& a = fields[*auth];
  const auto body = parse_auth_body(a.value, aead.tag_len());
  if (!body) return Unexpected{NtsEfError::kBadAuthenticator};
  const Bytes ad[] = {packet.first(offset_in(packet, a.value) - 4)};
  const auto plain = aead.open(s2c, ad, body->nonce, body->ciphertext);
  if (!plain) return Unexpected{NtsEfError::kAuthFailed};
  std::vector<std::vector<std::byte>> cookies;
  const bool parsed = for_each_inner_field(*plain, [&](uint16_t type, Bytes value) {
    if (type == kEfNtsCookie && cookies.size() < kNtsMaxCookies)
      cookies.emplace_back(value.begin(), value.end());
  });
  if (!parsed) return Unexpected{NtsEfError::kBadEncryptedField};
  return cookies;
}

Bytes nts_unique_id(Bytes packet) {
  const auto p = decode_packet(packet);
  if (!p) return {};
  for (const auto& f : p->extensions())
    if (f.type == kEfUniqueIdentifier) return f.value;
  return {};
}

Result<NtsServerRequest, NtsEfError> parse_nts_request(Bytes packet, const ServerKeyRing& ring,
                                                       const Aead& aead) {
  const auto p = decode_packet(packet);
  if (!p || p->mac) return Unexpected{NtsEfError::kBadPacket};
  if (p->header.mode != Mode::kClient) return Unexpected{NtsEfError::kWrongMode};
  const auto fields = p->extensions();
  std::optional<Bytes> uid;
  std::optional<Bytes> cookie;
  std::optional<size_t> auth;
  size_t placeholders = 0;
  size_t placeholder_len = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    const ExtensionField& f = fields[i];
    if (auth) return Unexpected{NtsEfError::kAuthNotLast};
    switch (f.type) {
      case kEfUniqueIdentifier:
        if (uid) return Unexpected{NtsEfError::kDuplicateField};
        if (f.value.size() < kNtsUniqueIdLen) return Unexpected{NtsEfError::kBadUniqueId};
        uid = f.value;
        break;
      case kEfNtsCookie:
        if (cookie) return Unexpected{NtsEfError::kDuplicateField};
        cookie = f.value;
        break;
      case kEfNtsCookiePlaceholder:
        if (placeholders > 0 && f.value.size() != placeholder_len)
          return Unexpected{NtsEfError::kBadPlaceholder};
        placeholder_len = f.value.size();
        ++placeholders;
        break;
      case kEfNtsAuthenticator:
        auth = i;
        break;
      default:
        break;
    }
  }
  if (!uid) return Unexpected{NtsEfError::kNoUniqueId};
  if (!cookie) return Unexpected{NtsEfError::kNoCookie};
  if (!auth) return Unexpected{NtsEfError::kNoAuthenticator};
  if (placeholders > 0 && placeholder_len != cookie->size())
    return Unexpected{NtsEfError::kBadPlaceholder};

  auto keys = open_cookie(ring, aead, *cookie);
  if (!keys || keys->aead != static_cast<uint16_t>(aead.id()))
    return Unexpected{NtsEfError::kCookieInvalid};
  const ExtensionField& a = fields[*auth];
  const auto body = parse_auth_body(a.value, aead.tag_len());
  if (!body) return Unexpected{NtsEfError::kBadAuthenticator};
  const Bytes ad[] = {packet.first(offset_in(packet, a.value) - 4)};
  const auto plain = aead.open(keys->c2s, ad, body->nonce, body->ciphertext);
  if (!plain) return Unexpected{NtsEfError::kAuthFailed};
  bool placeholders_ok = true;
  const bool parsed = for_each_inner_field(*plain, [&](uint16_t type, Bytes value) {
    if (type != kEfNtsCookiePlaceholder) return;
    placeholders_ok = placeholders_ok && value.size() == cookie->size();
    ++placeholders;
  });
  if (!parsed) return Unexpected{NtsEfError::kBadEncryptedField};
  if (!placeholders_ok) return Unexpected{NtsEfError::kBadPlaceholder};

  NtsServerRequest req;
  req.unique_id.assign(uid->begin(), uid->end());
  req.keys = std::move(*keys);
  req.cookies_wanted = std::min(kNtsMaxCookies, 1 + placeholders);
  req.request_len = packet.size();
  return req;
}

std::optional<std::vector<std::byte>> build_nts_reply(const Header& header,
                                                      const NtsServerRequest& req,
                                                      const ServerKeyRing& ring, const Aead& aead,
                                                      RandomSource& rng) {
  std::vector<std::vector<std::byte>> cookies;
  for (size_t i = 0; i < req.cookies_wanted; ++i) {
    auto c = make_cookie(ring, aead, req.keys, rng);
    if (!c) return std::nullopt;
    cookies.push_back(std::move(*c));
  }
  // RFC 8915 §5.7: never longer than the request; drop cookies until the reply fits.
  const size_t fixed = kHeaderLen + 4 + pad4(req.unique_id.size());
  auto plaintext_len = [&](size_t n) {
    size_t len = 0;
    for (size_t i = 0; i < n; ++i) len += std::max(kMinExtensionLen, 4 + pad4(cookies[i].size()));
    return len;
  };
  size_t n = cookies.size();
  while (n > 0 && fixed + auth_field_len(plaintext_len(n), aead.tag_len()) > req.request_len) --n;
  if (fixed + auth_field_len(0, aead.tag_len()) > req.request_len) return std::nullopt;

  std::vector<std::byte> plain;
  ByteWriter pw{plain};
  for (size_t i = 0; i < n; ++i) encode_extension(kEfNtsCookie, cookies[i], pw);
  std::array<std::byte, kNtsNonceLen> nonce;
  fill_random(rng, nonce);
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(header, w);
  encode_extension(kEfUniqueIdentifier, req.unique_id, w);
  if (!append_authenticator(out, aead, req.keys.s2c, nonce, plain)) return std::nullopt;
  return out;
}

std::vector<std::byte> build_nts_nak(Header header, Bytes unique_id) {
  header.stratum = 0;
  header.ref_id = kKissNtsNak;
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_header(header, w);
  // Last field without a MAC: at least 28 octets, which a 32-octet identifier already is.
  encode_extension(kEfUniqueIdentifier, unique_id, w, kMinLastExtensionLen);
  return out;
}

}  // namespace tempus::core
