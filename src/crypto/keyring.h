// SPDX-License-Identifier: ISC
// The symmetric keys of `keyfile` behind core::MacKeys: MACs computed with OpenSSL (crypto/
// mac.h). replace() swaps the whole set (chronyc rekey); the object itself stays, so the
// associations and the server that hold a pointer to it see the new keys at once.
#pragma once

#include "core/keyfile.h"
#include "core/symkey.h"

namespace tempus::crypto {

class KeyRing final : public core::MacKeys {
 public:
  KeyRing() = default;
  explicit KeyRing(core::KeyFile keys) : keys_(std::move(keys)) {}
  void replace(core::KeyFile keys) { keys_ = std::move(keys); }
  const core::KeyFile& keys() const { return keys_; }

  std::optional<core::KeyInfo> key_info(uint32_t id) const override;
  std::optional<std::vector<std::byte>> mac(uint32_t id, core::Bytes data) const override;
  bool verify(uint32_t id, core::Bytes data, core::Bytes digest, size_t max_len) const override;

 private:
  core::KeyFile keys_;
};

}  // namespace tempus::crypto
