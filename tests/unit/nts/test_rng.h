// SPDX-License-Identifier: ISC
// A deterministic RandomSource for the NTS tests (xorshift64; never a real key source).
#pragma once

#include "core/sample.h"

namespace tempus::test {

class TestRng final : public core::RandomSource {
 public:
  explicit TestRng(uint64_t seed = 0x2545f4914f6cdd1dULL) : s_(seed ? seed : 1) {}
  uint64_t next_u64() override {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }

 private:
  uint64_t s_;
};

}  // namespace tempus::test
