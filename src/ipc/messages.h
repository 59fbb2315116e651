// SPDX-License-Identifier: ISC
// Typed payloads for the lifecycle and the parent's five clock verbs (design.md §2).
//
// Every payload struct has:
//   static constexpr MsgType kType;
//   static constexpr size_t kPayloadLen;     exact payload length in bytes
//   core::Status<IpcError> validate() const; the static checks decode applies (enum values,
//                                           reserved bytes zero, fixed sanity ranges)
//   void encode(core::ByteWriter&) const;    appends the payload (call validate() first, or use
//                                           encode_message, which does)
//   static core::Result<T, IpcError> decode(core::ByteReader);
//                                           demands exactly kPayloadLen bytes, then validate()
// so that anything that decodes re-encodes to the same bytes. All integers are big-endian,
// signed ones two's complement. Time travels as int64 nanoseconds, frequency as int64 in the
// kernel's unit 2^-16 ppm ("scaled ppm", struct timex .freq); never as floating point.
// The config-dependent limits (largest step, steps per hour, ...) are NOT checked here: the parent
// must also pass every clock verb through check() in bounds.h before acting on it.
//
// Sign conventions (one for the whole daemon, design.md §4): a positive offset means the local
// clock is BEHIND the reference, so applying it moves the local clock FORWARD. A positive
// frequency makes the local clock run FASTER.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/msg_type.h"

namespace tempus::ipc {

// Largest |frequency| the Linux kernel accepts: 500 ppm in 2^-16 ppm (MAXFREQ_SCALED).
inline constexpr int64_t kKernelMaxFreqScaledPpm = int64_t{500} << 16;
// Largest slew rate: 100000 ppm in 2^-16 ppm, the Linux kernel's tick range (±10 %) and
// chrony's cap on maxslewrate.
inline constexpr int64_t kMaxSlewRateScaledPpm = int64_t{100'000} << 16;
// Largest maxerror/esterror the kernel keeps: 16 s in µs (NTP_PHASE_LIMIT). timedated reports
// "synchronized" only below it.
inline constexpr int64_t kKernelMaxErrorUs = 16'000'000;
// Sanity bound for TAI − UTC (37 s since 2017; negative values are nonsense).
inline constexpr int32_t kMaxTaiOffsetS = 1000;
// errno-like codes in replies: 0 (success) or 1..kMaxErrno.
inline constexpr int32_t kMaxErrno = 4095;

// ---- Lifecycle ----------------------------------------------------------------------------

// child → parent, the first frame after exec. Wire: role u8, 3 zero bytes, pid u32 (8 bytes).
struct Hello {
  static constexpr MsgType kType = MsgType::kHello;
  static constexpr size_t kPayloadLen = 8;
  Role role = Role::kNet;  // kNet or kDns; the parent checks it matches the channel's child
  uint32_t pid = 0;        // the child's getpid(): 1..INT32_MAX; must equal the header pid
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<Hello, IpcError> decode(core::ByteReader r);
  bool operator==(const Hello&) const = default;
};

// child → parent once its sandbox is closed and it is serving. Same layout and rules as Hello.
struct Ready {
  static constexpr MsgType kType = MsgType::kReady;
  static constexpr size_t kPayloadLen = 8;
  Role role = Role::kNet;
  uint32_t pid = 0;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<Ready, IpcError> decode(core::ByteReader r);
  bool operator==(const Ready&) const = default;
};

enum class ShutdownReason : uint8_t {
  kStop = 0,         // orderly stop (SIGTERM/SIGINT at the parent)
  kPeerFailed = 1,   // another process died or sent a bad frame; the daemon is going down
};

// parent → child: finish pending work quickly and exit 0. net → parent (reason kStop only):
// chronyc's shutdown command, the daemon stops as on SIGTERM. Wire: reason u8, 3 zero bytes (4).
struct Shutdown {
  static constexpr MsgType kType = MsgType::kShutdown;
  static constexpr size_t kPayloadLen = 4;
  ShutdownReason reason = ShutdownReason::kStop;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<Shutdown, IpcError> decode(core::ByteReader r);
  bool operator==(const Shutdown&) const = default;
};

// ---- Clock verbs (net → parent) -----------------------------------------------------------

// Correct the phase gradually (no jump) by running the clock off its frequency for a while.
// Wire: offset_ns i64, rate i64 (16 bytes).
struct SlewOffset {
  static constexpr MsgType kType = MsgType::kSlewOffset;
  static constexpr size_t kPayloadLen = 16;
  // Nanoseconds to add to the local clock over time. > 0: the local clock is behind and is
  // slewed forward; < 0: slewed back; 0: end any slew now. REPLACES what remains of the previous
  // slew. INT64_MIN is rejected (its magnitude is unrepresentable).
  int64_t offset_ns = 0;
  // The slew's rate, 2^-16 ppm, 1..kMaxSlewRateScaledPpm (also with offset 0): the parent runs
  // the clock at the last SetFrequency's value ± rate (the sign of offset) until the offset is
  // applied, then returns to that value (proc/clock_service.h says exactly when).
  int64_t rate_scaled_ppm = int64_t{500} << 16;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SlewOffset, IpcError> decode(core::ByteReader r);
  bool operator==(const SlewOffset&) const = default;
};

// Set the kernel frequency correction (absolute, not a delta). Wire: freq i64 (8 bytes).
struct SetFrequency {
  static constexpr MsgType kType = MsgType::kSetFrequency;
  static constexpr size_t kPayloadLen = 8;
  // 2^-16 ppm (timex.freq). > 0: the local clock runs faster. |freq| ≤ kKernelMaxFreqScaledPpm.
  int64_t freq_scaled_ppm = 0;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SetFrequency, IpcError> decode(core::ByteReader r);
  bool operator==(const SetFrequency&) const = default;
};

// Jump the clock at once. Wire: offset_ns i64 (8 bytes).
struct StepClock {
  static constexpr MsgType kType = MsgType::kStepClock;
  static constexpr size_t kPayloadLen = 8;
  // Nanoseconds to add to the local clock now. > 0: step forward. 0 and INT64_MIN are rejected.
  int64_t offset_ns = 0;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<StepClock, IpcError> decode(core::ByteReader r);
  bool operator==(const StepClock&) const = default;
};

// The leap indicator to hand the kernel (RFC 5905 LI values).
enum class LeapState : uint8_t {
  kNone = 0,
  kInsert = 1,   // insert a second at the end of this UTC day (STA_INS)
  kDelete = 2,   // delete one (STA_DEL)
  kUnsync = 3,   // alarm: not synchronized
};

// Kernel status after a clock update. Wire (24 bytes): leap u8, synced u8, 2 zero bytes,
// tai_offset_s i32, maxerror_us i64, esterror_us i64.
struct SetKernelStatus {
  static constexpr MsgType kType = MsgType::kSetKernelStatus;
  static constexpr size_t kPayloadLen = 24;
  LeapState leap = LeapState::kNone;
  // true: clear STA_UNSYNC (the parent does so only with rtcsync); false: set it. synced with
  // leap == kUnsync is contradictory and rejected.
  bool synced = false;
  // TAI − UTC in seconds, 0..kMaxTaiOffsetS; 0 = unknown, leave the kernel's value alone.
  int32_t tai_offset_s = 0;
  // Kernel maxerror/esterror in µs, 0..kKernelMaxErrorUs each, esterror_us ≤ maxerror_us.
  int64_t maxerror_us = 0;
  int64_t esterror_us = 0;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<SetKernelStatus, IpcError> decode(core::ByteReader r);
  bool operator==(const SetKernelStatus&) const = default;
};

// Persist the frequency estimate (the drift file travels only this way, typed and range-checked,
// never as a WriteFile). Wire: freq i64, skew i64 (16 bytes).
struct WriteDrift {
  static constexpr MsgType kType = MsgType::kWriteDrift;
  static constexpr size_t kPayloadLen = 16;
  // The value to load with SetFrequency at the next start: 2^-16 ppm, > 0 = runs faster,
  // |freq| ≤ kKernelMaxFreqScaledPpm. The parent converts to the drift file's text format.
  int64_t freq_scaled_ppm = 0;
  // Estimated error of freq: 2^-16 ppm, 0..kKernelMaxFreqScaledPpm.
  int64_t skew_scaled_ppm = 0;
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<WriteDrift, IpcError> decode(core::ByteReader r);
  bool operator==(const WriteDrift&) const = default;
};

// parent → net: the outcome of one clock verb; the frame's peer_id echoes the request's.
// Wire (24 bytes): request u32, error i32, time_state u32, kernel_status u32, freq i64.
struct ClockResult {
  static constexpr MsgType kType = MsgType::kClockResult;
  static constexpr size_t kPayloadLen = 24;
  MsgType request = MsgType::kSlewOffset;  // one of the five clock verbs
  int32_t error = 0;           // 0 = done; else an errno (1..kMaxErrno) from the clock syscall
  uint32_t time_state = 0;     // adjtimex()'s return after the call: TIME_OK (0) .. TIME_ERROR (5)
  uint32_t kernel_status = 0;  // timex.status STA_* bits after the call (0..0xffff)
  int64_t freq_scaled_ppm = 0; // timex.freq after the call, 2^-16 ppm, > 0 = runs faster
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<ClockResult, IpcError> decode(core::ByteReader r);
  bool operator==(const ClockResult&) const = default;
};

// True for the five verbs above (SlewOffset .. WriteDrift).
bool is_clock_verb(MsgType t);

}  // namespace tempus::ipc
