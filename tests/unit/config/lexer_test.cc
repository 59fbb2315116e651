// SPDX-License-Identifier: ISC
#include "config/lexer.h"

#include <gtest/gtest.h>

#include "config/file_source.h"

namespace tempus::config {
namespace {

using core::Duration;

TEST(Lexer, SplitsWordsAndSkipsCommentsAndBlankLines) {
  const LexedFile f = lex("a.conf",
                          "# comment\n"
                          "\n"
                          "   \t\n"
                          "server  a.example\tiburst \r\n"
                          "  ! indented comment\n"
                          "; semicolon\n"
                          "% percent\n"
                          "\v\fmakestep 1 3\n");
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_EQ(f.lines[0].where.file, "a.conf");
  EXPECT_EQ(f.lines[0].where.line, 4);
  EXPECT_EQ(f.lines[0].words, (std::vector<std::string>{"server", "a.example", "iburst"}));
  EXPECT_EQ(f.lines[1].where.line, 8);
  EXPECT_EQ(f.lines[1].words, (std::vector<std::string>{"makestep", "1", "3"}));
  EXPECT_FALSE(f.unterminated_last_line);
  EXPECT_EQ(f.bad_character_line, 0);
}

TEST(Lexer, CommentCharacterInsideALineIsAWord) {
  const LexedFile f = lex("a", "server a # not a comment\n");
  ASSERT_EQ(f.lines.size(), 1u);
  EXPECT_EQ(f.lines[0].words.size(), 6u);
  EXPECT_EQ(f.lines[0].words[2], "#");
}

TEST(Lexer, UnterminatedLastLineAndControlCharacters) {
  EXPECT_TRUE(lex("a", "rtcsync\nmanual").unterminated_last_line);
  EXPECT_FALSE(lex("a", "rtcsync\n# trailing comment").unterminated_last_line);
  EXPECT_FALSE(lex("a", "").unterminated_last_line);
  const LexedFile f = lex("a", "rtcsync\nkeyfile /etc/\x01keys\n");
  EXPECT_EQ(f.bad_character_line, 2);
  EXPECT_EQ(f.bad_character, 0x01);
  const LexedFile nul = lex("a", std::string_view("\0x\n", 3));
  EXPECT_EQ(nul.bad_character_line, 1);
  EXPECT_EQ(lex("a", "# \x01 in a comment is fine\n").bad_character_line, 0);
}

TEST(Numbers, Integers) {
  EXPECT_EQ(parse_integer("0"), 0);
  EXPECT_EQ(parse_integer("+12"), 12);
  EXPECT_EQ(parse_integer("-7"), -7);
  EXPECT_EQ(parse_integer("007"), 7);
  EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_integer("-9223372036854775808"), INT64_MIN);
  for (const char* bad :
       {"", "+", "-", "1.0", "1e3", "0x10", " 1", "1 ", "9223372036854775808", "12a", "--1"}) {
    EXPECT_FALSE(parse_integer(bad).has_value()) << bad;
  }
}

TEST(Numbers, SecondsAreExact) {
  EXPECT_EQ(parse_seconds("1"), Duration::s(1));
  EXPECT_EQ(parse_seconds("1.0"), Duration::s(1));
  EXPECT_EQ(parse_seconds("+0.5"), Duration::ms(500));
  EXPECT_EQ(parse_seconds("-0.002"), Duration::ms(-2));
  EXPECT_EQ(parse_seconds(".5"), Duration::ms(500));
  EXPECT_EQ(parse_seconds("2."), Duration::s(2));
  EXPECT_EQ(parse_seconds("1e-3"), Duration::ms(1));
  EXPECT_EQ(parse_seconds("1E+2"), Duration::s(100));
  EXPECT_EQ(parse_seconds("0.0001"), Duration::us(100));
  EXPECT_EQ(parse_seconds("123456.123456789"), Duration::ns(123456123456789));
  EXPECT_EQ(parse_seconds("1e-9"), Duration::ns(1));
  EXPECT_EQ(parse_seconds("0.0000000015"), Duration::ns(2));  // rounds half away from zero
  EXPECT_EQ(parse_seconds("-0.0000000015"), Duration::ns(-2));
  EXPECT_EQ(parse_seconds("0.0000000014"), Duration::ns(1));
  EXPECT_EQ(parse_seconds("1e-30"), Duration::ns(0));
  EXPECT_EQ(parse_seconds("0e999999"), Duration::ns(0));
  EXPECT_EQ(parse_seconds("9000000000"), Duration::s(9'000'000'000));
  for (const char* bad : {"", ".", "e3", "1e", "1e+", "1.2.3", "inf", "nan", "0x1p3", "1s",
                          "9000000001", "1e10", "--1", " 1"}) {
    EXPECT_FALSE(parse_seconds(bad).has_value()) << bad;
  }
}

TEST(Numbers, Reals) {
  EXPECT_EQ(parse_real("83333.333"), 83333.333);
  EXPECT_EQ(parse_real("+1.5"), 1.5);
  EXPECT_EQ(parse_real("-2e3"), -2000.0);
  EXPECT_EQ(parse_real(".25"), 0.25);
  for (const char* bad : {"", "inf", "-inf", "nan", "1e400", "0x10", "1,5", "1.5x", "+-1"}) {
    EXPECT_FALSE(parse_real(bad).has_value()) << bad;
  }
}

TEST(Numbers, FormattingRoundTrips) {
  EXPECT_EQ(format_seconds(Duration::s(3)), "3");
  EXPECT_EQ(format_seconds(Duration::us(100)), "0.0001");
  EXPECT_EQ(format_seconds(Duration::ms(-1500)), "-1.5");
  EXPECT_EQ(format_seconds(Duration::ns(1)), "0.000000001");
  EXPECT_EQ(format_seconds(Duration::min()), "-9223372036.854775808");
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{-999999999}, int64_t{123456789012345},
                     int64_t{8'999'999'999'999'999'999}}) {
    EXPECT_EQ(parse_seconds(format_seconds(Duration::ns(ns))), Duration::ns(ns)) << ns;
  }
  EXPECT_EQ(format_real(1e6 / 12.0), "83333.33333333333");
  EXPECT_EQ(format_real(100000.0), "100000");
  EXPECT_EQ(format_real(0.5), "0.5");
  EXPECT_EQ(format_real(1e-9), "1e-09");
  for (double v : {1e6 / 12.0, 0.1, 1e-300, 1.7976931348623157e308, -3.0, 0.0001, 123456789.125}) {
    EXPECT_EQ(parse_real(format_real(v)), v) << v;
  }
}

TEST(Lowercase, AsciiOnly) { EXPECT_EQ(lowercase("SeRvEr_1\xC3"), "server_1\xC3"); }

TEST(Glob, Matching) {
  EXPECT_TRUE(glob_match("/etc/chrony.d/*.conf", "/etc/chrony.d/a.conf"));
  EXPECT_FALSE(glob_match("/etc/chrony.d/*.conf", "/etc/chrony.d/sub/a.conf"));
  EXPECT_FALSE(glob_match("/etc/chrony.d/*.conf", "/etc/chrony.d/.hidden.conf"));
  EXPECT_TRUE(glob_match("/etc/chrony.d/.*.conf", "/etc/chrony.d/.hidden.conf"));
  EXPECT_TRUE(glob_match("/etc/*/a.conf", "/etc/chrony.d/a.conf"));
  EXPECT_TRUE(glob_match("/e?c/a", "/etc/a"));
  EXPECT_FALSE(glob_match("/e?c/a", "/e/c/a"));
  EXPECT_TRUE(glob_match("/d/[ab].conf", "/d/b.conf"));
  EXPECT_FALSE(glob_match("/d/[!ab].conf", "/d/b.conf"));
  EXPECT_TRUE(glob_match("/d/[^ab].conf", "/d/c.conf"));
  EXPECT_TRUE(glob_match("/d/[a-c]x", "/d/bx"));
  EXPECT_TRUE(glob_match("/d/[]]x", "/d/]x"));
  EXPECT_TRUE(glob_match("/d/[x", "/d/[x"));  // unclosed bracket is literal
  EXPECT_TRUE(glob_match("/d/**", "/d/abc"));
  EXPECT_TRUE(glob_match("/d/*", "/d/"));
  EXPECT_FALSE(glob_match("/d/*a*a*a*a*a*a*a*a*a*b", "/d/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(has_glob_magic("/a/*.conf"));
  EXPECT_TRUE(has_glob_magic("/a/[b]"));
  EXPECT_FALSE(has_glob_magic("/etc/chrony.conf"));
}

}  // namespace
}  // namespace tempus::config
