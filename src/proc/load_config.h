// SPDX-License-Identifier: ISC
// The configuration a command line asks for: the file given with -f (or the default), or the
// directives given as trailing arguments instead, as chronyd. Shared by tempusd and tempus-simd.
#pragma once

#include "config/parser.h"
#include "proc/options.h"

namespace tempus::proc {

core::Result<config::ParseOutput, config::ConfigError> load_config(const Options& opts);

}  // namespace tempus::proc
