// SPDX-License-Identifier: ISC
// chronyc's state-changing commands (CmdmonControl) on the net process's pieces: the
// associations, the parent's step bounds for the makestep command, and callbacks run_net fills
// for what needs its source list, dns and key file (add, reload sources, rekey).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "config/model.h"
#include "proc/associations.h"
#include "proc/cmdmon_reports.h"

namespace tempus::proc {

// Adding and reloading sources, rekey, refresh, access rules and shutdown need the source list,
// dns, the key file, the servers and the event loop, which run_net owns: it fills the callbacks.
class NetControl final : public CmdmonControl {
 public:
  // real_clock: corrections go to the parent, whose step bounds apply (not under -x or -Q).
  // step_budget: command_steps_per_hour().
  NetControl(Associations& assocs, bool real_clock, uint32_t step_budget)
      : assocs_(assocs), real_clock_(real_clock), step_budget_(step_budget) {}

  std::function<core::cmdmon::Status(const config::NtpSource&)> on_add;
  std::function<core::cmdmon::Status()> on_reload;
  std::function<bool()> on_rekey;
  std::function<core::cmdmon::Status(bool command_port, const core::AccessRule&)> on_access;
  std::function<bool(bool command_port, const core::IpAddress&)> allows;
  std::function<void()> on_refresh;
  std::function<void()> on_shutdown;
  std::function<void()> on_cycle_logs;

  core::cmdmon::Status set_connectivity(const core::cmdmon::Request& req,
                                        Associations::Connectivity c) override {
    const bool any = assocs_.set_connectivity(selector(req), c);
    return any || c == Associations::Connectivity::kMaybe ? core::cmdmon::Status::kSuccess
                                                          : core::cmdmon::Status::kNoSuchSource;
  }
  core::cmdmon::Status burst(const core::cmdmon::Request& req) override {
    return assocs_.burst(selector(req), req.n_good, req.n_total)
               ? core::cmdmon::Status::kSuccess
               : core::cmdmon::Status::kNoSuchSource;
  }
  core::cmdmon::Status make_step() override;
  core::cmdmon::Status add_source(const core::cmdmon::SourceRequest& s) override {
    return on_add ? on_add(source_from_request(s)) : core::cmdmon::Status::kFailed;
  }
  core::cmdmon::Status delete_source(const core::IpAddress& address) override {
    return assocs_.remove(address) ? core::cmdmon::Status::kSuccess
                                   : core::cmdmon::Status::kNoSuchSource;
  }
  core::cmdmon::Status reload_sources() override {
    return on_reload ? on_reload() : core::cmdmon::Status::kFailed;
  }
  core::cmdmon::Status set_local(const core::cmdmon::Request::Local& l) override;
  core::cmdmon::Status rekey() override {
    return !on_rekey || on_rekey() ? core::cmdmon::Status::kSuccess
                                   : core::cmdmon::Status::kFailed;
  }
  core::cmdmon::Status add_access(bool command_port, const core::AccessRule& rule) override {
    return on_access ? on_access(command_port, rule) : core::cmdmon::Status::kFailed;
  }
  core::cmdmon::Status check_access(bool command_port, const core::IpAddress& ip) override {
    return allows && allows(command_port, ip) ? core::cmdmon::Status::kAccessAllowed
                                               : core::cmdmon::Status::kAccessDenied;
  }
  core::cmdmon::Status reselect() override {
    assocs_.reselect();
    return core::cmdmon::Status::kSuccess;
  }
  core::cmdmon::Status reset_sources() override {
    assocs_.reset_sources();
    return core::cmdmon::Status::kSuccess;
  }
  core::cmdmon::Status refresh() override { return run(on_refresh); }
  core::cmdmon::Status shutdown() override { return run(on_shutdown); }
  core::cmdmon::Status cycle_logs() override {
    if (on_cycle_logs) on_cycle_logs();
    return core::cmdmon::Status::kSuccess;
  }

 private:
  static core::cmdmon::Status run(const std::function<void()>& f) {
    if (!f) return core::cmdmon::Status::kFailed;
    f();
    return core::cmdmon::Status::kSuccess;
  }
  static Associations::Selector selector(const core::cmdmon::Request& req) {
    return [mask = req.mask, address = req.address](const core::IpAddress& ip) {
      return core::cmdmon::selects(mask, address, ip);
    };
  }

  Associations& assocs_;
  bool real_clock_;
  uint32_t step_budget_;
  std::optional<int64_t> last_step_;  // monotonic ns of the last step this command made
};

}  // namespace tempus::proc
