// SPDX-License-Identifier: ISC
// tempus-sim: runs the numbered scenarios.
//   tempus-sim                      every scenario, seeds 1..3, bounds asserted (exit 1 if not)
//   tempus-sim --scenario 002       only that one (repeatable)
//   tempus-sim --seeds N            seeds 1..N
//   tempus-sim --seed S             only seed S
//   tempus-sim --table              summary table over the seeds (median / worst), still checks
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sim.h"

namespace {

using tempus::sim::Outcome;
using tempus::sim::Scenario;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int usage() {
  std::fprintf(stderr, "usage: tempus-sim [--scenario ID]... [--seeds N | --seed S] [--table]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> only;
  uint64_t first_seed = 1, seeds = 3;
  bool table = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (!std::strcmp(a, "--scenario") && i + 1 < argc) {
      only.emplace_back(argv[++i]);
    } else if (!std::strcmp(a, "--seeds") && i + 1 < argc) {
      seeds = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(a, "--seed") && i + 1 < argc) {
      first_seed = std::strtoull(argv[++i], nullptr, 10);
      seeds = 1;
    } else if (!std::strcmp(a, "--table")) {
      table = true;
    } else {
      return usage();
    }
  }
  if (seeds == 0) return usage();

  int failed = 0;
  if (table)
    std::printf("%-4s %-52s %5s | %9s %9s | %9s %9s | %7s %7s | %4s\n", "id", "scenario", "seeds",
                "RMS med", "RMS max", "|off|med", "|off|max", "t1ms md", "t1ms mx", "pass");
  for (const Scenario& sc : tempus::sim::scenarios()) {
    if (!only.empty() && std::find(only.begin(), only.end(), sc.id) == only.end()) continue;
    std::vector<double> rms, mx, t1;
    int pass = 0;
    for (uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
      Outcome o = tempus::sim::run(sc, seed);
      tempus::sim::check(sc, o);
      rms.push_back(o.rms_us);
      mx.push_back(o.max_abs_us);
      t1.push_back(o.time_to_1ms_s < 0 ? 1e9 : o.time_to_1ms_s);
      if (o.failures.empty()) ++pass;
      if (!table || !o.failures.empty())
        std::printf("%s seed %-3llu RMS %7.1f us  max|off| %8.1f us  t(1ms) %5.0f s  steps %d  "
                    "updates %d  samples %d/%d (%d delay-rejected, %d invalid)  "
                    "freq err %+.4f ppm  %s\n",
                    sc.id.c_str(), static_cast<unsigned long long>(seed), o.rms_us, o.max_abs_us,
                    o.time_to_1ms_s, o.steps, o.updates, o.samples, o.requests, o.delay_rejected,
                    o.reply_errors, o.final_freq_error_ppm,
                    o.failures.empty() ? "ok" : "FAIL");
      for (const auto& f : o.failures) std::printf("    %s\n", f.c_str());
    }
    failed += static_cast<int>(seeds) - pass;
    if (table)
      std::printf("%-4s %-52s %5llu | %9.1f %9.1f | %9.1f %9.1f | %7.0f %7.0f | %2d/%llu\n",
                  sc.id.c_str(), sc.name.c_str(), static_cast<unsigned long long>(seeds),
                  median(rms), *std::max_element(rms.begin(), rms.end()), median(mx),
                  *std::max_element(mx.begin(), mx.end()), median(t1),
                  *std::max_element(t1.begin(), t1.end()), pass,
                  static_cast<unsigned long long>(seeds));
  }
  if (table) std::printf("(RMS and |off| in us over 3000..20000 s; t1ms in s)\n");
  return failed ? 1 : 0;
}
