// SPDX-License-Identifier: ISC
// Fuzz target for the IPC codec: the input goes through the frame decoder (whole, and split at a
// point chosen by its first byte), every frame through decode_any, and the raw input through
// every payload decoder. Whatever decodes must re-encode to identical bytes; anything else aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "ipc/any_message.h"

namespace {

using namespace tempus;
using namespace tempus::ipc;

void check(bool ok) {
  if (!ok) std::abort();
}

// Every frame in `in` (fed in two parts split at `split`): decoded payloads re-encode to the
// exact frame bytes.
void run_stream(std::span<const std::byte> in, size_t split) {
  FrameDecoder d;
  size_t consumed = 0;
  for (auto part : {in.first(split), in.subspan(split)}) {
    if (!d.feed(part).ok()) return;
    for (;;) {
      auto f = d.next();
      if (!f.ok() || !f->has_value()) break;
      const Frame& frame = **f;
      const auto original = in.subspan(consumed, frame.header.len);
      consumed += frame.header.len;
      auto reframed = encode_frame(frame.header.type, frame.header.peer_id, frame.header.pid,
                                   frame.payload);
      check(reframed.ok() && std::equal(reframed->begin(), reframed->end(), original.begin(),
                                        original.end()));
      auto m = decode_any(frame);
      if (!m.ok()) continue;
      check(type_of(*m) == frame.header.type);
      auto again = encode_any(*m, frame.header.peer_id, frame.header.pid);
      check(again.ok() && std::equal(again->begin(), again->end(), original.begin(),
                                     original.end()));
    }
  }
}

template <class M>
void run_payload(std::span<const std::byte> in) {
  auto m = M::decode(core::ByteReader(in));
  if (!m.ok()) return;
  check(m->validate().ok());
  std::vector<std::byte> out;
  core::ByteWriter w(out);
  m->encode(w);
  check(std::equal(out.begin(), out.end(), in.begin(), in.end()));
}

void run_payloads(std::span<const std::byte> in) {
  run_payload<Hello>(in);
  run_payload<Ready>(in);
  run_payload<Shutdown>(in);
  run_payload<SlewOffset>(in);
  run_payload<SetFrequency>(in);
  run_payload<StepClock>(in);
  run_payload<SetKernelStatus>(in);
  run_payload<WriteDrift>(in);
  run_payload<ClockResult>(in);
  run_payload<LogLine>(in);
  run_payload<SdNotify>(in);
  run_payload<WriteFile>(in);
  run_payload<FileResult>(in);
  run_payload<SeccompViolation>(in);
  run_payload<ResolveRequest>(in);
  run_payload<ResolveReply>(in);
  run_payload<SourcesRequest>(in);
  run_payload<SourcesFile>(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  run_stream(in, in.size());
  if (!in.empty()) run_stream(in, static_cast<size_t>(data[0]) % (in.size() + 1));

  // The payload decoders on their own: the whole input, and the input past a frame header.
  run_payloads(in);
  if (in.size() >= kHeaderLen) run_payloads(in.subspan(kHeaderLen));
  return 0;
}

