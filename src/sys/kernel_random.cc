// SPDX-License-Identifier: ISC
#include "sys/kernel_random.h"

#include <sys/random.h>

namespace tempus::sys {

namespace {

class KernelRandom final : public core::RandomSource {
 public:
  uint64_t next_u64() override {
    uint64_t v = 0;
    while (getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) {
    }
    return v;
  }
};

}  // namespace

core::RandomSource& kernel_random() {
  static KernelRandom r;
  return r;
}

}  // namespace tempus::sys
