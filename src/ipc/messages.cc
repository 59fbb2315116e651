// SPDX-License-Identifier: ISC
#include "ipc/messages.h"

#include "ipc/wire_util.h"

namespace tempus::ipc {

using core::Unexpected;

namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool is_child_role(Role r) { return r == Role::kNet || r == Role::kDns; }

bool valid_pid(uint32_t pid) { return pid >= 1 && pid <= uint32_t{INT32_MAX}; }

core::Status<IpcError> validate_role_pid(Role role, uint32_t pid) {
  if (!is_child_role(role)) return Unexpected{IpcError::kBadEnum};
  if (!valid_pid(pid)) return Unexpected{IpcError::kOutOfRange};
  return {};
}

void encode_role_pid(core::ByteWriter& w, Role role, uint32_t pid) {
  w.u8(static_cast<uint8_t>(role));
  w.zeros(3);
  w.be32(pid);
}

// Shared by Hello and Ready, which have one layout.
template <class M>
core::Result<M, IpcError> decode_role_pid(core::ByteReader r) {
  if (r.remaining() != M::kPayloadLen) return Unexpected{IpcError::kBadLength};
  M m;
  const uint8_t role = r.u8();
  if (!read_zeros(r, 3)) return Unexpected{IpcError::kBadReserved};
  m.pid = r.be32();
  if (role > static_cast<uint8_t>(Role::kDns)) return Unexpected{IpcError::kBadEnum};
  m.role = static_cast<Role>(role);
  return validated(std::move(m));
}

bool in_abs_range(int64_t v, int64_t limit) { return v != kInt64Min && (v < 0 ? -v : v) <= limit; }

}  // namespace

bool is_clock_verb(MsgType t) {
  switch (t) {
    case MsgType::kSlewOffset:
    case MsgType::kSetFrequency:
    case MsgType::kStepClock:
    case MsgType::kSetKernelStatus:
    case MsgType::kWriteDrift:
      return true;
    default:
      return false;
  }
}

// ---- Hello / Ready / Shutdown ---------------------------------------------------------------

core::Status<IpcError> Hello::validate() const { return validate_role_pid(role, pid); }
void Hello::encode(core::ByteWriter& w) const { encode_role_pid(w, role, pid); }
core::Result<Hello, IpcError> Hello::decode(core::ByteReader r) {
  return decode_role_pid<Hello>(r);
}

core::Status<IpcError> Ready::validate() const { return validate_role_pid(role, pid); }
void Ready::encode(core::ByteWriter& w) const { encode_role_pid(w, role, pid); }
core::Result<Ready, IpcError> Ready::decode(core::ByteReader r) {
  return decode_role_pid<Ready>(r);
}

core::Status<IpcError> Shutdown::validate() const {
  if (reason != ShutdownReason::kStop && reason != ShutdownReason::kPeerFailed)
    return Unexpected{IpcError::kBadEnum};
  return {};
}
void Shutdown::encode(core::ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(reason));
  w.zeros(3);
}
core::Result<Shutdown, IpcError> Shutdown::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  Shutdown m;
  m.reason = static_cast<ShutdownReason>(r.u8());
  if (!read_zeros(r, 3)) return Unexpected{IpcError::kBadReserved};
  return validated(std::move(m));
}

// ---- Clock verbs ----------------------------------------------------------------------------

core::Status<IpcError> SlewOffset::validate() const {
  if (offset_ns == kInt64Min || rate_scaled_ppm < 1 || rate_scaled_ppm > kMaxSlewRateScaledPpm)
    return Unexpected{IpcError::kOutOfRange};
  return {};
}
void SlewOffset::encode(core::ByteWriter& w) const {
  w.be64(static_cast<uint64_t>(offset_ns));
  w.be64(static_cast<uint64_t>(rate_scaled_ppm));
}
core::Result<SlewOffset, IpcError> SlewOffset::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  SlewOffset m;
  m.offset_ns = read_i64(r);
  m.rate_scaled_ppm = read_i64(r);
  return validated(std::move(m));
}

core::Status<IpcError> SetFrequency::validate() const {
  if (!in_abs_range(freq_scaled_ppm, kKernelMaxFreqScaledPpm))
    return Unexpected{IpcError::kOutOfRange};
  return {};
}
void SetFrequency::encode(core::ByteWriter& w) const {
  w.be64(static_cast<uint64_t>(freq_scaled_ppm));
}
core::Result<SetFrequency, IpcError> SetFrequency::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  SetFrequency m;
  m.freq_scaled_ppm = read_i64(r);
  return validated(std::move(m));
}

core::Status<IpcError> StepClock::validate() const {
  if (offset_ns == 0 || offset_ns == kInt64Min) return Unexpected{IpcError::kOutOfRange};
  return {};
}
void StepClock::encode(core::ByteWriter& w) const { w.be64(static_cast<uint64_t>(offset_ns)); }
core::Result<StepClock, IpcError> StepClock::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  StepClock m;
  m.offset_ns = read_i64(r);
  return validated(std::move(m));
}

core::Status<IpcError> SetKernelStatus::validate() const {
  if (static_cast<uint8_t>(leap) > static_cast<uint8_t>(LeapState::kUnsync))
    return Unexpected{IpcError::kBadEnum};
  if (synced && leap == LeapState::kUnsync) return Unexpected{IpcError::kOutOfRange};
  if (tai_offset_s < 0 || tai_offset_s > kMaxTaiOffsetS) return Unexpected{IpcError::kOutOfRange};
  if (maxerror_us < 0 || maxerror_us > kKernelMaxErrorUs) return Unexpected{IpcError::kOutOfRange};
  if (esterror_us < 0 || esterror_us > maxerror_us) return Unexpected{IpcError::kOutOfRange};
  return {};
}
void SetKernelStatus::encode(core::ByteWriter& w) const {
  w.u8(static_cast<uint8_t>(leap));
  w.u8(synced ? 1 : 0);
  w.zeros(2);
  w.be32(static_cast<uint32_t>(tai_offset_s));
  w.be64(static_cast<uint64_t>(maxerror_us));
  w.be64(static_cast<uint64_t>(esterror_us));
}
core::Result<SetKernelStatus, IpcError> SetKernelStatus::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  SetKernelStatus m;
  const uint8_t leap = r.u8();
  const uint8_t synced = r.u8();
  if (!read_zeros(r, 2)) return Unexpected{IpcError::kBadReserved};
  m.tai_offset_s = static_cast<int32_t>(r.be32());
  m.maxerror_us = read_i64(r);
  m.esterror_us = read_i64(r);
  if (leap > static_cast<uint8_t>(LeapState::kUnsync) || synced > 1)
    return Unexpected{IpcError::kBadEnum};
  m.leap = static_cast<LeapState>(leap);
  m.synced = synced == 1;
  return validated(std::move(m));
}

core::Status<IpcError> WriteDrift::validate() const {
  if (!in_abs_range(freq_scaled_ppm, kKernelMaxFreqScaledPpm))
    return Unexpected{IpcError::kOutOfRange};
  if (skew_scaled_ppm < 0 || skew_scaled_ppm > kKernelMaxFreqScaledPpm)
    return Unexpected{IpcError::kOutOfRange};
  return {};
}
void WriteDrift::encode(core::ByteWriter& w) const {
  w.be64(static_cast<uint64_t>(freq_scaled_ppm));
  w.be64(static_cast<uint64_t>(skew_scaled_ppm));
}
core::Result<WriteDrift, IpcError> WriteDrift::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  WriteDrift m;
  m.freq_scaled_ppm = read_i64(r);
  m.skew_scaled_ppm = read_i64(r);
  return validated(std::move(m));
}

// ---- ClockResult ----------------------------------------------------------------------------

core::Status<IpcError> ClockResult::validate() const {
  if (!is_clock_verb(request)) return Unexpected{IpcError::kBadEnum};
  if (error < 0 || error > kMaxErrno) return Unexpected{IpcError::kOutOfRange};
  if (time_state > 5) return Unexpected{IpcError::kOutOfRange};
  if (kernel_status > 0xffff) return Unexpected{IpcError::kOutOfRange};
  if (!in_abs_range(freq_scaled_ppm, kKernelMaxFreqScaledPpm))
    return Unexpected{IpcError::kOutOfRange};
  return {};
}
void ClockResult::encode(core::ByteWriter& w) const {
  w.be32(static_cast<uint32_t>(request));
  w.be32(static_cast<uint32_t>(error));
  w.be32(time_state);
  w.be32(kernel_status);
  w.be64(static_cast<uint64_t>(freq_scaled_ppm));
}
core::Result<ClockResult, IpcError> ClockResult::decode(core::ByteReader r) {
  if (r.remaining() != kPayloadLen) return Unexpected{IpcError::kBadLength};
  ClockResult m;
  const auto request = msg_type_from_wire(r.be32());
  m.error = static_cast<int32_t>(r.be32());
  m.time_state = r.be32();
  m.kernel_status = r.be32();
  m.freq_scaled_ppm = read_i64(r);
  if (!request) return Unexpected{IpcError::kBadEnum};
  m.request = *request;
  return validated(std::move(m));
}

}  // namespace tempus::ipc
