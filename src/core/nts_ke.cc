// SPDX-License-Identifier: ISC
#include "core/nts_ke.h"

#include <algorithm>

namespace tempus::core {

namespace {

constexpr uint16_t kCriticalBit = 0x8000;
constexpr size_t kRecordHeaderLen = 4;

uint16_t type_of(NkeRecordType t) { return static_cast<uint16_t>(t); }

// Reads one record header and body at the reader's position; nullopt on truncation.
std::optional<NkeRecord> read_record(ByteReader& r) {
  const uint16_t head = r.be16();
  const uint16_t len = r.be16();
  const Bytes body = r.bytes(len);
  if (!r.ok()) return std::nullopt;
  return NkeRecord{(head & kCriticalBit) != 0, static_cast<uint16_t>(head & ~kCriticalBit), body};
}

bool is_end(const NkeRecord& rec) { return rec.type == type_of(NkeRecordType::kEndOfMessage); }

std::vector<uint16_t> u16_list(Bytes body) {
  std::vector<uint16_t> out;
  ByteReader r{body};
  while (r.remaining() >= 2) out.push_back(r.be16());
  return out;
}

bool is_u16_list(Bytes body) { return !body.empty() && body.size() % 2 == 0; }

uint16_t u16_of(Bytes body) { return static_cast<uint16_t>(u16_list(body).front()); }

// RFC 8915 §4.1.7: a host name or address, as printable ASCII without spaces.
std::optional<std::string> server_name(Bytes body) {
  if (body.empty() || body.size() > kNkeMaxServerNameLen) return std::nullopt;
  std::string s;
  for (std::byte b : body) {
    const auto c = std::to_integer<unsigned char>(b);
    if (c <= 0x20 || c >= 0x7f) return std::nullopt;
    s.push_back(static_cast<char>(c));
  }
  return s;
}

bool usable_cookie(Bytes body) {
  return body.size() >= 4 && body.size() <= kNkeMaxCookieLen && body.size() % 4 == 0;
}

void put_u16_record(ByteWriter& w, bool critical, NkeRecordType type, uint16_t v) {
  const std::array<std::byte, 2> b{std::byte(v >> 8), std::byte(v & 0xff)};
  encode_nke_record(w, critical, type, b);
}

void put_u16_list_record(ByteWriter& w, bool critical, NkeRecordType type,
                         std::span<const uint16_t> values) {
  std::vector<std::byte> body;
  ByteWriter bw{body};
  for (uint16_t v : values) bw.be16(v);
  encode_nke_record(w, critical, type, body);
}

Unexpected<NkeRequestRefusal> refuse(NkeError reason,
                                     NkeErrorCode code = NkeErrorCode::kBadRequest) {
  return Unexpected{NkeRequestRefusal{code, reason}};
}

Unexpected<NkeFailure> fail(NkeError reason, uint16_t code = 0) {
  return Unexpected{NkeFailure{reason, code}};
}

}  // namespace

std::string_view to_string(NkeError e) {
  switch (e) {
    case NkeError::kTruncated: return "truncated NTS-KE message";
    case NkeError::kMessageTooLong: return "NTS-KE message too long";
    case NkeError::kTrailingData: return "data after End of Message";
    case NkeError::kBadEndOfMessage: return "malformed End of Message record";
    case NkeError::kUnrecognizedCritical: return "unrecognized critical record";
    case NkeError::kBadRecord: return "malformed record";
    case NkeError::kDuplicateRecord: return "duplicate record";
    case NkeError::kUnexpectedRecord: return "record not allowed in this direction";
    case NkeError::kMissingRecord: return "required record missing";
    case NkeError::kServerError: return "server sent an Error record";
    case NkeError::kServerWarning: return "server sent a Warning record";
    case NkeError::kNoCommonProtocol: return "no common next protocol";
    case NkeError::kNoCommonAead: return "no common AEAD algorithm";
    case NkeError::kNoCookies: return "no usable cookie";
  }
  return "unknown NTS-KE error";
}

void encode_nke_record(ByteWriter& w, bool critical, uint16_t type, Bytes body) {
  w.be16(static_cast<uint16_t>((critical ? kCriticalBit : 0u) | (type & ~kCriticalBit)));
  w.be16(static_cast<uint16_t>(body.size()));
  w.bytes(body);
}

void encode_nke_record(ByteWriter& w, bool critical, NkeRecordType type, Bytes body) {
  encode_nke_record(w, critical, type_of(type), body);
}

Result<std::vector<NkeRecord>, NkeError> split_nke_message(Bytes message) {
  if (message.size() > kNkeMaxMessageLen) return Unexpected{NkeError::kMessageTooLong};
  std::vector<NkeRecord> records;
  ByteReader r{message};
  while (!r.empty()) {
    const auto rec = read_record(r);
    if (!rec) return Unexpected{NkeError::kTruncated};
    records.push_back(*rec);
    if (is_end(*rec)) {
      if (!rec->critical || !rec->body.empty()) return Unexpected{NkeError::kBadEndOfMessage};
      if (!r.empty()) return Unexpected{NkeError::kTrailingData};
      return records;
    }
  }
  return Unexpected{NkeError::kTruncated};
}

Result<size_t, NkeError> nke_message_length(Bytes buffered) {
  ByteReader r{buffered};
  while (true) {
    const size_t start = r.position();
    const auto rec = read_record(r);
    if (!rec) {
      // Incomplete: wait for more unless even the declared record cannot fit the limit.
      if (buffered.size() >= kNkeMaxMessageLen) return Unexpected{NkeError::kMessageTooLong};
      if (buffered.size() - start >= kRecordHeaderLen) {
        ByteReader h{buffered.subspan(start)};
        h.skip(2);
        if (start + kRecordHeaderLen + h.be16() > kNkeMaxMessageLen)
          return Unexpected{NkeError::kMessageTooLong};
      }
      return size_t{0};
    }
    if (r.position() > kNkeMaxMessageLen) return Unexpected{NkeError::kMessageTooLong};
    if (is_end(*rec)) {
      if (!rec->critical || !rec->body.empty()) return Unexpected{NkeError::kBadEndOfMessage};
      return r.position();
    }
  }
}

std::vector<std::byte> encode_nke_request(const NkeRequest& req) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  put_u16_list_record(w, true, NkeRecordType::kNextProtocol, req.protocols);
  if (!req.aeads.empty()) put_u16_list_record(w, true, NkeRecordType::kAeadAlgorithm, req.aeads);
  if (req.server)
    encode_nke_record(w, false, NkeRecordType::kServerNegotiation, as_bytes(*req.server));
  if (req.port) put_u16_record(w, false, NkeRecordType::kPortNegotiation, *req.port);
  encode_nke_record(w, true, NkeRecordType::kEndOfMessage, {});
  return out;
}

Result<NkeRequest, NkeRequestRefusal> parse_nke_request(Bytes message) {
  const auto records = split_nke_message(message);
  if (!records) return refuse(records.error());
  NkeRequest req;
  req.protocols.clear();
  req.aeads.clear();
  bool have_protocols = false;
  bool have_aeads = false;
  for (const NkeRecord& rec : *records) {
    const bool too_long = rec.body.size() > kNkeMaxBodyLen;
    switch (static_cast<NkeRecordType>(rec.type)) {
      case NkeRecordType::kEndOfMessage:
        break;
      case NkeRecordType::kNextProtocol:
        if (have_protocols) return refuse(NkeError::kDuplicateRecord);
        if (!rec.critical || !is_u16_list(rec.body) || too_long)
          return refuse(NkeError::kBadRecord);
        req.protocols = u16_list(rec.body);
        have_protocols = true;
        break;
      case NkeRecordType::kAeadAlgorithm:
        if (have_aeads) return refuse(NkeError::kDuplicateRecord);
        if (!is_u16_list(rec.body) || too_long) return refuse(NkeError::kBadRecord);
        req.aeads = u16_list(rec.body);
        have_aeads = true;
        break;
      case NkeRecordType::kError:
      case NkeRecordType::kWarning:
      case NkeRecordType::kNewCookie:
        return refuse(NkeError::kUnexpectedRecord);
      case NkeRecordType::kServerNegotiation:
        req.server = server_name(rec.body);
        if (!req.server) return refuse(NkeError::kBadRecord);
        break;
      case NkeRecordType::kPortNegotiation:
        if (rec.body.size() != 2) return refuse(NkeError::kBadRecord);
        req.port = u16_of(rec.body);
        break;
      default:
        if (rec.critical)
          return refuse(NkeError::kUnrecognizedCritical, NkeErrorCode::kUnrecognizedCriticalRecord);
        break;
    }
  }
  if (!have_protocols) return refuse(NkeError::kMissingRecord);
  const bool ntpv4 = std::find(req.protocols.begin(), req.protocols.end(), kNextProtocolNtpV4) !=
                     req.protocols.end();
  if (ntpv4 && !have_aeads) return refuse(NkeError::kMissingRecord);
  return req;
}

NkeResponse negotiate_nke(const NkeRequest& request, std::span<const uint16_t> supported) {
  NkeResponse resp;
  const auto& p = request.protocols;
  if (std::find(p.begin(), p.end(), kNextProtocolNtpV4) == p.end()) return resp;
  resp.protocol = kNextProtocolNtpV4;
  for (uint16_t a : request.aeads) {
    if (std::find(supported.begin(), supported.end(), a) != supported.end()) {
      resp.aead = a;
      break;
    }
  }
  return resp;
}

std::vector<std::byte> encode_nke_response(const NkeResponse& r) {
  std::vector<std::byte> out;
  ByteWriter w{out};
  if (r.error) {
    put_u16_record(w, true, NkeRecordType::kError, static_cast<uint16_t>(*r.error));
  } else {
    std::vector<uint16_t> protocol;
    if (r.protocol) protocol.push_back(*r.protocol);
    put_u16_list_record(w, true, NkeRecordType::kNextProtocol, protocol);
    if (r.protocol) {
      std::vector<uint16_t> aead;
      if (r.aead) aead.push_back(*r.aead);
      put_u16_list_record(w, true, NkeRecordType::kAeadAlgorithm, aead);
    }
    if (r.protocol && r.aead) {
      if (r.port) put_u16_record(w, true, NkeRecordType::kPortNegotiation, *r.port);
      if (r.server)
        encode_nke_record(w, true, NkeRecordType::kServerNegotiation, as_bytes(*r.server));
      for (const auto& c : r.cookies) encode_nke_record(w, false, NkeRecordType::kNewCookie, c);
    }
  }
  encode_nke_record(w, true, NkeRecordType::kEndOfMessage, {});
  return out;
}

Result<NkeResponse, NkeFailure> parse_nke_response(Bytes message,
                                                   std::span<const uint16_t> offered_aeads) {
  const auto records = split_nke_message(message);
  if (!records) return fail(records.error());
  NkeResponse resp;
  bool have_protocol = false;
  bool have_aead = false;
  for (const NkeRecord& rec : *records) {
    if (rec.body.size() > kNkeMaxBodyLen) {
      if (rec.critical) return fail(NkeError::kBadRecord);
      continue;  // e.g. an oversized cookie: unusable, not fatal
    }
    switch (static_cast<NkeRecordType>(rec.type)) {
      case NkeRecordType::kEndOfMessage:
        break;
      case NkeRecordType::kNextProtocol:
        if (have_protocol) return fail(NkeError::kDuplicateRecord);
        if (!rec.critical || rec.body.size() % 2 != 0) return fail(NkeError::kBadRecord);
        // RFC 8915 §4.1.2: a subset of what was offered, which was NTPv4 alone.
        if (rec.body.size() != 2 || u16_of(rec.body) != kNextProtocolNtpV4)
          return fail(NkeError::kNoCommonProtocol);
        resp.protocol = kNextProtocolNtpV4;
        have_protocol = true;
        break;
      case NkeRecordType::kError:
      case NkeRecordType::kWarning:
        if (rec.body.size() != 2) return fail(NkeError::kBadRecord);
        return fail(rec.type == type_of(NkeRecordType::kError) ? NkeError::kServerError
                                                               : NkeError::kServerWarning,
                    u16_of(rec.body));
      case NkeRecordType::kAeadAlgorithm: {
        if (have_aead) return fail(NkeError::kDuplicateRecord);
        if (rec.body.empty()) return fail(NkeError::kNoCommonAead);
        if (rec.body.size() != 2) return fail(NkeError::kBadRecord);
        const uint16_t a = u16_of(rec.body);
        if (std::find(offered_aeads.begin(), offered_aeads.end(), a) == offered_aeads.end())
          return fail(NkeError::kNoCommonAead);
        resp.aead = a;
        have_aead = true;
        break;
      }
      case NkeRecordType::kNewCookie:
        if (usable_cookie(rec.body) && resp.cookies.size() < kNkeMaxCookies)
          resp.cookies.emplace_back(rec.body.begin(), rec.body.end());
        break;
      case NkeRecordType::kServerNegotiation:
        resp.server = server_name(rec.body);
        if (!resp.server) return fail(NkeError::kBadRecord);
        break;
      case NkeRecordType::kPortNegotiation:
        if (rec.body.size() != 2) return fail(NkeError::kBadRecord);
        resp.port = u16_of(rec.body);
        break;
      default:
        if (rec.critical) return fail(NkeError::kUnrecognizedCritical);
        break;
    }
  }
  if (!have_protocol || !have_aead) return fail(NkeError::kMissingRecord);
  if (resp.cookies.empty()) return fail(NkeError::kNoCookies);
  return resp;
}

std::array<std::byte, 5> nts_exporter_context(uint16_t protocol, uint16_t aead, bool s2c) {
  return {std::byte(protocol >> 8), std::byte(protocol & 0xff), std::byte(aead >> 8),
          std::byte(aead & 0xff), s2c ? std::byte{1} : std::byte{0}};
}

}  // namespace tempus::core
