// SPDX-License-Identifier: ISC
// Mode 6 (ntpq) requests: decode_request() on arbitrary bytes never crashes; what it accepts is
// answered with datagrams that stay within RFC 9327's limits and reassemble without holes, and
// what it refuses is either dropped or answered with a bare 12-octet error response.
#include <cstdlib>
#include <string>
#include <vector>

#include "core/mode6.h"

namespace {

using namespace tempus::core;
using namespace tempus::core::mode6;

void check(bool ok) {
  if (!ok) std::abort();
}

unsigned u16(const std::vector<std::byte>& d, size_t at) {
  return (std::to_integer<unsigned>(d[at]) << 8) | std::to_integer<unsigned>(d[at + 1]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  auto r = decode_request(in);
  if (!r) {
    if (auto code = answer_code(r.error())) {
      const auto e = error_response(in, *code);
      check(e.size() == mode6::kHeaderLen && (std::to_integer<unsigned>(e[1]) & 0xc0) == 0xc0);
    }
    return 0;
  }
  check(r->data.size() <= kMaxData && r->version >= 1 && r->version <= 4);

  SystemVariables sys;
  sys.leap = static_cast<Leap>(size & 3);
  sys.stratum = static_cast<uint8_t>(size % 17);
  sys.ref_id = size > 12 ? uint32_t{data[12]} << 24 | 0x00414201 : 0;
  sys.version = std::string(size % 300, 'v');
  std::vector<PeerVariables> peers;
  for (uint16_t id = 1; id <= (size % 5) * 100; ++id) {
    PeerVariables p;
    p.assoc_id = id;
    p.select = static_cast<PeerSelect>(id % 7 == 5 ? 0 : id % 7);
    p.address = IpAddress::v4(0xc0000200u + id);
    p.refclock = id % 3 == 0;
    p.host = p.refclock ? "GPS(0)" : "";
    peers.push_back(p);
  }
  const auto out = answer(*r, sys, peers);
  check(!out.empty() && out.size() <= kMaxFragments);
  size_t offset = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& d = out[i];
    check(d.size() >= mode6::kHeaderLen && d.size() <= mode6::kHeaderLen + kMaxData && d.size() % 4 == 0);
    const unsigned op = std::to_integer<unsigned>(d[1]);
    check((op & 0x80) && (op & 0x1f) == r->opcode);
    check(u16(d, 2) == r->sequence && u16(d, 6) == r->assoc_id);
    check(((op & 0x20) != 0) == (i + 1 < out.size()));
    if (op & 0x40) check(out.size() == 1 && d.size() == mode6::kHeaderLen);
    check(u16(d, 8) == offset && mode6::kHeaderLen + u16(d, 10) <= d.size());
    offset += u16(d, 10);
  }
  return 0;
}
