// SPDX-License-Identifier: ISC
// IpcError: everything that can be wrong with a frame, a message or the channel carrying it.
// Policy (design.md §2): whatever the cause, a process that receives a malformed frame from its
// peer treats it as fatal (fail closed); the codes exist for the log line and for tests.
#pragma once

#include <cstdint>
#include <string_view>

namespace tempus::ipc {

enum class IpcError : uint8_t {
  // Frame header and stream framing.
  kFrameTooShort = 1,  // header len < 16
  kFrameTooLong,       // header len > kMaxFrameLen, or a datagram larger than that
  kUnknownType,        // header type is not a MsgType
  kTruncated,          // input ended inside a frame
  kNotOneFrame,        // a datagram held less or more than exactly one frame
  kBufferFull,         // more bytes fed than the decoder buffers without draining
  // Payloads.
  kWrongType,          // payload decoded as a message of another type
  kBadLength,          // payload length differs from what the message's fields demand
  kBadReserved,        // a reserved field or padding byte is not zero
  kBadEnum,            // an enum field holds a value outside its closed list
  kOutOfRange,         // a numeric field outside its documented range
  kBadText,            // text with control characters, NUL, newline or invalid UTF-8
  kBadHostname,        // ResolveRequest name fails the hostname charset/shape check
  kTooManyAddresses,   // ResolveReply with more than kMaxAddresses
  kBadFileOp,          // WriteFile op not allowed for that file id, or data where none belongs
  // Parent policy (bounds.h).
  kStepDisabled,       // StepClock while ClockBounds allows no steps
  kStepRateExceeded,   // more than max_steps_per_hour steps in the last hour
  kBadBounds,          // a ClockBounds that is itself nonsensical
  // Channel and syscalls (channel.h).
  kSyscall,            // a syscall failed; the errno travels beside the code
  kPeerClosed,         // orderly EOF from the peer
  kShortWrite,         // sendmsg sent part of a datagram (cannot happen on SOCK_SEQPACKET)
  kTooManyFds,         // more than one fd attached to a frame
  kControlTruncated,   // MSG_CTRUNC: ancillary data lost (any fds that did arrive are closed)
  kUnexpectedControl,  // ancillary data other than SCM_RIGHTS
  kBadPid,             // header pid differs from the peer's known pid
  kForbiddenType,      // a type that may not travel in this direction (msg_type.h is_allowed)
  kUnexpectedFd,       // an fd attached to a frame whose type carries none
  kQueueFull,          // Channel output queue at kMaxQueuedFrames
};

// Stable lower_snake_case name for logs, e.g. "frame_too_long".
std::string_view to_string(IpcError e);

}  // namespace tempus::ipc
