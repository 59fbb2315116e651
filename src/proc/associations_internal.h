// SPDX-License-Identifier: ISC
// Associations' per-source record, shared by its implementation files (associations.cc: the
// polling shell; associations_control.cc: chronyc's commands). Not for other users.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/ip.h"
#include "core/packet.h"
#include "ipc/unique_fd.h"
#include "proc/associations.h"
#include "proc/nts_ke_source.h"
#include "proc/refclock_phc.h"
#include "sys/event.h"

namespace tempus::proc {

struct Associations::Assoc {
  uint32_t id;
  size_t origin;        // index of the configured source
  bool pool;            // a pool member (replaceable)
  bool peer = false;    // symmetric active mode
  int shared_fd = -1;   // a peer's packets go out on the server socket (not owned), or -1
  bool dropped = false; // marked for reap()
  bool deleted = false; // by chronyc delete: not replaced, not avoided
  bool offline = false; // chronyc offline (or the `offline` option): not polled but in a burst
  bool refclock = false; // a reference clock: `name` is its refid, `path` its socket
  std::string path;
  uint64_t false_polls = 0;  // consecutive polls seen as a falseticker
  std::string name;
  core::IpAddress address;
  uint16_t port;
  ipc::UniqueFd fd;
  bool tx_timestamps = false;  // the kernel queues a transmit timestamp per request
  bool prefer = false, noselect = false, trust = false, require = false;
  std::optional<core::Header> last_header;  // of the newest reply that gave a sample
  std::optional<uint32_t> key_id;           // symmetric key
  core::Timestamp last_t1, last_t4;
  uint32_t tx_queued = 0;      // transmit timestamps not read yet
  core::Timestamp t1;  // when the last request left (local clock)
  std::optional<core::Timestamp> tx;  // the kernel's transmit time of it (CLOCK_REALTIME)
  char tx_source = 'D', rx_source = 'D';  // the last exchange's T1/T4: D daemon, K kernel
  std::unique_ptr<PhcRefclock> phc;   // refclock PHC
  std::unique_ptr<NtsSource> nts;     // `nts` sources
  sys::Event timer;
  sys::Event readable;
};

}  // namespace tempus::proc
