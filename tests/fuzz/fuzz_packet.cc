// SPDX-License-Identifier: ISC
// Packet codec: decode must never crash, and whatever decodes must re-encode to the same bytes;
// the server's reply to any input is a bare header or nothing.
#include <array>
#include <cstdlib>
#include <vector>

#include "core/packet.h"
#include "core/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  (void)peek_version_mode(in);
  // The server's answer to arbitrary input: none, or a bare header that decodes, never longer.
  const Timestamp t = Timestamp::from_unix(1'700'000'000, 0);
  if (classify_request(in) == RequestKind::kClient) {
    std::array<std::byte, kHeaderLen> reply;
    ReplyTemplate(ServerState{}).fill(in, t, reply);
    auto h = decode_header(reply);
    // Mode 4 to a client, mode 2 (passive) to an unconfigured peer's mode 1.
    const Mode want = (std::to_integer<uint8_t>(in[0]) & 7) == 1 ? Mode::kSymmetricPassive
                                                                   : Mode::kServer;
    if (in.size() < kHeaderLen || !h || h->mode != want) std::abort();
  }
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
