// SPDX-License-Identifier: ISC
#include "proc/keys.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tempus::proc {
namespace {

namespace fs = std::filesystem;

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tempus-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Rewrites the file in place (same inode), as an editor that saves in place does.
  void write(const std::string& text) { std::ofstream(dir_ / "keys", std::ios::trunc) << text; }
  fs::path dir_;
};

TEST_F(KeyStoreTest, LoadsAndReloadsInPlace) {
  write("10 AES128 HEX:000102030405060708090a0b0c0d0e0f\n");
  KeyStore ks((dir_ / "keys").string());
  EXPECT_EQ(ks.size(), 1u);
  ASSERT_TRUE(ks.keys()->key_info(10));
  EXPECT_FALSE(ks.keys()->key_info(20));
  const core::MacKeys* held = ks.keys();  // what associations and the server hold
  write("20 SHA1 ASCII:a-new-sha1-key\n30 SHA256 ASCII:another-key-here\n");
  EXPECT_TRUE(ks.reload());
  EXPECT_EQ(ks.size(), 2u);
  EXPECT_FALSE(held->key_info(10));
  EXPECT_EQ(held->key_info(20)->digest_len, 20u);
  // A read that fails (here: the file grew past the limit) keeps the keys there were.
  write(std::string(KeyStore::kMaxFileBytes + 1, '#'));
  EXPECT_FALSE(ks.reload());
  EXPECT_TRUE(held->key_info(20));
  // An emptied file leaves no keys.
  write("");
  EXPECT_TRUE(ks.reload());
  EXPECT_EQ(ks.size(), 0u);
}

TEST_F(KeyStoreTest, MissingFileOrNoneMeansNoKeys) {
  KeyStore none("");
  EXPECT_EQ(none.size(), 0u);
  EXPECT_FALSE(none.reload());
  KeyStore missing((dir_ / "absent").string());
  EXPECT_EQ(missing.size(), 0u);
  EXPECT_FALSE(missing.reload());
  EXPECT_FALSE(missing.keys()->key_info(1));
}

}  // namespace
}  // namespace tempus::proc
