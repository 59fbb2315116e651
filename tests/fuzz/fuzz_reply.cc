// SPDX-License-Identifier: ISC
// NTP client reply handling: handle_reply() on arbitrary bytes never crashes and keeps the
// client's invariants. Each input is tried twice: as received (almost always dropped at the
// origin check) and with the mode forced to server and the origin patched to the nonce, so the
// checks past RFC 5905 §8 test 2 and the on-wire arithmetic see the fuzzed fields.
#include <array>
#include <cstdlib>
#include <vector>

#include "core/ntp_client.h"

namespace {

using namespace tempus::core;

class CountingRandom : public RandomSource {
 public:
  uint64_t next_u64() override { return 0x9e3779b97f4a7c15ULL * ++n_; }

 private:
  uint64_t n_ = 0;
};

void check(bool ok) {
  if (!ok) std::abort();
}

void check_invariants(const NtpClient& c) {
  check(c.poll() >= c.options().minpoll && c.poll() <= c.options().maxpoll);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  // Exchange times around an era boundary or not, and local intervals that include the absurd.
  static constexpr std::array<int64_t, 6> kIntervalNs = {0, 1, 20'000'000, -1'000'000,
                                                         5'000'000'000, INT64_C(1) << 62};
  const uint8_t pick = size ? data[size - 1] : 0;
  const Timestamp t1 = (pick & 0x80) ? Timestamp::from_unix((INT64_C(1) << 32) - kNtpUnixOffsetSec, 0)
                                     : Timestamp::from_unix(1'704'067'200, 0);
  const Timestamp t4 = t1 + Duration::ns(kIntervalNs[pick % kIntervalNs.size()]);

  ClientOptions opts;
  opts.iburst = pick & 1;
  opts.burst = pick & 2;
  opts.min_stratum = pick & 4 ? 3 : 0;
  CountingRandom rng;

  NtpClient raw{opts};
  (void)raw.handle_reply(in, t1, t4);  // no request yet
  (void)raw.make_request(t1, rng);
  (void)raw.handle_reply(in, t1, t4);
  check_invariants(raw);

  if (size < kHeaderLen) return 0;
  NtpClient c{opts};
  const Request req = c.make_request(t1, rng);
  std::vector<std::byte> v(in.begin(), in.end());
  v[0] = (v[0] & std::byte{0xf8}) | std::byte{4};
  for (size_t i = 0; i < 8; ++i)
    v[24 + i] = std::byte(static_cast<uint8_t>(req.transmit.wire() >> (56 - 8 * i)));
  auto r = c.handle_reply(v, t1, t4);
  check_invariants(c);
  if (r) {
    check(r->delay > Duration() && r->dispersion > Duration());
    check(r->root_delay >= r->delay && r->root_dispersion >= r->dispersion);
    check(r->stratum >= 1 && r->stratum <= 15 && r->leap != Leap::kUnsync);
    check((c.reach() & 1) == 1);
    check(!c.handle_reply(v, t1, t4).ok());  // at most one reply per request
    c.on_sample_quality(static_cast<SampleQuality>(pick % 3));
    check_invariants(c);
  }
  (void)c.next_poll_interval(rng);
  if (c.state() == ClientState::kDenied) check(c.make_request(t4, rng).packet.empty());

  // A peer (symmetric mode): the same bytes as mode 1 answering our request; an answer it may
  // ask for is a 48-octet mode 1 packet echoing its transmit timestamp.
  ClientOptions popts = opts;
  popts.symmetric = true;
  popts.own_ref_id = pick & 8 ? 0x7f000001 : 0;
  NtpClient p{popts};
  ServerState self;
  const Request preq = p.make_request(t1, rng, &self);
  check(preq.packet.size() == kHeaderLen);
  v[0] = (v[0] & std::byte{0xf8}) | std::byte{1};
  for (size_t i = 0; i < 8; ++i)
    v[24 + i] = std::byte(static_cast<uint8_t>(preq.transmit.wire() >> (56 - 8 * i)));
  auto pr = p.handle_reply(v, t1, t4);
  check_invariants(p);
  if (pr) check(!p.handle_reply(v, t1, t4).ok());  // each peer packet is used once
  if (p.response_due()) {
    const auto answer = p.make_response(t4, self);
    auto h = decode_header(answer);
    check(h.ok() && h->mode == Mode::kSymmetricActive && answer.size() == kHeaderLen);
    check(!p.response_due());
  }
  return 0;
}
