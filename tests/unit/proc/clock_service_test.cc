// SPDX-License-Identifier: ISC
// ClockService: bounds enforced before the backend is touched, no-adjust mode, the step budget,
// errno replies, and the drift file in chronyd's format.
#include "proc/clock_service.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/timex.h>

#include "sys/state_files.h"

namespace tempus::proc {
namespace {

namespace fs = std::filesystem;
using core::Duration;
using core::Unexpected;

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kPpm = 65536;

// Records every call; answers with `reply` (a state, or an errno when fail_with != 0).
class RecordingBackend final : public sys::ClockBackend {
 public:
  struct Call {
    std::string verb;
    int64_t arg = 0;
  };
  std::vector<Call> calls;
  int fail_with = 0;
  sys::ClockState reply;

  sys::ClockStateResult slew(Duration d) override { return record("slew", d.count_ns()); }
  sys::ClockStateResult set_frequency(int64_t f) override { return record("frequency", f); }
  sys::ClockStateResult step(Duration d) override { return record("step", d.count_ns()); }
  sys::ClockStateResult set_status(const ipc::SetKernelStatus& s) override {
    last_status = s;
    return record("status", s.maxerror_us);
  }
  sys::ClockStateResult read() override { return record("read", 0); }
  core::Result<core::Timestamp, sys::Errno> read_time() override { return now; }
  Duration timer_duration(Duration local) override { return local; }
  ipc::SetKernelStatus last_status;
  core::Timestamp now = core::Timestamp::from_unix(1'700'000'000, 0);

 private:
  sys::ClockStateResult record(const char* verb, int64_t arg) {
    calls.push_back({verb, arg});
    if (fail_with != 0) return Unexpected{sys::Errno{fail_with}};
    return reply;
  }
};

ipc::ClockBounds bounds() {
  ipc::ClockBounds b;
  b.max_slew_ns = 2 * kSec;
  b.max_step_ns = 1000 * kSec;
  b.max_steps_per_hour = 2;
  b.max_abs_freq_scaled_ppm = 100 * kPpm;
  b.max_slew_rate_scaled_ppm = 1000 * kPpm;
  return b;
}

class ClockServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tempus-clocksvc-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::optional<DriftTarget> target(const std::string& name = "drift") {
    auto fd = sys::open_dir(dir_.string());
    EXPECT_TRUE(fd.ok());
    return DriftTarget{std::move(fd.value()), name};
  }
  ClockService make(sys::ClockBackend* backend, ipc::ClockBounds b = bounds()) {
    return ClockService(b, backend, target(), [this] { return mono_; }, arm());
  }
  RateSlew::ArmTimer arm() {
    return [this](std::optional<Duration> d) { timer_ = d; };
  }
  std::string slurp(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void put(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  fs::path dir_;
  int64_t mono_ = 1000 * kSec;
  std::optional<Duration> timer_;  // the slew timer as last armed
  RecordingBackend backend_;
};

TEST_F(ClockServiceTest, VerbsWithinBoundsReachTheBackend) {
  backend_.reply.time_state = TIME_OK;
  backend_.reply.status = STA_PLL | STA_INS;
  backend_.reply.freq_scaled_ppm = -7 * kPpm;
  auto svc = make(&backend_);

  auto r = svc.handle(ipc::SlewOffset{-2 * kSec, 1000 * kPpm});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->request, ipc::MsgType::kSlewOffset);
  EXPECT_EQ(r->error, 0);
  EXPECT_EQ(r->time_state, static_cast<uint32_t>(TIME_OK));
  EXPECT_EQ(r->kernel_status, static_cast<uint32_t>(STA_PLL | STA_INS));
  EXPECT_EQ(r->freq_scaled_ppm, -7 * kPpm);
  EXPECT_TRUE(r->validate().ok());
  ASSERT_TRUE(timer_.has_value());
  EXPECT_TRUE(svc.slewing());

  ASSERT_TRUE(svc.handle(ipc::SetFrequency{100 * kPpm}).ok());
  ASSERT_TRUE(svc.handle(ipc::StepClock{-1000 * kSec}).ok());
  EXPECT_FALSE(svc.slewing());  // a step ends the slew
  EXPECT_FALSE(timer_.has_value());
  ipc::SetKernelStatus st;
  st.leap = ipc::LeapState::kDelete;
  st.synced = true;
  st.maxerror_us = 5000;
  st.esterror_us = 40;
  r = svc.handle(st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->request, ipc::MsgType::kSetKernelStatus);
  EXPECT_EQ(backend_.last_status, st);

  // The slew's base is the kernel's frequency (read: effective 0) until a SetFrequency;
  // SetFrequency during the slew moves the base and keeps the rate; the step restores the base.
  ASSERT_EQ(backend_.calls.size(), 6u);
  EXPECT_EQ(backend_.calls[0].verb, "read");
  EXPECT_EQ(backend_.calls[1].verb, "frequency");
  EXPECT_EQ(backend_.calls[1].arg, -1000 * kPpm);
  EXPECT_EQ(backend_.calls[2].verb, "frequency");
  EXPECT_EQ(backend_.calls[2].arg, -900 * kPpm);
  EXPECT_EQ(backend_.calls[3].verb, "frequency");
  EXPECT_EQ(backend_.calls[3].arg, 100 * kPpm);
  EXPECT_EQ(backend_.calls[4].verb, "step");
  EXPECT_EQ(backend_.calls[4].arg, -1000 * kSec);
  EXPECT_EQ(backend_.calls[5].verb, "status");
}

TEST_F(ClockServiceTest, SlewEndsOnTimerAndOnEndSlew) {
  auto svc = make(&backend_);
  ASSERT_TRUE(svc.handle(ipc::SetFrequency{10 * kPpm}).ok());
  // 1 ms at 1000 ppm: (10^6 + 1000) / 1000 ms of local time.
  ASSERT_TRUE(svc.handle(ipc::SlewOffset{kSec / 1000, 1000 * kPpm}).ok());
  ASSERT_TRUE(timer_.has_value());
  EXPECT_EQ(*timer_, Duration::ns(1'001'000'000));
  EXPECT_EQ(backend_.calls.back().arg, 1010 * kPpm);
  backend_.now = backend_.now + *timer_;
  svc.on_slew_timer();
  EXPECT_FALSE(svc.slewing());
  EXPECT_EQ(backend_.calls.back().verb, "frequency");  // on time: nothing to trim
  EXPECT_EQ(backend_.calls.back().arg, 10 * kPpm);

  ASSERT_TRUE(svc.handle(ipc::SlewOffset{-kSec / 1000, 1000 * kPpm}).ok());
  EXPECT_EQ(backend_.calls.back().arg, -990 * kPpm);
  svc.end_slew();
  EXPECT_FALSE(svc.slewing());
  EXPECT_FALSE(timer_.has_value());
  EXPECT_EQ(backend_.calls.back().arg, 10 * kPpm);
  const size_t n = backend_.calls.size();
  svc.end_slew();  // nothing to end: no clock call
  svc.on_slew_timer();
  EXPECT_EQ(backend_.calls.size(), n);
}

TEST_F(ClockServiceTest, SlewRateBound) {
  auto svc = make(&backend_);
  EXPECT_TRUE(svc.handle(ipc::SlewOffset{kSec, 1000 * kPpm}).ok());
  auto r = svc.handle(ipc::SlewOffset{kSec, 1000 * kPpm + 1});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("out_of_range"), std::string::npos) << r.error();
  EXPECT_FALSE(svc.handle(ipc::SlewOffset{kSec, 0}).ok());
  EXPECT_FALSE(svc.handle(ipc::SlewOffset{kSec, -kPpm}).ok());
}

TEST_F(ClockServiceTest, ViolationsAreFatalAndNeverReachTheBackend) {
  auto svc = make(&backend_);
  ipc::SetKernelStatus contradictory;
  contradictory.leap = ipc::LeapState::kUnsync;
  contradictory.synced = true;
  ipc::SetKernelStatus too_large;
  too_large.maxerror_us = ipc::kKernelMaxErrorUs + 1;
  const ipc::AnyMessage bad[] = {
      ipc::SlewOffset{2 * kSec + 1},
      ipc::SlewOffset{std::numeric_limits<int64_t>::min()},
      ipc::SlewOffset{kSec, 1000 * kPpm + 1},
      ipc::SetFrequency{100 * kPpm + 1},
      ipc::SetFrequency{-101 * kPpm},
      ipc::StepClock{1000 * kSec + 1},
      ipc::StepClock{0},
      contradictory,
      too_large,
      ipc::WriteDrift{101 * kPpm, 0},
      ipc::WriteDrift{0, -1},
      ipc::Hello{ipc::Role::kNet, 42},  // not a clock verb at all
  };
  for (const auto& m : bad) {
    auto r = svc.handle(m);
    ASSERT_FALSE(r.ok()) << static_cast<uint32_t>(ipc::type_of(m));
    EXPECT_FALSE(r.error().empty());
  }
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_FALSE(fs::exists(dir_ / "drift"));
  EXPECT_EQ(svc.recent_steps(), 0u);  // a refused step does not use up the budget
}

TEST_F(ClockServiceTest, ViolationMessageNamesVerbAndReason) {
  auto svc = make(&backend_);
  auto r = svc.handle(ipc::SlewOffset{3 * kSec});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("slew_offset"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("out_of_range"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("3000000000"), std::string::npos) << r.error();
}

TEST_F(ClockServiceTest, StepsDisabledByBounds) {
  auto b = bounds();
  b.max_step_ns = 0;
  auto svc = make(&backend_, b);
  auto r = svc.handle(ipc::StepClock{kSec});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("step_disabled"), std::string::npos) << r.error();
  EXPECT_TRUE(backend_.calls.empty());
}

TEST_F(ClockServiceTest, StepBudgetPerSlidingHour) {
  auto svc = make(&backend_);  // 2 steps per hour
  ASSERT_TRUE(svc.handle(ipc::StepClock{kSec}).ok());
  mono_ += 600 * kSec;
  ASSERT_TRUE(svc.handle(ipc::StepClock{-kSec}).ok());
  mono_ += 600 * kSec;
  auto r = svc.handle(ipc::StepClock{kSec});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("step_rate_exceeded"), std::string::npos) << r.error();
  EXPECT_EQ(backend_.calls.size(), 2u);
  mono_ += 2400 * kSec;  // exactly one hour after the first step: it has left the window
  ASSERT_TRUE(svc.handle(ipc::StepClock{kSec}).ok());
  EXPECT_EQ(backend_.calls.size(), 3u);
  EXPECT_EQ(svc.recent_steps(), 2u);
}

TEST_F(ClockServiceTest, NoAdjustModeRefusesClockVerbsButWritesDrift) {
  ClockService svc(bounds(), nullptr, target(), [this] { return mono_; }, arm());
  EXPECT_FALSE(svc.adjusting());
  ipc::SetKernelStatus st;
  for (const ipc::AnyMessage& m : {ipc::AnyMessage{ipc::SlewOffset{1}},
                                   ipc::AnyMessage{ipc::SetFrequency{0}},
                                   ipc::AnyMessage{ipc::StepClock{1}}, ipc::AnyMessage{st}}) {
    auto r = svc.handle(m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("-x"), std::string::npos) << r.error();
  }
  EXPECT_EQ(svc.recent_steps(), 0u);
  auto r = svc.handle(ipc::WriteDrift{-3 * kPpm, kPpm / 8});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error, 0);
  EXPECT_EQ(slurp("drift"), "            3.000000             0.125000\n");
  EXPECT_TRUE(backend_.calls.empty());  // the recording backend was never given to it
}

TEST_F(ClockServiceTest, BackendErrnoIsAReplyNotAViolation) {
  backend_.fail_with = EPERM;
  auto svc = make(&backend_);
  auto r = svc.handle(ipc::SetFrequency{kPpm});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error, EPERM);
  EXPECT_EQ(r->request, ipc::MsgType::kSetFrequency);
  EXPECT_TRUE(r->validate().ok());
  // Out-of-range errno values (never from a real kernel) become EIO rather than a bad reply.
  EXPECT_EQ(to_clock_result(ipc::MsgType::kSlewOffset,
                            sys::ClockStateResult(Unexpected{sys::Errno{99999}})).error,
            EIO);
}

TEST_F(ClockServiceTest, ReplyFieldsClampedIntoClockResultRanges) {
  sys::ClockState s;
  s.time_state = 9;
  s.status = 0x12345;
  s.freq_scaled_ppm = 600 * kPpm;
  auto r = to_clock_result(ipc::MsgType::kSetFrequency, s);
  EXPECT_TRUE(r.validate().ok());
  EXPECT_EQ(r.time_state, 5u);
  EXPECT_EQ(r.kernel_status, 0x2345u);
  EXPECT_EQ(r.freq_scaled_ppm, ipc::kKernelMaxFreqScaledPpm);
}

TEST_F(ClockServiceTest, WriteDriftInChronydFormatWithSignFlip) {
  auto svc = make(&backend_);
  const mode_t old_umask = ::umask(022);  // the parent's umask
  // Correction +12.345678 ppm (runs faster) = chronyd's "12.345678 ppm slow", written negative.
  const int64_t corr = core::ppm_to_scaled(12.345678);
  auto r = svc.handle(ipc::WriteDrift{corr, core::ppm_to_scaled(0.012345)});
  ::umask(old_umask);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error, 0);
  EXPECT_EQ(r->request, ipc::MsgType::kWriteDrift);
  const std::string text = slurp("drift");
  EXPECT_EQ(text, "          -12.345673             0.012344\n");  // 2^-16 ppm resolution
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "drift").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_TRUE(backend_.calls.empty());  // no clock call for WriteDrift
  // And it reads back as the same correction.
  auto back = core::parse_drift(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(core::correction_from_drift(*back), corr);
}

// A drift file ntpd left (one number, the correction) is rewritten in ntpd's layout.
TEST_F(ClockServiceTest, WriteDriftKeepsNtpdsLayout) {
  put("drift", "-7.125\n");
  auto svc = make(&backend_);
  auto r = svc.handle(ipc::WriteDrift{core::ppm_to_scaled(12.5), core::ppm_to_scaled(0.25)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error, 0);
  EXPECT_EQ(slurp("drift"), "12.500\n");  // ntpd's sign: the correction itself
  // A chrony file, or none, gets chrony's layout.
  put("drift", "1.0 0.5\n");
  ASSERT_TRUE(svc.handle(ipc::WriteDrift{core::ppm_to_scaled(12.5), 0}).ok());
  EXPECT_EQ(slurp("drift"), "          -12.500000             0.000000\n");
}

TEST_F(ClockServiceTest, WriteDriftFailureIsReportedAsErrno) {
  fs::create_directory(dir_ / "drift");
  std::ofstream(dir_ / "drift" / "x") << "";  // renameat over a non-empty directory fails
  auto svc = make(&backend_);
  auto r = svc.handle(ipc::WriteDrift{kPpm, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->error, 0);
}

TEST_F(ClockServiceTest, WriteDriftWithoutTargetIsIgnored) {
  ClockService svc(bounds(), &backend_, std::nullopt, [this] { return mono_; }, arm());
  auto r = svc.handle(ipc::WriteDrift{kPpm, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error, 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator{}), 0);
}

TEST_F(ClockServiceTest, InvalidBoundsMakeEveryVerbFatal) {
  auto b = bounds();
  b.max_slew_ns = 0;
  auto svc = make(&backend_, b);
  EXPECT_FALSE(svc.handle(ipc::SlewOffset{0}).ok());
  EXPECT_FALSE(svc.handle(ipc::WriteDrift{0, 0}).ok());
  EXPECT_TRUE(backend_.calls.empty());
}

}  // namespace
}  // namespace tempus::proc
