// SPDX-License-Identifier: ISC
// The NTP server's per-client log (chrony's clientlog): one record per client address with what
// `chronyc clients` reports, the response rate limiting of `ratelimit interval I burst B leak L
// kod K`, and the receive/transmit times of the last reply (held for interleaved mode, RFC 9769).
//
// Rate limiting: each client has a token bucket refilled with one token every 2^I seconds and
// holding at most B. A request that finds a token is answered; a "limited" one is dropped,
// except that one in every 2^L limited requests is still answered (so a client behind a shared
// address is not cut off completely), and, with K > 0, one in every K dropped ones gets a KoD
// RATE instead.
//
// Memory is fixed when the log is made and never grows, whatever addresses an attacker uses:
// records live in buckets of kBucketSlots, a bucket chosen by a keyed hash of the address (the
// key comes from the caller's RNG, so an attacker cannot aim many addresses at one bucket); a
// new client in a full bucket replaces that bucket's least recently seen record, which is
// counted in records_dropped(). A lookup touches one bucket: constant time, no allocation.
// Pure: time and the hash key are arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/ip.h"
#include "core/time.h"

namespace tempus::core {

struct RateLimitConfig {
  int interval_log2 = 3;  // seconds per token = 2^interval_log2 (chrony default 3: 8 s)
  int burst = 8;          // bucket size, tokens (1..255)
  int leak = 2;           // 1 in 2^leak limited requests answered anyway (0: all limited answered)
  int kod = 0;            // 1 in kod dropped requests answered with KoD RATE (0: never)
};

struct ClientLogConfig {
  size_t max_clients = 4096;                // rounded up to a power of two, at least one bucket
  std::optional<RateLimitConfig> rate_limit;  // nullopt: every request is answered
};

enum class RateDecision : uint8_t { kAnswer, kDrop, kKodRate };

// What `chronyc clients` shows for one address (the NTP columns).
struct ClientRecord {
  IpAddress address;
  uint32_t ntp_hits = 0;             // requests seen
  uint32_t ntp_drops = 0;            // requests not answered normally (dropped or KoD)
  int8_t interval_log2 = kNoInterval;  // average interval between requests, log2 s
  int8_t limited_interval_log2 = kNoInterval;  // the same between answered requests
  Timestamp last_seen;               // local time of the last request
  static constexpr int8_t kNoInterval = 127;  // not known yet (chronyc prints "-")
};

class ClientLog {
 public:
  static constexpr size_t kBucketSlots = 8;

  // hash_key: random, from the caller.
  ClientLog(const ClientLogConfig& cfg, uint64_t hash_key);

  // A request from `client` received at `now`: logs it and decides what to send. The returned
  // slot names the client's record for note_transmit() until the record is replaced.
  struct Verdict {
    RateDecision decision;
    uint32_t slot;
  };
  Verdict on_request(const IpAddress& client, Timestamp now);

  // The times of the reply just sent to the client in `slot` (receive time of the request,
  // transmit time of the reply: ours, then the kernel's when it reads it back). Ignored when
  // the slot has been given to another address since (`client` is checked).
  void note_transmit(uint32_t slot, const IpAddress& client, Timestamp rx, Timestamp tx);

  // Records in use, their bound, and records replaced because their bucket was full
  // (chrony's "Client log records dropped").
  size_t size() const { return used_; }
  size_t capacity() const { return slots_.size(); }
  uint64_t records_dropped() const { return dropped_; }
  // Records holding a reply's timestamps (chrony's "NTP timestamps held").
  size_t timestamps_held() const;

  // Every record in use, most recently seen first (a copy, for reports).
  std::vector<ClientRecord> records() const;
  // The held receive/transmit times of `client`'s last reply, if any.
  struct Held {
    Timestamp rx, tx;
  };
  std::optional<Held> held(const IpAddress& client) const;

 private:
  struct Slot {
    ClientRecord rec;
    bool used = false;
    bool has_tx = false;
    uint32_t limited = 0;      // limited requests since the table entry was made
    int64_t tokens_ns = 0;     // tokens × interval, so refills stay integer
    int32_t avg_log2_q8 = 0;   // interval averages in 1/256 log2 s (exponential, weight 1/4)
    int32_t avg_limited_log2_q8 = 0;
    Timestamp last_answered;
    Timestamp held_rx, held_tx;
  };
  size_t bucket_of(const IpAddress& a) const;
  const Slot* find(const IpAddress& a) const;
  RateDecision limit(Slot& s, Timestamp now);

  ClientLogConfig cfg_;
  int64_t interval_ns_ = 0;
  uint64_t key_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace tempus::core
