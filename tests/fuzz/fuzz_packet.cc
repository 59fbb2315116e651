// SPDX-License-Identifier: ISC
// Packet codec: decode must never crash, and whatever decodes must re-encode to the same bytes.
#include <cstdlib>
#include <vector>

#include "core/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  (void)peek_version_mode(in);
  auto p = decode_packet(in);
  if (!p) return 0;
  std::vector<std::byte> out;
  ByteWriter w{out};
  encode_packet(*p, w);
  if (out.size() != in.size() || !std::equal(out.begin(), out.end(), in.begin())) std::abort();
  auto again = decode_packet(out);
  if (!again || !(again->header == p->header) ||
      again->extensions().size() != p->extensions().size())
    std::abort();
  return 0;
}
