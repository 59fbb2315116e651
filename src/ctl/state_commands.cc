// SPDX-License-Identifier: ISC
// chronyc 4.3's state-changing commands (client.c's process_cmd_* and cmdparse.c's option
// parsers, as facts): the arguments are joined into one line as chronyc joins its command line,
// numbers are read with sscanf as chronyc reads them, and the request is answered by "200 OK" or
// the status text.
#include <cstdio>
#include <cstring>
#include <strings.h>

#include "core/chronyc_format.h"
#include "core/cmdmon_reply.h"
#include "ctl/commands.h"

namespace tempus::ctl {

namespace {

namespace cm = core::cmdmon;
namespace cc = core::chronyc;

// The words after the command joined by single spaces, as chronyc's normalised line.
std::string rest_of_line(const std::vector<std::string>& w) {
  std::string line;
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i].empty()) continue;
    if (!line.empty()) line += ' ';
    line += w[i];
  }
  return line;
}

// cmdparse.c's CPS_SplitWord on a position in `line`: the word at `pos` (leading spaces
// skipped) and `pos` moved past it and the spaces after it.
std::string split_word(const std::string& line, size_t& pos) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  const size_t start = pos;
  while (pos < line.size() && line[pos] != ' ') ++pos;
  std::string word = line.substr(start, pos - start);
  while (pos < line.size() && line[pos] == ' ') ++pos;
  return word;
}

// chronyc's bits_to_mask(): an all-ones mask of the family for bits out of range; an ID has
// no mask (unspecified).
cm::Address bits_to_mask(int bits, const cm::Address& of) {
  if (!of.ip) return cm::Address::none();
  std::array<uint8_t, 16> b{};
  const int len = of.ip->bit_length();
  if (bits < 0 || bits > len) bits = len;
  for (int i = 0; i < bits; ++i)
    b[static_cast<size_t>(i / 8)] |= static_cast<uint8_t>(0x80 >> (i % 8));
  if (of.ip->is_v4())
    return cm::Address::of(core::IpAddress::v4(static_cast<uint32_t>(b[0]) << 24 |
                                               static_cast<uint32_t>(b[1]) << 16 |
                                               static_cast<uint32_t>(b[2]) << 8 | b[3]));
  return cm::Address::of(core::IpAddress::v6(b));
}

// chronyc's parse_source_address(): "ID#N", an IP address, or a name resolved here.
std::optional<cm::Address> source_address(Session& s, const std::string& word) {
  if (auto a = parse_address(word)) return a;
  if (!s.resolve) return std::nullopt;
  if (auto ip = s.resolve(word)) return cm::Address::of(*ip);
  return std::nullopt;
}

std::optional<cm::Address> ip_only(const std::string& text) {
  auto ip = core::IpAddress::parse(text);
  if (!ip.ok()) return std::nullopt;
  return cm::Address::of(ip.value());
}

// chronyc's read_mask_address(): nothing (every source), MASK/ADDRESS, ADDRESS/BITS, or one
// address or name (its full mask). False with chronyc's message on err.
bool mask_address(Session& s, const std::string& text, cm::Request& q) {
  q.mask = q.address = cm::Address::none();
  if (text.empty()) return true;
  const size_t slash = text.find('/');
  if (slash != std::string::npos) {
    if (auto m = ip_only(text.substr(0, slash))) {
      const std::string second = text.substr(slash + 1);
      if (auto a = ip_only(second)) {
        if (a->ip->is_v4() == m->ip->is_v4()) {
          q.mask = *m;
          q.address = *a;
          return true;
        }
      } else if (unsigned bits = 0; std::sscanf(second.c_str(), "%u", &bits) == 1) {
        q.address = *m;
        q.mask = bits_to_mask(static_cast<int>(bits), *m);
        return true;
      }
    }
  } else {
    if (auto a = source_address(s, text)) {
      q.address = *a;
      q.mask = bits_to_mask(-1, *a);
      return true;
    }
    s.err += "Could not get address for hostname\n";
    return false;
  }
  s.err += "Invalid syntax for mask/address\n";
  return false;
}

bool parse_burst(Session& s, const std::string& line, cm::Request& q) {
  size_t pos = 0;
  const std::string first = split_word(line, pos);
  const std::string second = split_word(line, pos);  // anything after it is ignored
  int good = 0, total = 0;
  if (std::sscanf(first.c_str(), "%d/%d", &good, &total) != 2) {
    s.err += "Invalid syntax for burst command\n";
    return false;
  }
  if (!mask_address(s, second, q)) return false;
  q.command = cm::cmd::kBurst;
  q.n_good = good;
  q.n_total = total;
  return true;
}

bool parse_local(Session& s, const std::string& line, cm::Request& q) {
  q.command = cm::cmd::kLocal2;
  if (line == "off") return true;  // on = 0, stratum 0, distance 0, orphan 0
  int stratum = 10, orphan = 0;
  double distance = 1.0;
  bool ok = true;
  for (size_t pos = 0; ok && pos < line.size();) {
    const std::string word = split_word(line, pos);
    int n = 0;
    const char* at = line.c_str() + pos;
    if (!strcasecmp(word.c_str(), "stratum")) {
      ok = std::sscanf(at, "%d%n", &stratum, &n) == 1 && stratum < 16 && stratum > 0;
    } else if (!strcasecmp(word.c_str(), "orphan")) {
      orphan = 1;
    } else if (!strcasecmp(word.c_str(), "distance")) {
      ok = std::sscanf(at, "%lf%n", &distance, &n) == 1;
    } else {
      ok = false;
    }
    pos += static_cast<size_t>(n);
  }
  if (!ok) {
    s.err += "Invalid syntax for local command\n";
    return false;
  }
  q.local = {1, stratum, orphan, distance};
  return true;
}

// cmdparse.c's CPS_ParseNTPSourceAdd() after the type word: false on any bad option.
bool parse_source_options(const std::string& line, cm::SourceRequest& src, std::string& name) {
  size_t pos = 0;
  name = split_word(line, pos);
  if (name.empty()) return false;
  while (pos < line.size()) {
    const std::string w = split_word(line, pos);
    const char* c = w.c_str();
    const char* at = line.c_str() + pos;
    int n = 0;
    auto i32 = [&](int32_t& v) { return std::sscanf(at, "%d%n", &v, &n) == 1; };
    auto u32 = [&](uint32_t& v) { return std::sscanf(at, "%u%n", &v, &n) == 1; };
    auto dbl = [&](double& v) { return std::sscanf(at, "%lf%n", &v, &n) == 1; };
    auto flag = [&](uint32_t f) {
      src.flags |= f;
      return true;
    };
    bool ok;
    if (!strcasecmp(c, "auto_offline")) ok = flag(cm::SourceRequest::kAutoOffline);
    else if (!strcasecmp(c, "burst")) ok = flag(cm::SourceRequest::kBurst);
    else if (!strcasecmp(c, "copy")) ok = flag(cm::SourceRequest::kCopy);
    else if (!strcasecmp(c, "iburst")) ok = flag(cm::SourceRequest::kIburst);
    else if (!strcasecmp(c, "offline")) {
      src.flags &= ~static_cast<uint32_t>(cm::SourceRequest::kOnline);
      ok = true;
    } else if (!strcasecmp(c, "noselect")) ok = flag(cm::SourceRequest::kNoselect);
    else if (!strcasecmp(c, "prefer")) ok = flag(cm::SourceRequest::kPrefer);
    else if (!strcasecmp(c, "require")) ok = flag(cm::SourceRequest::kRequire);
    else if (!strcasecmp(c, "trust")) ok = flag(cm::SourceRequest::kTrust);
    else if (!strcasecmp(c, "nts")) ok = flag(cm::SourceRequest::kNts);
    else if (!strcasecmp(c, "xleave")) ok = flag(cm::SourceRequest::kInterleaved);
    else if (!strcasecmp(c, "certset")) ok = u32(src.cert_set);
    else if (!strcasecmp(c, "key")) ok = u32(src.authkey) && src.authkey != 0;
    else if (!strcasecmp(c, "asymmetry")) ok = dbl(src.asymmetry);
    else if (!strcasecmp(c, "extfield")) {
      unsigned type = 0;
      ok = std::sscanf(at, "%x%n", &type, &n) == 1 && type == 0xf323;  // NTP_EF_EXP1
      if (ok) src.flags |= cm::SourceRequest::kExtFieldExp1;
    } else if (!strcasecmp(c, "filter")) ok = i32(src.filter_length);
    else if (!strcasecmp(c, "maxdelay")) ok = dbl(src.max_delay);
    else if (!strcasecmp(c, "maxdelayratio")) ok = dbl(src.max_delay_ratio);
    else if (!strcasecmp(c, "maxdelaydevratio")) ok = dbl(src.max_delay_dev_ratio);
    else if (!strcasecmp(c, "maxdelayquant")) ok = dbl(src.max_delay_quant);
    else if (!strcasecmp(c, "maxpoll")) ok = i32(src.maxpoll);
    else if (!strcasecmp(c, "maxsamples")) ok = i32(src.max_samples);
    else if (!strcasecmp(c, "maxsources")) ok = u32(src.max_sources);
    else if (!strcasecmp(c, "mindelay")) ok = dbl(src.min_delay);
    else if (!strcasecmp(c, "minpoll")) ok = i32(src.minpoll);
    else if (!strcasecmp(c, "minsamples")) ok = i32(src.min_samples);
    else if (!strcasecmp(c, "minstratum")) ok = u32(src.min_stratum);
    else if (!strcasecmp(c, "ntsport")) ok = u32(src.nts_port);
    else if (!strcasecmp(c, "offset")) ok = dbl(src.offset);
    else if (!strcasecmp(c, "port")) ok = u32(src.port);
    else if (!strcasecmp(c, "polltarget")) ok = u32(src.poll_target);
    else if (!strcasecmp(c, "presend")) ok = i32(src.presend_minpoll);
    else if (!strcasecmp(c, "version")) ok = u32(src.version);
    else ok = false;
    if (!ok) return false;
    pos += static_cast<size_t>(n);
  }
  return true;
}

bool parse_add(Session& s, const std::string& line, cm::Request& q) {
  size_t pos = 0;
  const std::string type = split_word(line, pos);
  cm::SourceRequest src;
  src.presend_minpoll = 100;  // chrony's defaults where they differ from SourceRequest's
  src.min_samples = src.max_samples = -1;
  if (!strcasecmp(type.c_str(), "server")) src.type = cm::SourceRequest::kServer;
  else if (!strcasecmp(type.c_str(), "peer")) src.type = cm::SourceRequest::kPeer;
  else if (!strcasecmp(type.c_str(), "pool")) src.type = cm::SourceRequest::kPool;
  else {
    s.err += "Invalid syntax for add command\n";
    return false;
  }
  std::string name;
  if (!parse_source_options(line.substr(pos), src, name)) {
    s.err += "Invalid syntax for add command\n";
    return false;
  }
  // chronyc checks that the name resolves (it and the daemon share a host).
  if (name.size() >= src.name.size() ||
      (!core::IpAddress::parse(name).ok() && (!s.resolve || !s.resolve(name)))) {
    s.err += "Invalid host/IP address\n";
    return false;
  }
  src.set_name(name);
  q.command = cm::cmd::kAddSource;
  q.source = src;
  return true;
}

bool parse_delete(Session& s, const std::string& line, cm::Request& q) {
  size_t pos = 0;
  const std::string host = split_word(line, pos);
  if (host.empty()) {
    s.err += "Invalid syntax for address\n";
    return false;
  }
  auto a = source_address(s, host);
  if (!a) {
    s.err += "Could not get address for hostname\n";
    return false;
  }
  q.command = cm::cmd::kDelSource;
  q.address = *a;
  return true;
}

bool parse_makestep(Session& s, const std::string& line, cm::Request& q) {
  if (line.empty()) {
    q.command = cm::cmd::kMakeStep;
    return true;
  }
  double threshold = 0;
  int limit = 0;
  if (std::sscanf(line.c_str(), "%lf %d", &threshold, &limit) != 2) {
    s.err += "Bad syntax for makestep command\n";
    return false;
  }
  q.command = cm::cmd::kModifyMakeStep;
  q.makestep = {limit, threshold};
  return true;
}

// allow/deny/cmdallow/cmddeny [all] [SUBNET]: chrony's subnet forms (core::Subnet::parse) or a
// name resolved here (its /32 or /128); nothing: every address.
bool parse_access(Session& s, const std::string& c, const std::string& line, cm::Request& q) {
  size_t pos = 0;
  std::string word = split_word(line, pos);
  const bool all = !strcasecmp(word.c_str(), "all");
  if (all) word = split_word(line, pos);
  const bool deny = c == "deny" || c == "cmddeny";
  const uint16_t base = c.starts_with("cmd") ? cm::cmd::kCmdAllow : cm::cmd::kAllow;
  q.command = static_cast<uint16_t>(base + (deny ? 2 : 0) + (all ? 1 : 0));
  if (word.empty()) return true;
  if (auto net = core::Subnet::parse(word)) {
    q.address = cm::Address::of(net->address());
    q.subnet_bits = net->prefix_len();
    return true;
  }
  if (auto ip = s.resolve ? s.resolve(word) : std::nullopt) {
    q.address = cm::Address::of(*ip);
    q.subnet_bits = ip->is_v4() ? 32 : 128;
    return true;
  }
  s.err += "Could not read address\n";
  return false;
}

bool parse_accheck(Session& s, const std::string& c, const std::string& line, cm::Request& q) {
  size_t pos = 0;
  const std::string word = split_word(line, pos);
  auto a = word.empty() ? std::nullopt : source_address(s, word);
  if (!a || !a->ip) {
    s.err += "Could not read address\n";
    return false;
  }
  q.command = c == "accheck" ? cm::cmd::kAcCheck : cm::cmd::kCmdAcCheck;
  q.address = *a;
  return true;
}

// The request for `w`, or false (the reason on err).
bool build(Session& s, const std::vector<std::string>& w, cm::Request& q) {
  const std::string& c = w[0];
  const std::string line = rest_of_line(w);
  if (c == "online" || c == "offline") {
    if (!mask_address(s, line, q)) return false;
    q.command = c == "online" ? cm::cmd::kOnline : cm::cmd::kOffline;
    return true;
  }
  if (c == "burst") return parse_burst(s, line, q);
  if (c == "local") return parse_local(s, line, q);
  if (c == "add") return parse_add(s, line, q);
  if (c == "delete") return parse_delete(s, line, q);
  if (c == "makestep") return parse_makestep(s, line, q);
  if (c == "allow" || c == "deny" || c == "cmdallow" || c == "cmddeny")
    return parse_access(s, c, line, q);
  if (c == "accheck" || c == "cmdaccheck") return parse_accheck(s, c, line, q);
  if (c == "reset") {
    if (line != "sources") {
      s.err += "Invalid syntax for reset command\n";
      return false;
    }
    q.command = cm::cmd::kResetSources;
    return true;
  }
  if (c == "reload") {
    if (line != "sources") {
      s.err += "Invalid syntax for reload command\n";
      return false;
    }
    q.command = cm::cmd::kReloadSources;
    return true;
  }
  q.command = c == "onoffline"  ? cm::cmd::kOnOffline
              : c == "rekey"    ? cm::cmd::kRekey
              : c == "dump"     ? cm::cmd::kDump
              : c == "reselect" ? cm::cmd::kReselect
              : c == "refresh"  ? cm::cmd::kRefresh
              : c == "shutdown" ? cm::cmd::kShutdown
                                : cm::cmd::kCycleLogs;
  return true;
}

}  // namespace

bool is_state_command(std::string_view name) {
  for (std::string_view c : {"online", "offline", "onoffline", "burst", "makestep", "local", "add",
                             "delete", "reload", "rekey", "cyclelogs", "dump", "allow", "deny",
                             "cmdallow", "cmddeny", "accheck", "cmdaccheck", "reselect",
                             "refresh", "reset", "shutdown"})
    if (name == c) return true;
  return false;
}

int run_state_command(Session& s, const std::vector<std::string>& w) {
  cm::Request q;
  if (w.empty() || !is_state_command(w[0]) || !build(s, w, q)) return 1;
  auto r = s.ask(q);
  if (!r) {
    s.out += std::string(cc::kCannotTalk) + "\n";
    return 1;
  }
  const auto status = static_cast<uint16_t>(r->status);
  s.out += cc::status_text(status) + "\n";
  if (status != 0 && status != 8 && status != 9) return 1;  // access allowed / denied
  if (cm::format_of(r->body) != 1) {  // RPY_NULL
    s.out += std::string(cc::kBadReply) + "\n";
    return 1;
  }
  return 0;
}

}  // namespace tempus::ctl
