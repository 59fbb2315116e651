// SPDX-License-Identifier: ISC
// tempusctl's state-changing commands against chronyc 4.3's own requests: golden/state.json
// (make_golden.py) holds, for each command line, the datagrams the real chronyc sent (attempt
// and sequence zeroed), the status the fake server answered and what chronyc printed. Here the
// same command line goes through run_command: the requests must encode to the same octets,
// and with the same answers it must print the same text and exit the same way.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/cmdmon.h"
#include "ctl/commands.h"

namespace tempus::ctl {
namespace {

namespace cm = core::cmdmon;

std::string hex(const std::vector<std::byte>& b) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::byte x : b) {
    out += digits[std::to_integer<unsigned>(x) >> 4];
    out += digits[std::to_integer<unsigned>(x) & 15];
  }
  return out;
}

TEST(StateCommands, SameRequestsAndOutputAsChronyc) {
  std::ifstream f(std::string(TEMPUS_GOLDEN_DIR) + "/state.json");
  ASSERT_TRUE(f) << "golden/state.json";
  const auto golden = nlohmann::json::parse(f);
  ASSERT_GE(golden.size(), 40u);
  for (const auto& g : golden) {
    const auto args = g["args"].get<std::vector<std::string>>();
    std::string line;
    for (const auto& a : args) line += a + " ";
    SCOPED_TRACE(line);
    std::vector<std::string> sent;
    const auto statuses = g["status"].get<std::vector<int>>();
    Session s;
    s.ask = [&](const cm::Request& q) -> std::optional<cm::Reply> {
      sent.push_back(hex(cm::encode_request(q)));
      if (sent.size() > statuses.size()) return std::nullopt;
      return cm::Reply{q.command, q.sequence, static_cast<cm::Status>(statuses[sent.size() - 1]),
                       {}};
    };
    s.resolve = [](const std::string& name) -> std::optional<core::IpAddress> {
      if (name == "localhost") return core::IpAddress::v4(0x7f000001);
      return std::nullopt;
    };
    const int rc = run_command(s, args);
    EXPECT_EQ(sent, g["requests"].get<std::vector<std::string>>());
    EXPECT_EQ(s.out, g["stdout"].get<std::string>());
    EXPECT_EQ(s.err, g["stderr"].get<std::string>());
    EXPECT_EQ(rc, g["exit"].get<int>());
  }
}

TEST(StateCommands, NoDaemonAndBadReply) {
  Session s;
  s.ask = [](const cm::Request&) { return std::optional<cm::Reply>(); };
  EXPECT_EQ(run_command(s, {"makestep"}), 1);
  EXPECT_EQ(s.out, "506 Cannot talk to daemon\n");
  Session t;
  t.ask = [](const cm::Request& q) {
    return std::optional<cm::Reply>(cm::Reply{q.command, q.sequence, cm::Status::kSuccess,
                                              cm::NSources{3}});
  };
  EXPECT_EQ(run_command(t, {"dump"}), 1);
  EXPECT_EQ(t.out, "200 OK\n508 Bad reply from daemon\n");
}

}  // namespace
}  // namespace tempus::ctl
