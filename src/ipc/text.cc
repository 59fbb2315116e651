// SPDX-License-Identifier: ISC
#include "ipc/text.h"

#include <cstddef>
#include <cstdint>

namespace tempus::ipc {

namespace {

bool is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

bool is_v6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
         c == ':' || c == '.';
}

}  // namespace

bool is_clean_text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    if (b0 < 0x80) {
      if (b0 < 0x20 || b0 == 0x7F) return false;
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    uint32_t min;
    if ((b0 & 0xE0) == 0xC0) {
      n = 2, cp = b0 & 0x1Fu, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      n = 3, cp = b0 & 0x0Fu, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      n = 4, cp = b0 & 0x07u, min = 0x10000;
    } else {
      return false;  // a stray continuation byte or 0xF8..0xFF
    }
    if (s.size() - i < n) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<uint8_t>(s[i + k]);
      if (!is_cont(b)) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF) return false;        // overlong, or beyond Unicode
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;     // UTF-16 surrogates
    if (cp >= 0x80 && cp <= 0x9F) return false;         // C1 controls
    if (cp == 0x2028 || cp == 0x2029) return false;     // line/paragraph separators
    i += n;
  }
  return true;
}

std::string sanitize_text(std::string_view s, size_t max_len) {
  std::string out(s.substr(0, max_len));
  for (char& c : out) {
    const auto b = static_cast<uint8_t>(c);
    if (b < 0x20 || b > 0x7E) c = '?';
  }
  return out;
}

bool is_valid_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.find(':') != std::string_view::npos) {
    if (s.size() < 2 || s.size() > 45) return false;
    for (char c : s)
      if (!is_v6_char(c)) return false;
    return true;
  }
  if (s.back() == '.') s.remove_suffix(1);  // one trailing dot: a fully qualified name
  if (s.empty()) return false;
  size_t label = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;  // empty label or trailing '-'
      label = 0;
    } else {
      if (!is_ldh(c)) return false;
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    }
    prev = c;
  }
  return label != 0 && prev != '-';
}

}  // namespace tempus::ipc
