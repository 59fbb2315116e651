// SPDX-License-Identifier: ISC
// Leap tables: both parsers must never crash on arbitrary input, and whatever parses must satisfy
// the LeapTable invariants, survive format → parse unchanged, and give a leap_status consistent
// with its entries. Any violation aborts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/leapsec.h"

namespace {

using namespace tempus::core;

void check(const LeapTable& t) {
  if (t.entries.empty()) std::abort();
  for (size_t i = 0; i < t.entries.size(); ++i) {
    const LeapEntry& e = t.entries[i];
    if (e.at.nsec() != 0 || e.at.unix_sec() % 86'400 != 0) std::abort();
    if (leap_status(t, e.at).tai_minus_utc != e.tai_minus_utc) std::abort();
    if (i == 0) continue;
    const LeapEntry& p = t.entries[i - 1];
    const int64_t step = int64_t{e.tai_minus_utc} - p.tai_minus_utc;
    if (e.at <= p.at || (step != 1 && step != -1)) std::abort();
    const LeapStatus before = leap_status(t, e.at - Duration::ns(1));
    if (before.tai_minus_utc != p.tai_minus_utc) std::abort();
    if (before.leap_today != (step > 0 ? Leap::kInsert : Leap::kDelete)) std::abort();
  }
  const LeapStatus first = leap_status(t, t.entries.front().at - Duration::ns(1));
  if (first.tai_minus_utc != 0 || first.leap_today != Leap::kNone) std::abort();
  if (t.expires && !leap_status(t, *t.expires).expired) std::abort();

  auto again = parse_leap_seconds_list(format_leap_seconds_list(t));
  if (!again || !(*again == t)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  if (auto t = parse_tzif_leaps(in)) check(*t);
  if (auto t = parse_leap_seconds_list({reinterpret_cast<const char*>(data), size})) check(*t);
  (void)leap_status(LeapTable{}, Timestamp::from_unix_ns(static_cast<int64_t>(size)));
  return 0;
}
