// SPDX-License-Identifier: ISC
#include "proc/associations.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/refclock_sock.h"
#include "crypto/refid.h"
#include "proc/associations_internal.h"
#include "proc/nts_ke_source.h"
#include "proc/stat_log_writer.h"
#include "sys/tcp.h"
#include "sys/kernel_random.h"
#include "sys/log.h"
#include "sys/udp.h"

namespace tempus::proc {

namespace {

using sys::kernel_random;

constexpr core::Duration kTickInterval = core::Duration::s(600);
constexpr core::Duration kReachCheckInterval = core::Duration::s(16);

core::AuthSelect auth_select(config::AuthSelectMode m) {
  switch (m) {
    case config::AuthSelectMode::kRequire: return core::AuthSelect::kRequire;
    case config::AuthSelectMode::kPrefer: return core::AuthSelect::kPrefer;
    case config::AuthSelectMode::kMix: return core::AuthSelect::kMix;
    case config::AuthSelectMode::kIgnore: return core::AuthSelect::kIgnore;
  }
  return core::AuthSelect::kMix;
}

}  // namespace

core::SelectionConfig selection_config(const config::Config& cfg) {
  return core::SelectionConfig{.min_sources = cfg.min_sources,
                               .max_distance = cfg.max_distance,
                               .max_jitter = cfg.max_jitter,
                               .combine_limit = cfg.combine_limit,
                               .reselect_dist = cfg.reselect_dist,
                               .stratum_weight = cfg.stratum_weight,
                               .auth_select = auth_select(cfg.auth_select_mode)};
}

core::DisciplineConfig discipline_config(const config::Config& cfg) {
  core::DisciplineConfig d;
  d.make_step_threshold = cfg.make_step_threshold;
  d.make_step_limit = cfg.make_step_limit;
  if (cfg.init_step_slew && !cfg.init_step_slew->hosts.empty())
    d.init_step_threshold = cfg.init_step_slew->threshold;
  d.max_update_skew_ppm = cfg.max_update_skew_ppm;
  d.max_slew_rate_ppm = cfg.max_slew_rate_ppm;
  d.corr_time_ratio = cfg.corr_time_ratio;
  if (cfg.max_change)
    d.max_change = core::MaxChangeLimit{cfg.max_change->offset, cfg.max_change->start,
                                        cfg.max_change->ignore};
  d.max_clock_error_ppm = cfg.max_clock_error_ppm;
  d.max_drift_ppm = cfg.max_drift_ppm;
  d.drift_file = !cfg.drift_file.empty();
  d.drift_interval = cfg.drift_interval;
  return d;
}

core::EngineSourceOptions source_options(const config::NtpSource& s, const core::IpAddress& a) {
  core::EngineSourceOptions o;
  o.client.minpoll = s.minpoll;
  o.client.maxpoll = s.maxpoll;
  o.client.iburst = s.iburst;
  o.client.burst = s.burst;
  o.client.version = s.version.value_or(4);
  o.client.max_delay = s.max_delay;
  o.client.max_delay_ratio = s.max_delay_ratio;
  o.client.max_delay_dev_ratio = s.max_delay_dev_ratio;
  o.client.poll_target = s.poll_target;
  o.client.min_stratum = s.min_stratum;
  o.client.offset_correction = s.offset;
  o.client.symmetric = s.kind == config::SourceKind::kPeer;
  if (s.max_samples) o.stats.max_samples = static_cast<size_t>(std::max(1, *s.max_samples));
  if (s.min_samples) o.stats.min_samples = static_cast<size_t>(std::max(0, *s.min_samples));
  o.ref_id = crypto::ref_id_of(a);
  o.prefer = s.prefer;
  o.noselect = s.noselect;
  o.trust = s.trust;
  o.require = s.require;
  return o;
}

Associations::Associations(event_base* base, const config::Config& cfg, LocalClock& clock,
                           std::optional<core::InitialFrequency> initial,
                           std::optional<core::LeapTable> leaps, std::function<void()> fatal)
    : base_(base), clock_(clock), fatal_(std::move(fatal)),
      engine_(selection_config(cfg), discipline_config(cfg), initial) {
  engine_.set_leap_table(std::move(leaps));
  switch (cfg.leap_sec_mode) {
    case config::LeapSecMode::kSystem: engine_.set_leap_mode(core::LeapMode::kSystem); break;
    case config::LeapSecMode::kStep: engine_.set_leap_mode(core::LeapMode::kStep); break;
    case config::LeapSecMode::kSlew: engine_.set_leap_mode(core::LeapMode::kSlew); break;
    case config::LeapSecMode::kIgnore: engine_.set_leap_mode(core::LeapMode::kIgnore); break;
  }
  leap_ = sys::Event::timer(base_, [this](short) {
    leap_armed_ = false;
    const auto cmds = engine_.on_leap(clock_.now());
    const char* what = cmds.empty() ? "left to normal operation (leapsecmode ignore)"
                       : std::holds_alternative<core::StepCommand>(cmds.front()) ? "stepped"
                                                                                 : "slewed";
    sys::logf(sys::Severity::kNotice, "leap second: clock %s", what);
    execute(cmds);
  });
  local_ = cfg.local;
  if (cfg.clock_precision > core::Duration()) precision_ = cfg.clock_precision;
  const uint16_t acq_port = cfg.acquisition_port.value_or(0);
  if (acq_port != 0 || !cfg.bind_acq_address4.is_unspecified())
    acq_local4_ = sys::Endpoint{cfg.bind_acq_address4, acq_port};
  if (acq_port != 0 || !cfg.bind_acq_address6.is_unspecified())
    acq_local6_ = sys::Endpoint{cfg.bind_acq_address6, acq_port};
  execute(engine_.start(clock_.now()));
  reaper_ = sys::Event::timer(base_, [this](short) { reap(); });
  reach_ = sys::Event::timer(base_, [this](short) {
    execute(engine_.check_reachability(clock_.now()));
    check_leap();
    reach_.add(kReachCheckInterval);
  });
  reach_.add(kReachCheckInterval);
  tick_ = sys::Event::timer(base_, [this](short) {
    execute(engine_.tick(clock_.now()));
    tick_.add(kTickInterval);
  });
  tick_.add(kTickInterval);
}

Associations::~Associations() = default;

size_t Associations::count(size_t origin) const {
  size_t n = 0;
  for (const auto& a : assocs_) n += a->origin == origin && !a->dropped;
  return n;
}

bool Associations::add(const config::NtpSource& src, size_t origin,
                       const core::IpAddress& address) {
  if (!init_active_ && is_init_origin(origin)) return false;  // initstepslew is over
  if (polls(address, src.port)) return false;
  const core::Timestamp now = clock_.now();
  std::erase_if(avoid_, [&](const auto& e) { return now - e.second > kAvoidDropped; });
  for (const auto& e : avoid_)
    if (e.first == address) return false;
  const bool peer = src.kind == config::SourceKind::kPeer;
  const int shared = !peer ? -1 : address.is_v4() ? sym_fd4_ : sym_fd6_;
  if (shared >= 0) return add_with(src, origin, address, sys::ClientSocket{}, shared);
  const auto& local = address.is_v4() ? acq_local4_ : acq_local6_;
  auto fd = sys::open_client_socket({address, src.port}, local);
  if (!fd && local) {
    // chrony binds as root; the sandboxed net process cannot take a port below 1024 (nor one
    // another program holds): say so and fall back to a random port, as a client must poll.
    sys::logf(sys::Severity::kWarning,
              "cannot bind the client socket for %s to %s port %u: %s; using a random port",
              address.to_string().c_str(), local->address.to_string().c_str(), local->port,
              sys::to_string(fd.error()).c_str());
    fd = sys::open_client_socket({address, src.port});
  }
  if (!fd) {
    sys::logf(sys::Severity::kWarning, "cannot open a socket to %s: %s",
              address.to_string().c_str(), sys::to_string(fd.error()).c_str());
    return false;
  }
  return add_with(src, origin, address, std::move(*fd), -1);
}

bool Associations::add_with(const config::NtpSource& src, size_t origin,
                            const core::IpAddress& address, sys::ClientSocket sock, int shared_fd) {
  auto a = std::make_unique<Assoc>();
  a->id = next_id_++;
  a->origin = origin;
  a->pool = src.kind == config::SourceKind::kPool;
  a->peer = src.kind == config::SourceKind::kPeer;
  a->name = src.host;
  a->address = address;
  a->port = src.port;
  a->fd = std::move(sock.fd);
  a->tx_timestamps = sock.tx_timestamps;
  a->shared_fd = shared_fd;
  a->offline = src.offline;
  Assoc* raw = a.get();
  a->timer = sys::Event::timer(base_, [this, raw](short) { poll(*raw); });
  if (src.nts && !a->peer) {
    if (nts_factory_)
      a->nts = nts_factory_(src, address, [this, raw](const NtsKeOutcome& o) { on_nts_ke(*raw, o); });
    if (!a->nts) {
      sys::logf(sys::Severity::kError, "%s: NTS is not available; source not used",
                src.host.c_str());
      return false;
    }
  }
  if (a->fd) {
    a->readable = sys::Event(base_, a->fd.get(), EV_READ | EV_PERSIST,
                             [this, raw](short) { on_readable(*raw); });
    a->readable.add();
  }
  core::EngineSourceOptions opts = source_options(src, address);
  opts.client.local_precision = precision_;
  if (src.key_id) {
    // chronyd: a missing key is a warning, and nothing is sent until a rekey brings it.
    a->key_id = opts.client.key_id = src.key_id;
    opts.client.keys = keys_;
    const auto key = keys_ ? keys_->key_info(*src.key_id) : std::nullopt;
    if (!key)
      sys::logf(sys::Severity::kWarning, "key %u of %s is missing or unusable", *src.key_id,
                src.host.c_str());
    else if (!src.version)
      opts.client.version = core::suggested_version(*key);
  }
  if (auto local = serving_ ? sys::local_address(a->fd ? a->fd.get() : -1, {address, src.port})
                            : std::nullopt)
    opts.client.own_ref_id = crypto::ref_id_of(*local);
  engine_.add_source(a->id, opts);
  a->prefer = opts.prefer, a->noselect = opts.noselect, a->trust = opts.trust;
  a->require = opts.require;
  assocs_.push_back(std::move(a));
  if (!raw->offline) raw->timer.add(core::Duration::ns(0));
  sys::logf(sys::Severity::kInfo, "%s %s (%s port %u)%s", raw->peer ? "peering with" : "polling",
            src.host.c_str(), address.to_string().c_str(), src.port,
            raw->offline ? ", offline" : "");
  return true;
}

std::unique_ptr<Associations::Assoc> Associations::new_refclock(const config::Refclock& rc) {
  auto a = std::make_unique<Assoc>();
  a->id = next_id_++;
  a->origin = static_cast<size_t>(-1);
  a->pool = false;
  a->refclock = true;
  a->name = rc.refid;
  a->path = rc.device;
  a->port = 0;
  const auto opts = refclock_options(rc);
  engine_.add_refclock(a->id, opts);
  a->prefer = opts.prefer, a->noselect = opts.noselect, a->trust = opts.trust;
  a->require = opts.require;
  return a;
}

void Associations::add_sock_refclock(const config::Refclock& rc, ipc::UniqueFd fd) {
  auto a = new_refclock(rc);
  a->fd = std::move(fd);
  Assoc* raw = a.get();
  a->readable = sys::Event(base_, a->fd.get(), EV_READ | EV_PERSIST,
                           [this, raw](short) { on_refclock(*raw); });
  a->readable.add();
  sys::logf(sys::Severity::kInfo, "refclock SOCK %s (refid %s)", a->path.c_str(), a->name.c_str());
  assocs_.push_back(std::move(a));
}

void Associations::add_phc_refclock(const config::Refclock& rc, std::unique_ptr<PhcRefclock> phc) {
  auto a = new_refclock(rc);
  a->phc = std::move(phc);
  const auto opts = refclock_options(rc);
  const core::Duration interval = core::RefclockFilter(*opts.filter).read_interval();
  Assoc* raw = a.get();
  a->timer = sys::Event::timer(base_, [this, raw, interval](short) {
    raw->timer.add(interval);
    on_phc(*raw);
  });
  a->timer.add(interval);
  sys::logf(sys::Severity::kInfo, "refclock PHC %s (refid %s)", a->path.c_str(), a->name.c_str());
  assocs_.push_back(std::move(a));
}

void Associations::on_phc(Assoc& a) {
  const core::Timestamp now = clock_.now();
  const auto sample = a.phc->read(clock_, engine_.tai_minus_utc(now));
  handle(engine_.on_refclock_read(a.id, now, sample), now);
}

void Associations::on_refclock(Assoc& a) {
  std::array<std::byte, 128> buf;
  for (int i = 0; i < 16; ++i) {
    auto r = sys::receive(a.fd.get(), buf);
    if (!r) return;
    auto s = core::decode_sock_sample(std::span(buf.data(), r->size));
    if (!s) {
      sys::logf(sys::Severity::kDebug, "refclock %s: %s", a.name.c_str(),
                std::string(core::to_string(s.error())).c_str());
      continue;
    }
    if (s->pulse) continue;  // a bare PPS edge carries no seconds: not supported yet
    // The sample is against the system clock; our local clock may be the -x virtual one.
    const core::Timestamp local = clock_.from_realtime(s->time);
    auto out = engine_.on_refclock_sample(a.id, local, s->offset - (local - s->time), s->leap);
    if (!handle(out, local)) return;
  }
}

bool Associations::send_packet(Assoc& a, std::span<const std::byte> packet) {
  if (a.shared_fd >= 0) return sym_send_(a.shared_fd, packet, {a.address, a.port});
  auto st = sys::send(a.fd.get(), packet);
  if (!st)
    sys::logf(sys::Severity::kDebug, "send to %s: %s", a.address.to_string().c_str(),
              sys::to_string(st.error()).c_str());
  return st.ok();
}

void Associations::poll(Assoc& a) {
  if (a.offline && !engine_.in_burst(a.id)) return;  // until chronyc online (or a burst)
  // A peer's packet carries our system variables and the time it leaves (taken just before).
  const core::ServerState self = server_state();
  const core::Timestamp now = clock_.now();
  auto req = engine_.make_request(a.id, now, kernel_random(), a.peer ? &self : nullptr);
  if (!req || (req->packet.empty() && !req->key_missing)) {
    sys::logf(sys::Severity::kWarning, "%s denied us service (KoD); no more requests",
              a.address.to_string().c_str());
    return;
  }
  if (req->key_missing) {
    // Nothing to send (chronyd's rule); the poll goes on so a rekey can bring the key back.
    sys::logf(sys::Severity::kDebug, "no request to %s: its key is missing",
              a.address.to_string().c_str());
  } else {
    if (a.fd) (void)sys::last_tx_timestamp(a.fd.get(), a.tx_queued);  // a stale one must not
    a.tx.reset();                                                       // pass for this one's
    if (a.nts) {
      // No cookie yet (NTS-KE runs and polls again when done): this poll goes unanswered.
      auto wrapped = a.nts->wrap(req->packet, kernel_random());
      if (wrapped) req->packet = std::move(*wrapped);
      else req->packet.clear();
    }
    a.t1 = a.peer ? now : clock_.now();
    a.tx_source = 'D';  // until the kernel's transmit timestamp replaces t1
    if (!req->packet.empty() && send_packet(a, req->packet) && a.tx_timestamps) {
      // Often queued already; reading it now also suits clknetsim, which stamps it when read.
      ++a.tx_queued;
      a.tx = sys::last_tx_timestamp(a.fd.get(), a.tx_queued);
    }
  }
  a.timer.add(engine_.next_poll_interval(a.id, kernel_random()));
  execute(engine_.check_reachability(clock_.now()));
  if (!a.pool || !replace_) return;
  for (const auto& v : engine_.sources(clock_.now())) {
    if (v.id != a.id || !should_replace(a, v)) continue;
    a.dropped = true;
    reaper_.add(core::Duration::ns(0));
  }
}

void Associations::on_nts_ke(Assoc& a, const NtsKeOutcome& o) {
  // RFC 8915 §4.1.7-4.1.8: the NTP server and port the NTS-KE server named. A name would need
  // the dns process; only an address is followed.
  core::IpAddress to = a.address;
  if (o.server) {
    if (auto ip = core::IpAddress::parse(*o.server)) to = *ip;
    else sys::logf(sys::Severity::kWarning, "%s: NTS-KE named NTP server %s; not followed",
                   a.name.c_str(), o.server->c_str());
  }
  const uint16_t port = o.port.value_or(a.port);
  if (a.fd && (to != a.address || port != a.port) && to.family() == a.address.family()) {
    if (auto st = sys::connect_to(a.fd.get(), {to, port}); st) {
      a.address = to;
      a.port = port;
    } else {
      sys::logf(sys::Severity::kWarning, "%s: cannot use NTP server %s port %u: %s",
                a.name.c_str(), to.to_string().c_str(), port, sys::to_string(st.error()).c_str());
    }
  }
  a.timer.add(core::Duration::ns(0));
}

bool Associations::should_replace(Assoc& a, const core::SourceView& v) {
  a.false_polls = v.state == core::SelectState::kFalseticker ? a.false_polls + 1 : 0;
  const bool silent = v.reach == 0 && v.counters.requests >= kReplaceAfterPolls;
  const bool lying = a.false_polls >= kReplaceAfterPolls;
  const bool denied = v.client_state == core::ClientState::kDenied;
  if (!silent && !lying && !denied) return false;
  sys::logf(sys::Severity::kInfo, "replacing pool member %s of %s (%s)",
            a.address.to_string().c_str(), a.name.c_str(),
            silent ? "unreachable" : lying ? "falseticker" : "denied service");
  return true;
}

void Associations::reap() {
  std::vector<size_t> origins;
  std::erase_if(assocs_, [&](const std::unique_ptr<Assoc>& a) {
    if (!a->dropped) return false;
    engine_.remove_source(a->id);
    if (a->pool && !a->deleted) {
      origins.push_back(a->origin);
      avoid_.emplace_back(a->address, clock_.now());
    }
    return true;
  });
  if (replace_)
    for (size_t o : origins) replace_(o);
}

void Associations::set_init_origins(std::vector<size_t> origins) {
  init_origins_ = std::move(origins);
  init_active_ = !init_origins_.empty();
  if (!init_active_) return;
  init_timeout_ = sys::Event::timer(base_, [this](short) { end_init_step_slew("no update"); });
  init_timeout_.add(kInitStepSlewTimeout);
}

void Associations::check_leap() {
  // Checked every kReachCheckInterval; the timer itself is armed for the exact instant once
  // the leap is that close (a timer runs on the monotonic clock, which a step does not move).
  const core::Timestamp now = clock_.now();
  const auto at = engine_.next_leap(now);
  if (!at || leap_armed_ || *at - now > kReachCheckInterval * 2) return;
  leap_armed_ = true;
  leap_.add(std::max(*at - now, core::Duration()));
}

bool Associations::is_init_origin(size_t origin) const {
  return std::find(init_origins_.begin(), init_origins_.end(), origin) != init_origins_.end();
}

void Associations::end_init_step_slew(const char* why) {
  if (!init_active_) return;
  for (auto& a : assocs_)
    if (is_init_origin(a->origin)) a->dropped = true;
  init_active_ = false;
  init_timeout_.del();
  reaper_.add(core::Duration::ns(0));
  sys::logf(sys::Severity::kInfo, "initstepslew done (%s); its hosts are no longer polled", why);
}

void Associations::on_readable(Assoc& a) {
  // A transmit timestamp on the error queue also wakes us (EPOLLERR): drain what is queued.
  if (auto tx = sys::last_tx_timestamp(a.fd.get(), a.tx_queued)) a.tx = tx;
  std::array<std::byte, 1024> buf;
  for (int i = 0; i < 16; ++i) {  // bounded per wake-up
    auto r = sys::receive(a.fd.get(), buf);
    if (!r) return;  // EAGAIN (or ECONNREFUSED from an ICMP error: the poll counts it lost)
    if (r->size == 0) continue;
    const core::Timestamp t4 = r->kernel_rx ? clock_.from_realtime(*r->kernel_rx) : clock_.now();
    a.rx_source = r->kernel_rx ? 'K' : 'D';
    // The kernel's transmit time of our request, when it gave one, is a better T1 (not for a
    // peer: its T1 is the transmit timestamp it sent, which the peer measures with too).
    if (a.tx) {
      const core::Timestamp t1 = clock_.from_realtime(*a.tx);
      if (!a.peer && t1 >= a.t1 && t1 <= t4) a.t1 = t1, a.tx_source = 'K';
      a.tx.reset();
    }
    // NTS: only an authenticated answer to our request reaches the engine.
    if (a.nts && !a.nts->accept(std::span(buf.data(), r->size))) continue;
    if (!take_reply(a, std::span(buf.data(), r->size), t4)) return;
  }
}

bool Associations::take_reply(Assoc& a, std::span<const std::byte> packet, core::Timestamp t4) {
  auto out = engine_.on_reply(a.id, packet, a.t1, t4);
  if (out.sample) {
    if (auto h = core::decode_header(packet)) a.last_header = *h;
    a.last_t1 = a.t1, a.last_t4 = t4;
  }
  if (out.respond) {
    const auto answer = engine_.make_response(a.id, clock_.now(), server_state());
    // Its transmit timestamp (own socket) is queued too: count it so the queue is drained.
    if (!answer.empty() && send_packet(a, answer) && a.fd && a.tx_timestamps) ++a.tx_queued;
  }
  if (out.error)
    sys::logf(sys::Severity::kDebug, "reply from %s dropped: %s", a.address.to_string().c_str(),
              std::string(core::to_string(*out.error)).c_str());
  return handle(out, t4);
}

bool Associations::on_symmetric(int fd, std::span<const std::byte> packet,
                                const sys::Endpoint& from, core::Timestamp rx) {
  for (auto& a : assocs_) {
    if (!a->peer || a->dropped || a->shared_fd != fd || a->address != from.address ||
        a->port != from.port)
      continue;
    (void)take_reply(*a, packet, rx);
    return true;
  }
  return false;
}

bool Associations::handle(const core::ReplyOutcome& out, core::Timestamp t) {
  const bool updated =
      out.sample && engine_.synchronised() && engine_.tracking(t).ref_time == t;
  execute(out.commands);
  if (updated) {
    const core::Duration off = engine_.tracking(t).last_offset;  // > 0: the clock was behind
    if (off.abs() > log_change_)
      sys::logf(sys::Severity::kWarning, "System clock wrong by %.6f seconds, adjustment started",
                off.to_seconds_f());
  }
  if (updated && init_active_) end_init_step_slew("first update");
  if (updated && hook_) hook_(engine_.tracking(t).last_offset);
  if (out.fatal) {
    sys::logf(sys::Severity::kCritical, "maxchange: correction too large, exiting");
    fatal_();
    return false;
  }
  return true;
}

void Associations::execute(const std::vector<core::ClockCommand>& cmds) {
  for (const auto& c : cmds) clock_.apply(c);
  flush_stat_logs();  // every engine call ends here
}

void Associations::set_stat_logs(StatLogWriter* writer) {
  stat_logs_ = writer;
  engine_.set_stat_logs(writer ? writer->mask() : core::Engine::StatLogMask{});
}

void Associations::flush_stat_logs() {
  if (!stat_logs_) return;
  auto records = engine_.take_stat_logs();
  auto find = [this](uint32_t id) -> const Assoc* {
    for (const auto& a : assocs_)
      if (a->id == id) return a.get();
    return nullptr;
  };
  for (auto& m : records.measurements)
    if (const Assoc* a = find(m.source)) m.tx_source = a->tx_source, m.rx_source = a->rx_source;
  stat_logs_->write(records, [&](uint32_t id) {
    const Assoc* a = find(id);
    return !a ? std::string("?") : a->refclock ? a->name : a->address.to_string();
  });
}

void Associations::shutdown() { execute(engine_.shutdown(clock_.now())); }

void Associations::set_precision(core::Duration p) {
  if (p > core::Duration()) precision_ = p;
}

core::ServerState Associations::server_state() const {
  const core::Timestamp now = const_cast<LocalClock&>(clock_).now();
  core::ServerState s;
  s.precision = core::precision_log2(precision_);
  if (synchronised()) {
    const core::TrackingReport t = engine_.tracking(now);
    s.leap = t.leap == core::Leap::kUnsync ? core::Leap::kNone : t.leap;
    s.stratum = t.stratum;
    s.root_delay = t.root_delay;
    s.root_dispersion = t.root_dispersion;
    s.ref_id = t.ref_id;
    s.ref_time = t.ref_time;
  } else if (local_) {
    s.leap = core::Leap::kNone;
    s.stratum = static_cast<uint8_t>(local_->stratum);
    s.ref_id = 0x7f7f0101;  // 127.127.1.1, chronyd's local reference ID
    s.ref_time = now;
  }
  return s;
}

}  // namespace tempus::proc
