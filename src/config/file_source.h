// SPDX-License-Identifier: ISC
// The parser's only access to files. The parser core stays pure: the daemon passes
// FsFileSource (fs_source.h, the real file system), tests and fuzzers pass MemoryFileSource.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tempus::config {

enum class FsError : uint8_t {
  kNotFound,  // no such file or directory
  kPermissionDenied,
  kNotRegularFile,  // a directory or a device where a file was expected
  kTooLarge,        // above kMaxConfigFileBytes
  kIo,              // any other failure
};
const char* to_string(FsError e);

// Config files are small; anything bigger is a mistake, not a config.
inline constexpr size_t kMaxConfigFileBytes = 4 * 1024 * 1024;

class FileSource {
 public:
  virtual ~FileSource() = default;

  // The whole content of the regular file at `path`.
  virtual core::Result<std::string, FsError> read(const std::string& path) = 0;

  // The paths matching a glob(3) pattern ('*', '?', '[...]'; wildcards never match '/' or a
  // leading '.'), sorted byte-wise. An empty vector when the pattern's directory exists but
  // nothing matches; an error when a directory the pattern names cannot be read.
  virtual core::Result<std::vector<std::string>, FsError> glob(const std::string& pattern) = 0;

  // The names (not paths) of the entries of `dir` ending in `suffix`, except names starting with
  // '.', in any order. Empty when the directory is missing or unreadable: confdir and sourcedir
  // skip such directories, as chrony does.
  virtual std::vector<std::string> list_dir(const std::string& dir, std::string_view suffix) = 0;
};

// An in-memory file tree for tests and fuzzing. A directory exists when added with add_dir or
// when some file lies below it.
class MemoryFileSource final : public FileSource {
 public:
  void add_file(std::string path, std::string content);
  void add_dir(std::string path);

  core::Result<std::string, FsError> read(const std::string& path) override;
  core::Result<std::vector<std::string>, FsError> glob(const std::string& pattern) override;
  std::vector<std::string> list_dir(const std::string& dir, std::string_view suffix) override;

 private:
  bool dir_exists(std::string_view dir) const;

  std::map<std::string, std::string> files_;
  std::set<std::string> dirs_;
};

// fnmatch(3)-style match of one path against a glob pattern: '*' and '?' never match '/', and a
// leading '.' of a path component is matched only literally. '[...]' supports ranges and '!'
// or '^' negation. Exposed for MemoryFileSource and its tests.
bool glob_match(std::string_view pattern, std::string_view path);

// True when `pattern` contains a glob metacharacter ('*', '?' or '[').
bool has_glob_magic(std::string_view pattern);

}  // namespace tempus::config
