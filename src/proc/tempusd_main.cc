// SPDX-License-Identifier: ISC
// tempusd: parse the command line and the configuration. This release prints the configuration
// (-p); the privilege-separated daemon processes come next (design.md §2).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "config/fs_source.h"
#include "config/parser.h"
#include "proc/options.h"
#include "tempus_build.h"

int main(int argc, char** argv) {
  using namespace tempus;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto opts = proc::parse_options(args, TEMPUS_DEFAULT_CONF);
  if (!opts) {
    std::fprintf(stderr, "tempusd: %s\n%s", opts.error().c_str(), proc::usage("tempusd").c_str());
    return 1;
  }
  if (opts->show_help) {
    std::fputs(proc::usage("tempusd").c_str(), stdout);
    return 0;
  }
  if (opts->show_version) {
    std::printf("tempusd (tempus) %s\n", TEMPUS_VERSION);
    return 0;
  }
  config::FsFileSource fs;
  std::string text;
  for (const auto& d : opts->directives) text += d + "\n";
  auto cfg = opts->directives.empty() ? config::parse_config_file(opts->config_file, fs)
                                      : config::parse_config_text("command line", text, fs);
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error().to_string().c_str());
    return 1;
  }
  for (const auto& w : cfg->warnings) std::fprintf(stderr, "%s\n", w.to_string().c_str());
  if (opts->print_config) {
    std::fputs(config::format_config(cfg->config).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr,
               "tempusd: configuration OK; the daemon processes are not in this release yet "
               "(use -p to print the configuration)\n");
  return 1;
}
