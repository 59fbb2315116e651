// SPDX-License-Identifier: ISC
// Process-wide logging (the one global each process keeps, like OpenNTPD's log.c). The parent
// writes to stderr (-d), a file (-l) or syslog; the children hand every line to a sink that relays
// it to the parent as an ipc::LogLine, since their sandboxes can reach nothing else.
#pragma once

#include <cstdarg>
#include <functional>
#include <string_view>

namespace tempus::sys {

// syslog(3) severities.
enum class Severity : int {
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

enum class LogTarget { kStderr, kSyslog, kFile };

// chronyd's -L level (-1 debug .. 3 fatal) → the least severe severity still logged.
Severity threshold_for_level(int chrony_level);

// Parent (and tools): where lines go. For kFile, path is opened for append; on failure logging
// falls back to stderr and false is returned.
bool log_open(std::string_view ident, LogTarget target, Severity threshold,
              std::string_view path = {});
// Children: every line goes to sink (which must not log).
using LogSink = std::function<void(Severity, std::string_view)>;
void log_set_sink(LogSink sink, Severity threshold);
void log_set_threshold(Severity threshold);
bool log_enabled(Severity s);

// Writes one line as given (used by the parent for relayed lines, already prefixed).
void log_line(Severity s, std::string_view text);

void logf(Severity s, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Logs at kCritical and exits the process with status 1.
[[noreturn]] void fatal(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tempus::sys
