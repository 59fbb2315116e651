// SPDX-License-Identifier: ISC
// Test builds (TEMPUS_TEST_HOOK): a compromised net process. Each hook sends the parent one frame
// it must refuse, failing closed: malformed, out of range, not net's to send, or not a frame at
// all (tests/system/test_privsep.py).
#pragma once

#include <string>

#include "proc/child.h"

namespace tempus::proc {

// Sends what `hook` names (nothing for a name it does not know).
void run_parent_hooks(const std::string& hook, LinkedChannel& parent);

}  // namespace tempus::proc
