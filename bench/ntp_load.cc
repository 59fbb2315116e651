// SPDX-License-Identifier: ISC
// NTP server load generator for bench/server, bounded in time. Requests go out from SOURCES
// sockets bound to 127.0.1.1, 127.0.1.2, ... (distinct client addresses for the server's client
// log), round robin, batched with sendmmsg/recvmmsg. Each request's transmit timestamp carries
// its send time on CLOCK_MONOTONIC, which the reply's origin field echoes: that gives each
// reply's round-trip latency without any per-request state.
//   ntp-load HOST PORT SECONDS window WINDOW [SOURCES]  keep WINDOW requests in flight
//                                                       (saturation; a window quiet for 50 ms
//                                                       lost its requests and is refilled)
//   ntp-load HOST PORT SECONDS rate RATE [SOURCES]      send RATE requests per second, paced
// With a seventh argument REQFILE (datagrams, each a 2-byte big-endian length and the bytes:
// bench/nts writes NTS-authenticated requests) the datagrams are sent as they are, in turn,
// unstamped: no latency then (p50_us and p99_us print 0), and a reply counts only if it has
// extension fields and is not a kiss-o'-death (stratum 0, e.g. an NTS NAK); others count as bad.
// Prints one line: "sent N replies N loss P% rate R/s p50_us A p99_us B bad K".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

constexpr int kBatch = 64;
constexpr size_t kMaxSources = 250;
constexpr uint64_t kHistUs = 100'000;  // latencies above 100 ms land in the last bucket

uint64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

void put64(unsigned char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
}
uint64_t get64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

struct Load {
  std::vector<int> fds;
  std::array<std::array<unsigned char, 48>, kBatch> req{};
  std::array<std::array<unsigned char, 1024>, kBatch> buf{};
  std::vector<std::vector<unsigned char>> fixed;  // REQFILE's datagrams, sent as they are
  size_t next_fixed = 0;
  uint64_t bad = 0;
  std::array<mmsghdr, kBatch> out{}, in{};
  std::array<iovec, kBatch> oiov{}, iiov{};
  std::vector<uint32_t> hist = std::vector<uint32_t>(kHistUs + 1);
  uint64_t sent = 0, replies = 0;
  size_t next_fd = 0;

  Load() {
    for (int i = 0; i < kBatch; ++i) {
      req[i][0] = 0x23;  // v4 client request
      oiov[i] = {req[i].data(), req[i].size()};
      out[i].msg_hdr.msg_iov = &oiov[i];
      out[i].msg_hdr.msg_iovlen = 1;
      iiov[i] = {buf[i].data(), buf[i].size()};
      in[i].msg_hdr.msg_iov = &iiov[i];
      in[i].msg_hdr.msg_iovlen = 1;
    }
  }

  // Sends n requests, stamped now, from the sources in turn (a batch per socket).
  void send(uint64_t n) {
    while (n > 0) {
      const int k = static_cast<int>(std::min<uint64_t>(n, kBatch));
      const uint64_t now = mono_ns();
      for (int i = 0; i < k; ++i) {
        if (fixed.empty()) {
          put64(req[i].data() + 40, now);
        } else {
          auto& d = fixed[next_fixed++ % fixed.size()];
          oiov[i] = {d.data(), d.size()};
        }
      }
      const int fd = fds[next_fd++ % fds.size()];
      const int r = sendmmsg(fd, out.data(), static_cast<unsigned>(k), MSG_DONTWAIT);
      if (r <= 0) return;  // our own buffer is full: the rest is not offered
      sent += static_cast<uint64_t>(r);
      n -= static_cast<uint64_t>(r);
    }
  }

  // Reads every reply waiting on every socket; returns how many.
  uint64_t drain() {
    uint64_t got = 0;
    for (int fd : fds) {
      for (int round = 0; round < 64; ++round) {
        const int k = recvmmsg(fd, in.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (k <= 0) break;
        const uint64_t now = mono_ns();
        for (int i = 0; i < k; ++i) {
          if (in[i].msg_len < 48) continue;
          if (!fixed.empty()) {
            if (in[i].msg_len == 48 || buf[i][1] == 0) {
              ++bad;
            } else {
              ++got;
            }
            continue;
          }
          const uint64_t us = (now - get64(buf[i].data() + 24)) / 1000;
          ++hist[std::min(us, kHistUs)];
          ++got;
        }
        if (k < kBatch) break;
      }
    }
    replies += got;
    return got;
  }

  void wait(int timeout_ms) {
    std::vector<pollfd> p;
    for (int fd : fds) p.push_back({fd, POLLIN, 0});
    poll(p.data(), p.size(), timeout_ms);
  }

  uint64_t percentile_us(double q) const {
    const auto want = static_cast<uint64_t>(q * static_cast<double>(replies));
    uint64_t seen = 0;
    for (size_t i = 0; i < hist.size(); ++i) {
      seen += hist[i];
      if (seen > want) return i;
    }
    return kHistUs;
  }
};

// Reads REQFILE: datagrams of 48 to 1024 bytes, each after its 2-byte big-endian length.
bool read_requests(const char* path, std::vector<std::vector<unsigned char>>& out) {
  std::ifstream f(path, std::ios::binary);
  const std::vector<unsigned char> all{std::istreambuf_iterator<char>(f),
                                       std::istreambuf_iterator<char>()};
  for (size_t at = 0; at + 2 <= all.size();) {
    const size_t len = static_cast<size_t>(all[at] << 8 | all[at + 1]);
    if (len < 48 || len > 1024 || at + 2 + len > all.size()) return false;
    out.emplace_back(all.begin() + static_cast<long>(at + 2),
                     all.begin() + static_cast<long>(at + 2 + len));
    at += 2 + len;
  }
  return !out.empty() && out.size() < 100'000;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s HOST PORT SECONDS window|rate N [SOURCES [REQFILE]]\n",
                 argv[0]);
    return 2;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
  const double seconds = std::atof(argv[3]);
  const std::string mode = argv[4];
  const long n = std::atol(argv[5]);
  const long sources = argc > 6 ? std::atol(argv[6]) : 16;
  if (seconds <= 0 || seconds > 600 || (mode != "window" && mode != "rate") || n < 1 ||
      (mode == "window" && n > 4096) || n > 10'000'000 || sources < 1 ||
      sources > static_cast<long>(kMaxSources))
    return 2;

  Load load;
  if (argc > 7 && !read_requests(argv[7], load.fixed)) {
    std::fprintf(stderr, "%s: no valid datagrams in %s\n", argv[0], argv[7]);
    return 2;
  }
  for (long i = 0; i < sources; ++i) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x7f000100u + static_cast<uint32_t>(i) + 1);  // 127.0.1.x
    const int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      std::perror("socket");
      return 1;
    }
    load.fds.push_back(fd);
  }

  const uint64_t start = mono_ns();
  const uint64_t end = start + static_cast<uint64_t>(seconds * 1e9);
  if (mode == "window") {
    load.send(static_cast<uint64_t>(n));
    while (mono_ns() < end) {
      load.wait(50);
      const uint64_t got = load.drain();
      load.send(got > 0 ? got : static_cast<uint64_t>(n));  // quiet for 50 ms: refill
    }
  } else {
    const double per_ns = static_cast<double>(n) / 1e9;
    for (uint64_t now = mono_ns(); now < end; now = mono_ns()) {
      const auto due = static_cast<uint64_t>(static_cast<double>(now - start) * per_ns);
      if (due > load.sent) load.send(due - load.sent);
      load.drain();
      const timespec tick{0, 50'000};  // 50 µs between rounds
      nanosleep(&tick, nullptr);
    }
  }
  // Stragglers: replies in flight when time ran out still count.
  for (uint64_t stop = mono_ns() + 100'000'000; mono_ns() < stop;) {
    load.wait(10);
    load.drain();
  }
  const double elapsed = static_cast<double>(end - start) / 1e9;
  const double loss = load.sent ? 100.0 * (1.0 - static_cast<double>(load.replies) /
                                                     static_cast<double>(load.sent))
                                : 0.0;
  std::printf("sent %llu replies %llu loss %.2f%% rate %.0f/s p50_us %llu p99_us %llu bad %llu\n",
              static_cast<unsigned long long>(load.sent),
              static_cast<unsigned long long>(load.replies), loss,
              static_cast<double>(load.replies) / elapsed,
              static_cast<unsigned long long>(load.percentile_us(0.5)),
              static_cast<unsigned long long>(load.percentile_us(0.99)),
              static_cast<unsigned long long>(load.bad));
  for (int fd : load.fds) close(fd);
  return 0;
}
