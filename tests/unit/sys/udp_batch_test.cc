// SPDX-License-Identifier: ISC
#include "sys/udp_batch.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "ipc/unique_fd.h"
#include "sys/udp.h"

namespace tempus::sys {
namespace {

struct Pair {
  ipc::UniqueFd server;
  ipc::UniqueFd client;
};

// A server socket on 127.0.0.1 (kernel-chosen port) and a client socket connected to it.
Pair loopback_pair() {
  Pair p;
  auto s = open_server_socket({core::IpAddress::loopback(core::IpFamily::kV4), 0});
  EXPECT_TRUE(s.ok());
  p.server = std::move(*s);
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(p.server.get(), reinterpret_cast<sockaddr*>(&a), &len);
  p.client = ipc::UniqueFd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(connect(p.client.get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  return p;
}

void wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);
}

// The kernel turns receive timestamps on for the whole system from a work queue after the first
// socket asks (net_enable_timestamp), so on a busy machine the first datagrams may come without
// one. Sends probes until one arrives stamped (at most 2 s), so the test checks delivery, not
// that race.
void wait_for_rx_timestamps(const Pair& p, ServerBatch& batch) {
  for (int i = 0; i < 200; ++i) {
    const uint8_t probe[48] = {0x23};
    ASSERT_EQ(::send(p.client.get(), probe, sizeof probe, 0), 48);
    wait_readable(p.server.get());
    auto n = batch.receive(p.server.get());
    ASSERT_TRUE(n.ok());
    if (*n > 0 && batch.kernel_rx(*n - 1)) return;
    usleep(10'000);
  }
  FAIL() << "no kernel receive timestamp within 2 s";
}

TEST(ServerBatch, ReceivesRepliesAndReadsTransmitTimestamps) {
  Pair p = loopback_pair();
  auto batch = std::make_unique<ServerBatch>();
  EXPECT_EQ(batch->receive(p.server.get()).error(), Errno{EAGAIN});
  wait_for_rx_timestamps(p, *batch);
  std::vector<std::byte> big(ServerBatch::kMaxDatagram + 10, std::byte{1});
  for (uint8_t i = 0; i < 3; ++i) {
    const uint8_t req[48] = {0x23, i};
    ASSERT_EQ(::send(p.client.get(), req, sizeof req, 0), 48);
  }
  ASSERT_EQ(::send(p.client.get(), big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  wait_readable(p.server.get());
  const core::Timestamp before = realtime_now();
  auto n = batch->receive(p.server.get());
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(batch->truncated(i));
    ASSERT_EQ(batch->data(i).size(), 48u);
    EXPECT_EQ(batch->data(i)[1], std::byte(i));
    EXPECT_EQ(batch->from(i), core::IpAddress::loopback(core::IpFamily::kV4));
    ASSERT_TRUE(batch->kernel_rx(i));
    EXPECT_LE(*batch->kernel_rx(i), before);
    EXPECT_GT(*batch->kernel_rx(i), before - core::Duration::s(5));
    // Replies to the first and third only.
    if (i == 1) continue;
    auto out = batch->queue_reply(i);
    std::fill(out.begin(), out.end(), std::byte(0x40 + i));
  }
  EXPECT_TRUE(batch->truncated(3));
  ASSERT_EQ(batch->queued(), 2u);
  batch->send_queued(p.server.get());
  EXPECT_TRUE(batch->sent(0));
  EXPECT_TRUE(batch->sent(1));
  uint8_t got[64];
  ASSERT_EQ(recv(p.client.get(), got, sizeof got, 0), 48);
  EXPECT_EQ(got[0], 0x40);
  ASSERT_EQ(recv(p.client.get(), got, sizeof got, 0), 48);
  EXPECT_EQ(got[47], 0x42);
  // The two datagrams sent are numbered 0 and 1 (loopback's transmit path timestamps them).
  std::vector<uint32_t> ids;
  for (int i = 0; i < 50 && ids.size() < 2; ++i) {
    for (const auto& t : batch->receive_tx_timestamps(p.server.get())) {
      ids.push_back(t.id);
      EXPECT_GE(t.time, before);
    }
    if (ids.size() < 2) usleep(10'000);
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1}));
  EXPECT_TRUE(batch->receive_tx_timestamps(p.server.get()).empty());
}

// Sends one request, answers it, and returns the ids of the transmit timestamps that come back:
// waiting up to 2 s for the first when `expect` (a loaded machine can be slow), 100 ms when not.
std::vector<uint32_t> answer_one(Pair& p, ServerBatch& batch, bool expect = true) {
  const uint8_t req[48] = {0x23};
  EXPECT_EQ(::send(p.client.get(), req, sizeof req, 0), 48);
  wait_readable(p.server.get());
  EXPECT_EQ(batch.receive(p.server.get()).value_or(0), 1u);
  batch.queue_reply(0);
  batch.send_queued(p.server.get());
  uint8_t got[64];
  EXPECT_EQ(recv(p.client.get(), got, sizeof got, 0), 48);
  std::vector<uint32_t> ids;
  for (int i = 0; i < (expect ? 200 : 10); ++i) {
    for (const auto& t : batch.receive_tx_timestamps(p.server.get())) ids.push_back(t.id);
    if (!ids.empty()) break;
    usleep(10'000);
  }
  return ids;
}

TEST(ServerBatch, TransmitTimestampsOffAndOnAgain) {
  // What the server does under saturation: no transmit timestamps while off, and numbering
  // from 0 again once back on.
  Pair p = loopback_pair();
  auto batch = std::make_unique<ServerBatch>();
  EXPECT_EQ(answer_one(p, *batch), (std::vector<uint32_t>{0}));
  EXPECT_EQ(answer_one(p, *batch), (std::vector<uint32_t>{1}));
  ASSERT_TRUE(set_server_tx_timestamps(p.server.get(), false).ok());
  EXPECT_TRUE(answer_one(p, *batch, false).empty());
  ASSERT_TRUE(set_server_tx_timestamps(p.server.get(), true).ok());
  EXPECT_EQ(answer_one(p, *batch), (std::vector<uint32_t>{0}));
  // Receive timestamps stayed on throughout.
  const uint8_t req[48] = {0x23};
  ASSERT_EQ(::send(p.client.get(), req, sizeof req, 0), 48);
  wait_readable(p.server.get());
  ASSERT_EQ(batch->receive(p.server.get()).value_or(0), 1u);
  EXPECT_TRUE(batch->kernel_rx(0).has_value());
}

TEST(ServerBatch, ReceiveForgetsQueuedReplies) {
  Pair p = loopback_pair();
  auto batch = std::make_unique<ServerBatch>();
  const uint8_t req[48] = {0x23};
  ASSERT_EQ(::send(p.client.get(), req, sizeof req, 0), 48);
  wait_readable(p.server.get());
  ASSERT_EQ(*batch->receive(p.server.get()), 1u);
  batch->queue_reply(0);
  EXPECT_EQ(batch->queued(), 1u);
  (void)batch->receive(p.server.get());
  EXPECT_EQ(batch->queued(), 0u);
}

}  // namespace
}  // namespace tempus::sys
