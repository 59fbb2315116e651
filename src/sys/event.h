// SPDX-License-Identifier: ISC
// RAII over libevent (style.md §3.4): owning pointers for its handles and an Event whose callback
// is a std::function reached through a static trampoline. Single-threaded, one base per process.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <event2/event.h>

#include "core/time.h"

namespace tempus::sys {

template <auto F>
struct CDeleter {
  template <class T>
  void operator()(T* p) const {
    if (p) F(p);
  }
};
template <class T, auto F>
using CPtr = std::unique_ptr<T, CDeleter<F>>;

using EventBasePtr = CPtr<event_base, event_base_free>;

// A new event base; nullptr on failure (out of memory, or no backend).
EventBasePtr make_event_base();
// The same on libevent's poll(2) backend only, with precise (non-cached, non-coarse) timers:
// for tempus-simd, whose simulator (clknetsim) intercepts poll() and select() but not epoll.
EventBasePtr make_poll_event_base();

class Event {
 public:
  using Callback = std::function<void(short what)>;  // what: EV_READ | EV_WRITE | EV_TIMEOUT ...

  Event() = default;
  // fd ≥ 0 for I/O (what: EV_READ/EV_WRITE, EV_PERSIST), -1 for a timer. Aborts on allocation
  // failure (libevent returns null only on ENOMEM).
  Event(event_base* base, int fd, short what, Callback cb);
  static Event timer(event_base* base, Callback cb) { return Event(base, -1, 0, std::move(cb)); }
  static Event signal(event_base* base, int signo, Callback cb) {
    return Event(base, signo, EV_SIGNAL | EV_PERSIST, std::move(cb));
  }

  // Arms the event (again), with an optional timeout.
  void add(std::optional<core::Duration> timeout = std::nullopt);
  void del();
  bool pending() const;
  explicit operator bool() const { return ev_ != nullptr; }

 private:
  static void trampoline(evutil_socket_t fd, short what, void* arg);
  std::unique_ptr<Callback> cb_;  // heap-held so the trampoline's pointer survives moves
  CPtr<event, event_free> ev_;    // declared last: freed (and so deleted) before cb_ goes
};

}  // namespace tempus::sys
