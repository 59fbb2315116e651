// SPDX-License-Identifier: ISC
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "proc/cmdmon_reports.h"
#include "proc/cmdmon_server.h"

namespace tempus::proc {
namespace {

namespace cm = core::cmdmon;

TEST(CmdmonDir, LivesInsideTheChroot) {
  auto d = cmdmon_dir("/run/chrony/chronyd.sock", "/var/lib/tempus");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->dir, "/run/chrony");
  EXPECT_EQ(d->real_dir, "/var/lib/tempus/run/chrony");
  EXPECT_EQ(cmdmon_dir("/run/chrony/chronyd.sock", "/var/lib/tempus/")->real_dir,
            "/var/lib/tempus/run/chrony");
  // No chroot (-U, or a home of /): the directory is itself.
  EXPECT_EQ(cmdmon_dir("/run/chrony/chronyd.sock", "")->real_dir, "/run/chrony");
  EXPECT_EQ(cmdmon_dir("/run/chrony/chronyd.sock", "/")->real_dir, "/run/chrony");
  EXPECT_FALSE(cmdmon_dir("/chronyd.sock", "/var/lib/tempus"));  // never chmod /
  EXPECT_FALSE(cmdmon_dir("chronyd.sock", ""));
  EXPECT_FALSE(cmdmon_dir("/run/chrony/", ""));
  EXPECT_FALSE(cmdmon_dir("", ""));
}

TEST(CmdmonPath, NoneWithQueryOnce) {
  config::Config cfg;
  Options opts;
  EXPECT_EQ(cmdmon_path(cfg, opts), "/run/chrony/chronyd.sock");
  opts.one_shot = OneShot::kSetOnce;  // -q opens it, as chronyd does
  EXPECT_EQ(cmdmon_path(cfg, opts), "/run/chrony/chronyd.sock");
  opts.one_shot = OneShot::kQueryOnce;
  EXPECT_EQ(cmdmon_path(cfg, opts), "");
  cfg.bind_cmd_path.clear();  // bindcmdaddress /
  opts.one_shot = OneShot::kNone;
  EXPECT_EQ(cmdmon_path(cfg, opts), "");
}

class CmdmonDirFs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tempus-cmdmon-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(base_); }
  std::string base_;
};

TEST_F(CmdmonDirFs, PreparesTheLinkAndReusesIt) {
  const auto d = cmdmon_dir(base_ + "/run/cmd/chronyd.sock", base_ + "/home");
  ASSERT_TRUE(d);
  EXPECT_FALSE(cmdmon_dir_ready(*d));
  ASSERT_TRUE(prepare_cmdmon_dir(*d, getgid()).ok());
  EXPECT_TRUE(cmdmon_dir_ready(*d));
  EXPECT_EQ(std::filesystem::read_symlink(d->dir).string(), d->real_dir);
  struct stat st {};
  ASSERT_EQ(stat(d->real_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0770u);
  // Again (a restart): the link is kept.
  EXPECT_TRUE(prepare_cmdmon_dir(*d, getgid()).ok());
  EXPECT_TRUE(cmdmon_dir_ready(*d));
}

TEST_F(CmdmonDirFs, ReplacesOnlyAnEmptyDirectory) {
  const auto d = cmdmon_dir(base_ + "/run/cmd/chronyd.sock", base_ + "/home");
  ASSERT_TRUE(d);
  std::filesystem::create_directories(d->dir);
  ASSERT_TRUE(prepare_cmdmon_dir(*d, getgid()).ok());
  EXPECT_TRUE(cmdmon_dir_ready(*d));

  const auto other = cmdmon_dir(base_ + "/run/busy/chronyd.sock", base_ + "/home");
  std::filesystem::create_directories(other->dir);
  std::ofstream(other->dir + "/someone-elses") << "x";
  const auto r = prepare_cmdmon_dir(*other, getgid());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not an empty directory"), std::string::npos);
  EXPECT_FALSE(cmdmon_dir_ready(*other));
  EXPECT_TRUE(std::filesystem::exists(other->dir + "/someone-elses"));

  const auto wrong = cmdmon_dir(base_ + "/run/link/chronyd.sock", base_ + "/home");
  std::filesystem::create_symlink("/nowhere", wrong->dir);
  EXPECT_FALSE(prepare_cmdmon_dir(*wrong, getgid()).ok());
}

TEST_F(CmdmonDirFs, ExistingDirectoryOpenToOthersIsRefused) {
  // No chroot: the configured directory is used as it is, and never chmod'ed.
  const auto d = cmdmon_dir(base_ + "/open/chronyd.sock", "");
  ASSERT_TRUE(d);
  std::filesystem::create_directories(d->dir);
  ASSERT_EQ(chmod(d->dir.c_str(), 0777), 0);
  const auto r = prepare_cmdmon_dir(*d, getgid());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("wrong owner or mode"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(d->dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0777u);
}

TEST(CmdmonReporter, AnswersWithoutState) {
  const CmdmonReporter r(nullptr, nullptr, nullptr);
  const CmdmonCounters counters{5, 1};
  auto ask = [&](uint16_t command, bool privileged) {
    cm::Request q{.command = command, .sequence = 42};
    return r.answer(q, privileged, counters);
  };
  // chrony's open commands for anyone; the rest only on the privileged socket.
  EXPECT_EQ(ask(cm::cmd::kTracking, false).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kServerStats, false).status, cm::Status::kUnauth);
  EXPECT_EQ(ask(cm::cmd::kMakeStep, false).status, cm::Status::kUnauth);
  // State changes are not implemented yet: chronyd's status for an unhandled command.
  EXPECT_EQ(ask(cm::cmd::kMakeStep, true).status, cm::Status::kFailed);
  EXPECT_EQ(ask(cm::cmd::kOnline, true).status, cm::Status::kFailed);
  EXPECT_EQ(ask(cm::cmd::kSmoothing, true).status, cm::Status::kNotEnabled);
  EXPECT_EQ(ask(cm::cmd::kRtcReport, true).status, cm::Status::kNoRtc);
  EXPECT_EQ(ask(cm::cmd::kSourceData, true).status, cm::Status::kNoSuchSource);
  EXPECT_EQ(ask(cm::cmd::kSelectData, true).status, cm::Status::kNoSuchSource);
  EXPECT_EQ(ask(cm::cmd::kNtpData, true).status, cm::Status::kNoSuchSource);
  EXPECT_EQ(ask(cm::cmd::kClientAccessesByIndex3, true).status, cm::Status::kInactive);

  const auto n = ask(cm::cmd::kNSources, false);
  ASSERT_TRUE(std::holds_alternative<cm::NSources>(n.body));
  EXPECT_EQ(std::get<cm::NSources>(n.body).n, 0u);
  EXPECT_EQ(n.sequence, 42u);
  EXPECT_TRUE(std::holds_alternative<cm::ManualList>(ask(cm::cmd::kManualList, false).body));
  const auto s = ask(cm::cmd::kServerStats, true);
  ASSERT_TRUE(std::holds_alternative<cm::ServerStats>(s.body));
  EXPECT_EQ(std::get<cm::ServerStats>(s.body).cmd_hits, 5u);
  EXPECT_EQ(std::get<cm::ServerStats>(s.body).cmd_drops, 1u);
  const auto t = ask(cm::cmd::kTracking, false);
  ASSERT_TRUE(std::holds_alternative<cm::Tracking>(t.body));
  EXPECT_EQ(std::get<cm::Tracking>(t.body).leap, 3);  // not synchronised
}

TEST(CmdmonReporter, ActivityCountsUnresolvedNames) {
  config::Config cfg;
  config::NtpSource a;
  a.host = "ntp.example";
  config::NtpSource b;
  b.host = "192.0.2.7";
  b.address = core::IpAddress::parse("192.0.2.7").value();
  cfg.sources = {a, b};
  const NetState names(cfg, true, core::Timestamp::from_unix(100, 0));
  const CmdmonReporter r(nullptr, nullptr, &names);
  const auto rep = r.answer(cm::Request{.command = cm::cmd::kActivity}, false, {});
  ASSERT_TRUE(std::holds_alternative<cm::Activity>(rep.body));
  EXPECT_EQ(std::get<cm::Activity>(rep.body).unresolved, 1);
  EXPECT_EQ(std::get<cm::Activity>(rep.body).online, 0);
}

}  // namespace
}  // namespace tempus::proc
