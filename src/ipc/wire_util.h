// SPDX-License-Identifier: ISC
// Small helpers shared by the message codecs (internal to src/ipc; not part of the API).
#pragma once

#include <cstdint>
#include <utility>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"

namespace tempus::ipc {

// Consumes n bytes; true when all were present and zero (canonical padding).
inline bool read_zeros(core::ByteReader& r, size_t n) {
  bool zero = true;
  for (size_t i = 0; i < n; ++i) zero = (r.u8() == 0) && zero;
  return zero && r.ok();
}

inline int64_t read_i64(core::ByteReader& r) { return static_cast<int64_t>(r.be64()); }

// m after its own validate(): the last step of every decode.
template <class M>
core::Result<M, IpcError> validated(M m) {
  if (auto s = m.validate(); !s.ok()) return core::Unexpected{s.error()};
  return m;
}

}  // namespace tempus::ipc
