// SPDX-License-Identifier: ISC
// Typed payloads for the parent's bounded services (design.md §2): relaying log lines, a closed
// set of sd_notify states, and writing daemon-owned files named by id. Same conventions as
// messages.h: validate(), encode(), exact-length decode(); text lengths are explicit fields that
// must match the payload exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/frame.h"
#include "ipc/msg_type.h"

namespace tempus::ipc {

// net/dns → parent: one line for syslog/the journal; the parent prefixes the sender's role.
// Wire: priority u8, 1 zero byte, text_len u16, text (text_len bytes; 4 + text_len in all).
struct LogLine {
  static constexpr MsgType kType = MsgType::kLogLine;
  static constexpr size_t kFixedLen = 4;
  static constexpr size_t kMaxText = 1024;  // bytes
  uint8_t priority = 6;  // syslog severity: 0 (LOG_EMERG) .. 7 (LOG_DEBUG)
  std::string text;      // 0..kMaxText bytes, is_clean_text() (no NUL/CR/LF/ESC, valid UTF-8)
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<LogLine, IpcError> decode(core::ByteReader r);
  bool operator==(const LogLine&) const = default;
};

enum class SdState : uint8_t {
  kReady = 1,     // READY=1
  kStopping = 2,  // STOPPING=1
  kStatus = 3,    // STATUS=<status>
  kWatchdog = 4,  // WATCHDOG=1
};

// net → parent: the parent turns it into exactly one sd_notify assignment; arbitrary sd_notify
// strings never travel. Wire: state u8, 1 zero byte, status_len u16, status (4 + status_len).
struct SdNotify {
  static constexpr MsgType kType = MsgType::kSdNotify;
  static constexpr size_t kFixedLen = 4;
  static constexpr size_t kMaxStatus = 256;  // bytes
  SdState state = SdState::kReady;
  std::string status;  // only with kStatus (empty otherwise): 0..kMaxStatus bytes, is_clean_text()
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SdNotify, IpcError> decode(core::ByteReader r);
  bool operator==(const SdNotify&) const = default;
};

// The files the parent writes for net, through directory fds it opened before dropping
// privileges. Names and paths never travel. The drift file is not here: it travels as
// WriteDrift (messages.h), typed and range-checked.
enum class FileId : uint8_t {
  kNtsKeys = 1,          // NTS server master keys (ntsdumpdir)
  kNtsCookies = 2,       // NTS client cookies of all sources (ntsdumpdir)
  kLogMeasurements = 3,  // logdir/measurements.log
  kLogStatistics = 4,    // logdir/statistics.log
  kLogTracking = 5,      // logdir/tracking.log
  kLogSelection = 6,     // logdir/selection.log
};

enum class FileOp : uint8_t {
  kReplace = 1,   // data is the whole new content; written to a temp file and renamed over
  kAppend = 2,    // append data to the live file
  kBegin = 3,     // start a new temp file holding data (contents bigger than one frame)
  kContinue = 4,  // append data to the temp file started by kBegin
  kCommit = 5,    // rename the temp file over the live one; no data
  kReopen = 6,    // close and reopen the live file (log rotation); no data
};

// True when op may be applied to file: NTS files take kReplace/kBegin/kContinue/kCommit, log
// files take kAppend/kReopen.
bool is_allowed_op(FileId file, FileOp op);
bool is_log_file(FileId file);

// What a log file's kAppend may carry: 1..kMaxLogAppend bytes of whole non-empty lines, each of
// printable ASCII (0x20..0x7e) and ending in '\n' (so no line is split across frames, and no
// escape sequence reaches an administrator's terminal).
inline constexpr size_t kMaxLogAppend = 2048;  // a banner (3 lines) and a line, with room
bool is_log_text(std::span<const std::byte> data);

// net → parent. Wire: file u8, op u8, 2 zero bytes, data_len u32, data (8 + data_len bytes).
struct WriteFile {
  static constexpr MsgType kType = MsgType::kWriteFile;
  static constexpr size_t kFixedLen = 8;
  static constexpr size_t kMaxData = kMaxPayloadLen - kFixedLen;  // 16360 bytes
  FileId file = FileId::kNtsKeys;
  FileOp op = FileOp::kReplace;
  std::vector<std::byte> data;  // 0..kMaxData opaque bytes; empty for kCommit and kReopen;
                                // is_log_text() for a log file's kAppend
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<WriteFile, IpcError> decode(core::ByteReader r);
  bool operator==(const WriteFile&) const = default;
};

// parent → net: the outcome of one WriteFile; the frame's peer_id echoes the request's.
// Wire: file u8, op u8, 2 zero bytes, error i32 (8 bytes).
struct FileResult {
  static constexpr MsgType kType = MsgType::kFileResult;
  static constexpr size_t kPayloadLen = 8;
  FileId file = FileId::kNtsKeys;
  FileOp op = FileOp::kReplace;
  int32_t error = 0;  // 0 = written; else an errno, 1..kMaxErrno (messages.h)
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<FileResult, IpcError> decode(core::ByteReader r);
  bool operator==(const FileResult&) const = default;
};

// net/dns → parent, written by the child's SIGSYS handler just before it dies of the signal, so
// the parent can name the forbidden syscall. The handler cannot allocate, so this is encoded by
// hand from a template (sys/seccomp.cc); its layout is fixed here.
// Wire: syscall_nr u32, arch u32 (AUDIT_ARCH_* value, e.g. 0xc000003e for x86_64) (8 bytes).
struct SeccompViolation {
  static constexpr MsgType kType = MsgType::kSeccompViolation;
  static constexpr size_t kPayloadLen = 8;
  uint32_t syscall_nr = 0;  // si_syscall; 0..4095 (no architecture has more)
  uint32_t arch = 0;        // si_arch; nonzero
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SeccompViolation, IpcError> decode(core::ByteReader r);
  bool operator==(const SeccompViolation&) const = default;
};

}  // namespace tempus::ipc
