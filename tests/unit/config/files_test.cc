// SPDX-License-Identifier: ISC
// include, confdir, sourcedir; the in-memory and the real FileSource.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/fs_source.h"
#include "test_util.h"

namespace tempus::config {
namespace {

using testing::parse;
using testing::Parsed;

std::vector<std::string> hosts(const std::vector<NtpSource>& v) {
  std::vector<std::string> out;
  for (const NtpSource& s : v) out.push_back(s.host);
  return out;
}

TEST(Include, LiteralPath) {
  MemoryFileSource fs;
  fs.add_file("/etc/extra.conf", "\nserver b.example\n");
  const Parsed p = parse("server a.example\ninclude /etc/extra.conf\nserver c.example\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(hosts(p.config.sources),
            (std::vector<std::string>{"a.example", "b.example", "c.example"}));
  EXPECT_EQ(p.config.sources[1].where.file, "/etc/extra.conf");
  EXPECT_EQ(p.config.sources[1].where.line, 2);
}

TEST(Include, MissingLiteralPathIsAnError) {
  const Parsed p = parse("\ninclude /etc/missing.conf\n");
  EXPECT_EQ(p.kind, ErrorKind::kReadFailed);
  EXPECT_EQ(p.error, "t.conf:2: cannot read '/etc/missing.conf': no such file or directory");
  MemoryFileSource fs;
  fs.add_dir("/etc/d.conf");
  EXPECT_EQ(parse("include /etc/d.conf", fs).error,
            "t.conf:1: cannot read '/etc/d.conf': not a regular file");
}

TEST(Include, GlobInSortedOrder) {
  MemoryFileSource fs;
  fs.add_file("/etc/d/b.conf", "server b.example\n");
  fs.add_file("/etc/d/a.conf", "server a.example\n");
  fs.add_file("/etc/d/c.txt", "server c.example\n");
  fs.add_file("/etc/d/.hidden.conf", "server h.example\n");
  const Parsed p = parse("include /etc/d/*.conf\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(hosts(p.config.sources), (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_TRUE(p.warnings.empty());
}

TEST(Include, GlobWithoutMatchWarnsButPatternInMissingDirFails) {
  MemoryFileSource fs;
  fs.add_dir("/etc/empty.d");
  const Parsed p = parse("include /etc/empty.d/*.conf\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "t.conf:1: include '/etc/empty.d/*.conf' matched no file");
  const Parsed missing = parse("include /etc/nothere.d/*.conf\n", fs);
  EXPECT_EQ(missing.kind, ErrorKind::kIncludeFailed);
  EXPECT_EQ(missing.error, "t.conf:1: include '/etc/nothere.d/*.conf': no such file or directory");
}

TEST(Include, ArgumentCount) {
  EXPECT_EQ(testing::error_of("include"), "t.conf:1: missing argument for 'include'");
  EXPECT_EQ(testing::error_of("include /a /b"), "t.conf:1: too many arguments for 'include'");
}

TEST(Include, ErrorsInIncludedFilesNameThatFile) {
  MemoryFileSource fs;
  fs.add_file("/etc/bad.conf", "rtcsync\nminsources x\n");
  EXPECT_EQ(parse("include /etc/bad.conf", fs).error, "/etc/bad.conf:2: invalid minsources 'x'");
}

TEST(Include, DepthIsBounded) {
  MemoryFileSource fs;
  // t.conf (depth 1) → /i/1.conf (2) → ... → /i/9.conf (10): allowed.
  for (int i = 1; i < 9; ++i)
    fs.add_file("/i/" + std::to_string(i) + ".conf",
                "include /i/" + std::to_string(i + 1) + ".conf\n");
  fs.add_file("/i/9.conf", "rtcsync\n");
  const Parsed ok = parse("include /i/1.conf\n", fs);
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_TRUE(ok.config.rtc_sync);
  // One more level fails.
  fs.add_file("/i/9.conf", "include /i/10.conf\n");
  fs.add_file("/i/10.conf", "rtcsync\n");
  const Parsed deep = parse("include /i/1.conf\n", fs);
  EXPECT_EQ(deep.kind, ErrorKind::kIncludeDepth);
  EXPECT_EQ(deep.error, "/i/9.conf:1: include depth exceeds 10 files at '/i/10.conf'");
}

TEST(Include, SelfInclusionHitsTheDepthLimit) {
  MemoryFileSource fs;
  fs.add_file("/etc/loop.conf", "include /etc/loop.conf\n");
  const auto r = parse_config_file("/etc/loop.conf", fs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kIncludeDepth);
}

TEST(ParseFile, MissingTopFile) {
  MemoryFileSource fs;
  const auto r = parse_config_file("/etc/tempus.conf", fs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string(),
            "/etc/tempus.conf: cannot read '/etc/tempus.conf': no such file or directory");
}

TEST(Confdir, LexicalOrderAndFirstDirectoryWins) {
  MemoryFileSource fs;
  fs.add_file("/etc/chrony.d/20-b.conf", "server etc-b.example\n");
  fs.add_file("/etc/chrony.d/10-a.conf", "server etc-a.example\n");
  fs.add_file("/usr/lib/chrony.d/10-a.conf", "server lib-a.example\n");  // shadowed
  fs.add_file("/usr/lib/chrony.d/15-c.conf", "server lib-c.example\n");
  fs.add_file("/usr/lib/chrony.d/notes.txt", "junk\n");
  fs.add_file("/usr/lib/chrony.d/sub/30.conf", "server sub.example\n");
  const Parsed p = parse("confdir /etc/chrony.d /usr/lib/chrony.d /nonexistent\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(hosts(p.config.sources),
            (std::vector<std::string>{"etc-a.example", "lib-c.example", "etc-b.example"}));
  // Reversed directory order: the /usr/lib fragment now wins.
  const Parsed r = parse("confdir /usr/lib/chrony.d /etc/chrony.d\n", fs);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(hosts(r.config.sources),
            (std::vector<std::string>{"lib-a.example", "lib-c.example", "etc-b.example"}));
  EXPECT_EQ(r.config.sources[0].where.file, "/usr/lib/chrony.d/10-a.conf");
}

TEST(Confdir, Errors) {
  EXPECT_EQ(testing::error_of("confdir"), "t.conf:1: missing argument for 'confdir'");
  EXPECT_EQ(testing::error_of("confdir /1 /2 /3 /4 /5 /6 /7 /8 /9 /10 /11"),
            "t.conf:1: too many directories for 'confdir' (max 10)");
  const Parsed ten = parse("confdir /1 /2 /3 /4 /5 /6 /7 /8 /9 /10");
  EXPECT_TRUE(ten.ok) << ten.error;
  MemoryFileSource fs;
  fs.add_file("/d/a.conf", "bogus\n");
  EXPECT_EQ(parse("confdir /d", fs).error, "/d/a.conf:1: unknown directive 'bogus'");
}

TEST(Sourcedir, ReadsSourcesFilesAndKeepsTheDirectory) {
  MemoryFileSource fs;
  fs.add_file("/run/chrony-dhcp/eth1.sources", "server 192.0.2.2 iburst\n");
  fs.add_file("/run/chrony-dhcp/eth0.sources", "server 192.0.2.1 iburst\n\n# c\npool p.example\n");
  fs.add_file("/etc/chrony/sources.d/eth0.sources", "server shadowed.example\n");
  const Parsed p =
      parse("sourcedir /run/chrony-dhcp /etc/chrony/sources.d\nserver a.example\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.warnings.empty());
  ASSERT_EQ(p.config.source_dirs.size(), 1u);
  EXPECT_EQ(p.config.source_dirs[0],
            (std::vector<std::string>{"/run/chrony-dhcp", "/etc/chrony/sources.d"}));
  EXPECT_EQ(hosts(p.config.sources), (std::vector<std::string>{"a.example"}));
  EXPECT_EQ(hosts(p.config.sourcedir_sources),
            (std::vector<std::string>{"192.0.2.1", "p.example", "192.0.2.2"}));
  EXPECT_EQ(p.config.sourcedir_sources[1].where.file, "/run/chrony-dhcp/eth0.sources");
  EXPECT_EQ(p.config.sourcedir_sources[1].where.line, 4);
  EXPECT_EQ(p.config.sourcedir_sources[1].kind, SourceKind::kPool);
}

TEST(Sourcedir, MissingDirectoryIsNotAnError) {
  const Parsed p = parse("sourcedir /run/chrony-dhcp\n");
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.warnings.empty());
  EXPECT_EQ(p.config.source_dirs.size(), 1u);
  EXPECT_TRUE(p.config.sourcedir_sources.empty());
}

TEST(Sourcedir, OnlySourceLinesAreAllowedAndBadLinesAreSkipped) {
  MemoryFileSource fs;
  fs.add_file("/s/a.sources",
              "allow 10/8\n"
              "server good.example\n"
              "server bad.example minpoll x\n"
              "include /etc/other.conf\n"
              "peer 192.0.2.1 iburst\n"
              "server last.example");
  const Parsed p = parse("sourcedir /s\n", fs);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(hosts(p.config.sourcedir_sources),
            (std::vector<std::string>{"good.example", "192.0.2.1"}));
  EXPECT_TRUE(p.config.ntp_access.empty());
  ASSERT_EQ(p.warnings.size(), 5u);
  EXPECT_EQ(p.warnings[0],
            "/s/a.sources:1: 'allow' is not allowed in a sources file; line ignored");
  EXPECT_EQ(p.warnings[1], "/s/a.sources:3: invalid minpoll 'x'; line ignored");
  EXPECT_EQ(p.warnings[2],
            "/s/a.sources:4: 'include' is not allowed in a sources file; line ignored");
  EXPECT_EQ(p.warnings[3], "/s/a.sources:5: 'iburst' is not valid for peer; ignored");
  EXPECT_EQ(p.warnings[4], "/s/a.sources:6: line not terminated by a newline; ignored");
}

TEST(Sourcedir, Errors) {
  EXPECT_EQ(testing::error_of("sourcedir"), "t.conf:1: missing argument for 'sourcedir'");
  EXPECT_EQ(testing::error_of("sourcedir /1 /2 /3 /4 /5 /6 /7 /8 /9 /10 /11"),
            "t.conf:1: too many directories for 'sourcedir' (max 10)");
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tempus-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(path_ + "/" + rel).parent_path());
    std::ofstream(path_ + "/" + rel, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

TEST(FsFileSource, ReadGlobAndListOnTheRealFileSystem) {
  TempDir t;
  ASSERT_FALSE(t.path().empty());
  t.write("main.conf", "include " + t.path() + "/inc/*.conf\nconfdir " + t.path() + "/d1 " +
                           t.path() + "/d2\nsourcedir " + t.path() + "/s\n");
  t.write("inc/b.conf", "server b.example\n");
  t.write("inc/a.conf", "server a.example\n");
  t.write("d1/x.conf", "server d1x.example\n");
  t.write("d2/x.conf", "server d2x.example\n");
  t.write("d2/y.conf", "server d2y.example\n");
  t.write("d2/.z.conf", "server hidden.example\n");
  t.write("s/eth0.sources", "server 192.0.2.1\n");
  std::filesystem::create_directories(t.path() + "/d2/dir.conf");
  FsFileSource fs;
  const auto r = parse_config_file(t.path() + "/main.conf", fs);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(hosts(r->config.sources),
            (std::vector<std::string>{"a.example", "b.example", "d1x.example", "d2y.example"}));
  EXPECT_EQ(hosts(r->config.sourcedir_sources), (std::vector<std::string>{"192.0.2.1"}));

  EXPECT_EQ(fs.read(t.path() + "/nope").error(), FsError::kNotFound);
  EXPECT_EQ(fs.read(t.path() + "/d1").error(), FsError::kNotRegularFile);
  EXPECT_TRUE(fs.glob(t.path() + "/inc/*.none").value().empty());
  EXPECT_FALSE(fs.glob(t.path() + "/missing/*.conf").ok());
  EXPECT_TRUE(fs.list_dir(t.path() + "/missing", ".conf").empty());
  auto names = fs.list_dir(t.path() + "/d2", ".conf");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"x.conf", "y.conf"}));
}

TEST(MemoryFileSource, Basics) {
  MemoryFileSource fs;
  fs.add_file("/a/b/c.conf", "x");
  EXPECT_EQ(fs.read("/a/b/c.conf").value(), "x");
  EXPECT_EQ(fs.read("/a/b").error(), FsError::kNotRegularFile);
  EXPECT_EQ(fs.read("/a/b/d").error(), FsError::kNotFound);
  EXPECT_EQ(fs.glob("/a/*/c.conf").value(), (std::vector<std::string>{"/a/b/c.conf"}));
  EXPECT_EQ(fs.glob("/z/*.conf").error(), FsError::kNotFound);
  EXPECT_EQ(fs.list_dir("/a/b/", ".conf"), (std::vector<std::string>{"c.conf"}));
  EXPECT_TRUE(fs.list_dir("/a", ".conf").empty());
  EXPECT_STREQ(to_string(FsError::kTooLarge), "file too large");
}

}  // namespace
}  // namespace tempus::config
