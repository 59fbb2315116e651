// SPDX-License-Identifier: ISC
#include "core/symkey.h"

#include <algorithm>

namespace tempus::core {

int suggested_version(const KeyInfo& key) { return key.digest_len > kMaxV4Digest ? 3 : 4; }

uint16_t chrony_key_type(KeyType t) {
  switch (t) {
    case KeyType::kMd5: return 1;
    case KeyType::kSha1: return 2;
    case KeyType::kSha256: return 3;
    case KeyType::kSha384: return 4;
    case KeyType::kSha512: return 5;
    case KeyType::kSha3_224: return 6;
    case KeyType::kSha3_256: return 7;
    case KeyType::kSha3_384: return 8;
    case KeyType::kSha3_512: return 9;
    case KeyType::kAes128Cmac: return 13;
    case KeyType::kAes256Cmac: return 14;
  }
  return 0;
}

bool append_mac(const MacKeys& keys, uint32_t key_id, std::vector<std::byte>& packet) {
  const auto vm = peek_version_mode(packet);
  if (!vm || packet.size() < kHeaderLen) return false;
  auto digest = keys.mac(key_id, packet);
  if (!digest || digest->size() + 4 < kMinMacLen) return false;
  digest->resize(std::min(digest->size(), max_digest_len(vm->version)));
  ByteWriter w{packet};
  w.be32(key_id);
  w.bytes(*digest);
  return true;
}

MacCheck check_mac(const MacKeys* keys, Bytes raw, const Packet& decoded) {
  if (!decoded.mac) return MacCheck::kNone;
  const Mac& m = *decoded.mac;
  if (!keys || m.key_id == 0 || m.digest.empty()) return MacCheck::kInvalid;
  // The digest is a view into `raw`; the key ID sits in the 4 octets before it.
  const auto at = static_cast<size_t>(m.digest.data() - raw.data());
  if (at < kHeaderLen + 4 || at + m.digest.size() != raw.size()) return MacCheck::kInvalid;
  // chronyd: a v4 MAC of up to 24 octets is checked as truncated to 20 digest octets; a longer
  // one (a legacy key whose MAC did not fit the rule) and v3 ones as whole digests.
  const size_t max_len = decoded.header.version == 4 && m.digest.size() <= kMaxV4Digest
                             ? kMaxV4Digest
                             : kMaxLegacyDigest;
  return keys->verify(m.key_id, raw.first(at - 4), m.digest, max_len) ? MacCheck::kValid
                                                                        : MacCheck::kInvalid;
}

}  // namespace tempus::core
