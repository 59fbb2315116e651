// SPDX-License-Identifier: ISC
// NTS extension fields: the server's request parser and the client's reply check never crash on
// any packet; an accepted request gets a reply no longer than itself that the client accepts.
// The key ring and session keys are fixed (seeded), so the seeds are requests and replies of it.
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
  return 0;
}
