// SPDX-License-Identifier: ISC
#include "core/packet.h"

namespace tempus::core {

std::string_view to_string(PacketError e) {
  switch (e) {
    case PacketError::kTooShort: return "packet shorter than 48 octets";
    case PacketError::kBadVersion: return "unsupported NTP version";
    case PacketError::kTruncated: return "trailing octets are neither an extension field nor a MAC";
    case PacketError::kBadExtensionLength: return "bad extension field length";
    case PacketError::kLastExtensionTooShort:
      return "last extension field shorter than 28 octets without a MAC";
    case PacketError::kTooManyExtensions: return "too many extension fields";
  }
  return "unknown packet error";
}

bool Packet::add_extension(ExtensionField f) {
  if (count_ == fields_.size()) return false;
  fields_[count_++] = f;
  return true;
}

std::optional<VersionMode> peek_version_mode(Bytes in) {
  if (in.empty()) return std::nullopt;
  const auto b0 = static_cast<uint8_t>(in[0]);
  return VersionMode{static_cast<uint8_t>((b0 >> 3) & 7), static_cast<Mode>(b0 & 7)};
}

Result<Header, PacketError> decode_header(Bytes in) {
  if (in.size() < kHeaderLen) return Unexpected{PacketError::kTooShort};
  ByteReader r{in};
  const uint8_t b0 = r.u8();
  Header h;
  h.leap = static_cast<Leap>(b0 >> 6);
  h.version = static_cast<uint8_t>((b0 >> 3) & 7);
  h.mode = static_cast<Mode>(b0 & 7);
  if (h.version < 1 || h.version > 4) return Unexpected{PacketError::kBadVersion};
  h.stratum = r.u8();
  h.poll = static_cast<int8_t>(r.u8());
  h.precision = static_cast<int8_t>(r.u8());
  h.root_delay = ShortFixed::from_wire(r.be32());
  h.root_dispersion = ShortFixed::from_wire(r.be32());
  h.ref_id = r.be32();
  h.reference_ts = NtpTimestamp::from_wire(r.be64());
  h.origin_ts = NtpTimestamp::from_wire(r.be64());
  h.receive_ts = NtpTimestamp::from_wire(r.be64());
  h.transmit_ts = NtpTimestamp::from_wire(r.be64());
  return h;
}

namespace {

bool is_mac_len(size_t n, size_t max) { return n >= kMinMacLen && n <= max && n % 4 == 0; }

Mac read_mac(ByteReader& r) {
  Mac m;
  m.key_id = r.be32();
  m.digest = r.bytes(r.remaining());
  return m;
}

}  // namespace

Result<Packet, PacketError> decode_packet(Bytes in) {
  auto header = decode_header(in);
  if (!header) return Unexpected{header.error()};
  Packet p;
  p.header = *header;
  ByteReader r{in.subspan(kHeaderLen)};

  if (p.header.version < 4) {
    // No extension fields before NTPv4 (RFC 5905 §7.5): the tail is a MAC or nothing.
    if (r.empty()) return p;
    if (!is_mac_len(r.remaining(), kMaxLegacyMacLen)) return Unexpected{PacketError::kTruncated};
    p.mac = read_mac(r);
    return p;
  }

  // A crypto-NAK (RFC 5905 §7.4): key ID 0 and no digest, right after the header.
  if (r.remaining() == 4 && in[kHeaderLen] == std::byte{0} && in[kHeaderLen + 1] == std::byte{0} &&
      in[kHeaderLen + 2] == std::byte{0} && in[kHeaderLen + 3] == std::byte{0}) {
    p.mac = read_mac(r);
    return p;
  }
  while (!r.empty()) {
    const size_t left = r.remaining();
    // RFC 7822 §7.5: 20 or 24 octets at the end are a MAC.
    if (left == kMinMacLen || left == kMaxV4MacLen) {
      p.mac = read_mac(r);
      break;
    }
    if (left < kMinExtensionLen) return Unexpected{PacketError::kTruncated};
    const uint16_t type = r.be16();
    const uint16_t len = r.be16();
    const bool shape_ok = len >= kMinExtensionLen && len % 4 == 0 && len <= left;
    if (!shape_ok) {
      // A legacy MAC with a long digest (e.g. SHA-256 keys) cannot be told from an extension
      // field by the rules above; accept it only when nothing else was seen.
      if (p.extensions().empty() && is_mac_len(left, kMaxLegacyMacLen)) {
        ByteReader whole{in.subspan(in.size() - left)};
        p.mac = read_mac(whole);
        break;
      }
      return Unexpected{PacketError::kBadExtensionLength};
    }
    if (len == left && len < kMinLastExtensionLen)
      return Unexpected{PacketError::kLastExtensionTooShort};
    if (!p.add_extension({type, r.bytes(len - 4u)}))
      return Unexpected{PacketError::kTooManyExtensions};
  }
  return p;
}

void encode_header(const Header& h, ByteWriter& w) {
  w.u8(static_cast<uint8_t>((static_cast<uint8_t>(h.leap) & 3) << 6 | (h.version & 7) << 3 |
                            (static_cast<uint8_t>(h.mode) & 7)));
  w.u8(h.stratum);
  w.u8(static_cast<uint8_t>(h.poll));
  w.u8(static_cast<uint8_t>(h.precision));
  w.be32(h.root_delay.wire());
  w.be32(h.root_dispersion.wire());
  w.be32(h.ref_id);
  w.be64(h.reference_ts.wire());
  w.be64(h.origin_ts.wire());
  w.be64(h.receive_ts.wire());
  w.be64(h.transmit_ts.wire());
}

void encode_extension(uint16_t type, Bytes value, ByteWriter& w, size_t min_len) {
  size_t total = 4 + value.size();
  total = (total + 3) & ~size_t{3};
  if (total < min_len) total = (min_len + 3) & ~size_t{3};
  w.be16(type);
  w.be16(static_cast<uint16_t>(total));
  w.bytes(value);
  w.zeros(total - 4 - value.size());
}

void encode_packet(const Packet& p, ByteWriter& w) {
  encode_header(p.header, w);
  for (const auto& f : p.extensions()) {
    w.be16(f.type);
    w.be16(static_cast<uint16_t>(f.value.size() + 4));
    w.bytes(f.value);
  }
  if (p.mac) {
    w.be32(p.mac->key_id);
    w.bytes(p.mac->digest);
  }
}

}  // namespace tempus::core
