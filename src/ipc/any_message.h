// SPDX-License-Identifier: ISC
// All payload types as one variant, for dispatchers (std::visit) and the round-trip fuzz target.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/result.h"
#include "ipc/error.h"
#include "ipc/frame.h"
#include "ipc/messages.h"
#include "ipc/resolve.h"
#include "ipc/services.h"
#include "ipc/sources.h"

namespace tempus::ipc {

using AnyMessage =
    std::variant<Hello, Ready, Shutdown, SlewOffset, SetFrequency, StepClock, SetKernelStatus,
                 WriteDrift, ClockResult, LogLine, SdNotify, WriteFile, FileResult, SeccompViolation, ResolveRequest,
                 ResolveReply, SourcesRequest, SourcesFile>;

// The payload of f decoded by the decoder its header type names. Errors: that decoder's.
core::Result<AnyMessage, IpcError> decode_any(const Frame& f);

// The MsgType of whichever message m holds.
MsgType type_of(const AnyMessage& m);

// A whole frame for m (encode_message on the held alternative).
core::Result<std::vector<std::byte>, IpcError> encode_any(const AnyMessage& m, uint32_t peer_id,
                                                          uint32_t pid);

}  // namespace tempus::ipc
