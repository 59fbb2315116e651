// SPDX-License-Identifier: ISC
// net ↔ dns: the files of `sourcedir` directories, for chronyc's `reload sources`. The net
// process is chrooted and may not open files; dns, not chrooted and already reading /etc for
// NSS, lists the directories and returns their *.sources files. Same conventions as
// messages.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/msg_type.h"

namespace tempus::ipc {

inline constexpr size_t kMaxSourcesPath = 1024;  // bytes of an absolute path

// net → dns. Wire: request_id u32, count u8, 3 zero bytes, count × {len u16, path}.
struct SourcesRequest {
  static constexpr MsgType kType = MsgType::kSourcesRequest;
  static constexpr size_t kFixedLen = 8;
  static constexpr size_t kMaxDirs = 32;
  uint32_t request_id = 0;         // echoed in every SourcesFile
  std::vector<std::string> dirs;   // 1..kMaxDirs absolute paths, no NUL or control characters
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SourcesRequest, IpcError> decode(core::ByteReader r);
  bool operator==(const SourcesRequest&) const = default;
};

// dns → net: one *.sources file, or the end of the answer (`last`, no path or content). At
// most kMaxFiles files come before it; larger files are left out by dns (with a warning).
// Wire: request_id u32, last u8, 1 zero byte, path_len u16, content_len u32, path, content.
struct SourcesFile {
  static constexpr MsgType kType = MsgType::kSourcesFile;
  static constexpr size_t kFixedLen = 12;
  static constexpr size_t kMaxContent = 8192;
  static constexpr size_t kMaxFiles = 64;
  uint32_t request_id = 0;
  bool last = false;
  std::string path;     // absolute (dir/name.sources); empty when last
  std::string content;  // at most kMaxContent bytes; empty when last
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SourcesFile, IpcError> decode(core::ByteReader r);
  bool operator==(const SourcesFile&) const = default;
};

}  // namespace tempus::ipc
