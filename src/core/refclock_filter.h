// SPDX-License-Identifier: ISC
// The median filter between a polled reference clock driver and the engine (chrony's refclock
// `filter`, `poll` and `dpoll` options): the driver is read every 2^dpoll s, its samples are
// kept in a filter of the last `filter` samples, and every 2^poll s the stored samples are
// reduced to one: about 40 % of them, those farthest from the median offset, are discarded and
// the rest averaged. The filter is then emptied. Pure.
//
// Sign convention (core/sample.h): offset > 0 means the local clock is BEHIND the reference.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <span>

#include "core/time.h"

namespace tempus::core {

struct RefclockSample {
  Timestamp time;       // local clock at the sample
  Duration offset;      // reference − local; > 0: local clock behind
  Duration dispersion;  // the sample's error bound (≥ 0)
  bool operator==(const RefclockSample&) const = default;
};

struct RefclockFilterConfig {
  size_t length = 64;     // filter N: the most recent samples kept (0 counts as 1)
  int poll = 4;           // log2 s between filtered samples
  int dpoll = 0;          // log2 s between driver reads (a poll below dpoll counts as dpoll)
  std::optional<Duration> max_dispersion;  // maxdispersion: filtered samples above are dropped
};

class RefclockFilter {
 public:
  explicit RefclockFilter(const RefclockFilterConfig& cfg);

  // Time between driver reads: 2^dpoll s. poll and dpoll are clamped to PollLog's range
  // (-7..24): a read every 7.8 ms at most.
  Duration read_interval() const { return read_interval_; }
  // Driver reads per refclock poll: 2^(poll − dpoll), at least 1.
  uint64_t reads_per_poll() const { return reads_per_poll_; }
  // Samples needed for a filtered sample: 4, or the whole filter when it is shorter.
  size_t min_samples() const;

  // One driver read: its sample, or nullopt when the read failed. Every reads_per_poll()-th
  // call is a refclock poll: with at least min_samples() stored, they are combined and the
  // filter is emptied; the combined sample is returned unless its dispersion exceeds
  // max_dispersion. With too few samples they wait for the next poll (the oldest fall out of
  // a full filter).
  std::optional<RefclockSample> on_read(std::optional<RefclockSample> sample);

  size_t size() const { return samples_.size(); }

  // The local clock was corrected at `when` (SourceStats::apply_correction, same arguments): the
  // stored samples are rewritten as if taken on the corrected clock.
  void apply_correction(Timestamp when, Duration phase, double dfreq_ppm);

 private:
  RefclockFilterConfig cfg_;
  Duration read_interval_;
  uint64_t reads_per_poll_ = 1;
  uint64_t reads_ = 0;
  std::deque<RefclockSample> samples_;
};

// The reduction alone: the ceil(60 %) of `samples` nearest the median offset (the first in
// order among equally near ones) are averaged — time, offset — and the dispersion is the larger
// of their mean dispersion and the standard deviation of their offsets. Precondition: not empty.
RefclockSample combine_refclock_samples(std::span<const RefclockSample> samples);

}  // namespace tempus::core
