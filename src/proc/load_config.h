// SPDX-License-Identifier: ISC
// The configuration a command line asks for: the file given with -f (or the default), in the
// language --ntp-conf/--chrony-conf names or the one detected (config/ntpconf.h), or the
// directives given as trailing arguments instead, as chronyd (always chrony.conf language). Shared by tempusd and tempus-simd.
#pragma once

#include "config/parser.h"
#include "proc/options.h"

namespace tempus::proc {

core::Result<config::ParseOutput, config::ConfigError> load_config(const Options& opts);

}  // namespace tempus::proc
