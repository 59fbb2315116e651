// SPDX-License-Identifier: ISC
#include "proc/sources_reload.h"

#include <gtest/gtest.h>

namespace tempus::proc {
namespace {

ipc::SourcesFile file(uint32_t id, std::string path, std::string content) {
  return {id, false, std::move(path), std::move(content)};
}
ipc::SourcesFile end(uint32_t id) { return {id, true, "", ""}; }

TEST(SourcesReload, ParsesLikeTheConfigParser) {
  std::vector<std::string> warnings;
  const auto got = SourcesReload::parse(
      {{"/a", "/b"}},
      {file(1, "/a/x.sources", "server 192.0.2.1 iburst\nallow 10/8\n"),
       file(1, "/b/x.sources", "server 192.0.2.9\n"),  // /a/x.sources wins the name
       file(1, "/b/y.sources", "pool pool.example maxsources 2\n")},
      warnings);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].host, "192.0.2.1");
  EXPECT_TRUE(got[0].iburst);
  EXPECT_EQ(got[1].host, "pool.example");
  EXPECT_EQ(got[1].kind, config::SourceKind::kPool);
  ASSERT_EQ(warnings.size(), 1u);  // `allow` has no place in a sources file
  EXPECT_NE(warnings[0].find("/a/x.sources:2"), std::string::npos) << warnings[0];
}

TEST(SourcesReload, RequestsAndIgnoresStaleAnswers) {
  SourcesReload none({}, 0, 0);
  EXPECT_FALSE(none.request());

  SourcesReload r({{"/a", "/a"}, {"/b"}}, 0, 0);
  std::vector<std::vector<config::NtpSource>> applied;
  r.apply = [&](const std::vector<config::NtpSource>& s) { applied.push_back(s); };
  const auto first = r.request();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->dirs, (std::vector<std::string>{"/a", "/b"}));
  const auto second = r.request();
  ASSERT_TRUE(second);
  EXPECT_NE(first->request_id, second->request_id);
  r.take(file(first->request_id, "/a/x.sources", "server 192.0.2.1\n"));
  r.take(end(first->request_id));  // stale: ignored
  EXPECT_TRUE(applied.empty());
  r.take(file(second->request_id, "/a/x.sources", "server 192.0.2.2\n"));
  r.take(end(second->request_id));
  ASSERT_EQ(applied.size(), 1u);
  ASSERT_EQ(applied[0].size(), 1u);
  EXPECT_EQ(applied[0][0].host, "192.0.2.2");
  r.take(end(second->request_id));  // nothing pending any more
  EXPECT_EQ(applied.size(), 1u);
}

TEST(SourcesReload, RemovesWhatWentAndAddsWhatCame) {
  config::NtpSource conf, a, b, c;
  conf.host = "192.0.2.100";  // from the config file: never touched
  a.host = "192.0.2.1";
  b.host = "192.0.2.2";
  c.host = "192.0.2.3";
  std::vector<config::NtpSource> sources = {conf, a, b};
  std::vector<bool> removed(3);
  SourcesReload r({{"/d"}}, 1, 2);  // indices 1 and 2 came from sourcedir
  std::vector<size_t> gone;
  auto add = [&](const config::NtpSource& s) {
    sources.push_back(s);
    removed.push_back(false);
    return sources.size() - 1;
  };
  r.update({b, c}, sources, removed, [&](size_t i) { gone.push_back(i); }, add);
  EXPECT_EQ(gone, std::vector<size_t>{1});
  EXPECT_EQ(removed, (std::vector<bool>{false, true, false, false}));
  ASSERT_EQ(sources.size(), 4u);
  EXPECT_EQ(sources[3].host, "192.0.2.3");
  // Unchanged: nothing happens; a changed option is a new source.
  r.update({b, c}, sources, removed, [&](size_t i) { gone.push_back(i); }, add);
  EXPECT_EQ(gone.size(), 1u);
  EXPECT_EQ(sources.size(), 4u);
  config::NtpSource c2 = c;
  c2.iburst = true;
  r.update({b, c2}, sources, removed, [&](size_t i) { gone.push_back(i); }, add);
  EXPECT_EQ(gone, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(sources.size(), 5u);
  r.update({}, sources, removed, [&](size_t i) { gone.push_back(i); }, add);
  EXPECT_EQ(gone, (std::vector<size_t>{1, 3, 2, 4}));
  EXPECT_FALSE(removed[0]);
}

}  // namespace
}  // namespace tempus::proc
