// SPDX-License-Identifier: ISC
#include "sys/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace tempus::sys {

namespace {

struct State {
  LogTarget target = LogTarget::kStderr;
  Severity threshold = Severity::kInfo;
  std::string ident = "tempusd";
  FILE* file = nullptr;
  LogSink sink;
};

State& state() {
  static State s;
  return s;
}

const char* tag(Severity s) {
  switch (s) {
    case Severity::kCritical: return "fatal: ";
    case Severity::kError: return "error: ";
    case Severity::kWarning: return "warning: ";
    case Severity::kDebug: return "debug: ";
    default: return "";
  }
}

void vlog(Severity s, const char* fmt, va_list ap) {
  if (!log_enabled(s)) return;
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  log_line(s, buf);
}

}  // namespace

Severity threshold_for_level(int chrony_level) {
  if (chrony_level <= -1) return Severity::kDebug;
  if (chrony_level == 0) return Severity::kInfo;
  if (chrony_level == 1) return Severity::kWarning;
  if (chrony_level == 2) return Severity::kError;
  return Severity::kCritical;
}

bool log_open(std::string_view ident, LogTarget target, Severity threshold, std::string_view path) {
  State& st = state();
  st.ident = std::string(ident);
  st.threshold = threshold;
  st.target = target;
  st.sink = nullptr;
  if (target == LogTarget::kSyslog) {
    openlog(st.ident.c_str(), LOG_PID | LOG_NDELAY, LOG_DAEMON);
  } else if (target == LogTarget::kFile) {
    st.file = std::fopen(std::string(path).c_str(), "ae");
    if (!st.file) {
      st.target = LogTarget::kStderr;
      return false;
    }
    std::setvbuf(st.file, nullptr, _IOLBF, 0);
  }
  return true;
}

void log_set_sink(LogSink sink, Severity threshold) {
  state().sink = std::move(sink);
  state().threshold = threshold;
}

void log_set_threshold(Severity threshold) { state().threshold = threshold; }

bool log_enabled(Severity s) { return static_cast<int>(s) <= static_cast<int>(state().threshold); }

void log_line(Severity s, std::string_view text) {
  State& st = state();
  if (st.sink) {
    st.sink(s, text);
    return;
  }
  const int len = static_cast<int>(text.size() > 4096 ? 4096 : text.size());
  switch (st.target) {
    case LogTarget::kSyslog:
      syslog(static_cast<int>(s), "%s%.*s", tag(s), len, text.data());
      break;
    case LogTarget::kFile: {
      char when[32];
      const std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      std::fprintf(st.file, "%s %s%.*s\n", when, tag(s), len, text.data());
      break;
    }
    case LogTarget::kStderr:
      std::fprintf(stderr, "%s[%d]: %s%.*s\n", st.ident.c_str(), static_cast<int>(getpid()), tag(s),
                   len, text.data());
      break;
  }
}

void logf(Severity s, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(s, fmt, ap);
  va_end(ap);
}

void fatal(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(Severity::kCritical, fmt, ap);
  va_end(ap);
  std::exit(1);
}

}  // namespace tempus::sys
