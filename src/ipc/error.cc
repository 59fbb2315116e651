// SPDX-License-Identifier: ISC
#include "ipc/error.h"

namespace tempus::ipc {

std::string_view to_string(IpcError e) {
  switch (e) {
    case IpcError::kFrameTooShort: return "frame_too_short";
    case IpcError::kFrameTooLong: return "frame_too_long";
    case IpcError::kUnknownType: return "unknown_type";
    case IpcError::kTruncated: return "truncated";
    case IpcError::kNotOneFrame: return "not_one_frame";
    case IpcError::kBufferFull: return "buffer_full";
    case IpcError::kWrongType: return "wrong_type";
    case IpcError::kBadLength: return "bad_length";
    case IpcError::kBadReserved: return "bad_reserved";
    case IpcError::kBadEnum: return "bad_enum";
    case IpcError::kOutOfRange: return "out_of_range";
    case IpcError::kBadText: return "bad_text";
    case IpcError::kBadHostname: return "bad_hostname";
    case IpcError::kTooManyAddresses: return "too_many_addresses";
    case IpcError::kBadFileOp: return "bad_file_op";
    case IpcError::kStepDisabled: return "step_disabled";
    case IpcError::kStepRateExceeded: return "step_rate_exceeded";
    case IpcError::kBadBounds: return "bad_bounds";
    case IpcError::kSyscall: return "syscall";
    case IpcError::kPeerClosed: return "peer_closed";
    case IpcError::kShortWrite: return "short_write";
    case IpcError::kTooManyFds: return "too_many_fds";
    case IpcError::kControlTruncated: return "control_truncated";
    case IpcError::kUnexpectedControl: return "unexpected_control";
    case IpcError::kBadPid: return "bad_pid";
    case IpcError::kForbiddenType: return "forbidden_type";
    case IpcError::kUnexpectedFd: return "unexpected_fd";
    case IpcError::kQueueFull: return "queue_full";
  }
  return "unknown_ipc_error";
}

}  // namespace tempus::ipc
