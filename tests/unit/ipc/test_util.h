// SPDX-License-Identifier: ISC
// Helpers and one valid sample of every message, shared by the ipc unit tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "ipc/any_message.h"

namespace tempus::ipc::testing {

// "0a 0b ff" or "0a0bff" → bytes (spaces ignored). Precondition: valid hex.
inline std::vector<std::byte> hex(std::string_view s) {
  std::vector<std::byte> out;
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(std::byte(static_cast<uint8_t>(nibble(s[i]) << 4 | nibble(s[i + 1]))));
    i += 2;
  }
  return out;
}

template <class M>
std::vector<std::byte> payload_of(const M& m) {
  std::vector<std::byte> out;
  core::ByteWriter w(out);
  m.encode(w);
  return out;
}

template <class M>
core::Result<M, IpcError> decode_bytes(const std::vector<std::byte>& b) {
  return M::decode(core::ByteReader(b));
}

inline std::vector<std::byte> bytes_of(std::string_view s) {
  const auto b = core::as_bytes(s);
  return {b.begin(), b.end()};
}

// One valid, non-trivial instance of each payload type (all fields non-default where possible).
template <class M>
M sample();

template <> inline Hello sample<Hello>() { return {Role::kNet, 4242}; }
template <> inline Ready sample<Ready>() { return {Role::kDns, 77}; }
template <> inline Shutdown sample<Shutdown>() { return {ShutdownReason::kPeerFailed}; }
template <> inline SlewOffset sample<SlewOffset>() { return {-1'500'000, int64_t{83333} << 16}; }
template <> inline SetFrequency sample<SetFrequency>() { return {-(int64_t{12} << 16) - 5}; }
template <> inline StepClock sample<StepClock>() { return {3'600'000'000'123}; }
template <> inline SetKernelStatus sample<SetKernelStatus>() {
  return {LeapState::kInsert, true, 37, 250'000, 1'200};
}
template <> inline WriteDrift sample<WriteDrift>() { return {(int64_t{7} << 16) + 3, 1234}; }
template <> inline ClockResult sample<ClockResult>() {
  return {MsgType::kStepClock, 1, 1, 0x2011, -(int64_t{3} << 16)};
}
template <> inline LogLine sample<LogLine>() { return {4, "source 192.0.2.1 unreachable \xc3\xa9"}; }
template <> inline SdNotify sample<SdNotify>() { return {SdState::kStatus, "Synchronized to 192.0.2.1"}; }
template <> inline WriteFile sample<WriteFile>() {
  return {FileId::kNtsCookies, FileOp::kReplace, {std::byte{0}, std::byte{0xff}, std::byte{'\n'}}};
}
template <> inline FileResult sample<FileResult>() {
  return {FileId::kLogTracking, FileOp::kAppend, 28};
}
template <> inline SeccompViolation sample<SeccompViolation>() { return {101, 0xc000003eu}; }
template <> inline ResolveRequest sample<ResolveRequest>() {
  return {0xdeadbeef, QueryFamily::kInet6, "2.rhel.pool.ntp.org"};
}
template <> inline ResolveReply sample<ResolveReply>() {
  ResolveReply r{9, ResolveStatus::kOk, {}};
  IpAddress v4{AddrFamily::kInet, {}};
  v4.bytes = {192, 0, 2, 1};
  IpAddress v6{AddrFamily::kInet6, {}};
  v6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7b};
  r.addresses = {v4, v6};
  return r;
}
template <> inline SourcesRequest sample<SourcesRequest>() {
  return {11, {"/etc/chrony/sources.d", "/run/chrony-dhcp"}};
}
template <> inline SourcesFile sample<SourcesFile>() {
  return {11, false, "/run/chrony-dhcp/eth0.sources", "server 192.0.2.1 iburst\n"};
}

// Every sample, for loops over all message types.
inline std::vector<AnyMessage> all_samples() {
  return {sample<Hello>(),         sample<Ready>(),        sample<Shutdown>(),
          sample<SlewOffset>(),    sample<SetFrequency>(), sample<StepClock>(),
          sample<SetKernelStatus>(), sample<WriteDrift>(), sample<ClockResult>(),
          sample<LogLine>(),       sample<SdNotify>(),     sample<WriteFile>(),
          sample<FileResult>(),    sample<SeccompViolation>(), sample<ResolveRequest>(),
          sample<ResolveReply>(),  sample<SourcesRequest>(), sample<SourcesFile>()};
}

}  // namespace tempus::ipc::testing
