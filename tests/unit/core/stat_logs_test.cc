// SPDX-License-Identifier: ISC
// Golden lines: written by chronyd 4.3 (-x, `log measurements statistics tracking selection`,
// `logbanner 10`) synchronised to a second chronyd on loopback; each record below carries that
// line's values, so our line must be the same bytes.
#include "core/stat_logs.h"

#include <gtest/gtest.h>

namespace tempus::core {
namespace {

const Timestamp kT = Timestamp::from_unix(1795337203, 250'000'000);  // 2026-11-22 08:46:43.25

TEST(StatLogs, LogTimeIsUtcWithTruncatedSeconds) {
  EXPECT_EQ(log_time(kT), "2026-11-22 08:46:43");
  EXPECT_EQ(log_time(Timestamp::from_unix(0, 999'999'999)), "1970-01-01 00:00:00");
  EXPECT_EQ(log_time(Timestamp::from_unix(951782400, 0)), "2000-02-29 00:00:00");
  EXPECT_EQ(log_time(Timestamp::from_unix(4102444799, 0)), "2099-12-31 23:59:59");
}

TEST(StatLogs, MeasurementsLineAsChronyd) {
  MeasurementRecord r;
  r.time = kT;
  r.leap = Leap::kNone;
  r.stratum = 1;
  r.local_poll = -2;
  r.remote_poll = -2;
  r.score = 0.81;
  r.offset_s = -8.180e-07;
  r.delay_s = 4.939e-06;
  r.dispersion_s = 1.695e-07;
  r.ref_id = 0x7F7F0101;
  r.tx_source = r.rx_source = 'K';
  EXPECT_EQ(format_measurement(r, "127.0.0.1"),
            "2026-11-22 08:46:43 127.0.0.1       N  1 111 111 1111  -2 -2 0.81 -8.180e-07  "
            "4.939e-06  1.695e-07  0.000e+00  0.000e+00 7F7F0101 4B K K\n");
  r.remote_poll = 0;
  r.score = 1;
  r.offset_s = -1.221e-06;
  r.delay_s = 5.444e-06;
  r.dispersion_s = 4.165e-07;
  EXPECT_EQ(format_measurement(r, "127.0.0.1"),
            "2026-11-22 08:46:43 127.0.0.1       N  1 111 111 1111  -2  0 1.00 -1.221e-06  "
            "5.444e-06  4.165e-07  0.000e+00  0.000e+00 7F7F0101 4B K K\n");
}

TEST(StatLogs, MeasurementsTestBitsLeapAndMode) {
  MeasurementRecord r;
  r.time = kT;
  r.leap = Leap::kInsert;
  r.stratum = 12;
  r.tests[7] = false;  // maxdelayratio
  r.tests[9] = false;  // sync loop
  r.local_poll = 10;
  r.remote_poll = 6;
  r.mode = 1;
  r.interleaved = true;
  const std::string line = format_measurement(r, "2001:db8::1");
  EXPECT_NE(line.find("2001:db8::1     + 12 111 111 1010  10  6 0.00 "), std::string::npos) << line;
  EXPECT_NE(line.find(" 00000000 1I D D\n"), std::string::npos) << line;
}

TEST(StatLogs, StatisticsLineAsChronyd) {
  StatisticsRecord r;
  r.time = kT;
  r.std_dev_s = 2.152e-07;
  r.offset_s = -8.372e-07;  // ours: the local clock is ahead, chrony's +8.372e-07
  r.offset_sd_s = 1.582e-07;
  r.freq_ppm = 6.138;           // 6.138e-06 s/s
  r.skew_ppm = 49.73;
  r.stress = 2.3e-02;
  r.samples = 4;
  r.dropped = 0;
  r.runs = 3;
  EXPECT_EQ(format_statistics(r, "127.0.0.1"),
            "2026-11-22 08:46:43 127.0.0.1        2.152e-07  8.372e-07  1.582e-07  6.138e-06  "
            "4.973e-05 2.3e-02   4   0   3  0.00\n");
}

TEST(StatLogs, TrackingLinesAsChronyd) {
  TrackingRecord r;
  r.time = kT;
  r.synced = true;
  r.stratum = 2;
  r.freq_ppm = 0.042;  // the correction makes the clock faster: chrony's -0.042 (slow)
  r.skew_ppm = 4.437;
  r.offset_s = 9.693e-08;
  r.leap = Leap::kNone;
  r.combined = 1;
  r.offset_sd_s = 9.563e-08;
  r.remaining_s = -9.671e-07;
  r.root_delay_s = 5.247e-06;
  r.root_dispersion_s = 3.139e-06;
  r.max_error_s = 3.630e-05;
  EXPECT_EQ(format_tracking(r, "127.0.0.1"),
            "2026-11-22 08:46:43 127.0.0.1        2     -0.042      4.437 -9.693e-08 N  1  "
            "9.563e-08 -9.671e-07  5.247e-06  3.139e-06  3.630e-05\n");

  TrackingRecord u;  // the start: no reference yet
  u.time = Timestamp::from_unix(1795337202, 0);
  u.skew_ppm = 1e6;
  u.root_delay_s = 1;
  u.root_dispersion_s = 1;
  u.max_error_s = 1.5;
  EXPECT_EQ(format_tracking(u, "ignored"),
            "2026-11-22 08:46:42 0.0.0.0          0      0.000 1000000.000  0.000e+00 ?  0  "
            "0.000e+00  0.000e+00  1.000e+00  1.000e+00  1.500e+00\n");
}

TEST(StatLogs, SelectionLinesAsChronyd) {
  SelectionRecord r;
  r.time = kT;
  r.state = '*';
  r.reach = 0377;
  r.since_sample_s = 3.264e-05;
  r.low_s = -2.168e-06;
  r.high_s = 2.277e-06;
  EXPECT_EQ(format_selection(r, "127.0.0.1"),
            "2026-11-22 08:46:43 127.0.0.1       * -----  377  1.00  3.264e-05 -2.168e-06  "
            "2.277e-06\n");
  r.state = 'M';
  r.reach = 1;
  r.noselect = r.require = true;
  EXPECT_EQ(format_selection(r, "GPS").substr(20, 30), "GPS             M -N--R    1  ");
}

TEST(StatLogs, NamesAreSanitised) {
  SelectionRecord r;
  r.time = kT;
  const std::string line = format_selection(r, std::string("P\nS\x01", 4));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("P?S?"), std::string::npos);
}

TEST(StatLogs, BannerAsChronydEveryNLines) {
  LogBanner b(StatLog::kMeasurements, 3);
  const std::string rule(136, '=');
  const std::string banner =
      rule + "\n   Date (UTC) Time     IP Address   L St 123 567 ABCD  LP RP Score    Offset  "
             "Peer del. Peer disp.  Root del. Root disp. Refid     MTxRx\n" + rule + "\n";
  EXPECT_EQ(b.before_line(), banner);
  EXPECT_EQ(b.before_line(), "");
  EXPECT_EQ(b.before_line(), "");
  EXPECT_EQ(b.before_line(), banner);
  b.reset();
  EXPECT_EQ(b.before_line(), banner);
  LogBanner never(StatLog::kTracking, 0);
  EXPECT_EQ(never.before_line(), "");
}

TEST(StatLogs, HeadersAndNames) {
  // The '=' rules chronyd writes are as long as each header.
  EXPECT_EQ(header(StatLog::kStatistics).size(), 116u);
  EXPECT_EQ(header(StatLog::kTracking).size(), 131u);
  EXPECT_EQ(header(StatLog::kSelection).size(), 87u);
  EXPECT_EQ(file_name(StatLog::kSelection), "selection.log");
  EXPECT_EQ(file_name(StatLog::kMeasurements), "measurements.log");
}

}  // namespace
}  // namespace tempus::core
