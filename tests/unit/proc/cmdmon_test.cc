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
  // Without a CmdmonControl nothing can change.
  EXPECT_EQ(ask(cm::cmd::kMakeStep, true).status, cm::Status::kFailed);
  EXPECT_EQ(ask(cm::cmd::kOnline, true).status, cm::Status::kFailed);
  // Facilities that are off, and commands with nothing to do, as chronyd answers them.
  EXPECT_EQ(ask(cm::cmd::kSmoothTime, true).status, cm::Status::kNotEnabled);
  EXPECT_EQ(ask(cm::cmd::kSetTime, true).status, cm::Status::kNotEnabled);
  EXPECT_EQ(ask(cm::cmd::kWriteRtc, true).status, cm::Status::kNoRtc);
  EXPECT_EQ(ask(cm::cmd::kTrimRtc, true).status, cm::Status::kNoRtc);
  EXPECT_EQ(ask(cm::cmd::kManualDelete, true).status, cm::Status::kBadSample);
  EXPECT_EQ(ask(cm::cmd::kCycleLogs, true).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kDump, true).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kRekey, true).status, cm::Status::kFailed);  // no control: no keys
  EXPECT_EQ(ask(cm::cmd::kRekey, false).status, cm::Status::kUnauth);
  EXPECT_EQ(ask(cm::cmd::kShutdown, true).status, cm::Status::kFailed);
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

// Records what the reporter asked for and answers with preset statuses.
class FakeControl final : public CmdmonControl {
 public:
  std::vector<std::string> calls;
  cm::Status answer = cm::Status::kSuccess;
  std::optional<cm::SourceRequest> added;
  cm::Status set_connectivity(const cm::Request& req, Associations::Connectivity c) override {
    calls.push_back("connectivity " + std::to_string(static_cast<int>(c)) +
                    (req.address.ip ? " " + req.address.ip->to_string() : ""));
    return answer;
  }
  cm::Status burst(const cm::Request& req) override {
    calls.push_back("burst " + std::to_string(req.n_good) + "/" + std::to_string(req.n_total));
    return answer;
  }
  cm::Status make_step() override {
    calls.push_back("makestep");
    return answer;
  }
  cm::Status add_source(const cm::SourceRequest& s) override {
    added = s;
    calls.push_back("add " + s.name_text());
    return answer;
  }
  cm::Status delete_source(const core::IpAddress& a) override {
    calls.push_back("delete " + a.to_string());
    return answer;
  }
  cm::Status reload_sources() override {
    calls.push_back("reload");
    return answer;
  }
  cm::Status set_local(const cm::Request::Local& l) override {
    calls.push_back("local " + std::to_string(l.on) + " " + std::to_string(l.stratum));
    return answer;
  }
  cm::Status rekey() override {
    calls.push_back("rekey");
    return answer;
  }
  cm::Status add_access(bool command_port, const core::AccessRule& r) override {
    calls.push_back(std::string(command_port ? "cmd" : "") + (r.allow ? "allow" : "deny") +
                    (r.all ? " all " : " ") + (r.subnet ? r.subnet->to_string() : "any"));
    return answer;
  }
  cm::Status check_access(bool command_port, const core::IpAddress& ip) override {
    calls.push_back(std::string(command_port ? "cmd" : "") + "accheck " + ip.to_string());
    return cm::Status::kAccessDenied;
  }
  cm::Status reselect() override { return call("reselect"); }
  cm::Status reset_sources() override { return call("reset"); }
  cm::Status refresh() override { return call("refresh"); }
  cm::Status shutdown() override { return call("shutdown"); }
  cm::Status cycle_logs() override { return call("cyclelogs"); }

 private:
  cm::Status call(std::string what) {
    calls.push_back(std::move(what));
    return answer;
  }
};

TEST(CmdmonReporter, StateChangesGoToTheControlOnlyWhenPrivileged) {
  FakeControl control;
  const CmdmonReporter r(nullptr, nullptr, nullptr, &control);
  auto ask = [&](cm::Request q, bool privileged = true) { return r.answer(q, privileged, {}); };
  cm::Request off{.command = cm::cmd::kOffline};
  off.address = cm::Address::of(core::IpAddress::v4(0x7f000001));
  EXPECT_EQ(ask(off, false).status, cm::Status::kUnauth);
  EXPECT_TRUE(control.calls.empty());
  EXPECT_EQ(ask(off).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kOnline}).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kOnOffline}).status, cm::Status::kSuccess);
  cm::Request burst{.command = cm::cmd::kBurst};
  burst.n_good = 2;
  burst.n_total = 4;
  EXPECT_EQ(ask(burst).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kMakeStep}).status, cm::Status::kSuccess);
  cm::Request local{.command = cm::cmd::kLocal2};
  local.local = {.on = 1, .stratum = 8, .orphan = 0, .distance = 1};
  EXPECT_EQ(ask(local).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kReloadSources}).status, cm::Status::kSuccess);
  cm::Request del{.command = cm::cmd::kDelSource};
  EXPECT_EQ(ask(del).status, cm::Status::kNoSuchSource);  // no address: nothing asked
  del.address = cm::Address::of(core::IpAddress::v4(0xc0000201));
  EXPECT_EQ(ask(del).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kRekey}).status, cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::Request{.command = cm::cmd::kCycleLogs}).status, cm::Status::kSuccess);
  const std::vector<std::string> want = {"connectivity 1 127.0.0.1", "connectivity 0",
                                         "connectivity 2", "burst 2/4", "makestep",
                                         "local 1 8", "reload", "delete 192.0.2.1", "rekey",
                                         "cyclelogs"};
  EXPECT_EQ(control.calls, want);
  // The control's status goes back as it is.
  control.answer = cm::Status::kNoSuchSource;
  EXPECT_EQ(ask(burst).status, cm::Status::kNoSuchSource);
}

TEST(CmdmonReporter, AccessRulesChecksAndTheRest) {
  FakeControl control;
  const CmdmonReporter r(nullptr, nullptr, nullptr, &control);
  auto ask = [&](uint16_t command, std::optional<core::IpAddress> ip = std::nullopt,
                 int32_t bits = 0, bool privileged = true) {
    cm::Request q{.command = command};
    if (ip) q.address = cm::Address::of(*ip);
    q.subnet_bits = bits;
    return r.answer(q, privileged, {}).status;
  };
  const auto net = core::IpAddress::v4(0xc0a80105);  // 192.168.1.5
  EXPECT_EQ(ask(cm::cmd::kAllow, net, 24, false), cm::Status::kUnauth);
  EXPECT_EQ(ask(cm::cmd::kAllow, net, 24), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kDenyAll, net, 16), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kAllow), cm::Status::kSuccess);  // no address: every address
  EXPECT_EQ(ask(cm::cmd::kCmdAllowAll, net, 32), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kCmdDeny, core::IpAddress::loopback(core::IpFamily::kV6), 128),
            cm::Status::kSuccess);
  // chronyd's answer to an impossible prefix; nothing reaches the control.
  EXPECT_EQ(ask(cm::cmd::kDeny, net, 33), cm::Status::kBadSubnet);
  EXPECT_EQ(ask(cm::cmd::kDeny, net, -1), cm::Status::kBadSubnet);
  EXPECT_EQ(ask(cm::cmd::kAcCheck, net), cm::Status::kAccessDenied);
  EXPECT_EQ(ask(cm::cmd::kCmdAcCheck, net), cm::Status::kAccessDenied);
  EXPECT_EQ(ask(cm::cmd::kAcCheck), cm::Status::kBadSubnet);
  EXPECT_EQ(ask(cm::cmd::kReselect), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kResetSources), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kRefresh), cm::Status::kSuccess);
  EXPECT_EQ(ask(cm::cmd::kShutdown, std::nullopt, 0, false), cm::Status::kUnauth);
  EXPECT_EQ(ask(cm::cmd::kShutdown), cm::Status::kSuccess);
  const std::vector<std::string> want = {
      "allow 192.168.1.0/24", "deny all 192.168.0.0/16", "allow any",
      "cmdallow all 192.168.1.5/32", "cmddeny ::1/128", "accheck 192.168.1.5",
      "cmdaccheck 192.168.1.5", "reselect", "reset", "refresh", "shutdown"};
  EXPECT_EQ(control.calls, want);
}

TEST(CmdmonReporter, AddSourceIsCheckedFirst) {
  FakeControl control;
  const CmdmonReporter r(nullptr, nullptr, nullptr, &control);
  cm::Request q{.command = cm::cmd::kAddSource};
  q.source.set_name("bad name");
  EXPECT_EQ(r.answer(q, true, {}).status, cm::Status::kInvalidName);
  q.source.set_name("ntp.example");
  q.source.type = 9;
  EXPECT_EQ(r.answer(q, true, {}).status, cm::Status::kInvalid);
  EXPECT_FALSE(control.added);
  q.source.type = cm::SourceRequest::kPool;
  control.answer = cm::Status::kSourceAlreadyKnown;
  EXPECT_EQ(r.answer(q, true, {}).status, cm::Status::kSourceAlreadyKnown);
  ASSERT_TRUE(control.added);
  EXPECT_EQ(control.added->name_text(), "ntp.example");
}

TEST(CmdmonSourceFromRequest, ChronydsClamps) {
  cm::SourceRequest r;
  r.type = cm::SourceRequest::kServer;
  r.set_name("127.0.0.1");
  r.port = 11123;
  r.minpoll = 0;
  r.maxpoll = 1;
  r.presend_minpoll = 100;
  r.min_samples = -1;
  r.max_samples = -1;
  r.flags = cm::SourceRequest::kOnline | cm::SourceRequest::kIburst | cm::SourceRequest::kPrefer;
  config::NtpSource s = source_from_request(r);
  EXPECT_EQ(s.kind, config::SourceKind::kServer);
  ASSERT_TRUE(s.address);
  EXPECT_EQ(s.address->to_string(), "127.0.0.1");
  EXPECT_EQ(s.port, 11123);
  EXPECT_EQ(s.minpoll.log2, 0);
  EXPECT_EQ(s.maxpoll.log2, 1);
  EXPECT_FALSE(s.presend);
  EXPECT_FALSE(s.min_samples);
  EXPECT_FALSE(s.version);
  EXPECT_TRUE(s.iburst && s.prefer && !s.offline && !s.noselect);
  EXPECT_EQ(s.max_delay, core::Duration::s(3));

  r.type = cm::SourceRequest::kPool;
  r.set_name("pool.example");
  r.minpoll = -20;  // below -6: the default
  r.maxpoll = 40;   // above 24: 24
  r.max_sources = 99;
  r.version = 3;
  r.flags = 0;  // offline
  r.max_delay = 1e9;
  s = source_from_request(r);
  EXPECT_EQ(s.kind, config::SourceKind::kPool);
  EXPECT_FALSE(s.address);
  EXPECT_EQ(s.minpoll.log2, 6);
  EXPECT_EQ(s.maxpoll.log2, 24);
  EXPECT_EQ(s.max_sources, 16);
  EXPECT_EQ(s.version, 3);
  EXPECT_TRUE(s.offline);
  EXPECT_EQ(s.max_delay, core::Duration::s(1000));
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
