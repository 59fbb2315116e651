// SPDX-License-Identifier: ISC
// SourcesRequest / SourcesFile (reload sources between net and dns).
#include "ipc/sources.h"

#include <string>

#include <gtest/gtest.h>

#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::decode_bytes;
using testing::hex;
using testing::payload_of;

TEST(SourcesRequest, WireBytes) {
  EXPECT_EQ(payload_of(SourcesRequest{5, {"/a", "/bc"}}),
            hex("00000005 02 000000 0002 2f61 0003 2f6263"));
  auto d = decode_bytes<SourcesRequest>(hex("00000005 02 000000 0002 2f61 0003 2f6263"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dirs.size(), 2u);
}

TEST(SourcesRequest, Rejects) {
  // No directory, a relative path, a control character, trailing bytes, a short path.
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 00 000000")).error(), IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 01 000000 0001 61")).error(),
            IpcError::kBadText);
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 01 000000 0002 2f0a")).error(),
            IpcError::kBadText);
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 01 000000 0001 2f 00")).error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 01 000000 0005 2f")).error(),
            IpcError::kBadLength);
  EXPECT_EQ(decode_bytes<SourcesRequest>(hex("00000005 01 000100 0001 2f")).error(),
            IpcError::kBadReserved);
}

TEST(SourcesFile, WireBytesAndLast) {
  EXPECT_EQ(payload_of(SourcesFile{7, false, "/d/x.sources", "pool p\n"}),
            hex("00000007 00 00 000c 00000007 2f642f782e736f7572636573 706f6f6c20700a"));
  EXPECT_EQ(payload_of(SourcesFile{7, true, "", ""}), hex("00000007 01 00 0000 00000000"));
  // The end carries nothing; a file needs an absolute path; content is bounded.
  EXPECT_EQ(decode_bytes<SourcesFile>(hex("00000007 01 00 0001 00000000 2f")).error(),
            IpcError::kOutOfRange);
  EXPECT_EQ(decode_bytes<SourcesFile>(hex("00000007 00 00 0000 00000000")).error(),
            IpcError::kBadText);
  EXPECT_EQ(decode_bytes<SourcesFile>(hex("00000007 02 00 0000 00000000")).error(),
            IpcError::kBadEnum);
  EXPECT_EQ(decode_bytes<SourcesFile>(hex("00000007 00 00 0001 00002001 2f")).error(),
            IpcError::kBadLength);
  SourcesFile big{1, false, "/x", std::string(SourcesFile::kMaxContent + 1, 'a')};
  EXPECT_EQ(big.validate().error(), IpcError::kBadLength);
}

}  // namespace
}  // namespace tempus::ipc
