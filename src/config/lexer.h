// SPDX-License-Identifier: ISC
// The chrony.conf lexical layer: lines → words, and the number syntaxes of directive values.
//
// chrony's rules (cmdparse.c CPS_NormalizeLine): a line is split on isspace() characters (space,
// \t, \n, \v, \f, \r); a line whose first non-blank character is one of ! ; # % is a comment;
// blank lines are skipped. A comment character later in a line is an ordinary character (chrony
// then rejects it as an unknown option), so "server a # b" is an error, not a comment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "core/time.h"

namespace tempus::config {

struct LexedLine {
  Location where;
  std::vector<std::string> words;  // never empty; words[0] is the directive as written
};

struct LexedFile {
  std::vector<LexedLine> lines;
  // Set when the last line has no terminating '\n' and is not blank or a comment (sourcedir
  // files must be newline-terminated).
  bool unterminated_last_line = false;
  // The first line holding a control character (other than the whitespace above), or 0.
  int bad_character_line = 0;
  unsigned char bad_character = 0;
};

LexedFile lex(std::string_view file_name, std::string_view text);

// An integer: optional '+' or '-', then decimal digits. nullopt on anything else or overflow.
std::optional<int64_t> parse_integer(std::string_view text);

// A finite decimal number with optional sign, fraction and exponent ("1", "-0.5", "1e-3",
// ".5", "2."), converted exactly to nanoseconds (rounded half away from zero past 1 ns).
// nullopt on bad syntax or a magnitude above 9e9 s.
std::optional<core::Duration> parse_seconds(std::string_view text);

// A finite double in the same syntax as parse_seconds. nullopt otherwise (no inf, nan, hex).
std::optional<double> parse_real(std::string_view text);

// The shortest decimal text that parses back to exactly `ns` (e.g. "1", "0.0001", "-2.5").
std::string format_seconds(core::Duration d);
// The shortest text that parse_real() reads back to exactly `v`.
std::string format_real(double v);

// ASCII lowercase.
std::string lowercase(std::string_view s);

}  // namespace tempus::config
