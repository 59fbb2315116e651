// SPDX-License-Identifier: ISC
// The ntp.conf front end: ntpd's configuration language (ntp 4.2.x and NTPsec) read into the same
// Config as chrony.conf, so `tempusd -f /etc/ntp.conf` runs an ntpd box's file as it is and
// `tempusd -p` prints the chrony.conf to migrate to (man/tempus.conf.5, NTP.CONF COMPATIBILITY,
// has the directive-by-directive table; this header states the rules).
//
// Lexing: chrony's lexer, after ntpd's comment rule ('#' starts a comment anywhere in a line).
// Every directive ntpd knows is either mapped onto Config, accepted with a note (it changes
// nothing tempusd does, e.g. `restrict … nomodify`), or accepted with a warning at its
// file:line because tempusd cannot do it (broadcast, autokey, refclock drivers other than the
// local clock...). A word ntpd would reject — unknown directive, unknown restrict flag, bad
// number — is an error at its file:line, and parsing stops, as with chrony.conf.
//
// Semantics an ntpd user relies on that chrony does differently, translated to ntpd's:
//  - access: ntpd serves every address no `restrict` line limits. Each family (IPv4, IPv6)
//    without a `restrict default` line is served to everyone, with a warning naming the open
//    service; ntpq (mode 6) access stays loopback-only there. restrict entries are keyed by
//    address and mask (a repeated key ORs its flags, as ntpd does) and the longest matching mask
//    decides, which is exactly chrony's most-specific-subnet rule, so every entry becomes one
//    allow/deny line (time service: off with ignore or noserve) and one cmdallow/cmddeny line
//    (mode 6: off with ignore or noquery);
//  - `limited` on any served entry turns on `ratelimit` (interval from `discard average`, 3 by
//    default) for every client (chrony's limit is global), `kod` with it sends KoD RATE;
//  - the clock: ntpd steps offsets over 128 ms at any time → `makestep 0.128 -1` (`tinker step`
//    changes it, `tinker step 0` turns it off); its kernel discipline keeps the RTC in the
//    kernel's 11-minute mode → `rtcsync` (`disable kernel` turns it off);
//  - `server 127.127.1.u` (the local clock driver, fudge stratum N, default 5) → `local stratum
//    N+1`: ntpd counts a reference clock as one stratum below itself, so clients keep seeing
//    the stratum they saw from ntpd. `tos orphan N` → `local stratum N orphan`. The SHM and PPS
//    drivers (127.127.28.u, 127.127.22.u) become chrony's `refclock SHM u` / `PPS /dev/ppsu`
//    with their fudge time1 (offset), refid and stratum.
// includefile: a relative path is taken from the including file's directory (NTPsec); a file
// that cannot be read is a warning and is skipped, as ntpd does; nesting is limited to
// kMaxIncludeDepth files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/file_source.h"
#include "config/parser.h"

namespace tempus::config {

// Which language a config file is in, when the command line does not say (`--ntp-conf`):
//  1. its directives decide: a directive only ntpd knows (restrict, fudge, tos, statsdir,
//     includefile, keys, leapfile, logfile, filegen, disable, enable...) with none only
//     chrony knows (allow, makestep, local, rtcsync, include...) → kNtp; the reverse → kChrony;
//  2. when the file has both kinds or neither (e.g. only server/pool/driftfile lines, which
//     both languages read alike), its name decides: a base name "ntp.conf" → kNtp, else kChrony.
// A chrony.conf chronyd accepts holds no ntpd-only directive (those are unknown to chronyd), so
// it is never taken for ntp.conf unless it is named ntp.conf and has no chrony-only directive.
ConfigLanguage detect_language(std::string_view path, std::string_view text);

// Parses the ntp.conf at `path` (and what it includes) through `fs`. language is kNtp.
core::Result<ParseOutput, ConfigError> parse_ntp_conf_file(const std::string& path,
                                                           FileSource& fs);
// Parses `text` as an ntp.conf named `name`.
core::Result<ParseOutput, ConfigError> parse_ntp_conf_text(const std::string& name,
                                                           std::string_view text, FileSource& fs);

// Reads `path` through `fs` and parses it in the language `forced` names, or, when nullopt, in
// the one detect_language() finds.
core::Result<ParseOutput, ConfigError> parse_any_config_file(const std::string& path,
                                                             FileSource& fs,
                                                             std::optional<ConfigLanguage> forced);

// Every directive name the ntp.conf front end recognises, lowercase.
std::vector<std::string> ntp_directive_names();

}  // namespace tempus::config
