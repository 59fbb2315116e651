// SPDX-License-Identifier: ISC
#include "core/client_log.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tempus::core {

namespace {

int64_t interval_ns(int log2) {
  const int l = std::clamp(log2, -19, 24);  // 2 µs .. 194 days, chrony's useful range
  return l >= 0 ? kNsPerSec << l : kNsPerSec >> -l;
}

uint64_t mix(uint64_t x) {  // a 64-bit finaliser (murmur3's fmix64 constants)
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

uint64_t load64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// log2 of an interval in 1/256 units, for the averages of the clients report.
int32_t log2_q8(Duration d) {
  const double s = std::max(static_cast<double>(d.count_ns()), 1.0) / 1e9;
  return static_cast<int32_t>(std::lround(std::log2(s) * 256.0));
}

void average(int32_t& avg, int8_t& shown, int32_t sample_q8) {
  avg = shown == ClientRecord::kNoInterval ? sample_q8 : avg + (sample_q8 - avg) / 4;
  shown = static_cast<int8_t>(std::clamp((avg + 128) >> 8, -128, 126));
}

}  // namespace

ClientLog::ClientLog(const ClientLogConfig& cfg, uint64_t hash_key) : cfg_(cfg), key_(hash_key) {
  if (cfg_.rate_limit) {
    RateLimitConfig& r = *cfg_.rate_limit;
    r.burst = std::clamp(r.burst, 1, 255);
    r.leak = std::clamp(r.leak, 0, 30);
    r.kod = std::max(r.kod, 0);
    interval_ns_ = interval_ns(r.interval_log2);
  }
  const size_t n = std::bit_ceil(std::max(cfg_.max_clients, kBucketSlots));
  slots_.resize(n);  // all memory up front: nothing is allocated per request
}

size_t ClientLog::bucket_of(const IpAddress& a) const {
  const auto& b = a.bytes();
  uint64_t h = mix(load64(b.data()) ^ key_);
  if (a.is_v6()) h = mix(h ^ load64(b.data() + 8) ^ (key_ >> 1));
  return static_cast<size_t>(h & (slots_.size() / kBucketSlots - 1));
}

const ClientLog::Slot* ClientLog::find(const IpAddress& a) const {
  const size_t base = bucket_of(a) * kBucketSlots;
  for (size_t i = base; i < base + kBucketSlots; ++i)
    if (slots_[i].used && slots_[i].rec.address == a) return &slots_[i];
  return nullptr;
}

ClientLog::Verdict ClientLog::on_request(const IpAddress& client, Timestamp now) {
  const size_t base = bucket_of(client) * kBucketSlots;
  size_t at = base;
  bool found = false;
  for (size_t i = base; i < base + kBucketSlots; ++i) {
    const Slot& s = slots_[i];
    if (s.used && s.rec.address == client) {
      at = i;
      found = true;
      break;
    }
    // Otherwise remember where a new record goes: a free slot, else the least recently seen.
    const Slot& v = slots_[at];
    if (v.used && (!s.used || s.rec.last_seen < v.rec.last_seen)) at = i;
  }
  Slot& s = slots_[at];
  if (!found) {
    if (s.used) ++dropped_;
    else ++used_;
    s = Slot{};
    s.used = true;
    s.rec.address = client;
    s.rec.last_seen = now;
    s.tokens_ns = interval_ns_ * (cfg_.rate_limit ? cfg_.rate_limit->burst : 0);
  } else {
    average(s.avg_log2_q8, s.rec.interval_log2, log2_q8(now - s.rec.last_seen));
  }
  ++s.rec.ntp_hits;
  const RateDecision d = limit(s, now);
  s.rec.last_seen = std::max(s.rec.last_seen, now);
  if (d == RateDecision::kAnswer) {
    if (s.rec.ntp_hits - s.rec.ntp_drops > 1)  // an earlier request was answered too
      average(s.avg_limited_log2_q8, s.rec.limited_interval_log2, log2_q8(now - s.last_answered));
    s.last_answered = now;
  } else {
    ++s.rec.ntp_drops;
  }
  return {d, static_cast<uint32_t>(at)};
}

RateDecision ClientLog::limit(Slot& s, Timestamp now) {
  if (!cfg_.rate_limit) return RateDecision::kAnswer;
  const RateLimitConfig& r = *cfg_.rate_limit;
  const int64_t full = interval_ns_ * r.burst;
  // A clock going backwards refills nothing.
  const int64_t elapsed = std::max<int64_t>(0, (now - s.rec.last_seen).count_ns());
  s.tokens_ns = std::min(full, s.tokens_ns + std::min(elapsed, full));
  if (s.tokens_ns >= interval_ns_) {
    s.tokens_ns -= interval_ns_;
    return RateDecision::kAnswer;
  }
  ++s.limited;
  if (r.leak == 0 || s.limited % (uint32_t{1} << r.leak) == 0) return RateDecision::kAnswer;
  if (r.kod > 0 && s.limited % static_cast<uint32_t>(r.kod) == 0) return RateDecision::kKodRate;
  return RateDecision::kDrop;
}

void ClientLog::note_transmit(uint32_t slot, const IpAddress& client, Timestamp rx, Timestamp tx) {
  if (slot >= slots_.size()) return;
  Slot& s = slots_[slot];
  if (!s.used || !(s.rec.address == client)) return;
  s.has_tx = true;
  s.held_rx = rx;
  s.held_tx = tx;
}

size_t ClientLog::timestamps_held() const {
  return static_cast<size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.used && s.has_tx; }));
}

std::vector<ClientRecord> ClientLog::records() const {
  std::vector<ClientRecord> out;
  out.reserve(used_);
  for (const Slot& s : slots_)
    if (s.used) out.push_back(s.rec);
  std::sort(out.begin(), out.end(),
            [](const ClientRecord& a, const ClientRecord& b) { return a.last_seen > b.last_seen; });
  return out;
}

std::optional<ClientLog::Held> ClientLog::held(const IpAddress& client) const {
  const Slot* s = find(client);
  if (!s || !s->has_tx) return std::nullopt;
  return Held{s->held_rx, s->held_tx};
}

}  // namespace tempus::core
