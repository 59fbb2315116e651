// SPDX-License-Identifier: ISC
// Helpers for the config parser tests: parse a text as "t.conf" through a MemoryFileSource and
// flatten the outcome into plain strings that assertions can compare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/file_source.h"
#include "config/parser.h"

namespace tempus::config::testing {

struct Parsed {
  bool ok = false;
  Config config;
  std::vector<std::string> warnings;  // "file:line: message"
  std::string error;                  // "file:line: message" when !ok
  ErrorKind kind = ErrorKind::kInvalidValue;
};

inline Parsed to_parsed(const core::Result<ParseOutput, ConfigError>& r) {
  Parsed p;
  p.ok = r.ok();
  if (!r.ok()) {
    p.error = r.error().to_string();
    p.kind = r.error().kind;
    return p;
  }
  p.config = r->config;
  for (const Warning& w : r->warnings) p.warnings.push_back(w.to_string());
  return p;
}

inline Parsed parse(std::string_view text, MemoryFileSource& fs) {
  return to_parsed(parse_config_text("t.conf", text, fs));
}

inline Parsed parse(std::string_view text) {
  MemoryFileSource fs;
  return parse(text, fs);
}

// The error text of a one-line config that must fail.
inline std::string error_of(std::string_view text) {
  const Parsed p = parse(text);
  return p.ok ? std::string("(parsed)") : p.error;
}

}  // namespace tempus::config::testing
