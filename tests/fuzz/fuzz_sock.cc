// SPDX-License-Identifier: ISC
// SOCK refclock samples: decoding never crashes, and what decodes is in range.
#include <cstdlib>

#include "core/refclock_sock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  auto s = decode_sock_sample(Bytes{reinterpret_cast<const std::byte*>(data), size});
  if (s && (s->offset.abs() > Duration::s(1'000'001) || static_cast<int>(s->leap) > 3))
    std::abort();
  return 0;
}
