// SPDX-License-Identifier: ISC
#include "proc/load_config.h"

#include <string>

#include "config/fs_source.h"
#include "config/ntpconf.h"

namespace tempus::proc {

core::Result<config::ParseOutput, config::ConfigError> load_config(const Options& opts) {
  config::FsFileSource fs;
  if (opts.directives.empty()) {
    std::optional<config::ConfigLanguage> forced;
    if (opts.config_format == ConfigFormat::kNtp) forced = config::ConfigLanguage::kNtp;
    if (opts.config_format == ConfigFormat::kChrony) forced = config::ConfigLanguage::kChrony;
    return config::parse_any_config_file(opts.config_file, fs, forced);
  }
  std::string text;
  for (const auto& d : opts.directives) text += d + "\n";
  return config::parse_config_text("command line", text, fs);
}

}  // namespace tempus::proc
