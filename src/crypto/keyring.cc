// SPDX-License-Identifier: ISC
#include "crypto/keyring.h"

#include "crypto/mac.h"

namespace tempus::crypto {

std::optional<core::KeyInfo> KeyRing::key_info(uint32_t id) const {
  const core::SymmetricKey* k = keys_.find(id);
  if (!k || !mac_available(k->type)) return std::nullopt;
  // The digest length from one MAC of nothing: the same for every input.
  const auto probe = compute_mac(*k, {});
  if (!probe) return std::nullopt;
  return core::KeyInfo{.type = k->type, .length = k->value.size(), .digest_len = probe->size()};
}

std::optional<std::vector<std::byte>> KeyRing::mac(uint32_t id, core::Bytes data) const {
  const core::SymmetricKey* k = keys_.find(id);
  if (!k) return std::nullopt;
  return compute_mac(*k, data);
}

bool KeyRing::verify(uint32_t id, core::Bytes data, core::Bytes digest, size_t max_len) const {
  const core::SymmetricKey* k = keys_.find(id);
  return k && check_mac(*k, data, digest, max_len);
}

}  // namespace tempus::crypto
