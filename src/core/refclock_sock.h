// SPDX-License-Identifier: ISC
// The SOCK reference clock protocol (chrony's `refclock SOCK PATH`, spoken by gpsd and other
// time sources): datagrams on a local unix socket, each one sample in the sender's native
// layout (same machine, same ABI):
//   struct timeval tv;   local time of the sample (tv_sec: time_t, tv_usec: suseconds_t)
//   double offset;       reference minus local clock at tv, seconds (> 0: local clock behind)
//   int pulse;           1 for a PPS pulse without seconds information
//   int leap;            leap indicator 0..3 (as NTP)
//   int _pad;
//   int magic;           0x534f434b ("SOCK")
// Pure: decodes bytes; the net process owns the socket.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/time.h"

namespace tempus::core {

inline constexpr uint32_t kSockMagic = 0x534f434b;
// sizeof the C struct on LP64 Linux: 16 (timeval) + 8 + 4 × 4.
inline constexpr size_t kSockSampleLen = 40;

struct SockSample {
  Timestamp time;   // local clock at the sample
  Duration offset;  // > 0: local clock behind the reference
  bool pulse = false;
  Leap leap = Leap::kNone;
};

enum class SockError : uint8_t { kBadLength, kBadMagic, kBadTime, kBadOffset, kBadLeap };
std::string_view to_string(SockError e);

// Rejects a wrong length or magic, tv_sec outside 0..2^33 or tv_usec outside 0..999999, a non-finite offset or one beyond
// ±1e6 s, a leap indicator outside 0..3.
Result<SockSample, SockError> decode_sock_sample(Bytes in);

// The native encoding (tests and tools).
std::vector<std::byte> encode_sock_sample(int64_t tv_sec, int64_t tv_usec, double offset_s,
                                          int pulse, int leap);

}  // namespace tempus::core
