// SPDX-License-Identifier: ISC
// Every payload type: round trip, short, long, truncations, wrong type. Then the lifecycle and
// clock verbs one by one: exact wire bytes and rejected values.
#include "ipc/messages.h"

#include <limits>
#include <set>
#include <string_view>

#include <gtest/gtest.h>

#include "ipc/frame.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::decode_bytes;
using testing::hex;
using testing::payload_of;
using testing::sample;

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();

template <class M>
class AllMessages : public ::testing::Test {};
using MessageTypes =
    ::testing::Types<Hello, Ready, Shutdown, SlewOffset, SetFrequency, StepClock, SetKernelStatus,
                     WriteDrift, ClockResult, LogLine, SdNotify, WriteFile, FileResult,
                     SeccompViolation, ResolveRequest, ResolveReply, SourcesRequest,
                     SourcesFile>;
TYPED_TEST_SUITE(AllMessages, MessageTypes);

TYPED_TEST(AllMessages, PayloadRoundTrip) {
  const TypeParam m = sample<TypeParam>();
  ASSERT_TRUE(m.validate().ok());
  const auto p = payload_of(m);
  auto d = decode_bytes<TypeParam>(p);
  ASSERT_TRUE(d.ok()) << to_string(d.error());
  EXPECT_EQ(*d, m);
  EXPECT_EQ(payload_of(*d), p);
}

TYPED_TEST(AllMessages, FrameRoundTrip) {
  const TypeParam m = sample<TypeParam>();
  auto bytes = encode_message(m, 0x01020304, 555);
  ASSERT_TRUE(bytes.ok());
  FrameDecoder dec;
  ASSERT_TRUE(dec.feed(*bytes).ok());
  auto f = dec.next();
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->has_value());
  const Frame& frame = **f;
  EXPECT_EQ(frame.header.type, TypeParam::kType);
  EXPECT_EQ(frame.header.len, bytes->size());
  EXPECT_EQ(frame.header.peer_id, 0x01020304u);
  EXPECT_EQ(frame.header.pid, 555u);
  auto d = decode_message<TypeParam>(frame);
  ASSERT_TRUE(d.ok()) << to_string(d.error());
  EXPECT_EQ(*d, m);
  auto any = decode_any(frame);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(type_of(*any), TypeParam::kType);
  auto again = encode_any(*any, 0x01020304, 555);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *bytes);
}

TYPED_TEST(AllMessages, ShortPayloadRejected) {
  auto p = payload_of(sample<TypeParam>());
  p.pop_back();
  auto d = decode_bytes<TypeParam>(p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), IpcError::kBadLength);
}

TYPED_TEST(AllMessages, LongPayloadRejected) {
  auto p = payload_of(sample<TypeParam>());
  p.push_back(std::byte{0});
  auto d = decode_bytes<TypeParam>(p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), IpcError::kBadLength);
}

TYPED_TEST(AllMessages, EveryTruncationRejected) {
  const auto p = payload_of(sample<TypeParam>());
  for (size_t n = 0; n < p.size(); ++n) {
    std::vector<std::byte> cut(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode_bytes<TypeParam>(cut).ok()) << "prefix " << n;
  }
}

TYPED_TEST(AllMessages, WrongFrameTypeRejected) {
  const auto p = payload_of(sample<TypeParam>());
  Frame f;
  f.header.type = TypeParam::kType == MsgType::kHello ? MsgType::kReady : MsgType::kHello;
  f.header.len = static_cast<uint32_t>(kHeaderLen + p.size());
  f.payload = p;
  auto d = decode_message<TypeParam>(f);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), IpcError::kWrongType);
}

// ---- Lifecycle ------------------------------------------------------------------------------

TEST(Hello, WireBytes) {
  EXPECT_EQ(payload_of(Hello{Role::kDns, 0x01020304}), hex("02000000 01020304"));
  auto f = encode_message(Hello{Role::kNet, 7}, 9, 7);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, hex("00000001 00000018 00000009 00000007 01000000 00000007"));
}

TEST(Hello, RejectsBadRolePidAndPadding) {
  EXPECT_EQ(decode_bytes<Hello>(hex("00000000 00000007")).error(), IpcError::kBadEnum);  // parent
  EXPECT_EQ(decode_bytes<Hello>(hex("03000000 00000007")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<Hello>(hex("01000000 00000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<Hello>(hex("01000000 80000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<Hello>(hex("01000100 00000007")).error(), IpcError::kBadReserved);
  EXPECT_TRUE(decode_bytes<Hello>(hex("01000000 7fffffff")).ok());
  EXPECT_EQ(decode_bytes<Ready>(hex("ff000000 00000007")).error(), IpcError::kBadEnum);
}

TEST(Shutdown, WireBytesAndRejects) {
  EXPECT_EQ(payload_of(Shutdown{ShutdownReason::kStop}), hex("00000000"));
  EXPECT_EQ(decode_bytes<Shutdown>(hex("01000000"))->reason, ShutdownReason::kPeerFailed);
  EXPECT_EQ(decode_bytes<Shutdown>(hex("02000000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<Shutdown>(hex("00000001")).error(), IpcError::kBadReserved);
}

// ---- Clock verbs ----------------------------------------------------------------------------

TEST(SlewOffset, WireBytesAreTwosComplementBigEndian) {
  EXPECT_EQ(payload_of(SlewOffset{1, 1}), hex("0000000000000001" "0000000000000001"));
  EXPECT_EQ(payload_of(SlewOffset{-2, 500 << 16}), hex("fffffffffffffffe" "0000000001f40000"));
  const auto m = decode_bytes<SlewOffset>(hex("fffffffffffffffe" "0000000001f40000"));
  EXPECT_EQ(m->offset_ns, -2);
  EXPECT_EQ(m->rate_scaled_ppm, int64_t{500} << 16);
  EXPECT_EQ(decode_bytes<SlewOffset>(hex("7fffffffffffffff" "0000000186a00000"))->offset_ns, kMax64);
  EXPECT_EQ(decode_bytes<SlewOffset>(hex("0000000000000001")).error(), IpcError::kBadLength);
}

TEST(SlewOffset, RejectsInt64MinAndRatesOutOfRange) {
  EXPECT_EQ(decode_bytes<SlewOffset>(hex("8000000000000000" "0000000000000001")).error(),
            IpcError::kOutOfRange);
  EXPECT_FALSE((SlewOffset{kMin64}.validate().ok()));
  EXPECT_TRUE((SlewOffset{0}.validate().ok()));
  EXPECT_FALSE(encode_message(SlewOffset{kMin64}, 0, 1).ok());
  // Rate: 1 .. 100000 ppm (2^-16 ppm units), also when the offset is 0.
  EXPECT_TRUE((SlewOffset{5, 1}.validate().ok()));
  EXPECT_TRUE((SlewOffset{5, kMaxSlewRateScaledPpm}.validate().ok()));
  EXPECT_FALSE((SlewOffset{5, kMaxSlewRateScaledPpm + 1}.validate().ok()));
  EXPECT_FALSE((SlewOffset{0, 0}.validate().ok()));
  EXPECT_FALSE((SlewOffset{5, -1}.validate().ok()));
  EXPECT_FALSE((SlewOffset{5, kMin64}.validate().ok()));
  EXPECT_EQ(decode_bytes<SlewOffset>(hex("0000000000000001" "0000000186a00001")).error(),
            IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SlewOffset>(hex("0000000000000001" "0000000000000000")).error(),
            IpcError::kOutOfRange);
}

TEST(SetFrequency, KernelRange) {
  EXPECT_TRUE(SetFrequency{kKernelMaxFreqScaledPpm}.validate().ok());
  EXPECT_TRUE(SetFrequency{-kKernelMaxFreqScaledPpm}.validate().ok());
  EXPECT_EQ(SetFrequency{kKernelMaxFreqScaledPpm + 1}.validate().error(), IpcError::kOutOfRange);
  EXPECT_EQ(SetFrequency{kMin64}.validate().error(), IpcError::kOutOfRange);
  EXPECT_EQ(payload_of(SetFrequency{int64_t{500} << 16}), hex("0000000001f40000"));
  EXPECT_EQ(decode_bytes<SetFrequency>(hex("0000000001f40001")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SetFrequency>(hex("fffffffffe0c0000"))->freq_scaled_ppm,
            -(int64_t{500} << 16));
}

TEST(StepClock, RejectsZeroAndInt64Min) {
  EXPECT_EQ(decode_bytes<StepClock>(hex("0000000000000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<StepClock>(hex("8000000000000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<StepClock>(hex("8000000000000001"))->offset_ns, kMin64 + 1);
}

TEST(SetKernelStatus, WireBytes) {
  const SetKernelStatus m{LeapState::kDelete, true, 37, 16'000'000, 5};
  EXPECT_EQ(payload_of(m), hex("02010000 00000025 0000000000f42400 0000000000000005"));
}

TEST(SetKernelStatus, RejectsNonsense) {
  // leap 7, synced 2, padding, contradictory leap/synced, negative and huge errors, bad TAI.
  EXPECT_EQ(decode_bytes<SetKernelStatus>(hex("07000000 00000000 0000000000000000 0000000000000000"))
                .error(),
            IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<SetKernelStatus>(hex("00020000 00000000 0000000000000000 0000000000000000"))
                .error(),
            IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<SetKernelStatus>(hex("00000100 00000000 0000000000000000 0000000000000000"))
                .error(),
            IpcError::kBadReserved);
  EXPECT_EQ(decode_bytes<SetKernelStatus>(hex("03010000 00000000 0000000000000000 0000000000000000"))
                .error(),
            IpcError::kOutOfRange);
  SetKernelStatus m{LeapState::kNone, false, 0, 0, 0};
  EXPECT_TRUE(m.validate().ok());
  m.maxerror_us = -1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.maxerror_us = kKernelMaxErrorUs + 1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.maxerror_us = 100;
  m.esterror_us = 101;  // estimated error above the maximum error
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.esterror_us = -1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.esterror_us = 100;
  m.tai_offset_s = -1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.tai_offset_s = kMaxTaiOffsetS + 1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.tai_offset_s = kMaxTaiOffsetS;
  EXPECT_TRUE(m.validate().ok());
  m.leap = static_cast<LeapState>(7);
  EXPECT_EQ(m.validate().error(), IpcError::kBadEnum);
}

TEST(WriteDrift, Ranges) {
  EXPECT_EQ(payload_of(WriteDrift{-1, 2}), hex("ffffffffffffffff 0000000000000002"));
  EXPECT_EQ(WriteDrift({0, -1}).validate().error(), IpcError::kOutOfRange);
  EXPECT_EQ(WriteDrift({kKernelMaxFreqScaledPpm + 1, 0}).validate().error(),
            IpcError::kOutOfRange);
  EXPECT_EQ(WriteDrift({0, kKernelMaxFreqScaledPpm + 1}).validate().error(),
            IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<WriteDrift>(hex("8000000000000000 0000000000000000")).error(),
            IpcError::kOutOfRange);
}

TEST(ClockResult, WireBytesAndRanges) {
  EXPECT_EQ(payload_of(ClockResult{MsgType::kSetFrequency, 0, 5, 0x0001, 65536}),
            hex("00000011 00000000 00000005 00000001 0000000000010000"));
  // The request must be a clock verb, not any known type.
  EXPECT_EQ(decode_bytes<ClockResult>(hex("00000001 00000000 00000000 00000000 0000000000000000"))
                .error(),
            IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<ClockResult>(hex("000000ff 00000000 00000000 00000000 0000000000000000"))
                .error(),
            IpcError::kBadEnum);
  ClockResult m = sample<ClockResult>();
  m.error = -1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.error = kMaxErrno + 1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.error = 0;
  m.time_state = 6;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.time_state = 0;
  m.kernel_status = 0x10000;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
  m.kernel_status = 0;
  m.freq_scaled_ppm = kKernelMaxFreqScaledPpm + 1;
  EXPECT_EQ(m.validate().error(), IpcError::kOutOfRange);
}

TEST(MsgType, KnownValuesAndNames) {
  EXPECT_TRUE(is_known_type(1));
  EXPECT_TRUE(is_known_type(49));
  EXPECT_FALSE(is_known_type(0));
  EXPECT_FALSE(is_known_type(4));
  EXPECT_TRUE(is_known_type(51));
  EXPECT_FALSE(is_known_type(52));
  EXPECT_FALSE(is_known_type(0xffffffff));
  EXPECT_EQ(to_string(MsgType::kSetKernelStatus), "set_kernel_status");
  EXPECT_EQ(to_string(static_cast<MsgType>(99)), "unknown");
  EXPECT_EQ(to_string(IpcError::kFrameTooLong), "frame_too_long");
  EXPECT_TRUE(is_clock_verb(MsgType::kWriteDrift));
  EXPECT_FALSE(is_clock_verb(MsgType::kClockResult));
}

TEST(Names, EveryErrorAndTypeHasADistinctName) {
  // Error codes are numbered 1..N without gaps; every one has its own name.
  std::set<std::string_view> errors;
  int named = 0;
  for (int v = 0; v < 256; ++v) {
    const auto name = to_string(static_cast<IpcError>(v));
    if (name == "unknown_ipc_error") continue;
    ++named;
    errors.insert(name);
    EXPECT_EQ(v, named) << name;
  }
  EXPECT_EQ(errors.size(), static_cast<size_t>(named));
  EXPECT_EQ(named, static_cast<int>(IpcError::kQueueFull));
  std::set<std::string_view> types;
  size_t known = 0;
  for (uint32_t v = 0; v < 256; ++v) {
    if (!is_known_type(v)) continue;
    ++known;
    types.insert(to_string(static_cast<MsgType>(v)));
  }
  EXPECT_EQ(known, 18u);
  EXPECT_EQ(types.size(), 18u);
  EXPECT_EQ(to_string(Role::kDns), "dns");
  EXPECT_EQ(to_string(static_cast<Role>(9)), "unknown");
}

TEST(MsgType, DirectionTable) {
  EXPECT_TRUE(is_allowed(MsgType::kStepClock, Role::kNet, Role::kParent));
  EXPECT_FALSE(is_allowed(MsgType::kStepClock, Role::kDns, Role::kParent));
  EXPECT_FALSE(is_allowed(MsgType::kStepClock, Role::kParent, Role::kNet));
  EXPECT_TRUE(is_allowed(MsgType::kLogLine, Role::kDns, Role::kParent));
  EXPECT_FALSE(is_allowed(MsgType::kLogLine, Role::kNet, Role::kDns));
  EXPECT_TRUE(is_allowed(MsgType::kSourcesRequest, Role::kNet, Role::kDns));
  EXPECT_FALSE(is_allowed(MsgType::kSourcesRequest, Role::kDns, Role::kNet));
  EXPECT_TRUE(is_allowed(MsgType::kSourcesFile, Role::kDns, Role::kNet));
  EXPECT_FALSE(is_allowed(MsgType::kSourcesFile, Role::kNet, Role::kParent));
  EXPECT_TRUE(is_allowed(MsgType::kShutdown, Role::kParent, Role::kDns));
  EXPECT_FALSE(is_allowed(MsgType::kShutdown, Role::kNet, Role::kDns));
  EXPECT_TRUE(is_allowed(MsgType::kShutdown, Role::kNet, Role::kParent));  // chronyc shutdown
  EXPECT_FALSE(is_allowed(MsgType::kShutdown, Role::kDns, Role::kParent));
  EXPECT_TRUE(is_allowed(MsgType::kResolveRequest, Role::kNet, Role::kDns));
  EXPECT_FALSE(is_allowed(MsgType::kResolveRequest, Role::kDns, Role::kNet));
  EXPECT_TRUE(is_allowed(MsgType::kResolveReply, Role::kDns, Role::kNet));
  EXPECT_FALSE(is_allowed(MsgType::kWriteFile, Role::kDns, Role::kParent));
  EXPECT_FALSE(is_allowed(MsgType::kSdNotify, Role::kDns, Role::kParent));
  EXPECT_TRUE(is_allowed(MsgType::kClockResult, Role::kParent, Role::kNet));
  EXPECT_FALSE(is_allowed(MsgType::kClockResult, Role::kParent, Role::kDns));
  EXPECT_FALSE(is_allowed(MsgType::kHello, Role::kParent, Role::kParent));
  EXPECT_TRUE(is_allowed(MsgType::kHello, Role::kDns, Role::kNet));
  EXPECT_FALSE(is_allowed(MsgType::kHello, Role::kNet, Role::kDns));
  EXPECT_FALSE(is_allowed(MsgType::kReady, Role::kDns, Role::kNet));
}

}  // namespace
}  // namespace tempus::ipc
