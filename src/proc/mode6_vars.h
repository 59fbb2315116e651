// SPDX-License-Identifier: ISC
// What ntpq and ntpstat read over mode 6 (core/mode6.h), from the net process's state: the
// system variables from the tracking report and what the server tells clients, and one
// association per source (NTP server, peer or reference clock) with its newest reply.
#pragma once

#include <cstdint>

#include "config/model.h"
#include "core/mode6.h"
#include "core/server.h"
#include "proc/associations.h"
#include "proc/ntp_server.h"

namespace tempus::proc {

// Who may ask: 127.0.0.0/8 and ::1, then cmdallow/cmddeny in file order with chrony's rules
// (core::AccessTable), so `cmddeny 127.0.0.1` takes the loopback away and `cmdallow SUBNET`
// adds hosts. cmdallow rules that name a host are left out (only addresses and subnets).
core::AccessTable control_access(const config::Config& cfg);

// The association ID of an engine source: ids folded into 1..65535.
uint16_t assoc_id_of(uint32_t source_id);

NtpServer::ControlVariables control_variables(const Associations& assocs);

}  // namespace tempus::proc
