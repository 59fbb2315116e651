// SPDX-License-Identifier: ISC
#include "crypto/tls.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <array>
#include <csignal>
#include <cstring>
#include <fstream>

#include "core/nts_ke.h"
#include "test_pki.h"

namespace tempus::crypto {
namespace {

using test::Identity;
using test::TestPki;

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(init_tls());
    signal(SIGPIPE, SIG_IGN);
    ca_ = pki_.ca("ca");
    server_id_ = pki_.leaf("server", "IP:127.0.0.1,DNS:ntp.test", ca_);
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    cfd_ = sv[0];
    sfd_ = sv[1];
  }
  void TearDown() override {
    close(cfd_);
    close(sfd_);
  }

  TlsContext client_ctx(const std::string& trusted) {
    TlsClientOptions o;
    o.system_certs = false;
    o.trusted = {trusted};
    auto ctx = TlsContext::client(o);
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error());
    return std::move(ctx).value();
  }
  TlsContext server_ctx(std::vector<TlsKeyPair> pairs = {}) {
    if (pairs.empty()) pairs = {{server_id_.cert_path, server_id_.key_path}};
    auto ctx = TlsContext::server(pairs);
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error());
    return std::move(ctx).value();
  }

  // Drives both handshakes (bounded); true when both finished.
  static bool handshake(TlsSession& c, TlsSession& s) {
    TlsIo rc = TlsIo::kWantRead, rs = TlsIo::kWantRead;
    for (int i = 0; i < 50 && (rc != TlsIo::kDone || rs != TlsIo::kDone); ++i) {
      if (rc != TlsIo::kDone) rc = c.handshake();
      if (rs != TlsIo::kDone) rs = s.handshake();
      if (rc == TlsIo::kError || rs == TlsIo::kError) {
        // Let the other side see the alert.
        if (rc != TlsIo::kError) c.handshake();
        if (rs != TlsIo::kError) s.handshake();
        return false;
      }
    }
    return rc == TlsIo::kDone && rs == TlsIo::kDone;
  }

  TestPki pki_;
  Identity ca_, server_id_;
  int cfd_ = -1, sfd_ = -1;
};

TEST_F(Tls, HandshakeByIpExchangesDataAndAgreesOnExportedKeys) {
  auto cctx = client_ctx(ca_.cert_path);
  auto sctx = server_ctx();
  auto c = TlsSession::client(cctx, cfd_, "127.0.0.1");
  auto s = TlsSession::server(sctx, sfd_);
  ASSERT_TRUE(c.ok() && s.ok());
  ASSERT_TRUE(handshake(*c, *s)) << c->error() << " / " << s->error();

  const std::string msg = "hello ntske";
  size_t moved = 0;
  ASSERT_EQ(c->write(core::as_bytes(msg), moved), TlsIo::kDone);
  EXPECT_EQ(moved, msg.size());
  std::array<std::byte, 64> buf{};
  ASSERT_EQ(s->read(buf, moved), TlsIo::kDone);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), moved), msg);
  EXPECT_EQ(s->read(buf, moved), TlsIo::kWantRead);

  const auto c2s = core::nts_exporter_context(0, 15, false);
  const auto s2c = core::nts_exporter_context(0, 15, true);
  auto kc = c->export_key(c2s, 32), ks = s->export_key(c2s, 32);
  auto kc2 = c->export_key(s2c, 32);
  ASSERT_TRUE(kc && ks && kc2);
  EXPECT_EQ(*kc, *ks);
  EXPECT_NE(*kc, *kc2);
  EXPECT_EQ(kc->size(), 32u);

  c->shutdown();
  EXPECT_EQ(s->read(buf, moved), TlsIo::kClosed);
}

TEST_F(Tls, HandshakeByNameAndTrustedDirectory) {
  // A directory of PEM files, loaded eagerly (no hash links needed).
  const std::string dir = pki_.dir() + "/trust";
  std::filesystem::create_directory(dir);
  std::filesystem::copy_file(ca_.cert_path, dir + "/my-ca.pem");
  std::ofstream(dir + "/README") << "not a certificate\n";
  auto cctx = client_ctx(dir);
  auto sctx = server_ctx();
  auto c = TlsSession::client(cctx, cfd_, "ntp.test");
  auto s = TlsSession::server(sctx, sfd_);
  ASSERT_TRUE(c.ok() && s.ok());
  EXPECT_TRUE(handshake(*c, *s)) << c->error() << " / " << s->error();
}

TEST_F(Tls, WrongCaFails) {
  Identity other = pki_.ca("other-ca");
  auto cctx = client_ctx(other.cert_path);
  auto sctx = server_ctx();
  auto c = TlsSession::client(cctx, cfd_, "127.0.0.1");
  auto s = TlsSession::server(sctx, sfd_);
  ASSERT_TRUE(c.ok() && s.ok());
  EXPECT_FALSE(handshake(*c, *s));
  EXPECT_NE(c->error().find("certificate"), std::string::npos) << c->error();
  EXPECT_FALSE(c->export_key(core::nts_exporter_context(0, 15, false), 32));
}

TEST_F(Tls, WrongAddressOrNameFails) {
  auto cctx = client_ctx(ca_.cert_path);
  auto sctx = server_ctx();
  auto c = TlsSession::client(cctx, cfd_, "127.0.0.2");
  auto s = TlsSession::server(sctx, sfd_);
  ASSERT_TRUE(c.ok() && s.ok());
  EXPECT_FALSE(handshake(*c, *s));
  EXPECT_NE(c->error().find("mismatch"), std::string::npos) << c->error();
}

TEST_F(Tls, ExpiredCertificateFailsUnlessTimeCheckIsOff) {
  Identity old = pki_.leaf("old", "IP:127.0.0.1", ca_, -30, -1);
  {
    auto cctx = client_ctx(ca_.cert_path);
    auto sctx = server_ctx({{old.cert_path, old.key_path}});
    auto c = TlsSession::client(cctx, cfd_, "127.0.0.1");
    auto s = TlsSession::server(sctx, sfd_);
    EXPECT_FALSE(handshake(*c, *s));
    EXPECT_NE(c->error().find("expired"), std::string::npos) << c->error();
  }
  TearDown();
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  cfd_ = sv[0];
  sfd_ = sv[1];
  auto cctx = client_ctx(ca_.cert_path);
  cctx.set_check_time(false);
  auto sctx = server_ctx({{old.cert_path, old.key_path}});
  auto c = TlsSession::client(cctx, cfd_, "127.0.0.1");
  auto s = TlsSession::server(sctx, sfd_);
  EXPECT_TRUE(handshake(*c, *s)) << c->error();
}

TEST_F(Tls, SniPicksTheMatchingPair) {
  Identity second = pki_.leaf("second", "DNS:second.test", ca_);
  auto sctx = server_ctx({{server_id_.cert_path, server_id_.key_path},
                          {second.cert_path, second.key_path}});
  auto cctx = client_ctx(ca_.cert_path);
  auto c = TlsSession::client(cctx, cfd_, "second.test");
  auto s = TlsSession::server(sctx, sfd_);
  EXPECT_TRUE(handshake(*c, *s)) << c->error();
}

TEST_F(Tls, ServerRefusesAClientWithoutNtskeAlpn) {
  // A plain TLS 1.3 client offering another protocol.
  SSL_CTX* raw = SSL_CTX_new(TLS_client_method());
  ASSERT_NE(raw, nullptr);
  SSL* ssl = SSL_new(raw);
  static const unsigned char kH2[] = {2, 'h', '2'};
  SSL_set_alpn_protos(ssl, kH2, sizeof kH2);
  SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  SSL_set_fd(ssl, cfd_);
  SSL_set_connect_state(ssl);
  auto sctx = server_ctx();
  auto s = TlsSession::server(sctx, sfd_);
  TlsIo rs = TlsIo::kWantRead;
  for (int i = 0; i < 20 && rs != TlsIo::kError && rs != TlsIo::kDone; ++i) {
    SSL_do_handshake(ssl);
    rs = s->handshake();
  }
  EXPECT_EQ(rs, TlsIo::kError);
  EXPECT_NE(SSL_do_handshake(ssl), 1);
  SSL_free(ssl);
  SSL_CTX_free(raw);
}

TEST_F(Tls, ClientRefusesAServerThatSelectsNoAlpn) {
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  ASSERT_NE(raw, nullptr);
  ASSERT_EQ(SSL_CTX_use_certificate_chain_file(raw, server_id_.cert_path.c_str()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey_file(raw, server_id_.key_path.c_str(), SSL_FILETYPE_PEM), 1);
  SSL* ssl = SSL_new(raw);
  SSL_set_fd(ssl, sfd_);
  SSL_set_accept_state(ssl);
  auto cctx = client_ctx(ca_.cert_path);
  auto c = TlsSession::client(cctx, cfd_, "127.0.0.1");
  TlsIo rc = TlsIo::kWantRead;
  for (int i = 0; i < 20 && rc != TlsIo::kError && rc != TlsIo::kDone; ++i) {
    rc = c->handshake();
    SSL_do_handshake(ssl);
  }
  EXPECT_EQ(rc, TlsIo::kError);
  EXPECT_NE(c->error().find("ALPN"), std::string::npos) << c->error();
  size_t moved = 0;
  EXPECT_EQ(c->write(core::as_bytes("x"), moved), TlsIo::kError);
  SSL_free(ssl);
  SSL_CTX_free(raw);
}

TEST_F(Tls, ContextErrorsNameTheFile) {
  TlsClientOptions o;
  o.system_certs = false;
  o.trusted = {"/nonexistent/ca.pem"};
  auto c = TlsContext::client(o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("/nonexistent/ca.pem"), std::string::npos);
  o.trusted = {};
  EXPECT_FALSE(TlsContext::client(o).ok());  // nothing trusted at all
  // A key that does not belong to the certificate.
  Identity other = pki_.leaf("other", "IP:127.0.0.1", ca_);
  const TlsKeyPair mismatched{server_id_.cert_path, other.key_path};
  auto s = TlsContext::server(std::span(&mismatched, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("mismatch"), std::string::npos) << s.error();
  EXPECT_FALSE(TlsContext::server({}).ok());
}

}  // namespace
}  // namespace tempus::crypto
