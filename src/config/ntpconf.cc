// SPDX-License-Identifier: ISC
// The ntp.conf front end: the file driver and language detection (the directive table and its
// handlers are in ntpconf_directives.cc, restrict in ntpconf_restrict.cc, NTS in ntpconf_nts.cc).
#include "config/ntpconf.h"

#include <algorithm>

#include "config/ntpconf_internal.h"

namespace tempus::config {
namespace ntp {
namespace {

using detail::quoted;

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// ntpd's comment rule: '#' to the end of the line, wherever it starts.
std::string strip_comments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool comment = false;
  for (char ch : text) {
    if (ch == '\n') comment = false;
    if (ch == '#') comment = true;
    if (!comment) out.push_back(ch);
  }
  return out;
}

class Driver {
 public:
  Driver(FileSource& fs, State& st) : fs_(fs), st_(st) {}

  Status read_file(const std::string& path, int depth, const Location& from) {
    auto text = fs_.read(path);
    if (!text.ok()) {
      const std::string msg = "cannot read " + quoted(path) + ": " + to_string(text.error());
      if (depth == 1)
        return core::Unexpected{ConfigError{ErrorKind::kReadFailed, Location{path, 0}, msg}};
      // ntpd logs a missing includefile and goes on.
      st_.out.warnings.push_back(Warning{from, msg + "; includefile skipped"});
      return {};
    }
    return parse_text(path, *text, depth);
  }

  Status parse_text(const std::string& name, std::string_view text, int depth) {
    const LexedFile file = lex(name, strip_comments(text));
    for (const LexedLine& line : file.lines) {
      const Args a(line, st_.out.warnings);
      if (line.where.line == file.bad_character_line) {
        return core::Unexpected{a.error(ErrorKind::kInvalidCharacter, "invalid character")};
      }
      if (a.name() == "includefile") {
        if (Status s = include(a, depth); !s.ok()) return s;
        continue;
      }
      if (Status s = apply_directive(a, st_); !s.ok()) return s;
    }
    return {};
  }

 private:
  Status include(const Args& a, int depth) {
    if (Status s = a.expect(1); !s.ok()) return s;
    std::string path = a[0];
    if (path[0] != '/') path = dir_of(a.where().file) + path;
    if (depth + 1 > kMaxIncludeDepth) {
      return core::Unexpected{a.error(ErrorKind::kIncludeDepth,
                                      "include depth exceeds " + std::to_string(kMaxIncludeDepth) +
                                          " files at " + quoted(path))};
    }
    return read_file(path, depth + 1, a.where());
  }

  FileSource& fs_;
  State& st_;
};

// The defaults an ntpd user gets without asking (ntpconf.h), with their notes.
void set_ntpd_defaults(State& st, const std::string& top) {
  Config& c = st.config();
  c.make_step_threshold = core::Duration::ms(128);
  c.make_step_limit = -1;
  c.rtc_sync = true;
  st.out.notes.push_back(Warning{
      Location{top, 0}, "ntpd steps the clock when it is off by more than 128 ms: makestep "
                        "0.128 -1 (change with 'tinker step')"});
  st.out.notes.push_back(Warning{
      Location{top, 0},
      "ntpd's kernel discipline keeps the RTC in the kernel's 11-minute mode: rtcsync "
      "(off with 'disable kernel')"});
}

void finish_local(State& st) {
  Config& c = st.config();
  if (!st.local_clock && !st.orphan_stratum) return;
  LocalReference l;
  l.stratum = 16;
  if (st.local_clock) l.stratum = std::min(st.local_fudge_stratum.value_or(5) + 1, 15);
  if (st.orphan_stratum) {
    l.orphan = true;
    l.stratum = std::min(l.stratum, *st.orphan_stratum);
    l.wait_unsynced = core::Duration::s(300);  // chrony's default with orphan
  }
  c.local = l;
}

core::Result<ParseOutput, ConfigError> run(const std::string& name,
                                           const std::optional<std::string_view>& text,
                                           FileSource& fs) {
  ParseOutput out;
  out.language = ConfigLanguage::kNtp;
  State st{out};
  set_ntpd_defaults(st, name);
  Driver d(fs, st);
  Status s = text ? d.parse_text(name, *text, 1) : d.read_file(name, 1, Location{name, 0});
  if (!s.ok()) return core::Unexpected{s.error()};
  if (st.local_fudge_stratum && !st.local_clock)
    out.warnings.push_back(Warning{Location{name, 0},
                                   "fudge for the local clock without its 'server 127.127.1.0' "
                                   "line; ignored"});
  finish_local(st);
  if (Status r = finish_refclocks(st, name); !r.ok()) return core::Unexpected{r.error()};
  finish_nts(st, name);
  finish_restrict(st, name);
  return out;
}

}  // namespace
}  // namespace ntp

ConfigLanguage detect_language(std::string_view path, std::string_view text) {
  const std::vector<std::string> ntp_names = ntp_directive_names();
  const std::vector<std::string> chrony_names = detail::directive_names();
  const auto has = [](const std::vector<std::string>& v, const std::string& w) {
    return std::find(v.begin(), v.end(), w) != v.end();
  };
  bool ntp_only = false, chrony_only = false;
  for (const LexedLine& line : lex(path, text).lines) {
    const std::string w = lowercase(line.words[0]);
    const bool in_ntp = has(ntp_names, w);
    const bool in_chrony = has(chrony_names, w);
    ntp_only |= in_ntp && !in_chrony;
    chrony_only |= in_chrony && !in_ntp;
  }
  if (ntp_only != chrony_only) return ntp_only ? ConfigLanguage::kNtp : ConfigLanguage::kChrony;
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return base == "ntp.conf" ? ConfigLanguage::kNtp : ConfigLanguage::kChrony;
}

core::Result<ParseOutput, ConfigError> parse_ntp_conf_file(const std::string& path,
                                                           FileSource& fs) {
  return ntp::run(path, std::nullopt, fs);
}

core::Result<ParseOutput, ConfigError> parse_ntp_conf_text(const std::string& name,
                                                           std::string_view text, FileSource& fs) {
  return ntp::run(name, text, fs);
}

core::Result<ParseOutput, ConfigError> parse_any_config_file(const std::string& path,
                                                             FileSource& fs,
                                                             std::optional<ConfigLanguage> forced) {
  ConfigLanguage lang = forced.value_or(ConfigLanguage::kChrony);
  if (!forced) {
    auto text = fs.read(path);
    // A file that cannot be read fails the same way in either language.
    if (!text.ok()) return parse_config_file(path, fs);
    lang = detect_language(path, *text);
    if (lang == ConfigLanguage::kNtp) return parse_ntp_conf_text(path, *text, fs);
    return parse_config_text(path, *text, fs);
  }
  return lang == ConfigLanguage::kNtp ? parse_ntp_conf_file(path, fs)
                                      : parse_config_file(path, fs);
}

}  // namespace tempus::config
