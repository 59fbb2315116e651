// SPDX-License-Identifier: ISC
#include "proc/stat_log_writer.h"

#include <cstring>

#include "core/bytes.h"
#include "sys/log.h"

namespace tempus::proc {

namespace {

using core::StatLog;

constexpr StatLog kAll[] = {StatLog::kMeasurements, StatLog::kStatistics, StatLog::kTracking,
                            StatLog::kSelection};

size_t index_of(StatLog l) { return static_cast<size_t>(l); }

}  // namespace

ipc::FileId file_id(StatLog log) {
  switch (log) {
    case StatLog::kMeasurements: return ipc::FileId::kLogMeasurements;
    case StatLog::kStatistics: return ipc::FileId::kLogStatistics;
    case StatLog::kTracking: return ipc::FileId::kLogTracking;
    case StatLog::kSelection: return ipc::FileId::kLogSelection;
  }
  return ipc::FileId::kLogTracking;
}

StatLogWriter::StatLogWriter(const config::Config& cfg, Send send)
    : send_(std::move(send)),
      logs_{Log{false, false, core::LogBanner(StatLog::kMeasurements, cfg.log_banner)},
            Log{false, false, core::LogBanner(StatLog::kStatistics, cfg.log_banner)},
            Log{false, false, core::LogBanner(StatLog::kTracking, cfg.log_banner)},
            Log{false, false, core::LogBanner(StatLog::kSelection, cfg.log_banner)}} {
  if (cfg.log_dir.empty()) return;
  logs_[index_of(StatLog::kMeasurements)].enabled =
      cfg.log.measurements || cfg.log.raw_measurements;
  logs_[index_of(StatLog::kStatistics)].enabled = cfg.log.statistics;
  logs_[index_of(StatLog::kTracking)].enabled = cfg.log.tracking;
  logs_[index_of(StatLog::kSelection)].enabled = cfg.log.selection;
}

core::Engine::StatLogMask StatLogWriter::mask() const {
  auto on = [this](StatLog l) { return logs_[index_of(l)].enabled; };
  return {.measurements = on(StatLog::kMeasurements), .statistics = on(StatLog::kStatistics),
          .tracking = on(StatLog::kTracking), .selection = on(StatLog::kSelection)};
}

bool StatLogWriter::any() const {
  for (const Log& l : logs_)
    if (l.enabled) return true;
  return false;
}

void StatLogWriter::emit(StatLog which, const std::string& line) {
  Log& l = logs_[index_of(which)];
  if (!l.enabled || l.failed) return;
  const std::string data = l.banner.before_line() + line;
  send_(ipc::WriteFile{.file = file_id(which), .op = ipc::FileOp::kAppend,
                       .data = std::vector<std::byte>(core::as_bytes(data).begin(),
                                                      core::as_bytes(data).end())});
}

void StatLogWriter::write(const core::Engine::StatLogRecords& r, const NameOf& name) {
  for (const auto& m : r.measurements)
    emit(StatLog::kMeasurements, core::format_measurement(m, name(m.source)));
  for (const auto& s : r.statistics)
    emit(StatLog::kStatistics, core::format_statistics(s, name(s.source)));
  for (const auto& s : r.selection)
    emit(StatLog::kSelection, core::format_selection(s, name(s.source)));
  for (const auto& t : r.tracking)
    emit(StatLog::kTracking, core::format_tracking(t, t.synced ? name(t.source) : std::string()));
}

void StatLogWriter::on_result(const ipc::FileResult& r) {
  if (r.error == 0) return;
  for (StatLog which : kAll) {
    Log& l = logs_[index_of(which)];
    if (file_id(which) != r.file || !l.enabled || l.failed) continue;
    l.failed = true;
    sys::logf(sys::Severity::kError, "cannot write %s: %s; not logging it until cyclelogs",
              std::string(core::file_name(which)).c_str(), std::strerror(r.error));
  }
}

void StatLogWriter::reopen_all() {
  for (StatLog which : kAll) {
    Log& l = logs_[index_of(which)];
    if (!l.enabled) continue;
    l.failed = false;
    l.banner.reset();
    send_(ipc::WriteFile{.file = file_id(which), .op = ipc::FileOp::kReopen, .data = {}});
  }
}

}  // namespace tempus::proc
