// SPDX-License-Identifier: ISC
// Reading a PTP hardware clock (/dev/ptpN, /dev/ptp_hyperv) against CLOCK_REALTIME for the
// `refclock PHC` driver. Three ioctls, best first:
//   PTP_SYS_OFFSET_PRECISE   a hardware cross-timestamp (both clocks latched at once);
//   PTP_SYS_OFFSET_EXTENDED  [sys, phc, sys] triplets taken by the driver around the read;
//   PTP_SYS_OFFSET           interleaved sys, phc, sys, ... timestamps (every PHC driver).
// The reader starts with the best one the options allow (`:nocrossts` skips PRECISE) and
// steps down for good when the device answers EOPNOTSUPP, ENOTTY or EINVAL. These three
// requests are the only ioctls the net role's seccomp filter lets through besides FIONREAD.
//
// The device is opened read-only before the sandbox closes; the ioctls go through PhcDevice so
// tests can script a device.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/refclock_phc.h"
#include "core/result.h"
#include "ipc/unique_fd.h"
#include "sys/errno_result.h"

namespace tempus::sys {

// ioctl(2) on one device. Implementations fill `arg` as the kernel would.
class PhcDevice {
 public:
  virtual ~PhcDevice() = default;
  virtual core::Status<Errno> ioctl(unsigned long request, void* arg) = 0;
};

// The real device: an fd opened by open_phc().
class PhcFd final : public PhcDevice {
 public:
  explicit PhcFd(ipc::UniqueFd fd) : fd_(std::move(fd)) {}
  core::Status<Errno> ioctl(unsigned long request, void* arg) override;

 private:
  ipc::UniqueFd fd_;
};

// Opens `path` read-only (O_CLOEXEC). Not a character device: ENOTTY. Call before the sandbox.
core::Result<ipc::UniqueFd, Errno> open_phc(const std::string& path);

enum class PhcMethod : uint8_t { kPrecise, kExtended, kBasic };
std::string_view to_string(PhcMethod m);  // the ioctl's name, e.g. "PTP_SYS_OFFSET_EXTENDED"

struct PhcReading {
  PhcMethod method = PhcMethod::kPrecise;
  std::vector<core::PhcTriplet> triplets;  // 1 for PRECISE, else `samples`
};

class PhcReader {
 public:
  // Readings per EXTENDED or basic ioctl (the kernel allows 1..25).
  static constexpr unsigned kDefaultSamples = 10;
  PhcReader(PhcDevice& device, bool cross_timestamps, unsigned samples = kDefaultSamples);

  // One reading with the current method, stepping down (and retrying at once) while the device
  // says the method is unsupported. Other errors leave the method as it is. When even
  // PTP_SYS_OFFSET is unsupported the last errno is returned, now and on every later call.
  core::Result<PhcReading, Errno> read();
  PhcMethod method() const { return method_; }
  // How many times the reader has stepped down (a log line when it changes).
  size_t fallbacks() const { return fallbacks_; }

 private:
  core::Result<PhcReading, Errno> read_with(PhcMethod m);

  PhcDevice& device_;
  unsigned samples_;
  PhcMethod method_;
  size_t fallbacks_ = 0;
  bool exhausted_ = false;
  Errno last_unsupported_;
};

}  // namespace tempus::sys
