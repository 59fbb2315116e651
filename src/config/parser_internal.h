// SPDX-License-Identifier: ISC
// Internals shared by the parser's translation units (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/lexer.h"
#include "config/parser.h"

namespace tempus::config::detail {

using Status = core::Result<void, ConfigError>;

// The words of one directive line after its name, with the error and number helpers every
// directive handler needs. Errors name the directive's location.
class Args {
 public:
  Args(const LexedLine& line, std::vector<Warning>& warnings)
      : line_(line), warnings_(warnings), name_(lowercase(line.words[0])) {}

  const std::string& name() const { return name_; }  // lowercased directive
  const Location& where() const { return line_.where; }
  size_t size() const { return line_.words.size() - 1; }
  bool empty() const { return size() == 0; }
  // The i-th argument (0-based). Precondition: i < size().
  const std::string& operator[](size_t i) const { return line_.words[i + 1]; }

  ConfigError error(ErrorKind kind, std::string message) const {
    return ConfigError{kind, line_.where, std::move(message)};
  }
  void warn(std::string message) const {
    warnings_.push_back(Warning{line_.where, std::move(message)});
  }

  // Exactly n arguments, else kMissingArgument / kTooManyArguments.
  Status expect(size_t n) const;
  // Between lo and hi arguments.
  Status expect_between(size_t lo, size_t hi) const;

  // Number conversions. `what` names the value in messages ("invalid <what> '<text>'").
  core::Result<int64_t, ConfigError> integer(std::string_view what, std::string_view text,
                                             int64_t lo, int64_t hi) const;
  core::Result<core::Duration, ConfigError> seconds(std::string_view what,
                                                    std::string_view text) const;
  core::Result<double, ConfigError> real(std::string_view what, std::string_view text) const;
  core::Result<core::IpAddress, ConfigError> address(std::string_view what,
                                                     std::string_view text) const;

  // The value after option i, for "name value" options; kMissingArgument when absent.
  core::Result<std::string, ConfigError> option_value(size_t& i) const;

 private:
  const LexedLine& line_;
  std::vector<Warning>& warnings_;
  std::string name_;
};

// How the main parser treats a directive name.
enum class DirectiveClass : uint8_t {
  kModelled,     // handled by apply_directive
  kFileControl,  // include, confdir, sourcedir: handled by the file driver
  kUnsupported,  // accepted with a "not supported yet" warning
  kParsedOnly,   // parsed into Config by apply_directive (chrony's checks, so a bad value is
                 // still an error) but the daemon does not act on it yet: then warned as
                 // kUnsupported
  kObsolete,     // accepted with an "obsolete" warning
  kUnknown,
};
DirectiveClass classify_directive(std::string_view lowercase_name);
// Every directive name the parser recognises (chrony 4.8's list), lowercase.
std::vector<std::string> directive_names();

// The one warning of a directive (or of a directive's value) the daemon does not act on yet:
// "'NAME' is not supported yet; ignored" at the directive's line.
void warn_unsupported(const Args& a);

// Applies one modelled or parsed-only directive to `c` (directives.cc, sources.cc).
Status apply_directive(const Args& a, Config& c);

// server/pool/peer HOST [options] → an NtpSource (sources.cc). Warns through `a` for options
// that chrony accepts but ignores for the kind (peer: iburst, burst, nts, presend, copy;
// server/peer: maxsources).
core::Result<NtpSource, ConfigError> parse_source(const Args& a, SourceKind kind);
Status parse_refclock(const Args& a, Config& c);
Status parse_access_rule(const Args& a, bool allow, std::vector<AccessRule>& out);

// True for "server", "pool" and "peer" (lowercase).
std::optional<SourceKind> source_kind(std::string_view lowercase_name);

// Quoted for messages: 'text'. (Built by appending: GCC 12 at -O3 reports a false -Wrestrict
// for "'" + std::string(s).)
inline std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out.append(s);
  out += '\'';
  return out;
}

}  // namespace tempus::config::detail
