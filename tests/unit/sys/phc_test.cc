// SPDX-License-Identifier: ISC
// The PHC reader against a scripted device: what each ioctl returns, the fallback from
// PTP_SYS_OFFSET_PRECISE to _EXTENDED to PTP_SYS_OFFSET, and open_phc on things that are not
// PHCs (this machine need not have one).
#include "sys/phc.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/ptp_clock.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <vector>

namespace tempus::sys {
namespace {

constexpr int64_t kSec = 1'700'000'000;

// A device whose answer per request is scripted: an errno, or success filled by `fill`.
class FakePhc final : public PhcDevice {
 public:
  std::map<unsigned long, int> errors;  // request → errno (absent: success)
  std::vector<unsigned long> calls;
  unsigned returned_samples = 0;  // 0: as many as asked
  unsigned asked = 0;

  core::Status<Errno> ioctl(unsigned long request, void* arg) override {
    calls.push_back(request);
    if (auto it = errors.find(request); it != errors.end())
      return core::Unexpected{Errno{it->second}};
    if (request == PTP_SYS_OFFSET_PRECISE) {
      auto* p = static_cast<ptp_sys_offset_precise*>(arg);
      p->device = {kSec, 500, 0};
      p->sys_realtime = {kSec, 400, 0};
      p->sys_monoraw = {12, 0, 0};
    } else if (request == PTP_SYS_OFFSET_EXTENDED) {
      auto* e = static_cast<ptp_sys_offset_extended*>(arg);
      asked = e->n_samples;
      if (returned_samples) e->n_samples = returned_samples;
      for (unsigned i = 0; i < std::min<unsigned>(e->n_samples, PTP_MAX_SAMPLES); ++i) {
        const uint32_t base = 1000 * i;
        e->ts[i][0] = {kSec, base, 0};
        e->ts[i][1] = {kSec, base + 60 + i, 0};
        e->ts[i][2] = {kSec, base + 100 - i, 0};  // windows shrink with i: the last is best
      }
    } else if (request == PTP_SYS_OFFSET) {
      auto* b = static_cast<ptp_sys_offset*>(arg);
      asked = b->n_samples;
      for (unsigned i = 0; i <= 2 * b->n_samples; ++i)
        b->ts[i] = {kSec, 100 * i, 0};  // sys at even, PHC at odd indices: PHC on the midpoint
    } else {
      return core::Unexpected{Errno{ENOTTY}};
    }
    return {};
  }
};

TEST(PhcReader, PreciseCrossTimestamp) {
  FakePhc dev;
  PhcReader r(dev, /*cross_timestamps=*/true);
  const auto x = r.read();
  ASSERT_TRUE(x.ok()) << to_string(x.error());
  EXPECT_EQ(x->method, PhcMethod::kPrecise);
  ASSERT_EQ(x->triplets.size(), 1u);
  const auto m = core::measure_phc(x->triplets, core::Duration(), 0);
  EXPECT_EQ(m->offset, core::Duration::ns(100));
  EXPECT_EQ(m->window, core::Duration());
  EXPECT_EQ(dev.calls, (std::vector<unsigned long>{PTP_SYS_OFFSET_PRECISE}));
}

TEST(PhcReader, PreciseUnsupportedFallsBackToExtendedForGood) {
  FakePhc dev;
  dev.errors[PTP_SYS_OFFSET_PRECISE] = EOPNOTSUPP;
  PhcReader r(dev, true, 5);
  const auto x = r.read();
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->method, PhcMethod::kExtended);
  EXPECT_EQ(r.method(), PhcMethod::kExtended);
  EXPECT_EQ(r.fallbacks(), 1u);
  EXPECT_EQ(dev.asked, 5u);
  ASSERT_EQ(x->triplets.size(), 5u);
  const auto m = core::measure_phc(x->triplets, core::Duration(), 0);
  EXPECT_EQ(m->window, core::Duration::ns(96));  // the fifth: 4000 .. 4096, PHC 4064
  EXPECT_EQ(m->offset, core::Duration::ns(4064 - 4048));
  ASSERT_TRUE(r.read().ok());
  // PRECISE was asked once only.
  EXPECT_EQ(dev.calls, (std::vector<unsigned long>{PTP_SYS_OFFSET_PRECISE, PTP_SYS_OFFSET_EXTENDED,
                                                   PTP_SYS_OFFSET_EXTENDED}));
}

TEST(PhcReader, NoCrossTimestampsStartsWithExtended) {
  FakePhc dev;
  PhcReader r(dev, /*cross_timestamps=*/false);
  const auto x = r.read();
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->method, PhcMethod::kExtended);
  EXPECT_EQ(dev.asked, PhcReader::kDefaultSamples);
  EXPECT_EQ(dev.calls, (std::vector<unsigned long>{PTP_SYS_OFFSET_EXTENDED}));
}

TEST(PhcReader, HyperVStyleDeviceEndsAtBasic) {
  // /dev/ptp_hyperv: no cross-timestamps, no extended readings (an older kernel says ENOTTY).
  FakePhc dev;
  dev.errors[PTP_SYS_OFFSET_PRECISE] = EOPNOTSUPP;
  dev.errors[PTP_SYS_OFFSET_EXTENDED] = ENOTTY;
  PhcReader r(dev, true, 3);
  const auto x = r.read();
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->method, PhcMethod::kBasic);
  EXPECT_EQ(r.fallbacks(), 2u);
  ASSERT_EQ(x->triplets.size(), 3u);
  // sys 0, 200, 400, 600 with PHC at 100, 300, 500: each triplet's PHC on its midpoint.
  EXPECT_EQ(x->triplets[1].sys_before.nsec, 200u);
  EXPECT_EQ(x->triplets[1].phc.nsec, 300u);
  EXPECT_EQ(x->triplets[1].sys_after.nsec, 400u);
  EXPECT_EQ(core::measure_phc(x->triplets, core::Duration(), 0)->offset, core::Duration());
}

TEST(PhcReader, OtherErrorsKeepTheMethod) {
  FakePhc dev;
  dev.errors[PTP_SYS_OFFSET_PRECISE] = EIO;
  PhcReader r(dev, true);
  const auto x = r.read();
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().code, EIO);
  EXPECT_EQ(r.method(), PhcMethod::kPrecise);
  dev.errors.clear();
  EXPECT_TRUE(r.read().ok());
  EXPECT_EQ(r.fallbacks(), 0u);
}

TEST(PhcReader, NothingSupportedIsAnErrorForGood) {
  FakePhc dev;
  dev.errors[PTP_SYS_OFFSET_PRECISE] = EOPNOTSUPP;
  dev.errors[PTP_SYS_OFFSET_EXTENDED] = EOPNOTSUPP;
  dev.errors[PTP_SYS_OFFSET] = EINVAL;
  PhcReader r(dev, true);
  EXPECT_EQ(r.read().error().code, EINVAL);
  const size_t calls = dev.calls.size();
  EXPECT_EQ(calls, 3u);
  EXPECT_EQ(r.read().error().code, EINVAL);
  EXPECT_EQ(dev.calls.size(), calls);  // not asked again
}

TEST(PhcReader, ShortOrEmptyAnswers) {
  FakePhc dev;
  dev.returned_samples = 2;
  PhcReader r(dev, false, 8);
  const auto x = r.read();
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->triplets.size(), 2u);
  // More than asked is cut to what was asked; sample counts are clamped to 1..25.
  dev.returned_samples = 30;
  EXPECT_EQ(r.read()->triplets.size(), 8u);
  PhcReader big(dev, false, 1000);
  dev.returned_samples = 0;
  EXPECT_EQ(big.read()->triplets.size(), static_cast<size_t>(PTP_MAX_SAMPLES));
  PhcReader none(dev, false, 0);
  EXPECT_EQ(none.read()->triplets.size(), 1u);
}

TEST(PhcOpen, RefusesWhatIsNotACharacterDevice) {
  EXPECT_EQ(open_phc("/nonexistent/ptp0").error().code, ENOENT);
  char path[] = "/tmp/tempus-phc-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(open_phc(path).error().code, ENOTTY);
  unlink(path);
  // A character device that is no PHC opens, and then answers ENOTTY to every reading.
  auto null = open_phc("/dev/null");
  ASSERT_TRUE(null.ok());
  EXPECT_EQ(fcntl(null->get(), F_GETFL) & O_ACCMODE, O_RDONLY);
  EXPECT_TRUE(fcntl(null->get(), F_GETFD) & FD_CLOEXEC);
  PhcFd dev(std::move(*null));
  PhcReader r(dev, true);
  EXPECT_EQ(r.read().error().code, ENOTTY);
  EXPECT_EQ(r.method(), PhcMethod::kBasic);
}

}  // namespace
}  // namespace tempus::sys
