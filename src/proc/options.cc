// SPDX-License-Identifier: ISC
#include "proc/options.h"

#include <charconv>

namespace tempus::proc {

namespace {

using core::Unexpected;

// Letters that take an argument, as in chronyd's getopt string "46df:F:hl:L:mnpP:qQrRst:u:Uvx".
constexpr std::string_view kWithArg = "fFlLPtu";
constexpr std::string_view kFlags = "46dhmnpqQrRsUvx";

std::optional<long> to_long(std::string_view s) {
  long v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> to_seconds(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty() || !(v > 0) || v > 1e9) return std::nullopt;
  return v;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Applies one option letter. Returns an error message or an empty string.
std::string apply(Options& o, char c, std::string_view arg) {
  switch (c) {
    case '4': o.family = AddressFamily::kIpv4; break;
    case '6': o.family = AddressFamily::kIpv6; break;
    case 'd':
      ++o.debug;
      o.foreground = true;
      break;
    case 'h': o.show_help = true; break;
    case 'n': o.foreground = true; break;
    case 'p': o.print_config = true; break;
    case 'q': o.one_shot = OneShot::kSetOnce; break;
    case 'Q': o.one_shot = OneShot::kQueryOnce; break;
    case 'U': o.allow_non_root = true; break;
    case 'v': o.show_version = true; break;
    case 'x': o.no_adjust = true; break;
    case 'm':
    case 'r':
    case 'R':
    case 's': o.ignored.push_back(std::string("-") + c); break;
    case 'f':
      o.config_file = std::string(arg);
      o.config_file_given = true;
      break;
    case 'u':
      if (arg.empty()) return "empty user name";
      o.user = std::string(arg);
      break;
    case 'l':
      if (arg.empty()) return "empty log file name";
      o.log_file = std::string(arg);
      break;
    case 'L': {
      auto v = to_long(arg);
      if (!v || *v < -1 || *v > 3) return "invalid log level " + quoted(arg) + " (-1..3)";
      o.log_level = static_cast<LogLevel>(*v);
      break;
    }
    case 't': {
      auto v = to_seconds(arg);
      if (!v) return "invalid timeout " + quoted(arg);
      o.timeout = core::Duration::from_seconds_f(*v);
      break;
    }
    case 'F': {
      auto v = to_long(arg);
      if (!v || *v < -1 || *v > 2) return "invalid seccomp level " + quoted(arg) + " (-1..2)";
      o.ignored.push_back("-F " + std::string(arg));
      break;
    }
    case 'P': {
      auto v = to_long(arg);
      if (!v || *v < 0 || *v > 100) return "invalid priority " + quoted(arg) + " (0..100)";
      o.ignored.push_back("-P " + std::string(arg));
      break;
    }
    default: return std::string("unknown option -") + c;
  }
  return {};
}

std::string apply_long(Options& o, std::string_view opt) {
  if (opt == "--help") {
    o.show_help = true;
  } else if (opt == "--version") {
    o.show_version = true;
  } else if (opt == "--ntp-conf") {
    o.config_format = ConfigFormat::kNtp;
  } else if (opt == "--chrony-conf") {
    o.config_format = ConfigFormat::kChrony;
  } else if (opt == "--role=net") {
    o.role = Role::kNet;
  } else if (opt == "--role=dns") {
    o.role = Role::kDns;
  } else if (opt.starts_with("--control-socket=")) {
    const auto path = opt.substr(17);
    if (path.empty() || path[0] != '/' || path.size() > 100)
      return "invalid control socket path " + quoted(path);
    o.control_socket = std::string(path);
  } else if (opt.starts_with("--role")) {
    return "invalid role " + quoted(opt);
  } else {
    return "unknown option " + quoted(opt);
  }
  return {};
}

}  // namespace

core::Result<Options, std::string> parse_options(std::span<const std::string_view> args,
                                                 std::string_view default_config) {
  Options o;
  o.config_file = std::string(default_config);
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      // Positional: a config directive (chronyd takes them anywhere, as GNU getopt permutes).
      o.directives.emplace_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a.starts_with("--")) {
      if (auto err = apply_long(o, a); !err.empty()) return Unexpected{err};
      continue;
    }
    for (size_t j = 1; j < a.size(); ++j) {
      const char c = a[j];
      if (kWithArg.find(c) != std::string_view::npos) {
        std::string_view arg;
        if (j + 1 < a.size()) {
          arg = a.substr(j + 1);
        } else if (i + 1 < args.size()) {
          arg = args[++i];
        } else {
          return Unexpected{std::string("option -") + c + " requires an argument"};
        }
        if (auto err = apply(o, c, arg); !err.empty()) return Unexpected{err};
        break;
      }
      if (kFlags.find(c) == std::string_view::npos)
        return Unexpected{std::string("unknown option -") + c};
      if (auto err = apply(o, c, {}); !err.empty()) return Unexpected{err};
    }
  }
  if (o.role != Role::kParent && o.print_config)
    return Unexpected{std::string("--role cannot be combined with -p")};
  return o;
}

std::string usage(std::string_view progname) {
  std::string u = "Usage: ";
  u += progname;
  u += R"( [OPTION]... [DIRECTIVE]...

  -f FILE     read the configuration from FILE
  -n          do not detach; stay in the foreground
  -d          foreground, log to standard error (twice: debug messages too)
  -x          never change the system clock (no-adjust mode)
  -q / -Q     set the clock once and exit / print the offset once and exit
  -p          print the parsed configuration and exit (exit 1 on an error)
  -u USER     run the network and DNS processes as USER
  -l FILE     log to FILE
  -L LEVEL    lowest level logged: -1 debug, 0 info, 1 warning, 2 error, 3 fatal
  -4 / -6     use IPv4 / IPv6 only
  -t SECONDS  exit after SECONDS
  -U          allow starting as a user other than root
  -v          print the version and exit
  -h          print this help and exit
  --ntp-conf / --chrony-conf
              read FILE as ntpd's ntp.conf / as chrony.conf (default: detected from
              its directives, then its name; see tempus.conf(5))
  --control-socket=PATH
              tempusctl's socket (default /run/tempus/tempusd.sock)
  -F LEVEL, -P PRIORITY, -m, -r, -R, -s
              accepted for chronyd compatibility; not implemented yet, logged as ignored
Directives given after the options replace the configuration file.
)";
  return u;
}

}  // namespace tempus::proc
