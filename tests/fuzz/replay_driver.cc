// SPDX-License-Identifier: ISC
// A libFuzzer-compatible driver for builds without libFuzzer: replays every file of a seed
// directory, then feeds a bounded number of deterministic mutations of those seeds (bit flips,
// byte sets, inserts, deletes, truncation, splices) to LLVMFuzzerTestOneInput.
// Usage: fuzz_NAME SEED_DIR [ITERATIONS] — stops after ITERATIONS or 60 s, whichever is first.
// A crash, sanitizer report or hang in the target fails the test; success prints one summary line.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

struct Rng {
  uint64_t s = 0x9e3779b97f4a7c15ULL;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

std::vector<uint8_t> mutate(const std::vector<uint8_t>& seed, const std::vector<uint8_t>& other,
                            Rng& rng) {
  std::vector<uint8_t> v = seed;
  const size_t rounds = 1 + rng.below(4);
  for (size_t r = 0; r < rounds; ++r) {
    switch (rng.below(7)) {
      case 0:
        if (!v.empty()) v[rng.below(v.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
        break;
      case 1:
        if (!v.empty()) v[rng.below(v.size())] = static_cast<uint8_t>(rng.next());
        break;
      case 2: {
        static const uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, 0x10, 0x1c, 0x0a, ' '};
        v.insert(v.begin() + static_cast<ptrdiff_t>(rng.below(v.size() + 1)),
                 kInteresting[rng.below(sizeof kInteresting)]);
        break;
      }
      case 3:
        if (!v.empty()) v.erase(v.begin() + static_cast<ptrdiff_t>(rng.below(v.size())));
        break;
      case 4:
        v.resize(rng.below(v.size() + 1));
        break;
      case 5:
        if (!other.empty()) {
          const size_t from = rng.below(other.size());
          const size_t len = rng.below(other.size() - from + 1);
          v.insert(v.begin() + static_cast<ptrdiff_t>(rng.below(v.size() + 1)),
                   other.begin() + static_cast<ptrdiff_t>(from),
                   other.begin() + static_cast<ptrdiff_t>(from + len));
        }
        break;
      case 6:
        for (size_t i = 0, n = rng.below(8); i < n && v.size() < 65536; ++i)
          v.push_back(static_cast<uint8_t>(rng.next()));
        break;
    }
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SEED_DIR [ITERATIONS]\n", argv[0]);
    return 2;
  }
  const long iterations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 10000;
  std::vector<std::vector<uint8_t>> seeds;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1], ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "%s: no seeds in %s\n", argv[0], argv[1]);
    return 1;
  }
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());

  Rng rng;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  long done = 0;
  for (; done < iterations; ++done) {
    if ((done & 1023) == 0 && std::chrono::steady_clock::now() > deadline) break;
    const auto& a = seeds[rng.below(seeds.size())];
    const auto& b = seeds[rng.below(seeds.size())];
    const auto input = mutate(a, b, rng);
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("%s: %zu seeds replayed, %ld mutated inputs, no crash\n", argv[0], seeds.size(), done);
  return 0;
}
