// SPDX-License-Identifier: ISC
#include "sys/clock_backend.h"

#include <sys/timex.h>

namespace tempus::sys {

uint32_t apply_kernel_status(uint32_t old, const ipc::SetKernelStatus& s) {
  uint32_t st = old & ~static_cast<uint32_t>(STA_INS | STA_DEL | STA_UNSYNC);
  switch (s.leap) {
    case ipc::LeapState::kInsert: st |= STA_INS; break;
    case ipc::LeapState::kDelete: st |= STA_DEL; break;
    case ipc::LeapState::kNone:
    case ipc::LeapState::kUnsync: break;
  }
  // kUnsync with synced is rejected by validate(); be safe anyway.
  if (!s.synced || s.leap == ipc::LeapState::kUnsync) st |= STA_UNSYNC;
  return st;
}

int reported_time_state(int raw_state, uint32_t status) {
  // kernel/time/ntp.c is_error_status().
  const bool error =
      (status & (STA_UNSYNC | STA_CLOCKERR)) != 0 ||
      ((status & (STA_PPSFREQ | STA_PPSTIME)) != 0 && (status & STA_PPSSIGNAL) == 0) ||
      (status & (STA_PPSTIME | STA_PPSJITTER)) == (STA_PPSTIME | STA_PPSJITTER) ||
      ((status & STA_PPSFREQ) != 0 && (status & (STA_PPSWANDER | STA_PPSERROR)) != 0);
  return error ? TIME_ERROR : raw_state;
}

const char* time_state_name(int time_state) {
  switch (time_state) {
    case TIME_OK: return "ok";
    case TIME_INS: return "ins";
    case TIME_DEL: return "del";
    case TIME_OOP: return "oop";
    case TIME_WAIT: return "wait";
    case TIME_ERROR: return "error";
    default: return "unknown";
  }
}

}  // namespace tempus::sys
