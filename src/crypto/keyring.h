// SPDX-License-Identifier: ISC
// The symmetric keys of `keyfile` behind core::MacKeys: MACs computed with OpenSSL (crypto/
// mac.h), each key made ready once when the keys are loaded (KeyedMac), so a packet costs one
// MAC computation and no algorithm fetch or key schedule. replace() swaps the whole set
// (chronyc rekey); the object itself stays, so the associations and the server that hold a
// pointer to it see the new keys at once. Not thread-safe (the net process has one thread).
#pragma once

#include <vector>

#include "core/keyfile.h"
#include "core/symkey.h"
#include "crypto/mac.h"

namespace tempus::crypto {

class KeyRing final : public core::MacKeys {
 public:
  KeyRing() = default;
  explicit KeyRing(core::KeyFile keys) { replace(std::move(keys)); }
  void replace(core::KeyFile keys);
  const core::KeyFile& keys() const { return keys_; }

  std::optional<core::KeyInfo> key_info(uint32_t id) const override;
  std::optional<std::vector<std::byte>> mac(uint32_t id, core::Bytes data) const override;
  bool verify(uint32_t id, core::Bytes data, core::Bytes digest, size_t max_len) const override;

 private:
  // The ready MAC of key `id`, or null when it is unknown or its algorithm unavailable.
  const KeyedMac* find(uint32_t id) const;

  core::KeyFile keys_;
  std::vector<std::optional<KeyedMac>> macs_;  // parallel to keys_.keys
};

}  // namespace tempus::crypto
