// SPDX-License-Identifier: ISC
// TLS 1.3 for NTS-KE (RFC 8915 §4) over OpenSSL: contexts built before the sandbox closes, and
// non-blocking sessions a shell drives from fd readiness (libevent in src/proc).
//
// Both sides speak TLS 1.3 only and ALPN "ntske/1" only: a server refuses a client offering
// nothing else (fatal no_application_protocol alert), a client refuses a server that selected
// none. Keys and session secrets never leave this module except through export_key().
//
// Sandbox contract: a context reads every file it needs when it is made (keys, certificates and
// the whole trust store, including each file of a hashed directory, eagerly), so nothing is
// opened later from inside the chroot. Call init_tls() first, before the sandbox: it loads
// OpenSSL's configuration. Certificate revocation is not checked (NTS-KE clients usually do not).
// Writes go through write(2): the process must ignore SIGPIPE (tempusd's parent does and its
// children inherit that), or a peer's early close kills it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

using SSL = struct ssl_st;

namespace tempus::crypto {

// Loads OpenSSL's configuration and the TLS library once; false on failure.
bool init_tls();

struct TlsClientOptions {
  bool system_certs = true;          // the OpenSSL default trust store (off: nosystemcert)
  std::vector<std::string> trusted;  // PEM files or directories of PEM files (ntstrustedcerts)
};

struct TlsKeyPair {
  std::string cert;  // PEM chain file, leaf first (ntsservercert)
  std::string key;   // PEM private key file (ntsserverkey)
};

class TlsContext {
 public:
  // A client context; an error names the file that could not be loaded. A client context with
  // no trusted certificate at all is an error (nothing could ever verify).
  static core::Result<TlsContext, std::string> client(const TlsClientOptions& o);
  // A server context with one or more key pairs; the first is the default, another is chosen
  // when the client's SNI name matches its certificate (the first such pair).
  static core::Result<TlsContext, std::string> server(std::span<const TlsKeyPair> pairs);

  TlsContext(TlsContext&&) noexcept;
  TlsContext& operator=(TlsContext&&) noexcept;
  ~TlsContext();

  bool is_server() const { return server_; }
  // Client only: whether certificate validity times are checked (off for nocerttimecheck while
  // the clock is not yet trusted). Applies to sessions made afterwards.
  void set_check_time(bool on);

  struct Impl;  // opaque: OpenSSL handles

 private:
  friend class TlsSession;
  explicit TlsContext(std::unique_ptr<Impl> impl, bool server);
  std::unique_ptr<Impl> impl_;
  bool server_ = false;
};

// What a non-blocking step needs next.
enum class TlsIo {
  kDone,       // the step finished (for read/write: some octets moved)
  kWantRead,   // call again when the fd is readable
  kWantWrite,  // call again when the fd is writable
  kClosed,     // the peer closed the TLS stream (close_notify) or the connection
  kError,      // fatal: verification, protocol or socket error (see error())
};

class TlsSession {
 public:
  // `fd` is a connected non-blocking stream socket; the session does not own it and must be
  // destroyed before it is closed. `peer` (client only) is the server's name or IP literal the
  // certificate must match; a name is also sent as SNI.
  static core::Result<TlsSession, std::string> client(const TlsContext& ctx, int fd,
                                                      std::string_view peer);
  static core::Result<TlsSession, std::string> server(const TlsContext& ctx, int fd);

  TlsSession(TlsSession&&) noexcept;
  TlsSession& operator=(TlsSession&&) noexcept;
  ~TlsSession();

  // Handshake until kDone; a client then holds a verified server and ALPN ntske/1.
  TlsIo handshake();
  // Moves octets once the handshake is done (kError before); `moved` is set on kDone.
  TlsIo write(core::Bytes data, size_t& moved);
  TlsIo read(std::span<std::byte> buf, size_t& moved);
  // Sends close_notify (best effort; no wait for the peer's).
  void shutdown();

  // RFC 5705 exporter with the label "EXPORTER-network-time-security" and `context`
  // (core::nts_exporter_context); nullopt before the handshake is done or on failure.
  std::optional<std::vector<std::byte>> export_key(core::Bytes context, size_t len) const;

  // The reason of the last kError (verification result, alert or OpenSSL's error queue).
  const std::string& error() const { return error_; }

 private:
  explicit TlsSession(SSL* ssl, bool client);
  TlsIo result_of(int rc, const char* what);
  TlsIo not_ready(const char* what);
  SSL* ssl_ = nullptr;
  bool client_ = false;
  bool done_ = false;
  std::string error_;
};

}  // namespace tempus::crypto
