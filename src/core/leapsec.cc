// SPDX-License-Identifier: ISC
#include "core/leapsec.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>

namespace tempus::core {
namespace {

constexpr int64_t kSecPerDay = 86'400;
constexpr int64_t kMinUnixSec = -kNtpUnixOffsetSec;  // 1900-01-01
// Two days short of the Timestamp limit (2262-04-11), so day arithmetic cannot overflow.
constexpr int64_t kMaxUnixSec = std::numeric_limits<int64_t>::max() / kNsPerSec - 2 * kSecPerDay;
// TZif corrections and list offsets: real ones are a few dozen; anything near this is garbage.
constexpr int64_t kMaxOffset = 1'000'000;
constexpr int32_t kTzifBaseOffset = 10;               // TAI − UTC when the leap count is 0
constexpr int64_t kBaseUnixSec = 63'072'000;          // 1972-01-01, start of integral TAI − UTC

Unexpected<LeapError> fail(LeapErrorKind kind, uint32_t line = 0) {
  return Unexpected{LeapError{kind, line}};
}

int64_t floor_mod(int64_t a, int64_t m) {
  const int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// Appends {at_sec (unix seconds), tai}, keeping the LeapTable invariants; nullopt on success.
std::optional<LeapErrorKind> append_entry(std::vector<LeapEntry>& v, int64_t at_sec, int64_t tai) {
  if (at_sec < kMinUnixSec || at_sec > kMaxUnixSec || tai < -kMaxOffset || tai > kMaxOffset)
    return LeapErrorKind::kOutOfRange;
  if (floor_mod(at_sec, kSecPerDay) != 0) return LeapErrorKind::kNotMidnight;
  if (!v.empty()) {
    if (at_sec <= v.back().at.unix_sec()) return LeapErrorKind::kNotMonotonic;
    const int64_t step = tai - v.back().tai_minus_utc;
    if (step != 1 && step != -1) return LeapErrorKind::kBadStep;
  }
  v.push_back({Timestamp::from_unix(at_sec, 0), static_cast<int32_t>(tai)});
  return std::nullopt;
}

// ---- leap-seconds.list ---------------------------------------------------------------------

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

void skip_blanks(std::string_view& s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
}

// A decimal integer of at most `max_digits` digits, optionally signed; consumes it.
std::optional<int64_t> take_int(std::string_view& s, size_t max_digits, bool allow_sign) {
  bool neg = false;
  if (allow_sign && !s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  size_t n = 0;
  int64_t v = 0;
  while (n < s.size() && is_digit(s[n])) {
    if (n == max_digits) return std::nullopt;
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return neg ? -v : v;
}

// 12 digits reach year 33000; more can only be garbage (and would overflow).
constexpr size_t kMaxSecondsDigits = 12;
constexpr size_t kMaxOffsetDigits = 7;

// The rest of a line after its last field: blanks, then nothing or a '#' comment.
bool at_line_end(std::string_view s) {
  skip_blanks(s);
  return s.empty() || s.front() == '#';
}

}  // namespace

std::string_view to_string(LeapErrorKind e) {
  switch (e) {
    case LeapErrorKind::kMalformedLine: return "malformed line";
    case LeapErrorKind::kOutOfRange: return "value out of range";
    case LeapErrorKind::kNotMidnight: return "leap not at 00:00:00 UTC";
    case LeapErrorKind::kNotMonotonic: return "times not increasing";
    case LeapErrorKind::kBadStep: return "TAI-UTC changes by other than 1 s";
    case LeapErrorKind::kDuplicateExpiry: return "more than one expiry (#@) line";
    case LeapErrorKind::kNoEntries: return "no leap-second data";
    case LeapErrorKind::kBadMagic: return "not a TZif file";
    case LeapErrorKind::kBadVersion: return "unsupported TZif version";
    case LeapErrorKind::kTruncated: return "truncated TZif file";
    case LeapErrorKind::kBadCounts: return "inconsistent TZif counts";
  }
  return "unknown leap table error";
}

std::string to_string(const LeapError& e, bool tzif) {
  std::string out;
  if (e.line != 0) {
    out = (tzif ? "record " : "line ") + std::to_string(e.line) + ": ";
  }
  out += to_string(e.kind);
  return out;
}

Result<LeapTable, LeapError> parse_leap_seconds_list(std::string_view text) {
  LeapTable table;
  uint32_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line_no == std::numeric_limits<uint32_t>::max()) return fail(LeapErrorKind::kMalformedLine);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (!line.empty() && line.front() == '#') {
      if (line.size() < 2 || line[1] != '@') continue;  // comment, "#$" update, "#h" hash
      line.remove_prefix(2);
      skip_blanks(line);
      const auto ntp = take_int(line, kMaxSecondsDigits, false);
      if (!ntp || !at_line_end(line)) return fail(LeapErrorKind::kMalformedLine, line_no);
      if (table.expires) return fail(LeapErrorKind::kDuplicateExpiry, line_no);
      const int64_t unix_sec = *ntp - kNtpUnixOffsetSec;
      if (unix_sec > kMaxUnixSec) return fail(LeapErrorKind::kOutOfRange, line_no);
      table.expires = Timestamp::from_unix(unix_sec, 0);
      continue;
    }

    skip_blanks(line);
    if (line.empty()) continue;
    const auto ntp = take_int(line, kMaxSecondsDigits, false);
    if (!ntp || line.empty() || !is_blank(line.front()))
      return fail(LeapErrorKind::kMalformedLine, line_no);
    skip_blanks(line);
    const auto tai = take_int(line, kMaxOffsetDigits, true);
    if (!tai || !at_line_end(line)) return fail(LeapErrorKind::kMalformedLine, line_no);
    if (auto err = append_entry(table.entries, *ntp - kNtpUnixOffsetSec, *tai))
      return fail(*err, line_no);
  }
  if (table.entries.empty()) return fail(LeapErrorKind::kNoEntries);
  return table;
}

std::string format_leap_seconds_list(const LeapTable& table) {
  std::string out = "# TAI-UTC table written by tempus\n";
  char buf[64];
  if (table.expires) {
    std::snprintf(buf, sizeof buf, "#@\t%lld\n",
                  static_cast<long long>(table.expires->unix_sec() + kNtpUnixOffsetSec));
    out += buf;
  }
  for (const auto& e : table.entries) {
    std::snprintf(buf, sizeof buf, "%lld\t%d\n",
                  static_cast<long long>(e.at.unix_sec() + kNtpUnixOffsetSec),
                  static_cast<int>(e.tai_minus_utc));
    out += buf;
  }
  return out;
}

// ---- TZif ----------------------------------------------------------------------------------

namespace {

constexpr size_t kTzifHeaderLen = 44;

struct TzifHeader {
  char version = 0;  // '\0', '2', '3', '4'
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  // Bytes of the data block that follows, for 4- (v1) or 8-byte (v2+) times. 64-bit arithmetic:
  // each count is < 2^32 and each factor <= 12, so no overflow.
  uint64_t block_len(uint64_t time_size) const {
    return uint64_t{timecnt} * (time_size + 1) + uint64_t{typecnt} * 6 + charcnt +
           uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

Result<TzifHeader, LeapError> read_header(ByteReader& r) {
  if (!r.has(kTzifHeaderLen)) {
    // Distinguish "not TZif at all" from "a TZif header cut short".
    const Bytes head = r.rest();
    const std::string_view magic = "TZif";
    for (size_t i = 0; i < head.size() && i < magic.size(); ++i)
      if (static_cast<char>(head[i]) != magic[i]) return fail(LeapErrorKind::kBadMagic);
    return fail(head.size() < magic.size() ? LeapErrorKind::kBadMagic : LeapErrorKind::kTruncated);
  }
  if (r.be32() != 0x545a6966u) return fail(LeapErrorKind::kBadMagic);  // "TZif"
  TzifHeader h;
  h.version = static_cast<char>(r.u8());
  if (h.version != '\0' && h.version != '2' && h.version != '3' && h.version != '4')
    return fail(LeapErrorKind::kBadVersion);
  r.skip(15);
  h.isutcnt = r.be32();
  h.isstdcnt = r.be32();
  h.leapcnt = r.be32();
  h.timecnt = r.be32();
  h.typecnt = r.be32();
  h.charcnt = r.be32();
  return h;
}

}  // namespace

Result<LeapTable, LeapError> parse_tzif_leaps(Bytes tzif) {
  ByteReader r{tzif};
  auto first = read_header(r);
  if (!first) return Unexpected{first.error()};
  TzifHeader h = *first;
  uint64_t time_size = 4;
  if (h.version != '\0') {
    // RFC 9636 §3: a version 2+ reader skips the 32-bit block and uses the 64-bit one.
    const uint64_t v1_len = h.block_len(4);
    if (v1_len > r.remaining()) return fail(LeapErrorKind::kTruncated);
    r.skip(static_cast<size_t>(v1_len));
    auto second = read_header(r);
    if (!second) return Unexpected{second.error()};
    if (second->version == '\0') return fail(LeapErrorKind::kBadVersion);
    h = *second;
    time_size = 8;
  }
  // RFC 9636 §3.1 requirements on the block we use.
  if (h.typecnt == 0 || h.charcnt == 0 || (h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    return fail(LeapErrorKind::kBadCounts);
  if (h.block_len(time_size) > r.remaining()) return fail(LeapErrorKind::kTruncated);
  r.skip(static_cast<size_t>(uint64_t{h.timecnt} * (time_size + 1) + uint64_t{h.typecnt} * 6 +
                             h.charcnt));
  if (h.leapcnt == 0) return fail(LeapErrorKind::kNoEntries);

  LeapTable table;
  int64_t prev_trans = 0;
  std::optional<int64_t> prev_corr;  // the count before the record, when known
  for (uint32_t i = 0; i < h.leapcnt; ++i) {
    const uint32_t rec = i + 1;
    const int64_t trans = time_size == 4 ? int64_t{static_cast<int32_t>(r.be32())}
                                         : static_cast<int64_t>(r.be64());
    const int64_t corr = static_cast<int32_t>(r.be32());
    if (corr < -kMaxOffset || corr > kMaxOffset || trans < kMinUnixSec - kMaxOffset ||
        trans > kMaxUnixSec + kMaxOffset)
      return fail(LeapErrorKind::kOutOfRange, rec);
    if (i > 0 && trans <= prev_trans) return fail(LeapErrorKind::kNotMonotonic, rec);

    if (i == 0 && (corr == 1 || corr == -1)) {
      // A complete history: the count was 0 before, and TAI − UTC 10 s from 1972 on.
      if (trans <= kBaseUnixSec) return fail(LeapErrorKind::kNotMonotonic, rec);
      (void)append_entry(table.entries, kBaseUnixSec, kTzifBaseOffset);
      prev_corr = 0;
    } else if (i == 0 && h.version != '4') {
      return fail(LeapErrorKind::kBadStep, rec);  // RFC 9636 §3.2: first is ±1 before v4
    } else if (i > 0 && corr == *prev_corr && h.version == '4' && rec == h.leapcnt) {
      // RFC 9636 §3.2: a v4 table may end with a record repeating the correction: its expiry
      // (POSIX time plus the count, like the leaps).
      const int64_t expires = trans - corr;
      if (expires < kMinUnixSec || expires > kMaxUnixSec)
        return fail(LeapErrorKind::kOutOfRange, rec);
      table.expires = Timestamp::from_unix(expires, 0);
      break;
    }
    // `trans` is the right/ time of the leap: for an inserted second 23:59:60, i.e. the next
    // midnight plus the old count; for a deleted one the skipped 23:59:59 plus the old count.
    // Both reduce to: midnight = trans − min(old, new).
    int64_t at = 0;
    if (prev_corr) {
      at = trans - std::min(*prev_corr, corr);
    } else {
      // Truncated v4 table: the old count is unknown, so try both readings.
      at = trans - corr;
      if (floor_mod(at + 1, kSecPerDay) == 0) ++at;
    }
    if (auto err = append_entry(table.entries, at, kTzifBaseOffset + corr)) return fail(*err, rec);
    prev_trans = trans;
    prev_corr = corr;
  }
  if (!r.ok()) return fail(LeapErrorKind::kTruncated);  // unreachable: the length was checked
  return table;
}

// ---- status --------------------------------------------------------------------------------

LeapStatus leap_status(const LeapTable& table, Timestamp now) {
  LeapStatus s;
  const auto& v = table.entries;
  // The first entry strictly after now; the one before it is in force.
  const auto next = std::upper_bound(v.begin(), v.end(), now,
                                     [](Timestamp t, const LeapEntry& e) { return t < e.at; });
  if (next != v.begin()) s.tai_minus_utc = std::prev(next)->tai_minus_utc;
  if (next != v.end() && next != v.begin()) {
    const int64_t sec = now.unix_sec();
    const int64_t day_end = sec - floor_mod(sec, kSecPerDay) + kSecPerDay;
    if (next->at.unix_sec() == day_end)
      s.leap_today = next->tai_minus_utc > std::prev(next)->tai_minus_utc ? Leap::kInsert
                                                                          : Leap::kDelete;
  }
  s.expired = table.expires.has_value() && now >= *table.expires;
  return s;
}

}  // namespace tempus::core
