// SPDX-License-Identifier: ISC
// The NTS server key file (ServerKeyRing::parse, read at start from the state directory): any
// text parses without crashing into at most kMaxServerKeys keys with distinct IDs, and what parses
// serialises to text that parses to the same keys and serialises identically.
#include <cstdlib>
#include <string_view>

#include "core/nts_cookie.h"

namespace {

using namespace tempus::core;

void check(bool ok) {
  if (!ok) std::abort();
}

bool same_keys(const ServerKeyRing& a, const ServerKeyRing& b) {
  if (a.keys().size() != b.keys().size()) return false;
  for (size_t i = 0; i < a.keys().size(); ++i) {
    const ServerKey& x = a.keys()[i];
    const ServerKey& y = b.keys()[i];
    if (x.id != y.id || x.key != y.key || x.created != y.created) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto ring = ServerKeyRing::parse(text, Duration::s(3600));
  if (!ring) {
    check(ring.error().line >= 1);
    return 0;
  }
  check(!ring->keys().empty() && ring->keys().size() <= kMaxServerKeys);
  check(ring->current() == &ring->keys().back());
  for (const ServerKey& k : ring->keys()) check(ring->find(k.id) == &k);
  const std::string saved = ring->serialise();
  const auto again = ServerKeyRing::parse(saved, Duration::s(3600));
  check(again.ok() && same_keys(*ring, *again) && again->serialise() == saved);
  return 0;
}
