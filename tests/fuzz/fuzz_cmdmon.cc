// SPDX-License-Identifier: ISC
// chronyc's command protocol: decode_request() on arbitrary datagrams never crashes, accepts
// only requests at least as long as their command's exact length, re-encodes what it accepted
// to the same request (the state-changing commands' fields and ADD_SOURCE's body included), and never leads to a reply longer than the datagram. The Float codec:
// every 32-bit pattern decodes to a finite value that survives a re-encoding.
#include <cmath>
#include <cstdlib>

#include "core/cmdmon.h"

namespace {

using namespace tempus::core;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  const auto d = cmdmon::decode_request(in);
  switch (d.kind) {
    case cmdmon::Decoded::Kind::kDrop:
      break;
    case cmdmon::Decoded::Kind::kError:
      check(d.status != cmdmon::Status::kSuccess);
      check(cmdmon::encode_reply(cmdmon::status_reply(d.request, d.status)).size() <= size);
      break;
    case cmdmon::Decoded::Kind::kOk: {
      const size_t want = cmdmon::request_length(d.request.command);
      check(want != 0 && size >= want && size <= cmdmon::kMaxRequestLen);
      const auto again = cmdmon::encode_request(d.request);
      check(again.size() == want);
      const auto d2 = cmdmon::decode_request(again);
      check(d2.kind == cmdmon::Decoded::Kind::kOk);
      check(cmdmon::encode_request(d2.request) == again);
      check(d2.request.command == d.request.command && d2.request.sequence == d.request.sequence);
      check(d2.request.index == d.request.index && d2.request.address == d.request.address);
      check(d2.request.clients.first_index == d.request.clients.first_index &&
            d2.request.clients.min_hits == d.request.clients.min_hits);
      // The state-changing commands' fields.
      check(d2.request.mask == d.request.mask && d2.request.n_good == d.request.n_good &&
            d2.request.n_total == d.request.n_total && d2.request.option == d.request.option);
      check(d2.request.local.on == d.request.local.on &&
            d2.request.local.stratum == d.request.local.stratum &&
            d2.request.local.distance == d.request.local.distance &&
            d2.request.makestep.threshold == d.request.makestep.threshold &&
            d2.request.value == d.request.value);
      check(d2.request.source == d.request.source);
      (void)cmdmon::check_source(d.request.source);
      if (d.request.address.ip)
        (void)cmdmon::selects(d.request.mask, d.request.address, *d.request.address.ip);
      check(cmdmon::encode_reply(cmdmon::status_reply(d.request, cmdmon::Status::kFailed))
                .size() <= size);
      break;
    }
  }
  for (size_t i = 0; i + 4 <= size; i += 4) {
    const uint32_t f = uint32_t{data[i]} << 24 | uint32_t{data[i + 1]} << 16 |
                       uint32_t{data[i + 2]} << 8 | data[i + 3];
    const double x = cmdmon::decode_float(f);
    check(std::isfinite(x));
    check(cmdmon::decode_float(cmdmon::encode_float(x)) == x);
  }
  return 0;
}
