// SPDX-License-Identifier: ISC
#include "sys/udp_batch.h"

#include <linux/errqueue.h>
#include <netinet/in.h>

#include <cstring>

#include "sys/udp.h"

namespace tempus::sys {

ServerBatch::ServerBatch() {
  for (size_t i = 0; i < kMaxMessages; ++i) {
    in_iov_[i] = {bufs_[i].data(), bufs_[i].size()};
    in_[i].msg_hdr.msg_iov = &in_iov_[i];
    in_[i].msg_hdr.msg_iovlen = 1;
    out_[i].msg_hdr.msg_iovlen = 1;
    out_iov_[i].iov_len = kReplyLen;
    // The error queue's messages carry no payload (SOF_TIMESTAMPING_OPT_TSONLY).
    err_[i].msg_hdr.msg_control = err_control_[i].bytes.data();
  }
}

core::Result<size_t, Errno> ServerBatch::receive(int fd) {
  queued_ = 0;
  for (size_t i = 0; i < kMaxMessages; ++i) {
    msghdr& h = in_[i].msg_hdr;  // the kernel rewrites these lengths: reset them every time
    h.msg_name = &names_[i];
    h.msg_namelen = sizeof names_[i];
    h.msg_control = control_[i].bytes.data();
    h.msg_controllen = kControlLen;
    h.msg_flags = 0;
  }
  const int n = recvmmsg(fd, in_.data(), kMaxMessages, MSG_DONTWAIT, nullptr);
  if (n < 0) return core::Unexpected{last_errno()};
  return static_cast<size_t>(n);
}

core::IpAddress ServerBatch::from(size_t i) const {
  const sockaddr_in6& s6 = names_[i];
  if (s6.sin6_family == AF_INET) {
    uint32_t a;
    std::memcpy(&a, &reinterpret_cast<const sockaddr_in&>(s6).sin_addr, 4);
    return core::IpAddress::v4(ntohl(a));
  }
  std::array<uint8_t, 16> b;
  std::memcpy(b.data(), &s6.sin6_addr, 16);
  return core::IpAddress::v6(b);
}

std::optional<core::Timestamp> ServerBatch::kernel_rx(size_t i) const {
  return software_timestamp(in_[i].msg_hdr);
}

std::span<std::byte, ServerBatch::kReplyLen> ServerBatch::queue_reply(size_t i) {
  const size_t k = queued_++;
  msghdr& h = out_[k].msg_hdr;
  h.msg_name = &names_[i];
  h.msg_namelen = in_[i].msg_hdr.msg_namelen;
  out_iov_[k].iov_base = replies_[k].data();
  h.msg_iov = &out_iov_[k];
  sent_[k] = false;
  return replies_[k];
}

void ServerBatch::send_queued(int fd) {
  size_t k = 0;
  while (k < queued_) {
    const int n = sendmmsg(fd, &out_[k], static_cast<unsigned>(queued_ - k), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      for (size_t j = k; j < k + static_cast<size_t>(n); ++j) sent_[j] = true;
      k += static_cast<size_t>(n);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;
    ++k;  // this one was refused (e.g. unreachable): skip it, send the rest
  }
}

std::span<const ServerBatch::TxStamp> ServerBatch::receive_tx_timestamps(int fd) {
  for (auto& m : err_) {
    m.msg_hdr.msg_controllen = kControlLen;
    m.msg_hdr.msg_flags = 0;
  }
  const int n = recvmmsg(fd, err_.data(), kMaxMessages, MSG_ERRQUEUE | MSG_DONTWAIT, nullptr);
  size_t count = 0;
  for (int i = 0; i < n; ++i) {
    msghdr& h = err_[static_cast<size_t>(i)].msg_hdr;
    const auto ts = software_timestamp(h);
    std::optional<uint32_t> id;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
      const bool recverr = (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
                           (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR);
      if (!recverr || c->cmsg_len < CMSG_LEN(sizeof(sock_extended_err))) continue;
      sock_extended_err e;
      std::memcpy(&e, CMSG_DATA(c), sizeof e);
      if (e.ee_errno == ENOMSG && e.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) id = e.ee_data;
    }
    if (ts && id) tx_[count++] = {*id, *ts};
  }
  return {tx_.data(), count};
}

}  // namespace tempus::sys
