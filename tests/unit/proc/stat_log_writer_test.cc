// SPDX-License-Identifier: ISC
#include "proc/stat_log_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tempus::proc {
namespace {

struct Sent {
  ipc::FileId file;
  ipc::FileOp op;
  std::string text;
};

class StatLogWriterTest : public ::testing::Test {
 protected:
  StatLogWriter make(config::Config cfg) {
    return StatLogWriter(cfg, [this](const ipc::WriteFile& w) {
      EXPECT_TRUE(w.validate().ok());  // what the parent's decode demands
      sent.push_back({w.file, w.op, std::string(reinterpret_cast<const char*>(w.data.data()),
                                                w.data.size())});
    });
  }
  static core::Engine::StatLogRecords tracking(int n) {
    core::Engine::StatLogRecords r;
    for (int i = 0; i < n; ++i)
      r.tracking.push_back({.time = core::Timestamp::from_unix(1795337203 + i, 0), .synced = true,
                            .source = 7, .stratum = 2});
    return r;
  }
  static std::string name(uint32_t id) { return id == 7 ? "192.0.2.7" : "?"; }
  std::vector<Sent> sent;
};

config::Config with_logs(int banner) {
  config::Config c;
  c.log_dir = "/var/log/tempus";
  c.log.tracking = c.log.raw_measurements = true;
  c.log_banner = banner;
  return c;
}

TEST_F(StatLogWriterTest, NothingWithoutLogdir) {
  config::Config c = with_logs(32);
  c.log_dir.clear();
  auto w = make(c);
  EXPECT_FALSE(w.any());
  w.write(tracking(3), name);
  EXPECT_TRUE(sent.empty());
}

TEST_F(StatLogWriterTest, MaskFollowsTheLogDirective) {
  auto w = make(with_logs(32));
  const auto m = w.mask();
  EXPECT_TRUE(m.tracking);
  EXPECT_TRUE(m.measurements);  // rawmeasurements: the measurements we have
  EXPECT_FALSE(m.statistics);
  EXPECT_FALSE(m.selection);
}

TEST_F(StatLogWriterTest, OneFramePerLineWithTheBannerBeforeItsLine) {
  auto w = make(with_logs(2));
  w.write(tracking(3), name);
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& s : sent) {
    EXPECT_EQ(s.file, ipc::FileId::kLogTracking);
    EXPECT_EQ(s.op, ipc::FileOp::kAppend);
  }
  EXPECT_EQ(sent[0].text.substr(0, 3), "===");
  EXPECT_NE(sent[0].text.find("\n2026-11-22 08:46:43 192.0.2.7        2 "), std::string::npos);
  EXPECT_EQ(sent[1].text.substr(0, 20), "2026-11-22 08:46:44 ");
  EXPECT_EQ(sent[2].text.substr(0, 3), "===");
}

TEST_F(StatLogWriterTest, AFailedFileStopsUntilCyclelogs) {
  auto w = make(with_logs(0));
  w.on_result({.file = ipc::FileId::kLogTracking, .op = ipc::FileOp::kAppend, .error = 0});
  w.write(tracking(1), name);
  EXPECT_EQ(sent.size(), 1u);
  w.on_result({.file = ipc::FileId::kLogTracking, .op = ipc::FileOp::kAppend, .error = 28});
  w.write(tracking(2), name);
  EXPECT_EQ(sent.size(), 1u);
  sent.clear();
  w.reopen_all();  // the enabled logs only, each once
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].file, ipc::FileId::kLogMeasurements);
  EXPECT_EQ(sent[1].file, ipc::FileId::kLogTracking);
  for (const auto& s : sent) EXPECT_EQ(s.op, ipc::FileOp::kReopen);
  w.write(tracking(1), name);
  EXPECT_EQ(sent.size(), 3u);
}

TEST_F(StatLogWriterTest, CyclelogsStartsTheBannerAgain) {
  auto w = make(with_logs(10));
  w.write(tracking(2), name);
  w.reopen_all();
  sent.clear();
  w.write(tracking(1), name);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text.substr(0, 3), "===");
}

}  // namespace
}  // namespace tempus::proc
