// SPDX-License-Identifier: ISC
#include "ipc/any_message.h"

namespace tempus::ipc {

namespace {

template <class M>
core::Result<AnyMessage, IpcError> as_any(const Frame& f) {
  auto m = decode_message<M>(f);
  if (!m.ok()) return core::Unexpected{m.error()};
  return AnyMessage{std::move(*m)};
}

}  // namespace

core::Result<AnyMessage, IpcError> decode_any(const Frame& f) {
  switch (f.header.type) {
    case MsgType::kHello: return as_any<Hello>(f);
    case MsgType::kReady: return as_any<Ready>(f);
    case MsgType::kShutdown: return as_any<Shutdown>(f);
    case MsgType::kSlewOffset: return as_any<SlewOffset>(f);
    case MsgType::kSetFrequency: return as_any<SetFrequency>(f);
    case MsgType::kStepClock: return as_any<StepClock>(f);
    case MsgType::kSetKernelStatus: return as_any<SetKernelStatus>(f);
    case MsgType::kWriteDrift: return as_any<WriteDrift>(f);
    case MsgType::kClockResult: return as_any<ClockResult>(f);
    case MsgType::kLogLine: return as_any<LogLine>(f);
    case MsgType::kSdNotify: return as_any<SdNotify>(f);
    case MsgType::kWriteFile: return as_any<WriteFile>(f);
    case MsgType::kFileResult: return as_any<FileResult>(f);
    case MsgType::kSeccompViolation: return as_any<SeccompViolation>(f);
    case MsgType::kResolveRequest: return as_any<ResolveRequest>(f);
    case MsgType::kResolveReply: return as_any<ResolveReply>(f);
    case MsgType::kSourcesRequest: return as_any<SourcesRequest>(f);
    case MsgType::kSourcesFile: return as_any<SourcesFile>(f);
  }
  return core::Unexpected{IpcError::kUnknownType};
}

MsgType type_of(const AnyMessage& m) {
  return std::visit([](const auto& v) { return std::decay_t<decltype(v)>::kType; }, m);
}

core::Result<std::vector<std::byte>, IpcError> encode_any(const AnyMessage& m, uint32_t peer_id,
                                                          uint32_t pid) {
  return std::visit([&](const auto& v) { return encode_message(v, peer_id, pid); }, m);
}

}  // namespace tempus::ipc
