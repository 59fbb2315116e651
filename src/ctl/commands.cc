// SPDX-License-Identifier: ISC
#include "ctl/commands.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/chronyc_json.h"
#include "core/chronyc_reports.h"
#include "core/cmdmon_reply.h"

namespace tempus::ctl {

namespace {

namespace cm = core::cmdmon;
namespace cc = core::chronyc;
using Json = cc::json::Json;

// The longest chronyc would page through `clients` (8 records a request), as a bound.
constexpr int kMaxClientPages = 1 << 16;

void emit(Session& s, const std::string& text) {
  if (!s.json) s.out += text;
}

void print_json(Session& s, const Json& j) { s.out += j.dump(2) + "\n"; }

// chronyc's request_reply(): the reply when it is a success of `format`, else nullopt with the
// reason printed as chronyc prints it.
std::optional<cm::Reply> request_reply(Session& s, const cm::Request& q, uint16_t format) {
  auto r = s.ask(q);
  if (!r) {
    s.out += std::string(cc::kCannotTalk) + "\n";
    return std::nullopt;
  }
  const auto status = static_cast<uint16_t>(r->status);
  if (status != 0) {
    s.out += cc::status_text(status) + "\n";
    if (status != 8 && status != 9) return std::nullopt;  // access allowed / denied
  }
  if (cm::format_of(r->body) != format) {
    s.out += std::string(cc::kBadReply) + "\n";
    return std::nullopt;
  }
  return r;
}

template <class T>
std::optional<T> ask_body(Session& s, uint16_t command, uint16_t format,
                          const std::function<void(cm::Request&)>& fill = {}) {
  cm::Request q;
  q.command = command;
  if (fill) fill(q);
  auto r = request_reply(s, q, format);
  if (!r) return std::nullopt;
  return std::get<T>(r->body);
}

std::optional<uint32_t> n_sources(Session& s) {
  auto n = ask_body<cm::NSources>(s, cm::cmd::kNSources, cm::rpy::kNSources);
  if (!n) return std::nullopt;
  return n->n;
}

template <class T>
std::optional<T> by_index(Session& s, uint16_t command, uint16_t format, uint32_t i) {
  return ask_body<T>(s, command, format, [i](cm::Request& q) { q.index = i; });
}

template <class T>
std::optional<T> by_address(Session& s, uint16_t command, uint16_t format,
                            const cm::Address& a) {
  return ask_body<T>(s, command, format, [&a](cm::Request& q) { q.address = a; });
}

// chronyc's parse_sources_options(): -a and -v anywhere, other words ignored; no -v with -c.
struct SourceOptions {
  bool all = false, verbose = false;
};
SourceOptions source_options(const Session& s, const std::vector<std::string>& w) {
  SourceOptions o;
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == "-a") o.all = true;
    if (w[i] == "-v") o.verbose = !s.naming.csv;
  }
  return o;
}

bool is_id(const cm::Address& a) { return !a.ip && a.id != 0; }

int sources(Session& s, const std::vector<std::string>& w) {
  const auto o = source_options(s, w);
  const auto n = n_sources(s);
  if (!n) return 1;
  emit(s, cc::sources_header(o.verbose, s.naming.csv));
  Json list = Json::array();
  for (uint32_t i = 0; i < *n; ++i) {
    auto d = by_index<cm::SourceData>(s, cm::cmd::kSourceData, cm::rpy::kSourceData, i);
    if (!d) return 1;
    emit(s, cc::sources_row(*d, o.all, s.naming));
    if (s.json && (o.all || !is_id(d->address))) list.push_back(cc::json::source(*d, s.naming));
  }
  if (s.json) print_json(s, Json{{"sources", list}});
  return 0;
}

int sourcestats(Session& s, const std::vector<std::string>& w) {
  const auto o = source_options(s, w);
  const auto n = n_sources(s);
  if (!n) return 1;
  emit(s, cc::sourcestats_header(o.verbose, s.naming.csv));
  Json list = Json::array();
  for (uint32_t i = 0; i < *n; ++i) {
    auto d = by_index<cm::SourceStats>(s, cm::cmd::kSourceStats, cm::rpy::kSourceStats, i);
    if (!d) return 1;
    emit(s, cc::sourcestats_row(*d, o.all, s.naming));
    if (s.json && (o.all || !is_id(d->address)))
      list.push_back(cc::json::sourcestats(*d, s.naming));
  }
  if (s.json) print_json(s, Json{{"sourcestats", list}});
  return 0;
}

int selectdata(Session& s, const std::vector<std::string>& w) {
  const auto o = source_options(s, w);
  const auto n = n_sources(s);
  if (!n) return 1;
  emit(s, cc::selectdata_header(o.verbose, s.naming.csv));
  Json list = Json::array();
  for (uint32_t i = 0; i < *n; ++i) {
    auto d = by_index<cm::SelectData>(s, cm::cmd::kSelectData, cm::rpy::kSelectData, i);
    if (!d) return 1;
    emit(s, cc::selectdata_row(*d, o.all, s.naming));
    if (s.json && (o.all || !is_id(d->address)))
      list.push_back(cc::json::selectdata(*d, s.naming));
  }
  if (s.json) print_json(s, Json{{"selectdata", list}});
  return 0;
}

int authdata(Session& s, const std::vector<std::string>& w) {
  const auto o = source_options(s, w);
  const auto n = n_sources(s);
  if (!n) return 1;
  emit(s, cc::authdata_header(o.verbose, s.naming.csv));
  Json list = Json::array();
  for (uint32_t i = 0; i < *n; ++i) {
    auto d = by_index<cm::SourceData>(s, cm::cmd::kSourceData, cm::rpy::kSourceData, i);
    if (!d) return 1;
    if (!cc::authdata_wanted(*d, o.all)) continue;
    auto a = by_address<cm::AuthData>(s, cm::cmd::kAuthData, cm::rpy::kAuthData, d->address);
    if (!a) return 1;
    emit(s, cc::authdata_row(d->address, *a, s.naming));
    if (s.json) list.push_back(cc::json::authdata(d->address, *a, s.naming));
  }
  if (s.json) print_json(s, Json{{"authdata", list}});
  return 0;
}

int ntpdata(Session& s, const std::vector<std::string>& w) {
  std::vector<cm::Address> wanted;
  const bool specified = w.size() > 1;
  if (specified) {
    auto a = parse_address(w[1]);
    if (!a) {
      s.err += "Could not get address for hostname\n";
      return 1;
    }
    wanted.push_back(*a);
  }
  Json list = Json::array();
  auto one = [&](const cm::Address& a) {
    auto d = by_address<cm::NtpData>(s, cm::cmd::kNtpData, cm::rpy::kNtpData, a);
    if (!d) return false;
    emit(s, cc::ntpdata(*d, !specified, s.naming));
    if (s.json) list.push_back(cc::json::ntpdata(*d, s.naming));
    return true;
  };
  if (specified) {
    if (!one(wanted[0])) return 1;
  } else {
    const auto n = n_sources(s);
    if (!n) return 1;
    for (uint32_t i = 0; i < *n; ++i) {
      auto d = by_index<cm::SourceData>(s, cm::cmd::kSourceData, cm::rpy::kSourceData, i);
      if (!d) return 1;
      if (cc::ntpdata_wanted(*d) && !one(d->address)) return 1;
    }
  }
  if (s.json) print_json(s, Json{{"ntpdata", list}});
  return 0;
}

int clients(Session& s, const std::vector<std::string>& w) {
  bool nke = false;
  uint32_t min_hits = 0, reset = 0;
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == "-k") {
      nke = true;
    } else if (w[i] == "-r") {
      reset = 1;
    } else if (w[i] == "-p") {
      char* end = nullptr;
      const std::string arg = i + 1 < w.size() ? w[++i] : "";
      const unsigned long v = std::strtoul(arg.c_str(), &end, 10);
      if (arg.empty() || end == arg.c_str() || v > 0xffffffff) {
        s.err += "Invalid syntax for clients command\n";
        return 1;
      }
      min_hits = static_cast<uint32_t>(v);
    }
  }
  emit(s, cc::clients_header(nke, s.naming.csv));
  Json list = Json::array();
  uint32_t next = 0;
  for (int page = 0; page < kMaxClientPages; ++page) {
    auto r = ask_body<cm::ClientAccesses>(
        s, cm::cmd::kClientAccessesByIndex3, cm::rpy::kClientAccesses3, [&](cm::Request& q) {
          q.clients = {next, static_cast<uint32_t>(cm::ClientAccesses::kMax), min_hits, reset};
        });
    if (!r) return 1;
    for (const auto& c : r->clients) {
      emit(s, cc::clients_row(c, nke, s.naming));
      if (s.json && (c.address.ip || c.address.id)) list.push_back(cc::json::client(c, s.naming));
    }
    next = r->next_index;
    if (next >= r->n_indices || r->clients.size() < cm::ClientAccesses::kMax) break;
  }
  if (s.json) print_json(s, Json{{"clients", list}});
  return 0;
}

int sourcename(Session& s, const std::vector<std::string>& w) {
  auto a = w.size() > 1 ? parse_address(w[1]) : std::nullopt;
  if (!a) {
    s.err += "Could not read address\n";
    return 1;
  }
  auto n = by_address<cm::SourceName>(s, cm::cmd::kNtpSourceName, cm::rpy::kNtpSourceName, *a);
  if (!n || !cc::printable_name(n->name)) return 1;
  emit(s, cc::sourcename(n->name, s.naming.csv));
  if (s.json) print_json(s, Json{{"name", n->name}});
  return 0;
}

// sscanf("%d %lf %lf %lf") as chronyc parses waitsync's arguments: up to the first bad word.
int waitsync(Session& s, const std::vector<std::string>& w) {
  int max_tries = 0;
  double limits[3] = {0.0, 0.0, 10.0};  // max correction, max skew, interval
  if (w.size() > 1) {
    char* end = nullptr;
    const long v = std::strtol(w[1].c_str(), &end, 10);
    if (end != w[1].c_str()) {
      max_tries = static_cast<int>(std::clamp<long>(v, INT32_MIN, INT32_MAX));
      for (size_t i = 2; i < w.size() && i < 5; ++i) {
        const double x = std::strtod(w[i].c_str(), &end);
        if (end == w[i].c_str()) break;
        limits[i - 2] = x;
      }
    }
  }
  const double interval = std::max(limits[2], 0.1);
  for (int i = 1;; ++i) {
    bool done = false;
    if (auto t = ask_body<cm::Tracking>(s, cm::cmd::kTracking, cm::rpy::kTracking)) {
      s.out += cc::waitsync_line(i, *t, s.naming.csv);
      done = cc::waitsync_done(*t, limits[0], limits[1]);
    }
    if (done) return 0;
    if (max_tries != 0 && i >= max_tries) return 1;
    if (s.sleep && !s.sleep(interval)) return 1;
  }
}

template <class T>
int simple(Session& s, uint16_t command, uint16_t format,
           const std::function<std::string(const T&)>& text,
           const std::function<Json(const T&)>& json) {
  auto b = ask_body<T>(s, command, format);
  if (!b) return 1;
  emit(s, text(*b));
  if (s.json) print_json(s, json(*b));
  return 0;
}

}  // namespace

int status(Session& s, const std::vector<std::string>& w);
int metrics(Session& s);

std::optional<cm::Address> parse_address(std::string_view text) {
  if (text.starts_with("ID#")) {
    const std::string digits(text.substr(3));
    char* end = nullptr;
    const unsigned long v = std::strtoul(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || v == 0 || v > 0xffffffff) return std::nullopt;
    return cm::Address{std::nullopt, static_cast<uint32_t>(v)};
  }
  auto ip = core::IpAddress::parse(text);
  if (!ip.ok()) return std::nullopt;
  return cm::Address::of(ip.value());
}

bool is_cmdmon_command(std::string_view name) {
  for (std::string_view c : {"tracking", "sources", "sourcestats", "selectdata", "authdata",
                             "ntpdata", "serverstats", "smoothing", "activity", "clients",
                             "manual", "rtcdata", "sourcename", "waitsync", "status", "metrics"})
    if (name == c) return true;
  return is_state_command(name);
}

int run_command(Session& s, const std::vector<std::string>& w) {
  if (w.empty()) return 1;
  // -N: each name is asked for as chronyc asks it, its failure printed where chronyc prints it.
  s.naming.source_name = [&s](const cm::Address& a) -> std::optional<std::string> {
    auto n = by_address<cm::SourceName>(s, cm::cmd::kNtpSourceName, cm::rpy::kNtpSourceName, a);
    if (!n || !cc::printable_name(n->name)) return std::nullopt;
    return n->name;
  };
  const std::string& c = w[0];
  const bool csv = s.naming.csv;
  if (c == "sources") return sources(s, w);
  if (c == "sourcestats") return sourcestats(s, w);
  if (c == "selectdata") return selectdata(s, w);
  if (c == "authdata") return authdata(s, w);
  if (c == "ntpdata") return ntpdata(s, w);
  if (c == "clients") return clients(s, w);
  if (c == "sourcename") return sourcename(s, w);
  if (c == "waitsync") return waitsync(s, w);
  if (c == "status") return status(s, w);
  if (c == "metrics") return metrics(s);
  if (is_state_command(c)) return run_state_command(s, w);
  if (c == "tracking")
    return simple<cm::Tracking>(
        s, cm::cmd::kTracking, cm::rpy::kTracking,
        [&](const cm::Tracking& t) { return cc::tracking(t, s.naming); },
        [&](const cm::Tracking& t) { return cc::json::tracking(t, s.naming); });
  if (c == "serverstats")
    return simple<cm::ServerStats>(
        s, cm::cmd::kServerStats, cm::rpy::kServerStats3,
        [csv](const cm::ServerStats& x) { return cc::serverstats(x, csv); },
        [](const cm::ServerStats& x) { return cc::json::serverstats(x); });
  if (c == "smoothing")
    return simple<cm::Smoothing>(
        s, cm::cmd::kSmoothing, cm::rpy::kSmoothing,
        [csv](const cm::Smoothing& x) { return cc::smoothing(x, csv); },
        [](const cm::Smoothing& x) { return cc::json::smoothing(x); });
  if (c == "activity")
    return simple<cm::Activity>(
        s, cm::cmd::kActivity, cm::rpy::kActivity,
        [csv](const cm::Activity& x) { return cc::activity(x, csv); },
        [](const cm::Activity& x) { return cc::json::activity(x); });
  if (c == "manual" && w.size() > 1 && w[1] == "list")
    return simple<cm::ManualList>(
        s, cm::cmd::kManualList, cm::rpy::kManualList2,
        [csv](const cm::ManualList& x) { return cc::manual_list(x, csv); },
        [](const cm::ManualList& x) { return cc::json::manual_list(x); });
  if (c == "rtcdata") {
    // The RTC report's body is not decoded (no daemon of ours has one): only its status.
    cm::Request q;
    q.command = cm::cmd::kRtcReport;
    return request_reply(s, q, cm::rpy::kRtc) ? 0 : 1;
  }
  s.err += "Unrecognized command\n";
  return 1;
}

}  // namespace tempus::ctl
