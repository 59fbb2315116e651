// SPDX-License-Identifier: ISC
#include "config/file_source.h"

#include <algorithm>

namespace tempus::config {
namespace {

std::string strip_trailing_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The longest directory prefix of `pattern` without metacharacters ("." when none).
std::string literal_dir(std::string_view pattern) {
  const size_t magic = pattern.find_first_of("*?[");
  const std::string_view head = pattern.substr(0, magic);
  const size_t slash = head.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(head.substr(0, slash));
}

// Matches a bracket expression at pattern[pi] ('[' already seen at pi - 1) against c. Sets `end`
// to the index after ']'; returns false with end = npos when the bracket is not closed.
bool match_bracket(std::string_view p, size_t pi, char c, size_t& end) {
  bool negate = false;
  if (pi < p.size() && (p[pi] == '!' || p[pi] == '^')) {
    negate = true;
    ++pi;
  }
  bool matched = false;
  bool first = true;
  while (pi < p.size() && (first || p[pi] != ']')) {
    first = false;
    const char lo = p[pi];
    if (pi + 2 < p.size() && p[pi + 1] == '-' && p[pi + 2] != ']') {
      if (c >= lo && c <= p[pi + 2]) matched = true;
      pi += 3;
    } else {
      if (c == lo) matched = true;
      ++pi;
    }
  }
  if (pi >= p.size()) {
    end = std::string_view::npos;
    return false;
  }
  end = pi + 1;
  return matched != negate;
}

// Matches one pattern item at p[pi] against c. Sets `next` to the index after the item.
bool match_item(std::string_view p, size_t pi, char c, size_t& next) {
  if (p[pi] == '?') {
    next = pi + 1;
    return true;
  }
  if (p[pi] == '[') {
    size_t end = 0;
    const bool ok = match_bracket(p, pi + 1, c, end);
    if (end != std::string_view::npos) {
      next = end;
      return ok;
    }
    // An unclosed '[' is an ordinary character, as in glob(3).
  }
  next = pi + 1;
  return p[pi] == c;
}

// One path component (no '/'), with the classic single-backtrack wildcard algorithm: linear in
// practice and never exponential, whatever the pattern.
bool match_component(std::string_view p, std::string_view s) {
  // A leading '.' is matched only by a literal '.'.
  if (!s.empty() && s[0] == '.' && (p.empty() || p[0] != '.')) return false;
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    size_t next = 0;
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_s = si;
    } else if (pi < p.size() && match_item(p, pi, s[si], next)) {
      pi = next;
      ++si;
    } else if (star_p != std::string_view::npos) {
      pi = star_p;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string_view> split_components(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '/') continue;
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  return out;
}

}  // namespace

const char* to_string(FsError e) {
  switch (e) {
    case FsError::kNotFound: return "no such file or directory";
    case FsError::kPermissionDenied: return "permission denied";
    case FsError::kNotRegularFile: return "not a regular file";
    case FsError::kTooLarge: return "file too large";
    case FsError::kIo: return "I/O error";
  }
  return "unknown error";
}

bool glob_match(std::string_view pattern, std::string_view path) {
  const auto pc = split_components(pattern);
  const auto sc = split_components(path);
  if (pc.size() != sc.size()) return false;
  for (size_t i = 0; i < pc.size(); ++i)
    if (!match_component(pc[i], sc[i])) return false;
  return true;
}

bool has_glob_magic(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

void MemoryFileSource::add_file(std::string path, std::string content) {
  files_[std::move(path)] = std::move(content);
}

void MemoryFileSource::add_dir(std::string path) { dirs_.insert(strip_trailing_slashes(path)); }

bool MemoryFileSource::dir_exists(std::string_view dir) const {
  const std::string d = strip_trailing_slashes(std::string(dir));
  if (d == "/" || d == "." || dirs_.count(d)) return true;
  const std::string prefix = d + "/";
  for (const auto& [path, content] : files_)
    if (path.compare(0, prefix.size(), prefix) == 0) return true;
  for (const auto& sub : dirs_)
    if (sub.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

core::Result<std::string, FsError> MemoryFileSource::read(const std::string& path) {
  const auto it = files_.find(path);
  if (it != files_.end()) {
    if (it->second.size() > kMaxConfigFileBytes) return core::Unexpected{FsError::kTooLarge};
    return it->second;
  }
  if (dir_exists(path)) return core::Unexpected{FsError::kNotRegularFile};
  return core::Unexpected{FsError::kNotFound};
}

core::Result<std::vector<std::string>, FsError> MemoryFileSource::glob(const std::string& pattern) {
  if (!dir_exists(literal_dir(pattern))) return core::Unexpected{FsError::kNotFound};
  std::vector<std::string> out;
  for (const auto& [path, content] : files_)
    if (glob_match(pattern, path)) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> MemoryFileSource::list_dir(const std::string& dir,
                                                    std::string_view suffix) {
  const std::string d = strip_trailing_slashes(dir);
  const std::string prefix = d == "/" ? d : d + "/";
  std::vector<std::string> out;
  for (const auto& [path, content] : files_) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view name = std::string_view(path).substr(prefix.size());
    if (name.find('/') != std::string_view::npos || name.front() == '.') continue;
    if (name.size() < suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    out.emplace_back(name);
  }
  return out;
}

}  // namespace tempus::config
