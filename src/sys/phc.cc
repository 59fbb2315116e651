// SPDX-License-Identifier: ISC
#include "sys/phc.h"

#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

namespace tempus::sys {

namespace {

core::PhcTime phc_time(const ptp_clock_time& t) { return {t.sec, t.nsec}; }

// What a device (or an older kernel) answers for an ioctl it does not implement.
bool unsupported(Errno e) { return e.code == EOPNOTSUPP || e.code == ENOTTY || e.code == EINVAL; }

}  // namespace

core::Status<Errno> PhcFd::ioctl(unsigned long request, void* arg) {
  int r;
  do {
    r = ::ioctl(fd_.get(), request, arg);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return core::Unexpected{last_errno()};
  return {};
}

core::Result<ipc::UniqueFd, Errno> open_phc(const std::string& path) {
  ipc::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return core::Unexpected{last_errno()};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::Unexpected{last_errno()};
  if (!S_ISCHR(st.st_mode)) return core::Unexpected{Errno{ENOTTY}};
  return fd;
}

std::string_view to_string(PhcMethod m) {
  switch (m) {
    case PhcMethod::kPrecise: return "PTP_SYS_OFFSET_PRECISE";
    case PhcMethod::kExtended: return "PTP_SYS_OFFSET_EXTENDED";
    case PhcMethod::kBasic: return "PTP_SYS_OFFSET";
  }
  return "?";
}

PhcReader::PhcReader(PhcDevice& device, bool cross_timestamps, unsigned samples)
    : device_(device),
      samples_(std::clamp(samples, 1u, static_cast<unsigned>(PTP_MAX_SAMPLES))),
      method_(cross_timestamps ? PhcMethod::kPrecise : PhcMethod::kExtended) {}

core::Result<PhcReading, Errno> PhcReader::read() {
  if (exhausted_) return core::Unexpected{last_unsupported_};
  for (;;) {
    auto r = read_with(method_);
    if (r || !unsupported(r.error())) return r;
    last_unsupported_ = r.error();
    if (method_ == PhcMethod::kBasic) {
      exhausted_ = true;
      return r;
    }
    method_ = method_ == PhcMethod::kPrecise ? PhcMethod::kExtended : PhcMethod::kBasic;
    ++fallbacks_;
  }
}

core::Result<PhcReading, Errno> PhcReader::read_with(PhcMethod m) {
  PhcReading out;
  out.method = m;
  switch (m) {
    case PhcMethod::kPrecise: {
      ptp_sys_offset_precise p{};
      if (auto s = device_.ioctl(PTP_SYS_OFFSET_PRECISE, &p); !s) return core::Unexpected{s.error()};
      const core::PhcTime sys = phc_time(p.sys_realtime);
      out.triplets.push_back({sys, phc_time(p.device), sys});
      return out;
    }
    case PhcMethod::kExtended: {
      ptp_sys_offset_extended e{};
      e.n_samples = samples_;
      if (auto s = device_.ioctl(PTP_SYS_OFFSET_EXTENDED, &e); !s)
        return core::Unexpected{s.error()};
      const unsigned n = std::min(e.n_samples, samples_);
      for (unsigned i = 0; i < n; ++i)
        out.triplets.push_back({phc_time(e.ts[i][0]), phc_time(e.ts[i][1]), phc_time(e.ts[i][2])});
      break;
    }
    case PhcMethod::kBasic: {
      ptp_sys_offset b{};
      b.n_samples = samples_;
      if (auto s = device_.ioctl(PTP_SYS_OFFSET, &b); !s) return core::Unexpected{s.error()};
      const unsigned n = std::min(b.n_samples, samples_);
      for (unsigned i = 0; i < n; ++i)
        out.triplets.push_back(
            {phc_time(b.ts[2 * i]), phc_time(b.ts[2 * i + 1]), phc_time(b.ts[2 * i + 2])});
      break;
    }
  }
  if (out.triplets.empty()) return core::Unexpected{Errno{EIO}};
  return out;
}

}  // namespace tempus::sys
