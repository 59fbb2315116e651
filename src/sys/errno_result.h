// SPDX-License-Identifier: ISC
// Errno: an errno value captured right after a failed syscall (Envoy's SysCallResult idea), so
// that it travels inside a Result instead of through the errno global.
#pragma once

#include <cerrno>
#include <string>

#include <string.h>

namespace tempus::sys {

struct Errno {
  int code = 0;  // > 0 for a real error (EINVAL, EPERM, ...)
  bool operator==(const Errno&) const = default;
};

// The current errno, captured. Call it immediately after the failing call.
inline Errno last_errno() { return Errno{errno}; }

// strerror text for logs, e.g. "Operation not permitted".
inline std::string to_string(Errno e) {
  char buf[128];
  // GNU strerror_r (g++ defines _GNU_SOURCE): returns the message, maybe not in buf.
  return std::string(::strerror_r(e.code, buf, sizeof buf));
}

}  // namespace tempus::sys
