// SPDX-License-Identifier: ISC
// chronyd's statistics log files (chrony.conf `log measurements statistics tracking selection`,
// written under `logdir`): the records the engine makes (core/engine.h) and their lines in
// chrony's column formats, byte for byte, so that scripts and graphing tools written for
// chronyd's logs read ours. Pure: the net shell names the sources and ships the lines to the
// parent (ipc WriteFile kAppend), which appends them to the files.
//
// Values are double seconds (regression output, finer than a Duration's ns). Every line is
// printable ASCII ending in '\n'; the date and time are UTC ("YYYY-MM-DD
// HH:MM:SS"). Signs are converted here from the daemon's (core/sample.h: offset > 0 means the
// local clock is BEHIND) to the ones chrony.conf(5) documents for each column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/packet.h"
#include "core/time.h"

namespace tempus::core {

enum class StatLog : uint8_t { kMeasurements, kStatistics, kTracking, kSelection };
inline constexpr size_t kStatLogCount = 4;

// The file's name in logdir ("measurements.log", ...) and its column header (without '\n').
std::string_view file_name(StatLog log);
std::string_view header(StatLog log);

// One accepted measurement of an NTP source (measurements.log).
struct MeasurementRecord {
  uint32_t source = 0;       // the caller's source id
  Timestamp time;            // local time of the reply (T4)
  Leap leap = Leap::kNone;   // the source's leap indicator
  uint8_t stratum = 0;
  // Test results, 1 = pass: RFC 5905 tests 1..3 and 5..7, then maxdelay, maxdelayratio,
  // maxdelaydevratio and the synchronisation loop test (chrony's A..D).
  bool tests[10] = {true, true, true, true, true, true, true, true, true, true};
  int local_poll = 0, remote_poll = 0;  // log2 s
  double score = 0;                     // progress towards the next longer poll, 0..1
  double offset_s = 0;                  // > 0: local clock behind the source
  double delay_s = 0, dispersion_s = 0, root_delay_s = 0, root_dispersion_s = 0;
  uint32_t ref_id = 0;                  // the source's reference ID
  uint8_t mode = 4;                     // the reply's NTP mode (4 server, 1/2 symmetric)
  bool interleaved = false;
  char tx_source = 'D', rx_source = 'D';  // where our timestamps came from: D daemon, K kernel
};

// One regression of a source's samples (statistics.log).
struct StatisticsRecord {
  uint32_t source = 0;
  Timestamp time;            // the newest sample's local time
  double std_dev_s = 0;      // residual standard deviation
  double offset_s = 0;       // estimated offset at `time`, > 0: local clock behind
  double offset_sd_s = 0;    // its standard deviation
  double freq_ppm = 0;       // local clock vs the source, > 0: local runs faster
  double skew_ppm = 0;       // error bound of freq_ppm
  double stress = 0;         // |previous − new frequency| / previous frequency's sd (0: none)
  int samples = 0;           // samples in the fit
  int dropped = 0;           // oldest samples discarded by this regression (chrony's "Bs")
  int runs = 0;              // runs of residual signs
  double asymmetry = 0;      // jitter asymmetry used (always 0: not estimated)
};

// One reference update of the local clock, or the loss of the reference (tracking.log).
struct TrackingRecord {
  Timestamp time;
  bool synced = false;       // false: no reference (source address 0.0.0.0, stratum 0)
  uint32_t source = 0;       // the selected source, when synced
  uint8_t stratum = 0;       // ours
  double freq_ppm = 0;       // correction in force, > 0: the clock is made to run faster
  double skew_ppm = 0;
  double offset_s = 0;       // the update's offset, > 0: local clock behind
  Leap leap = Leap::kUnsync;
  int combined = 0;          // sources combined in the update
  double offset_sd_s = 0;
  double remaining_s = 0;    // correction still to come from before, > 0: clock behind
  double root_delay_s = 0, root_dispersion_s = 0;
  double max_error_s = 0;    // the clock's largest error since the previous update
};

// chrony.conf's selection.log state letters, for the states the daemon knows.
struct SelectionRecord {
  uint32_t source = 0;
  Timestamp time;
  char state = 'M';          // '*' '+' 'D' 'x' '~' 'M' 'N' 's' 'd' (see chrony.conf(5))
  bool noselect = false, prefer = false, trust = false, require = false;
  uint8_t reach = 0;
  double score = 1.0;
  double since_sample_s = 0;  // since the source's newest sample
  double low_s = 0, high_s = 0;  // interval holding our clock's offset, > 0: clock ahead
};

// The lines, '\n' included. `name`: the source's address, or a refclock's refid.
std::string format_measurement(const MeasurementRecord& r, std::string_view name);
std::string format_statistics(const StatisticsRecord& r, std::string_view name);
std::string format_tracking(const TrackingRecord& r, std::string_view name);
std::string format_selection(const SelectionRecord& r, std::string_view name);
// "YYYY-MM-DD HH:MM:SS" (UTC) of t, seconds truncated.
std::string log_time(Timestamp t);

// logbanner: before the first line of a file and every `every` lines after it, the column header
// between two lines of '=' as long as it; every == 0: never. chrony's default is 32.
class LogBanner {
 public:
  LogBanner(StatLog log, int every) : log_(log), every_(every) {}
  // What to write before the next line (empty or the three banner lines), counting that line.
  std::string before_line();
  // The file was reopened (cyclelogs): the next line gets the banner again.
  void reset() { written_ = 0; }

 private:
  StatLog log_;
  int every_;
  uint64_t written_ = 0;
};

}  // namespace tempus::core
