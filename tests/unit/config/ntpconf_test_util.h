// SPDX-License-Identifier: ISC
// Helpers for the ntp.conf front end's tests: parse a text as "ntp.conf", compare access lists
// as chrony.conf lines, check warnings and round trips.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "config/ntpconf.h"
#include "test_util.h"

namespace tempus::config::testing {

inline Parsed ntp(std::string_view text, MemoryFileSource& fs) {
  return to_parsed(parse_ntp_conf_text("ntp.conf", text, fs));
}
inline Parsed ntp(std::string_view text) {
  MemoryFileSource fs;
  return ntp(text, fs);
}
inline std::string ntp_error(std::string_view text) {
  const Parsed p = ntp(text);
  return p.ok ? std::string("(parsed)") : p.error;
}

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(TEMPUS_CONFIG_TEST_DATA) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool has_warning(const Parsed& p, std::string_view text) {
  for (const std::string& w : p.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

// The access lists as chrony.conf lines, for compact expectations.
inline std::vector<std::string> access(const std::vector<AccessRule>& rules, const char* allow,
                                       const char* deny) {
  std::vector<std::string> out;
  for (const AccessRule& r : rules) {
    std::string line = r.allow ? allow : deny;
    if (r.target == AccessRule::Target::kSubnet) line += " " + r.subnet.to_string();
    if (r.target == AccessRule::Target::kHostName) line += " " + r.host;
    out.push_back(line);
  }
  return out;
}
using Lines = std::vector<std::string>;

// The printed chrony.conf of `c` reads back, in chrony's language, into `c`.
inline void expect_round_trip(const Config& c) {
  const std::string printed = format_config(c);
  const Parsed back = testing::parse(printed);
  ASSERT_TRUE(back.ok) << back.error << "\n" << printed;
  EXPECT_EQ(back.config, c) << printed;
}

}  // namespace tempus::config::testing
