// SPDX-License-Identifier: ISC
#include "core/ratelimit.h"

#include <algorithm>

namespace tempus::core {

namespace {

int64_t interval_ns(int log2) {
  const int l = std::clamp(log2, -19, 24);  // 2 µs .. 194 days, chrony's useful range
  return l >= 0 ? kNsPerSec << l : kNsPerSec >> -l;
}

}  // namespace

size_t RateLimiter::Hash::operator()(const IpAddress& a) const {
  uint64_t h = 1469598103934665603ULL;
  for (uint8_t b : a.bytes()) h = (h ^ b) * 1099511628211ULL;
  return static_cast<size_t>(h ^ (a.is_v4() ? 4 : 6));
}

RateLimiter::RateLimiter(const RateLimitConfig& cfg)
    : cfg_(cfg), interval_ns_(interval_ns(cfg.interval_log2)) {
  cfg_.burst = std::clamp(cfg_.burst, 1, 255);
  cfg_.leak = std::clamp(cfg_.leak, 0, 30);
  cfg_.max_clients = std::max<size_t>(cfg_.max_clients, 1);
}

void RateLimiter::evict_oldest() {
  auto oldest = std::min_element(table_.begin(), table_.end(), [](const auto& a, const auto& b) {
    return a.second.last < b.second.last;
  });
  if (oldest != table_.end()) table_.erase(oldest);
}

RateDecision RateLimiter::check(const IpAddress& client, Timestamp now) {
  const int64_t full = interval_ns_ * cfg_.burst;
  auto it = table_.find(client);
  if (it == table_.end()) {
    if (table_.size() >= cfg_.max_clients) evict_oldest();
    it = table_.emplace(client, Client{full, now, 0}).first;
  }
  Client& c = it->second;
  const int64_t elapsed = std::max<int64_t>(0, (now - c.last).count_ns());
  c.tokens_ns = std::min(full, c.tokens_ns + std::min(elapsed, full));
  c.last = now;
  if (c.tokens_ns >= interval_ns_) {
    c.tokens_ns -= interval_ns_;
    return RateDecision::kAnswer;
  }
  ++c.limited;
  if (cfg_.leak == 0 || c.limited % (uint32_t{1} << cfg_.leak) == 0) return RateDecision::kAnswer;
  if (cfg_.kod > 0 && c.limited % static_cast<uint32_t>(cfg_.kod) == 0) return RateDecision::kKodRate;
  return RateDecision::kDrop;
}

}  // namespace tempus::core
