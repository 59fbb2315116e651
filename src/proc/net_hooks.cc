// SPDX-License-Identifier: ISC
#include "proc/net_hooks.h"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "ipc/frame.h"
#include "ipc/messages.h"
#include "ipc/services.h"

namespace tempus::proc {

namespace {

// A frame header (type, length, peer id 0, pid) and payload as they are, unchecked.
void send_raw(uint32_t type, uint32_t len, uint32_t pid, const std::vector<std::byte>& payload) {
  std::vector<std::byte> f;
  core::ByteWriter w{f};
  w.be32(type);
  w.be32(len);
  w.be32(0);
  w.be32(pid);
  f.insert(f.end(), payload.begin(), payload.end());
  (void)ipc::send_frame(kParentFd, f);
}

std::vector<std::byte> be64(int64_t v) {
  std::vector<std::byte> out;
  core::ByteWriter{out}.be64(static_cast<uint64_t>(v));
  return out;
}

}  // namespace

void run_parent_hooks(const std::string& hook, LinkedChannel& parent) {
  const auto pid = static_cast<uint32_t>(getpid());
  auto type = [](ipc::MsgType t) { return static_cast<uint32_t>(t); };
  if (hook == "net-bad-frame") {
    // A SlewOffset header with a 7-byte payload: decoders demand exactly 8.
    send_raw(type(ipc::MsgType::kSlewOffset), 16 + 7, pid, std::vector<std::byte>(7));
  } else if (hook == "net-big-step") {
    parent.send(ipc::StepClock{.offset_ns = 9'000'000'000'000'000'000});  // 285 years
  } else if (hook == "net-big-slew") {
    // Well-formed, beyond the parent's slew bound (kMaxSlewBoundNs, 1000 s).
    parent.send(ipc::SlewOffset{.offset_ns = int64_t{2000} * 1'000'000'000});
  } else if (hook == "net-big-freq") {
    // One step past the kernel's ±500 ppm: SetFrequency's own decoder refuses it.
    send_raw(type(ipc::MsgType::kSetFrequency), 16 + 8, pid,
             be64(ipc::kKernelMaxFreqScaledPpm + 1));
  } else if (hook == "net-bad-file") {
    // WriteFile of a file id that does not exist.
    send_raw(type(ipc::MsgType::kWriteFile), 16 + 8, pid,
             {std::byte{200}, std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0},
              std::byte{0}, std::byte{0}, std::byte{0}});
  } else if (hook == "net-huge-frame") {
    // A header announcing more than kMaxFrameLen.
    send_raw(type(ipc::MsgType::kLogLine), 1 << 20, pid, {});
  } else if (hook == "net-unknown-type") {
    send_raw(99, 16, pid, {});
  } else if (hook == "net-wrong-direction") {
    // A reply only the parent may send.
    send_raw(type(ipc::MsgType::kClockResult), 16 + 24, pid, std::vector<std::byte>(24));
  } else if (hook == "net-bad-pid") {
    // A well-formed SetFrequency claiming another sender.
    send_raw(type(ipc::MsgType::kSetFrequency), 16 + 8, pid + 1, be64(0));
  }
}

}  // namespace tempus::proc
