// SPDX-License-Identifier: ISC
// The file driver: reads files through FileSource, follows include/confdir/sourcedir, and hands
// each directive line to its handler (directives.cc, sources.cc).
#include "config/parser.h"

#include <algorithm>
#include <map>

#include "config/parser_internal.h"

namespace tempus::config {

using detail::Args;
using detail::quoted;
using detail::Status;

const char* to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::kUnknownDirective: return "unknown directive";
    case ErrorKind::kMissingArgument: return "missing argument";
    case ErrorKind::kTooManyArguments: return "too many arguments";
    case ErrorKind::kInvalidValue: return "invalid value";
    case ErrorKind::kOutOfRange: return "value out of range";
    case ErrorKind::kUnknownOption: return "unknown option";
    case ErrorKind::kReadFailed: return "cannot read file";
    case ErrorKind::kIncludeFailed: return "include failed";
    case ErrorKind::kIncludeDepth: return "include depth exceeded";
    case ErrorKind::kTooManyDirs: return "too many directories";
    case ErrorKind::kInvalidCharacter: return "invalid character";
  }
  return "unknown error";
}

std::string ConfigError::to_string() const {
  if (where.line == 0) return where.file + ": " + message;
  return where.to_string() + ": " + message;
}

std::string Warning::to_string() const {
  if (where.line == 0) return where.file + ": " + message;
  return where.to_string() + ": " + message;
}

namespace {

std::string join_path(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string hex_byte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 0xf];
}

class Driver {
 public:
  Driver(FileSource& fs, ParseOutput& out) : fs_(fs), out_(out) {}

  // Reads `path` as a config file at nesting `depth` (1 = the top file). `from` locates the
  // directive that asked for it (line 0 for the top file).
  Status read_file(const std::string& path, int depth, const Location& from) {
    auto text = fs_.read(path);
    if (!text.ok()) {
      const Location where = from.line ? from : Location{path, 0};
      return core::Unexpected{
          ConfigError{ErrorKind::kReadFailed, where,
                      "cannot read " + quoted(path) + ": " + config::to_string(text.error())}};
    }
    return parse_text(path, *text, depth);
  }

  Status parse_text(const std::string& name, std::string_view text, int depth) {
    const LexedFile file = lex(name, text);
    for (const LexedLine& line : file.lines) {
      if (line.where.line == file.bad_character_line) {
        return core::Unexpected{ConfigError{ErrorKind::kInvalidCharacter, line.where,
                                            "invalid character " + hex_byte(file.bad_character)}};
      }
      Status s = parse_line(line, depth);
      if (!s.ok()) return s;
    }
    return {};
  }

 private:
  Status parse_line(const LexedLine& line, int depth) {
    const Args a(line, out_.warnings);
    switch (detail::classify_directive(a.name())) {
      case detail::DirectiveClass::kModelled: return detail::apply_directive(a, out_.config);
      case detail::DirectiveClass::kUnsupported: detail::warn_unsupported(a); return {};
      case detail::DirectiveClass::kParsedOnly: {
        Status s = detail::apply_directive(a, out_.config);
        if (s.ok()) detail::warn_unsupported(a);
        return s;
      }
      case detail::DirectiveClass::kObsolete:
        a.warn(quoted(a.name()) + " is obsolete; ignored");
        return {};
      case detail::DirectiveClass::kFileControl:
        if (a.name() == "include") return include(a, depth);
        if (a.name() == "confdir") return confdir(a, depth);
        return sourcedir(a);
      case detail::DirectiveClass::kUnknown: break;
    }
    return core::Unexpected{
        a.error(ErrorKind::kUnknownDirective, "unknown directive " + quoted(line.words[0]))};
  }

  Status nested(const Args& a, const std::string& path, int depth) {
    if (depth + 1 > kMaxIncludeDepth) {
      return core::Unexpected{a.error(ErrorKind::kIncludeDepth,
                                      "include depth exceeds " + std::to_string(kMaxIncludeDepth) +
                                          " files at " + quoted(path))};
    }
    return read_file(path, depth + 1, a.where());
  }

  Status include(const Args& a, int depth) {
    if (Status s = a.expect(1); !s.ok()) return s;
    const std::string& pattern = a[0];
    if (!has_glob_magic(pattern)) return nested(a, pattern, depth);
    auto matches = fs_.glob(pattern);
    if (!matches.ok()) {
      return core::Unexpected{
          a.error(ErrorKind::kIncludeFailed,
                  "include " + quoted(pattern) + ": " + config::to_string(matches.error()))};
    }
    if (matches->empty()) a.warn("include " + quoted(pattern) + " matched no file");
    for (const std::string& path : *matches) {
      if (Status s = nested(a, path, depth); !s.ok()) return s;
    }
    return {};
  }

  Status check_dirs(const Args& a) const {
    if (a.empty()) return a.expect(1);
    if (a.size() > kMaxConfDirs) {
      return core::Unexpected{
          a.error(ErrorKind::kTooManyDirs, "too many directories for " + quoted(a.name()) +
                                               " (max " + std::to_string(kMaxConfDirs) + ")")};
    }
    return {};
  }

  // The files of `dirs` ending in `suffix`: sorted by name, the first directory winning.
  std::vector<std::string> search_dirs(const std::vector<std::string>& dirs,
                                       std::string_view suffix) {
    std::map<std::string, std::string> by_name;  // name → path, ordered byte-wise
    for (const std::string& dir : dirs) {
      for (const std::string& name : fs_.list_dir(dir, suffix))
        by_name.emplace(name, join_path(dir, name));
    }
    std::vector<std::string> paths;
    for (auto& [name, path] : by_name) paths.push_back(path);
    return paths;
  }

  Status confdir(const Args& a, int depth) {
    if (Status s = check_dirs(a); !s.ok()) return s;
    std::vector<std::string> dirs;
    for (size_t i = 0; i < a.size(); ++i) dirs.push_back(a[i]);
    for (const std::string& path : search_dirs(dirs, ".conf")) {
      if (Status s = nested(a, path, depth); !s.ok()) return s;
    }
    return {};
  }

  Status sourcedir(const Args& a) {
    if (Status s = check_dirs(a); !s.ok()) return s;
    std::vector<std::string> dirs;
    for (size_t i = 0; i < a.size(); ++i) dirs.push_back(a[i]);
    for (const std::string& path : search_dirs(dirs, ".sources")) read_sources_file(path);
    out_.config.source_dirs.push_back(std::move(dirs));
    return {};
  }

  // A sourcedir file: every problem is a warning and the line is skipped (see parser.h).
  void read_sources_file(const std::string& path) {
    auto text = fs_.read(path);
    if (!text.ok()) {
      out_.warnings.push_back(Warning{
          Location{path, 0}, std::string("cannot read: ") + config::to_string(text.error())});
      return;
    }
    const LexedFile file = lex(path, *text);
    for (size_t i = 0; i < file.lines.size(); ++i) {
      const LexedLine& line = file.lines[i];
      const Args a(line, out_.warnings);
      if (i + 1 == file.lines.size() && file.unterminated_last_line) {
        a.warn("line not terminated by a newline; ignored");
        break;
      }
      if (line.where.line == file.bad_character_line) {
        a.warn("invalid character " + hex_byte(file.bad_character) + "; line ignored");
        continue;
      }
      const auto kind = detail::source_kind(a.name());
      if (!kind) {
        a.warn(quoted(line.words[0]) + " is not allowed in a sources file; line ignored");
        continue;
      }
      auto source = detail::parse_source(a, *kind);
      if (!source.ok()) {
        a.warn(source.error().message + "; line ignored");
        continue;
      }
      out_.config.sourcedir_sources.push_back(std::move(*source));
    }
  }

  FileSource& fs_;
  ParseOutput& out_;
};

}  // namespace

core::Result<ParseOutput, ConfigError> parse_config_file(const std::string& path, FileSource& fs) {
  ParseOutput out;
  Driver d(fs, out);
  if (Status s = d.read_file(path, 1, Location{path, 0}); !s.ok())
    return core::Unexpected{s.error()};
  return out;
}

core::Result<ParseOutput, ConfigError> parse_config_text(const std::string& name,
                                                         std::string_view text, FileSource& fs) {
  ParseOutput out;
  Driver d(fs, out);
  if (Status s = d.parse_text(name, text, 1); !s.ok()) return core::Unexpected{s.error()};
  return out;
}

}  // namespace tempus::config
