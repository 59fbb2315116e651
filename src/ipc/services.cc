// SPDX-License-Identifier: ISC
#include "ipc/services.h"

#include <span>
#include <string_view>

#include "ipc/messages.h"
#include "ipc/text.h"
#include "ipc/wire_util.h"

namespace tempus::ipc {

using core::Unexpected;

namespace {

bool valid_file(uint8_t v) {
  return v >= static_cast<uint8_t>(FileId::kNtsKeys) &&
         v <= static_cast<uint8_t>(FileId::kLogSelection);
}
bool valid_op(uint8_t v) {
  return v >= static_cast<uint8_t>(FileOp::kReplace) && v <= static_cast<uint8_t>(FileOp::kReopen);
}

// Reads a u16-length-prefixed text whose length must consume the rest of the payload exactly.
core::Result<std::string, IpcError> read_text_rest(core::ByteReader& r) {
  const uint16_t len = r.be16();
  if (!r.ok() || r.remaining() != len) return Unexpected{IpcError::kBadLength};
  const auto b = r.bytes(len);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

void write_text(core::ByteWriter& w, std::string_view s) {
  w.be16(static_cast<uint16_t>(s.size()));
  w.bytes(core::as_bytes(s));
}

}  // namespace

// ---- LogLine --------------------------------------------------------------------------------

core::Status<IpcError> LogLine::validate() const {
  if (priority > 7) return Unexpected{IpcError::kOutOfRange};
  if (text.size() > kMaxText) return Unexpected{IpcError::kBadLength};
  if (!is_clean_text(text)) return Unexpected{IpcError::kBadText};
  return {};
}
void LogLine::encode(core::ByteWriter& w) const {
  w.u8(priority);
  w.u8(0);
  write_text(w, text);
}
core::Result<LogLine, IpcError> LogLine::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen || r.remaining() > kFixedLen + kMaxText)
    return Unexpected{IpcError::kBadLength};
  LogLine m;
  m.priority = r.u8();
  if (!read_zeros(r, 1)) return Unexpected{IpcError::kBadReserved};
  auto text = read_text_rest(r);
  if (!text.ok()) return Unexpected{text.error()};
  m.text = std::move(*text);
  return validated(std::move(m));
}

// ---- SdNotify -------------------------------------------------------------------------------

core::Status<IpcError> SdNotify::validate() const {
  const auto s = static_cast<uint8_t>(state);
  if (s < static_cast<uint8_t>(SdState::kReady) || s > static_cast<uint8_t>(SdState::kWatchdog))
    return Unexpected{IpcError::kBadEnum};
  if (status.size() > kMaxStatus) return Unexpected{IpcError::kBadLength};
  if (state != SdState::kStatus && !status.empty()) return Unexpected{IpcError::kBadLength};
  if (!is_clean_text(status)) return Unexpected{IpcError::kBadText};
  return {};
}
void SdNotify::encode(core::ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(state));
  w.u8(0);
  write_text(w, status);
}
core::Result<SdNotify, IpcError> SdNotify::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen || r.remaining() > kFixedLen + kMaxStatus)
    return Unexpected{IpcError::kBadLength};
  SdNotify m;
  m.state = static_cast<SdState>(r.u8());
  if (!read_zeros(r, 1)) return Unexpected{IpcError::kBadReserved};
  auto text = read_text_rest(r);
  if (!text.ok()) return Unexpected{text.error()};
  m.status = std::move(*text);
  return validated(std::move(m));
}

// ---- WriteFile / FileResult -----------------------------------------------------------------

bool is_allowed_op(FileId file, FileOp op) {
  switch (file) {
    case FileId::kNtsKeys:
    case FileId::kNtsCookies:
      return op == FileOp::kReplace || op == FileOp::kBegin || op == FileOp::kContinue ||
             op == FileOp::kCommit;
    case FileId::kLogMeasurements:
    case FileId::kLogStatistics:
    case FileId::kLogTracking:
    case FileId::kLogSelection:
      return op == FileOp::kAppend || op == FileOp::kReopen;
  }
  return false;
}

bool is_log_file(FileId file) {
  return file == FileId::kLogMeasurements || file == FileId::kLogStatistics ||
         file == FileId::kLogTracking || file == FileId::kLogSelection;
}

bool is_log_text(std::span<const std::byte> data) {
  if (data.empty() || data.size() > kMaxLogAppend || data.back() != std::byte{'\n'}) return false;
  bool line_start = true;
  for (std::byte b : data) {
    const auto c = static_cast<unsigned char>(b);
    if (c == '\n' ? line_start : c < 0x20 || c > 0x7e) return false;  // no empty lines either
    line_start = c == '\n';
  }
  return true;
}

core::Status<IpcError> WriteFile::validate() const {
  if (!valid_file(static_cast<uint8_t>(file)) || !valid_op(static_cast<uint8_t>(op)))
    return Unexpected{IpcError::kBadEnum};
  if (!is_allowed_op(file, op)) return Unexpected{IpcError::kBadFileOp};
  if (data.size() > kMaxData) return Unexpected{IpcError::kBadLength};
  if ((op == FileOp::kCommit || op == FileOp::kReopen) && !data.empty())
    return Unexpected{IpcError::kBadFileOp};
  if (op == FileOp::kAppend && !is_log_text(data)) return Unexpected{IpcError::kBadText};
  return {};
}
void WriteFile::encode(core::ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(file));
  w.u8(static_cast<uint8_t>(op));
  w.zeros(2);
  w.be32(static_cast<uint32_t>(data.size()));
  w.bytes(data);
}
core::Result<WriteFile, IpcError> WriteFile::decode(core::ByteReader r) {
  if (r.remaining() < kFixedLen || r.remaining() > kFixedLen + kMaxData)
    return Unexpected{IpcError::kBadLength};
  WriteFile m;
  m.file = static_cast<FileId>(r.u8());
  m.op = static_cast<FileOp>(r.u8());
  if (!read_zeros(r, 2)) return Unexpected{IpcError::kBadReserved};
  const uint32_t len = r.be32();
  if (r.remaining() != len) return Unexpected{IpcError::kBadLength};
  const auto b = r.bytes(len);
  m.data.assign(b.begin(), b.end());
  return validated(std::move(m));
}

core::Status<IpcError> FileResult::validate() const {
  if (!valid_file(static_cast<uint8_t>(file)) || !valid_op(static_cast<uint8_t>(op)))
    return Unexpected{IpcError::kBadEnum};
  if (!is_allowed_op(file, op)) return Unexpected{IpcError::kBadFileOp};
  if (error < 0 || error > kMaxErrno) return Unexpected{IpcError::kOutOfRange};
  return {};
}
void FileResult::encode(core::ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(file));
  w.u8(static_cast<uint8_t>(op));
  w.zeros(2);
  w.be32(static_cast<uint32_t>(error));
}
core::Result<FileResult, IpcError> FileResult::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  FileResult m;
  m.file = static_cast<FileId>(r.u8());
  m.op = static_cast<FileOp>(r.u8());
  if (!read_zeros(r, 2)) return Unexpected{IpcError::kBadReserved};
  m.error = static_cast<int32_t>(r.be32());
  return validated(std::move(m));
}

// ---- SeccompViolation ------------------------------------------------------------------------

core::Status<IpcError> SeccompViolation::validate() const {
  if (syscall_nr > 4095 || arch == 0) return Unexpected{IpcError::kOutOfRange};
  return {};
}
void SeccompViolation::encode(core::ByteWriter& w) const {
  w.be32(syscall_nr);
  w.be32(arch);
}
core::Result<SeccompViolation, IpcError> SeccompViolation::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  SeccompViolation m;
  m.syscall_nr = r.be32();
  m.arch = r.be32();
  return validated(std::move(m));
}

}  // namespace tempus::ipc
