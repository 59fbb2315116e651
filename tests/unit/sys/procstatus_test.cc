// SPDX-License-Identifier: ISC
#include "sys/procstatus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace tempus::sys {
namespace {

// A net child as design.md §2 wants it, in the kernel's own layout (6.x, trimmed).
constexpr std::string_view kNetChild =
    "Name:\ttempusd\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Tgid:\t4242\n"
    "Pid:\t4242\n"
    "PPid:\t4240\n"
    "Uid:\t995\t995\t995\t995\n"
    "Gid:\t993\t993\t993\t993\n"
    "FDSize:\t64\n"
    "Groups:\t993 \n"
    "VmRSS:\t    5120 kB\n"
    "CapInh:\t0000000000000000\n"
    "CapPrm:\t0000000000000000\n"
    "CapEff:\t0000000000000000\n"
    "CapBnd:\t0000000000000000\n"
    "CapAmb:\t0000000000000000\n"
    "NoNewPrivs:\t1\n"
    "Seccomp:\t2\n"
    "Seccomp_filters:\t1\n"
    "Speculation_Store_Bypass:\tthread force mitigated\n"
    "Cpus_allowed_list:\t0-7\n"
    "voluntary_ctxt_switches:\t17\n";

TEST(ProcStatus, ParsesNetChild) {
  const auto st = parse_process_status(kNetChild);
  ASSERT_TRUE(st.ok()) << st.error();
  EXPECT_EQ(st->name, "tempusd");
  EXPECT_EQ(st->uid, (std::array<uint32_t, 4>{995, 995, 995, 995}));
  EXPECT_EQ(st->gid, (std::array<uint32_t, 4>{993, 993, 993, 993}));
  EXPECT_EQ(st->cap_eff, 0u);
  EXPECT_EQ(st->cap_prm, 0u);
  EXPECT_EQ(st->cap_bnd, 0u);
  EXPECT_EQ(st->seccomp, 2);
  EXPECT_TRUE(st->no_new_privs);
}

TEST(ProcStatus, ParsesParentWithSysTime) {
  std::string text(kNetChild);
  auto put = [&](std::string_view key, std::string_view val) {
    const size_t at = text.find(std::string(key) + ":\t");
    const size_t end = text.find('\n', at);
    text.replace(at, end - at, std::string(key) + ":\t" + std::string(val));
  };
  put("Uid", "0\t0\t0\t0");
  put("Gid", "0\t0\t0\t0");
  put("CapPrm", "0000000002000000");
  put("CapEff", "0000000002000000");
  put("CapBnd", "0000000002000000");
  put("Seccomp", "2");
  const auto st = parse_process_status(text);
  ASSERT_TRUE(st.ok()) << st.error();
  EXPECT_EQ(st->uid[1], 0u);
  EXPECT_EQ(st->cap_eff, uint64_t{1} << 25);
  EXPECT_EQ(cap_names(st->cap_eff), "cap_sys_time");
  EXPECT_EQ(cap_names(st->cap_bnd), "cap_sys_time");
}

TEST(ProcStatus, OptionalLinesMayBeMissing) {
  std::string text(kNetChild);
  text.erase(text.find("CapAmb:"), text.find("NoNewPrivs:") - text.find("CapAmb:"));
  text.erase(0, text.find('\n') + 1);  // no Name:
  const auto st = parse_process_status(text);
  ASSERT_TRUE(st.ok()) << st.error();
  EXPECT_EQ(st->cap_amb, 0u);
  EXPECT_EQ(st->name, "");
}

TEST(ProcStatus, RejectsMalformed) {
  struct Bad {
    std::string_view from, to, error;
  };
  const Bad cases[] = {
      {"CapEff:\t0000000000000000", "CapEff:\tzzzz", "CapEff: not a 64-bit hex number"},
      {"CapEff:\t0000000000000000", "CapEff:\t10000000000000000",
       "CapEff: not a 64-bit hex number"},
      {"CapEff:\t0000000000000000", "CapEff:\t", "CapEff: not a 64-bit hex number"},
      {"CapBnd:\t0000000000000000\n", "", "CapBnd: missing"},
      {"Uid:\t995\t995\t995\t995", "Uid:\t995\t995\t995", "Uid: not four decimal ids"},
      {"Uid:\t995\t995\t995\t995", "Uid:\t995\t995\t995\t995\t7", "Uid: not four decimal ids"},
      {"Gid:\t993\t993\t993\t993", "Gid:\t-1\t993\t993\t993", "Gid: not four decimal ids"},
      {"Seccomp:\t2", "Seccomp:\t3", "Seccomp: not 0, 1 or 2"},
      {"NoNewPrivs:\t1", "NoNewPrivs:\tyes", "NoNewPrivs: not 0 or 1"},
      {"NoNewPrivs:\t1\n", "", "NoNewPrivs: missing"},
      {"Seccomp:\t2\n", "Seccomp:\t2\nSeccomp:\t0\n", "Seccomp: repeated"},
  };
  for (const Bad& b : cases) {
    std::string text(kNetChild);
    const size_t at = text.find(b.from);
    ASSERT_NE(at, std::string::npos) << b.from;
    text.replace(at, b.from.size(), b.to);
    const auto st = parse_process_status(text);
    ASSERT_FALSE(st.ok()) << b.to;
    EXPECT_EQ(st.error(), b.error);
  }
  EXPECT_FALSE(parse_process_status("").ok());
  EXPECT_FALSE(parse_process_status("garbage without colons\n\n\n").ok());
}

TEST(ProcStatus, CapNames) {
  EXPECT_EQ(cap_names(0), "none");
  EXPECT_EQ(cap_names(1), "cap_chown");
  EXPECT_EQ(cap_names((uint64_t{1} << 10) | (uint64_t{1} << 25)),
            "cap_net_bind_service,cap_sys_time");
  EXPECT_EQ(cap_names(uint64_t{1} << 40), "cap_checkpoint_restore");
  EXPECT_EQ(cap_names(uint64_t{1} << 41), "cap_41");
}

TEST(ProcStatus, ReadsItself) {
  const auto info = read_process_status(getpid());
  ASSERT_TRUE(info.ok()) << info.error();
  EXPECT_EQ(info->pid, getpid());
  EXPECT_EQ(info->status.uid[0], getuid());
  EXPECT_EQ(info->status.uid[1], geteuid());
  EXPECT_EQ(info->status.gid[0], getgid());
  EXPECT_EQ(info->root_errno, 0);
  EXPECT_EQ(info->root, "/");
}

TEST(ProcStatus, ReadErrorNamesThePath) {
  const auto info = read_process_status(0x3ffffff0);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().rfind("open /proc/1073741808/status: ", 0), 0u) << info.error();
}

}  // namespace
}  // namespace tempus::sys
