// SPDX-License-Identifier: ISC
#include "sys/procstatus.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "ipc/unique_fd.h"

namespace tempus::sys {

namespace {

using core::Unexpected;

// linux/capability.h, bit order.
constexpr std::string_view kCapNames[] = {
    "cap_chown",
    "cap_dac_override",
    "cap_dac_read_search",
    "cap_fowner",
    "cap_fsetid",
    "cap_kill",
    "cap_setgid",
    "cap_setuid",
    "cap_setpcap",
    "cap_linux_immutable",
    "cap_net_bind_service",
    "cap_net_broadcast",
    "cap_net_admin",
    "cap_net_raw",
    "cap_ipc_lock",
    "cap_ipc_owner",
    "cap_sys_module",
    "cap_sys_rawio",
    "cap_sys_chroot",
    "cap_sys_ptrace",
    "cap_sys_pacct",
    "cap_sys_admin",
    "cap_sys_boot",
    "cap_sys_nice",
    "cap_sys_resource",
    "cap_sys_time",
    "cap_sys_tty_config",
    "cap_mknod",
    "cap_lease",
    "cap_audit_write",
    "cap_audit_control",
    "cap_setfcap",
    "cap_mac_override",
    "cap_mac_admin",
    "cap_syslog",
    "cap_wake_alarm",
    "cap_block_suspend",
    "cap_audit_read",
    "cap_perfmon",
    "cap_bpf",
    "cap_checkpoint_restore",
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <class T>
std::optional<T> parse_number(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "a<TAB>b<TAB>c<TAB>d" → four u32.
std::optional<std::array<uint32_t, 4>> parse_ids(std::string_view s) {
  std::array<uint32_t, 4> out{};
  for (size_t i = 0; i < 4; ++i) {
    s = trim(s);
    const size_t end = s.find_first_of(" \t");
    const auto v = parse_number<uint32_t>(s.substr(0, end), 10);
    if (!v) return std::nullopt;
    out[i] = *v;
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  }
  if (!trim(s).empty()) return std::nullopt;
  return out;
}

std::string errno_text(const char* what, const std::string& path, int err) {
  return std::string(what) + " " + path + ": " + std::strerror(err) + " (errno " +
         std::to_string(err) + ")";
}

}  // namespace

core::Result<ProcessStatus, std::string> parse_process_status(std::string_view text) {
  ProcessStatus st;
  enum Field : unsigned {
    kUid = 1,
    kGid = 2,
    kInh = 4,
    kPrm = 8,
    kEff = 16,
    kBnd = 32,
    kNnp = 64,
    kSeccomp = 128,
    kAmb = 256,
    kName = 512,
  };
  constexpr unsigned kRequired = kUid | kGid | kInh | kPrm | kEff | kBnd | kNnp | kSeccomp;
  unsigned seen = 0;

  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view val = trim(line.substr(colon + 1));

    struct Hex {
      std::string_view key;
      Field field;
      uint64_t* dst;
    };
    const Hex hex[] = {{"CapInh", kInh, &st.cap_inh},
                       {"CapPrm", kPrm, &st.cap_prm},
                       {"CapEff", kEff, &st.cap_eff},
                       {"CapBnd", kBnd, &st.cap_bnd},
                       {"CapAmb", kAmb, &st.cap_amb}};
    unsigned field = 0;
    bool ok = true;
    const char* what = "";
    if (key == "Name") {
      field = kName;
      st.name = std::string(val);
    } else if (key == "Uid" || key == "Gid") {
      field = key == "Uid" ? kUid : kGid;
      what = "not four decimal ids";
      const auto ids = parse_ids(val);
      ok = ids.has_value();
      if (ok) (key == "Uid" ? st.uid : st.gid) = *ids;
    } else if (key == "NoNewPrivs" || key == "Seccomp") {
      field = key == "Seccomp" ? kSeccomp : kNnp;
      const auto v = parse_number<int>(val, 10);
      if (field == kSeccomp) {
        what = "not 0, 1 or 2";
        ok = v && *v >= 0 && *v <= 2;
        if (ok) st.seccomp = *v;
      } else {
        what = "not 0 or 1";
        ok = v && (*v == 0 || *v == 1);
        if (ok) st.no_new_privs = *v == 1;
      }
    } else {
      for (const Hex& h : hex) {
        if (key != h.key) continue;
        field = h.field;
        what = "not a 64-bit hex number";
        const auto v = val.size() <= 16 ? parse_number<uint64_t>(val, 16) : std::nullopt;
        ok = v.has_value();
        if (ok) *h.dst = *v;
      }
    }
    if (field == 0) continue;
    if (seen & field) return Unexpected{std::string(key) + ": repeated"};
    if (!ok) return Unexpected{std::string(key) + ": " + what};
    seen |= field;
  }
  if ((seen & kRequired) != kRequired) {
    constexpr std::pair<unsigned, const char*> names[] = {
        {kUid, "Uid"},    {kGid, "Gid"},    {kInh, "CapInh"},     {kPrm, "CapPrm"},
        {kEff, "CapEff"}, {kBnd, "CapBnd"}, {kNnp, "NoNewPrivs"}, {kSeccomp, "Seccomp"}};
    for (const auto& [bit, name] : names)
      if (!(seen & bit)) return Unexpected{std::string(name) + ": missing"};
  }
  return st;
}

std::string cap_names(uint64_t caps) {
  if (caps == 0) return "none";
  std::string out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(caps & (uint64_t{1} << bit))) continue;
    if (!out.empty()) out += ',';
    if (bit < std::size(kCapNames))
      out += kCapNames[bit];
    else
      out += "cap_" + std::to_string(bit);
  }
  return out;
}

core::Result<ProcessInfo, std::string> read_process_status(pid_t pid) {
  ProcessInfo info;
  info.pid = pid;
  const std::string dir = "/proc/" + std::to_string(pid);
  const std::string status_path = dir + "/status";

  ipc::UniqueFd fd(::open(status_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Unexpected{errno_text("open", status_path, errno)};
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected{errno_text("read", status_path, errno)};
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > 1 << 20) return Unexpected{status_path + ": larger than 1 MiB"};
  }
  auto st = parse_process_status(text);
  if (!st) return Unexpected{status_path + ": " + st.error()};
  info.status = std::move(*st);

  const std::string root_path = dir + "/root";
  char target[4096];
  const ssize_t n = ::readlink(root_path.c_str(), target, sizeof target);
  if (n < 0)
    info.root_errno = errno;
  else if (static_cast<size_t>(n) == sizeof target)
    info.root_errno = ENAMETOOLONG;
  else
    info.root.assign(target, static_cast<size_t>(n));
  return info;
}

}  // namespace tempus::sys
