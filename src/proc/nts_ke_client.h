// SPDX-License-Identifier: ISC
// One NTS-KE exchange as a client (RFC 8915 §4), driven by libevent in the net process: TCP
// connect, TLS 1.3 handshake verifying the server's certificate against `name` (a host name or
// an address literal), the request, the response, the exported keys.
//
// The whole exchange is bounded by `timeout` (kNtsKeClientTimeout by default) and the response
// by 16384 octets. The callback runs exactly once, from the event loop (never from start()), and
// may destroy the client.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/nts_cookie.h"
#include "core/result.h"
#include "core/time.h"
#include "crypto/tls.h"
#include "ipc/unique_fd.h"
#include "sys/event.h"
#include "sys/udp.h"

namespace tempus::proc {

inline constexpr core::Duration kNtsKeClientTimeout = core::Duration::s(5);

struct NtsKeOutcome {
  core::NtsKeys keys;
  std::vector<std::vector<std::byte>> cookies;  // 1..8
  std::optional<std::string> server;            // the NTP server to use instead of the KE host
  std::optional<uint16_t> port;                 // the NTP port to use instead of 123
};

class NtsKeClient {
 public:
  using Done = std::function<void(core::Result<NtsKeOutcome, std::string>)>;

  // `tls` must outlive the client. `aeads`: the AEADs to offer, in preference order.
  NtsKeClient(event_base* base, const crypto::TlsContext& tls, sys::Endpoint server,
              std::string name, std::vector<uint16_t> aeads, Done done,
              core::Duration timeout = kNtsKeClientTimeout);
  ~NtsKeClient();
  NtsKeClient(const NtsKeClient&) = delete;
  NtsKeClient& operator=(const NtsKeClient&) = delete;

  // Starts the exchange; the outcome (also a failure to start) comes through the callback.
  void start();

 private:
  enum class State { kConnect, kHandshake, kWrite, kRead, kDone };
  void step();
  void fail(std::string why);
  void succeed(NtsKeOutcome outcome);
  std::optional<NtsKeOutcome> outcome_of(core::Bytes message, std::string& why) const;

  event_base* base_;
  const crypto::TlsContext& tls_ctx_;
  sys::Endpoint server_;
  std::string name_;
  std::vector<uint16_t> aeads_;
  Done done_;
  core::Duration timeout_;
  State state_ = State::kConnect;
  ipc::UniqueFd fd_;
  std::optional<crypto::TlsSession> tls_;
  std::vector<std::byte> out_;
  size_t out_pos_ = 0;
  std::vector<std::byte> in_;
  std::optional<std::string> pending_error_;  // start() failures, reported from the loop
  sys::Event timer_;
  sys::Event readable_;  // last: deleted before the fd closes
  sys::Event writable_;
};

}  // namespace tempus::proc
