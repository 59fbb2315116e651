// SPDX-License-Identifier: ISC
// tempusctl against chronyc 4.3's own output. golden/*.txt is what the real chronyc printed
// (and its exit status) for each scenario of make_golden.py, from the fake server's fixed
// replies; golden/replies.txt holds those reply datagrams. Here tempusctl's command code runs
// each scenario on the same datagrams (decoded by decode_reply) and must print the same bytes
// and exit the same way. golden/*.json is the -j output make_golden.py derived from the state.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cmdmon_reply.h"
#include "crypto/refid.h"
#include "ctl/commands.h"

namespace tempus::ctl {
namespace {

namespace cm = core::cmdmon;
namespace fs = std::filesystem;

const fs::path kDir = TEMPUS_GOLDEN_DIR;

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// (command, param) → reply datagram with sequence 0, as make_golden.py wrote them.
std::map<std::string, std::vector<std::byte>> load_replies() {
  std::map<std::string, std::vector<std::byte>> out;
  std::istringstream in(read(kDir / "replies.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto w = split(line);
    if (w.size() != 3) continue;
    std::vector<std::byte> bytes;
    for (size_t i = 0; i + 1 < w[2].size(); i += 2)
      bytes.push_back(std::byte(std::stoi(w[2].substr(i, 2), nullptr, 16)));
    out[w[0] + " " + w[1]] = bytes;
  }
  return out;
}

std::string key(const cm::Request& q) {
  std::string p = "-";
  switch (q.command) {
    case cm::cmd::kSourceData:
    case cm::cmd::kSourceStats:
    case cm::cmd::kSelectData: p = std::to_string(q.index); break;
    case cm::cmd::kNtpData:
    case cm::cmd::kNtpSourceName:
    case cm::cmd::kAuthData: p = core::chronyc::address_text(q.address); break;
    case cm::cmd::kClientAccessesByIndex3:
      p = std::to_string(q.clients.first_index) + "," + std::to_string(q.clients.n_clients) +
          "," + std::to_string(q.clients.min_hits);
      break;
    default: break;
  }
  return std::to_string(q.command) + " " + p;
}

struct Canned {
  std::map<std::string, std::vector<std::byte>> replies = load_replies();
  uint32_t sequence = 1;
  int sleeps = 0;

  Session session(const std::vector<std::string>& flags) {
    Session s;
    s.ask = [this](const cm::Request& q) -> std::optional<cm::Reply> {
      auto it = replies.find(key(q));
      if (it == replies.end()) return std::nullopt;
      auto bytes = it->second;
      const uint32_t seq = ++sequence;
      for (size_t i = 0; i < 4; ++i) bytes[16 + i] = std::byte((seq >> (24 - 8 * i)) & 0xff);
      auto r = cm::decode_reply(bytes, q.command, seq);
      EXPECT_TRUE(r.ok()) << key(q) << ": " << cm::to_string(r.error());
      if (!r.ok()) return std::nullopt;
      return r.value();
    };
    s.sleep = [this](double) { return ++sleeps < 100; };
    for (const auto& f : flags) {
      if (f == "-n") s.naming.numeric = true;
      if (f == "-c") s.naming.csv = true;
      if (f == "-N") s.naming.source_names = true;
      if (f == "-j") s.json = true;
    }
    // Not resolving from a unit test: every text scenario is -n, -c or -N.
    s.naming.refid_of = [](const core::IpAddress& a) { return crypto::ref_id_of(a); };
    return s;
  }
};

std::pair<std::vector<std::string>, std::vector<std::string>> parse_args(
    const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && args[i].starts_with('-')) ++i;
  return {std::vector<std::string>(args.begin(), args.begin() + static_cast<long>(i)),
          std::vector<std::string>(args.begin() + static_cast<long>(i), args.end())};
}

TEST(Golden, EveryScenarioAsChronyc43PrintedIt) {
  ASSERT_TRUE(crypto::init_refid());
  Canned canned;
  ASSERT_FALSE(canned.replies.empty());
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    if (entry.path().extension() != ".txt" || entry.path().filename() == "replies.txt") continue;
    const std::string text = read(entry.path());
    std::istringstream in(text);
    std::string cmdline, exitline;
    std::getline(in, cmdline);
    std::getline(in, exitline);
    ASSERT_TRUE(cmdline.starts_with("# chronyc ")) << entry.path();
    ASSERT_TRUE(exitline.starts_with("# exit ")) << entry.path();
    const std::string expected = text.substr(cmdline.size() + exitline.size() + 2);
    const auto [flags, words] = parse_args(split(cmdline.substr(10)));
    Session s = canned.session(flags);
    const int rc = run_command(s, words);
    EXPECT_EQ(s.out, expected) << entry.path().filename();
    EXPECT_EQ(rc, std::stoi(exitline.substr(7))) << entry.path().filename();
    ++checked;
  }
  EXPECT_GE(checked, 50);
  EXPECT_GT(canned.sleeps, 0);  // waitsync_fail waited between its tries
}

TEST(Golden, JsonFromTheSameState) {
  ASSERT_TRUE(crypto::init_refid());
  Canned canned;
  const std::map<std::string, std::vector<std::string>> args = {
      {"tracking", {"tracking"}},       {"sources", {"sources"}},
      {"sources_a", {"sources", "-a"}}, {"sourcestats", {"sourcestats"}},
      {"serverstats", {"serverstats"}}, {"activity", {"activity"}},
      {"smoothing", {"smoothing"}},     {"manual_list", {"manual", "list"}},
      {"sourcename", {"sourcename", "192.0.2.1"}}};
  for (const auto& [name, words] : args) {
    Session s = canned.session({"-n", "-j"});
    ASSERT_EQ(run_command(s, words), 0) << name << s.out;
    const auto got = nlohmann::json::parse(s.out);
    const auto want = nlohmann::json::parse(read(kDir / (name + ".json")));
    EXPECT_EQ(got, want) << name << "\n" << got.dump(2) << "\n" << want.dump(2);
  }
}

}  // namespace
}  // namespace tempus::ctl
