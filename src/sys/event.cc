// SPDX-License-Identifier: ISC
#include "sys/event.h"

#include <cstdlib>
#include <string_view>

namespace tempus::sys {

EventBasePtr make_event_base() { return EventBasePtr(event_base_new()); }

EventBasePtr make_poll_event_base() {
  CPtr<event_config, event_config_free> cfg(event_config_new());
  if (!cfg) return nullptr;
  for (const char* m : {"epoll", "select", "devpoll", "kqueue", "evport", "win32"})
    event_config_avoid_method(cfg.get(), m);
  event_config_set_flag(cfg.get(), EVENT_BASE_FLAG_PRECISE_TIMER);
  EventBasePtr base(event_base_new_with_config(cfg.get()));
  if (base && std::string_view(event_base_get_method(base.get())) != "poll") base.reset();
  return base;
}

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
