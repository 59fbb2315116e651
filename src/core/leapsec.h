// SPDX-License-Identifier: ISC
// Leap-second tables for the `leapsectz` and `leapseclist` directives, and the status derived from
// them. Pure: the parsers take bytes the caller has read (before the sandbox closes); nothing here
// opens a file or reads a clock.
//
// Sources:
//   leap-seconds.list (NIST/IERS)  "NTP_SECONDS TAI_MINUS_UTC [# comment]" per line; '#' starts a
//       comment line; "#@ NTP_SECONDS" is the expiry, "#$" the last update, "#h" a SHA-1 of the
//       data. NTP_SECONDS count from 1900-01-01T00:00:00Z and are read as a plain integer (no era
//       wrap). The first data line (1 Jan 1972, 10 s) is the base offset, not a leap.
//   TZif (RFC 9636; versions 1-4), e.g. /usr/share/zoneinfo/right/UTC  Only the leap-second
//       records are used. Their times are on the "right/" time scale (POSIX time plus the leap
//       seconds before it); their corrections are the cumulative leap count, so
//       TAI − UTC = 10 + correction. Version 1 files use the 32-bit block, version 2+ files only
//       the 64-bit one. In version 4, a last record repeating the previous correction is the
//       table's expiry, and the first correction may differ from ±1 (a truncated table).
//
// Not checked: the "#h" hash (the core has no SHA-1; the file comes from a root-owned path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/time.h"

namespace tempus::core {

struct LeapEntry {
  // The UTC instant from which `tai_minus_utc` holds: 00:00:00 of a UTC day, i.e. the instant just
  // after the leap second that ended the previous day (whole seconds, nsec() == 0).
  Timestamp at;
  int32_t tai_minus_utc = 0;  // TAI − UTC in seconds from `at` on
  bool operator==(const LeapEntry&) const = default;
};

// Invariants guaranteed by both parsers:
//   - entries is non-empty and strictly increasing in `at`; every `at` is a UTC midnight in
//     [1900-01-01, 2262-04-09];
//   - entries[0] is the base offset (no leap is implied at it); every later entry is one leap:
//     its tai_minus_utc is the previous one +1 (a second inserted at the end of the day before
//     `at`) or −1 (a second deleted).
// A table from TZif with a complete leap history gets a synthesized base {1972-01-01, 10}, so the
// same data from either source gives equal tables.
struct LeapTable {
  std::vector<LeapEntry> entries;
  // After this instant the table says nothing about leap seconds to come (it may still list them).
  std::optional<Timestamp> expires;
  bool operator==(const LeapTable&) const = default;
};

enum class LeapErrorKind {
  kMalformedLine,   // list: a data or "#@" line that is not "INTEGER INTEGER [# ...]"
  kOutOfRange,      // a time outside [1900, 2262] or an implausible offset/correction
  kNotMidnight,     // a leap instant that is not 00:00:00 UTC
  kNotMonotonic,    // times not strictly increasing
  kBadStep,         // TAI − UTC changing by other than ±1 between adjacent entries
  kDuplicateExpiry, // list: more than one "#@" line
  kNoEntries,       // no data lines / no leap-second records (a TZif zone without leaps)
  kBadMagic,        // TZif: not "TZif"
  kBadVersion,      // TZif: version not NUL, '2', '3' or '4'
  kTruncated,       // TZif: counts promise more data than the input holds
  kBadCounts,       // TZif: inconsistent counts (RFC 9636 §3.1: typecnt/charcnt/isut/isstd)
};
std::string_view to_string(LeapErrorKind e);

struct LeapError {
  LeapErrorKind kind = LeapErrorKind::kMalformedLine;
  uint32_t line = 0;  // 1-based line of a leap-seconds.list; for TZif the 1-based leap record, or 0
  bool operator==(const LeapError&) const = default;
};
// "line 12: malformed line" / "record 3: ..." / "bad TZif magic".
std::string to_string(const LeapError& e, bool tzif = false);

Result<LeapTable, LeapError> parse_leap_seconds_list(std::string_view text);
Result<LeapTable, LeapError> parse_tzif_leaps(Bytes tzif);

// The table as a leap-seconds.list (data lines and "#@", no hash); parse_leap_seconds_list of the
// result gives back an equal table. Precondition: the table satisfies the invariants above.
std::string format_leap_seconds_list(const LeapTable& table);

struct LeapStatus {
  // TAI − UTC at `now` in seconds. 0 before the first entry: before 1972 UTC was not an integral
  // number of seconds from TAI, and for a truncated table the offset is unknown.
  int32_t tai_minus_utc = 0;
  // kInsert/kDelete when the table has a leap at the end of the UTC day containing `now` (i.e. an
  // entry at the next 00:00:00 UTC), else kNone. Never kUnsync. Reported even when expired: an
  // expired table still knows the leaps it lists, it just cannot rule out others.
  Leap leap_today = Leap::kNone;
  // True when the table has an expiry and now >= expiry: callers should not let it veto a
  // leap announced by the sources.
  bool expired = false;
  bool operator==(const LeapStatus&) const = default;
};

// `now` is UTC (CLOCK_REALTIME, which repeats 23:59:59 during an inserted second; that second
// still counts as the day of the leap).
LeapStatus leap_status(const LeapTable& table, Timestamp now);

}  // namespace tempus::core
