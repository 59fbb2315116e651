// SPDX-License-Identifier: ISC
#include "proc/log_files.h"

#include <cerrno>
#include <optional>

#include "sys/state_files.h"

namespace tempus::proc {

namespace {

std::optional<size_t> slot(ipc::FileId f) {
  switch (f) {
    case ipc::FileId::kLogMeasurements: return 0;
    case ipc::FileId::kLogStatistics: return 1;
    case ipc::FileId::kLogTracking: return 2;
    case ipc::FileId::kLogSelection: return 3;
    case ipc::FileId::kNtsKeys:
    case ipc::FileId::kNtsCookies: break;
  }
  return std::nullopt;
}

}  // namespace

std::string_view log_file_name(ipc::FileId f) {
  static constexpr std::string_view kNames[] = {"measurements.log", "statistics.log",
                                                "tracking.log", "selection.log"};
  const auto i = slot(f);
  return i ? kNames[*i] : std::string_view();
}

int LogFiles::append(ipc::FileId f, std::span<const std::byte> data) {
  const auto i = slot(f);
  if (!i) return EINVAL;
  ipc::UniqueFd& fd = files_[*i];
  if (!fd) {
    auto opened = sys::open_append_at(dir_.get(), log_file_name(f), 0644);
    if (!opened) return opened.error().code;
    fd = std::move(*opened);
  }
  auto st = sys::write_fully(fd.get(), data);
  return st ? 0 : st.error().code;
}

int LogFiles::reopen(ipc::FileId f) {
  const auto i = slot(f);
  if (!i) return EINVAL;
  files_[*i].reset();
  return 0;
}

}  // namespace tempus::proc
