// SPDX-License-Identifier: ISC
#include "sys/event.h"

#include <cstdlib>

namespace tempus::sys {

EventBasePtr make_event_base() { return EventBasePtr(event_base_new()); }

Event::Event(event_base* base, int fd, short what, Callback cb)
    : cb_(std::make_unique<Callback>(std::move(cb))),
      ev_(event_new(base, fd, what, &Event::trampoline, cb_.get())) {
  if (!ev_) std::abort();
}

void Event::trampoline(evutil_socket_t, short what, void* arg) {
  (*static_cast<Callback*>(arg))(what);
}

void Event::add(std::optional<core::Duration> timeout) {
  if (!timeout) {
    event_add(ev_.get(), nullptr);
    return;
  }
  const int64_t ns = timeout->count_ns() < 0 ? 0 : timeout->count_ns();
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ns / core::kNsPerSec);
  tv.tv_usec = static_cast<suseconds_t>((ns % core::kNsPerSec) / 1000);
  event_add(ev_.get(), &tv);
}

void Event::del() {
  if (ev_) event_del(ev_.get());
}

bool Event::pending() const {
  return ev_ && event_pending(ev_.get(), EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL, nullptr);
}

}  // namespace tempus::sys
