// SPDX-License-Identifier: ISC
// Per-client response rate limiting (chrony's `ratelimit interval I burst B leak L kod K`):
// each client address has a token bucket refilled with one token every 2^I seconds and holding
// at most B. A request that finds a token is answered; a "limited" one is dropped, except that
// one in every 2^L limited requests is still answered (so a client behind a shared address is
// not cut off completely), and, with K > 0, one in every K dropped ones gets a KoD RATE instead.
// The client table is bounded: when it is full the entry seen longest ago is replaced, so memory
// never grows with the number of clients. Pure: time is an argument.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "core/ip.h"
#include "core/time.h"

namespace tempus::core {

struct RateLimitConfig {
  int interval_log2 = 3;  // seconds per token = 2^interval_log2 (chrony default 3: 8 s)
  int burst = 8;          // bucket size, tokens (1..255)
  int leak = 2;           // 1 in 2^leak limited requests answered anyway (0: all limited answered)
  int kod = 0;            // 1 in kod dropped requests answered with KoD RATE (0: never)
  size_t max_clients = 4096;  // table bound (chrony: clientloglimit / record size)
};

enum class RateDecision : uint8_t { kAnswer, kDrop, kKodRate };

class RateLimiter {
 public:
  explicit RateLimiter(const RateLimitConfig& cfg);
  RateDecision check(const IpAddress& client, Timestamp now);
  size_t clients() const { return table_.size(); }

 private:
  struct Client {
    int64_t tokens_ns;  // tokens × interval, so refills stay integer
    Timestamp last;
    uint32_t limited = 0;
  };
  struct Hash {
    size_t operator()(const IpAddress& a) const;
  };
  void evict_oldest();

  RateLimitConfig cfg_;
  int64_t interval_ns_;
  std::unordered_map<IpAddress, Client, Hash> table_;
};

}  // namespace tempus::core
