// SPDX-License-Identifier: ISC
#include "proc/log_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/bytes.h"
#include "sys/state_files.h"

namespace tempus::proc {
namespace {

namespace fs = std::filesystem;

class LogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tempus-logfiles-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto fd = sys::open_dir(dir_.string());
    ASSERT_TRUE(fd.ok());
    logs_.emplace(std::move(*fd));
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string read(const std::string& name) const {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  int append(ipc::FileId f, std::string_view s) { return logs_->append(f, core::as_bytes(s)); }

  fs::path dir_;
  std::optional<LogFiles> logs_;
};

TEST_F(LogFilesTest, AppendsToTheFileOfEachId) {
  EXPECT_EQ(append(ipc::FileId::kLogTracking, "one\n"), 0);
  EXPECT_EQ(append(ipc::FileId::kLogTracking, "two\n"), 0);
  EXPECT_EQ(append(ipc::FileId::kLogSelection, "sel\n"), 0);
  EXPECT_EQ(read("tracking.log"), "one\ntwo\n");
  EXPECT_EQ(read("selection.log"), "sel\n");
  EXPECT_FALSE(fs::exists(dir_ / "measurements.log"));
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "tracking.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777 & ~0022u, 0644u & ~0022u);
}

TEST_F(LogFilesTest, AppendsToExistingContent) {
  std::ofstream(dir_ / "statistics.log") << "old\n";
  EXPECT_EQ(append(ipc::FileId::kLogStatistics, "new\n"), 0);
  EXPECT_EQ(read("statistics.log"), "old\nnew\n");
}

TEST_F(LogFilesTest, ReopenFollowsARename) {
  EXPECT_EQ(append(ipc::FileId::kLogMeasurements, "a\n"), 0);
  fs::rename(dir_ / "measurements.log", dir_ / "measurements.log.1");
  EXPECT_EQ(append(ipc::FileId::kLogMeasurements, "b\n"), 0);  // still the open file
  EXPECT_EQ(logs_->reopen(ipc::FileId::kLogMeasurements), 0);
  EXPECT_EQ(append(ipc::FileId::kLogMeasurements, "c\n"), 0);
  EXPECT_EQ(read("measurements.log.1"), "a\nb\n");
  EXPECT_EQ(read("measurements.log"), "c\n");
}

TEST_F(LogFilesTest, RefusesSymlinksFifosAndOtherIds) {
  fs::create_symlink("/etc/passwd", dir_ / "tracking.log");
  EXPECT_EQ(append(ipc::FileId::kLogTracking, "x\n"), ELOOP);
  ASSERT_EQ(mkfifo((dir_ / "selection.log").c_str(), 0600), 0);
  EXPECT_EQ(append(ipc::FileId::kLogSelection, "x\n"), ENXIO);  // no reader: never blocks
  const int reader = open((dir_ / "selection.log").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  EXPECT_EQ(append(ipc::FileId::kLogSelection, "x\n"), EINVAL);
  close(reader);
  EXPECT_EQ(append(ipc::FileId::kNtsKeys, "x\n"), EINVAL);
  EXPECT_EQ(logs_->reopen(ipc::FileId::kNtsCookies), EINVAL);
  EXPECT_EQ(log_file_name(ipc::FileId::kNtsKeys), "");
}

}  // namespace
}  // namespace tempus::proc
