// SPDX-License-Identifier: ISC
// SOCK refclock samples: decoding never crashes, what decodes is in range, and it re-encodes
// (encode_sock_sample) to a datagram that decodes to the same sample.
#include <cstdlib>

#include "core/refclock_sock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  auto s = decode_sock_sample(Bytes{reinterpret_cast<const std::byte*>(data), size});
  if (!s) return 0;
  if (s->offset.abs() > Duration::s(1'000'001) || static_cast<int>(s->leap) > 3) std::abort();
  const auto again = decode_sock_sample(
      encode_sock_sample(s->time.unix_sec(), s->time.nsec() / 1000, s->offset.to_seconds_f(),
                         s->pulse ? 1 : 0, static_cast<int>(s->leap)));
  if (!again || again->time != s->time || again->offset != s->offset ||
      again->pulse != s->pulse || again->leap != s->leap)
    std::abort();
  return 0;
}
