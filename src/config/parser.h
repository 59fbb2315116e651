// SPDX-License-Identifier: ISC
// chrony.conf-language parser: file(s) → Config, with file:line diagnostics.
//
// Every directive of chrony 4.8's keyword list is recognised (names case-insensitive):
//  - modelled directives parse into Config (model.h) with chrony's defaults and range checks;
//  - directives the daemon does not act on yet get exactly one Warning per occurrence
//    ("f.conf:12: 'hwtimestamp' is not supported yet; ignored"): those without a model field
//    leave the model untouched; those with one (keyfile, cmdallow, the NTS settings...) are
//    still parsed and checked, so a bad value is an error as in chrony; a few are silent for
//    the value the daemon has anyway (cmdport 0, dscp 0, pidfile /). Server options the daemon
//    does not act on are warned about once per line. chrony's obsolete directives get
//    "'X' is obsolete; ignored";
//  - anything else is an error.
// Parsing stops at the first error (as chronyd, which exits on it); warnings before it are lost.
//
// Files: `include PATTERN` reads one file, or every match of a glob pattern (a literal path must
// be readable; a pattern whose directory exists but matches nothing only warns, as chrony does
// not fail there either); `confdir DIR...` (1..10 dirs) reads *.conf files in byte order of their
// names, the first directory listed winning on a duplicate name, missing directories skipped;
// `sourcedir DIR...` is recorded and its *.sources files are read at once into
// Config::sourcedir_sources. Those files may hold only server/pool/peer lines, newline-terminated;
// any other or invalid line there is skipped with a warning (the files are written at run time by
// DHCP hooks, and chrony ignores such lines too). Nesting of config files is limited to
// kMaxIncludeDepth files (the top file counts as 1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/file_source.h"
#include "config/model.h"
#include "core/result.h"

namespace tempus::config {

inline constexpr int kMaxIncludeDepth = 10;
inline constexpr size_t kMaxConfDirs = 10;

enum class ErrorKind : uint8_t {
  kUnknownDirective,
  kMissingArgument,
  kTooManyArguments,
  kInvalidValue,      // not a number, address, keyword... of the expected kind
  kOutOfRange,        // a number outside the directive's range
  kUnknownOption,     // an option word the directive does not know
  kReadFailed,        // a config file that must be read could not be
  kIncludeFailed,     // include: no such file / unreadable pattern directory
  kIncludeDepth,      // more than kMaxIncludeDepth nested files
  kTooManyDirs,       // confdir/sourcedir with more than kMaxConfDirs directories
  kInvalidCharacter,  // a control character in a directive line
};
const char* to_string(ErrorKind k);

struct ConfigError {
  ErrorKind kind = ErrorKind::kInvalidValue;
  Location where;       // file and line of the offending directive (line 0: the file itself)
  std::string message;  // without the location, e.g. "invalid minpoll 'x'"
  // "file:line: message" (or "file: message" when line is 0).
  std::string to_string() const;
};

struct Warning {
  Location where;
  std::string message;            // e.g. "'hwtimestamp' is not supported yet; ignored"
  std::string to_string() const;  // "file:line: message"
};

// The language a config file is written in (ntpconf.h detects it).
enum class ConfigLanguage : uint8_t { kChrony, kNtp };

struct ParseOutput {
  Config config;
  std::vector<Warning> warnings;
  ConfigLanguage language = ConfigLanguage::kChrony;
  // ntp.conf only: how lines that translated without a warning still differ from ntpd (printed
  // as comments by format_config(const ParseOutput&)).
  std::vector<Warning> notes;
};

// Reads and parses the config file at `path` (and what it includes) through `fs`.
core::Result<ParseOutput, ConfigError> parse_config_file(const std::string& path, FileSource& fs);

// Parses `text` as the content of a file named `name` (used in messages; includes and source
// directories still go through `fs`).
core::Result<ParseOutput, ConfigError> parse_config_text(const std::string& name,
                                                         std::string_view text, FileSource& fs);

// The effective configuration in chrony.conf syntax (tempusd -p), one directive per line, in a
// fixed order: sources, then selection, clock, server, command socket and file directives the
// daemon acts on, values with a spellable default always printed (e.g. "maxdistance 3"),
// optional directives only when set. Then, under "# Not supported yet; ignored by tempusd:",
// the directives it parsed but does not act on, only those differing from chrony's default.
// include/confdir are flattened away; sourcedir is kept, and the sources read from it are
// listed as comments. Parsing the output with the same FileSource gives a Config equal to `c`
// (so format → parse → format is a fixed point).
std::string format_config(const Config& c);

// format_config(out.config), preceded, for a config translated from ntp.conf, by a comment
// block naming the source language and listing every warning and note at its file:line. The
// comments do not change what the text parses to.
std::string format_config(const ParseOutput& out);

}  // namespace tempus::config
