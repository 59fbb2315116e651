// SPDX-License-Identifier: ISC
// UDP sockets for NTP with kernel timestamps (SO_TIMESTAMPING, software): CLOCK_REALTIME at the
// moment the kernel took an incoming packet, and at the moment it handed an outgoing one to the
// device (read back from the socket's error queue), which excludes our own latencies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sys/socket.h>
#include <sys/types.h>

#include <span>
#include <string>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"
#include "ipc/unique_fd.h"
#include "sys/errno_result.h"

namespace tempus::sys {

struct Endpoint {
  core::IpAddress address;
  uint16_t port = 0;
};

// A non-blocking client socket connected to `server` from a kernel-chosen ephemeral port (a new
// random port per socket, RFC 9109), with receive timestamps enabled. Connecting makes the
// kernel drop datagrams from any other address or port. `local` (bindacqaddress,
// acquisitionport) binds it first; with a fixed port the socket is SO_REUSEADDR so that every
// source's socket can share that port (the kernel gives each datagram to the socket connected
// to its sender). tx_timestamps: the kernel also queues a transmit timestamp per datagram sent
// (SO_TIMESTAMPING was accepted).
struct ClientSocket {
  ipc::UniqueFd fd;
  bool tx_timestamps = false;
};
core::Result<ClientSocket, Errno> open_client_socket(const Endpoint& server,
                                                     const std::optional<Endpoint>& local = {});

// The local address the kernel uses toward `remote` (a connected socket's own address, or the
// route's source address found with a throwaway connected socket when fd < 0).
std::optional<core::IpAddress> local_address(int fd, const Endpoint& remote);

struct Received {
  size_t size = 0;                         // bytes written into the buffer (truncated: dropped)
  std::optional<core::Timestamp> kernel_rx;  // the kernel's receive time, when it gave one
  Endpoint from;
};

// The kernel's transmit time of the last datagram sent on `fd`, if one is waiting on the error
// queue (nullopt when the kernel gave none). `queued` is the caller's count of transmit
// timestamps not read yet (one per datagram sent): at most that many entries are read (and at
// most kMaxQueuedTx), each one read is subtracted. The error queue is never read beyond what
// was sent, because clknetsim's recvmsg(MSG_ERRQUEUE) on an empty queue hands out the next
// ordinary datagram instead of failing with EAGAIN as the kernel does.
inline constexpr uint32_t kMaxQueuedTx = 8;
std::optional<core::Timestamp> last_tx_timestamp(int fd, uint32_t& queued);

// The software timestamp in a received message's control data (SCM_TIMESTAMPING's first entry,
// or SCM_TIMESTAMPNS), if any.
std::optional<core::Timestamp> software_timestamp(const msghdr& msg);

// One datagram, or EAGAIN when none is waiting. Truncated datagrams are reported with size 0.
core::Result<Received, Errno> receive(int fd, std::span<std::byte> buf);

// Endpoint ↔ sockaddr (sockaddr_in or sockaddr_in6); to_sockaddr returns the length to pass.
socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& ss);
Endpoint from_sockaddr(const sockaddr_storage& ss);

// Sends on a connected socket.
core::Status<Errno> send(int fd, std::span<const std::byte> data);

// A non-blocking server socket bound to `local` (an IPv6 one is IPv6-only), with receive
// timestamps and numbered transmit timestamps (see sys/udp_batch.h). Binding port 123 needs root: call before the sandbox closes.
// `device` (binddevice): only packets of that interface (SO_BINDTODEVICE; needs root before
// Linux 5.7, so call before the sandbox); empty: any.
core::Result<ipc::UniqueFd, Errno> open_server_socket(const Endpoint& local,
                                                       const std::string& device = {});
// Turns a server socket's numbered transmit timestamps on (the numbering restarts at 0) or off
// (receive timestamps stay on).
core::Status<Errno> set_server_tx_timestamps(int fd, bool on);

// Sends a datagram to `to` on an unconnected socket.
core::Status<Errno> send_to(int fd, std::span<const std::byte> data, const Endpoint& to);

// A non-blocking unix socket of `type` (SOCK_STREAM, SOCK_DGRAM) bound at `path` with file mode
// `mode`; a stale socket file there is replaced, any other file there is EEXIST, a path too
// long for sockaddr_un is ENAMETOOLONG. Call before the sandbox closes.
core::Result<ipc::UniqueFd, Errno> bind_unix_socket(const std::string& path, int type, mode_t mode);

// The refclock SOCK socket: a datagram socket, mode 0600, so only root may send samples (as
// gpsd does).
inline core::Result<ipc::UniqueFd, Errno> open_refclock_socket(const std::string& path) {
  return bind_unix_socket(path, SOCK_DGRAM, 0600);
}

// CLOCK_REALTIME now.
core::Timestamp realtime_now();
// The precision of reading CLOCK_REALTIME: the smallest step between two successive readings
// that differ, over a few thousand reads (a coarse clock shows its tick); 0 when the clock never
// moved meanwhile (a simulated one).
core::Duration measure_clock_precision();
// CLOCK_MONOTONIC now, in ns.
int64_t monotonic_ns();

}  // namespace tempus::sys
