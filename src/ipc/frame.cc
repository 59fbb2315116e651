// SPDX-License-Identifier: ISC
#include "ipc/frame.h"

#include <cstddef>
#include <utility>

namespace tempus::ipc {

using core::Unexpected;

core::Result<FrameHeader, IpcError> decode_header(core::Bytes in) {
  if (in.size() < kHeaderLen) return Unexpected{IpcError::kTruncated};
  core::ByteReader r(in.first(kHeaderLen));
  const uint32_t type = r.be32();
  FrameHeader h;
  h.len = r.be32();
  h.peer_id = r.be32();
  h.pid = r.be32();
  // Length before type: a garbage header is most often a framing slip, and "too short/long"
  // says so better than "unknown type".
  if (h.len < kHeaderLen) return Unexpected{IpcError::kFrameTooShort};
  if (h.len > kMaxFrameLen) return Unexpected{IpcError::kFrameTooLong};
  const auto t = msg_type_from_wire(type);
  if (!t) return Unexpected{IpcError::kUnknownType};
  h.type = *t;
  return h;
}

core::Result<std::vector<std::byte>, IpcError> encode_frame(MsgType type, uint32_t peer_id,
                                                            uint32_t pid, core::Bytes payload) {
  if (payload.size() > kMaxPayloadLen) return Unexpected{IpcError::kFrameTooLong};
  std::vector<std::byte> out;
  out.reserve(kHeaderLen + payload.size());
  core::ByteWriter w(out);
  w.be32(static_cast<uint32_t>(type));
  w.be32(static_cast<uint32_t>(kHeaderLen + payload.size()));
  w.be32(peer_id);
  w.be32(pid);
  w.bytes(payload);
  return out;
}

core::Status<IpcError> FrameDecoder::feed(core::Bytes in) {
  if (error_) return Unexpected{*error_};
  if (in.size() > kMaxBuffered - pending()) {
    error_ = IpcError::kBufferFull;
    return Unexpected{*error_};
  }
  // Compact before growing so the buffer stays within kMaxBuffered plus one feed.
  if (start_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buf_.insert(buf_.end(), in.begin(), in.end());
  return {};
}

core::Result<std::optional<Frame>, IpcError> FrameDecoder::fail(IpcError e) {
  error_ = e;
  return Unexpected{e};
}

core::Result<std::optional<Frame>, IpcError> FrameDecoder::next() {
  if (error_) return Unexpected{*error_};
  const core::Bytes avail = core::Bytes(buf_).subspan(start_);
  if (avail.size() < kHeaderLen) return std::optional<Frame>{};
  auto h = decode_header(avail);
  if (!h.ok()) return fail(h.error());
  if (avail.size() < h->len) return std::optional<Frame>{};
  Frame f;
  f.header = *h;
  const auto body = avail.subspan(kHeaderLen, h->len - kHeaderLen);
  f.payload.assign(body.begin(), body.end());
  start_ += h->len;
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  }
  return std::optional<Frame>{std::move(f)};
}

core::Status<IpcError> FrameDecoder::finish() const {
  if (error_) return Unexpected{*error_};
  if (pending() != 0) return Unexpected{IpcError::kTruncated};
  return {};
}

}  // namespace tempus::ipc
