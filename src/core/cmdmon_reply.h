// SPDX-License-Identifier: ISC
// The client side of chrony's command protocol (core/cmdmon.h): decoding a reply datagram into
// a cmdmon::Reply, as tempusctl needs it. Strict where chronyc 4.3 is lenient: the datagram must
// be exactly the length of its body format (chronyd never sends more), and it must answer the
// request that was sent (same command and sequence), or it is rejected; chronyc ignores such a
// datagram and waits on, and so does tempusctl.
//
// A reply with an error status usually has no body (RPY_NULL); one with an error status and a
// body format this codec does not know is kept with an empty body, since only the status counts
// then. A success reply of an unknown format is rejected (chronyc says "508 Bad reply").
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/cmdmon.h"
#include "core/result.h"

namespace tempus::core::cmdmon {

enum class ReplyError : uint8_t {
  kTooShort,       // shorter than the 28-octet header
  kNotReply,       // not a version-6 reply packet (type, reserved octets)
  kWrongCommand,   // answers another command
  kWrongSequence,  // answers another request
  kUnknownFormat,  // success with a body format not in cmdmon.h
  kBadLength,      // not the exact length of its body format
  kBadField,       // a field outside its range (a name without its NUL, too many clients)
};
std::string_view to_string(ReplyError e);

// Reply body format codes (candm.h RPY_*).
namespace rpy {
inline constexpr uint16_t kNull = 1, kNSources = 2, kSourceData = 3, kTracking = 5,
                          kSourceStats = 6, kRtc = 8, kActivity = 12, kSmoothing = 13,
                          kNtpData = 16, kManualList2 = 18, kNtpSourceName = 19, kAuthData = 20,
                          kClientAccesses3 = 21, kSelectData = 23, kServerStats3 = 24,
                          kServerStats4 = 25;
}  // namespace rpy

// The body format code of a decoded body (what encode_reply writes for it).
uint16_t format_of(const Body& body);

// Decodes `datagram` as the reply to a request of `command` with `sequence`. A reply with
// version 5 or more and status STT_BADPKTVERSION is accepted as that status (chronyc does so),
// whatever its length.
Result<Reply, ReplyError> decode_reply(Bytes datagram, uint16_t command, uint32_t sequence);

}  // namespace tempus::core::cmdmon
