// SPDX-License-Identifier: ISC
// Atomic writes through a directory fd, in a fresh mkdtemp directory.
#include "sys/state_files.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tempus::sys {
namespace {

namespace fs = std::filesystem;

class StateFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tempus-state-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto fd = open_dir(dir_.string());
    ASSERT_TRUE(fd.ok()) << to_string(fd.error());
    dirfd_ = std::move(fd.value());
  }
  void TearDown() override {
    dirfd_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void put(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  fs::path dir_;
  ipc::UniqueFd dirfd_;
};

TEST_F(StateFiles, WritesAndReplaces) {
  ASSERT_TRUE(write_atomically(dirfd_.get(), "drift", std::string_view("1.0 2.0\n"), 0644).ok());
  EXPECT_EQ(slurp(dir_ / "drift"), "1.0 2.0\n");
  ASSERT_TRUE(write_atomically(dirfd_.get(), "drift", std::string_view("3\n"), 0644).ok());
  EXPECT_EQ(slurp(dir_ / "drift"), "3\n");
  EXPECT_FALSE(fs::exists(dir_ / "drift.tmp"));  // renamed away
  // Nothing else was left in the directory.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 1);
}

TEST_F(StateFiles, ReplacementIsANewInode) {
  // A reader holding the old file keeps the old content: the write is a rename, not in place.
  put(dir_ / "keys", "old");
  std::ifstream reader(dir_ / "keys");
  ASSERT_TRUE(write_atomically(dirfd_.get(), "keys", std::string_view("new"), 0600).ok());
  std::string old;
  reader >> old;
  EXPECT_EQ(old, "old");
  EXPECT_EQ(slurp(dir_ / "keys"), "new");
}

TEST_F(StateFiles, ModeIsModeMinusUmask) {
  const mode_t old = ::umask(022);
  ASSERT_TRUE(write_atomically(dirfd_.get(), "a", std::string_view("x"), 0644).ok());
  ASSERT_TRUE(write_atomically(dirfd_.get(), "b", std::string_view("x"), 0600).ok());
  // A stale temp file with a wider mode is not reused: the new file gets `mode`.
  put(dir_ / "c.tmp", "stale");
  ::chmod((dir_ / "c.tmp").c_str(), 0666);
  ASSERT_TRUE(write_atomically(dirfd_.get(), "c", std::string_view("x"), 0600).ok());
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  ASSERT_EQ(::stat((dir_ / "b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((dir_ / "c").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(StateFiles, BadNamesRefused) {
  for (std::string_view name :
       {std::string_view(""), std::string_view("."), std::string_view(".."),
        std::string_view("a/b"), std::string_view("/etc/passwd"), std::string_view("../x"),
        std::string_view("a\0b", 3)}) {
    auto s = write_atomically(dirfd_.get(), name, std::string_view("x"), 0644);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error(), Errno{EINVAL});
    EXPECT_EQ(read_small_file_at(dirfd_.get(), name, 100).error(), Errno{EINVAL});
  }
  EXPECT_FALSE(is_plain_name(std::string(kMaxStateName + 1, 'a')));
  EXPECT_TRUE(is_plain_name(std::string(kMaxStateName, 'a')));
  EXPECT_TRUE(is_plain_name("...")); // an odd but plain name
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 0);
}

TEST_F(StateFiles, PlantedSymlinkAtTempNameNotFollowed) {
  const fs::path target = dir_ / "victim";
  put(target, "precious");
  fs::create_symlink(target, dir_ / "drift.tmp");
  ASSERT_TRUE(write_atomically(dirfd_.get(), "drift", std::string_view("1 2\n"), 0644).ok());
  EXPECT_EQ(slurp(target), "precious");
  EXPECT_EQ(slurp(dir_ / "drift"), "1 2\n");
  EXPECT_FALSE(fs::is_symlink(dir_ / "drift"));
}

TEST_F(StateFiles, PlantedHardLinkAtTempNameNotWrittenThrough) {
  const fs::path target = dir_ / "victim";
  put(target, "precious");
  fs::create_hard_link(target, dir_ / "drift.tmp");
  ASSERT_TRUE(write_atomically(dirfd_.get(), "drift", std::string_view("1 2\n"), 0644).ok());
  EXPECT_EQ(slurp(target), "precious");
  EXPECT_EQ(slurp(dir_ / "drift"), "1 2\n");
}

TEST_F(StateFiles, SymlinkAtLiveNameIsReplacedNotFollowed) {
  const fs::path target = dir_ / "victim";
  put(target, "precious");
  fs::create_symlink(target, dir_ / "drift");
  EXPECT_EQ(read_small_file_at(dirfd_.get(), "drift", 100).error(), Errno{ELOOP});  // O_NOFOLLOW
  ASSERT_TRUE(write_atomically(dirfd_.get(), "drift", std::string_view("1 2\n"), 0644).ok());
  EXPECT_EQ(slurp(target), "precious");
  EXPECT_FALSE(fs::is_symlink(dir_ / "drift"));
  EXPECT_EQ(slurp(dir_ / "drift"), "1 2\n");
}

TEST_F(StateFiles, FailureLeavesLiveFileAndNoTemp) {
  put(dir_ / "drift", "old\n");
  fs::create_directory(dir_ / "sub");
  // renameat over a non-empty directory fails (EISDIR/ENOTEMPTY/EEXIST): the write must not
  // leave a temp file behind.
  put(dir_ / "sub" / "x", "");
  auto s = write_atomically(dirfd_.get(), "sub", std::string_view("data"), 0644);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(dir_ / "sub.tmp"));
  EXPECT_TRUE(fs::is_directory(dir_ / "sub"));
  EXPECT_EQ(slurp(dir_ / "drift"), "old\n");
}

TEST_F(StateFiles, EmptyAndBinaryContent) {
  ASSERT_TRUE(write_atomically(dirfd_.get(), "e", std::string_view(""), 0644).ok());
  EXPECT_EQ(slurp(dir_ / "e"), "");
  std::string bin(70'000, '\0');
  for (size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(write_atomically(dirfd_.get(), "bin", std::string_view(bin), 0600).ok());
  EXPECT_EQ(slurp(dir_ / "bin"), bin);
  auto r = read_small_file_at(dirfd_.get(), "bin", bin.size());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, bin);
}

TEST_F(StateFiles, ReadSmallFileLimits) {
  put(dir_ / "f", "0123456789");
  EXPECT_EQ(read_small_file((dir_ / "f").string(), 10).value(), "0123456789");
  EXPECT_EQ(read_small_file((dir_ / "f").string(), 9).error(), Errno{EFBIG});
  EXPECT_EQ(read_small_file((dir_ / "missing").string(), 9).error(), Errno{ENOENT});
  EXPECT_EQ(read_small_file(dir_.string(), 9).error(), Errno{EINVAL});  // not a regular file
  EXPECT_EQ(read_small_file_at(dirfd_.get(), "missing", 9).error(), Errno{ENOENT});
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(read_small_file_at(dirfd_.get(), "fifo", 9).error(), Errno{EINVAL});  // no hang
  // read_small_file follows a symlink in an admin-given path.
  fs::create_symlink(dir_ / "f", dir_ / "link");
  EXPECT_EQ(read_small_file((dir_ / "link").string(), 10).value(), "0123456789");
}

// A kept fd reads the file again after an edit in place (the key file's rekey), not after a
// replacement by rename (a new inode).
TEST_F(StateFiles, KeptFdReadsAgain) {
  put(dir_ / "k", "one");
  auto fd = open_read_only((dir_ / "k").string());
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(read_small_fd(fd->get(), 10).value(), "one");
  EXPECT_EQ(read_small_fd(fd->get(), 10).value(), "one");
  {
    std::ofstream f(dir_ / "k", std::ios::trunc);
    f << "two lines\n";
  }
  EXPECT_EQ(read_small_fd(fd->get(), 10).value(), "two lines\n");
  EXPECT_EQ(read_small_fd(fd->get(), 9).error(), Errno{EFBIG});
  put(dir_ / "new", "three");
  fs::rename(dir_ / "new", dir_ / "k");
  EXPECT_EQ(read_small_fd(fd->get(), 10).value(), "two lines\n");
  EXPECT_EQ(open_read_only((dir_ / "missing").string()).error(), Errno{ENOENT});
}

TEST_F(StateFiles, OpenDirErrors) {
  put(dir_ / "f", "");
  EXPECT_EQ(open_dir((dir_ / "f").string()).error(), Errno{ENOTDIR});
  EXPECT_EQ(open_dir((dir_ / "none").string()).error(), Errno{ENOENT});
  EXPECT_EQ(open_dir("").error(), Errno{EINVAL});
  auto fd = open_dir(dir_.string());
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(::fsync(fd->get()), 0);  // O_RDONLY, so fsync works
}

}  // namespace
}  // namespace tempus::sys
