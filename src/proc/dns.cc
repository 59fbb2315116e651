// SPDX-License-Identifier: ISC
#include "proc/dns.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "config/fs_source.h"
#include "ipc/any_message.h"
#include "proc/child.h"
#include "sys/log.h"

namespace tempus::proc {

namespace {

ipc::ResolveReply resolve(const ipc::ResolveRequest& req) {
  ipc::ResolveReply reply;
  reply.query_id = req.query_id;
  addrinfo hints{};
  hints.ai_family = req.family == ipc::QueryFamily::kInet    ? AF_INET
                    : req.family == ipc::QueryFamily::kInet6 ? AF_INET6
                                                             : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(req.name.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    reply.status = (rc == EAI_AGAIN || rc == EAI_SYSTEM || rc == EAI_MEMORY)
                       ? ipc::ResolveStatus::kTempFailure
                       : ipc::ResolveStatus::kNotFound;
    sys::logf(sys::Severity::kDebug, "lookup of %s failed: %s", req.name.c_str(), gai_strerror(rc));
    return reply;
  }
  for (const addrinfo* ai = res; ai && reply.addresses.size() < ipc::ResolveReply::kMaxAddresses;
       ai = ai->ai_next) {
    ipc::IpAddress a;
    if (ai->ai_family == AF_INET) {
      a.family = ipc::AddrFamily::kInet;
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      a.family = ipc::AddrFamily::kInet6;
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(reply.addresses.begin(), reply.addresses.end(), a) == reply.addresses.end())
      reply.addresses.push_back(a);
  }
  freeaddrinfo(res);
  reply.status = reply.addresses.empty() ? ipc::ResolveStatus::kNotFound : ipc::ResolveStatus::kOk;
  return reply;
}

// chronyc's `reload sources`: the *.sources files of net's sourcedir directories (FsFileSource
// lists them as the parser does), then the end marker.
std::vector<ipc::SourcesFile> read_sources(const ipc::SourcesRequest& req) {
  config::FsFileSource fs;
  std::vector<ipc::SourcesFile> out;
  for (std::string dir : req.dirs) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    for (const std::string& name : fs.list_dir(dir, ".sources")) {
      const std::string path = (dir == "/" ? "" : dir) + "/" + name;
      auto text = fs.read(path);
      if (!text) continue;  // gone since the listing: as if it was never there
      if (out.size() >= ipc::SourcesFile::kMaxFiles || text->size() > ipc::SourcesFile::kMaxContent ||
          path.size() > ipc::kMaxSourcesPath) {
        sys::logf(sys::Severity::kWarning, "reload sources: %s left out (more than %zu files or "
                  "%zu octets)", path.c_str(), ipc::SourcesFile::kMaxFiles,
                  ipc::SourcesFile::kMaxContent);
        continue;
      }
      out.push_back(ipc::SourcesFile{req.request_id, false, path, std::move(*text)});
    }
  }
  out.push_back(ipc::SourcesFile{req.request_id, true, "", ""});
  return out;
}

}  // namespace

int run_dns(const Options& opts) {
  auto base = sys::make_event_base();
  if (!base) sys::fatal("cannot create event base");
  int exit_code = 0;
  const uint32_t self = static_cast<uint32_t>(getpid());

  // As in net: a stop before the loop runs must not be forgotten by event_base_dispatch().
  bool stopped = false;
  auto stop = [&](int code) {
    exit_code = code;
    stopped = true;
    event_base_loopbreak(base.get());
  };

  std::unique_ptr<LinkedChannel> net;
  LinkedChannel parent(
      base.get(), ipc::UniqueFd(kParentFd),
      {.self = ipc::Role::kDns, .peer = ipc::Role::kParent,
       .peer_pid = static_cast<uint32_t>(getppid())},
      [&](ipc::ReceivedFrame& rf) {
        if (rf.frame.header.type == ipc::MsgType::kShutdown) stop(0);
      },
      [&](const ipc::ChannelError& e) {
        sys::logf(sys::Severity::kError, "parent channel: %s", ipc::to_string(e).c_str());
        stop(1);
      });
  relay_logs(parent, opts);
  parent.send(ipc::Hello{.role = ipc::Role::kDns, .pid = self});

  net = std::make_unique<LinkedChannel>(
      base.get(), ipc::UniqueFd(kPeerFd),
      ipc::ChannelOptions{.self = ipc::Role::kDns, .peer = ipc::Role::kNet},
      [&](ipc::ReceivedFrame& rf) {
        auto m = ipc::decode_any(rf.frame);
        if (m && rf.frame.header.type == ipc::MsgType::kSourcesRequest) {
          for (const auto& f : read_sources(std::get<ipc::SourcesRequest>(*m))) net->send(f);
          return;
        }
        if (!m || rf.frame.header.type != ipc::MsgType::kResolveRequest) {
          sys::logf(sys::Severity::kError, "invalid frame from net");
          stop(1);
          return;
        }
        net->send(resolve(std::get<ipc::ResolveRequest>(*m)), rf.frame.header.peer_id);
      },
      [&](const ipc::ChannelError& e) {
        // net going away is the parent's business (it stops everything); bad frames are ours.
        if (e.code == ipc::IpcError::kPeerClosed) return;
        sys::logf(sys::Severity::kError, "net channel: %s", ipc::to_string(e).c_str());
        stop(1);
      });

  enter_sandbox(ipc::Role::kDns, opts, /*chroot=*/false);
  net->send(ipc::Hello{.role = ipc::Role::kDns, .pid = self});
  parent.send(ipc::Ready{.role = ipc::Role::kDns, .pid = self});
  if (test_hook() == "dns-syscall") forbidden_syscall();
  if (test_hook() == "dns-clock-verb") {
    // A compromised dns asking for a step (1 s), a verb only net may send.
    const std::byte one_s[8] = {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
                                std::byte{0x3b}, std::byte{0x9a}, std::byte{0xca}, std::byte{0}};
    if (auto f = ipc::encode_frame(ipc::MsgType::kStepClock, 0, self, one_s))
      (void)ipc::send_frame(kParentFd, *f);
  }

  if (!stopped) event_base_dispatch(base.get());
  (void)parent.channel().flush();
  return exit_code;
}

}  // namespace tempus::proc
