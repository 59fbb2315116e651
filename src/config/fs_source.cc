// SPDX-License-Identifier: ISC
#include "config/fs_source.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <glob.h>

namespace tempus::config {
namespace {

FsError from_errc(const std::error_code& ec) {
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
    return FsError::kNotFound;
  if (ec == std::errc::permission_denied) return FsError::kPermissionDenied;
  return FsError::kIo;
}

// Owns a glob_t so globfree runs on every path.
struct GlobResult {
  glob_t g{};
  ~GlobResult() { globfree(&g); }
};

}  // namespace

core::Result<std::string, FsError> FsFileSource::read(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec) return core::Unexpected{from_errc(ec)};
  if (!std::filesystem::is_regular_file(st)) return core::Unexpected{FsError::kNotRegularFile};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return core::Unexpected{from_errc(ec)};
  if (size > kMaxConfigFileBytes) return core::Unexpected{FsError::kTooLarge};
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Unexpected{errno == EACCES ? FsError::kPermissionDenied : FsError::kIo};
  std::string text;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return core::Unexpected{FsError::kIo};
  // The file may have grown since file_size().
  if (text.size() > kMaxConfigFileBytes) return core::Unexpected{FsError::kTooLarge};
  return text;
}

core::Result<std::vector<std::string>, FsError> FsFileSource::glob(const std::string& pattern) {
  GlobResult r;
  const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &r.g);
  if (rc == GLOB_NOMATCH) return std::vector<std::string>{};
  if (rc == GLOB_ABORTED) return core::Unexpected{FsError::kNotFound};
  if (rc != 0) return core::Unexpected{FsError::kIo};
  std::vector<std::string> out(r.g.gl_pathv, r.g.gl_pathv + r.g.gl_pathc);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FsFileSource::list_dir(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return out;
  // increment(ec), not ++: the throwing form would turn an I/O error into an exception.
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    std::error_code ec2;
    if (!entry.is_regular_file(ec2)) continue;
    out.push_back(name);
  }
  return out;
}

}  // namespace tempus::config
