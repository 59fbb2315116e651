// SPDX-License-Identifier: ISC
// Key file parser: any text parses without crashing into sorted, unique, well-formed keys, and
// every warning names a line of the input.
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "core/keyfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const KeyFile kf = parse_key_file(text);
  const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (size_t i = 0; i < kf.keys.size(); ++i) {
    const SymmetricKey& k = kf.keys[i];
    if (i > 0 && kf.keys[i - 1].id >= k.id) std::abort();
    if (k.value.empty() || k.value.size() > kMaxKeyLen) std::abort();
    if (cmac_key_len(k.type) != 0 && k.value.size() != cmac_key_len(k.type)) std::abort();
    if (k.line == 0 || k.line > lines || kf.find(k.id) != &k) std::abort();
  }
  for (const auto& w : kf.warnings)
    if (w.line == 0 || w.line > lines || w.message.empty()) std::abort();
  return 0;
}
