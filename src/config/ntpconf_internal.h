// SPDX-License-Identifier: ISC
// Internals shared by the ntp.conf front end's translation units (not part of the public API).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/ntpconf.h"
#include "config/parser_internal.h"

namespace tempus::config::ntp {

using detail::Args;
using detail::Status;

// One restrict entry: ntpd keys entries by family, address and mask.
struct RestrictEntry {
  core::Subnet subnet;  // for `default`: 0.0.0.0/0 or ::/0
  bool is_default = false;
  std::string host;  // a host name instead of an address (resolved at start): subnet unused
  bool ignore = false;
  bool noserve = false;
  bool noquery = false;
  bool limited = false;
  bool kod = false;
  Location where;  // the first line of the entry
};

// What the directives collect before finish() turns it into Config fields.
struct State {
  ParseOutput& out;
  std::vector<RestrictEntry> restricts;  // in order of first appearance
  std::optional<int> discard_average;    // discard average N (log2 s)
  // The local clock driver: the first server 127.127.1.u line, and its fudge stratum.
  std::optional<Location> local_clock;
  std::optional<int> local_unit;
  std::optional<int> local_fudge_stratum;
  // ntpd's SHM (127.127.28.u) and PPS (127.127.22.u) drivers, as chrony.conf refclock words
  // ("SHM", "0", options...); the fudge options of each address, as chrony's option words.
  struct RefclockLine {
    Location where;
    std::string address;
    std::vector<std::string> words;
  };
  std::vector<RefclockLine> refclocks;
  std::vector<std::pair<std::string, std::vector<std::string>>> fudges;
  std::optional<bool> nts_enabled;  // NTPsec: nts enable|disable, nts cert/key FILE
  std::optional<std::string> nts_cert;
  std::optional<std::string> nts_key;
  std::optional<int> orphan_stratum;  // tos orphan N
  bool step_set = false;              // tinker step given

  Config& config() { return out.config; }
  void note(const Args& a, std::string text) {
    out.notes.push_back(Warning{a.where(), std::move(text)});
  }
};

// Applies one directive line (ntpconf_directives.cc); unknown directives are errors.
Status apply_directive(const Args& a, State& st);

// restrict [-4|-6] ADDRESS [mask MASK] [FLAG...] (ntpconf_restrict.cc).
Status restrict_line(const Args& a, State& st);
// NTPsec's `nts` directive, and the NTS options of a source (ca FILE → a certset of its own,
// ask/aead/noval warned); `words` are the source's chrony option words (ntpconf_nts.cc).
Status nts_directive(const Args& a, State& st);
Status nts_source_option(const Args& a, size_t& i, State& st, std::vector<std::string>& words);
// nts enable with cert and key → ntsservercert/ntsserverkey.
void finish_nts(State& st, const std::string& top_file);
// Adds the SHM/PPS reference clocks with their fudge options to Config::refclocks
// (ntpconf_directives.cc).
Status finish_refclocks(State& st, const std::string& top_file);
// Turns the restrict entries into Config::ntp_access / cmd_access / rate_limit, with the
// warning for families ntpd would serve to everyone.
void finish_restrict(State& st, const std::string& top_file);

}  // namespace tempus::config::ntp
