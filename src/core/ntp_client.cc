// SPDX-License-Identifier: ISC
#include "core/ntp_client.h"

#include <algorithm>

namespace tempus::core {

std::string_view to_string(ReplyError e) {
  switch (e) {
    case ReplyError::kMalformed: return "malformed packet";
    case ReplyError::kNotServerMode: return "not a server-mode packet";
    case ReplyError::kDuplicate: return "duplicate reply";
    case ReplyError::kNoRequest: return "no request outstanding";
    case ReplyError::kBogusOrigin: return "origin timestamp does not match the request";
    case ReplyError::kZeroTimestamp: return "zero receive or transmit timestamp";
    case ReplyError::kAuthFailed: return "authentication failed";
    case ReplyError::kKodRate: return "kiss-o'-death RATE";
    case ReplyError::kKodDeny: return "kiss-o'-death DENY";
    case ReplyError::kKodRestricted: return "kiss-o'-death RSTR";
    case ReplyError::kKodOther: return "kiss-o'-death (other code)";
    case ReplyError::kUnsynchronised: return "server not synchronised";
    case ReplyError::kBadRootDistance: return "root distance too large";
    case ReplyError::kBadLocalInterval: return "local clock went backwards";
    case ReplyError::kBadServerInterval: return "bad server processing time";
    case ReplyError::kDelayTooHigh: return "delay above maxdelay";
    case ReplyError::kSyncLoop: return "source synchronised to us";
  }
  return "unknown reply error";
}

namespace {

// 2^log2 s as a Duration, saturating (a server may claim any int8 precision).
Duration log2_duration(int log2) {
  if (log2 >= 0) return Duration::s(int64_t{1} << std::min(log2, 32));
  if (log2 < -62) return Duration();
  return Duration::ns(kNsPerSec >> -log2);
}

// φ × interval, without overflow for any interval.
Duration phi_growth(Duration interval) {
  const int64_t ns = interval.count_ns();
  return Duration::ns(ns / 1'000'000 * kPhiPpm + ns % 1'000'000 * kPhiPpm / 1'000'000);
}

}  // namespace

NtpClient::NtpClient(const ClientOptions& options) : opts_(options) {
  opts_.minpoll.log2 = std::clamp(opts_.minpoll.log2, PollLog::kMin, PollLog::kMax);
  opts_.maxpoll.log2 = std::clamp(opts_.maxpoll.log2, opts_.minpoll.log2, PollLog::kMax);
  if (opts_.version < 1 || opts_.version > 4) opts_.version = 4;
  opts_.poll_target = std::max(opts_.poll_target, 1);
  reset();
}

void NtpClient::reset() {
  state_ = ClientState::kActive;
  poll_ = opts_.minpoll;
  reach_ = 0;
  good_at_poll_ = missed_run_ = 0;
  end_burst();
  rate_backoff_ = open_ = answered_ = false;
  expected_ = NtpTimestamp();
  peer_transmit_ = NtpTimestamp();
  peer_arrival_ = Timestamp();
  response_due_ = false;
  undo_.reset();
  last_sample_time_.reset();
  last_request_time_.reset();
  last_kiss_ = 0;
  if (opts_.iburst) start_burst(kIburstGood, kIburstTotal);
}

void NtpClient::start_burst(int good, int total) {
  burst_good_left_ = good;
  burst_total_left_ = total;
}

void NtpClient::end_burst() { burst_good_left_ = burst_total_left_ = 0; }

void NtpClient::change_poll(int delta) {
  const int p = std::clamp(poll_.log2 + delta, int{opts_.minpoll.log2}, int{opts_.maxpoll.log2});
  poll_.log2 = static_cast<int8_t>(p);
  good_at_poll_ = missed_run_ = 0;
}

void NtpClient::shift_reach(bool bit) {
  reach_ = static_cast<uint8_t>((reach_ << 1) | (bit ? 1 : 0));
}

void NtpClient::mark_lost() {
  if (!open_) return;
  open_ = false;
  shift_reach(false);
  ++counters_.missed;
  // RFC 5905 §13 / chrony: back off while the server does not answer.
  if (++missed_run_ >= kMissedPerPollStep) change_poll(+1);
}

void NtpClient::answer_request() {
  open_ = false;
  answered_ = true;
  missed_run_ = 0;
  ++counters_.valid_replies;
}

std::vector<std::byte> NtpClient::symmetric_packet(Timestamp now, const ServerState& self) const {
  Header h;
  h.leap = self.leap;
  h.version = static_cast<uint8_t>(opts_.version);
  h.mode = Mode::kSymmetricActive;
  // Unsynchronised: stratum 0 on the wire with leap 3, as chronyd and ntpd send it.
  h.stratum = self.leap == Leap::kUnsync ? 0 : self.stratum;
  h.poll = poll_.log2;
  h.precision = self.precision;
  h.root_delay = ShortFixed::from_duration(self.root_delay);
  h.root_dispersion = ShortFixed::from_duration(self.root_dispersion);
  h.ref_id = self.ref_id;
  h.reference_ts = self.leap == Leap::kUnsync ? NtpTimestamp() : NtpTimestamp::from_time(self.ref_time);
  h.origin_ts = peer_transmit_;
  h.receive_ts = peer_transmit_.is_zero() ? NtpTimestamp() : NtpTimestamp::from_time(peer_arrival_);
  h.transmit_ts = NtpTimestamp::from_time(now);
  std::vector<std::byte> out;
  out.reserve(kHeaderLen);
  ByteWriter w{out};
  encode_header(h, w);
  return out;
}

bool NtpClient::sign(std::vector<std::byte>& packet) const {
  return !opts_.key_id || (opts_.keys && append_mac(*opts_.keys, *opts_.key_id, packet));
}

std::vector<std::byte> NtpClient::make_response(Timestamp now, const ServerState& self) {
  response_due_ = false;
  auto packet = symmetric_packet(now, self);
  if (!sign(packet)) packet.clear();
  return packet;
}

Request NtpClient::make_request(Timestamp now, RandomSource& rng, const ServerState* self) {
  Request req;
  if (state_ == ClientState::kDenied || (opts_.symmetric && !self)) return req;
  mark_lost();
  undo_.reset();
  rate_backoff_ = false;

  // chrony's `burst`: each regular poll above minpoll opens a short burst that ends at the
  // first good sample; its size keeps the mean rate at or below 1 / minpoll.
  if (!in_burst() && opts_.burst && poll_ > opts_.minpoll) {
    const int span = poll_.log2 - opts_.minpoll.log2;
    start_burst(1, span >= 2 ? kBurstMaxTotal : 1 << span);
  }
  if (in_burst() && --burst_total_left_ == 0) end_burst();

  if (opts_.symmetric) {
    req.packet = symmetric_packet(now, *self);
    expected_ = NtpTimestamp::from_time(now);
    if (expected_.is_zero()) expected_ = NtpTimestamp::from_wire(1);
  } else {
    // RFC 9109 §3 spirit / data minimisation: the transmit field is not our clock but a nonce;
    // zero is reserved (RFC 5905 §8 test 3 treats a zero origin as invalid).
    uint64_t nonce = rng.next_u64();
    if (nonce == 0) nonce = 1;
    expected_ = NtpTimestamp::from_wire(nonce);

    Header h;
    h.leap = Leap::kNone;
    h.version = static_cast<uint8_t>(opts_.version);
    h.mode = Mode::kClient;
    h.poll = poll_.log2;
    h.precision = kRequestPrecision;
    h.transmit_ts = expected_;
    req.packet.reserve(kHeaderLen);
    ByteWriter w{req.packet};
    encode_header(h, w);
  }
  req.transmit = expected_;
  if (!sign(req.packet)) {
    // chronyd sends nothing it cannot authenticate; the poll goes on as if it were lost.
    req.packet.clear();
    req.key_missing = true;
    ++counters_.key_missing;
  }

  open_ = true;
  answered_ = false;
  last_request_time_ = now;
  ++counters_.requests;
  return req;
}

Result<Sample, ReplyError> NtpClient::handle_reply(Bytes packet, Timestamp t1_local,
                                                   Timestamp t4_local) {
  const auto drop = [this](ReplyError e) -> Result<Sample, ReplyError> {
    ++counters_.bogus;
    return Unexpected{e};
  };
  response_due_ = false;
  auto decoded = decode_packet(packet);
  if (!decoded) return drop(ReplyError::kMalformed);
  const Header& h = decoded->header;
  // RFC 5905 test 5, before anything from the packet is believed (a peer's transmit timestamp
  // included): the source's key, or no MAC at all when it has none.
  const MacCheck auth = check_mac(opts_.keys, packet, *decoded);
  if (auth != (opts_.key_id ? MacCheck::kValid : MacCheck::kNone) ||
      (opts_.key_id && decoded->mac->key_id != *opts_.key_id)) {
    ++counters_.auth_failed;
    return drop(ReplyError::kAuthFailed);
  }
  const bool ours = !expected_.is_zero() && h.origin_ts == expected_;
  if (opts_.symmetric) {
    if (h.mode != Mode::kSymmetricActive && h.mode != Mode::kSymmetricPassive)
      return drop(ReplyError::kNotServerMode);
    // Test 1 on the peer's own transmit timestamp: each of its packets is used once.
    if (h.transmit_ts.is_zero()) return drop(ReplyError::kZeroTimestamp);
    if (h.transmit_ts == peer_transmit_) return drop(ReplyError::kDuplicate);
    peer_transmit_ = h.transmit_ts;
    peer_arrival_ = t4_local;
    const Duration held = h.transmit_ts - h.receive_ts;
    const bool prompt = open_ && ours && !h.receive_ts.is_zero() && held >= Duration() &&
                        held <= kMaxServerInterval;
    response_due_ = h.mode == Mode::kSymmetricActive && !prompt;
  } else {
    if (h.mode != Mode::kServer) return drop(ReplyError::kNotServerMode);
    // RFC 5905 §8 tests 1 and 2: only the newest request, only once, only with our nonce.
    if (ours && answered_) return drop(ReplyError::kDuplicate);
  }
  // A peer's own poll answers nothing of ours: normal in symmetric mode, not bogus.
  if (!open_) return opts_.symmetric ? Unexpected{ReplyError::kNoRequest}
                                     : drop(ReplyError::kNoRequest);
  if (!ours) return opts_.symmetric ? Unexpected{ReplyError::kBogusOrigin}
                                    : drop(ReplyError::kBogusOrigin);

  // RFC 5905 §7.4 kiss-o'-death, trusted only now that the origin proved it on-path.
  if (h.stratum == 0) {
    answer_request();
    shift_reach(false);
    ++counters_.kod;
    last_kiss_ = h.ref_id;
    if (h.ref_id == kKissRate) {
      // Reduce the rate: one poll step, no quick retries, and an extra pause (chrony).
      change_poll(+1);
      end_burst();
      rate_backoff_ = true;
      return Unexpected{ReplyError::kKodRate};
    }
    if (h.ref_id == kKissDeny || h.ref_id == kKissRstr) {
      state_ = ClientState::kDenied;
      end_burst();
      return Unexpected{h.ref_id == kKissDeny ? ReplyError::kKodDeny
                                              : ReplyError::kKodRestricted};
    }
    return Unexpected{ReplyError::kKodOther};
  }

  // RFC 5905 §8 test 3: a server that is not up sends zero timestamps.
  if (h.receive_ts.is_zero() || h.transmit_ts.is_zero()) return drop(ReplyError::kZeroTimestamp);

  answer_request();
  // Test 6 (synchronised server) and test 7 (sane root distance): otherwise not reachable.
  // A zero reference timestamp is NOT a test here: ntpd (ntpsec) in orphan mode serves good
  // time with one, and chronyd accepts it too.
  if (h.leap == Leap::kUnsync || h.stratum >= 16) {
    shift_reach(false);
    return Unexpected{ReplyError::kUnsynchronised};
  }
  if (h.root_delay.to_duration() / 2 + h.root_dispersion.to_duration() >= kMaxRootDistance) {
    shift_reach(false);
    return Unexpected{ReplyError::kBadRootDistance};
  }
  shift_reach(true);
  if (opts_.own_ref_id != 0 && h.stratum > 1 && h.ref_id == opts_.own_ref_id)
    return Unexpected{ReplyError::kSyncLoop};

  auto sample = measure(h, t1_local, t4_local);
  if (!sample) return sample;  // a poor measurement: not counted, a running burst goes on

  ++counters_.samples;
  last_sample_time_ = t4_local;
  undo_ = GoodUndo{burst_good_left_, burst_total_left_, good_at_poll_, poll_};
  if (in_burst() && --burst_good_left_ == 0) end_burst();
  if (++good_at_poll_ >= opts_.poll_target) change_poll(+1);
  return sample;
}

Result<Sample, ReplyError> NtpClient::measure(const Header& h, Timestamp t1, Timestamp t4) {
  // RFC 5905 §8 on-wire calculations. The local times go to the era-less wire format so every
  // difference is a wrapping 64-bit subtraction, correct across an era boundary (RFC 5905 §6).
  const NtpTimestamp t1n = NtpTimestamp::from_time(t1);
  const NtpTimestamp t4n = NtpTimestamp::from_time(t4);
  const Duration local_interval = t4 - t1;                     // T4 − T1
  const Duration server_interval = h.transmit_ts - h.receive_ts;  // T3 − T2
  if (local_interval < Duration()) return Unexpected{ReplyError::kBadLocalInterval};
  const Duration max_interval = opts_.symmetric ? kMaxSymmetricInterval : kMaxServerInterval;
  // The server's timestamps are good to its precision only (chronyd fills the bits below it
  // with random noise), so a prompt answer may show T3 a little before T2: only an interval
  // below −precision is bogus.
  if (server_interval < -log2_duration(h.precision) || server_interval > max_interval)
    return Unexpected{ReplyError::kBadServerInterval};

  // θ = ((T2 − T1) + (T3 − T4)) / 2; each term is < 2^31 s, so the sum fits int64 ns.
  const Duration offset = ((h.receive_ts - t1n) + (h.transmit_ts - t4n)) / 2;
  // δ = (T4 − T1) − (T3 − T2), never below the precisions (RFC 5905 §8 max(δ, ρ)).
  const Duration precision = opts_.local_precision + log2_duration(h.precision);
  const Duration delay = std::max(local_interval - server_interval, precision);
  // ε = ρ_local + ρ_server + φ·(T4 − T1) (RFC 5905 Appendix A.5.1.1).
  const Duration dispersion = precision + phi_growth(local_interval);

  // chrony test A: the smallest delay consistent with the error must be within maxdelay.
  if (precision > opts_.max_delay || delay - dispersion > opts_.max_delay)
    return Unexpected{ReplyError::kDelayTooHigh};

  Sample s;
  s.local_time = t4;
  s.offset = offset + opts_.offset_correction;
  s.delay = delay;
  s.dispersion = dispersion;
  s.root_delay = h.root_delay.to_duration() + delay;
  s.root_dispersion = h.root_dispersion.to_duration() + dispersion;
  s.stratum = static_cast<uint8_t>(std::max<int>(h.stratum, opts_.min_stratum));
  s.leap = h.leap;
  s.ref_id = h.ref_id;
  return s;
}

void NtpClient::on_sample_quality(SampleQuality q) {
  if (q == SampleQuality::kGood) return;
  if (undo_) {
    burst_good_left_ = undo_->burst_good_left;
    burst_total_left_ = undo_->burst_total_left;
    good_at_poll_ = undo_->good_at_poll;
    poll_ = undo_->poll;
    undo_.reset();
  }
  if (q == SampleQuality::kOffTrack) change_poll(-1);
}

void NtpClient::on_timeout() { mark_lost(); }

void NtpClient::burst(int good, int total) {
  if (opts_.symmetric || in_burst() || good < 1 || total < 1) return;
  start_burst(good, total);
}

void NtpClient::on_online() {
  if (state_ == ClientState::kDenied) return;
  open_ = false;
  undo_.reset();
  if (opts_.iburst) start_burst(kIburstGood, kIburstTotal);
}

Duration NtpClient::nominal_interval() const {
  if (state_ == ClientState::kDenied) return Duration::max();
  const Duration interval = poll_.interval();
  Duration wait = in_burst() ? std::min(kMaxBurstInterval, interval / 4) : interval;
  if (rate_backoff_) wait += interval * 4;
  return wait;
}

Duration NtpClient::next_poll_interval(RandomSource& rng) const {
  const Duration wait = nominal_interval();
  if (wait == Duration::max()) return wait;
  // Spread requests of many clients (and of our own sources) so they do not stay in phase.
  const int64_t span = wait.count_ns() / 64;
  const auto draw = static_cast<int64_t>(rng.next_u64() % static_cast<uint64_t>(2 * span + 1));
  return wait + Duration::ns(draw - span);
}

}  // namespace tempus::core
