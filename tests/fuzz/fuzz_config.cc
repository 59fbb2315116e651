// SPDX-License-Identifier: ISC
// Fuzz target for the chrony.conf parser: the input is the main config file of an in-memory file
// tree that also holds a few include/confdir/sourcedir files (and the input itself, so includes
// can recurse). When the input parses, the printed config must parse back to an equal model and
// print identically (format → parse → format is a fixed point); any mismatch aborts. The same
// input is also read as an ntp.conf: a translation must print as chrony.conf (with its comment
// block) that chrony's parser reads back into the same model.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/file_source.h"
#include "config/ntpconf.h"
#include "config/parser.h"

namespace {

using tempus::config::MemoryFileSource;

constexpr const char* kMain = "/etc/tempus/tempus.conf";

void add_fixed_files(MemoryFileSource& fs, std::string_view input) {
  fs.add_file(kMain, std::string(input));
  fs.add_file("/etc/tempus/extra.conf", "server 192.0.2.1 iburst\nallow 10/8\n");
  fs.add_file("/etc/chrony.d/a.conf", "pool pool.example.org maxsources 2\n");
  fs.add_file("/etc/chrony.d/b.conf",
              "ntsservercert /etc/pki/c.pem\nntsserverkey /etc/pki/k.pem\n");
  fs.add_file("/usr/lib/chrony.d/a.conf", "server shadowed.example\n");
  fs.add_file("/usr/lib/chrony.d/c.conf", "include /etc/tempus/extra.conf\n");
  fs.add_file("/run/chrony-dhcp/eth0.sources", "server 198.51.100.7 iburst\npeer fe80::1%eth0\n");
  fs.add_file("/run/chrony-dhcp/eth1.sources", "allow 1.2.3\nserver x.example minpoll");
  fs.add_dir("/etc/empty.d");
}

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "fuzz_config: %s\n--- first\n%s\n--- second\n%s\n", what, a.c_str(),
               b.c_str());
  std::abort();
}

void check_ntp_conf(MemoryFileSource& fs) {
  auto first = tempus::config::parse_ntp_conf_file(kMain, fs);
  if (!first.ok()) {
    if (first.error().message.empty() || first.error().where.file.empty())
      fail("ntp.conf error without message or file", first.error().to_string(), "");
    return;
  }
  const std::string printed = tempus::config::format_config(*first);
  auto second = tempus::config::parse_config_text("printed.conf", printed, fs);
  if (!second.ok()) fail("translated ntp.conf does not parse", printed, second.error().to_string());
  if (!(second->config == first->config))
    fail("translated model differs", printed, tempus::config::format_config(second->config));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  MemoryFileSource fs;
  add_fixed_files(fs, input);
  check_ntp_conf(fs);

  auto first = tempus::config::parse_config_file(kMain, fs);
  if (!first.ok()) {
    // Errors must carry a message and name a file.
    if (first.error().message.empty() || first.error().where.file.empty())
      fail("error without message or file", first.error().to_string(), "");
    return 0;
  }
  const std::string printed = tempus::config::format_config(first->config);
  auto second = tempus::config::parse_config_text("printed.conf", printed, fs);
  if (!second.ok()) fail("printed config does not parse", printed, second.error().to_string());
  if (!(second->config == first->config)) {
    fail("reparsed model differs", printed, tempus::config::format_config(second->config));
  }
  const std::string reprinted = tempus::config::format_config(second->config);
  if (reprinted != printed) fail("format is not a fixed point", printed, reprinted);
  return 0;
}
