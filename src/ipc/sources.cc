// SPDX-License-Identifier: ISC
#include "ipc/sources.h"

#include "ipc/wire_util.h"

namespace tempus::ipc {

using core::Unexpected;

namespace {

bool is_path(const std::string& p) {
  if (p.empty() || p[0] != '/' || p.size() > kMaxSourcesPath) return false;
  for (char c : p)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

std::string read_text(core::ByteReader& r, size_t n) {
  const auto b = r.bytes(n);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

// ---- SourcesRequest --------------------------------------------------------------------------

core::Status<IpcError> SourcesRequest::validate() const {
  if (dirs.empty() || dirs.size() > kMaxDirs) return Unexpected{IpcError::kOutOfRange};
  for (const auto& d : dirs)
    if (!is_path(d)) return Unexpected{IpcError::kBadText};
  return {};
}
void SourcesRequest::encode(core::ByteWriter& w) const {
  w.be32(request_id);
  w.u8(static_cast<uint8_t>(dirs.size()));
  w.zeros(3);
  for (const auto& d : dirs) {
    w.be16(static_cast<uint16_t>(d.size()));
    w.bytes(core::as_bytes(d));
  }
}
core::Result<SourcesRequest, IpcError> SourcesRequest::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen) return Unexpected{IpcError::kBadLength};
  SourcesRequest m;
  m.request_id = r.be32();
  const uint8_t count = r.u8();
  if (!read_zeros(r, 3)) return Unexpected{IpcError::kBadReserved};
  if (count > kMaxDirs) return Unexpected{IpcError::kOutOfRange};
  for (uint8_t i = 0; i < count; ++i) {
    if (r.remaining() < 2) return Unexpected{IpcError::kBadLength};
    const uint16_t len = r.be16();
    if (len > kMaxSourcesPath || r.remaining() < len) return Unexpected{IpcError::kBadLength};
    m.dirs.push_back(read_text(r, len));
  }
  if (!r.empty()) return Unexpected{IpcError::kBadLength};
  return validated(std::move(m));
}

// ---- SourcesFile -----------------------------------------------------------------------------

core::Status<IpcError> SourcesFile::validate() const {
  if (last) {
    if (!path.empty() || !content.empty()) return Unexpected{IpcError::kOutOfRange};
    return {};
  }
  if (!is_path(path)) return Unexpected{IpcError::kBadText};
  if (content.size() > kMaxContent) return Unexpected{IpcError::kBadLength};
  return {};
}
void SourcesFile::encode(core::ByteWriter& w) const {
  w.be32(request_id);
  w.u8(last ? 1 : 0);
  w.u8(0);
  w.be16(static_cast<uint16_t>(path.size()));
  w.be32(static_cast<uint32_t>(content.size()));
  w.bytes(core::as_bytes(path));
  w.bytes(core::as_bytes(content));
}
core::Result<SourcesFile, IpcError> SourcesFile::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen) return Unexpected{IpcError::kBadLength};
  SourcesFile m;
  m.request_id = r.be32();
  const uint8_t last = r.u8();
  if (last > 1) return Unexpected{IpcError::kBadEnum};
  m.last = last == 1;
  if (!read_zeros(r, 1)) return Unexpected{IpcError::kBadReserved};
  const uint16_t path_len = r.be16();
  const uint32_t content_len = r.be32();
  if (path_len > kMaxSourcesPath || content_len > kMaxContent ||
      r.remaining() != size_t{path_len} + content_len)
    return Unexpected{IpcError::kBadLength};
  m.path = read_text(r, path_len);
  m.content = read_text(r, content_len);
  return validated(std::move(m));
}

}  // namespace tempus::ipc
