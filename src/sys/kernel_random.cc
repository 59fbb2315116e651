// SPDX-License-Identifier: ISC
#include "sys/kernel_random.h"

#include <sys/random.h>

#include <array>
#include <cstring>

namespace tempus::sys {

namespace {

// Draws kPool bytes per getrandom(2) and hands them out 8 at a time, wiping each word as it
// goes: an NTS reply takes four words (two nonces), so one syscall serves eight replies instead
// of four syscalls serving one. The pool is never shared: each role is its own exec'd process.
class KernelRandom final : public core::RandomSource {
 public:
  uint64_t next_u64() override {
    if (next_ == pool_.size()) refill();
    uint64_t v = 0;
    std::memcpy(&v, &pool_[next_], sizeof v);
    std::memset(&pool_[next_], 0, sizeof v);
    next_ += sizeof v;
    return v;
  }

 private:
  static constexpr size_t kPool = 256;

  void refill() {
    size_t got = 0;
    while (got < pool_.size()) {  // a seeded pool never blocks; a signal may cut a read short
      const ssize_t n = getrandom(pool_.data() + got, pool_.size() - got, 0);
      if (n > 0) got += static_cast<size_t>(n);
    }
    next_ = 0;
  }

  std::array<unsigned char, kPool> pool_{};
  size_t next_ = kPool;
};

}  // namespace

core::RandomSource& kernel_random() {
  static KernelRandom r;
  return r;
}

}  // namespace tempus::sys
