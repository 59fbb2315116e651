// SPDX-License-Identifier: ISC
// tempusctl -j: each chronyc report as one JSON object, numbers in SI units (seconds, ppm),
// signs as chrony's (a positive system_time_s means the clock is slow, a positive
// frequency_ppm that it runs fast). The field names are documented in tempusctl(8); a value
// chrony marks as unknown (an interval never measured) is null.
#pragma once

#include <nlohmann/json.hpp>

#include "core/chronyc_format.h"
#include "core/cmdmon.h"

namespace tempus::core::chronyc::json {

using Json = nlohmann::ordered_json;

Json tracking(const cmdmon::Tracking& t, const Naming& n);
Json source(const cmdmon::SourceData& s, const Naming& n);
Json sourcestats(const cmdmon::SourceStats& s, const Naming& n);
Json selectdata(const cmdmon::SelectData& s, const Naming& n);
Json authdata(const cmdmon::Address& a, const cmdmon::AuthData& d, const Naming& n);
Json ntpdata(const cmdmon::NtpData& d, const Naming& n);
Json serverstats(const cmdmon::ServerStats& s);
Json smoothing(const cmdmon::Smoothing& s);
Json activity(const cmdmon::Activity& a);
Json client(const cmdmon::ClientAccess& c, const Naming& n);
Json manual_list(const cmdmon::ManualList& m);

// Words for chrony's codes, shared with the metrics' labels.
const char* leap_word(int leap);           // normal, insert, delete, unsynchronised, invalid
const char* source_mode_word(uint16_t m);  // server, peer, refclock, unknown
const char* source_state_word(uint16_t s); // selected, unusable, falseticker, jittery,
                                           // combined, not_combined, unknown

}  // namespace tempus::core::chronyc::json
