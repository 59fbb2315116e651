// SPDX-License-Identifier: ISC
// The pieces the golden scenarios do not reach: unit boundaries, dates, address texts,
// ntpstat's status and its exit codes, the Prometheus text.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "core/chronyc_format.h"
#include "core/chronyc_metrics.h"
#include "ctl/commands.h"

namespace tempus {
namespace {

namespace cm = core::cmdmon;
namespace cc = core::chronyc;

std::string S(double s, bool sign) { return cc::Report(false).offset(s, sign).done(); }
std::string I(uint64_t s) { return cc::Report(false).interval(s).done(); }

TEST(ChronycFormat, OffsetUnitsAtTheirBoundaries) {
  EXPECT_EQ(S(9999e-9, true), "+9999ns");
  EXPECT_EQ(S(9999.5e-9, true), "  +10us");
  EXPECT_EQ(S(-0.0099994, true), "-9999us");
  EXPECT_EQ(S(0.5, false), " 500ms");
  EXPECT_EQ(S(10.0, true), " +10.0s");
  EXPECT_EQ(S(999.5, true), " +1000s");
  EXPECT_EQ(S(-99999.5, true), " -1667m");
  EXPECT_EQ(S(99999.5 * 3600, false), " 4167d");
  EXPECT_EQ(S(1e12, false), "31710y");
  EXPECT_EQ(S(0.0, true), "   +0ns");
}

TEST(ChronycFormat, IntervalsAndNever) {
  EXPECT_EQ(I(0xffffffff), "   -");
  EXPECT_EQ(I(1199), "1199");
  EXPECT_EQ(I(1200), " 20m");
  EXPECT_EQ(I(36000), " 10h");
  EXPECT_EQ(I(345600), "  4d");
  EXPECT_EQ(I(86400ull * 1000), "  2y");
  EXPECT_EQ(cc::Report(true).interval(0xffffffff).done(), "4294967295\n");
}

TEST(ChronycFormat, DatesInUtc) {
  auto date = [](int64_t s) { return cc::Report(false).date(core::Timestamp::from_unix(s, 0)).done(); };
  EXPECT_EQ(date(0), "Thu Jan 01 00:00:00 1970");
  EXPECT_EQ(date(951782400), "Tue Feb 29 00:00:00 2000");
  EXPECT_EQ(date(4102444799), "Thu Dec 31 23:59:59 2099");
  EXPECT_EQ(date(-1), "Wed Dec 31 23:59:59 1969");
  EXPECT_EQ(cc::Report(true).date(core::Timestamp::from_unix(5, 7)).done(), "5.000000007\n");
}

TEST(ChronycFormat, CsvDropsTextAndJoinsFields) {
  cc::Report r(true);
  r.text("a: ").uns(1, 5).text(" b: ").fixed(-1.5, 8, 2, true).text(" c\n").leap(3, true);
  EXPECT_EQ(r.done(), "1,-1.50,Not synchronised\n");
}

TEST(ChronycFormat, AddressTexts) {
  std::array<uint8_t, 16> compat{};
  compat[12] = 192, compat[13] = 0, compat[14] = 2, compat[15] = 1;
  EXPECT_EQ(cc::address_text(cm::Address::of(core::IpAddress::v6(compat))), "::192.0.2.1");
  std::array<uint8_t, 16> one{};
  one[15] = 1;
  EXPECT_EQ(cc::address_text(cm::Address::of(core::IpAddress::v6(one))), "::1");
  EXPECT_EQ(cc::address_text(cm::Address{std::nullopt, 42}), "ID#0000000042");
  EXPECT_EQ(cc::address_text(cm::Address{}), "[UNSPEC]");
  EXPECT_EQ(cc::refid_text(0x4c4f434c), "LOCL");
  EXPECT_EQ(cc::refid_text(0x47500a00), "GP");  // unprintable octets are left out
}

TEST(ChronycFormat, DnsNamesAreCutWithAMark) {
  cc::Naming n;
  n.reverse = [](const core::IpAddress&) { return std::string(30, 'x'); };
  const auto a = cm::Address::of(core::IpAddress::v4(0x01020304));
  EXPECT_EQ(cc::format_name(a, false, 0, false, 25, n), std::string(24, 'x') + ">");
  n.numeric = true;
  EXPECT_EQ(cc::format_name(a, false, 0, false, 25, n), "1.2.3.4");
}

TEST(ChronycFormat, EveryStatusHasChronycsText) {
  EXPECT_EQ(cc::status_text(0), "200 OK");
  EXPECT_EQ(cc::status_text(2), "501 Not authorised");
  EXPECT_EQ(cc::status_text(15), "519 Client logging is not active in the daemon");
  EXPECT_EQ(cc::status_text(18), "517 Protocol version mismatch");
  EXPECT_EQ(cc::status_text(20), "520 Got unexpected error from daemon");
  EXPECT_EQ(cc::status_text(999), "520 Got unexpected error from daemon");
}

// ntpstat's status from a daemon that answers tracking and sources with fixed bodies.
struct Daemon {
  cm::Tracking tracking;
  std::vector<cm::SourceData> sources;
  bool up = true;

  ctl::Session session() {
    ctl::Session s;
    s.ask = [this](const cm::Request& q) -> std::optional<cm::Reply> {
      if (!up) return std::nullopt;
      cm::Reply r{q.command, q.sequence, cm::Status::kSuccess, {}};
      if (q.command == cm::cmd::kTracking) r.body = tracking;
      if (q.command == cm::cmd::kNSources)
        r.body = cm::NSources{static_cast<uint32_t>(sources.size())};
      if (q.command == cm::cmd::kSourceData) {
        if (q.index >= sources.size()) return cm::Reply{q.command, q.sequence, cm::Status::kNoSuchSource, {}};
        r.body = sources[q.index];
      }
      return r;
    };
    return s;
  }
};

Daemon synced() {
  Daemon d;
  d.tracking.ref_id = 0x7f000001;
  d.tracking.address = cm::Address::of(core::IpAddress::v4(0x7f000001));
  d.tracking.stratum = 11;
  d.tracking.leap = 0;
  d.tracking.root_delay = 0.004;
  d.tracking.root_dispersion = 0.0205;
  d.tracking.current_correction = -0.0005;
  cm::SourceData s;
  s.address = d.tracking.address;
  s.poll = 6;
  s.state = cm::SourceData::kSelected;
  d.sources = {s};
  return d;
}

TEST(Status, SynchronisedAsNtpstat) {
  Daemon d = synced();
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"status"}), 0);
  EXPECT_EQ(s.out,
            "synchronised to NTP server (127.0.0.1) at stratum 11\n"
            "   time correct to within 23 ms\n"
            "   polling server every 64 s\n");
}

TEST(Status, MaximumDistanceExceeded) {
  Daemon d = synced();
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"status", "-m", "10"}), 1);
  EXPECT_NE(s.out.find("within 23 ms (exceeded maximum of 10 ms)\n"), std::string::npos) << s.out;
}

TEST(Status, Unsynchronised) {
  Daemon d;  // tempusd before its first update: refid 0, no address, leap 3
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"status"}), 1);
  EXPECT_EQ(s.out, "unsynchronised\npoll interval unknown\n");
}

TEST(Status, NoDaemon) {
  Daemon d = synced();
  d.up = false;
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"status"}), 2);
  EXPECT_EQ(s.out, "");
  EXPECT_EQ(s.err, "Unable to talk to NTP daemon. Is it running?\n");
}

TEST(Status, ReferenceMissingFromSourcesIsNoDaemonAsInNtpstat) {
  Daemon d = synced();
  d.sources.clear();
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"status"}), 2);
}

TEST(Metrics, EveryFamilyHasHelpAndTypeAndPrefix) {
  Daemon d = synced();
  auto s = d.session();
  s.processes = [] {
    cc::MetricsInput::Process p;
    p.role = "net";
    p.pid = 7;
    p.readable = true;
    p.seccomp = 2;
    return std::vector<cc::MetricsInput::Process>{p};
  };
  EXPECT_EQ(ctl::run_command(s, {"metrics"}), 0);
  std::istringstream in(s.out);
  std::set<std::string> helped, typed;
  int samples = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# HELP ")) {
      helped.insert(line.substr(7, line.find(' ', 7) - 7));
    } else if (line.starts_with("# TYPE ")) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(helped.count(name)) << name;
      typed.insert(name);
    } else {
      const std::string name = line.substr(0, line.find_first_of("{ "));
      EXPECT_TRUE(name.starts_with("tempus_")) << line;
      EXPECT_TRUE(typed.count(name)) << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 20);
  EXPECT_NE(s.out.find("tempus_up 1\n"), std::string::npos);
  EXPECT_NE(s.out.find("tempus_tracking_synchronised 1\n"), std::string::npos);
  EXPECT_NE(s.out.find("tempus_source_selected{source=\"127.0.0.1\",name=\"127.0.0.1\","
                       "mode=\"server\"} 1\n"),
            std::string::npos)
      << s.out;
  EXPECT_NE(s.out.find("tempus_process_seccomp_mode{role=\"net\"} 2\n"), std::string::npos);
}

TEST(Metrics, DaemonDown) {
  Daemon d;
  d.up = false;
  auto s = d.session();
  EXPECT_EQ(ctl::run_command(s, {"metrics"}), 1);
  EXPECT_EQ(s.out, "# HELP tempus_up Whether tempusd answered on its command socket.\n"
                   "# TYPE tempus_up gauge\ntempus_up 0\n");
}

}  // namespace
}  // namespace tempus
