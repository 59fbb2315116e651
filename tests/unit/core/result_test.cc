// SPDX-License-Identifier: ISC
#include "core/result.h"

#include <gtest/gtest.h>

#include <string>

namespace tempus::core {
namespace {

enum class E { kA, kB };

Result<int, E> half(int x) {
  if (x % 2) return Unexpected{E::kB};
  return x / 2;
}

TEST(Result, ValueAndError) {
  auto ok = half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), E::kB);
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, MoveOnlyAndStatus) {
  Result<std::string, E> s{std::string("abc")};
  std::string taken = std::move(s).value();
  EXPECT_EQ(taken, "abc");
  Status<E> fine;
  EXPECT_TRUE(fine.ok());
  Status<E> failed{Unexpected{E::kA}};
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error(), E::kA);
}

}  // namespace
}  // namespace tempus::core
