// SPDX-License-Identifier: ISC
#include "core/refclock_sock.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace tempus::core {

namespace {

// The sender is a process on this machine: fields are in native byte order, read one by one
// (never the whole struct) at their fixed offsets.
template <class T>
T field(Bytes in, size_t at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  return v;
}

template <class T>
void put(std::vector<std::byte>& out, size_t at, T v) {
  std::memcpy(out.data() + at, &v, sizeof v);
}

}  // namespace

std::string_view to_string(SockError e) {
  switch (e) {
    case SockError::kBadLength: return "wrong sample length";
    case SockError::kBadMagic: return "wrong magic";
    case SockError::kBadTime: return "invalid timestamp";
    case SockError::kBadOffset: return "invalid offset";
    case SockError::kBadLeap: return "invalid leap indicator";
  }
  return "unknown error";
}

Result<SockSample, SockError> decode_sock_sample(Bytes in) {
  if (in.size() != kSockSampleLen) return Unexpected{SockError::kBadLength};
  if (static_cast<uint32_t>(field<int32_t>(in, 36)) != kSockMagic)
    return Unexpected{SockError::kBadMagic};
  const auto sec = field<int64_t>(in, 0);
  const auto usec = field<int64_t>(in, 8);
  // 2^33 s (year 2242) keeps sec × 1e9 inside int64 nanoseconds (the fuzzer found 2^40).
  if (usec < 0 || usec > 999'999 || sec < 0 || sec > (int64_t{1} << 33))
    return Unexpected{SockError::kBadTime};
  const auto offset = field<double>(in, 16);
  if (!std::isfinite(offset) || std::fabs(offset) > 1e6) return Unexpected{SockError::kBadOffset};
  const auto leap = field<int32_t>(in, 28);
  if (leap < 0 || leap > 3) return Unexpected{SockError::kBadLeap};
  SockSample s;
  s.time = Timestamp::from_unix(sec, usec * 1000);
  s.offset = Duration::from_seconds_f(offset);
  s.pulse = field<int32_t>(in, 24) != 0;
  s.leap = static_cast<Leap>(leap);
  return s;
}

std::vector<std::byte> encode_sock_sample(int64_t tv_sec, int64_t tv_usec, double offset_s,
                                          int pulse, int leap) {
  std::vector<std::byte> out(kSockSampleLen);
  put(out, 0, tv_sec);
  put(out, 8, tv_usec);
  put(out, 16, offset_s);
  put(out, 24, static_cast<int32_t>(pulse));
  put(out, 28, static_cast<int32_t>(leap));
  put(out, 32, int32_t{0});
  put(out, 36, static_cast<int32_t>(kSockMagic));
  return out;
}

}  // namespace tempus::core
