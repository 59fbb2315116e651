// SPDX-License-Identifier: ISC
// Batched datagram I/O for the NTP server's hot path: recvmmsg() with each message's
// SO_TIMESTAMPING control data, replies sent back to their senders with one sendmmsg(), and the
// kernel's transmit timestamps read back from the error queue in batches too. Every buffer is
// allocated once, when the batch is made: nothing is allocated per datagram.
//
// The server socket (sys::open_server_socket) numbers its datagrams for the kernel transmit
// timestamps (SOF_TIMESTAMPING_OPT_ID): the n-th datagram sent on it comes back with id n − 1.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <optional>
#include <span>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"
#include "sys/errno_result.h"

namespace tempus::sys {

class ServerBatch {
 public:
  static constexpr size_t kMaxMessages = 64;
  static constexpr size_t kMaxDatagram = 1024;  // larger requests arrive truncated: flagged
  static constexpr size_t kReplyLen = 48;       // replies are bare NTP headers

  ServerBatch();
  ServerBatch(const ServerBatch&) = delete;
  ServerBatch& operator=(const ServerBatch&) = delete;

  // Reads up to kMaxMessages datagrams waiting on `fd` and forgets any queued replies. EAGAIN
  // when none is waiting.
  core::Result<size_t, Errno> receive(int fd);

  // Message i of the last receive() (i < its count).
  std::span<const std::byte> data(size_t i) const {
    return {bufs_[i].data(), static_cast<size_t>(in_[i].msg_len)};
  }
  bool truncated(size_t i) const { return (in_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }
  core::IpAddress from(size_t i) const;
  uint16_t from_port(size_t i) const { return ntohs(names_[i].sin6_port); }  // same offset in v4
  // The kernel's software receive time (CLOCK_REALTIME), when it gave one.
  std::optional<core::Timestamp> kernel_rx(size_t i) const;

  // Queues a reply to message i and returns its buffer, to be filled before send_queued().
  std::span<std::byte, kReplyLen> queue_reply(size_t i);
  size_t queued() const { return queued_; }
  std::span<std::byte, kReplyLen> queued_reply(size_t k) { return replies_[k]; }
  // Sends every queued reply to its sender, in order. A reply the kernel refuses is skipped
  // (EAGAIN ends the batch: the socket buffer is full). sent(k) tells what went out.
  void send_queued(int fd);
  bool sent(size_t k) const { return sent_[k]; }

  // Reads kernel transmit timestamps waiting on `fd`'s error queue (up to kMaxMessages); 0
  // when none. Each has the datagram's id and CLOCK_REALTIME time.
  struct TxStamp {
    uint32_t id;
    core::Timestamp time;
  };
  std::span<const TxStamp> receive_tx_timestamps(int fd);

 private:
  static constexpr size_t kControlLen = 128;
  struct alignas(cmsghdr) Control {
    std::array<char, kControlLen> bytes;
  };
  std::array<mmsghdr, kMaxMessages> in_{};
  std::array<iovec, kMaxMessages> in_iov_{};
  std::array<sockaddr_in6, kMaxMessages> names_{};  // large enough for AF_INET and AF_INET6
  std::array<Control, kMaxMessages> control_{};
  std::array<std::array<std::byte, kMaxDatagram>, kMaxMessages> bufs_{};

  std::array<mmsghdr, kMaxMessages> out_{};
  std::array<iovec, kMaxMessages> out_iov_{};
  std::array<std::array<std::byte, kReplyLen>, kMaxMessages> replies_{};
  std::array<bool, kMaxMessages> sent_{};
  size_t queued_ = 0;

  std::array<mmsghdr, kMaxMessages> err_{};
  std::array<Control, kMaxMessages> err_control_{};
  std::array<TxStamp, kMaxMessages> tx_{};
};

}  // namespace tempus::sys
