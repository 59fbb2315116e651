// SPDX-License-Identifier: ISC
// Channel, send_frame and recv_frame over a real SOCK_SEQPACKET socketpair.
#include "ipc/channel.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/any_message.h"
#include "test_util.h"

namespace tempus::ipc {
namespace {

using testing::hex;

bool any_type(MsgType) { return true; }

struct Pair {
  UniqueFd a;
  UniqueFd b;
};

Pair make_pair() {
  auto p = make_socket_pair();
  EXPECT_TRUE(p.ok());
  return {std::move(p->first), std::move(p->second)};
}

ChannelOptions net_side(bool fds = false) {
  ChannelOptions o;
  o.self = Role::kNet;
  o.peer = Role::kParent;
  if (fds) o.fd_allowed = any_type;
  return o;
}
ChannelOptions parent_side(bool fds = false) {
  ChannelOptions o;
  o.self = Role::kParent;
  o.peer = Role::kNet;
  if (fds) o.fd_allowed = any_type;
  return o;
}

struct Pipe {
  UniqueFd r;
  UniqueFd w;
};
Pipe make_pipe() {
  int p[2];
  EXPECT_EQ(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
  return {UniqueFd(p[0]), UniqueFd(p[1])};
}

// sendmsg with any number of fds attached (the Channel never does this).
void send_with_fds(int sock, const std::vector<std::byte>& data, const std::vector<int>& fds) {
  iovec iov{const_cast<std::byte*>(data.data()), data.size()};
  std::vector<char> ctrl(CMSG_SPACE(sizeof(int) * fds.size()));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrl.data();
  msg.msg_controllen = ctrl.size();
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  ASSERT_EQ(::sendmsg(sock, &msg, 0), static_cast<ssize_t>(data.size()));
}

std::vector<std::byte> hello_frame(uint32_t pid) {
  auto f = encode_message(Hello{Role::kNet, pid}, 0, pid);
  EXPECT_TRUE(f.ok());
  return *f;
}

uint32_t self_pid() { return static_cast<uint32_t>(::getpid()); }

// True when every write end of p is closed (read gives EOF rather than EAGAIN).
bool write_ends_closed(const Pipe& p) {
  char c;
  return ::read(p.r.get(), &c, 1) == 0;
}

TEST(Channel, SendAndReceiveFrames) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  ChannelOptions po = parent_side();
  po.peer_pid = self_pid();
  Channel parent(std::move(b), po);

  ASSERT_TRUE(net.send(SlewOffset{-250'000}, 41).ok());
  ASSERT_TRUE(net.send(LogLine{3, "clock stepped"}, 42).ok());
  EXPECT_FALSE(net.wants_write());

  auto n = parent.on_readable();
  ASSERT_TRUE(n.ok()) << to_string(n.error());
  EXPECT_EQ(*n, 2u);
  auto f1 = parent.next();
  ASSERT_TRUE(f1.has_value());
  EXPECT_EQ(f1->frame.header.type, MsgType::kSlewOffset);
  EXPECT_EQ(f1->frame.header.peer_id, 41u);
  EXPECT_EQ(f1->frame.header.pid, self_pid());
  EXPECT_FALSE(f1->fd.valid());
  EXPECT_EQ(decode_message<SlewOffset>(f1->frame)->offset_ns, -250'000);
  auto f2 = parent.next();
  ASSERT_TRUE(f2.has_value());
  EXPECT_EQ(decode_message<LogLine>(f2->frame)->text, "clock stepped");
  EXPECT_FALSE(parent.next().has_value());

  // And back: the reply echoes the request's peer id.
  ASSERT_TRUE(parent.send(ClockResult{MsgType::kSlewOffset, 0, 0, 0, 0}, 41).ok());
  ASSERT_EQ(*net.on_readable(), 1u);
  auto r = net.next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->frame.header.peer_id, 41u);
  EXPECT_EQ(decode_message<ClockResult>(r->frame)->request, MsgType::kSlewOffset);
}

TEST(Channel, NothingToReadIsNotAnError) {
  auto [a, b] = make_pair();
  Channel parent(std::move(b), parent_side());
  auto n = parent.on_readable();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  FrameDecoder d;
  auto r = recv_frame(a.get(), d);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().would_block());
  EXPECT_EQ(r.error().sys_errno, EAGAIN);
}

TEST(Channel, PassAnFdAndUseIt) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side(true));
  Channel parent(std::move(b), parent_side(true));
  Pipe p = make_pipe();
  ASSERT_TRUE(net.send(Hello{Role::kNet, self_pid()}, 0, std::move(p.w)).ok());
  EXPECT_FALSE(p.w.valid());  // ownership moved; our copy is closed after the send
  ASSERT_EQ(*parent.on_readable(), 1u);
  auto rf = parent.next();
  ASSERT_TRUE(rf.has_value());
  ASSERT_TRUE(rf->fd.valid());
  EXPECT_NE(::fcntl(rf->fd.get(), F_GETFD) & FD_CLOEXEC, 0);  // MSG_CMSG_CLOEXEC
  ASSERT_EQ(::write(rf->fd.get(), "tick", 4), 4);
  char buf[8] = {};
  ASSERT_EQ(::read(p.r.get(), buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "tick");
  rf->fd.reset();
  EXPECT_TRUE(write_ends_closed(p));  // the received copy was the only one left
}

TEST(Channel, FdOnTypeThatCarriesNoneIsRejected) {
  auto [a, b] = make_pair();
  Pipe p = make_pipe();
  {
    Channel net(std::move(a), net_side());
    EXPECT_EQ(net.send(Hello{Role::kNet, self_pid()}, 0, std::move(p.w)).error().code,
              IpcError::kUnexpectedFd);
    ASSERT_TRUE(send_frame(net.fd(), hello_frame(self_pid()), p.r.get()).ok());
  }
  Channel parent(std::move(b), parent_side());
  EXPECT_EQ(parent.on_readable().error().code, IpcError::kUnexpectedFd);
}

TEST(Channel, ExtraFdsAreClosed) {
  auto [a, b] = make_pair();
  Pipe p = make_pipe();
  send_with_fds(a.get(), hello_frame(self_pid()), {p.w.get(), p.w.get()});
  p.w.reset();
  EXPECT_FALSE(write_ends_closed(p));  // two copies in flight
  FrameDecoder d;
  auto r = recv_frame(b.get(), d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, IpcError::kTooManyFds);
  EXPECT_TRUE(write_ends_closed(p));
}

TEST(Channel, ControlTruncationIsAnErrorAndClosesWhatArrived) {
  auto [a, b] = make_pair();
  Pipe p = make_pipe();
  const std::vector<int> many(16, p.w.get());  // more than the receiver makes room for
  send_with_fds(a.get(), hello_frame(self_pid()), many);
  p.w.reset();
  FrameDecoder d;
  auto r = recv_frame(b.get(), d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, IpcError::kControlTruncated);
  EXPECT_TRUE(write_ends_closed(p));
}

TEST(Channel, PeerClosedIsStickyButEarlierFramesRemain) {
  auto [a, b] = make_pair();
  Channel parent(std::move(b), parent_side());
  {
    Channel net(std::move(a), net_side());
    ASSERT_TRUE(net.send(LogLine{2, "net: fatal: bye"}).ok());
  }  // closes the net end
  auto n = parent.on_readable();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, IpcError::kPeerClosed);
  EXPECT_TRUE(parent.failed());
  auto rf = parent.next();
  ASSERT_TRUE(rf.has_value());
  EXPECT_EQ(decode_message<LogLine>(rf->frame)->text, "net: fatal: bye");
  EXPECT_EQ(parent.on_readable().error().code, IpcError::kPeerClosed);
  EXPECT_EQ(parent.send(Shutdown{}).error().code, IpcError::kPeerClosed);
}

TEST(Channel, SendToClosedPeerFailsWithEpipe) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  b.reset();
  auto s = net.send(SlewOffset{1});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, IpcError::kSyscall);
  EXPECT_EQ(s.error().sys_errno, EPIPE);
  EXPECT_TRUE(net.failed());
  EXPECT_EQ(to_string(s.error()).rfind("syscall: ", 0), 0u);
}

TEST(Channel, WrongPidRejected) {
  auto [a, b] = make_pair();
  ChannelOptions po = parent_side();
  po.peer_pid = self_pid() + 1;
  Channel parent(std::move(b), po);
  Channel net(std::move(a), net_side());
  ASSERT_TRUE(net.send(SlewOffset{1}).ok());
  EXPECT_EQ(parent.on_readable().error().code, IpcError::kBadPid);
}

TEST(Channel, ForbiddenDirection) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  // net may not send a reply type to the parent.
  EXPECT_EQ(net.send(ClockResult{}).error().code, IpcError::kForbiddenType);
  EXPECT_EQ(net.send(FileResult{}).error().code, IpcError::kForbiddenType);
  EXPECT_FALSE(net.failed());
  // A child-to-parent type arriving at the child is rejected there.
  auto f = encode_message(StepClock{5}, 0, self_pid());
  ASSERT_TRUE(send_frame(b.get(), *f).ok());
  EXPECT_EQ(net.on_readable().error().code, IpcError::kForbiddenType);
}

TEST(Channel, MalformedDatagrams) {
  struct Case {
    std::vector<std::byte> bytes;
    IpcError want;
  };
  const auto hello = hello_frame(self_pid());
  auto two = hello;
  two.insert(two.end(), hello.begin(), hello.end());
  auto claims_more = hello;
  claims_more[7] = std::byte{0x19};  // len 25 in a 24-byte datagram
  auto half = std::vector<std::byte>(hello.begin(), hello.begin() + 20);
  const std::vector<Case> cases = {
      {hex("00000001 0000"), IpcError::kNotOneFrame},
      {half, IpcError::kNotOneFrame},
      {two, IpcError::kNotOneFrame},
      {claims_more, IpcError::kNotOneFrame},
      {hex("00000001 00000008 00000000 00000000"), IpcError::kFrameTooShort},
      {hex("00000063 00000010 00000000 00000000"), IpcError::kUnknownType},
  };
  for (const auto& c : cases) {
    auto [a, b] = make_pair();
    ASSERT_TRUE(send_frame(a.get(), c.bytes).ok());
    FrameDecoder d;
    auto r = recv_frame(b.get(), d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, c.want) << to_string(r.error());
  }
}

TEST(Channel, OversizedDatagramIsTooLong) {
  auto [a, b] = make_pair();
  EXPECT_EQ(send_frame(a.get(), std::vector<std::byte>(kMaxFrameLen + 1)).error().code,
            IpcError::kFrameTooLong);
  // Bypass send_frame's check: the receiver sees MSG_TRUNC.
  std::vector<std::byte> big = hello_frame(self_pid());
  big.resize(kMaxFrameLen + 100);
  ASSERT_EQ(::send(a.get(), big.data(), big.size(), 0), static_cast<ssize_t>(big.size()));
  FrameDecoder d;
  EXPECT_EQ(recv_frame(b.get(), d).error().code, IpcError::kFrameTooLong);
}

TEST(Channel, QueuesWhenSocketIsFullAndFlushesInOrder) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  Channel parent(std::move(b), parent_side());
  const WriteFile chunk{FileId::kNtsCookies, FileOp::kContinue,
                        std::vector<std::byte>(WriteFile::kMaxData, std::byte{0x5a})};
  uint32_t sent = 0;
  while (!net.wants_write()) {
    ASSERT_TRUE(net.send(chunk, sent).ok());
    ++sent;
    ASSERT_LT(sent, 10000u) << "socket never filled";
  }
  // The socket is full; further sends queue without error.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.send(chunk, sent++).ok());
  EXPECT_GE(net.queued(), 6u);

  uint32_t expect = 0;
  while (expect < sent) {
    auto n = parent.on_readable();
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    while (auto rf = parent.next()) {
      EXPECT_EQ(rf->frame.header.peer_id, expect);
      EXPECT_EQ(rf->frame.header.len, kMaxFrameLen);
      ++expect;
    }
    ASSERT_TRUE(net.flush().ok());
    if (*n == 0 && !net.wants_write()) break;
  }
  EXPECT_EQ(expect, sent);
  EXPECT_FALSE(net.wants_write());
}

TEST(Channel, QueueFullIsNotFatal) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  const WriteFile chunk{FileId::kNtsKeys, FileOp::kContinue,
                        std::vector<std::byte>(WriteFile::kMaxData)};
  core::Status<ChannelError> s;
  size_t n = 0;
  while ((s = net.send(chunk)).ok()) ASSERT_LT(++n, 100000u);
  EXPECT_EQ(s.error().code, IpcError::kQueueFull);
  EXPECT_EQ(net.queued(), Channel::kMaxQueuedFrames);
  EXPECT_FALSE(net.failed());
}

TEST(Channel, InboxIsBounded) {
  auto [a, b] = make_pair();
  Channel net(std::move(a), net_side());
  Channel parent(std::move(b), parent_side());
  for (uint32_t i = 0; i < Channel::kMaxInbox + 3; ++i) ASSERT_TRUE(net.send(SlewOffset{i}).ok());
  EXPECT_EQ(*parent.on_readable(), Channel::kMaxInbox);
  EXPECT_EQ(*parent.on_readable(), 0u);  // full until drained
  size_t drained = 0;
  while (parent.next()) ++drained;
  EXPECT_EQ(drained, Channel::kMaxInbox);
  EXPECT_EQ(*parent.on_readable(), 3u);
}

TEST(UniqueFd, OwnsAndMoves) {
  Pipe p = make_pipe();
  const int raw = p.w.get();
  UniqueFd moved(std::move(p.w));
  EXPECT_FALSE(p.w.valid());
  EXPECT_EQ(moved.get(), raw);
  UniqueFd other;
  other = std::move(moved);
  EXPECT_EQ(other.get(), raw);
  EXPECT_FALSE(write_ends_closed(p));
  const int released = other.release();
  EXPECT_FALSE(other.valid());
  UniqueFd again(released);
  again.reset();
  EXPECT_TRUE(write_ends_closed(p));
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);  // closed (nothing else opened it meanwhile)
}

TEST(ChannelError, Text) {
  EXPECT_EQ(to_string(ChannelError{IpcError::kBadPid, 0}), "bad_pid");
  EXPECT_NE(to_string(ChannelError{IpcError::kSyscall, EBADF}).find("(errno 9)"),
            std::string::npos);
}

}  // namespace
}  // namespace tempus::ipc
