// SPDX-License-Identifier: ISC
// UniqueFd: sole owner of a file descriptor; closes it on destruction. Move-only.
// (Lives in src/ipc until src/sys grows one; then this header should alias that type.)
#pragma once

#include <utility>

#include <unistd.h>

namespace tempus::ipc {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of fd (−1 = none).
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership without closing; returns the fd (or −1).
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned fd (if any) and takes fd. close() is not retried on EINTR: on Linux the fd
  // is released whatever close() returns.
  void reset(int fd = -1) {
    const int old = std::exchange(fd_, fd);
    if (old >= 0) ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace tempus::ipc
