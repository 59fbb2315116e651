// SPDX-License-Identifier: ISC
// tempusd's command line, with chronyd's letters and meanings (chronyd(8)):
//   tempusd [-4|-6] [-n] [-d[d]] [-x] [-q|-Q] [-p] [-f FILE] [-u USER] [-l FILE] [-L LEVEL]
//           [-t SECONDS] [-F LEVEL] [-P PRIORITY] [-m] [-r] [-R] [-s] [-U] [-v] [-h]
//           [DIRECTIVE...]
// As with getopt(3), flags combine (`-nx`) and an option's argument may be attached (`-fFILE`).
// Directives given as trailing arguments replace the config file, as in chronyd. Long options are
// tempus's own and cannot clash with chronyd's: `--control-socket=PATH` (tempusctl's socket),
// `--ntp-conf` / `--chrony-conf` (the -f file's language instead of detecting it) and the internal `--role=net|dns` (used when the parent re-executes itself).
// Pure: no I/O; main() prints what this returns.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tempus::proc {

enum class Role { kParent, kNet, kDns };

inline constexpr const char* kDefaultControlSocket = "/run/tempus/tempusd.sock";
enum class AddressFamily { kAny, kIpv4, kIpv6 };
// The language of the -f file: detected (config/ntpconf.h), or forced by --ntp-conf or
// --chrony-conf.
enum class ConfigFormat { kAuto, kChrony, kNtp };
enum class OneShot { kNone, kSetOnce /* -q */, kQueryOnce /* -Q */ };

// chronyd's -L levels: -1 debug, 0 info, 1 warning, 2 error, 3 fatal (messages at or above
// the level are logged).
enum class LogLevel { kDebug = -1, kInfo = 0, kWarning = 1, kError = 2, kFatal = 3 };

struct Options {
  std::string config_file;          // -f; defaults to the build's default config path
  bool config_file_given = false;
  ConfigFormat config_format = ConfigFormat::kAuto;  // --ntp-conf / --chrony-conf
  std::vector<std::string> directives;  // trailing arguments: config lines replacing the file
  bool foreground = false;          // -n, or implied by -d
  int debug = 0;                    // -d count: 1 = foreground + log to stderr, 2 = also debug
  bool no_adjust = false;           // -x: never change the system clock
  bool print_config = false;        // -p
  std::optional<std::string> user;  // -u
  std::optional<std::string> log_file;  // -l
  LogLevel log_level = LogLevel::kInfo;  // -L
  AddressFamily family = AddressFamily::kAny;  // -4 / -6
  std::optional<core::Duration> timeout;  // -t: exit after this long
  OneShot one_shot = OneShot::kNone;
  bool allow_non_root = false;      // -U
  bool show_version = false;        // -v / --version
  bool show_help = false;           // -h / --help
  Role role = Role::kParent;        // --role=net|dns (internal)
  std::string control_socket = kDefaultControlSocket;  // --control-socket=PATH (absolute)
  // Accepted chronyd options this build does not implement yet, as typed ("-F 1", "-m"), so
  // main() can log each as ignored.
  std::vector<std::string> ignored;
};

// args excludes argv[0]. The error is a one-line message for stderr (without the program name).
core::Result<Options, std::string> parse_options(std::span<const std::string_view> args,
                                                 std::string_view default_config);

std::string usage(std::string_view progname);

}  // namespace tempus::proc
