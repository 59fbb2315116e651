// SPDX-License-Identifier: ISC
// Hex test vectors → bytes (spaces ignored), for the crypto and NTS tests.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tempus::test {

inline std::vector<std::byte> hex(std::string_view s) {
  std::vector<std::byte> out;
  int hi = -1;
  for (char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::byte>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

}  // namespace tempus::test
