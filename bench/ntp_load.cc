// SPDX-License-Identifier: ISC
// NTP server load generator for bench/server: keeps WINDOW client requests in flight against
// HOST:PORT for SECONDS (bounded) and prints "replies N rate R/s". One UDP socket, batched with
// sendmmsg/recvmmsg; a window that went quiet for 50 ms (lost packets) is refilled.
//   ntp-load HOST PORT SECONDS [WINDOW]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <array>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST PORT SECONDS [WINDOW]\n", argv[0]);
    return 2;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
  const double seconds = std::atof(argv[3]);
  const int window = argc > 4 ? std::atoi(argv[4]) : 64;
  if (seconds <= 0 || seconds > 600 || window < 1 || window > 1024) return 2;

  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::perror("socket");
    return 1;
  }
  const int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);

  unsigned char req[48] = {0x23};  // v4 client request
  constexpr int kBatch = 64;
  std::vector<mmsghdr> out(kBatch), in(kBatch);
  std::vector<iovec> oiov(kBatch), iiov(kBatch);
  std::vector<std::array<unsigned char, 128>> bufs(kBatch);
  for (int i = 0; i < kBatch; ++i) {
    oiov[i] = {req, sizeof req};
    out[i].msg_hdr.msg_iov = &oiov[i];
    out[i].msg_hdr.msg_iovlen = 1;
    iiov[i] = {bufs[i].data(), bufs[i].size()};
    in[i].msg_hdr.msg_iov = &iiov[i];
    in[i].msg_hdr.msg_iovlen = 1;
  }
  auto send_n = [&](int n) {
    while (n > 0) {
      const int k = sendmmsg(fd, out.data(), static_cast<unsigned>(std::min(n, kBatch)), 0);
      if (k <= 0) return;
      n -= k;
    }
  };

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  long replies = 0;
  send_n(window);
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) == 0) {  // the window went quiet: requests were lost
      send_n(window);
      continue;
    }
    const int k = recvmmsg(fd, in.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (k <= 0) continue;
    replies += k;
    send_n(k);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("replies %ld rate %.0f/s\n", replies, static_cast<double>(replies) / elapsed);
  close(fd);
  return 0;
}
