// SPDX-License-Identifier: ISC
#include "proc/refclock_phc.h"

#include <algorithm>

#include "core/packet.h"
#include "sys/log.h"

namespace tempus::proc {

namespace {

core::Duration precision_of(const config::Refclock& rc) {
  return rc.precision > core::Duration() ? rc.precision
                                         : core::Engine::RefclockOptions{}.precision;
}

}  // namespace

core::Engine::RefclockOptions refclock_options(const config::Refclock& rc) {
  core::Engine::RefclockOptions o;
  o.ref_id = core::ref_id_ascii(rc.refid);
  o.offset = rc.offset;
  o.delay = rc.delay;
  o.precision = precision_of(rc);
  o.stratum = static_cast<uint8_t>(std::clamp(rc.stratum, 0, 15));
  if (rc.max_samples) o.stats.max_samples = static_cast<size_t>(std::max(1, *rc.max_samples));
  if (rc.min_samples) o.stats.min_samples = static_cast<size_t>(std::max(0, *rc.min_samples));
  o.prefer = rc.prefer;
  o.noselect = rc.noselect;
  o.trust = rc.trust;
  o.require = rc.require;
  o.poll.log2 = static_cast<int8_t>(std::clamp(rc.poll, int{core::PollLog::kMin},
                                               int{core::PollLog::kMax}));
  if (rc.driver == "PHC") {
    o.filter = core::RefclockFilterConfig{.length = static_cast<size_t>(std::max(1, rc.filter)),
                                          .poll = rc.poll,
                                          .dpoll = rc.dpoll,
                                          .max_dispersion = rc.max_dispersion};
    const core::RefclockFilter f(*o.filter);
    const auto poll = f.read_interval() * static_cast<int64_t>(f.reads_per_poll());
    o.timeout = std::max(o.timeout, poll * 4);
  }
  return o;
}

PhcRefclock::PhcRefclock(const config::Refclock& rc, std::unique_ptr<sys::PhcDevice> device)
    : device_(rc.device), precision_(precision_of(rc)), tai_(rc.tai), dev_(std::move(device)),
      reader_(*dev_, !rc.nocrossts) {}

std::unique_ptr<PhcRefclock> PhcRefclock::open(const config::Refclock& rc, bool have_leap_table) {
  const std::string where = rc.where.to_string();
  if (rc.tai && !have_leap_table)
    sys::fatal("%s: refclock PHC %s: 'tai' needs a leap second table (leapsectz or leapseclist)",
               where.c_str(), rc.device.c_str());
  auto fd = sys::open_phc(rc.device);
  if (!fd)
    sys::fatal("%s: refclock PHC %s: cannot open: %s", where.c_str(), rc.device.c_str(),
               sys::to_string(fd.error()).c_str());
  auto phc = std::make_unique<PhcRefclock>(rc, std::make_unique<sys::PhcFd>(std::move(*fd)));
  auto first = phc->reader_.read();
  if (!first)
    sys::fatal("%s: refclock PHC %s: cannot read the clock: %s", where.c_str(), rc.device.c_str(),
               sys::to_string(first.error()).c_str());
  phc->fallbacks_logged_ = phc->reader_.fallbacks();
  sys::logf(sys::Severity::kInfo, "refclock PHC %s: reading with %s", rc.device.c_str(),
            std::string(sys::to_string(phc->reader_.method())).c_str());
  return phc;
}

std::optional<core::RefclockSample> PhcRefclock::read(LocalClock& clock, int32_t tai_minus_utc_s) {
  auto r = reader_.read();
  if (reader_.fallbacks() != fallbacks_logged_) {
    fallbacks_logged_ = reader_.fallbacks();
    sys::logf(sys::Severity::kInfo, "refclock PHC %s: now reading with %s", device_.c_str(),
              std::string(sys::to_string(reader_.method())).c_str());
  }
  std::string error;
  std::optional<core::PhcMeasurement> m;
  if (!r) {
    error = sys::to_string(r.error());
  } else if (auto x = core::measure_phc(r->triplets, precision_, tai_ ? tai_minus_utc_s : 0); !x) {
    error = std::string(core::to_string(x.error()));
  } else {
    m = *x;
  }
  if (!m) {
    // Once per failing stretch at warning level, then at debug.
    sys::logf(failing_ ? sys::Severity::kDebug : sys::Severity::kWarning,
              "refclock PHC %s: read failed: %s", device_.c_str(), error.c_str());
    failing_ = true;
    return std::nullopt;
  }
  if (failing_) sys::logf(sys::Severity::kInfo, "refclock PHC %s: reading again", device_.c_str());
  failing_ = false;
  // The measurement is against CLOCK_REALTIME; the local clock may be the -x virtual one.
  const core::Timestamp local = clock.from_realtime(m->sys_time);
  return core::RefclockSample{.time = local,
                              .offset = m->offset - (local - m->sys_time),
                              .dispersion = m->dispersion};
}

}  // namespace tempus::proc
