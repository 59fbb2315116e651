// SPDX-License-Identifier: ISC
// Reference IDs of addresses (RFC 5905 §7.3): an IPv4 address is its own ID; an IPv6 address is
// the first four octets of the MD5 digest of its 16 bytes, as ntpd and chronyd compute it, so a
// loop through an IPv6 path is recognised with them too. MD5 here is an identifier, not a
// security function: it is fetched with the "-fips" property so a FIPS host still has it.
#pragma once

#include <cstdint>

#include "core/ip.h"

namespace tempus::crypto {

// Loads OpenSSL's configuration and the digest once; call before a sandbox closes (OpenSSL
// reads its configuration file on first use). False when MD5 is not available at all.
bool init_refid();

// The reference ID of `a` (0 only if MD5 is unavailable for an IPv6 address).
uint32_t ref_id_of(const core::IpAddress& a);

}  // namespace tempus::crypto
