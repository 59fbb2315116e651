// SPDX-License-Identifier: ISC
#include "crypto/keyring.h"

namespace tempus::crypto {

void KeyRing::replace(core::KeyFile keys) {
  keys_ = std::move(keys);
  macs_.clear();
  macs_.reserve(keys_.keys.size());
  for (const auto& k : keys_.keys) macs_.push_back(KeyedMac::make(k));
}

const KeyedMac* KeyRing::find(uint32_t id) const {
  const core::SymmetricKey* k = keys_.find(id);
  if (!k) return nullptr;
  const auto& m = macs_[static_cast<size_t>(k - keys_.keys.data())];
  return m ? &*m : nullptr;
}

std::optional<core::KeyInfo> KeyRing::key_info(uint32_t id) const {
  const KeyedMac* m = find(id);
  if (!m) return std::nullopt;
  const core::SymmetricKey* k = keys_.find(id);
  return core::KeyInfo{.type = k->type, .length = k->value.size(), .digest_len = m->size()};
}

std::optional<std::vector<std::byte>> KeyRing::mac(uint32_t id, core::Bytes data) const {
  const KeyedMac* m = find(id);
  return m ? m->compute(data) : std::nullopt;
}

bool KeyRing::verify(uint32_t id, core::Bytes data, core::Bytes digest, size_t max_len) const {
  const KeyedMac* m = find(id);
  return m && m->check(data, digest, max_len);
}

}  // namespace tempus::crypto
