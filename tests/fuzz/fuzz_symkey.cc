// SPDX-License-Identifier: ISC
// Symmetric-key MACs (core/symkey.h with crypto::KeyRing): a MAC the input carries is checked
// without crashing and, unless it is one of ours, never verifies; the input's first 48 octets
// signed with each key verify, stop verifying with any octet changed, and get a signed reply of
// exactly the request's length.
#include <array>
#include <cstdlib>
#include <vector>

#include "core/server.h"
#include "core/symkey.h"
#include "crypto/keyring.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  static const tempus::crypto::KeyRing keys(parse_key_file(
      "1 AES128 HEX:000102030405060708090a0b0c0d0e0f\n2 SHA1 ASCII:fuzz-sha1-key\n"
      "3 SHA512 ASCII:fuzz-sha512-key\n"));
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  if (classify_request(in) == RequestKind::kClient) (void)check_request_auth(in, &keys);
  if (auto p = decode_packet(in)) (void)check_mac(&keys, in, *p);

  if (size < kHeaderLen) return 0;
  std::vector<std::byte> packet(in.begin(), in.begin() + kHeaderLen);
  packet[0] = std::byte((std::to_integer<uint8_t>(packet[0]) & 0xc7) | 0x20);  // v4
  if (size > kHeaderLen && std::to_integer<uint8_t>(in[kHeaderLen]) & 1)
    packet[0] = std::byte((std::to_integer<uint8_t>(packet[0]) & 0xc7) | 0x18);  // v3
  packet[0] = std::byte((std::to_integer<uint8_t>(packet[0]) & 0xf8) | 3);  // mode 3
  for (uint32_t id = 1; id <= 3; ++id) {
    std::vector<std::byte> req = packet;
    if (!append_mac(keys, id, req)) std::abort();
    const RequestAuth a = check_request_auth(req, &keys);
    if (classify_request(req) != RequestKind::kClient || a.check != MacCheck::kValid ||
        a.key_id != id)
      std::abort();
    std::vector<std::byte> bad = req;
    bad[size % bad.size()] ^= std::byte{0x01};
    if (classify_request(bad) == RequestKind::kClient &&
        check_request_auth(bad, &keys).check == MacCheck::kValid)
      std::abort();
    std::array<std::byte, kHeaderLen> reply;
    ReplyTemplate(ServerState{}).fill(req, Timestamp::from_unix(1'700'000'000, 0), reply);
    if (ReplyTemplate::sign(keys, id, req, reply).size() != req.size()) std::abort();
  }
  return 0;
}
