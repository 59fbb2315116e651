// SPDX-License-Identifier: ISC
// The SELinux domains of the child processes (selinux/tempusd.te). The net and dns processes are
// this same binary executed again, so the policy cannot pick their domains by file type: the
// parent names each child's domain with setexeccon() just before it forks and executes itself,
// and clears it right after.
//
// This happens only when SELinux is enabled and the parent itself runs in tempusd_t (started by
// systemd with the module installed). Anywhere else (SELinux off, the module not installed, a
// daemon started by hand from an unconfined shell) the children simply stay in the parent's
// domain, as every process does. If the child's context cannot be set while the parent is in
// tempusd_t, that is fatal when SELinux enforces (the module is missing its child domains:
// reinstall it) and a warning when it is permissive.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tempus::sys {

inline constexpr std::string_view kSelinuxParentType = "tempusd_t";
inline constexpr std::string_view kSelinuxNetType = "tempusd_net_t";
inline constexpr std::string_view kSelinuxDnsType = "tempusd_dns_t";

enum class SelinuxMode { kDisabled, kPermissive, kEnforcing };

struct SelinuxState {
  SelinuxMode mode = SelinuxMode::kDisabled;
  std::string context;  // the calling process's context; empty when disabled
};

// Pure. The type field of a context "user:role:type[:range]" (the MLS range may itself contain
// ':'); nullopt when `context` is not of that form (an empty field, fewer than three ':').
std::optional<std::string_view> context_type(std::string_view context);

// Pure. `context` with its type replaced by `type`; user, role and range are kept. Errors: a
// malformed context, or a type that is not a plain name ([A-Za-z0-9_]+).
core::Result<std::string, std::string> context_with_type(std::string_view context,
                                                         std::string_view type);

// Pure. The context a child of type `child_type` is to be executed in: nullopt when nothing is to
// be set (SELinux disabled, or the parent is not in kSelinuxParentType).
core::Result<std::optional<std::string>, std::string> child_exec_context(
    const SelinuxState& st, std::string_view child_type);

// is_selinux_enabled(), security_getenforce() and getcon(). A state that cannot be read while
// SELinux is enabled counts as enforcing with an empty context (child_exec_context then fails).
SelinuxState selinux_state();

// Parent, before spawning a child: sets the context of the next execve from this process
// (security_check_context, then setexeccon) as child_exec_context says. On failure: fatal when
// enforcing, otherwise a warning and the child keeps the parent's domain. `what` names the child
// in messages ("net"). Returns whether a context was set (clear it after the fork).
bool set_child_exec_context(const SelinuxState& st, std::string_view child_type,
                            const char* what);
// setexeccon(NULL): later executions get the default transition again. Failure is fatal (a
// context left set would apply to whatever this process executes next).
void clear_exec_context();

}  // namespace tempus::sys
