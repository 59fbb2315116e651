// SPDX-License-Identifier: ISC
#include "ipc/resolve.h"

#include "ipc/text.h"
#include "ipc/wire_util.h"

namespace tempus::ipc {

using core::Unexpected;

// ---- ResolveRequest -------------------------------------------------------------------------

core::Status<IpcError> ResolveRequest::validate() const {
  if (static_cast<uint8_t>(family) > static_cast<uint8_t>(QueryFamily::kInet6))
    return Unexpected{IpcError::kBadEnum};
  if (name.empty() || name.size() > kMaxName) return Unexpected{IpcError::kBadLength};
  if (!is_valid_hostname(name)) return Unexpected{IpcError::kBadHostname};
  return {};
}
void ResolveRequest::encode(core::ByteWriter& w) const {
  w.be32(query_id);
  w.u8(static_cast<uint8_t>(family));
  w.u8(0);
  w.be16(static_cast<uint16_t>(name.size()));
  w.bytes(core::as_bytes(name));
}
core::Result<ResolveRequest, IpcError> ResolveRequest::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen || r.remaining() > kFixedLen + kMaxName)
    return Unexpected{IpcError::kBadLength};
  ResolveRequest m;
  m.query_id = r.be32();
  m.family = static_cast<QueryFamily>(r.u8());
  if (!read_zeros(r, 1)) return Unexpected{IpcError::kBadReserved};
  const uint16_t len = r.be16();
  if (r.remaining() != len) return Unexpected{IpcError::kBadLength};
  const auto b = r.bytes(len);
  m.name.assign(reinterpret_cast<const char*>(b.data()), b.size());
  return validated(std::move(m));
}

// ---- ResolveReply ---------------------------------------------------------------------------

core::Status<IpcError> ResolveReply::validate() const {
  if (static_cast<uint8_t>(status) > static_cast<uint8_t>(ResolveStatus::kTempFailure))
    return Unexpected{IpcError::kBadEnum};
  if (addresses.size() > kMaxAddresses) return Unexpected{IpcError::kTooManyAddresses};
  if ((status == ResolveStatus::kOk) == addresses.empty()) return Unexpected{IpcError::kOutOfRange};
  for (const auto& a : addresses) {
    if (a.family != AddrFamily::kInet && a.family != AddrFamily::kInet6)
      return Unexpected{IpcError::kBadEnum};
    if (a.family == AddrFamily::kInet) {
      for (size_t i = 4; i < a.bytes.size(); ++i)
        if (a.bytes[i] != 0) return Unexpected{IpcError::kBadReserved};
    }
  }
  return {};
}
void ResolveReply::encode(core::ByteWriter& w) const {
  w.be32(query_id);
  w.u8(static_cast<uint8_t>(status));
  w.u8(static_cast<uint8_t>(addresses.size()));
  w.zeros(2);
  for (const auto& a : addresses) {
    w.u8(static_cast<uint8_t>(a.family));
    for (uint8_t b : a.bytes) w.u8(b);
  }
}
core::Result<ResolveReply, IpcError> ResolveReply::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen || r.remaining() > kFixedLen + kAddrLen * kMaxAddresses)
    return Unexpected{IpcError::kBadLength};
  ResolveReply m;
  m.query_id = r.be32();
  m.status = static_cast<ResolveStatus>(r.u8());
  const uint8_t count = r.u8();
  if (!read_zeros(r, 2)) return Unexpected{IpcError::kBadReserved};
  if (count > kMaxAddresses) return Unexpected{IpcError::kTooManyAddresses};
  if (r.remaining() != count * kAddrLen) return Unexpected{IpcError::kBadLength};
  m.addresses.resize(count);
  for (auto& a : m.addresses) {
    a.family = static_cast<AddrFamily>(r.u8());
    for (auto& b : a.bytes) b = r.u8();
  }
  return validated(std::move(m));
}

}  // namespace tempus::ipc
