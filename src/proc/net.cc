// SPDX-License-Identifier: ISC
#include "proc/net.h"

#include <time.h>
#include <unistd.h>

#include <memory>

#include "ipc/any_message.h"
#include "proc/child.h"
#include "proc/control.h"
#include "proc/net_state.h"
#include "sys/log.h"

namespace tempus::proc {

namespace {

core::Timestamp realtime_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return core::Timestamp::from_unix(ts.tv_sec, ts.tv_nsec);
}

ipc::QueryFamily query_family(const Options& opts, config::AddressFamily f) {
  if (f == config::AddressFamily::kIpv4 || opts.family == AddressFamily::kIpv4)
    return ipc::QueryFamily::kInet;
  if (f == config::AddressFamily::kIpv6 || opts.family == AddressFamily::kIpv6)
    return ipc::QueryFamily::kInet6;
  return ipc::QueryFamily::kAny;
}

// Test builds: make the parent see a malformed frame or an out-of-range clock verb.
void run_parent_hooks(const std::string& hook, LinkedChannel& parent) {
  if (hook == "net-bad-frame") {
    // A SlewOffset header with a 7-byte payload: decoders demand exactly 8.
    std::vector<std::byte> f(16 + 7);
    const uint32_t words[4] = {16, static_cast<uint32_t>(f.size()), 0,
                               static_cast<uint32_t>(getpid())};
    for (size_t i = 0; i < 16; ++i) f[i] = std::byte((words[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
    (void)ipc::send_frame(kParentFd, f);
  } else if (hook == "net-big-step") {
    parent.send(ipc::StepClock{.offset_ns = 9'000'000'000'000'000'000});  // 285 years
  }
}

}  // namespace

int run_net(const Options& opts, const config::Config& cfg) {
  auto base = sys::make_event_base();
  if (!base) sys::fatal("cannot create event base");
  int exit_code = 0;
  auto stop = [&](int code) {
    exit_code = code;
    event_base_loopbreak(base.get());
  };
  NetState state(cfg, opts.no_adjust, realtime_now());
  const auto self = static_cast<uint32_t>(getpid());
  const auto parent_pid = static_cast<uint32_t>(getppid());
  state.set_pids(parent_pid, self, 0);

  LinkedChannel parent(
      base.get(), ipc::UniqueFd(kParentFd),
      {.self = ipc::Role::kNet, .peer = ipc::Role::kParent, .peer_pid = parent_pid},
      [&](ipc::ReceivedFrame& rf) {
        switch (rf.frame.header.type) {
          case ipc::MsgType::kShutdown: stop(0); break;
          default: break;  // ClockResult / FileResult: nothing waits on them yet
        }
      },
      [&](const ipc::ChannelError& e) {
        sys::logf(sys::Severity::kError, "parent channel: %s", ipc::to_string(e).c_str());
        stop(1);
      });
  relay_logs(parent, opts);
  parent.send(ipc::Hello{.role = ipc::Role::kNet, .pid = self});

  uint32_t dns_pid = 0;
  std::unique_ptr<LinkedChannel> dns;
  dns = std::make_unique<LinkedChannel>(
      base.get(), ipc::UniqueFd(kPeerFd),
      ipc::ChannelOptions{.self = ipc::Role::kNet, .peer = ipc::Role::kDns},
      [&](ipc::ReceivedFrame& rf) {
        auto m = ipc::decode_any(rf.frame);
        const uint32_t pid = rf.frame.header.pid;
        if (!m || (dns_pid != 0 && pid != dns_pid)) {
          sys::logf(sys::Severity::kError, "invalid frame from dns");
          stop(1);
          return;
        }
        if (auto* hello = std::get_if<ipc::Hello>(&*m)) {
          if (dns_pid != 0 || hello->pid != pid) {
            sys::logf(sys::Severity::kError, "unexpected hello from dns");
            stop(1);
            return;
          }
          dns_pid = pid;
          state.set_dns_pid(pid);
        } else if (auto* reply = std::get_if<ipc::ResolveReply>(&*m)) {
          if (dns_pid == 0 || !state.apply_reply(reply->query_id, *reply)) {
            sys::logf(sys::Severity::kError, "unexpected resolve reply from dns");
            stop(1);
            return;
          }
          const auto& s = state.sources()[reply->query_id];
          sys::logf(sys::Severity::kInfo, "%s resolved to %zu address(es)", s.name.c_str(),
                    s.addresses.size());
        }
      },
      [&](const ipc::ChannelError& e) {
        // The parent sees the dns process go and shuts the daemon down; malformed input is fatal.
        sys::logf(sys::Severity::kWarning, "dns channel: %s", ipc::to_string(e).c_str());
        if (e.code != ipc::IpcError::kPeerClosed) stop(1);
      });

  auto listener = open_control_socket(opts.control_socket);
  if (!listener) sys::fatal("control socket: %s", listener.error().c_str());
  ControlServer control(base.get(), std::move(*listener), [&](const std::string& req) {
    return state.handle_request(req, realtime_now());
  });

  enter_sandbox(ipc::Role::kNet, opts, /*chroot=*/true);
  parent.send(ipc::Ready{.role = ipc::Role::kNet, .pid = self});
  if (auto hook = test_hook()) {
    if (*hook == "net-syscall") forbidden_syscall();
    run_parent_hooks(*hook, parent);
  }

  for (size_t i = 0; i < state.sources().size(); ++i) {
    const auto& s = state.sources()[i];
    if (s.resolve != SourceEntry::Resolve::kPending) continue;
    const auto& src = i < cfg.sources.size() ? cfg.sources[i]
                                             : cfg.sourcedir_sources[i - cfg.sources.size()];
    dns->send(ipc::ResolveRequest{.query_id = static_cast<uint32_t>(i),
                                  .family = query_family(opts, src.family),
                                  .name = s.name});
  }

  event_base_dispatch(base.get());
  (void)parent.channel().flush();
  return exit_code;
}

}  // namespace tempus::proc
