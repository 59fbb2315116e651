// SPDX-License-Identifier: ISC
#include "proc/net.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include "ipc/any_message.h"
#include "core/drift.h"
#include "core/leapsec.h"
#include "crypto/refid.h"
#include "proc/access_names.h"
#include "proc/associations.h"
#include "proc/bounds.h"
#include "proc/child.h"
#include "proc/keys.h"
#include "proc/cmdmon_server.h"
#include "proc/control.h"
#include "proc/local_clock.h"
#include "proc/mode6_vars.h"
#include "proc/net_control.h"
#include "proc/net_hooks.h"
#include "proc/net_state.h"
#include "proc/ntp_server.h"
#include "proc/sources_reload.h"
#include "proc/stat_log_writer.h"
#include "proc/nts_ke_service.h"
#include "proc/nts_ke_source.h"
#include "sys/log.h"
#include "sys/state_files.h"
#include "sys/udp.h"

namespace tempus::proc {

namespace {

using sys::realtime_now;

// The drift file's frequency, read before the sandbox closes (the parent writes it later).
std::optional<core::InitialFrequency> read_drift(const std::string& path) {
  if (path.empty()) return std::nullopt;
  auto text = sys::read_small_file(path, 256);
  if (!text) return std::nullopt;  // no file yet: a first start
  auto d = core::parse_drift(*text);
  if (!d) {
    sys::logf(sys::Severity::kWarning, "ignoring unreadable drift file %s", path.c_str());
    return std::nullopt;
  }
  return core::InitialFrequency{
      .freq_ppm = static_cast<double>(core::correction_from_drift(*d)) / 65536.0,
      .skew_ppm = d->skew_ppm};
}

// The leap-second table from leapseclist (a leap-seconds.list file) or leapsectz (a tz zone
// with leap records, normally right/UTC), read before the sandbox closes. A bad or missing
// table is a warning: the sources' leap indicators are used instead.
std::optional<core::LeapTable> read_leap_table(const config::Config& cfg) {
  std::string path;
  bool tzif = false;
  if (!cfg.leap_sec_list.empty()) {
    path = cfg.leap_sec_list;
  } else if (!cfg.leap_sec_tz.empty()) {
    if (cfg.leap_sec_tz.find("..") != std::string::npos || cfg.leap_sec_tz[0] == '/') {
      sys::logf(sys::Severity::kWarning, "leapsectz %s: not a zone name", cfg.leap_sec_tz.c_str());
      return std::nullopt;
    }
    path = "/usr/share/zoneinfo/" + cfg.leap_sec_tz;
    tzif = true;
  } else {
    return std::nullopt;
  }
  auto text = sys::read_small_file(path, 1 << 20);
  if (!text) {
    sys::logf(sys::Severity::kWarning, "cannot read leap second table %s: %s", path.c_str(),
              sys::to_string(text.error()).c_str());
    return std::nullopt;
  }
  auto table = tzif ? core::parse_tzif_leaps(core::as_bytes(*text))
                    : core::parse_leap_seconds_list(*text);
  if (!table) {
    sys::logf(sys::Severity::kWarning, "ignoring leap second table %s: %s", path.c_str(),
              core::to_string(table.error(), tzif).c_str());
    return std::nullopt;
  }
  return std::move(*table);
}

// The configured sources in NetState's order: config sources, then sourcedir ones, then those
// chronyc added at run time.
std::vector<config::NtpSource> configured_sources(const config::Config& cfg) {
  std::vector<config::NtpSource> v = cfg.sources;
  v.insert(v.end(), cfg.sourcedir_sources.begin(), cfg.sourcedir_sources.end());
  return v;
}

// Sources chronyc may add at run time beyond the configured ones (chronyd: "too many sources").
constexpr size_t kMaxAddedSources = 256;

// -q/-Q give up after this long without an update unless -t says otherwise.
constexpr core::Duration kOneShotTimeout = core::Duration::s(60);

// The configuration net runs: -q corrects the clock once by stepping whatever the offset (the
// parent admits one step); initstepslew's hosts become extra sources (iburst, chrony's
// defaults otherwise) after every configured one, which serve the first update only
// (Associations::set_init_origins). Otherwise the configuration is used as written.
config::Config effective_config(const config::Config& cfg, const Options& opts) {
  config::Config c = cfg;
  if (opts.one_shot == OneShot::kSetOnce) {
    c.make_step_threshold = core::Duration::ns(1);
    c.make_step_limit = 1;
  }
  if (c.init_step_slew) {
    for (const auto& host : c.init_step_slew->hosts) {
      config::NtpSource s;
      s.kind = config::SourceKind::kServer;
      s.host = host;
      s.iburst = true;
      c.sources.push_back(s);
    }
  }
  return c;
}

// The origins (source_at indices) effective_config() gave initstepslew's hosts.
std::vector<size_t> init_origins(const config::Config& file_cfg) {
  std::vector<size_t> v;
  if (file_cfg.init_step_slew)
    for (size_t i = 0; i < file_cfg.init_step_slew->hosts.size(); ++i)
      v.push_back(file_cfg.sources.size() + i);
  return v;
}

}  // namespace

void start_polling(Associations& assocs, const config::NtpSource& src, size_t origin,
                   const std::vector<core::IpAddress>& addresses) {
  const size_t want = src.kind == config::SourceKind::kPool
                          ? static_cast<size_t>(std::max(1, src.max_sources))
                          : 1;
  for (const auto& a : addresses) {
    if (assocs.count(origin) >= want) break;
    assocs.add(src, origin, a);  // an address polled already is skipped
  }
}

namespace {

ipc::QueryFamily query_family(const Options& opts, config::AddressFamily f) {
  if (f == config::AddressFamily::kIpv4 || opts.family == AddressFamily::kIpv4)
    return ipc::QueryFamily::kInet;
  if (f == config::AddressFamily::kIpv6 || opts.family == AddressFamily::kIpv6)
    return ipc::QueryFamily::kInet6;
  return ipc::QueryFamily::kAny;
}

}  // namespace

int run_net(const Options& opts, const config::Config& file_cfg) {
  const config::Config cfg = effective_config(file_cfg, opts);
  auto base = sys::make_event_base();
  if (!base) sys::fatal("cannot create event base");
  int exit_code = 0;
  // A stop can come before the loop runs (a send to a parent that is already gone fails at
  // once), and event_base_dispatch() forgets an earlier loopbreak: hence the flag.
  bool stopped = false;
  auto stop = [&](int code) {
    exit_code = code;
    stopped = true;
    event_base_loopbreak(base.get());
  };
  NetState state(cfg, opts.no_adjust, realtime_now());
  std::unique_ptr<LocalClock> clock;
  std::unique_ptr<Associations> assocs;
  const auto self = static_cast<uint32_t>(getpid());
  const auto parent_pid = static_cast<uint32_t>(getppid());
  state.set_pids(parent_pid, self, 0);

  std::unique_ptr<StatLogWriter> stat_logs;  // logdir's files, written by the parent
  LinkedChannel parent(
      base.get(), ipc::UniqueFd(kParentFd),
      {.self = ipc::Role::kNet, .peer = ipc::Role::kParent, .peer_pid = parent_pid},
      [&](ipc::ReceivedFrame& rf) {
        switch (rf.frame.header.type) {
          case ipc::MsgType::kShutdown: stop(0); break;
          case ipc::MsgType::kFileResult:
            if (auto m = ipc::decode_any(rf.frame); m && stat_logs)
              if (auto* r = std::get_if<ipc::FileResult>(&*m)) stat_logs->on_result(*r);
            break;
          default: break;  // ClockResult: nothing waits on it yet
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
  std::unique_ptr<SourcesReload> reload;  // chronyc reload sources (after the sandbox)
  std::vector<config::NtpSource> sources = configured_sources(cfg);
  // Names are (re)sent to dns from here: at start, and after a failure with backoff.
  auto resolve = [&](size_t i) {
    dns->send(ipc::ResolveRequest{.query_id = static_cast<uint32_t>(i),
                                  .family = query_family(opts, sources[i].family),
                                  .name = state.sources()[i].name});
  };
  auto resolve_again = [&](size_t i) {  // a resolved name asked again (replace, refresh)
    state.begin_resolve_again(i);
    resolve(i);
  };
  std::vector<bool> removed(sources.size());  // by reload sources: never polled again
  std::vector<sys::Event> retry;
  auto add_retry = [&](size_t i) {
    retry.push_back(sys::Event::timer(base.get(), [&resolve, &removed, i](short) {
      if (!removed[i]) resolve(i);
    }));
  };
  for (size_t i = 0; i < state.sources().size(); ++i) add_retry(i);
  // allow/deny host names (proc/access_names.h), asked of dns like the sources' names.
  AccessNames acl(cfg.ntp_access);
  std::unique_ptr<NtpServer> server;
  std::unique_ptr<NtsServerService> nts_server;  // uses `server`'s socket; holds no reference
  std::map<uint32_t, sys::Event> acl_retry;
  auto apply_acl = [&] {  // the NTP and NTS-KE servers take the table as it is now
    const core::AccessTable table = acl.table();
    if (server) server->set_access(table);
    if (nts_server) nts_server->set_access(table);
  };
  auto resolve_acl = [&](uint32_t id) {
    dns->send(ipc::ResolveRequest{.query_id = id,
                                  .family = query_family(opts, config::AddressFamily::kAny),
                                  .name = acl.name(id)});
  };
  auto on_acl_reply = [&](const ipc::ResolveReply& reply) {
    const bool changed = acl.apply(reply);
    const std::string& name = acl.name(reply.query_id);
    if (reply.status != ipc::ResolveStatus::kOk) {
      const core::Duration wait = resolve_retry_delay(acl.failures(reply.query_id));
      sys::logf(sys::Severity::kWarning, "cannot resolve %s of allow/deny; retrying in %lld s",
                name.c_str(), static_cast<long long>(wait.count_ns() / core::kNsPerSec));
      acl_retry.at(reply.query_id).add(wait);
      return;
    }
    if (!changed) return;
    sys::logf(sys::Severity::kInfo, "allow/deny %s resolved to %zu address(es)", name.c_str(),
              reply.addresses.size());
    apply_acl();
  };
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
        } else if (auto* file = std::get_if<ipc::SourcesFile>(&*m)) {
          if (dns_pid != 0 && reload) reload->take(*file);
        } else if (auto* reply = std::get_if<ipc::ResolveReply>(&*m)) {
          if (dns_pid != 0 && acl.owns(reply->query_id)) {
            on_acl_reply(*reply);
            return;
          }
          if (dns_pid == 0 || !state.apply_reply(reply->query_id, *reply)) {
            sys::logf(sys::Severity::kError, "unexpected resolve reply from dns");
            stop(1);
            return;
          }
          const auto& s = state.sources()[reply->query_id];
          if (removed[reply->query_id]) return;
          if (s.resolve != SourceEntry::Resolve::kOk) {
            const core::Duration wait = resolve_retry_delay(s.failures);
            sys::logf(sys::Severity::kWarning, "cannot resolve %s (%s); retrying in %lld s",
                      s.name.c_str(),
                      s.resolve == SourceEntry::Resolve::kNotFound ? "not found"
                                                                   : "temporary failure",
                      static_cast<long long>(wait.count_ns() / core::kNsPerSec));
            retry[reply->query_id].add(wait);
            return;
          }
          sys::logf(sys::Severity::kInfo, "%s resolved to %zu address(es)", s.name.c_str(),
                    s.addresses.size());
          if (assocs)
            start_polling(*assocs, sources[reply->query_id], reply->query_id, s.addresses);
        }
      },
      [&](const ipc::ChannelError& e) {
        // The parent sees the dns process go and shuts the daemon down; malformed input is fatal.
        sys::logf(sys::Severity::kWarning, "dns channel: %s", ipc::to_string(e).c_str());
        if (e.code != ipc::IpcError::kPeerClosed) stop(1);
      });

  const auto initial = read_drift(cfg.drift_file);
  // keyfile: opened now (root-only readable as a rule) and kept for rekey (proc/keys.h).
  KeyStore keys(cfg.key_file);
  auto leaps = read_leap_table(cfg);
  // Reference clocks: their sockets exist before the sandbox closes (it forbids creating them).
  // The NTP server's sockets (port 123 needs root).
  // Peers use them too (chrony: symmetric packets go from and to the NTP port), so they open
  // for a `peer` line even when nothing is served.
  std::vector<ipc::UniqueFd> server_sockets;
  const auto is_peer = [](const config::NtpSource& s) {
    return s.kind == config::SourceKind::kPeer;
  };
  const bool peers = std::any_of(cfg.sources.begin(), cfg.sources.end(), is_peer) ||
                     std::any_of(cfg.sourcedir_sources.begin(), cfg.sourcedir_sources.end(),
                                 is_peer);
  if (server_enabled(cfg) || (peers && cfg.port != 0))
    server_sockets = open_server_sockets(cfg, opts);
  // (The parser has warned about drivers other than SOCK and PHC.)
  std::vector<std::pair<const config::Refclock*, ipc::UniqueFd>> refclocks;
  std::vector<std::pair<const config::Refclock*, std::unique_ptr<PhcRefclock>>> phcs;
  for (const auto& rc : cfg.refclocks) {
    if (rc.driver == "PHC") phcs.emplace_back(&rc, PhcRefclock::open(rc, leaps.has_value()));
    if (rc.driver != "SOCK") continue;
    auto fd = sys::open_refclock_socket(rc.device);
    if (!fd) {
      sys::logf(sys::Severity::kError, "refclock SOCK %s: %s", rc.device.c_str(),
                sys::to_string(fd.error()).c_str());
      continue;
    }
    refclocks.emplace_back(&rc, std::move(*fd));
  }
  auto listener = open_control_socket(opts.control_socket);
  if (!listener) sys::fatal("control socket: %s", listener.error().c_str());
  ControlServer control(base.get(), std::move(*listener), [&](const std::string& req) {
    return state.handle_request(req, realtime_now());
  });

  // OpenSSL reads its configuration on first use: load it and the reference-ID digest now.
  if (!crypto::init_refid())
    sys::logf(sys::Severity::kWarning, "MD5 is not available: IPv6 reference IDs will be 0");

  // chronyc's socket, in the directory the parent prepared (it warned if it could not).
  ipc::UniqueFd cmdmon_fd;
  if (const std::string path = cmdmon_path(cfg, opts); !path.empty()) {
    auto plan = plan_cmdmon(path, opts);
    if (plan && cmdmon_dir_ready(plan->dir)) {
      auto fd = CmdmonServer::open(path);
      if (fd) cmdmon_fd = std::move(*fd);
      else sys::logf(sys::Severity::kError, "command socket: %s", fd.error().c_str());
    }
  }

  // chronyc over UDP (cmdport; port 323 needs root).
  std::vector<ipc::UniqueFd> cmdmon_udp = CmdmonServer::open_udp(cfg, opts);
  // NTS: AEAD, TLS keys and trust stores, the NTS-KE sockets, the saved master keys.
  NtsMaterial nts = prepare_nts(cfg, opts);
  NtsCookieStore nts_cookies(std::move(nts.saved_sessions));

  enter_sandbox(ipc::Role::kNet, opts, /*chroot=*/true);
  parent.send(ipc::Ready{.role = ipc::Role::kNet, .pid = self});
  if (auto hook = test_hook()) {
    if (*hook == "net-syscall") forbidden_syscall();
    run_parent_hooks(*hook, parent);
  }

  // The NTP client: under -x (and -Q) the corrections go to a virtual clock, never to the parent.
  if (opts.no_adjust || opts.one_shot == OneShot::kQueryOnce) {
    clock = make_no_adjust_clock(base.get());
  } else {
    clock = make_system_clock([&parent](const ipc::AnyMessage& m) {
      std::visit([&parent](const auto& verb) { parent.send(verb); }, m);
    }, cfg.rtc_sync);
  }
  assocs = std::make_unique<Associations>(base.get(), cfg, *clock, initial, std::move(leaps),
                                          [&] { stop(1); });
  assocs->set_init_origins(init_origins(file_cfg));
  assocs->set_log_change(cfg.log_change);
  stat_logs = std::make_unique<StatLogWriter>(
      cfg, [&parent](const ipc::WriteFile& w) { parent.send(w); });
  if (stat_logs->any()) assocs->set_stat_logs(stat_logs.get());
  assocs->set_keys(keys.keys());
  if (cfg.clock_precision <= core::Duration()) {
    assocs->set_precision(sys::measure_clock_precision());
    sys::logf(sys::Severity::kDebug, "clock precision %lld ns (precision field %d)",
              static_cast<long long>(assocs->precision().count_ns()),
              core::precision_log2(assocs->precision()));
  }
  state.set_associations(assocs.get());
  for (auto& [rc, fd] : refclocks) assocs->add_sock_refclock(*rc, std::move(fd));
  for (auto& [rc, phc] : phcs) assocs->add_phc_refclock(*rc, std::move(phc));
  if (!server_sockets.empty()) {
    server = std::make_unique<NtpServer>(base.get(), std::move(server_sockets), acl.table(),
                                         client_log_config(cfg), *clock,
                                         [&] { return assocs->server_state(); });
    state.set_server(server.get());
    server->set_keys(keys.keys());
    assocs->set_serving(true);
    assocs->set_symmetric_sockets(
        server->socket_for(core::IpFamily::kV4), server->socket_for(core::IpFamily::kV6),
        [&](int fd, std::span<const std::byte> packet, const sys::Endpoint& to) {
          return server->send_on(fd, packet, to);
        });
    server->set_symmetric_handler([&](int fd, std::span<const std::byte> packet,
                                      const sys::Endpoint& from, core::Timestamp rx) {
      return assocs->on_symmetric(fd, packet, from, rx);
    });
    server->set_control_handler(control_access(cfg), [&] { return control_variables(*assocs); });
    if (server_enabled(cfg)) sys::logf(sys::Severity::kInfo, "serving NTP on port %u", cfg.port);
  }
  // chronyc's state-changing commands (CmdmonControl), on the pieces above.
  auto start_source = [&](const config::NtpSource& src) {
    const size_t i = state.add(src);
    sources.push_back(src);
    removed.push_back(false);
    add_retry(i);
    if (state.sources()[i].resolve == SourceEntry::Resolve::kLiteral)
      start_polling(*assocs, src, i, state.sources()[i].addresses);
    else
      resolve(i);
    return i;
  };
  NetControl chronyc(*assocs, !opts.no_adjust && opts.one_shot != OneShot::kQueryOnce,
                     command_steps_per_hour(file_cfg, opts));
  chronyc.on_add = [&](const config::NtpSource& src) {
    if (sources.size() >= cfg.sources.size() + cfg.sourcedir_sources.size() + kMaxAddedSources)
      return core::cmdmon::Status::kTooManySources;
    if (src.address && assocs->polls(*src.address))
      return core::cmdmon::Status::kSourceAlreadyKnown;
    start_source(src);
    return core::cmdmon::Status::kSuccess;
  };
  reload = std::make_unique<SourcesReload>(cfg.source_dirs, cfg.sources.size(),
                                           cfg.sourcedir_sources.size());
  reload->apply = [&](const std::vector<config::NtpSource>& fresh) {
    reload->update(fresh, sources, removed, [&](size_t i) { assocs->remove_origin(i); },
                   start_source);
  };
  // chronyd: rekey without a key file has nothing to do and succeeds.
  chronyc.on_rekey = [&] { return cfg.key_file.empty() || keys.reload(); };
  chronyc.on_cycle_logs = [&] { stat_logs->reopen_all(); };
  chronyc.on_reload = [&] {
    if (auto req = reload->request()) dns->send(*req);
    return core::cmdmon::Status::kSuccess;
  };
  if (nts.server_tls && server) {
    nts_server = std::make_unique<NtsServerService>(
        base.get(), nts, cfg, acl.table(), realtime_now, nts_random(),
        [&parent](const std::string& master_keys) {
          const auto b = core::as_bytes(master_keys);
          parent.send(ipc::WriteFile{.file = ipc::FileId::kNtsKeys, .op = ipc::FileOp::kReplace,
                                     .data = {b.begin(), b.end()}});
        });
    server->set_nts_handler(
        [&](std::span<const std::byte> req, std::span<const std::byte> h) {
          return nts_server->answer(req, h);
        },
        [&] {
          return NtpServer::NtsCounters{.ke_accepted = nts_server->ke_stats().accepted,
                                        .ke_dropped = nts_server->ke_stats().dropped,
                                        .authenticated = nts_server->stats().authenticated};
        });
  } else if (nts.server_tls) {
    sys::logf(sys::Severity::kWarning, "NTS-KE server not started: NTP is not served (allow)");
  }
  assocs->set_nts_factory([&](const config::NtpSource& src, const core::IpAddress& address,
                              std::function<void(const NtsKeOutcome&)> ready)
                              -> std::unique_ptr<NtsSource> {
    auto tls = nts.client_tls.find(src.cert_set);
    if (!nts.aead || tls == nts.client_tls.end()) return nullptr;
    return std::make_unique<NtsSource>(base.get(), tls->second, *nts.aead,
                                       sys::Endpoint{address, src.nts_port}, src.host,
                                       cfg.nts_refresh, [&] { return assocs->now(); },
                                       std::move(ready),
                                       cfg.nts_dump_dir.empty() ? nullptr : &nts_cookies);
  });
  std::unique_ptr<CmdmonServer> cmdmon;
  if (cmdmon_fd || !cmdmon_udp.empty())
    cmdmon = std::make_unique<CmdmonServer>(
        base.get(), std::move(cmdmon_fd), std::move(cmdmon_udp),
        CmdmonReporter(assocs.get(), server.get(), &state, &chronyc), cmdmon_udp_policy(cfg));
  chronyc.on_access = [&](bool command_port, const core::AccessRule& rule) {
    if (command_port) {
      if (cmdmon) cmdmon->add_access(rule);
      if (server) server->add_control_access(rule);
      return core::cmdmon::Status::kSuccess;
    }
    // Port 123 is bound before the sandbox, only when the configuration serves NTP.
    if (!server) return core::cmdmon::Status::kFailed;
    acl.add(rule);
    apply_acl();
    return core::cmdmon::Status::kSuccess;
  };
  chronyc.allows = [&](bool command_port, const core::IpAddress& ip) {
    return command_port ? cmdmon && cmdmon->allows(ip) : acl.table().allowed(ip);
  };
  chronyc.on_refresh = [&] {
    for (size_t i = 0; i < state.sources().size(); ++i) {
      if (removed[i] || state.sources()[i].resolve != SourceEntry::Resolve::kOk) continue;
      resolve_again(i);
    }
  };
  chronyc.on_shutdown = [&] { parent.send(ipc::Shutdown{}); };
  assocs->set_replace_hook(resolve_again);
  sys::Event one_shot_timeout;
  // nocerttimecheck N: certificate times are checked again once the clock was updated N times.
  int cert_time_unchecked = cfg.no_cert_time_check;
  if (opts.one_shot == OneShot::kNone && cert_time_unchecked > 0 && !nts.client_tls.empty()) {
    assocs->set_update_hook([&](core::Duration) {
      if (cert_time_unchecked <= 0 || --cert_time_unchecked > 0) return;
      for (auto& [set, ctx] : nts.client_tls) ctx.set_check_time(true);
      sys::logf(sys::Severity::kInfo, "NTS certificate times are checked from now on");
    });
  }
  if (opts.one_shot != OneShot::kNone) {
    // -q / -Q (chronyd's, the ntpdate job): report the first update, then end the daemon.
    assocs->set_update_hook([&](core::Duration offset) {
      const bool set = opts.one_shot == OneShot::kSetOnce && !opts.no_adjust;
      sys::logf(sys::Severity::kInfo, "System clock wrong by %.6f seconds (%s)",
                offset.to_seconds_f(), set ? "step" : "ignored");
      stop(0);
    });
    one_shot_timeout = sys::Event::timer(base.get(), [&](short) {
      sys::logf(sys::Severity::kError, "No suitable source for synchronisation");
      stop(1);
    });
    one_shot_timeout.add(opts.timeout.value_or(kOneShotTimeout));
  }

  for (size_t i = 0; i < state.sources().size(); ++i) {
    const auto& s = state.sources()[i];
    const auto& src = sources[i];
    if (s.resolve == SourceEntry::Resolve::kLiteral) {
      start_polling(*assocs, src, i, s.addresses);
      continue;
    }
    resolve(i);
  }
  for (const auto& [id, name] : acl.queries()) {
    acl_retry.emplace(id, sys::Event::timer(base.get(), [&resolve_acl, id = id](short) {
      resolve_acl(id);
    }));
    resolve_acl(id);
  }

  if (!stopped) event_base_dispatch(base.get());
  if (assocs) assocs->shutdown();
  if (!cfg.nts_dump_dir.empty() && !nts.client_tls.empty()) {
    // The client's cookies, for the next start (one frame; the parent writes ntscookies).
    const std::string text = nts_cookies.serialise();
    const auto b = core::as_bytes(text);
    if (b.size() <= ipc::WriteFile::kMaxData)
      parent.send(ipc::WriteFile{.file = ipc::FileId::kNtsCookies, .op = ipc::FileOp::kReplace,
                                 .data = {b.begin(), b.end()}});
    else
      sys::logf(sys::Severity::kWarning, "NTS cookies of %zu octets not saved", b.size());
  }
  (void)parent.channel().flush();
  return exit_code;
}

}  // namespace tempus::proc
