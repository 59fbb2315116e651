// SPDX-License-Identifier: ISC
// The NTS-KE shells end to end over loopback TCP: proc::NtsKeClient against proc::NtsKeServer,
// with certificates made by the test (no root, loopback only, ports chosen by the kernel).
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "core/nts_ef.h"
#include "core/nts_ke.h"
#include "core/packet.h"
#include "crypto/aead.h"
#include "proc/nts_ke_client.h"
#include "proc/nts_ke_server.h"
#include "proc/nts_ke_source.h"
#include "sys/tcp.h"
#include "test_pki.h"

namespace tempus::proc {
namespace {

class GetRandom final : public core::RandomSource {
 public:
  uint64_t next_u64() override {
    uint64_t v = 0;
    while (getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) {
    }
    return v;
  }
};

core::Timestamp wall_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return core::Timestamp::from_unix(ts.tv_sec, ts.tv_nsec);
}

const uint16_t kSiv = static_cast<uint16_t>(core::AeadId::kAesSivCmac256);

class NtsKe : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!crypto::aes_siv_available()) GTEST_SKIP() << "no AES-SIV in this OpenSSL";
    ASSERT_TRUE(crypto::init_tls());
    signal(SIGPIPE, SIG_IGN);  // as tempusd does: a peer's early close must not kill us
    master_ = crypto::make_aead(core::AeadId::kAesSivCmac256);
    base_ = sys::make_event_base();
    ca_ = pki_.ca("ca");
    leaf_ = pki_.leaf("server", "IP:127.0.0.1", ca_);
    keys_ = std::make_unique<NtsServerKeys>(
        base_.get(), *master_, core::Duration::s(3600), std::nullopt, wall_now, rng_,
        [this](const std::string& s) { saved_.push_back(s); });
  }

  void start_server(core::AccessTable access, NtsKeServerOptions o = {}) {
    auto l = sys::open_tcp_listener({core::IpAddress::v4(0x7f000001), 0}, 16);
    ASSERT_TRUE(l.ok());
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ASSERT_EQ(getsockname(l->get(), reinterpret_cast<sockaddr*>(&ss), &len), 0);
    port_ = sys::from_sockaddr(ss).port;
    const crypto::TlsKeyPair pair{leaf_.cert_path, leaf_.key_path};
    auto tls = crypto::TlsContext::server(std::span(&pair, 1));
    ASSERT_TRUE(tls.ok());
    if (o.aeads.empty()) o.aeads = {kSiv};
    std::vector<ipc::UniqueFd> ls;
    ls.push_back(std::move(*l));
    server_ = std::make_unique<NtsKeServer>(base_.get(), std::move(ls), std::move(*tls),
                                            std::move(access), *keys_, std::move(o));
  }

  static core::AccessTable allow_all() {
    const core::AccessRule r{.allow = true};
    return core::AccessTable(std::span(&r, 1));
  }

  crypto::TlsContext client_tls(const std::string& trusted) {
    crypto::TlsClientOptions o;
    o.system_certs = false;
    o.trusted = {trusted};
    return std::move(crypto::TlsContext::client(o)).value();
  }

  using Outcome = core::Result<NtsKeOutcome, std::string>;

  // Runs one exchange to its end (bounded by 10 s of loop time).
  std::optional<Outcome> exchange(const crypto::TlsContext& tls, std::string name = "127.0.0.1",
                                  core::Duration timeout = kNtsKeClientTimeout) {
    std::optional<Outcome> out;
    NtsKeClient c(base_.get(), tls, {core::IpAddress::v4(0x7f000001), port_}, std::move(name),
                  {kSiv}, [&out](Outcome r) { out.emplace(std::move(r)); }, timeout);
    c.start();
    run_until([&] { return out.has_value(); });
    return out;
  }

  template <class F>
  void run_until(F done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < end)
      event_base_loop(base_.get(), EVLOOP_ONCE);
    // Let the server finish its side (close_notify, reaping).
    for (int i = 0; i < 5; ++i) event_base_loop(base_.get(), EVLOOP_NONBLOCK);
  }

  test::TestPki pki_;
  test::Identity ca_, leaf_;
  GetRandom rng_;
  std::unique_ptr<core::Aead> master_;
  sys::EventBasePtr base_;
  std::unique_ptr<NtsServerKeys> keys_;
  std::unique_ptr<NtsKeServer> server_;
  std::vector<std::string> saved_;
  uint16_t port_ = 0;
};

TEST_F(NtsKe, ClientGetsEightCookiesThatCarryItsKeys) {
  start_server(allow_all(), {.ntp_port = 1123});
  auto tls = client_tls(ca_.cert_path);
  auto out = exchange(tls);
  ASSERT_TRUE(out && out->ok()) << (out ? out->error() : "no outcome");
  const NtsKeOutcome& o = out->value();
  EXPECT_EQ(o.cookies.size(), core::kNkeMaxCookies);
  EXPECT_EQ(o.keys.aead, kSiv);
  EXPECT_EQ(o.keys.c2s.size(), 32u);
  EXPECT_NE(o.keys.c2s, o.keys.s2c);
  EXPECT_EQ(o.port, std::optional<uint16_t>(1123));
  EXPECT_FALSE(o.server);
  for (const auto& cookie : o.cookies) {
    auto k = core::open_cookie(keys_->ring(), *master_, cookie);
    ASSERT_TRUE(k);
    EXPECT_EQ(*k, o.keys);
  }
  EXPECT_NE(o.cookies[0], o.cookies[1]);
  EXPECT_EQ(server_->stats().accepted, 1u);
  EXPECT_EQ(server_->stats().completed, 1u);
  EXPECT_EQ(server_->sessions(), 0u);
}

TEST_F(NtsKe, ClientTrustingAnotherCaFails) {
  start_server(allow_all());
  auto other = pki_.ca("other");
  auto tls = client_tls(other.cert_path);
  auto out = exchange(tls);
  ASSERT_TRUE(out);
  ASSERT_FALSE(out->ok());
  EXPECT_NE(out->error().find("certificate"), std::string::npos) << out->error();
  EXPECT_EQ(server_->stats().completed, 0u);
}

TEST_F(NtsKe, DeniedClientIsClosedBeforeTls) {
  const core::AccessRule deny{.allow = false};
  start_server(core::AccessTable(std::span(&deny, 1)));
  auto tls = client_tls(ca_.cert_path);
  auto out = exchange(tls);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->ok());
  EXPECT_EQ(server_->stats().dropped, 1u);
  EXPECT_EQ(server_->stats().accepted, 0u);
}

TEST_F(NtsKe, ConnectionBoundAndSessionTimeout) {
  start_server(allow_all(), {.max_connections = 1, .timeout = core::Duration::ms(300)});
  // A silent client holds the only session slot until the server's timeout ends it.
  auto idle = sys::start_tcp_connect({core::IpAddress::v4(0x7f000001), port_});
  ASSERT_TRUE(idle.ok());
  run_until([&] { return server_->stats().accepted == 1; });
  ASSERT_EQ(server_->stats().accepted, 1u);
  auto tls = client_tls(ca_.cert_path);
  auto refused = exchange(tls, "127.0.0.1", core::Duration::ms(200));
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->ok());
  EXPECT_EQ(server_->stats().dropped, 1u);
  run_until([&] { return server_->stats().errors == 1; });
  EXPECT_EQ(server_->stats().errors, 1u);  // the idle one timed out
  auto out = exchange(tls);
  ASSERT_TRUE(out && out->ok()) << (out ? out->error() : "no outcome");
}

TEST_F(NtsKe, RateLimitClosesBeforeTls) {
  NtsKeServerOptions o;
  o.rate_limit = core::ClientLogConfig{
      .max_clients = 16,
      .rate_limit = core::RateLimitConfig{.interval_log2 = 10, .burst = 1, .leak = 2, .kod = 0}};
  o.now = wall_now;
  start_server(allow_all(), std::move(o));
  auto tls = client_tls(ca_.cert_path);
  auto first = exchange(tls);
  ASSERT_TRUE(first && first->ok()) << (first ? first->error() : "no outcome");
  auto second = exchange(tls);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->ok());
  EXPECT_EQ(server_->stats().rate_limited, 1u);
  EXPECT_EQ(server_->stats().accepted, 1u);
}

TEST_F(NtsKe, ClientFailsWithoutServer) {
  auto l = sys::open_tcp_listener({core::IpAddress::v4(0x7f000001), 0}, 1);
  ASSERT_TRUE(l.ok());
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ASSERT_EQ(getsockname(l->get(), reinterpret_cast<sockaddr*>(&ss), &len), 0);
  port_ = sys::from_sockaddr(ss).port;
  *l = ipc::UniqueFd();  // closed: the port refuses connections now
  auto tls = client_tls(ca_.cert_path);
  auto out = exchange(tls);
  ASSERT_TRUE(out);
  ASSERT_FALSE(out->ok());
  EXPECT_NE(out->error().find("refused"), std::string::npos) << out->error();
}

TEST_F(NtsKe, SavedKeysKeepCookiesValidAcrossARestart) {
  start_server(allow_all());
  ASSERT_EQ(saved_.size(), 1u);  // the first key was made and handed out for saving
  auto tls = client_tls(ca_.cert_path);
  auto out = exchange(tls);
  ASSERT_TRUE(out && out->ok());
  // A "restarted" server loads the saved ring: the old cookies still open.
  NtsServerKeys reloaded(base_.get(), *master_, core::Duration::s(3600), saved_.back(), wall_now,
                         rng_, nullptr);
  auto k = core::open_cookie(reloaded.ring(), *master_, out->value().cookies[0]);
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, out->value().keys);
  // After a rotation the previous key is still in the ring; a fresh ring opens nothing.
  keys_->rotate();
  EXPECT_EQ(saved_.size(), 2u);
  EXPECT_TRUE(core::open_cookie(keys_->ring(), *master_, out->value().cookies[1]));
  NtsServerKeys fresh(base_.get(), *master_, core::Duration::s(3600), std::nullopt, wall_now,
                      rng_, nullptr);
  EXPECT_FALSE(core::open_cookie(fresh.ring(), *master_, out->value().cookies[1]));
}

// A plain client request as the engine makes it (48 octets, mode 3).
std::vector<std::byte> plain_request() {
  core::Header h;
  h.mode = core::Mode::kClient;
  h.transmit_ts = core::NtpTimestamp::from_parts(0x12345678, 0x9abcdef0);
  std::vector<std::byte> out;
  core::ByteWriter w(out);
  core::encode_header(h, w);
  return out;
}

// The server side of one NTS exchange, as NtsServerService::answer() does it.
std::optional<std::vector<std::byte>> serve(const NtsServerKeys& keys, const core::Aead& aead,
                                            core::Bytes request, core::RandomSource& rng) {
  core::Header h;
  h.mode = core::Mode::kServer;
  h.stratum = 2;
  h.origin_ts = core::NtpTimestamp::from_parts(0x12345678, 0x9abcdef0);
  auto req = core::parse_nts_request(request, keys.ring(), aead);
  if (!req) {
    if (!core::nts_nak_warranted(req.error())) return std::nullopt;
    return core::build_nts_nak(h, core::nts_unique_id(request));
  }
  return core::build_nts_reply(h, *req, keys.ring(), aead, rng);
}

TEST_F(NtsKe, SourceRunsKeThenPollsAuthenticatedAndRedoesKeAfterANak) {
  start_server(allow_all());
  auto tls = client_tls(ca_.cert_path);
  int ready = 0;
  NtsSource src(base_.get(), tls, *master_, {core::IpAddress::v4(0x7f000001), port_}, "127.0.0.1",
                core::Duration::s(3600), wall_now, [&](const NtsKeOutcome&) { ++ready; });
  // No cookie yet: the poll is skipped and NTS-KE starts (once).
  EXPECT_FALSE(src.wrap(plain_request(), rng_));
  EXPECT_TRUE(src.ke_running());
  EXPECT_FALSE(src.wrap(plain_request(), rng_));
  run_until([&] { return ready == 1; });
  ASSERT_EQ(ready, 1);
  EXPECT_EQ(src.cookies(), 8u);
  EXPECT_EQ(src.counters().no_cookie, 2u);

  auto req = src.wrap(plain_request(), rng_);
  ASSERT_TRUE(req);
  EXPECT_GT(req->size(), 48u);
  EXPECT_EQ(src.cookies(), 7u);
  auto reply = serve(*keys_, *master_, *req, rng_);
  ASSERT_TRUE(reply);
  EXPECT_LE(reply->size(), req->size());
  // A reply with one octet changed does not authenticate; the real one still does, once.
  auto forged = *reply;
  forged[60] ^= std::byte{1};
  EXPECT_FALSE(src.accept(forged));
  EXPECT_EQ(src.counters().auth_failed, 1u);
  EXPECT_TRUE(src.accept(*reply));
  EXPECT_EQ(src.cookies(), 8u);
  EXPECT_FALSE(src.accept(*reply));  // a replay
  EXPECT_EQ(src.counters().auth_failed, 2u);

  // The server lost its keys (a restart without ntsdumpdir): NAK, then a new NTS-KE.
  req = src.wrap(plain_request(), rng_);
  ASSERT_TRUE(req);
  NtsServerKeys other(base_.get(), *master_, core::Duration::s(3600), std::nullopt, wall_now,
                      rng_, nullptr);
  auto nak = serve(other, *master_, *req, rng_);
  ASSERT_TRUE(nak);
  EXPECT_FALSE(src.accept(*nak));
  EXPECT_EQ(src.counters().naks, 1u);
  EXPECT_EQ(src.cookies(), 0u);
  EXPECT_TRUE(src.ke_running());
  run_until([&] { return ready == 2; });
  EXPECT_EQ(ready, 2);
  EXPECT_EQ(src.counters().ke_ok, 2u);
}

TEST_F(NtsKe, SourceBacksOffAfterAFailedKe) {
  start_server(allow_all());
  auto other = pki_.ca("other");
  auto tls = client_tls(other.cert_path);
  NtsSource src(base_.get(), tls, *master_, {core::IpAddress::v4(0x7f000001), port_}, "127.0.0.1",
                core::Duration::s(3600), wall_now, nullptr);
  EXPECT_FALSE(src.wrap(plain_request(), rng_));
  run_until([&] { return src.counters().ke_failed == 1; });
  EXPECT_EQ(src.counters().ke_failed, 1u);
  EXPECT_NE(src.last_error().find("certificate"), std::string::npos) << src.last_error();
  // Within the back-off no new exchange starts.
  EXPECT_FALSE(src.wrap(plain_request(), rng_));
  EXPECT_FALSE(src.ke_running());
}

TEST_F(NtsKe, UnparsableKeyFileStartsANewRing) {
  NtsServerKeys k(base_.get(), *master_, core::Duration::s(3600), std::string("garbage\n"),
                  wall_now, rng_, nullptr);
  EXPECT_NE(k.ring().current(), nullptr);
}

}  // namespace
}  // namespace tempus::proc
