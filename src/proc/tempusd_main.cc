// SPDX-License-Identifier: ISC
// tempusd: parse the command line and the configuration, then become the role asked for. The
// parent re-executes this binary with --role=net and --role=dns (design.md §2).
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "config/parser.h"
#include "proc/dns.h"
#include "proc/load_config.h"
#include "proc/net.h"
#include "proc/options.h"
#include "proc/parent.h"
#include "tempus_build.h"

using namespace tempus;

int main(int argc, char** argv) {
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
#ifdef TEMPUS_TEST_HOOKS
    std::printf("tempusd (tempus) %s (test hooks)\n", TEMPUS_VERSION);
#else
    std::printf("tempusd (tempus) %s\n", TEMPUS_VERSION);
#endif
    return 0;
  }

  auto cfg = proc::load_config(*opts);
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error().to_string().c_str());
    return 1;
  }
  switch (opts->role) {
    case proc::Role::kNet: return proc::run_net(*opts, cfg->config);
    case proc::Role::kDns: return proc::run_dns(*opts);
    case proc::Role::kParent: break;
  }
  if (opts->print_config) {
    for (const auto& w : cfg->warnings) std::fprintf(stderr, "%s\n", w.to_string().c_str());
    std::fputs(config::format_config(*cfg).c_str(), stdout);
    return 0;
  }
  return proc::run_parent(*opts, *cfg, std::vector<std::string>(argv, argv + argc));
}
