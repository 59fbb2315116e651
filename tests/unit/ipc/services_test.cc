// SPDX-License-Identifier: ISC
// LogLine, SdNotify, WriteFile, FileResult and the text checks behind them.
#include "ipc/services.h"

#include <string>

#include <gtest/gtest.h>

#include "ipc/frame.h"
#include "ipc/messages.h"
#include "ipc/text.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::decode_bytes;
using testing::hex;
using testing::payload_of;

// ---- Text ------------------------------------------------------------------------------------

TEST(CleanText, AcceptsPrintableAsciiAndUtf8) {
  EXPECT_TRUE(is_clean_text(""));
  EXPECT_TRUE(is_clean_text("Selected source 192.0.2.1 (pool.ntp.org) ~!@#$%^&*()_+{}|:\"<>?"));
  EXPECT_TRUE(is_clean_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x95\x92"));  // é € 🕒
  EXPECT_TRUE(is_clean_text("\xc2\xa0"));                                    // U+00A0
  EXPECT_TRUE(is_clean_text("\xf4\x8f\xbf\xbf"));                            // U+10FFFF
}

TEST(CleanText, RejectsControlsAndBadUtf8) {
  using namespace std::string_literals;
  EXPECT_FALSE(is_clean_text("a\nb"));
  EXPECT_FALSE(is_clean_text("a\rb"));
  EXPECT_FALSE(is_clean_text("a\0b"s));
  EXPECT_FALSE(is_clean_text("\t"));
  EXPECT_FALSE(is_clean_text("\x1b[31m"));
  EXPECT_FALSE(is_clean_text("\x7f"));
  EXPECT_FALSE(is_clean_text("\xc2\x9b"));           // C1 CSI
  EXPECT_FALSE(is_clean_text("\xc2\x85"));           // C1 NEL
  EXPECT_FALSE(is_clean_text("\xe2\x80\xa8"));       // U+2028
  EXPECT_FALSE(is_clean_text("\xc0\x8a"));           // overlong '\n'
  EXPECT_FALSE(is_clean_text("\xe0\x80\x8a"));       // overlong '\n'
  EXPECT_FALSE(is_clean_text("\xed\xa0\x80"));       // surrogate U+D800
  EXPECT_FALSE(is_clean_text("\xf4\x90\x80\x80"));   // U+110000
  EXPECT_FALSE(is_clean_text("\x80"));               // lone continuation
  EXPECT_FALSE(is_clean_text("\xc3"));               // truncated sequence
  EXPECT_FALSE(is_clean_text("\xe2\x82"));
  EXPECT_FALSE(is_clean_text("\xc3\x41"));           // bad continuation
  EXPECT_FALSE(is_clean_text("\xff"));
}

// ---- LogLine --------------------------------------------------------------------------------

TEST(LogLine, WireBytes) {
  EXPECT_EQ(payload_of(LogLine{3, "ab"}), hex("03 00 0002 6162"));
  EXPECT_EQ(payload_of(LogLine{7, ""}), hex("07 00 0000"));
  auto d = decode_bytes<LogLine>(hex("05 00 0003 78797a"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->priority, 5);
  EXPECT_EQ(d->text, "xyz");
}

TEST(LogLine, LengthFieldMustMatchExactly) {
  EXPECT_EQ(decode_bytes<LogLine>(hex("05 00 0004 78797a")).error(), IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<LogLine>(hex("05 00 0002 78797a")).error(), IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<LogLine>(hex("05 00 ffff 78797a")).error(), IpcError::kBadLength);
}

TEST(LogLine, RejectsPriorityInjectionAndSize) {
  EXPECT_EQ(decode_bytes<LogLine>(hex("08 00 0001 61")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<LogLine>(hex("03 01 0001 61")).error(), IpcError::kBadReserved);
  EXPECT_EQ(decode_bytes<LogLine>(hex("03 00 0003 610a62")).error(), IpcError::kBadText);
  EXPECT_EQ(decode_bytes<LogLine>(hex("03 00 0003 610062")).error(), IpcError::kBadText);
  EXPECT_TRUE(LogLine({0, std::string(LogLine::kMaxText, 'x')}).validate().ok());
  EXPECT_EQ(LogLine({0, std::string(LogLine::kMaxText + 1, 'x')}).validate().error(),
            IpcError::kBadLength);
  // The same too-long line on the wire.
  auto p = payload_of(LogLine{0, std::string(LogLine::kMaxText + 1, 'x')});
  EXPECT_EQ(decode_bytes<LogLine>(p).error(), IpcError::kBadLength);
  EXPECT_FALSE(encode_message(LogLine{1, "a\nFAKE: root login"}, 0, 1).ok());
}

// ---- SdNotify -------------------------------------------------------------------------------

TEST(SdNotify, WireBytes) {
  EXPECT_EQ(payload_of(SdNotify{SdState::kReady, ""}), hex("01 00 0000"));
  EXPECT_EQ(payload_of(SdNotify{SdState::kStatus, "ok"}), hex("03 00 0002 6f6b"));
  EXPECT_EQ(decode_bytes<SdNotify>(hex("04 00 0000"))->state, SdState::kWatchdog);
}

TEST(SdNotify, RejectsUnknownStatesAndSmuggledText) {
  EXPECT_EQ(decode_bytes<SdNotify>(hex("00 00 0000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<SdNotify>(hex("05 00 0000")).error(), IpcError::kBadEnum);
  // Text only rides with STATUS; no newline to start a second assignment (MAINPID=1).
  EXPECT_EQ(decode_bytes<SdNotify>(hex("01 00 0001 31")).error(), IpcError::kBadLength);
  EXPECT_EQ(SdNotify({SdState::kStatus, "x\nMAINPID=1"}).validate().error(), IpcError::kBadText);
  EXPECT_TRUE(SdNotify({SdState::kStatus, ""}).validate().ok());
  EXPECT_TRUE(SdNotify({SdState::kStatus, std::string(SdNotify::kMaxStatus, 'a')}).validate().ok());
  EXPECT_EQ(SdNotify({SdState::kStatus, std::string(SdNotify::kMaxStatus + 1, 'a')}).validate().error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<SdNotify>(hex("03 00 0003 6f6b")).error(), IpcError::kBadLength);
}

// ---- WriteFile / FileResult -----------------------------------------------------------------

TEST(WriteFile, WireBytes) {
  const WriteFile m{FileId::kLogStatistics, FileOp::kAppend, testing::bytes_of("x\n")};
  EXPECT_EQ(payload_of(m), hex("04 02 0000 00000002 780a"));
  EXPECT_EQ(payload_of(WriteFile{FileId::kNtsKeys, FileOp::kCommit, {}}), hex("01 05 0000 00000000"));
}

TEST(WriteFile, OpsPerFile) {
  EXPECT_TRUE(is_allowed_op(FileId::kNtsKeys, FileOp::kReplace));
  EXPECT_TRUE(is_allowed_op(FileId::kNtsCookies, FileOp::kContinue));
  EXPECT_FALSE(is_allowed_op(FileId::kNtsKeys, FileOp::kAppend));
  EXPECT_FALSE(is_allowed_op(FileId::kLogTracking, FileOp::kReplace));
  EXPECT_TRUE(is_allowed_op(FileId::kLogTracking, FileOp::kReopen));
  EXPECT_EQ(WriteFile({FileId::kLogTracking, FileOp::kBegin, {}}).validate().error(),
            IpcError::kBadFileOp);
  EXPECT_EQ(WriteFile({FileId::kNtsKeys, FileOp::kCommit, {std::byte{1}}}).validate().error(),
            IpcError::kBadFileOp);
  EXPECT_EQ(WriteFile({FileId::kLogMeasurements, FileOp::kReopen, {std::byte{1}}}).validate().error(),
            IpcError::kBadFileOp);
}

TEST(WriteFile, LogAppendsAreWholePrintableLines) {
  const auto append = [](FileId f, std::string_view s) {
    return WriteFile{f, FileOp::kAppend, testing::bytes_of(s)};
  };
  EXPECT_TRUE(append(FileId::kLogSelection, "a b\n===\nc\n").validate().ok());
  EXPECT_TRUE(is_log_file(FileId::kLogSelection));
  EXPECT_FALSE(is_log_file(FileId::kNtsKeys));
  EXPECT_TRUE(is_allowed_op(FileId::kLogSelection, FileOp::kAppend));
  for (std::string_view bad : {std::string_view(""), std::string_view("no newline"),
                               std::string_view("x\ny"), std::string_view("\n"),
                               std::string_view("a\n\n"), std::string_view("tab\t\n"),
                               std::string_view("esc\x1b[2J\n"), std::string_view("cr\r\n"),
                               std::string_view("nul\0\n", 5), std::string_view("\xc3\xa9\n")})
    EXPECT_EQ(append(FileId::kLogTracking, bad).validate().error(), IpcError::kBadText) << bad;
  const std::string longest(kMaxLogAppend - 1, 'x');
  EXPECT_TRUE(append(FileId::kLogTracking, longest + "\n").validate().ok());
  EXPECT_EQ(append(FileId::kLogTracking, longest + "x\n").validate().error(), IpcError::kBadText);
  // The parent gets it through decode(): a bad line is a malformed frame.
  EXPECT_EQ(decode_bytes<WriteFile>(hex("06 02 0000 00000002 0a0a")).error(), IpcError::kBadText);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("06 02 0000 00000002 4107")).error(), IpcError::kBadText);
}

TEST(WriteFile, RejectsUnknownIdsLengthsAndPadding) {
  EXPECT_EQ(decode_bytes<WriteFile>(hex("00 01 0000 00000000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("07 02 0000 00000000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("01 07 0000 00000000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("01 01 0001 00000000")).error(), IpcError::kBadReserved);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("01 01 0000 00000002 41")).error(), IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("01 01 0000 00000000 41")).error(), IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<WriteFile>(hex("01 01 0000 ffffffff 41")).error(), IpcError::kBadLength);
}

TEST(WriteFile, LargestChunkFitsOneFrame) {
  WriteFile m{FileId::kNtsCookies, FileOp::kContinue, std::vector<std::byte>(WriteFile::kMaxData)};
  auto f = encode_message(m, 0, 1);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), kMaxFrameLen);
  m.data.push_back(std::byte{0});
  EXPECT_EQ(m.validate().error(), IpcError::kBadLength);
  EXPECT_FALSE(encode_message(m, 0, 1).ok());
  EXPECT_EQ(testing::decode_bytes<WriteFile>(payload_of(m)).error(), IpcError::kBadLength);
}

TEST(FileResult, WireBytesAndRanges) {
  EXPECT_EQ(payload_of(FileResult{FileId::kNtsKeys, FileOp::kReplace, 13}), hex("01 01 0000 0000000d"));
  EXPECT_EQ(decode_bytes<FileResult>(hex("01 01 0000 ffffffff")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<FileResult>(hex("01 01 0000 00001000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<FileResult>(hex("03 01 0000 00000000")).error(), IpcError::kBadFileOp);
  EXPECT_EQ(decode_bytes<FileResult>(hex("09 01 0000 00000000")).error(), IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<FileResult>(hex("01 01 0100 00000000")).error(), IpcError::kBadReserved);
}

TEST(SeccompViolation, WireBytesAndRanges) {
  EXPECT_EQ(payload_of(SeccompViolation{101, 0xc000003e}), hex("00000065 c000003e"));
  EXPECT_EQ(decode_bytes<SeccompViolation>(hex("00001000 c000003e")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SeccompViolation>(hex("00000065 00000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SeccompViolation>(hex("00000065 c000003e 00")).error(), IpcError::kBadLength);
  EXPECT_TRUE(is_allowed(MsgType::kSeccompViolation, Role::kDns, Role::kParent));
  EXPECT_FALSE(is_allowed(MsgType::kSeccompViolation, Role::kParent, Role::kNet));
}

TEST(Text, SanitizeMakesCleanText) {
  EXPECT_EQ(sanitize_text("ok line", 100), "ok line");
  EXPECT_EQ(sanitize_text("a\nb\x1b[31mc\xc3\xa9", 100), "a?b?[31mc??");
  EXPECT_EQ(sanitize_text("abcdef", 3), "abc");
  EXPECT_TRUE(is_clean_text(sanitize_text(std::string("\0\r\n\x7f\xff", 5), 10)));
}

}  // namespace
}  // namespace tempus::ipc
