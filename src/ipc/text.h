// SPDX-License-Identifier: ISC
// Character checks for the text fields that cross a privilege boundary (LogLine, SdNotify status,
// ResolveRequest names). Pure functions over bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tempus::ipc {

// True when s is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
// holding no control character: no C0 (U+0000..U+001F, so no NUL, CR, LF, TAB, ESC), no DEL, no
// C1 (U+0080..U+009F, which include the one-byte CSI), no U+2028/U+2029 line separators. Such a
// line cannot forge a second syslog/journal record, an sd_notify assignment or a terminal escape.
// The empty string is clean.
bool is_clean_text(std::string_view s);

// s made clean for a LogLine: every byte outside printable ASCII (0x20..0x7E) becomes '?', and
// the result is cut to at most max_len bytes. is_clean_text() holds for the result.
std::string sanitize_text(std::string_view s, size_t max_len);

// True when s is a name the dns child may pass to getaddrinfo:
//  - a DNS hostname: 1..253 bytes, labels of 1..63 bytes from [A-Za-z0-9_-] separated by '.',
//    no label starting or ending with '-', at most one trailing '.' (dotted IPv4 literals pass);
//  - or an IPv6 literal: 2..45 bytes of [0-9A-Fa-f:.] with at least one ':' (no zone "%if";
//    link-local servers are not resolved through the dns child).
bool is_valid_hostname(std::string_view s);

}  // namespace tempus::ipc
