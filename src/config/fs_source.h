// SPDX-License-Identifier: ISC
// FileSource over the real file system (std::filesystem and glob(3)). Used by the daemon before
// its sandbox closes; the parser itself never touches the file system.
#pragma once

#include "config/file_source.h"

namespace tempus::config {

class FsFileSource final : public FileSource {
 public:
  // Regular files only (symlinks followed), at most kMaxConfigFileBytes.
  core::Result<std::string, FsError> read(const std::string& path) override;
  // glob(3) with GLOB_ERR: an unreadable directory in the pattern is an error, no match is not.
  core::Result<std::vector<std::string>, FsError> glob(const std::string& pattern) override;
  // Regular files (symlinks followed) of `dir` ending in `suffix`, not starting with '.'.
  std::vector<std::string> list_dir(const std::string& dir, std::string_view suffix) override;
};

}  // namespace tempus::config
