// SPDX-License-Identifier: ISC
// Keeps the fuzz seed corpus (tests/fuzz/corpus/ipc) honest: every generated seed must be a
// stream of frames that all decode. Seeds a fuzzing campaign added (named by their SHA-1, 40 hex
// digits: tests/fuzz/campaign.sh) are there for the error paths too and are not checked. With TEMPUS_IPC_CORPUS_OUT=DIR set, WriteSeeds (re)generates it:
//   TEMPUS_IPC_CORPUS_OUT=tests/fuzz/corpus/ipc unit_ipc --gtest_filter='IpcCorpus.*'
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "ipc/any_message.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

namespace fs = std::filesystem;

bool from_campaign(const std::string& name) {
  return name.size() == 40 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void write_file(const fs::path& p, const std::vector<std::byte>& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  ASSERT_TRUE(out.good()) << p;
}

TEST(IpcCorpus, WriteSeeds) {
  const char* out = std::getenv("TEMPUS_IPC_CORPUS_OUT");
  if (out == nullptr) GTEST_SKIP() << "TEMPUS_IPC_CORPUS_OUT not set";
  fs::create_directories(out);
  std::vector<std::byte> all;
  uint32_t peer_id = 1;
  for (const auto& m : testing::all_samples()) {
    auto f = encode_any(m, peer_id++, 4242);
    ASSERT_TRUE(f.ok());
    write_file(fs::path(out) / (std::string(to_string(type_of(m))) + ".bin"), *f);
    all.insert(all.end(), f->begin(), f->end());
  }
  write_file(fs::path(out) / "all_back_to_back.bin", all);
}

TEST(IpcCorpus, EverySeedDecodes) {
  const char* dir = std::getenv("TEMPUS_IPC_CORPUS_DIR");
  if (dir == nullptr) GTEST_SKIP() << "TEMPUS_IPC_CORPUS_DIR not set";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || from_campaign(e.path().filename().string())) continue;
    ++files;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    FrameDecoder d;
    ASSERT_TRUE(d.feed(core::as_bytes(s)).ok()) << e.path();
    size_t frames = 0;
    for (;;) {
      auto f = d.next();
      ASSERT_TRUE(f.ok()) << e.path() << ": " << to_string(f.error());
      if (!f->has_value()) break;
      auto m = decode_any(**f);
      ASSERT_TRUE(m.ok()) << e.path() << ": " << to_string(m.error());
      ++frames;
    }
    EXPECT_TRUE(d.finish().ok()) << e.path();
    EXPECT_GE(frames, 1u) << e.path();
  }
  // One seed per message type plus the back-to-back stream.
  EXPECT_GE(files, testing::all_samples().size() + 1);
}

}  // namespace
}  // namespace tempus::ipc
