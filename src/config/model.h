// SPDX-License-Identifier: ISC
// The typed model of a chrony.conf-language configuration (chrony 4.8 semantics).
//
// Every field starts at chrony's default, so a default-constructed Config is what an empty file
// means. Units are in the types (core::Duration is int64 ns) or in the names (_ppm, _ratio,
// _log2). A repeated directive overwrites (last one wins) unless its field is a list. Paths are
// std::string where empty means "not configured" (a config word is never empty).
//
// Values are kept as the file gave them, after chrony's parse-time range checks; clamps that
// chronyd applies later at run time (e.g. minpoll below -7 falling back to 6) are the daemon's
// business, not the model's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip.h"
#include "core/time.h"

namespace tempus::config {

// Where a directive came from. Provenance, not configuration: two entries configured the same
// way in different places compare equal (so a printed-and-reparsed config equals the original).
struct Location {
  std::string file;
  int line = 0;  // 1-based
  std::string to_string() const { return file + ":" + std::to_string(line); }
  friend bool operator==(const Location&, const Location&) { return true; }
};

enum class SourceKind : uint8_t { kServer, kPool, kPeer };
const char* to_string(SourceKind k);  // "server", "pool", "peer"

enum class AddressFamily : uint8_t { kAny, kIpv4, kIpv6 };

// server/pool/peer HOST [options]. Defaults are chrony's (srcparams.h, cmdparse.c).
struct NtpSource {
  SourceKind kind = SourceKind::kServer;
  std::string host;  // a DNS name, or address text (then `address` is set)
  std::optional<core::IpAddress> address;
  Location where;

  core::PollLog minpoll{6};        // minpoll N, log2 s, parsed range -32..32
  core::PollLog maxpoll{10};       // maxpoll N, log2 s, -32..32
  int poll_target = 8;             // polltarget N, 1..
  uint16_t port = 123;             // port N
  bool iburst = false;             // not for peer
  bool burst = false;              // not for peer
  std::optional<uint32_t> key_id;  // key ID (1..2^32-1), symmetric key from keyfile
  bool nts = false;                // not for peer
  uint16_t nts_port = 4460;        // ntsport N
  uint32_t cert_set = 0;           // certset ID
  core::Duration max_delay = core::Duration::s(3);  // maxdelay S
  double max_delay_ratio = 0.0;                     // maxdelayratio R, 0 = off
  double max_delay_dev_ratio = 10.0;                // maxdelaydevratio R
  double max_delay_quant = 0.0;                     // maxdelayquant P (quantile 0..1), 0 = off
  core::Duration min_delay;                         // mindelay S, 0 = off
  double asymmetry = 1.0;                           // asymmetry R
  core::Duration offset;           // offset S: added to measured offsets (> 0: source ahead)
  std::optional<int> min_samples;  // minsamples N (0..); unset = the global setting
  std::optional<int> max_samples;  // maxsamples N (0..); unset = the global setting
  int filter = 0;                  // filter N samples (median), 0 = off
  int max_unreach = 100000;        // maxunreach N
  bool offline = false;
  bool auto_offline = false;
  bool prefer = false;
  bool noselect = false;
  bool trust = false;
  bool require = false;
  bool xleave = false;
  bool copy = false;                           // not for peer
  std::optional<core::PollLog> presend;        // presend N (log2 s, -32..32); not for peer
  int min_stratum = 0;                         // minstratum N, 0..16
  std::optional<int> version;                  // version N, 1..4; unset = automatic
  bool ext_mono_root = false;                  // extfield F323
  bool ext_net_correction = false;             // extfield F324 (or 010A)
  AddressFamily family = AddressFamily::kAny;  // ipv4 / ipv6
  int max_sources = 4;                         // maxsources N, pool only, 1..

  bool operator==(const NtpSource&) const = default;
};

// refclock DRIVER PARAMETER [options]. The options the drivers use are typed; the rest (lock,
// rate, local, pps, width, maxunreach, maxlockage) are validated and kept in `other_options` as
// "name" or "name value" with the name lowercased, in file order. The parser warns (file:line)
// about drivers other than SOCK and PHC, and about options or PHC suffixes a driver ignores.
struct Refclock {
  std::string driver;     // PPS, SHM, SOCK, PHC or RTC (case-sensitive, as chrony)
  std::string parameter;  // device or path, with any ":option" suffixes, as written
  std::string device;     // parameter without its ":option" suffixes
  Location where;
  std::string refid;  // refid ID, up to 4 characters; default: driver[0..3) + index % 10 ("PHC0")
  int poll = 4;       // poll N, log2 s, -32..32
  int dpoll = 0;      // dpoll N, log2 s, -32..32
  int filter = 64;    // filter N samples
  bool prefer = false;
  bool noselect = false;
  bool trust = false;
  bool require = false;
  core::Duration offset;                         // offset S
  core::Duration delay = core::Duration::ns(1);  // delay S
  core::Duration precision;                      // precision S, 0 = driver default
  int stratum = 0;                               // stratum N, 0..15
  bool tai = false;                              // tai: the clock keeps TAI, not UTC
  std::optional<int> min_samples;                // minsamples N; unset = the global setting
  std::optional<int> max_samples;                // maxsamples N; unset = the global setting
  std::optional<core::Duration> max_dispersion;  // maxdispersion S; unset = no limit
  bool nocrossts = false;                        // PHC ":nocrossts": no PTP_SYS_OFFSET_PRECISE
  std::vector<std::string> other_options;

  bool operator==(const Refclock&) const = default;
};

// allow/deny/cmdallow/cmddeny [all] [SUBNET | HOST], kept in file order.
struct AccessRule {
  enum class Target : uint8_t { kAnyAddress, kSubnet, kHostName };
  bool allow = true;
  bool all = false;  // "all": also overrides earlier rules for more specific subnets
  Target target = Target::kAnyAddress;  // kAnyAddress: every IPv4 and IPv6 address
  core::Subnet subnet;                  // kSubnet
  std::string host;                     // kHostName: resolved at start, a /32 or /128 rule
  Location where;

  bool operator==(const AccessRule&) const = default;
};

struct RateLimit {
  bool enabled = false;
  int interval_log2 = 0;  // interval N: log2 s between responses, -32..32 (chrony: -19..12 used)
  int burst = 8;          // burst N
  int leak = 2;           // leak N: 1 in 2^N responses still sent
  int kod = 0;            // kod N (ratelimit only)
  bool operator==(const RateLimit&) const = default;
};

struct LocalReference {
  int stratum = 10;  // 1..15
  bool orphan = false;
  core::Duration distance = core::Duration::s(1);
  core::Duration activate;  // 0 = always
  core::Duration wait_synced;
  core::Duration wait_unsynced;  // default 0, or 300 s with orphan
  bool operator==(const LocalReference&) const = default;
};

struct MaxChange {
  core::Duration offset;  // a correction larger than this...
  int start = 0;          // ...is checked after this many updates...
  int ignore = 0;         // ...ignored this many times, then the daemon exits
  bool operator==(const MaxChange&) const = default;
};

struct FallbackDrift {
  int min_log2 = 0;  // log2 s
  int max_log2 = 0;
  bool operator==(const FallbackDrift&) const = default;
};

struct SmoothTime {
  double max_freq_ppm = 0.0;
  double max_wander_ppm_per_s = 0.0;
  bool leap_only = false;
  bool operator==(const SmoothTime&) const = default;
};

struct InitStepSlew {
  core::Duration threshold;
  std::vector<std::string> hosts;  // names or addresses, resolved at start
  bool operator==(const InitStepSlew&) const = default;
};

struct TrustedCerts {
  uint32_t set_id = 0;  // certset of sources using it
  std::string path;     // file or directory
  bool operator==(const TrustedCerts&) const = default;
};

struct LogSet {
  bool measurements = false;
  bool raw_measurements = false;  // implies measurements
  bool statistics = false;
  bool tracking = false;
  bool rtc = false;
  bool refclocks = false;
  bool tempcomp = false;
  bool selection = false;
  bool any() const {
    return measurements || raw_measurements || statistics || tracking || rtc || refclocks ||
           tempcomp || selection;
  }
  bool operator==(const LogSet&) const = default;
};

enum class AuthSelectMode : uint8_t { kRequire, kPrefer, kMix, kIgnore };
const char* to_string(AuthSelectMode m);  // the directive's keyword
enum class LeapSecMode : uint8_t { kSystem, kSlew, kStep, kIgnore };
const char* to_string(LeapSecMode m);

inline constexpr const char* kDefaultCommandSocket = "/run/chrony/chronyd.sock";
inline constexpr const char* kDefaultPidFile = "/run/chrony/chronyd.pid";

struct Config {
  // --- time sources
  std::vector<NtpSource> sources;                     // server/pool/peer lines of the config files
  std::vector<std::vector<std::string>> source_dirs;  // one entry per sourcedir directive
  std::vector<NtpSource> sourcedir_sources;  // read from source_dirs when parsed (reloadable)
  std::vector<Refclock> refclocks;
  std::optional<InitStepSlew> init_step_slew;
  bool manual = false;
  std::optional<uint16_t> acquisition_port;  // unset: a random port per request
  core::IpAddress bind_acq_address4 = core::IpAddress::any(core::IpFamily::kV4);
  core::IpAddress bind_acq_address6 = core::IpAddress::any(core::IpFamily::kV6);

  // --- source selection
  AuthSelectMode auth_select_mode = AuthSelectMode::kMix;
  double combine_limit = 3.0;
  core::Duration max_distance = core::Duration::s(3);
  core::Duration max_jitter = core::Duration::s(1);
  int max_stratum = 15;
  int min_stratum = 0;
  int min_sources = 1;
  core::Duration reselect_dist = core::Duration::us(100);
  core::Duration stratum_weight = core::Duration::ms(1);

  // --- system clock
  core::Duration clock_precision;  // 0: measured at start
  double corr_time_ratio = 3.0;
  std::string drift_file;
  core::Duration drift_interval = core::Duration::s(3600);  // driftfile ... interval N
  std::optional<FallbackDrift> fallback_drift;
  LeapSecMode leap_sec_mode = LeapSecMode::kSystem;
  std::string leap_sec_tz;
  std::string leap_sec_list;
  core::Duration make_step_threshold;  // makestep THRESHOLD LIMIT
  int make_step_limit = 0;             // 0: never step; < 0: no limit
  std::optional<MaxChange> max_change;
  double max_clock_error_ppm = 1.0;
  double max_drift_ppm = 100000.0;
  double max_slew_rate_ppm = 1e6 / 12.0;
  double max_update_skew_ppm = 1000.0;
  bool rtc_sync = false;

  // --- NTP server
  std::vector<AccessRule> ntp_access;  // allow/deny, in order; empty = serve no client
  uint16_t port = 123;                 // 0: no server socket
  core::IpAddress bind_address4 = core::IpAddress::any(core::IpFamily::kV4);
  core::IpAddress bind_address6 = core::IpAddress::any(core::IpFamily::kV6);
  std::string bind_device;  // binddevice: the server sockets take packets of this interface only
  uint64_t client_log_limit = 524288;  // bytes
  bool no_client_log = false;
  std::optional<LocalReference> local;
  RateLimit rate_limit{.interval_log2 = 3};
  std::optional<SmoothTime> smooth_time;
  int dscp = 0;  // 0..63

  // --- command access
  std::vector<AccessRule> cmd_access;  // cmdallow/cmddeny, in order
  uint16_t cmd_port = 323;             // 0: no UDP command socket
  core::IpAddress bind_cmd_address4 = core::IpAddress::loopback(core::IpFamily::kV4);
  core::IpAddress bind_cmd_address6 = core::IpAddress::loopback(core::IpFamily::kV6);
  std::string bind_cmd_path = kDefaultCommandSocket;  // empty: no Unix socket ("/")
  RateLimit cmd_rate_limit{.interval_log2 = -4};

  // --- NTS
  uint16_t nts_port = 4460;
  std::vector<std::string> nts_server_certs;  // paired by index with nts_server_keys
  std::vector<std::string> nts_server_keys;
  std::string nts_dump_dir;  // ntsdumpdir / ntscachedir
  std::vector<TrustedCerts> nts_trusted_certs;
  bool no_system_cert = false;
  int no_cert_time_check = 0;  // clock updates before certificate times are checked
  core::Duration nts_rotate = core::Duration::s(604800);
  core::Duration nts_refresh = core::Duration::s(2419200);
  int nts_processes = 1;          // 0..1000
  int max_nts_connections = 100;  // 1..
  std::string nts_ntp_server;
  std::vector<int> nts_aeads{30, 15};  // AEAD IDs in order of preference
  RateLimit nts_rate_limit{.interval_log2 = 6};

  // --- logging and files
  std::string log_dir;
  LogSet log;                 // logdir/<name>.log; rtc, refclocks and tempcomp are not written
  int log_banner = 32;        // banner every N lines of each log file; 0: never
  core::Duration log_change = core::Duration::s(1);  // syslog a clock error above this
  std::string key_file;
  std::string dump_dir;
  std::string pid_file = kDefaultPidFile;  // empty: no pid file ("/")
  std::string user;                        // empty: the build's default user

  // --- process
  bool lock_all = false;
  int sched_priority = 0;  // 0..100, 0 = normal scheduling

  bool operator==(const Config&) const = default;
};

}  // namespace tempus::config
