// SPDX-License-Identifier: ISC
// tempusctl status (ntpstat's report and exit codes) and tempusctl metrics (Prometheus text),
// both from the command protocol; part of commands.h.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "core/chronyc_json.h"
#include "core/chronyc_reports.h"
#include "core/cmdmon_reply.h"
#include "ctl/commands.h"

namespace tempus::ctl {

namespace {

namespace cm = core::cmdmon;
namespace cc = core::chronyc;

[[gnu::format(printf, 1, 2)]] std::string fmt(const char* f, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, f);
  const int n = std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return n < 0 ? std::string() : std::string(buf);
}

// A body of `format` for a request, or nullopt without printing anything.
template <class T>
std::optional<T> quiet(Session& s, uint16_t command, uint16_t format, uint32_t index = 0,
                       const cm::Address& address = {}) {
  cm::Request q;
  q.command = command;
  q.index = index;
  q.address = address;
  auto r = s.ask(q);
  if (!r || r->status != cm::Status::kSuccess || cm::format_of(r->body) != format)
    return std::nullopt;
  return std::get<T>(r->body);
}

constexpr const char* kNoDaemon = "Unable to talk to NTP daemon. Is it running?\n";

}  // namespace

// ntpstat (the RHEL version, chronyc's branch): `chronyc -n tracking` for the leap status,
// the reference's address, stratum and distance (root delay / 2 + root dispersion + the system
// time offset, each as printed), then the poll of the `chronyc -n sources` line that names the
// reference. Exit 0 synchronised, 1 not (or beyond -m MAX ms), 2 no daemon.
int status(Session& s, const std::vector<std::string>& w) {
  std::optional<double> max_ms;
  std::string max_text;
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == "-m" && i + 1 < w.size()) {
      max_text = w[++i];
      char* end = nullptr;
      max_ms = std::strtod(max_text.c_str(), &end);
      if (end == max_text.c_str()) max_ms = 0.0;
    } else {
      s.err += "Usage: tempusctl status [-m MAXERROR]\n";
      return 3;
    }
  }
  const auto t = quiet<cm::Tracking>(s, cm::cmd::kTracking, cm::rpy::kTracking);
  if (!t) {
    s.err += kNoDaemon;
    return 2;
  }
  cc::Naming numeric;
  numeric.numeric = true;
  const bool unspec = !t->address.ip && t->address.id == 0;
  const std::string address = cc::format_name(t->address, unspec, t->ref_id, false, 0, numeric);
  // The fields as chronyc prints them, summed as ntpstat's awk does.
  const double delay = std::strtod(fmt("%.9f", t->root_delay).c_str(), nullptr);
  const double disp = std::strtod(fmt("%.9f", t->root_dispersion).c_str(), nullptr);
  const double offset = std::strtod(fmt("%.9f", std::fabs(t->current_correction)).c_str(), nullptr);
  const std::string distance = fmt("%.3f", (delay / 2.0 + disp + offset) * 1e3);
  std::optional<int> poll;
  if (!address.empty()) {
    const auto n = quiet<cm::NSources>(s, cm::cmd::kNSources, cm::rpy::kNSources);
    if (!n) {
      s.err += kNoDaemon;
      return 2;
    }
    for (uint32_t i = 0; i < n->n && !poll; ++i) {
      const auto d = quiet<cm::SourceData>(s, cm::cmd::kSourceData, cm::rpy::kSourceData, i);
      if (!d) {
        s.err += kNoDaemon;
        return 2;
      }
      if (cc::sources_row(*d, false, numeric).find(" " + address + " ") != std::string::npos)
        poll = d->poll;
    }
    // ntpstat gives up on chronyd when no line names the reference.
    if (!poll) {
      s.err += kNoDaemon;
      return 2;
    }
  }
  const bool synced = t->leap <= 2;
  const double dist_ms = std::strtod(distance.c_str(), nullptr);
  const bool exceeded = synced && max_ms && dist_ms > *max_ms;
  if (s.json) {
    cc::json::Json j{{"synchronised", synced},
                     {"reference", address},
                     {"stratum", t->stratum},
                     {"distance_s", dist_ms / 1e3},
                     {"poll", poll ? cc::json::Json(*poll) : cc::json::Json()}};
    s.out += j.dump(2) + "\n";
    return synced && !exceeded ? 0 : 1;
  }
  if (synced) {
    s.out += "synchronised to NTP server";
    if (!address.empty()) s.out += " (" + address + ")";
    s.out += fmt(" at stratum %d\n", t->stratum);
    s.out += fmt("   time correct to within %.0f ms", dist_ms);
    s.out += exceeded ? " (exceeded maximum of " + max_text + " ms)\n" : "\n";
  } else {
    s.out += "unsynchronised\n";
  }
  if (poll) {
    s.out += fmt("   polling server every %lld s\n",
                 *poll >= 0 ? 1LL << std::min(*poll, 62) : 0LL);
  } else {
    s.out += "poll interval unknown\n";
  }
  return synced && !exceeded ? 0 : 1;
}

int metrics(Session& s) {
  cc::MetricsInput in;
  in.tracking = quiet<cm::Tracking>(s, cm::cmd::kTracking, cm::rpy::kTracking);
  in.up = in.tracking.has_value();
  if (in.up) {
    const auto n = quiet<cm::NSources>(s, cm::cmd::kNSources, cm::rpy::kNSources);
    for (uint32_t i = 0; n && i < n->n; ++i) {
      auto d = quiet<cm::SourceData>(s, cm::cmd::kSourceData, cm::rpy::kSourceData, i);
      if (!d) break;
      cc::MetricsInput::Source src;
      src.data = *d;
      src.stats = quiet<cm::SourceStats>(s, cm::cmd::kSourceStats, cm::rpy::kSourceStats, i);
      if (d->mode == cm::SourceData::kRefclock && d->address.ip && d->address.ip->is_v4()) {
        src.name = cc::refid_text(d->address.ip->v4_value());
      } else {
        auto name = quiet<cm::SourceName>(s, cm::cmd::kNtpSourceName, cm::rpy::kNtpSourceName,
                                          0, d->address);
        src.name = name ? name->name : cc::address_text(d->address);
      }
      in.sources.push_back(std::move(src));
    }
    in.server = quiet<cm::ServerStats>(s, cm::cmd::kServerStats, cm::rpy::kServerStats3);
  }
  if (s.processes) in.processes = s.processes();
  s.out += cc::metrics(in);
  return in.up ? 0 : 1;
}

}  // namespace tempus::ctl
