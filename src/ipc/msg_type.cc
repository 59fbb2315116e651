// SPDX-License-Identifier: ISC
#include "ipc/msg_type.h"

namespace tempus::ipc {

std::optional<MsgType> msg_type_from_wire(uint32_t v) {
  const auto t = static_cast<MsgType>(v);
  switch (t) {
    case MsgType::kHello:
    case MsgType::kReady:
    case MsgType::kShutdown:
    case MsgType::kSlewOffset:
    case MsgType::kSetFrequency:
    case MsgType::kStepClock:
    case MsgType::kSetKernelStatus:
    case MsgType::kWriteDrift:
    case MsgType::kClockResult:
    case MsgType::kLogLine:
    case MsgType::kSdNotify:
    case MsgType::kWriteFile:
    case MsgType::kFileResult:
    case MsgType::kSeccompViolation:
    case MsgType::kResolveRequest:
    case MsgType::kResolveReply:
    case MsgType::kSourcesRequest:
    case MsgType::kSourcesFile:
      return t;
  }
  return std::nullopt;
}

std::string_view to_string(MsgType t) {
  switch (t) {
    case MsgType::kHello: return "hello";
    case MsgType::kReady: return "ready";
    case MsgType::kShutdown: return "shutdown";
    case MsgType::kSlewOffset: return "slew_offset";
    case MsgType::kSetFrequency: return "set_frequency";
    case MsgType::kStepClock: return "step_clock";
    case MsgType::kSetKernelStatus: return "set_kernel_status";
    case MsgType::kWriteDrift: return "write_drift";
    case MsgType::kClockResult: return "clock_result";
    case MsgType::kLogLine: return "log_line";
    case MsgType::kSdNotify: return "sd_notify";
    case MsgType::kWriteFile: return "write_file";
    case MsgType::kFileResult: return "file_result";
    case MsgType::kSeccompViolation: return "seccomp_violation";
    case MsgType::kResolveRequest: return "resolve_request";
    case MsgType::kResolveReply: return "resolve_reply";
    case MsgType::kSourcesRequest: return "sources_request";
    case MsgType::kSourcesFile: return "sources_file";
  }
  return "unknown";
}

std::string_view to_string(Role r) {
  switch (r) {
    case Role::kParent: return "parent";
    case Role::kNet: return "net";
    case Role::kDns: return "dns";
  }
  return "unknown";
}

bool is_allowed(MsgType t, Role from, Role to) {
  const bool child_to_parent = to == Role::kParent && (from == Role::kNet || from == Role::kDns);
  switch (t) {
    case MsgType::kHello:  // dns also greets net, which learns dns's pid from it
      return child_to_parent || (from == Role::kDns && to == Role::kNet);
    case MsgType::kReady:
    case MsgType::kLogLine:
    case MsgType::kSeccompViolation:
      return child_to_parent;
    case MsgType::kShutdown:  // net → parent: chronyc's shutdown command (reason kStop)
      return (from == Role::kParent && (to == Role::kNet || to == Role::kDns)) ||
             (from == Role::kNet && to == Role::kParent);
    case MsgType::kSlewOffset:
    case MsgType::kSetFrequency:
    case MsgType::kStepClock:
    case MsgType::kSetKernelStatus:
    case MsgType::kWriteDrift:
    case MsgType::kSdNotify:
    case MsgType::kWriteFile:
      return from == Role::kNet && to == Role::kParent;
    case MsgType::kClockResult:
    case MsgType::kFileResult:
      return from == Role::kParent && to == Role::kNet;
    case MsgType::kResolveRequest:
    case MsgType::kSourcesRequest:
      return from == Role::kNet && to == Role::kDns;
    case MsgType::kResolveReply:
    case MsgType::kSourcesFile:
      return from == Role::kDns && to == Role::kNet;
  }
  return false;
}

bool carries_fd(MsgType) { return false; }

}  // namespace tempus::ipc
