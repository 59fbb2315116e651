// SPDX-License-Identifier: ISC
#include "core/keyfile.h"

#include <gtest/gtest.h>

#include "core/bytes.h"

namespace tempus::core {
namespace {

std::vector<std::byte> bytes_of(std::string_view s) {
  const auto b = as_bytes(s);
  return {b.begin(), b.end()};
}

bool warned(const KeyFile& kf, size_t line, std::string_view part) {
  for (const auto& w : kf.warnings)
    if (w.line == line && w.message.find(part) != std::string::npos) return true;
  return false;
}

TEST(KeyFile, ChronysFormat) {
  const auto kf = parse_key_file(
      "# comment\n"
      "  ! also a comment\n"
      "\n"
      "10 SHA256 HEX:000102030405060708090A0B0C0D0E0F10111213\n"
      "1 MD5 ASCII:Passw0rdPassw0rd\n"
      "2 plainpassword12\n"
      "\t3\tAES128\tHEX:2b7e151628aed2a6abf7158809cf4f3c  \r\n"
      "4 AES256 HEX:603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4\n"
      "5 SHA3-512 ASCII:a-sha3-key-of-enough-length");
  ASSERT_EQ(kf.keys.size(), 6u);
  EXPECT_EQ(kf.keys[0].id, 1u);  // sorted by ID
  EXPECT_EQ(kf.keys[0].type, KeyType::kMd5);
  EXPECT_EQ(kf.keys[0].value, bytes_of("Passw0rdPassw0rd"));
  EXPECT_EQ(kf.keys[0].line, 5u);
  EXPECT_EQ(kf.keys[1].type, KeyType::kMd5);  // type omitted: MD5
  EXPECT_EQ(kf.keys[1].value, bytes_of("plainpassword12"));
  EXPECT_EQ(kf.keys[2].type, KeyType::kAes128Cmac);
  EXPECT_EQ(kf.keys[2].value.size(), 16u);
  EXPECT_EQ(kf.keys[2].value[0], std::byte{0x2b});
  EXPECT_EQ(kf.keys[3].type, KeyType::kAes256Cmac);
  EXPECT_EQ(kf.keys[4].type, KeyType::kSha3_512);
  ASSERT_NE(kf.find(10), nullptr);
  EXPECT_EQ(kf.find(10)->type, KeyType::kSha256);
  EXPECT_EQ(kf.find(10)->value.size(), 20u);
  EXPECT_EQ(kf.find(10)->value[10], std::byte{0x0a});
  EXPECT_EQ(kf.find(7), nullptr);
  // Only the two MD5 keys are warned about, as weak.
  EXPECT_EQ(kf.warnings.size(), 2u);
  EXPECT_TRUE(warned(kf, 5, "MD5"));
  EXPECT_TRUE(warned(kf, 6, "MD5"));
}

struct BadLine {
  std::string_view line;
  std::string_view warning;
};

TEST(KeyFile, BadLinesAreSkippedWithTheirLineNumber) {
  const BadLine cases[] = {
      {"1", "could not parse"},
      {"1 SHA1 HEX:00 extra", "could not parse"},
      {"x SHA1 HEX:0011", "invalid key ID"},
      {"-1 SHA1 HEX:0011", "invalid key ID"},
      {"4294967296 SHA1 HEX:0011", "invalid key ID"},
      {"12abc SHA1 HEX:0011", "invalid key ID"},
      {"1 SHA1 HEX:", "could not decode"},
      {"1 SHA1 HEX:abc", "could not decode"},
      {"1 SHA1 HEX:zz", "could not decode"},
      {"1 SHA1 HEX:+f", "could not decode"},
      {"1 SHA1 ASCII:", "could not decode"},
      {"1 sha1 HEX:0011", "invalid type"},
      {"1 RMD160 HEX:0011", "invalid type"},
      {"1 WHIRLPOOL HEX:0011", "unsupported hash function"},
      {"1 AES128 HEX:00112233", "expected 128 bits"},
      {"1 AES256 HEX:2b7e151628aed2a6abf7158809cf4f3c", "expected 256 bits"},
  };
  for (const auto& c : cases) {
    const std::string text = "# first\n" + std::string(c.line) + "\n";
    const auto kf = parse_key_file(text);
    EXPECT_TRUE(kf.keys.empty()) << c.line;
    ASSERT_EQ(kf.warnings.size(), 1u) << c.line;
    EXPECT_EQ(kf.warnings[0].line, 2u) << c.line;
    EXPECT_NE(kf.warnings[0].message.find(c.warning), std::string::npos)
        << c.line << " → " << kf.warnings[0].message;
  }
}

TEST(KeyFile, LargestIdAndLongKey) {
  const auto kf = parse_key_file("4294967295 SHA512 HEX:" + std::string(2 * kMaxKeyLen, 'a'));
  ASSERT_EQ(kf.keys.size(), 1u);
  EXPECT_EQ(kf.keys[0].id, 4294967295u);
  EXPECT_TRUE(kf.warnings.empty());
  const auto too_long = parse_key_file("1 SHA512 HEX:" + std::string(2 * kMaxKeyLen + 2, 'a'));
  EXPECT_TRUE(too_long.keys.empty());
  EXPECT_TRUE(warned(too_long, 1, "longer than"));
}

TEST(KeyFile, DuplicatesKeepTheFirstAndShortKeysWarn) {
  const auto kf = parse_key_file(
      "7 SHA1 HEX:00112233445566778899\n"
      "7 SHA256 HEX:99887766554433221100\n"
      "8 SHA1 ASCII:short\n");
  ASSERT_EQ(kf.keys.size(), 2u);
  EXPECT_EQ(kf.find(7)->type, KeyType::kSha1);
  EXPECT_EQ(kf.find(7)->line, 1u);
  ASSERT_EQ(kf.warnings.size(), 2u);
  EXPECT_TRUE(warned(kf, 2, "duplicate key 7"));
  EXPECT_TRUE(warned(kf, 3, "shorter than 80 bits"));
}

TEST(KeyFile, TypeNamesRoundTrip) {
  for (auto t : {KeyType::kMd5, KeyType::kSha1, KeyType::kSha256, KeyType::kSha384,
                 KeyType::kSha512, KeyType::kSha3_224, KeyType::kSha3_256, KeyType::kSha3_384,
                 KeyType::kSha3_512, KeyType::kAes128Cmac, KeyType::kAes256Cmac})
    EXPECT_EQ(key_type_from_name(to_string(t)), t);
  EXPECT_EQ(cmac_key_len(KeyType::kAes128Cmac), 16u);
  EXPECT_EQ(cmac_key_len(KeyType::kAes256Cmac), 32u);
  EXPECT_EQ(cmac_key_len(KeyType::kSha256), 0u);
}

}  // namespace
}  // namespace tempus::core
