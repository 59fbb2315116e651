// SPDX-License-Identifier: ISC
#include "core/refclock_filter.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace tempus::core {

namespace {

__extension__ using i128 = __int128;

constexpr size_t kMinSamples = 4;

int clamp_poll(int log2) { return std::clamp<int>(log2, PollLog::kMin, PollLog::kMax); }

// Mean of int64 values without overflow (offsets and times may be near the int64 range).
int64_t mean(const std::vector<int64_t>& v) {
  i128 sum = 0;
  for (int64_t x : v) sum += x;
  return static_cast<int64_t>(sum / static_cast<i128>(v.size()));
}

}  // namespace

RefclockFilter::RefclockFilter(const RefclockFilterConfig& cfg)
    : cfg_(cfg),
      read_interval_(PollLog{static_cast<int8_t>(clamp_poll(cfg.dpoll))}.interval()) {
  cfg_.length = std::max<size_t>(cfg_.length, 1);
  reads_per_poll_ = uint64_t{1} << std::max(0, clamp_poll(cfg.poll) - clamp_poll(cfg.dpoll));
}

size_t RefclockFilter::min_samples() const { return std::min(kMinSamples, cfg_.length); }

std::optional<RefclockSample> RefclockFilter::on_read(std::optional<RefclockSample> sample) {
  if (sample) {
    if (samples_.size() == cfg_.length) samples_.pop_front();
    samples_.push_back(*sample);
  }
  if (++reads_ < reads_per_poll_) return std::nullopt;
  reads_ = 0;
  if (samples_.size() < min_samples()) return std::nullopt;
  const std::vector<RefclockSample> all(samples_.begin(), samples_.end());
  samples_.clear();
  const RefclockSample s = combine_refclock_samples(all);
  if (cfg_.max_dispersion && s.dispersion > *cfg_.max_dispersion) return std::nullopt;
  return s;
}

void RefclockFilter::apply_correction(Timestamp when, Duration phase, double dfreq_ppm) {
  for (RefclockSample& s : samples_) {
    const Duration delta =
        phase + Duration::from_seconds_f(dfreq_ppm * 1e-6 * (s.time - when).to_seconds_f());
    s.time = s.time + delta;
    s.offset -= delta;
  }
}

RefclockSample combine_refclock_samples(std::span<const RefclockSample> samples) {
  const size_t n = samples.size();
  std::vector<size_t> by_offset(n);
  std::iota(by_offset.begin(), by_offset.end(), size_t{0});
  std::stable_sort(by_offset.begin(), by_offset.end(), [&](size_t a, size_t b) {
    return samples[a].offset < samples[b].offset;
  });
  const i128 lo = samples[by_offset[(n - 1) / 2]].offset.count_ns();
  const i128 hi = samples[by_offset[n / 2]].offset.count_ns();
  const i128 twice_median = lo + hi;
  // Distance from the median, doubled to stay in integers.
  auto distance = [&](size_t i) {
    const i128 d = 2 * static_cast<i128>(samples[i].offset.count_ns()) - twice_median;
    return d < 0 ? -d : d;
  };
  std::vector<size_t> near(n);
  std::iota(near.begin(), near.end(), size_t{0});
  std::stable_sort(near.begin(), near.end(),
                   [&](size_t a, size_t b) { return distance(a) < distance(b); });
  const size_t keep = (n * 3 + 4) / 5;  // ceil(0.6 n)
  near.resize(keep);

  std::vector<int64_t> times, offsets, dispersions;
  for (size_t i : near) {
    times.push_back(samples[i].time.unix_ns());
    offsets.push_back(samples[i].offset.count_ns());
    dispersions.push_back(samples[i].dispersion.count_ns());
  }
  RefclockSample out;
  out.time = Timestamp::from_unix_ns(mean(times));
  out.offset = Duration::ns(mean(offsets));
  double var = 0;
  for (int64_t o : offsets) {
    const double d = static_cast<double>(static_cast<i128>(o) - out.offset.count_ns()) / 1e9;
    var += d * d;
  }
  const Duration sd = Duration::from_seconds_f(std::sqrt(var / static_cast<double>(keep)));
  out.dispersion = std::max(Duration::ns(mean(dispersions)), sd);
  return out;
}

}  // namespace tempus::core
