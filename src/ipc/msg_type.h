// SPDX-License-Identifier: ISC
// The closed list of IPC message types and which process may send each to which.
//
// Processes (design.md §2): the parent (root, CAP_SYS_TIME only), net (NTP engine, sandboxed) and
// dns (getaddrinfo, sandboxed). Channels: parent↔net, parent↔dns, net↔dns, one SOCK_SEQPACKET
// socketpair each. A receiver accepts a frame only if is_allowed(type, sender, receiver); anything
// else from a peer process is fatal (fail closed).
//
// Values are grouped by purpose; 0 is never a type, so a zeroed header is rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tempus::ipc {

enum class MsgType : uint32_t {
  // Lifecycle.
  kHello = 1,      // child → parent: first frame after exec          (messages.h)
  kReady = 2,      // child → parent: sandbox closed, serving         (messages.h)
  kShutdown = 3,   // parent → child: exit now; net → parent: stop   (messages.h)
  // The parent's clock verbs (net → parent) and their reply.
  kSlewOffset = 16,       // (messages.h)
  kSetFrequency = 17,     // (messages.h)
  kStepClock = 18,        // (messages.h)
  kSetKernelStatus = 19,  // (messages.h)
  kWriteDrift = 20,       // (messages.h)
  kClockResult = 21,      // parent → net, one per clock verb         (messages.h)
  // Bounded services of the parent.
  kLogLine = 32,     // net/dns → parent: relay to syslog/journal      (services.h)
  kSdNotify = 33,    // net → parent: a closed set of sd_notify states (services.h)
  kWriteFile = 34,   // net → parent: write a daemon-owned file by id  (services.h)
  kFileResult = 35,  // parent → net: outcome of one WriteFile         (services.h)
  kSeccompViolation = 36,  // net/dns → parent: sent from the SIGSYS handler (services.h)
  // Name resolution.
  kResolveRequest = 48,  // net → dns                                 (resolve.h)
  kResolveReply = 49,    // dns → net                                 (resolve.h)
  // sourcedir files for chronyc's `reload sources`.
  kSourcesRequest = 50,  // net → dns                                 (sources.h)
  kSourcesFile = 51,     // dns → net                                 (sources.h)
};

// The MsgType with this wire value, or nullopt for any value not listed above.
std::optional<MsgType> msg_type_from_wire(uint32_t v);
inline bool is_known_type(uint32_t v) { return msg_type_from_wire(v).has_value(); }

// Stable name for logs, e.g. "slew_offset"; "unknown" for values outside the enum.
std::string_view to_string(MsgType t);

// Which process sent or receives a frame. The wire value is also Hello/Ready's role field.
enum class Role : uint8_t {
  kParent = 0,
  kNet = 1,
  kDns = 2,
};
std::string_view to_string(Role r);

// True when a frame of type t may travel from `from` to `to`. The table:
//   Hello                                      net → parent, dns → parent, dns → net
//   Ready, LogLine, SeccompViolation           net → parent, dns → parent
//   Shutdown                                   parent → net, parent → dns, net → parent
//   SlewOffset .. WriteDrift, SdNotify,
//   WriteFile                                  net → parent
//   ClockResult, FileResult                    parent → net
//   ResolveRequest, SourcesRequest             net → dns
//   ResolveReply, SourcesFile                  dns → net
bool is_allowed(MsgType t, Role from, Role to);

// True when frames of type t may carry a passed fd (SCM_RIGHTS). No message does yet; a frame
// that arrives with an fd it may not carry is malformed.
bool carries_fd(MsgType t);

}  // namespace tempus::ipc
