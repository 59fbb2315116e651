// SPDX-License-Identifier: ISC
// Leap tables: the real leap-seconds.list, TZif v1/v2/v4 built here (and the system's right/UTC
// when installed), status around a leap, and every rejection path.
#include "core/leapsec.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

constexpr int64_t kDay = 86'400;

Timestamp utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  // Days from civil (H. Hinnant's algorithm), proleptic Gregorian.
  const int yy = y - (m <= 2 ? 1 : 0);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t{era} * 146097 + int64_t{doe} - 719468;
  return Timestamp::from_unix(days * kDay + hh * 3600 + mm * 60 + ss, 0);
}

// Public data (IERS Bulletin C), in the NIST/IERS file format; written for this test.
constexpr std::string_view kRealList =
    "#\tleap-seconds.list excerpt\n"
    "#$\t 3960921600\n"
    "#@\t3991593600\n"
    "#\n"
    "2272060800\t10\t# 1 Jan 1972\n2287785600\t11\t# 1 Jul 1972\n"
    "2303683200\t12\t# 1 Jan 1973\n2335219200\t13\t# 1 Jan 1974\n"
    "2366755200\t14\t# 1 Jan 1975\n2398291200\t15\t# 1 Jan 1976\n"
    "2429913600\t16\t# 1 Jan 1977\n2461449600\t17\t# 1 Jan 1978\n"
    "2492985600\t18\t# 1 Jan 1979\n2524521600\t19\t# 1 Jan 1980\n"
    "2571782400\t20\t# 1 Jul 1981\n2603318400\t21\t# 1 Jul 1982\n"
    "2634854400\t22\t# 1 Jul 1983\n2698012800\t23\t# 1 Jul 1985\n"
    "2776982400\t24\t# 1 Jan 1988\n2840140800\t25\t# 1 Jan 1990\n"
    "2871676800\t26\t# 1 Jan 1991\n2918937600\t27\t# 1 Jul 1992\n"
    "2950473600\t28\t# 1 Jul 1993\n2982009600\t29\t# 1 Jul 1994\n"
    "3029443200\t30\t# 1 Jan 1996\n3076704000\t31\t# 1 Jul 1997\n"
    "3124137600\t32\t# 1 Jan 1999\n3345062400\t33\t# 1 Jan 2006\n"
    "3439756800\t34\t# 1 Jan 2009\n3550089600\t35\t# 1 Jul 2012\n"
    "3644697600\t36\t# 1 Jul 2015\n3692217600\t37\t# 1 Jan 2017\n"
    "#\n"
    "#h\ta3fc2272 1cc1a5d7 6c1734e9 b6605927 a45dd031\n";

LeapTable real_table() {
  auto t = parse_leap_seconds_list(kRealList);
  EXPECT_TRUE(t.ok());
  return t.value_or(LeapTable{});
}

TEST(LeapList, ParsesTheRealList) {
  const LeapTable t = real_table();
  ASSERT_EQ(t.entries.size(), 28u);
  EXPECT_EQ(t.entries.front(), (LeapEntry{utc(1972, 1, 1), 10}));
  EXPECT_EQ(t.entries[1], (LeapEntry{utc(1972, 7, 1), 11}));
  EXPECT_EQ(t.entries[23], (LeapEntry{utc(2006, 1, 1), 33}));
  EXPECT_EQ(t.entries.back(), (LeapEntry{utc(2017, 1, 1), 37}));
  ASSERT_TRUE(t.expires.has_value());
  EXPECT_EQ(*t.expires, utc(2026, 6, 28));
}

TEST(LeapList, StatusAroundTheLastLeap) {
  const LeapTable t = real_table();
  EXPECT_EQ(leap_status(t, utc(2016, 12, 31, 12)), (LeapStatus{36, Leap::kInsert, false}));
  EXPECT_EQ(leap_status(t, utc(2016, 12, 31)), (LeapStatus{36, Leap::kInsert, false}));
  // The last nanosecond of the day (CLOCK_REALTIME repeats 23:59:59 during 23:59:60).
  EXPECT_EQ(leap_status(t, utc(2017, 1, 1) - Duration::ns(1)),
            (LeapStatus{36, Leap::kInsert, false}));
  EXPECT_EQ(leap_status(t, utc(2017, 1, 1)), (LeapStatus{37, Leap::kNone, false}));
  EXPECT_EQ(leap_status(t, utc(2016, 12, 30, 23, 59, 59)), (LeapStatus{36, Leap::kNone, false}));
  EXPECT_EQ(leap_status(t, utc(2025, 3, 1)), (LeapStatus{37, Leap::kNone, false}));
  EXPECT_EQ(leap_status(t, utc(1972, 6, 30, 1)), (LeapStatus{10, Leap::kInsert, false}));
  EXPECT_EQ(leap_status(t, utc(1972, 1, 1)), (LeapStatus{10, Leap::kNone, false}));
}

TEST(LeapList, BeforeTheFirstEntryIsZeroAndNoLeap) {
  const LeapTable t = real_table();
  // 1971-12-31: the base entry at 1972-01-01 is not a leap, and the offset is unknown.
  EXPECT_EQ(leap_status(t, utc(1971, 12, 31, 12)), (LeapStatus{0, Leap::kNone, false}));
  EXPECT_EQ(leap_status(t, utc(1960, 1, 1)), (LeapStatus{0, Leap::kNone, false}));
  EXPECT_EQ(leap_status(LeapTable{}, utc(2020, 1, 1)), (LeapStatus{0, Leap::kNone, false}));
}

TEST(LeapList, Expiry) {
  LeapTable t = real_table();
  EXPECT_FALSE(leap_status(t, utc(2026, 6, 28) - Duration::ns(1)).expired);
  EXPECT_TRUE(leap_status(t, utc(2026, 6, 28)).expired);
  EXPECT_EQ(leap_status(t, utc(2030, 1, 1)), (LeapStatus{37, Leap::kNone, true}));
  t.expires.reset();
  EXPECT_FALSE(leap_status(t, utc(2100, 1, 1)).expired);
}

TEST(LeapList, DeletionAndExpiredLeapsStillReported) {
  // A hypothetical negative leap at the end of 2030-06-30, in a table that expired before it.
  auto t = parse_leap_seconds_list(
      "3692217600 37\n"
      "4118083200 36 # 1 Jul 2030 (hypothetical)\r\n"
      "#@ 3770000000\n");
  ASSERT_TRUE(t.ok()) << to_string(t.error());
  EXPECT_EQ(t->entries.back(), (LeapEntry{utc(2030, 7, 1), 36}));
  EXPECT_EQ(leap_status(*t, utc(2030, 6, 30, 6)), (LeapStatus{37, Leap::kDelete, true}));
  EXPECT_EQ(leap_status(*t, utc(2030, 7, 1)), (LeapStatus{36, Leap::kNone, true}));
}

TEST(LeapList, TolerantLayout) {
  for (std::string_view text : {"2272060800 10", "  2272060800\t \t10  \n\n", "2272060800 +10#x",
                                "#\n#$ 1\n#h 0\n2272060800 10\r\n", "2272060800 10 # a # b\n"}) {
    auto t = parse_leap_seconds_list(text);
    ASSERT_TRUE(t.ok()) << text;
    EXPECT_EQ(t->entries, (std::vector<LeapEntry>{{utc(1972, 1, 1), 10}})) << text;
    EXPECT_FALSE(t->expires.has_value());
  }
}

TEST(LeapList, Rejections) {
  struct Case {
    std::string_view text;
    LeapErrorKind kind;
    uint32_t line;
  };
  using K = LeapErrorKind;
  const Case cases[] = {
      {"2272060800\n", K::kMalformedLine, 1},
      {"2272060800 x\n", K::kMalformedLine, 1},
      {"2272060800 10 junk\n", K::kMalformedLine, 1},
      {"2272060800 10x\n", K::kMalformedLine, 1},
      {"2272060800,10\n", K::kMalformedLine, 1},
      {"abc 10\n", K::kMalformedLine, 1},
      {"-2272060800 10\n", K::kMalformedLine, 1},
      {"2272060800 -\n", K::kMalformedLine, 1},
      {"#\n2272060800 10\n\n2272060800 11\n", K::kNotMonotonic, 4},
      {"2287785600 11\n2272060800 10\n", K::kNotMonotonic, 2},
      {"2272060800 10\n2287785600 12\n", K::kBadStep, 2},
      {"2272060800 10\n2287785600 10\n", K::kBadStep, 2},
      {"2272060801 10\n", K::kNotMidnight, 1},
      {"#@ 3991593600\n#@ 3991593600\n2272060800 10\n", K::kDuplicateExpiry, 2},
      {"#@ soon\n", K::kMalformedLine, 1},
      {"#@ 3991593600 extra\n", K::kMalformedLine, 1},
      {"#@ 99999999999\n", K::kOutOfRange, 1},
      {"", K::kNoEntries, 0},
      {"# only comments\n#@ 3991593600\n\n", K::kNoEntries, 0},
      {"9999999999999 10\n", K::kMalformedLine, 1},  // 13 digits
      {"99999999999 10\n", K::kOutOfRange, 1},       // year ~5000
      {"2272060800 99999999\n", K::kMalformedLine, 1},
      {"2272060800 2000000\n", K::kOutOfRange, 1},
      {std::string_view("2272060800 10\0\n", 15), K::kMalformedLine, 1},
  };
  for (const auto& c : cases) {
    auto t = parse_leap_seconds_list(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.error(), (LeapError{c.kind, c.line})) << c.text << " → " << to_string(t.error());
  }
  EXPECT_EQ(to_string(LeapError{K::kBadStep, 7}), "line 7: TAI-UTC changes by other than 1 s");
  EXPECT_EQ(to_string(LeapError{K::kNotMonotonic, 2}, true), "record 2: times not increasing");
  EXPECT_EQ(to_string(LeapError{K::kNoEntries, 0}), "no leap-second data");
}

TEST(LeapList, FormatRoundTrips) {
  const LeapTable t = real_table();
  const std::string text = format_leap_seconds_list(t);
  auto again = parse_leap_seconds_list(text);
  ASSERT_TRUE(again.ok()) << text;
  EXPECT_EQ(*again, t);
  EXPECT_NE(text.find("3692217600\t37\n"), std::string::npos);
  EXPECT_NE(text.find("#@\t3991593600\n"), std::string::npos);
}

// ---- TZif ----------------------------------------------------------------------------------

struct Rec {
  int64_t trans;  // right/ time scale
  int32_t corr;   // cumulative leap count
};

// right/UTC records for a table: each leap at midnight M with old count c0 and new count c1 is
// at M + c0 when inserted (23:59:60), at M − 1 + c0 when deleted (23:59:59).
std::vector<Rec> records_for(const LeapTable& t) {
  std::vector<Rec> out;
  for (size_t i = 1; i < t.entries.size(); ++i) {
    const int32_t c0 = t.entries[i - 1].tai_minus_utc - 10;
    const int32_t c1 = t.entries[i].tai_minus_utc - 10;
    const int64_t m = t.entries[i].at.unix_sec();
    out.push_back({c1 > c0 ? m + c0 : m - 1 + c0, c1});
  }
  return out;
}

struct Counts {
  uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 1, chars = 4;
};

void put_header(ByteWriter& w, char version, const Counts& c) {
  w.bytes(as_bytes("TZif"));
  w.u8(static_cast<uint8_t>(version));
  w.zeros(15);
  for (uint32_t v : {c.isut, c.isstd, c.leap, c.time, c.type, c.chars}) w.be32(v);
}

void put_block(ByteWriter& w, const std::vector<Rec>& leaps, bool wide) {
  // One transition (the "big bang"), one UTC type, "UTC\0", the leaps, one isstd/isut each.
  if (wide) w.be64(static_cast<uint64_t>(int64_t{-(int64_t{1} << 59)}));
  else w.be32(static_cast<uint32_t>(INT32_MIN));
  w.u8(0);
  w.be32(0);
  w.u8(0);
  w.u8(0);
  w.bytes(as_bytes(std::string_view("UTC\0", 4)));
  for (const auto& l : leaps) {
    if (wide) w.be64(static_cast<uint64_t>(l.trans));
    else w.be32(static_cast<uint32_t>(static_cast<int32_t>(l.trans)));
    w.be32(static_cast<uint32_t>(l.corr));
  }
  w.u8(0);
  w.u8(0);
}

Counts counts_for(size_t leaps) {
  return Counts{1, 1, static_cast<uint32_t>(leaps), 1, 1, 4};
}

// version '\0': v1 only. Otherwise a v1 block holding `v1_leaps` and the 64-bit block `leaps`.
std::vector<std::byte> make_tzif(char version, const std::vector<Rec>& leaps,
                                 const std::vector<Rec>& v1_leaps = {}) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  const auto& first = version == '\0' ? leaps : v1_leaps;
  put_header(w, version, counts_for(first.size()));
  put_block(w, first, false);
  if (version != '\0') {
    put_header(w, version, counts_for(leaps.size()));
    put_block(w, leaps, true);
    w.bytes(as_bytes("\n\n"));
  }
  return out;
}

LeapTable without_expiry(LeapTable t) {
  t.expires.reset();
  return t;
}

TEST(LeapTzif, Version1MatchesTheList) {
  const LeapTable list = real_table();
  auto t = parse_tzif_leaps(make_tzif('\0', records_for(list)));
  ASSERT_TRUE(t.ok()) << to_string(t.error(), true);
  EXPECT_EQ(*t, without_expiry(list));
  EXPECT_EQ(leap_status(*t, utc(2016, 12, 31, 12)), (LeapStatus{36, Leap::kInsert, false}));
  EXPECT_EQ(leap_status(*t, utc(2017, 1, 1)), (LeapStatus{37, Leap::kNone, false}));
}

TEST(LeapTzif, Version2UsesOnlyThe64BitBlock) {
  const LeapTable list = real_table();
  const auto recs = records_for(list);
  for (char v : {'2', '3', '4'}) {
    // A slim file (empty v1 leaps), a fat one (same leaps), and a v1 block with different data.
    for (const auto& v1 : {std::vector<Rec>{}, recs, std::vector<Rec>{{1000, 7}}}) {
      auto t = parse_tzif_leaps(make_tzif(v, recs, v1));
      ASSERT_TRUE(t.ok()) << v << " " << to_string(t.error(), true);
      EXPECT_EQ(*t, without_expiry(list));
    }
  }
}

TEST(LeapTzif, SystemRightUtcWhenInstalled) {
  std::ifstream f("/usr/share/zoneinfo/right/UTC", std::ios::binary);
  const std::string data{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) GTEST_SKIP() << "no right/UTC";
  auto t = parse_tzif_leaps(as_bytes(data));
  if (!t.ok() && t.error().kind == LeapErrorKind::kNoEntries) GTEST_SKIP() << "posix-only tzdata";
  ASSERT_TRUE(t.ok()) << to_string(t.error(), true);
  const LeapTable list = real_table();
  ASSERT_GE(t->entries.size(), list.entries.size());
  for (size_t i = 0; i < list.entries.size(); ++i) EXPECT_EQ(t->entries[i], list.entries[i]);
}

TEST(LeapTzif, DeletionRecord) {
  // Hypothetical: the 2017 count 27, then a second deleted at the end of 2030-06-30.
  const auto t = parse_leap_seconds_list("3692217600 37\n4118083200 36\n");
  ASSERT_TRUE(t.ok());
  auto recs = records_for(real_table());
  const auto del = records_for(*t);
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].trans, utc(2030, 7, 1).unix_sec() - 1 + 27);
  recs.push_back(del[0]);
  auto z = parse_tzif_leaps(make_tzif('2', recs));
  ASSERT_TRUE(z.ok()) << to_string(z.error(), true);
  EXPECT_EQ(z->entries.back(), (LeapEntry{utc(2030, 7, 1), 36}));
  EXPECT_EQ(leap_status(*z, utc(2030, 6, 30, 23)), (LeapStatus{37, Leap::kDelete, false}));
}

TEST(LeapTzif, Version4ExpiryAndTruncatedStart) {
  auto recs = records_for(real_table());
  // Expiry 2026-06-28 in right/ time: POSIX + 27.
  recs.push_back({utc(2026, 6, 28).unix_sec() + 27, 27});
  auto t = parse_tzif_leaps(make_tzif('4', recs));
  ASSERT_TRUE(t.ok()) << to_string(t.error(), true);
  EXPECT_EQ(*t, real_table());
  // Not allowed before v4, and only as the last record.
  EXPECT_EQ(parse_tzif_leaps(make_tzif('3', recs)).error(),
            (LeapError{LeapErrorKind::kBadStep, 28}));
  auto twice = recs;
  twice.push_back({recs.back().trans + 100 * kDay, 27});
  EXPECT_EQ(parse_tzif_leaps(make_tzif('4', twice)).error(),
            (LeapError{LeapErrorKind::kBadStep, 28}));

  // v4 truncated at the start (zic -r): the first record keeps its cumulative count.
  const std::vector<Rec> tail(recs.end() - 3, recs.end());  // 2015, 2017, expiry
  auto tr = parse_tzif_leaps(make_tzif('4', tail));
  ASSERT_TRUE(tr.ok()) << to_string(tr.error(), true);
  EXPECT_EQ(tr->entries, (std::vector<LeapEntry>{{utc(2015, 7, 1), 36}, {utc(2017, 1, 1), 37}}));
  EXPECT_EQ(leap_status(*tr, utc(2015, 6, 30)).tai_minus_utc, 0);  // before the table: unknown
  EXPECT_EQ(leap_status(*tr, utc(2016, 12, 31)).leap_today, Leap::kInsert);
  EXPECT_EQ(parse_tzif_leaps(make_tzif('2', tail)).error(),
            (LeapError{LeapErrorKind::kBadStep, 1}));
}

TEST(LeapTzif, HeaderErrors) {
  using K = LeapErrorKind;
  const auto good = make_tzif('2', records_for(real_table()));
  auto with = [&](size_t at, uint8_t v) {
    auto b = good;
    b[at] = std::byte{v};
    return parse_tzif_leaps(b);
  };
  EXPECT_EQ(with(0, 'X').error().kind, K::kBadMagic);
  EXPECT_EQ(with(4, '1').error().kind, K::kBadVersion);
  EXPECT_EQ(with(4, '5').error().kind, K::kBadVersion);
  EXPECT_EQ(parse_tzif_leaps({}).error().kind, K::kBadMagic);
  EXPECT_EQ(parse_tzif_leaps(as_bytes("TZ")).error().kind, K::kBadMagic);
  EXPECT_EQ(parse_tzif_leaps(as_bytes("TZif2")).error().kind, K::kTruncated);
  EXPECT_EQ(parse_tzif_leaps(as_bytes("# leap-seconds.list\n")).error().kind, K::kBadMagic);
  // A posix zone (no leap records) is not a leap table.
  EXPECT_EQ(parse_tzif_leaps(make_tzif('2', {})).error().kind, K::kNoEntries);
  EXPECT_EQ(parse_tzif_leaps(make_tzif('\0', {})).error().kind, K::kNoEntries);
}

TEST(LeapTzif, EveryTruncationFails) {
  for (char v : {'\0', '2'}) {
    const auto full = make_tzif(v, records_for(real_table()), records_for(real_table()));
    // Everything but the v2 footer ("\n\n", which is not needed for the leaps) is required.
    const size_t needed = v == '\0' ? full.size() : full.size() - 2;
    for (size_t n = 0; n < needed; ++n) {
      auto t = parse_tzif_leaps(Bytes{full.data(), n});
      ASSERT_FALSE(t.ok()) << int{v} << " cut at " << n;
    }
    EXPECT_TRUE(parse_tzif_leaps(Bytes{full.data(), needed}).ok());
  }
}

TEST(LeapTzif, OversizedAndInconsistentCounts) {
  using K = LeapErrorKind;
  const auto recs = records_for(real_table());
  const auto v1 = make_tzif('\0', recs);
  const auto v2 = make_tzif('2', recs, recs);
  const size_t second = 44 + 1 * 5 + 6 + 4 + recs.size() * 8 + 2;  // second header offset
  ASSERT_EQ(static_cast<char>(v2[second]), 'T');
  auto set_count = [](std::vector<std::byte> b, size_t header, size_t index, uint32_t v) {
    for (size_t i = 0; i < 4; ++i)
      b[header + 20 + 4 * index + i] = std::byte((v >> (24 - 8 * i)) & 0xff);
    return b;
  };
  // Counts: 0 isut, 1 isstd, 2 leap, 3 time, 4 type, 5 char.
  for (size_t idx = 0; idx < 6; ++idx) {
    for (uint32_t huge : {0xffffffffu, 0x80000000u, 0x10000000u, 1000u}) {
      const auto k1 = parse_tzif_leaps(set_count(v1, 0, idx, huge)).error().kind;
      const auto k2 = parse_tzif_leaps(set_count(v2, second, idx, huge)).error().kind;
      // isut/isstd must equal typecnt (1 here) or be 0; the other counts run past the end.
      const K want = (idx <= 1 || idx == 4) ? K::kBadCounts : K::kTruncated;
      EXPECT_EQ(k1, want) << idx << " " << huge;
      EXPECT_EQ(k2, want) << idx << " " << huge;
      // In the skipped v1 block of a v2 file, a wrong count misplaces the second header.
      EXPECT_FALSE(parse_tzif_leaps(set_count(v2, 0, idx, huge)).ok()) << idx << " " << huge;
    }
  }
  EXPECT_EQ(parse_tzif_leaps(set_count(v1, 0, 4, 0)).error().kind, K::kBadCounts);  // typecnt 0
  EXPECT_EQ(parse_tzif_leaps(set_count(v1, 0, 5, 0)).error().kind, K::kBadCounts);  // charcnt 0
  // A v2 file whose second header is not TZif.
  auto bad = v2;
  bad[second] = std::byte{'X'};
  EXPECT_EQ(parse_tzif_leaps(bad).error().kind, K::kBadMagic);
  bad = v2;
  bad[second + 4] = std::byte{0};
  EXPECT_EQ(parse_tzif_leaps(bad).error().kind, K::kBadVersion);
}

TEST(LeapTzif, RecordErrors) {
  using K = LeapErrorKind;
  const auto recs = records_for(real_table());
  auto check = [](std::vector<Rec> r, LeapError want) {
    for (char v : {'\0', '2'}) {
      auto t = parse_tzif_leaps(make_tzif(v, r));
      ASSERT_FALSE(t.ok()) << int{v};
      EXPECT_EQ(t.error(), want) << int{v} << " " << to_string(t.error(), true);
    }
  };
  auto back = recs;
  back[5].trans = back[4].trans - 30 * kDay;
  check(back, {K::kNotMonotonic, 6});
  auto swapped = recs;  // the counts then jump by 2, and the times no longer reduce to midnight
  std::swap(swapped[4], swapped[5]);
  check(swapped, {K::kNotMidnight, 5});
  auto equal = recs;
  equal[3].trans = equal[2].trans;
  check(equal, {K::kNotMonotonic, 4});
  auto jump = recs;
  jump[10].corr += 1;
  check(jump, {K::kBadStep, 11});
  auto first = recs;
  first[0].corr = 2;
  check(first, {K::kBadStep, 1});
  auto off = recs;
  off[7].trans += 5;
  check(off, {K::kNotMidnight, 8});
  auto early = recs;
  early[0].trans = utc(1971, 7, 1).unix_sec();  // a leap before integral TAI − UTC
  check(early, {K::kNotMonotonic, 1});
  auto corr = recs;
  corr.back().corr = INT32_MIN;
  check(corr, {K::kOutOfRange, 27});

  // 64-bit times beyond what a Timestamp holds.
  auto far = recs;
  far.push_back({INT64_MAX, 28});
  auto t = parse_tzif_leaps(make_tzif('2', far));
  EXPECT_EQ(t.error(), (LeapError{K::kOutOfRange, 28}));
  far.back().trans = int64_t{1} << 40;
  EXPECT_EQ(parse_tzif_leaps(make_tzif('2', far)).error(), (LeapError{K::kOutOfRange, 28}));
}

}  // namespace
}  // namespace tempus::core
