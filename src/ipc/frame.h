// SPDX-License-Identifier: ISC
// Frame codec: the 16-byte header every IPC message travels under, and an incremental decoder.
//
// Wire format (all fields big-endian):
//   offset 0  type     u32  a MsgType (msg_type.h); anything else is rejected
//   offset 4  len      u32  total frame length in bytes INCLUDING this header: 16 ≤ len ≤ 16384
//   offset 8  peer_id  u32  correlation id chosen by the requester; replies echo it
//   offset 12 pid      u32  pid of the sending process (receivers compare it with the peer's)
//   offset 16 payload  len − 16 bytes, decoded by the message type's exact-length decoder
//
// kMaxFrameLen = 16 KiB: the largest payload is a WriteFile chunk; 16 KiB holds a whole NTS key or
// cookie dump of a typical configuration in one frame, keeps one datagram far below the AF_UNIX
// socket buffer (≈208 KiB by default, so a frame never blocks half-written), and bounds what a
// compromised child can make the parent buffer per frame. Bigger files go in chunks (services.h).
//
// This file is pure: no syscalls. channel.h moves frames over a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/msg_type.h"

namespace tempus::ipc {

inline constexpr size_t kHeaderLen = 16;
inline constexpr size_t kMaxFrameLen = 16 * 1024;
inline constexpr size_t kMaxPayloadLen = kMaxFrameLen - kHeaderLen;

struct FrameHeader {
  MsgType type{};
  uint32_t len = 0;  // total frame length, header included (bytes)
  uint32_t peer_id = 0;
  uint32_t pid = 0;
  bool operator==(const FrameHeader&) const = default;
};

// Decodes and checks the first kHeaderLen bytes of `in` (more may follow; they are ignored).
// Errors: kTruncated (fewer than 16 bytes), kUnknownType, kFrameTooShort, kFrameTooLong.
core::Result<FrameHeader, IpcError> decode_header(core::Bytes in);

struct Frame {
  FrameHeader header;
  std::vector<std::byte> payload;  // exactly header.len − kHeaderLen bytes
  core::ByteReader reader() const { return core::ByteReader(payload); }
  bool operator==(const Frame&) const = default;
};

// Header + payload as one buffer. Errors: kFrameTooLong when the payload exceeds kMaxPayloadLen.
core::Result<std::vector<std::byte>, IpcError> encode_frame(MsgType type, uint32_t peer_id,
                                                            uint32_t pid, core::Bytes payload);

// Splits a byte stream into frames. feed() appends bytes as they arrive (in any split), next()
// returns the oldest complete frame, or nullopt while the next frame is still incomplete.
// Every header is checked before its payload is awaited, so a bad len is reported as soon as its
// 16 header bytes are in. The first error is sticky: feed() and next() return it forever after
// (a peer that sent one bad frame is not trusted for the rest of the stream).
class FrameDecoder {
 public:
  // feed() refuses input that would leave more than this buffered. A caller that drains next()
  // until nullopt after every feed of at most kMaxFrameLen bytes never reaches it.
  static constexpr size_t kMaxBuffered = 2 * kMaxFrameLen;

  core::Status<IpcError> feed(core::Bytes in);
  core::Result<std::optional<Frame>, IpcError> next();

  // Bytes buffered that do not yet form a complete frame (after draining next()).
  size_t pending() const { return buf_.size() - start_; }
  bool failed() const { return error_.has_value(); }
  // The stream has ended: ok when it ended on a frame boundary, otherwise kTruncated (or the
  // sticky error).
  core::Status<IpcError> finish() const;

 private:
  core::Result<std::optional<Frame>, IpcError> fail(IpcError e);

  std::vector<std::byte> buf_;
  size_t start_ = 0;  // offset of the first unconsumed byte in buf_
  std::optional<IpcError> error_;
};

// A whole frame for message m: m.validate() first, so nothing the receiver would reject is ever
// sent. M is any payload struct of messages.h, services.h or resolve.h.
template <class M>
core::Result<std::vector<std::byte>, IpcError> encode_message(const M& m, uint32_t peer_id,
                                                              uint32_t pid) {
  if (auto s = m.validate(); !s.ok()) return core::Unexpected{s.error()};
  std::vector<std::byte> out;
  out.reserve(kHeaderLen + 64);
  core::ByteWriter w(out);
  w.be32(static_cast<uint32_t>(M::kType));
  w.be32(0);  // len, patched below
  w.be32(peer_id);
  w.be32(pid);
  m.encode(w);
  if (out.size() > kMaxFrameLen) return core::Unexpected{IpcError::kFrameTooLong};
  w.patch32(4, static_cast<uint32_t>(out.size()));
  return out;
}

// The payload of f decoded as an M. Errors: kWrongType when f is not an M, else M::decode's.
template <class M>
core::Result<M, IpcError> decode_message(const Frame& f) {
  if (f.header.type != M::kType) return core::Unexpected{IpcError::kWrongType};
  return M::decode(f.reader());
}

}  // namespace tempus::ipc
