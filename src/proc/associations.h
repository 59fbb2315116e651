// SPDX-License-Identifier: ISC
// The net process's NTP client shell: one connected UDP socket and one poll timer per source
// address, driving core::Engine, whose ClockCommands go to the LocalClock. Everything decided
// is decided in the core; this file only moves packets, time and commands.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model.h"
#include "core/engine.h"
#include "core/server.h"
#include "core/symkey.h"
#include "core/ip.h"
#include "ipc/unique_fd.h"
#include "proc/local_clock.h"
#include "proc/refclock_phc.h"
#include "sys/event.h"
#include "sys/udp.h"

namespace tempus::proc {

class NtsSource;
class StatLogWriter;
struct NtsKeOutcome;

// Engine configuration from chrony.conf (pure).
core::SelectionConfig selection_config(const config::Config& cfg);
core::DisciplineConfig discipline_config(const config::Config& cfg);
core::EngineSourceOptions source_options(const config::NtpSource& s, const core::IpAddress& a);

class Associations {
 public:
  // fatal: called when the discipline says the daemon must exit (maxchange).
  Associations(event_base* base, const config::Config& cfg, LocalClock& clock,
               std::optional<core::InitialFrequency> initial,
               std::optional<core::LeapTable> leaps, std::function<void()> fatal);
  ~Associations();

  // Starts polling `address` for configured source `src` (a server or one pool member);
  // `origin` is the caller's index of that configured source. Returns false (and logs) when the
  // socket cannot be opened or the address is polled already.
  bool add(const config::NtpSource& src, size_t origin, const core::IpAddress& address);
  // Whether an NTP association polls `address` (on `port`, when given). chronyd knows a source
  // by its address alone: chronyc add of one polled already is "source already known".
  bool polls(const core::IpAddress& address, std::optional<uint16_t> port = std::nullopt) const;
  size_t size() const { return assocs_.size(); }
  // Peers send from the NTP server's socket of their family (chrony: the NTP port), so the
  // peer sees our packets come from the port it was configured with; -1 where there is none
  // (`port 0`: a peer is then polled from a random port like a server).
  // `send` puts a packet out on one of them (the server keeps its transmit-timestamp count).
  using SymmetricSend =
      std::function<bool(int fd, std::span<const std::byte> packet, const sys::Endpoint& to)>;
  void set_symmetric_sockets(int fd4, int fd6, SymmetricSend send) {
    sym_fd4_ = fd4, sym_fd6_ = fd6, sym_send_ = std::move(send);
  }
  // Whether we answer NTP at all (server or peers). Only then can a source be synchronised to
  // us, so only then are sources added afterwards checked for it (chrony's test D): a
  // client-only daemon takes e.g. ntpd's orphan-mode refid 127.0.0.1 on loopback as it is.
  void set_serving(bool serving) { serving_ = serving; }
  // A mode 1 or 2 packet that reached the server socket: true when it is from a configured
  // peer (address and port), which then took it (and may have answered at once on `fd`).
  bool on_symmetric(int fd, std::span<const std::byte> packet, const sys::Endpoint& from,
                    core::Timestamp rx);
  // A reference clock of driver SOCK on a socket opened before the sandbox (sys/udp.h).
  void add_sock_refclock(const config::Refclock& rc, ipc::UniqueFd fd);
  // A reference clock of driver PHC on a device opened before the sandbox, read every
  // 2^dpoll s.
  void add_phc_refclock(const config::Refclock& rc, std::unique_ptr<PhcRefclock> phc);

  // `server … nts`: makes the NTS state of a new association (proc/nts_ke_source.h); nullptr
  // refuses the source (NTS unavailable: FIPS, no trust store). `ready` polls at once.
  using NtsFactory = std::function<std::unique_ptr<NtsSource>(
      const config::NtpSource& src, const core::IpAddress& address,
      std::function<void(const NtsKeOutcome&)> ready)>;
  void set_nts_factory(NtsFactory f) { nts_factory_ = std::move(f); }

  // Associations started for configured source `origin`.
  size_t count(size_t origin) const;

  // Pool members that stopped answering (reach 0 after kReplaceAfterPolls requests) or that
  // stay falsetickers for kReplaceAfterPolls polls are dropped, and `on_replace(origin)` asks
  // for the pool name to be resolved again so a fresh member can be added (chrony's pool
  // maintenance). Servers are never dropped.
  static constexpr uint64_t kReplaceAfterPolls = 8;
  // A dropped member's address is not taken again for this long.
  static constexpr core::Duration kAvoidDropped = core::Duration::s(3600);
  void set_replace_hook(std::function<void(size_t origin)> hook) { replace_ = std::move(hook); }

  // initstepslew: the associations of these origins serve the first reference update only
  // (the discipline steps it above initstepslew's threshold); they are dropped after it, or
  // after kInitStepSlewTimeout without one, and normal operation goes on with the rest.
  static constexpr core::Duration kInitStepSlewTimeout = core::Duration::s(60);
  void set_init_origins(std::vector<size_t> origins);

  // How precisely the local clock is read (clockprecision, or measured by the caller; chrony's
  // Linux default 100 ns until then): our error per timestamp as a client, and the precision
  // field of what we send as a server or peer. Call before sources are added.
  static constexpr core::Duration kDefaultPrecision = core::Duration::ns(100);
  void set_precision(core::Duration p);
  core::Duration precision() const { return precision_; }

  // The symmetric keys of `keyfile` (proc/keys.h) for sources with `key ID`; they must outlive
  // this object and may be replaced in place (rekey). Call before sources are added.
  void set_keys(const core::MacKeys* keys) { keys_ = keys; }

  // Final drift write and the like.
  void shutdown();

  // chronyc's commands on the NTP sources (never refclocks) whose address `select` accepts
  // (cmdmon::selects); each returns false when it accepts none (chronyd's "503 No such source").
  //   online/offline (chrony's SRC_ONLINE/SRC_OFFLINE): an offline source sends nothing, except
  //     the requests of a burst started while it was offline; back online, it resumes polling
  //     at once (with an initial burst when it has iburst). kMaybe (`onoffline`): online when a
  //     UDP socket can be connected to it (there is a route), else offline.
  //   burst: core::NtpClient::burst on client-mode sources (peers are left alone).
  //   remove (`delete`): the association goes; a deleted pool member is not replaced.
  using Selector = std::function<bool(const core::IpAddress&)>;
  enum class Connectivity { kOnline, kOffline, kMaybe };
  bool set_connectivity(const Selector& select, Connectivity c);
  bool burst(const Selector& select, int good, int total);
  bool remove(const core::IpAddress& address);
  // The associations of configured source `origin` go (reload sources dropped it).
  void remove_origin(size_t origin);
  // makestep: the pending slew becomes a step (core::Engine::make_step); true when a step was
  // made (false: nothing was pending).
  bool make_step();
  // reselect / reset sources: core::Engine::reselect / reset_sources, their status executed.
  void reselect();
  void reset_sources();
  // chronyc activity's counts over the NTP associations.
  struct Activity {
    int online = 0, offline = 0, burst_online = 0, burst_offline = 0;
  };
  Activity activity() const;

  // chrony's statistics logs: the engine's records go to `writer` (which must outlive this)
  // after every engine call, the sources named by address (refclocks by refid).
  void set_stat_logs(StatLogWriter* writer);
  // logchange: a reference update correcting more than this is logged as chronyd logs it.
  void set_log_change(core::Duration threshold) { log_change_ = threshold; }

  // Called after every reference update with the offset that update corrected (> 0: the local
  // clock was behind). -q and -Q end the daemon from here.
  void set_update_hook(std::function<void(core::Duration offset)> hook) { hook_ = std::move(hook); }

  // One source as the command protocol reports it: the engine's view with the shell's facts.
  struct SourceReport {
    core::SourceView view;
    std::string name;           // as configured; a refclock's refid
    std::string path;           // a refclock's device
    core::IpAddress address;    // an NTP source's (refclocks: unset)
    uint16_t port = 0;
    bool refclock = false, peer = false;
    bool prefer = false, noselect = false, trust = false, require = false;
    bool kernel_tx = false;     // requests' transmit times come from the kernel
    int socket = -1;            // the socket its requests leave on (-1: none)
    // The newest reply that gave a sample: its header and the exchange's local times.
    std::optional<core::Header> last_header;
    core::Timestamp last_t1, last_t4;
    std::optional<uint32_t> key_id;    // `key ID`: symmetric-key authentication
    std::optional<core::KeyInfo> key;  // that key, when the key file has it
    // `nts` sources (chronyc authdata): the session's AEAD and key size, NTS-KE counts, cookies.
    struct Nts {
      uint16_t aead = 0;
      uint16_t key_bits = 0;
      uint64_t sessions = 0;       // successful NTS-KE exchanges (chrony's key ID column)
      uint32_t ke_attempts = 0;    // since the last success
      std::optional<core::Timestamp> session_start;
      uint16_t cookies = 0, cookie_len = 0;
      bool nak = false;  // the last answer was an NTS NAK
    };
    std::optional<Nts> nts;
  };
  std::vector<SourceReport> source_reports() const;
  core::TrackingReport tracking() const { return engine_.tracking(now()); }
  std::optional<uint32_t> selected() const { return engine_.selected(); }
  core::Timestamp now() const { return const_cast<LocalClock&>(clock_).now(); }

  nlohmann::json sources_json() const;
  nlohmann::json tracking_json() const;
  bool synchronised() const { return engine_.synchronised(); }
  // What the NTP server tells clients: our tracking when synchronised, else the `local`
  // reference (stratum N, refid 127.127.1.1 like chronyd) when configured, else unsynchronised.
  core::ServerState server_state() const;
  // chronyc local: serve the local reference (nullopt: stop).
  void set_local(std::optional<config::LocalReference> l) { local_ = std::move(l); }

 private:
  struct Assoc;
  bool add_with(const config::NtpSource& src, size_t origin, const core::IpAddress& address,
                sys::ClientSocket sock, int shared_fd);
  // An Assoc for reference clock `rc`, registered with the engine (the caller adds its input).
  std::unique_ptr<Assoc> new_refclock(const config::Refclock& rc);
  void poll(Assoc& a);
  bool should_replace(Assoc& a, const core::SourceView& v);
  void reap();
  void end_init_step_slew(const char* why);
  void check_leap();  // arms leap_ for the leap second, when leapsecmode is not system
  void on_readable(Assoc& a);
  void on_nts_ke(Assoc& a, const NtsKeOutcome& o);
  void on_refclock(Assoc& a);
  void on_phc(Assoc& a);
  void execute(const std::vector<core::ClockCommand>& cmds);
  // A packet from source `a` that arrived at local time t4: the engine, a peer's immediate
  // answer, the commands. False when the daemon must stop.
  bool take_reply(Assoc& a, std::span<const std::byte> packet, core::Timestamp t4);
  bool send_packet(Assoc& a, std::span<const std::byte> packet);  // false: not sent
  // Executes an outcome's commands, reports an update to the hook; false when the daemon must
  // stop (maxchange).
  bool handle(const core::ReplyOutcome& out, core::Timestamp t);

  event_base* base_;
  LocalClock& clock_;
  std::function<void()> fatal_;
  std::function<void(core::Duration)> hook_;
  StatLogWriter* stat_logs_ = nullptr;
  core::Duration log_change_ = core::Duration::s(1);
  void flush_stat_logs();
  std::optional<config::LocalReference> local_;
  // bindacqaddress / acquisitionport: where client sockets are bound (nullopt: unbound).
  std::optional<sys::Endpoint> acq_local4_, acq_local6_;
  int sym_fd4_ = -1, sym_fd6_ = -1;
  SymmetricSend sym_send_;
  bool serving_ = false;
  core::Duration precision_ = kDefaultPrecision;
  const core::MacKeys* keys_ = nullptr;
  std::function<void(size_t)> replace_;
  NtsFactory nts_factory_;
  sys::Event reaper_;  // drops marked associations outside their own callbacks
  sys::Event reach_;   // re-checks reachability (refclocks have no poll to do it)
  std::vector<std::pair<core::IpAddress, core::Timestamp>> avoid_;  // dropped, and when
  core::Engine engine_;
  std::vector<std::unique_ptr<Assoc>> assocs_;
  sys::Event tick_;
  std::vector<size_t> init_origins_;  // initstepslew's sources
  bool init_active_ = false;          // ...which are polled until the first update
  bool is_init_origin(size_t origin) const;
  sys::Event init_timeout_;
  sys::Event leap_;
  bool leap_armed_ = false;
  uint32_t next_id_ = 1;
};

}  // namespace tempus::proc
