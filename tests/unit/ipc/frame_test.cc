// SPDX-License-Identifier: ISC
// Frame header codec and the incremental stream decoder.
#include "ipc/frame.h"

#include <gtest/gtest.h>

#include "ipc/messages.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::hex;

std::vector<std::byte> concat(std::vector<std::byte> a, const std::vector<std::byte>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::byte> frame_of(MsgType t, uint32_t peer_id, uint32_t pid,
                                const std::vector<std::byte>& payload) {
  auto f = encode_frame(t, peer_id, pid, payload);
  EXPECT_TRUE(f.ok());
  return *f;
}

TEST(FrameHeader, EncodeIsBigEndianWithTotalLength) {
  const auto f = frame_of(MsgType::kSlewOffset, 0xa1b2c3d4, 0x00001234, hex("0102"));
  EXPECT_EQ(f, hex("00000010 00000012 a1b2c3d4 00001234 0102"));
}

TEST(FrameHeader, Decode) {
  auto h = decode_header(hex("00000031 00000010 00000005 00000006"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->type, MsgType::kResolveReply);
  EXPECT_EQ(h->len, 16u);
  EXPECT_EQ(h->peer_id, 5u);
  EXPECT_EQ(h->pid, 6u);
}

TEST(FrameHeader, RejectsBadLengthAndType) {
  EXPECT_EQ(decode_header(hex("00000001 0000000f 00000000 00000001")).error(),
            IpcError::kFrameTooShort);
  EXPECT_EQ(decode_header(hex("00000001 00000000 00000000 00000001")).error(),
            IpcError::kFrameTooShort);
  EXPECT_EQ(decode_header(hex("00000001 00004001 00000000 00000001")).error(),
            IpcError::kFrameTooLong);
  EXPECT_EQ(decode_header(hex("00000001 ffffffff 00000000 00000001")).error(),
            IpcError::kFrameTooLong);
  EXPECT_TRUE(decode_header(hex("00000001 00004000 00000000 00000001")).ok());
  EXPECT_EQ(decode_header(hex("00000000 00000010 00000000 00000001")).error(),
            IpcError::kUnknownType);
  EXPECT_EQ(decode_header(hex("00000004 00000010 00000000 00000001")).error(),
            IpcError::kUnknownType);
  EXPECT_EQ(decode_header(hex("00000001 00000010 00000000")).error(), IpcError::kTruncated);
}

TEST(EncodeFrame, PayloadBound) {
  EXPECT_TRUE(
      encode_frame(MsgType::kWriteFile, 0, 1, std::vector<std::byte>(kMaxPayloadLen)).ok());
  EXPECT_EQ(
      encode_frame(MsgType::kWriteFile, 0, 1, std::vector<std::byte>(kMaxPayloadLen + 1)).error(),
      IpcError::kFrameTooLong);
}

TEST(FrameDecoder, OneGoodFrame) {
  FrameDecoder d;
  ASSERT_TRUE(d.feed(frame_of(MsgType::kStepClock, 3, 4, hex("0000000000000001"))).ok());
  auto f = d.next();
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->header.type, MsgType::kStepClock);
  EXPECT_EQ((*f)->header.len, 24u);
  EXPECT_EQ((*f)->payload, hex("0000000000000001"));
  auto none = d.next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(d.pending(), 0u);
  EXPECT_TRUE(d.finish().ok());
}

TEST(FrameDecoder, HeaderOnlyFrameHasEmptyPayload) {
  FrameDecoder d;
  ASSERT_TRUE(d.feed(hex("00000003 00000010 00000000 00000001")).ok());
  auto f = d.next();
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_TRUE((*f)->payload.empty());
  // Framing is fine; the Shutdown decoder then rejects the empty payload.
  EXPECT_EQ(decode_message<Shutdown>(**f).error(), IpcError::kBadLength);
}

TEST(FrameDecoder, LenBelowHeaderIsFatalAndSticky) {
  FrameDecoder d;
  ASSERT_TRUE(d.feed(hex("00000001 0000000c 00000000 00000001")).ok());
  EXPECT_EQ(d.next().error(), IpcError::kFrameTooShort);
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.next().error(), IpcError::kFrameTooShort);
  EXPECT_EQ(d.feed(frame_of(MsgType::kHello, 0, 1, hex("01000000 00000001"))).error(),
            IpcError::kFrameTooShort);
  EXPECT_EQ(d.finish().error(), IpcError::kFrameTooShort);
}

TEST(FrameDecoder, TooLongRejectedFromHeaderAlone) {
  FrameDecoder d;
  // Only the header of a 16385-byte frame: rejected without waiting for its payload.
  ASSERT_TRUE(d.feed(hex("00000022 00004001 00000000 00000001")).ok());
  EXPECT_EQ(d.next().error(), IpcError::kFrameTooLong);
}

TEST(FrameDecoder, UnknownType) {
  FrameDecoder d;
  ASSERT_TRUE(d.feed(hex("0000ffff 00000010 00000000 00000001")).ok());
  EXPECT_EQ(d.next().error(), IpcError::kUnknownType);
}

TEST(FrameDecoder, TruncatedStream) {
  const auto full = frame_of(MsgType::kSlewOffset, 0, 1, hex("0000000000000005"));
  for (size_t cut = 1; cut < full.size(); ++cut) {
    FrameDecoder d;
    ASSERT_TRUE(d.feed(core::Bytes(full).first(cut)).ok());
    auto f = d.next();
    ASSERT_TRUE(f.ok()) << cut;
    EXPECT_FALSE(f->has_value()) << cut;
    EXPECT_EQ(d.pending(), cut);
    EXPECT_EQ(d.finish().error(), IpcError::kTruncated) << cut;
  }
}

TEST(FrameDecoder, TwoFramesBackToBack) {
  const auto a = frame_of(MsgType::kHello, 1, 10, hex("01000000 0000000a"));
  const auto b = frame_of(MsgType::kLogLine, 2, 10, hex("06000001 41"));
  FrameDecoder d;
  ASSERT_TRUE(d.feed(concat(a, b)).ok());
  auto f1 = d.next();
  ASSERT_TRUE(f1.ok() && f1->has_value());
  EXPECT_EQ((*f1)->header.type, MsgType::kHello);
  EXPECT_EQ((*f1)->header.peer_id, 1u);
  auto f2 = d.next();
  ASSERT_TRUE(f2.ok() && f2->has_value());
  EXPECT_EQ((*f2)->header.type, MsgType::kLogLine);
  EXPECT_EQ((*f2)->header.peer_id, 2u);
  EXPECT_EQ((*f2)->payload, hex("06000001 41"));
  EXPECT_FALSE(d.next()->has_value());
  EXPECT_TRUE(d.finish().ok());
}

TEST(FrameDecoder, GoodFrameThenBadHeaderYieldsGoodFirst) {
  const auto a = frame_of(MsgType::kHello, 1, 10, hex("01000000 0000000a"));
  FrameDecoder d;
  ASSERT_TRUE(d.feed(concat(a, hex("00000001 00000002 00000000 00000000"))).ok());
  auto f1 = d.next();
  ASSERT_TRUE(f1.ok() && f1->has_value());
  EXPECT_EQ(d.next().error(), IpcError::kFrameTooShort);
}

TEST(FrameDecoder, FrameSplitAcrossReadsAtEveryOffset) {
  const auto a = frame_of(MsgType::kWriteDrift, 7, 8, hex("0000000000010000 0000000000000100"));
  const auto b = frame_of(MsgType::kShutdown, 9, 8, hex("00000000"));
  const auto both = concat(a, b);
  for (size_t split = 0; split <= both.size(); ++split) {
    FrameDecoder d;
    std::vector<Frame> got;
    for (auto part : {core::Bytes(both).first(split), core::Bytes(both).subspan(split)}) {
      ASSERT_TRUE(d.feed(part).ok());
      for (;;) {
        auto f = d.next();
        ASSERT_TRUE(f.ok());
        if (!f->has_value()) break;
        got.push_back(std::move(**f));
      }
    }
    ASSERT_EQ(got.size(), 2u) << split;
    EXPECT_EQ(got[0].header.type, MsgType::kWriteDrift);
    EXPECT_EQ(got[0].payload, hex("0000000000010000 0000000000000100"));
    EXPECT_EQ(got[1].header.type, MsgType::kShutdown);
    EXPECT_EQ(got[1].header.peer_id, 9u);
    EXPECT_TRUE(d.finish().ok());
  }
}

TEST(FrameDecoder, ByteAtATime) {
  const auto a = frame_of(MsgType::kSdNotify, 0, 3, hex("01000000"));
  FrameDecoder d;
  int frames = 0;
  for (std::byte b : a) {
    ASSERT_TRUE(d.feed(core::Bytes(&b, 1)).ok());
    auto f = d.next();
    ASSERT_TRUE(f.ok());
    frames += f->has_value() ? 1 : 0;
  }
  EXPECT_EQ(frames, 1);
}

TEST(FrameDecoder, BufferBound) {
  FrameDecoder d;
  // A maximal frame whose last byte is missing, then more than the bound allows.
  auto big = frame_of(MsgType::kWriteFile, 0, 1, std::vector<std::byte>(kMaxPayloadLen));
  big.pop_back();
  ASSERT_TRUE(d.feed(big).ok());
  EXPECT_FALSE(d.next()->has_value());
  EXPECT_EQ(d.feed(std::vector<std::byte>(FrameDecoder::kMaxBuffered - big.size() + 1)).error(),
            IpcError::kBufferFull);
  EXPECT_TRUE(d.failed());
}

}  // namespace
}  // namespace tempus::ipc
