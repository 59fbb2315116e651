// SPDX-License-Identifier: ISC
#include "proc/load_config.h"

#include <string>

#include "config/fs_source.h"

namespace tempus::proc {

core::Result<config::ParseOutput, config::ConfigError> load_config(const Options& opts) {
  config::FsFileSource fs;
  if (opts.directives.empty()) return config::parse_config_file(opts.config_file, fs);
  std::string text;
  for (const auto& d : opts.directives) text += d + "\n";
  return config::parse_config_text("command line", text, fs);
}

}  // namespace tempus::proc
