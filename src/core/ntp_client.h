// SPDX-License-Identifier: ISC
// The client side of one NTP association in client/server mode (RFC 5905 §8–9, §13; RFC 9109's
// data minimisation; chrony's polling behaviour). One NtpClient per source ADDRESS: it builds
// requests, validates replies, turns a good reply into a Sample, keeps the reachability register
// and decides when to poll next. Pure: no clock reads, no syscalls; time comes in as arguments
// and randomness through core::RandomSource.
//
// Who calls what (the net shell):
//   1. Timer fires → make_request(now, rng) → send Request::packet (from a fresh random port,
//      RFC 9109) and take t1, the local time it really left (kernel TX timestamp, or the clock
//      read right before send()).
//   2. A datagram from the source arrives → handle_reply(bytes, t1, t4), t4 = the local receive
//      time (kernel RX timestamp). A Sample goes to the per-source statistics; if they judge it
//      poor (maxdelayratio, maxdelaydevratio, outlier) or find the source's prediction off, they
//      say so with on_sample_quality() before the next make_request().
//   3. No reply within the receive window (chrony: maxdelay + 4 s) → on_timeout(). Optional:
//      make_request() counts a still-unanswered request as lost anyway (exactly once).
//   4. Re-arm the timer with next_poll_interval(rng), measured from the request just sent.
//   on_online() when the network (or `chronyc online`) comes back; reset() for `chronyc reset`
//   or a new address. A kDenied client (KoD DENY/RSTR) sends nothing until reset().
//
// Signs and units: Sample as in core/sample.h (offset > 0: the local clock is BEHIND the
// source). Durations are ns; polls are log2 seconds.
//
// Poll adaptation (documented simplification of chrony's score, ntp_core.c semantics):
//   - every `poll_target` good samples collected at the current poll raise the poll by one
//     (chrony aims to keep about poll_target samples in the statistics, which at a stable poll
//     means lengthening once that many were taken);
//   - a sample the statistics call kPoor is not counted (it neither advances nor resets);
//     kOffTrack (prediction error above the source's distance) shortens the poll by one;
//   - every 4 consecutive requests without a valid reply lengthen the poll by one, like chrony's
//     +0.25 per missed reply and RFC 5905 §13's unreachable back-off: an unreachable server is
//     probed less often, never more (shortening would flood a server that is down or blocking);
//   - KoD RATE lengthens the poll by one and adds 4 × the interval to the next wait (chrony);
//   - the poll always stays in [minpoll, maxpoll].
// Symmetric active mode (`peer`, RFC 5905 mode 1; ClientOptions::symmetric): requests are mode
// 1 packets that carry our system variables (the caller's ServerState) and real timestamps:
// transmit = our clock at `now` (the peer measures with it), origin/receive = the peer's last
// transmit timestamp and when it arrived. Mode 1 and 2 packets from the peer are accepted; any
// new one (transmit ≠ the last seen) updates that origin/receive pair even when it measures
// nothing, so each side can measure whatever the other sends. A sample comes from a packet that
// answers our newest request (origin = its transmit), however long the peer held it (its own
// poll, RFC 5905 basic mode: T3 − T2 up to kMaxSymmetricInterval). A mode 1 packet that is not
// a prompt answer to our open request (the peer's own poll) asks for an immediate response
// (response_due(), make_response()), so the peer gets a measurement with a short T3 − T2;
// prompt answers are never answered, so two tempus peers do not ping-pong.
//
// Bursts (chrony): a burst sends requests min(2 s, interval / 4) apart until it has collected
// its good samples or sent its requests. iburst: 4 good of at most 8 requests, at start, after
// on_online() and after reset(). burst: every regular poll above minpoll opens a burst of 1 good
// of at most min(2^(poll − minpoll), 4) requests (the regular request included), so only a poor
// or lost measurement causes quick retries and the average rate never exceeds 1 / minpoll.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/packet.h"
#include "core/result.h"
#include "core/sample.h"
#include "core/server.h"
#include "core/symkey.h"
#include "core/time.h"

namespace tempus::core {

// Per-source client settings; net fills them from config::NtpSource (chrony defaults here).
struct ClientOptions {
  PollLog minpoll{6};           // minpoll, log2 s
  PollLog maxpoll{10};          // maxpoll, log2 s (raised to minpoll if below it)
  bool iburst = false;
  bool burst = false;
  int version = 4;              // version of our requests, 1..4 (others → 4)
  Duration max_delay = Duration::s(3);  // maxdelay: reject delay − dispersion above this
  // Applied by the engine through SourceStats::check_delay() (it needs the minimum delay and
  // the std dev held), which reports a rejection via on_sample_quality(kPoor). Carried here
  // so net fills one struct.
  double max_delay_ratio = 0.0;      // maxdelayratio: delay / minimum delay above it, 0 = off
  double max_delay_dev_ratio = 10.0; // maxdelaydevratio: (delay − min) / 2 over std dev, 0 = off
  int poll_target = 8;          // polltarget: good samples per poll before lengthening (≥ 1)
  int min_stratum = 0;          // minstratum: samples carry max(server stratum, this) (chrony
                                // raises the stratum to avoid selecting the source; no reject)
  Duration offset_correction;   // offset S: added to every measured offset (> 0: source ahead)
  Duration local_precision = Duration::ns(100);  // our clock's reading precision (net measures
                                                 // it or takes `clockprecision`)
  bool symmetric = false;       // peer: symmetric active mode (see the header comment)
  // Our own address toward the source as a reference ID (0: unknown). A source above stratum 1
  // that names it as its reference is synchronised to us: its samples would close a loop
  // (chrony's test D), so they are not used.
  uint32_t own_ref_id = 0;
  // key ID: requests (and a peer's responses) carry a MAC under this key of `keys`, and only
  // replies with a valid MAC under it are taken (core/symkey.h). nullopt: no MAC is sent, and a
  // reply that carries one is dropped (chronyd's rule). `keys` must outlive the client; while
  // it lacks the key (or cannot use it), nothing is sent.
  std::optional<uint32_t> key_id;
  const MacKeys* keys = nullptr;
};

// What to send. `packet` is empty when the client is kDenied (send nothing).
struct Request {
  std::vector<std::byte> packet;  // 48 octets: mode 3, everything zero but poll, precision and
                                  // the transmit timestamp (RFC 9109 / data minimisation)
  NtpTimestamp transmit;          // the random transmit value; the reply's origin must echo it
  // The source's key is missing or unusable: `packet` is empty, but the client goes on polling
  // (the request counts as sent and, unanswered, as lost), so a `rekey` that brings the key
  // back resumes the exchange. Empty without this flag: kDenied.
  bool key_missing = false;
};

// Why a reply was not turned into a sample. The first group is dropped without touching the
// association (the request stays open for the genuine reply); the rest answer the request.
enum class ReplyError : uint8_t {
  // --- dropped, request left open; counted in ClientCounters::bogus
  kMalformed = 1,      // decode_packet() failed
  kNotServerMode,      // mode is not 4 (server); for a peer, not 1 or 2 (symmetric)
  kDuplicate,          // the request was already answered (RFC 5905 §8 test 1: one reply only)
  kNoRequest,          // no request outstanding (none sent, timed out, denied, reset)
  kBogusOrigin,        // origin timestamp ≠ our random transmit timestamp (test 2)
  kZeroTimestamp,      // receive or transmit timestamp zero (test 3)
  kAuthFailed,         // RFC 5905 test 5: no valid MAC under the source's key, or a MAC from a
                       // source without one (also counted in ClientCounters::auth_failed)
  // --- answer the request; the reach bit stays 0
  kKodRate,            // KoD RATE: poll + 1, burst ended, next interval + 4 × interval
  kKodDeny,            // KoD DENY: state kDenied until reset() (RFC 5905 §7.4)
  kKodRestricted,      // KoD RSTR: the same
  kKodOther,           // stratum 0 with any other code: ignored (RFC 5905 §7.4)
  kUnsynchronised,     // leap 3 or stratum ≥ 16 (test 6; a zero reference time is accepted)
  kBadRootDistance,    // root_delay / 2 + root_dispersion ≥ 16 s (test 7)
  // --- answer the request and set the reach bit, but the measurement is unusable
  kBadLocalInterval,   // t4 < t1: the local clock went backwards during the exchange
  kBadServerInterval,  // T3 < T2, or T3 − T2 > 4 s (chrony's MAX_SERVER_INTERVAL)
  kDelayTooHigh,       // delay − dispersion > max_delay, or the precisions exceed it (chrony)
  kSyncLoop,           // the source is synchronised to us (its reference ID is our address)
};
std::string_view to_string(ReplyError e);

// The statistics' verdict on the sample handle_reply() just returned.
enum class SampleQuality : uint8_t {
  kGood,      // default, nothing to do
  kPoor,      // rejected by a statistical filter: not counted toward poll lengthening, and a
              // running burst keeps going
  kOffTrack,  // the source's prediction error exceeds its distance: as kPoor, and poll − 1
};

enum class ClientState : uint8_t {
  kActive,
  kDenied,  // KoD DENY or RSTR received: no more requests until reset()
};

struct ClientCounters {
  uint64_t requests = 0;       // packets produced by make_request()
  uint64_t valid_replies = 0;  // replies that answered a request (KoD included)
  uint64_t samples = 0;        // replies turned into a Sample
  uint64_t bogus = 0;          // replies dropped in the first ReplyError group
  uint64_t kod = 0;            // KoD replies of any code
  uint64_t missed = 0;         // requests that got no answering reply
  uint64_t auth_failed = 0;    // replies dropped for kAuthFailed (also in bogus)
  uint64_t key_missing = 0;    // requests not sent: the key was missing or unusable
};

// chrony sends precision 0x20 in client requests (data minimisation: no real value revealed,
// and tempus then looks like chronyd on the wire).
inline constexpr int8_t kRequestPrecision = 32;
// RFC 5905 §7.3 frequency tolerance φ, ppm, applied over the local interval t4 − t1.
inline constexpr int64_t kPhiPpm = 15;
// Largest root distance (root_delay / 2 + root_dispersion) a reply may carry (RFC 5905 MAXDISP).
inline constexpr Duration kMaxRootDistance = Duration::s(16);
// Longest server processing time T3 − T2 accepted (chrony MAX_SERVER_INTERVAL); a packet that
// answers within it is a prompt answer for a peer.
inline constexpr Duration kMaxServerInterval = Duration::s(4);
// A peer's packet may answer ours at its own next poll: T3 − T2 up to about a poll interval
// (2^17 s, chrony's largest maxpoll, bounds it).
inline constexpr Duration kMaxSymmetricInterval = Duration::s(int64_t{1} << 17);
// Burst request spacing cap (chrony MAX_BURST_INTERVAL); the spacing is also ≤ interval / 4.
inline constexpr Duration kMaxBurstInterval = Duration::s(2);
inline constexpr int kIburstGood = 4, kIburstTotal = 8, kBurstMaxTotal = 4;
// Consecutive lost requests that lengthen the poll by one.
inline constexpr int kMissedPerPollStep = 4;

class NtpClient {
 public:
  // Starts at minpoll with reach 0; opens the iburst burst when options.iburst.
  explicit NtpClient(const ClientOptions& options);

  // Builds the next request (RFC 5905 §9 client mode). Any previous request still open counts
  // as lost first (reach bit 0, back-off). The transmit field gets 64 random bits (never 0),
  // remembered as the one origin a reply may carry; only the newest request can be answered.
  // `now` is the local time of the call, kept for reports. When kDenied: empty packet, no
  // state change. Symmetric mode: `self` (our system variables) fills the header and the
  // transmit timestamp is `now` (rng unused); required then, ignored otherwise.
  Request make_request(Timestamp now, RandomSource& rng, const ServerState* self = nullptr);

  // Symmetric mode: whether the packet handle_reply() just took asks for an immediate answer,
  // and that answer (mode 1, transmit = `now`). It is not a request: nothing is left open, the
  // reach register and the poll do not change.
  bool response_due() const { return response_due_; }
  std::vector<std::byte> make_response(Timestamp now, const ServerState& self);

  // Validates a reply to the outstanding request and measures (RFC 5905 §8). t1_local: when the
  // request left; t4_local: when this reply arrived (both local clock). Checks in the order of
  // ReplyError; on success the Sample's local_time is t4_local, the request is answered and
  // later copies are kDuplicate.
  Result<Sample, ReplyError> handle_reply(Bytes packet, Timestamp t1_local, Timestamp t4_local);

  // The statistics' verdict on the last returned sample (see SampleQuality). Must come before
  // the next make_request() to take back the good-sample accounting; later it only applies
  // kOffTrack's shortening.
  void on_sample_quality(SampleQuality q);

  // The outstanding request will not be answered (receive window closed): reach bit 0,
  // back-off. No-op when nothing is outstanding.
  void on_timeout();

  // Connectivity restored: forget any outstanding request (not counted as lost) and, with
  // iburst, start a new initial burst.
  void on_online();

  // `chronyc burst GOOD/TOTAL` (chrony): requests at the burst spacing until `good` good samples
  // or `total` requests; nothing for a symmetric association, while a burst runs already, or
  // with a count below 1.
  void burst(int good, int total);

  // Back to the initial state (poll = minpoll, reach 0, active, iburst again if configured);
  // counters are kept.
  void reset();

  // Wait from the request just sent to the next one: the poll interval, or the burst spacing,
  // plus the KoD RATE back-off, jittered uniformly within ±1/64 of itself by one rng draw.
  // Duration::max() when kDenied.
  Duration next_poll_interval(RandomSource& rng) const;
  // The same without jitter (reports, tests).
  Duration nominal_interval() const;

  PollLog poll() const { return poll_; }
  uint8_t reach() const { return reach_; }  // bit 0 = newest request, 1 = answered in sync
  // Progress towards the next longer poll, 0..1: good samples at this poll / poll_target (the
  // measurements log's "Score" column; chrony's own score differs in detail).
  double poll_score() const {
    return opts_.poll_target > 0
               ? std::min(1.0, static_cast<double>(good_at_poll_) / opts_.poll_target)
               : 0.0;
  }
  bool reachable() const { return reach_ != 0; }
  ClientState state() const { return state_; }
  bool in_burst() const { return burst_good_left_ > 0 && burst_total_left_ > 0; }
  bool request_outstanding() const { return open_; }
  const ClientCounters& counters() const { return counters_; }
  std::optional<Timestamp> last_sample_time() const { return last_sample_time_; }
  std::optional<Timestamp> last_request_time() const { return last_request_time_; }
  uint32_t last_kiss_code() const { return last_kiss_; }  // 0 when none seen since reset()
  const ClientOptions& options() const { return opts_; }
  bool authenticated() const { return opts_.key_id.has_value(); }

 private:
  // Accounting a good sample changed; kept so on_sample_quality() can take it back.
  struct GoodUndo {
    int burst_good_left, burst_total_left, good_at_poll;
    PollLog poll;
  };

  void start_burst(int good, int total);
  void end_burst();
  void change_poll(int delta);
  void shift_reach(bool bit);
  void mark_lost();
  void answer_request();
  Result<Sample, ReplyError> measure(const Header& h, Timestamp t1, Timestamp t4);
  std::vector<std::byte> symmetric_packet(Timestamp now, const ServerState& self) const;
  // Appends the MAC when the source has a key; false when it has one that cannot sign.
  bool sign(std::vector<std::byte>& packet) const;

  ClientOptions opts_;
  ClientState state_ = ClientState::kActive;
  PollLog poll_;
  uint8_t reach_ = 0;
  int good_at_poll_ = 0;    // good samples since the poll last changed
  int missed_run_ = 0;      // lost requests in a row since the poll last changed
  int burst_good_left_ = 0;
  int burst_total_left_ = 0;
  bool rate_backoff_ = false;  // KoD RATE seen since the last request
  bool open_ = false;          // a request is outstanding
  bool answered_ = false;      // the newest request got its reply
  NtpTimestamp expected_;      // transmit timestamp of the newest request
  std::optional<GoodUndo> undo_;
  std::optional<Timestamp> last_sample_time_;
  std::optional<Timestamp> last_request_time_;
  uint32_t last_kiss_ = 0;
  ClientCounters counters_;
  // Symmetric mode: the peer's newest transmit timestamp and its local arrival time (echoed as
  // origin and receive), and whether the last packet asked for a response.
  NtpTimestamp peer_transmit_;
  Timestamp peer_arrival_;
  bool response_due_ = false;
};

}  // namespace tempus::core
