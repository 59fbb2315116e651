// SPDX-License-Identifier: ISC
// net's side of chrony's statistics logs (docs/design-notes.md): turns the engine's records
// into lines (core/stat_logs.h), with the logbanner banners, and hands each line to the parent
// as one WriteFile kAppend; the parent appends it under logdir. Sending never blocks the net
// loop (the parent channel queues). A file the parent could not write (a FileResult with an
// error) is logged once and not written again until cyclelogs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "config/model.h"
#include "core/engine.h"
#include "ipc/services.h"

namespace tempus::proc {

class StatLogWriter {
 public:
  using Send = std::function<void(const ipc::WriteFile&)>;
  using NameOf = std::function<std::string(uint32_t source_id)>;

  // Logs enabled by `log` (rawmeasurements counts as measurements), all off without logdir.
  StatLogWriter(const config::Config& cfg, Send send);

  core::Engine::StatLogMask mask() const;
  bool any() const;
  void write(const core::Engine::StatLogRecords& records, const NameOf& name);
  // The parent's answer to one of our WriteFiles.
  void on_result(const ipc::FileResult& r);
  // cyclelogs: every enabled log is reopened by the parent (kReopen); each starts again with a
  // banner and a file that failed is tried again.
  void reopen_all();

 private:
  struct Log {
    bool enabled = false;
    bool failed = false;
    core::LogBanner banner;
  };
  void emit(core::StatLog which, const std::string& line);

  Send send_;
  std::array<Log, core::kStatLogCount> logs_;
};

ipc::FileId file_id(core::StatLog log);

}  // namespace tempus::proc
