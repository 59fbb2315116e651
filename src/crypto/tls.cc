// SPDX-License-Identifier: ISC
#include "crypto/tls.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/ip.h"
#include "core/nts_ke.h"

namespace tempus::crypto {

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

// ALPN wire form: one length-prefixed protocol name.
constexpr unsigned char kAlpnWire[] = {7, 'n', 't', 's', 'k', 'e', '/', '1'};

std::string ssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

SslCtxPtr new_ctx(bool server) {
  SslCtxPtr ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
  if (!ctx) return ctx;
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
  // Session resumption buys nothing for one exchange per cookie refill and leaves tickets in
  // memory; renegotiation does not exist in TLS 1.3.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return ctx;
}

// Every regular file of a directory into the store now: a hashed-directory lookup would open
// files at verification time, from inside the chroot. Files that are not PEM are skipped.
bool load_dir_eagerly(X509_STORE* store, const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    names.emplace_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string path = dir + "/" + n;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (X509_STORE_load_file(store, path.c_str()) != 1) ERR_clear_error();
  }
  return true;
}

core::Status<std::string> load_trust(X509_STORE* store, const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return core::Unexpected{path + ": " + std::strerror(errno)};
  if (S_ISDIR(st.st_mode)) {
    if (!load_dir_eagerly(store, path)) return core::Unexpected{path + ": cannot read directory"};
    return {};
  }
  if (X509_STORE_load_file(store, path.c_str()) != 1)
    return core::Unexpected{path + ": " + ssl_errors()};
  return {};
}

size_t store_size(X509_STORE* store) {
  STACK_OF(X509_OBJECT)* objs = X509_STORE_get0_objects(store);
  return objs ? static_cast<size_t>(sk_X509_OBJECT_num(objs)) : 0;
}

int alpn_select(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kAlpnWire, sizeof kAlpnWire, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

struct TlsContext::Impl {
  SslCtxPtr ctx;                       // client, or the server's default (first) pair
  std::vector<SslCtxPtr> alternatives;  // server: the other pairs, for SNI
  std::vector<X509Ptr> leaves;          // server: each alternative's certificate, same order
  bool check_time = true;
};

namespace {

// SNI: the first further pair whose certificate matches the requested name; otherwise the
// default pair stays.
int servername_cb(SSL* ssl, int*, void* arg) {
  auto* impl = static_cast<TlsContext::Impl*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!name) return SSL_TLSEXT_ERR_OK;
  for (size_t i = 0; i < impl->alternatives.size(); ++i) {
    if (X509_check_host(impl->leaves[i].get(), name, 0, 0, nullptr) == 1) {
      SSL_set_SSL_CTX(ssl, impl->alternatives[i].get());
      break;
    }
  }
  return SSL_TLSEXT_ERR_OK;
}

core::Result<SslCtxPtr, std::string> server_ctx(const TlsKeyPair& p) {
  SslCtxPtr ctx = new_ctx(true);
  if (!ctx) return core::Unexpected{ssl_errors()};
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), p.cert.c_str()) != 1)
    return core::Unexpected{p.cert + ": " + ssl_errors()};
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), p.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return core::Unexpected{p.key + ": " + ssl_errors()};
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return core::Unexpected{p.key + ": does not match " + p.cert};
  SSL_CTX_set_alpn_select_cb(ctx.get(), alpn_select, nullptr);
  return ctx;
}

}  // namespace

bool init_tls() {
  return OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG | OPENSSL_INIT_LOAD_SSL_STRINGS |
                              OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                          nullptr) == 1;
}

TlsContext::TlsContext(std::unique_ptr<Impl> impl, bool server)
    : impl_(std::move(impl)), server_(server) {}
TlsContext::TlsContext(TlsContext&&) noexcept = default;
TlsContext& TlsContext::operator=(TlsContext&&) noexcept = default;
TlsContext::~TlsContext() = default;

core::Result<TlsContext, std::string> TlsContext::client(const TlsClientOptions& o) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = new_ctx(false);
  if (!impl->ctx) return core::Unexpected{ssl_errors()};
  X509_STORE* store = SSL_CTX_get_cert_store(impl->ctx.get());
  if (o.system_certs) {
    // The bundle file when the system has one (Debian, RHEL); its hashed directory otherwise.
    const char* file = X509_get_default_cert_file();
    struct stat st {};
    if (stat(file, &st) == 0) {
      if (auto r = load_trust(store, file); !r) return core::Unexpected{r.error()};
    } else {
      load_dir_eagerly(store, X509_get_default_cert_dir());
    }
  }
  for (const auto& path : o.trusted)
    if (auto r = load_trust(store, path); !r) return core::Unexpected{r.error()};
  if (store_size(store) == 0) return core::Unexpected{std::string("no trusted certificate")};
  SSL_CTX_set_verify(impl->ctx.get(), SSL_VERIFY_PEER, nullptr);
  return TlsContext(std::move(impl), false);
}

core::Result<TlsContext, std::string> TlsContext::server(std::span<const TlsKeyPair> pairs) {
  if (pairs.empty()) return core::Unexpected{std::string("no server key pair")};
  auto impl = std::make_unique<Impl>();
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto ctx = server_ctx(pairs[i]);
    if (!ctx) return core::Unexpected{ctx.error()};
    if (i == 0) {
      impl->ctx = std::move(*ctx);
      continue;
    }
    impl->leaves.emplace_back(X509_dup(SSL_CTX_get0_certificate(ctx->get())));
    impl->alternatives.push_back(std::move(*ctx));
  }
  if (!impl->alternatives.empty()) {
    SSL_CTX_set_tlsext_servername_callback(impl->ctx.get(), servername_cb);
    SSL_CTX_set_tlsext_servername_arg(impl->ctx.get(), impl.get());
  }
  return TlsContext(std::move(impl), true);
}

void TlsContext::set_check_time(bool on) { impl_->check_time = on; }

TlsSession::TlsSession(SSL* ssl, bool client) : ssl_(ssl), client_(client) {}

TlsSession::TlsSession(TlsSession&& o) noexcept
    : ssl_(std::exchange(o.ssl_, nullptr)), client_(o.client_), done_(o.done_),
      error_(std::move(o.error_)) {}

TlsSession& TlsSession::operator=(TlsSession&& o) noexcept {
  if (this != &o) {
    if (ssl_) SSL_free(ssl_);
    ssl_ = std::exchange(o.ssl_, nullptr);
    client_ = o.client_;
    done_ = o.done_;
    error_ = std::move(o.error_);
  }
  return *this;
}

TlsSession::~TlsSession() {
  if (ssl_) SSL_free(ssl_);
}

core::Result<TlsSession, std::string> TlsSession::client(const TlsContext& ctx, int fd,
                                                         std::string_view peer) {
  if (ctx.is_server()) return core::Unexpected{std::string("not a client context")};
  SSL* ssl = SSL_new(ctx.impl_->ctx.get());
  if (!ssl) return core::Unexpected{ssl_errors()};
  TlsSession s(ssl, true);
  const std::string name(peer);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (!ctx.impl_->check_time) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
  bool ok = SSL_set_fd(ssl, fd) == 1 && SSL_set_alpn_protos(ssl, kAlpnWire, sizeof kAlpnWire) == 0;
  if (core::IpAddress::parse(name)) {
    ok = ok && X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1;
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = ok && SSL_set1_host(ssl, name.c_str()) == 1 &&
         SSL_set_tlsext_host_name(ssl, name.c_str()) == 1;
  }
  if (!ok) return core::Unexpected{ssl_errors()};
  SSL_set_connect_state(ssl);
  return s;
}

core::Result<TlsSession, std::string> TlsSession::server(const TlsContext& ctx, int fd) {
  if (!ctx.is_server()) return core::Unexpected{std::string("not a server context")};
  SSL* ssl = SSL_new(ctx.impl_->ctx.get());
  if (!ssl) return core::Unexpected{ssl_errors()};
  TlsSession s(ssl, false);
  if (SSL_set_fd(ssl, fd) != 1) return core::Unexpected{ssl_errors()};
  SSL_set_accept_state(ssl);
  return s;
}

TlsIo TlsSession::result_of(int rc, const char* what) {
  const int err = SSL_get_error(ssl_, rc);
  switch (err) {
    case SSL_ERROR_WANT_READ: return TlsIo::kWantRead;
    case SSL_ERROR_WANT_WRITE: return TlsIo::kWantWrite;
    case SSL_ERROR_ZERO_RETURN: return TlsIo::kClosed;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0) {
        ERR_clear_error();
        if (done_) return TlsIo::kClosed;  // EOF or reset after the handshake
        error_ = std::string(what) + ": connection closed or failed";
        return TlsIo::kError;
      }
      break;
    default: break;
  }
  error_ = what;
  error_ += ": ";
  if (client_ && SSL_get_verify_result(ssl_) != X509_V_OK) {
    error_ += X509_verify_cert_error_string(SSL_get_verify_result(ssl_));
    ERR_clear_error();
  } else {
    error_ += ssl_errors();
  }
  return TlsIo::kError;
}

TlsIo TlsSession::not_ready(const char* what) {
  error_ = std::string(what) + " before the handshake finished";
  return TlsIo::kError;
}

TlsIo TlsSession::handshake() {
  if (done_) return TlsIo::kDone;
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc != 1) return result_of(rc, "TLS handshake");
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl_, &alpn, &alpn_len);
  if (alpn_len != sizeof kAlpnWire - 1 || std::memcmp(alpn, kAlpnWire + 1, alpn_len) != 0) {
    error_ = "TLS handshake: the peer did not select ALPN ntske/1";
    return TlsIo::kError;
  }
  done_ = true;
  return TlsIo::kDone;
}

TlsIo TlsSession::write(core::Bytes data, size_t& moved) {
  moved = 0;
  if (!done_) return not_ready("TLS write");
  if (data.empty()) return TlsIo::kDone;
  ERR_clear_error();
  const int rc = SSL_write_ex(ssl_, data.data(), data.size(), &moved);
  if (rc == 1) return TlsIo::kDone;
  moved = 0;
  return result_of(rc, "TLS write");
}

TlsIo TlsSession::read(std::span<std::byte> buf, size_t& moved) {
  moved = 0;
  if (!done_) return not_ready("TLS read");
  ERR_clear_error();
  const int rc = SSL_read_ex(ssl_, buf.data(), buf.size(), &moved);
  if (rc == 1) return TlsIo::kDone;
  moved = 0;
  return result_of(rc, "TLS read");
}

void TlsSession::shutdown() {
  if (!done_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

std::optional<std::vector<std::byte>> TlsSession::export_key(core::Bytes context,
                                                             size_t len) const {
  if (!done_ || len == 0) return std::nullopt;
  std::vector<std::byte> out(len);
  const auto& label = core::kNtsExporterLabel;
  if (SSL_export_keying_material(ssl_, reinterpret_cast<unsigned char*>(out.data()), len,
                                 label.data(), label.size(),
                                 reinterpret_cast<const unsigned char*>(context.data()),
                                 context.size(), 1) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

}  // namespace tempus::crypto
