// SPDX-License-Identifier: ISC
#include "proc/cmdmon_server.h"

#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "proc/access_names.h"
#include "sys/kernel_random.h"
#include "sys/log.h"
#include "sys/privdrop.h"
#include "sys/state_files.h"
#include "sys/udp.h"
#include "tempus_build.h"

namespace tempus::proc {

namespace {

std::string dirname_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// mkdir -p of everything above `path` (mode 0755, as root makes /run's subdirectories).
bool make_parents(const std::string& path) {
  for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
    const std::string part = path.substr(0, at);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

}  // namespace

std::string cmdmon_path(const config::Config& cfg, const Options& opts) {
  return opts.one_shot == OneShot::kQueryOnce ? std::string() : cfg.bind_cmd_path;
}

std::optional<CmdmonDir> cmdmon_dir(const std::string& socket_path, const std::string& chroot) {
  if (socket_path.size() < 2 || socket_path[0] != '/' || socket_path.back() == '/')
    return std::nullopt;
  CmdmonDir d;
  d.dir = dirname_of(socket_path);
  if (d.dir == "/") return std::nullopt;  // its mode and owner are not ours to set
  std::string root = chroot;
  while (!root.empty() && root.back() == '/') root.pop_back();
  d.real_dir = root.empty() || d.dir == "/" ? d.dir : root + d.dir;
  return d;
}

core::Result<CmdmonPlan, std::string> plan_cmdmon(const std::string& socket_path,
                                                  const Options& opts) {
  CmdmonPlan plan;
  std::string chroot;
  if (sys::can_drop_privileges()) {
    const std::string name = opts.user.value_or(TEMPUS_DEFAULT_USER);
    auto ids = sys::lookup_user(name);
    if (!ids) return core::Unexpected{"user " + name + ": " + ids.error()};
    plan.gid = ids->gid;
    chroot = ids->home;
  }
  auto d = cmdmon_dir(socket_path, chroot);
  if (!d) return core::Unexpected{"not an absolute path: " + socket_path};
  plan.dir = *d;
  return plan;
}

core::Result<ipc::UniqueFd, std::string> prepare_cmdmon_dir(const CmdmonDir& d, gid_t gid) {
  const std::string& real = d.real_dir;
  if (!make_parents(real)) return core::Unexpected{errno_text("cannot create above " + real)};
  // PARENT:GROUP 0770, PARENT the parent's uid (root, or its own user): the parent, without
  // CAP_DAC_OVERRIDE by then, removes the socket at exit; the net process reaches chronyc's
  // sockets through the group. The group comes from creating the directory under that
  // file-system gid (CAP_SETGID, which the parent holds for its children anyway), so the unit
  // needs no CAP_CHOWN. A directory that was there already is used only when it is like that
  // (chronyd checks its directory too).
  const bool privsep = sys::can_drop_privileges();
  const gid_t own_gid = getegid();
  if (privsep) setfsgid(gid);
  const bool created = mkdir(real.c_str(), 0770) == 0;
  const int mkdir_errno = errno;
  if (privsep) setfsgid(own_gid);
  if (!created && mkdir_errno != EEXIST)
    return core::Unexpected{"cannot create " + real + ": " + std::strerror(mkdir_errno)};
  struct stat st {};
  if (lstat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return core::Unexpected{real + " is not a directory"};
  if (created && privsep && st.st_gid != gid)
    return core::Unexpected{"cannot give " + real + " the group " + std::to_string(gid) +
                            " (CAP_SETGID missing?)"};
  if (created && chmod(real.c_str(), 0770) != 0)
    return core::Unexpected{errno_text("cannot set the mode of " + real)};
  if (!created &&
      ((st.st_mode & 07) != 0 || st.st_uid != geteuid() || (privsep && st.st_gid != gid)))
    return core::Unexpected{real + " has the wrong owner or mode (wanted: the daemon's user and "
                                   "the net user's group, no access for others)"};
  if (d.dir != real) {
    bool link_ok = false;
    if (lstat(d.dir.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) {
        std::array<char, 4096> target{};
        const ssize_t n = readlink(d.dir.c_str(), target.data(), target.size() - 1);
        link_ok = n > 0 && std::string(target.data(), static_cast<size_t>(n)) == real;
        if (!link_ok)
          return core::Unexpected{d.dir + " is a link that does not lead to " + real};
      } else if (!S_ISDIR(st.st_mode) || rmdir(d.dir.c_str()) != 0) {
        // A directory with files in it (another daemon's) is not ours to take.
        return core::Unexpected{d.dir + " exists and is not an empty directory (it must become "
                                "a link to " + real + ", inside the net process's chroot)"};
      }
    }
    if (!link_ok && (!make_parents(d.dir) || symlink(real.c_str(), d.dir.c_str()) != 0))
      return core::Unexpected{errno_text("cannot link " + d.dir + " to " + real)};
  }
  auto fd = sys::open_dir(real);
  if (!fd) return core::Unexpected{"cannot open " + real + ": " + sys::to_string(fd.error())};
  return std::move(*fd);
}

bool cmdmon_dir_ready(const CmdmonDir& d) {
  struct stat st {};
  if (d.dir == d.real_dir) return lstat(d.dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  std::array<char, 4096> target{};
  const ssize_t n = readlink(d.dir.c_str(), target.data(), target.size() - 1);
  return n > 0 && std::string(target.data(), static_cast<size_t>(n)) == d.real_dir;
}

core::Result<ipc::UniqueFd, std::string> CmdmonServer::open(const std::string& path) {
  auto fd = sys::bind_unix_socket(path, SOCK_DGRAM, 0666);
  if (!fd) {
    if (fd.error().code == ENAMETOOLONG) return core::Unexpected{"path too long: " + path};
    if (fd.error().code == EEXIST) return core::Unexpected{path + " exists and is not a socket"};
    return core::Unexpected{"bind " + path + ": " + sys::to_string(fd.error())};
  }
  return std::move(*fd);
}

CmdmonUdpPolicy cmdmon_udp_policy(const config::Config& cfg) {
  CmdmonUdpPolicy p;
  p.access = AccessNames(cfg.cmd_access).table();
  const config::RateLimit& r = cfg.cmd_rate_limit;
  p.log.rate_limit = core::RateLimitConfig{.interval_log2 = r.interval_log2, .burst = r.burst,
                                           .leak = r.leak, .kod = 0};
  p.log.max_clients = 256;
  return p;
}

std::vector<ipc::UniqueFd> CmdmonServer::open_udp(const config::Config& cfg,
                                                  const Options& opts) {
  std::vector<ipc::UniqueFd> out;
  if (cfg.cmd_port == 0 || opts.one_shot == OneShot::kQueryOnce) return out;
  std::vector<sys::Endpoint> ends;
  if (opts.family != AddressFamily::kIpv6) ends.push_back({cfg.bind_cmd_address4, cfg.cmd_port});
  if (opts.family != AddressFamily::kIpv4) ends.push_back({cfg.bind_cmd_address6, cfg.cmd_port});
  for (const auto& e : ends) {
    auto fd = sys::open_server_socket(e);
    if (fd) (void)sys::set_server_tx_timestamps(fd->get(), false);
    if (!fd) {
      sys::logf(sys::Severity::kError, "Could not open command socket on %s port %u: %s",
                e.address.to_string().c_str(), e.port, sys::to_string(fd.error()).c_str());
      continue;
    }
    out.push_back(std::move(*fd));
  }
  return out;
}

struct CmdmonServer::Listener {
  ipc::UniqueFd fd;
  sys::Event ev;  // last: freed first
};

CmdmonServer::CmdmonServer(event_base* base, ipc::UniqueFd unix_fd,
                           std::vector<ipc::UniqueFd> udp_fds, CmdmonReporter reporter,
                           CmdmonUdpPolicy policy)
    : reporter_(reporter),
      policy_(std::move(policy)),
      log_(policy_.log, sys::kernel_random().next_u64()) {
  auto listen = [&](ipc::UniqueFd fd, bool udp) {
    auto l = std::make_unique<Listener>();
    l->fd = std::move(fd);
    const int raw = l->fd.get();
    l->ev = sys::Event(base, raw, EV_READ | EV_PERSIST, [this, raw, udp](short) {
      if (udp) on_udp(raw);
      else on_unix(raw);
    });
    l->ev.add();
    listeners_.push_back(std::move(l));
  };
  if (unix_fd) listen(std::move(unix_fd), false);
  for (auto& fd : udp_fds) listen(std::move(fd), true);
}

CmdmonServer::~CmdmonServer() = default;

std::optional<std::vector<std::byte>> CmdmonServer::reply(std::span<const std::byte> datagram,
                                                          bool privileged) {
  namespace cm = core::cmdmon;
  const auto d = cm::decode_request(datagram);
  if (d.kind == cm::Decoded::Kind::kDrop) {
    ++counters_.dropped;
    sys::logf(sys::Severity::kDebug, "cmdmon: dropped a %zu-octet datagram", datagram.size());
    return std::nullopt;
  }
  const cm::Reply r = d.kind == cm::Decoded::Kind::kError
                          ? cm::status_reply(d.request, d.status)
                          : reporter_.answer(d.request, privileged, counters_);
  auto out = cm::encode_reply(r);
  if (out.size() > datagram.size()) {  // never answer with more than was asked (chronyd's rule)
    ++counters_.dropped;
    return std::nullopt;
  }
  return out;
}

void CmdmonServer::on_unix(int fd) {
  // One octet more than the longest request shows an oversized datagram.
  std::array<std::byte, core::cmdmon::kMaxRequestLen + 1> buf;
  for (int i = 0; i < kBatch; ++i) {
    sockaddr_un from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(fd, buf.data(), buf.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;  // EAGAIN: done; anything else: wait for the next readiness
    ++counters_.received;
    const size_t len = static_cast<size_t>(n);
    // chronyc binds its socket to a path; an unbound or abstract sender cannot be answered.
    const bool has_path = from_len > offsetof(sockaddr_un, sun_path) + 1 && from.sun_path[0] != 0;
    if (!has_path) {
      ++counters_.dropped;
      continue;
    }
    const auto out = reply(std::span(buf.data(), len), /*privileged=*/true);
    if (!out) continue;
    if (sendto(fd, out->data(), out->size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&from), from_len) < 0)
      sys::logf(sys::Severity::kDebug, "cmdmon: reply to %.*s: %s",
                static_cast<int>(sizeof from.sun_path), from.sun_path, std::strerror(errno));
  }
}

bool CmdmonServer::allows(const core::IpAddress& ip) const {
  const core::IpAddress a = ip.unmapped_v4().value_or(ip);
  return a == core::IpAddress::loopback(a.family()) || policy_.access.allowed(a);
}

void CmdmonServer::on_udp(int fd) {
  std::array<std::byte, core::cmdmon::kMaxRequestLen + 1> buf;
  for (int i = 0; i < kBatch; ++i) {
    auto r = sys::receive(fd, buf);
    if (!r) return;
    core::IpAddress from = r->from.address;
    if (auto v4 = from.unmapped_v4()) from = *v4;
    // chronyd: 127.0.0.1 and ::1 always; anyone else only when cmdallow'ed, and rate limited.
    const bool localhost = from == core::IpAddress::loopback(from.family());
    if (!allows(from)) {
      sys::logf(sys::Severity::kDebug, "cmdmon: unauthorised host %s",
                from.to_string().c_str());
      continue;
    }
    ++counters_.received;
    if (r->size == 0) {  // truncated: longer than any request
      ++counters_.dropped;
      continue;
    }
    if (!localhost &&
        log_.on_request(from, sys::realtime_now()).decision != core::RateDecision::kAnswer) {
      ++counters_.dropped;
      continue;
    }
    const auto out = reply(std::span(buf.data(), r->size), /*privileged=*/false);
    if (!out) continue;
    if (auto st = sys::send_to(fd, *out, r->from); !st)
      sys::logf(sys::Severity::kDebug, "cmdmon: reply to %s: %s", from.to_string().c_str(),
                sys::to_string(st.error()).c_str());
  }
}

}  // namespace tempus::proc
