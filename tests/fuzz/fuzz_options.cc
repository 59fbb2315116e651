// SPDX-License-Identifier: ISC
// Command line parser: NUL-separated arguments; must never crash.
#include <string_view>
#include <vector>

#include "proc/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> args;
  size_t start = 0;
  for (size_t i = 0; i <= all.size() && args.size() < 64; ++i) {
    if (i == all.size() || all[i] == '\0') {
      args.push_back(all.substr(start, i - start));
      start = i + 1;
    }
  }
  (void)tempus::proc::parse_options(args, "/etc/tempus/tempus.conf");
  return 0;
}
