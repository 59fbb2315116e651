// SPDX-License-Identifier: ISC
// The parent's side of chrony's statistics logs (`logdir`, `log ...`; design.md §2 and
// docs/design-notes.md): net hands over whole lines (ipc WriteFile kAppend, already checked by
// ipc::is_log_text), and the parent appends them to logdir/<name>.log through the directory fd
// it opened before dropping privileges. Files are opened on their first line and kept open;
// kReopen (cyclelogs) closes one so the next line opens the name again, after logrotate has
// renamed the old file away. Only the closed set of ipc::FileId log files exists here: no name
// or path ever comes from net.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "ipc/services.h"
#include "ipc/unique_fd.h"

namespace tempus::proc {

// "measurements.log", "statistics.log", "tracking.log", "selection.log"; "" for other ids.
std::string_view log_file_name(ipc::FileId f);

class LogFiles {
 public:
  // dir: logdir, open (sys::open_dir); files are created 0644 (& ~umask), owned by the parent.
  explicit LogFiles(ipc::UniqueFd dir) : dir_(std::move(dir)) {}

  // 0 or an errno: EINVAL for a file id that is not a log file, else openat's or write's.
  int append(ipc::FileId f, std::span<const std::byte> data);
  // Closes the file (the next append reopens it); 0, or EINVAL as above.
  int reopen(ipc::FileId f);

 private:
  ipc::UniqueFd dir_;
  std::array<ipc::UniqueFd, 4> files_;
};

}  // namespace tempus::proc
