// SPDX-License-Identifier: ISC
// The NTP client engine: every source's protocol state (NtpClient) and statistics
// (SourceStats), selection across them and the clock discipline, glued the one way both the
// daemon's net process and the simulator use. Pure: the caller owns sockets, timers and the
// clock; it hands in packets with their local timestamps and executes the ClockCommands that
// come back (design.md §3: actions go out as values).
//
// Local time ("cooked"): every Timestamp given to the engine is the local clock as corrected so
// far. The engine itself subtracts the part of the last slew the kernel has not applied yet.
//
// Call pattern per source: make_request() → send → on_reply() for what arrives, and the next
// make_request() after next_poll_interval(). tick() at least every kStatusRefresh (discipline.h);
// shutdown() at exit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/discipline.h"
#include "core/leapsec.h"
#include "core/ntp_client.h"
#include "core/refclock_filter.h"
#include "core/sample.h"
#include "core/selection.h"
#include "core/sourcestats.h"
#include "core/stat_logs.h"

namespace tempus::core {

struct EngineSourceOptions {
  ClientOptions client;
  SourceStatsConfig stats;
  uint32_t ref_id = 0;  // what we report as our reference ID when this source is selected
  bool prefer = false, noselect = false, trust = false, require = false;
};

// A source as reported (chronyc sources / sourcestats, the JSON state).
struct SourceView {
  uint32_t id = 0;
  SelectState state = SelectState::kUnusable;
  PollLog poll;
  uint8_t reach = 0;
  ClientState client_state = ClientState::kActive;
  SourceEstimate estimate;
  SourceStatsReport stats;
  LastSampleReport last;
  std::optional<Timestamp> last_sample_time;
  ClientCounters counters;
};

struct ReplyOutcome {
  std::optional<ReplyError> error;     // why the packet gave no sample
  bool spans_step = false;             // the exchange straddled a step: dropped
  // The source's maxdelayratio / maxdelaydevratio test dropped the sample (the client was
  // told kPoor; chrony does not accumulate such samples either). Absent when it passed.
  std::optional<DelayTest> rejected;
  bool sample = false;                 // a sample was added
  std::vector<ClockCommand> commands;  // execute in order
  bool fatal = false;                  // maxchange exhausted: the daemon must exit
  bool respond = false;                // a peer's packet wants an answer now (make_response)
};

// leapsecmode (chrony.conf): who inserts or deletes a leap second. kSystem: the kernel, told
// through the status commands' leap bits. The others keep the kernel out of it (its leap bits
// stay clear) and, at the leap, the engine steps the clock by one second (kStep), slews it
// (kSlew), or leaves the error to normal operation (kIgnore). Clients are told of the leap in
// every mode.
enum class LeapMode : uint8_t { kSystem, kStep, kSlew, kIgnore };

// True when `now` (UTC) falls on June 30 or December 31, the days that end with a leap second
// in practice (chrony accepts a source's leap announcement only then too, so a server that
// announces it for a whole month does not get one inserted early).
bool is_leap_second_day(Timestamp now);
// The next UTC midnight after `now`.
Timestamp next_utc_midnight(Timestamp now);

class Engine {
 public:
  Engine(const SelectionConfig& selection, const DisciplineConfig& discipline,
         std::optional<InitialFrequency> initial);

  // Initial frequency and "not synchronised" status. Call once, first.
  std::vector<ClockCommand> start(Timestamp now);

  // A leap-second table (leapsectz / leapseclist). While it is not expired, its leap for the
  // current UTC day replaces the sources' vote, and its TAI − UTC goes into every status
  // command; an expired table only supplies TAI − UTC and the sources vote as usual.
  void set_leap_table(std::optional<LeapTable> table) { leap_table_ = std::move(table); }
  // TAI − UTC from the table at `now`, 0 without one.
  int32_t tai_minus_utc(Timestamp now) const;

  void set_leap_mode(LeapMode m) { leap_mode_ = m; }
  // Outside kSystem: when the leap second the reference announces falls (the end of the UTC
  // day), or nullopt when none is due. The caller calls on_leap() at that instant.
  std::optional<Timestamp> next_leap(Timestamp now) const;
  // The correction at the leap (a StepCommand or SlewCommand of ∓1 s, or nothing for kIgnore);
  // each leap is acted on once.
  std::vector<ClockCommand> on_leap(Timestamp now);

  // ids are the caller's; adding an existing id replaces it (fresh state).
  void add_source(uint32_t id, const EngineSourceOptions& opts);
  void remove_source(uint32_t id);
  bool has_source(uint32_t id) const;

  // A reference clock (refclock SOCK, PHC): no polling; its samples come through
  // on_refclock_sample(). It is reachable while samples keep coming: the last one is younger
  // than `timeout`. Its samples carry its stratum option (normally 0, so we serve stratum 1).
  static constexpr Duration kRefclockTimeout = Duration::s(64);
  struct RefclockOptions {
    SourceStatsConfig stats;
    uint32_t ref_id = 0;     // the refid (e.g. "GPS"), as reported when selected
    Duration offset;         // refclock offset option: added to every sample
    Duration delay = Duration::ns(1);       // its delay option (root delay of its samples)
    Duration precision = Duration::us(1);   // its error per sample (dispersion)
    uint8_t stratum = 0;                    // its stratum option, 0..15
    Duration timeout = kRefclockTimeout;    // unreachable after this long without a sample
    PollLog poll{4};                        // its poll option: one reach bit per 2^poll s
    std::optional<RefclockFilterConfig> filter;  // polled drivers: on_refclock_read()
    bool prefer = false, noselect = false, trust = false, require = false;
  };
  void add_refclock(uint32_t id, const RefclockOptions& opts);
  // A refclock sample: at local time `local_time` the reference was `offset` ahead of the local
  // clock (> 0: local behind), with the refclock's leap indicator.
  ReplyOutcome on_refclock_sample(uint32_t id, Timestamp local_time, Duration offset, Leap leap);
  // A polled refclock (PHC; RefclockOptions::filter set): one driver read at local time `now`,
  // its sample (reference − local clock at sample->time, dispersion included) or nullopt when
  // the read failed. The engine applies the offset option and the pending slew, keeps the
  // sample in the source's median filter (clock corrections are applied to it as to the
  // statistics), and on every refclock poll adds the filtered sample as the measurement.
  ReplyOutcome on_refclock_read(uint32_t id, Timestamp now, std::optional<RefclockSample> sample);

  // The next request for source `id`, or nullopt (unknown id, refclock, or denied). A peer
  // (EngineSourceOptions::client.symmetric) needs `self`, our system variables.
  std::optional<Request> make_request(uint32_t id, Timestamp now, RandomSource& rng,
                                      const ServerState* self = nullptr);
  // A peer's immediate answer when on_reply() said `respond` (empty otherwise).
  std::vector<std::byte> make_response(uint32_t id, Timestamp now, const ServerState& self);
  // Wait before the next make_request() of `id` (Duration::max() when it is denied).
  Duration next_poll_interval(uint32_t id, RandomSource& rng) const;
  // Call after every make_request(): when the selected source has stopped answering (its reach
  // register emptied), selection runs again without it. Returns the "not synchronised" status
  // when no source is left, as chronyd does when reach drops to zero.
  std::vector<ClockCommand> check_reachability(Timestamp now);

  // A datagram from source `id`. t1: local time the request left; t4: local time this arrived.
  // A KoD DENY/RSTR takes the source out of the selection at once (commands may then say "not
  // synchronised", when it was the only usable source).
  ReplyOutcome on_reply(uint32_t id, Bytes packet, Timestamp t1, Timestamp t4);

  std::vector<ClockCommand> tick(Timestamp now);
  std::vector<ClockCommand> shutdown(Timestamp now);

  // chronyc's commands. burst: NtpClient::burst for source `id`; online: NtpClient::on_online
  // (the caller resumes polling); in_burst: whether its burst still runs (false for an unknown
  // id). make_step: Discipline::step_pending, exchanges across the step are dropped.
  void burst(uint32_t id, int good, int total);
  void on_online(uint32_t id);
  bool in_burst(uint32_t id) const;
  std::vector<ClockCommand> make_step(Timestamp now);
  // reselect: selection again now with no incumbent (the current source keeps no advantage from
  // reselectdist); the reference is updated by the selected source's next sample. reset_sources:
  // every source's samples dropped (after the clock was changed by hand); not synchronised until
  // new samples select a source again.
  std::vector<ClockCommand> reselect(Timestamp now);
  std::vector<ClockCommand> reset_sources(Timestamp now);

  // chrony's statistics logs (core/stat_logs.h): which records to make, and those made since the
  // last take_stat_logs() (the caller names the sources by id and writes the lines). Made where
  // chronyd writes its lines: a measurement per sample that passed the RFC 5905 tests (also when
  // the delay tests then drop it), a regression per sample added, each source's state at every
  // selection, and tracking at every reference update and whenever the reference is lost.
  struct StatLogMask {
    bool measurements = false, statistics = false, tracking = false, selection = false;
  };
  struct StatLogRecords {
    std::vector<MeasurementRecord> measurements;
    std::vector<StatisticsRecord> statistics;
    std::vector<TrackingRecord> tracking;
    std::vector<SelectionRecord> selection;
  };
  // Turning tracking on while not synchronised records the "no reference" line at once, as
  // chronyd's tracking.log begins with one.
  void set_stat_logs(StatLogMask m);
  StatLogRecords take_stat_logs() { return std::exchange(logs_, StatLogRecords{}); }

  std::vector<SourceView> sources(Timestamp now) const;
  TrackingReport tracking(Timestamp now) const { return discipline_.tracking(now); }
  bool synchronised() const { return selected_.has_value() && discipline_.updates() > 0; }
  std::optional<uint32_t> selected() const { return selected_; }

 private:
  struct Source {
    uint32_t id;
    EngineSourceOptions opts;
    NtpClient client;
    SourceStats stats;
    uint64_t epoch_at_request = 0;
    SelectState state = SelectState::kUnusable;
    std::optional<RefclockOptions> refclock;  // set for a reference clock
    std::optional<Timestamp> last_refclock_sample;
    // A refclock's reach register, by poll period: bit 0 is the period of last_period.
    uint64_t refclock_periods = 0;
    int64_t last_period = 0;
    std::optional<RefclockFilter> filter;  // a polled refclock's median filter
  };
  bool reachable(const Source& s, Timestamp now) const;
  // A refclock sample arrived at `t`: its poll period gets its reach bit.
  static void note_refclock_sample(Source& s, Timestamp t);
  // The refclock's reach register at `now`: one bit per poll period, newest in bit 0.
  static uint8_t refclock_reach(const Source& s, Timestamp now);
  ReplyOutcome add_and_reselect(Source& src, Sample s, Timestamp now);
  // A reference clock's sample taken at `at` (cooked offset, its dispersion), arriving `now`.
  ReplyOutcome add_refclock_sample(Source& src, Timestamp at, Duration offset,
                                   Duration dispersion, Leap leap, Timestamp now);
  Source* find(uint32_t id);
  const Source* find(uint32_t id) const;
  void reselect_and_update(Source& src, Timestamp now, ReplyOutcome& out);
  // Selection over every source; the reference is updated when the source selected is
  // `updated` (the one with a new sample). no_incumbent: the selected source keeps no advantage.
  void select_and_update(std::optional<uint32_t> updated, Timestamp now, ReplyOutcome& out,
                         bool no_incumbent);

  SelectionConfig selection_cfg_;
  Discipline discipline_;
  std::vector<Source> sources_;
  std::optional<uint32_t> selected_;
  uint64_t step_epoch_ = 0;  // incremented by every step: exchanges across one are dropped
  std::optional<Timestamp> started_;
  PollLog min_minpoll_{PollLog::kMax};
  std::optional<LeapTable> leap_table_;
  LeapMode leap_mode_ = LeapMode::kSystem;
  std::optional<Timestamp> leap_done_;  // the midnight of the last leap acted on

  // Fills the table's TAI − UTC into the status commands.
  void add_tai(std::vector<ClockCommand>& cmds, Timestamp now) const;

  // Statistics-log records (engine_logs.cc); each is a no-op unless its log is on.
  void log_measurement(const Source& src, Bytes packet, const Sample& s, DelayTest verdict);
  void log_regression(const Source& src);
  void log_selection(Timestamp now);
  void log_tracking(const Source& ref, const TrackingReport& before, const SelectionResult& sel,
                    Duration offset_sd, Timestamp now);
  void log_unsynchronised(Timestamp now);
  StatLogMask log_mask_;
  StatLogRecords logs_;
};


}  // namespace tempus::core
