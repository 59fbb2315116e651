// SPDX-License-Identifier: ISC
// NTS extension fields: the server's request parser and the client's reply check never crash on
// any packet; an accepted request gets a reply no longer than itself that the client accepts.
// The key ring and session keys are fixed (seeded), so the seeds are requests and replies of it.
// Round trip of the encoders: a request the client builds from the input's header, session keys
// and placeholder count parses on the server to the same keys, unique identifier and cookie
// count, and the reply to it gives the client exactly that many cookies, each opening to the keys.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/nts_ef.h"
#include "crypto/aead.h"

namespace {

using namespace tempus::core;

class SeededRng final : public RandomSource {
 public:
  uint64_t next_u64() override {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }

 private:
  uint64_t s_ = 0x9e3779b97f4a7c15ULL;
};

struct Fixture {
  std::unique_ptr<Aead> aead = tempus::crypto::make_aead(AeadId::kAesSivCmac256);
  ServerKeyRing ring{Duration::s(3600)};
  NtsKeys keys{15, std::vector<std::byte>(32, std::byte{0x11}),
               std::vector<std::byte>(32, std::byte{0x22})};
  std::vector<std::byte> uid = std::vector<std::byte>(32, std::byte{0x33});
  SeededRng rng;
  Fixture() { ring.rotate(Timestamp::from_unix(1'700'000'000, 0), rng); }
};

void check(bool ok) {
  if (!ok) std::abort();
}

// Input: header (48) | C2S key (32) | S2C key (32) | placeholder count (1).
void round_trip(Fixture& fx, const uint8_t* data, size_t size) {
  constexpr size_t kKeyLen = 32;
  if (size < kHeaderLen + 2 * kKeyLen + 1) return;
  auto h = decode_header(Bytes{reinterpret_cast<const std::byte*>(data), kHeaderLen});
  if (!h) return;
  h->version = 4;
  h->mode = Mode::kClient;
  const auto* k = reinterpret_cast<const std::byte*>(data + kHeaderLen);
  const NtsKeys keys{15, {k, k + kKeyLen}, {k + kKeyLen, k + 2 * kKeyLen}};
  const size_t placeholders = data[kHeaderLen + 2 * kKeyLen] % kNtsMaxCookies;

  const auto cookie = make_cookie(fx.ring, *fx.aead, keys, fx.rng);
  check(cookie.has_value());
  const auto creq = build_nts_request(*h, *fx.aead, keys.c2s, *cookie, placeholders, fx.rng);
  check(creq.has_value());
  const auto sreq = parse_nts_request(creq->packet, fx.ring, *fx.aead);
  check(sreq.ok() && sreq->keys == keys && sreq->cookies_wanted == placeholders + 1 &&
        sreq->request_len == creq->packet.size() &&
        std::equal(sreq->unique_id.begin(), sreq->unique_id.end(), creq->unique_id.begin(),
                   creq->unique_id.end()));
  Header rh = *h;
  rh.mode = Mode::kServer;
  const auto reply = build_nts_reply(rh, *sreq, fx.ring, *fx.aead, fx.rng);
  check(reply && reply->size() <= creq->packet.size());
  const auto cookies = verify_nts_reply(*reply, *fx.aead, keys.s2c, creq->unique_id);
  check(cookies.ok() && cookies->size() == placeholders + 1);
  for (const auto& c : *cookies) check(open_cookie(fx.ring, *fx.aead, c) == keys);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  if (!fx.aead) return 0;  // no AES-SIV (FIPS-only OpenSSL): nothing to exercise
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  (void)nts_unique_id(in);

  const auto req = parse_nts_request(in, fx.ring, *fx.aead);
  if (req) {
    if (req->cookies_wanted < 1 || req->cookies_wanted > kNtsMaxCookies) std::abort();
    Header h;
    h.mode = Mode::kServer;
    const auto reply = build_nts_reply(h, *req, fx.ring, *fx.aead, fx.rng);
    if (!reply || reply->size() > in.size()) std::abort();
    const auto cookies = verify_nts_reply(*reply, *fx.aead, req->keys.s2c, req->unique_id);
    if (!cookies || cookies->size() > req->cookies_wanted) std::abort();
  } else if (nts_nak_warranted(req.error())) {
    const auto nak = build_nts_nak(Header{}, nts_unique_id(in));
    if (!decode_packet(nak)) std::abort();
  }

  const auto got = verify_nts_reply(in, *fx.aead, fx.keys.s2c, fx.uid);
  if (got && got->size() > kNtsMaxCookies) std::abort();

  round_trip(fx, data, size);
  return 0;
}
