// SPDX-License-Identifier: ISC
// NTP packet codec: the 48-octet header of RFC 5905 §7.3, extension fields (RFC 7822) and the
// legacy MAC. Pure: it reads and writes bytes, it never decides what a packet means.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |LI | VN  |Mode |    Stratum    |     Poll      |  Precision    |
//  |                Root Delay (16.16) | Root Dispersion (16.16)   |
//  |                          Reference ID                         |
//  |  Reference, Origin, Receive, Transmit Timestamps (64 bits each)
//  |  Extension fields: type(16) length(16) value... (length counts all, >= 16, 4-aligned)
//  |  MAC: key id (32) + digest (16 or 20 octets in NTPv4)
//
// Where extension fields end and a MAC begins is not marked on the wire. RFC 7822 §7.5 resolves
// it by length: 20 or 24 trailing octets are a MAC, and the last extension field of a packet
// without a MAC must be at least 28 octets. For NTPv3 (no extension fields) and for compatibility
// with legacy keys using longer digests (SHA-256/384/512, up to 68 octets with the key id), a tail
// that cannot be an extension field is taken as a MAC when it has a MAC's length. Four zero
// octets right after an NTPv4 header are a crypto-NAK: a Mac with key ID 0 and no digest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace tempus::core {

enum class Leap : uint8_t { kNone = 0, kInsert = 1, kDelete = 2, kUnsync = 3 };

enum class Mode : uint8_t {
  kReserved = 0,
  kSymmetricActive = 1,
  kSymmetricPassive = 2,
  kClient = 3,
  kServer = 4,
  kBroadcast = 5,
  kControl = 6,   // ntpq; not a 48-octet header packet
  kPrivate = 7,   // ntpdc; never answered
};

inline constexpr size_t kHeaderLen = 48;
inline constexpr size_t kMinExtensionLen = 16;       // RFC 7822 §3
inline constexpr size_t kMinLastExtensionLen = 28;   // RFC 7822 §7.5, when no MAC follows
inline constexpr size_t kMaxExtensionFields = 16;    // more is never legitimate (NTS uses <= 10)
inline constexpr size_t kMinMacLen = 20;             // key id + 128-bit digest
inline constexpr size_t kMaxV4MacLen = 24;           // key id + 160-bit digest
inline constexpr size_t kMaxLegacyMacLen = 68;       // key id + 512-bit digest

// A reference ID spelled as four ASCII characters (kiss codes, refclock names).
constexpr uint32_t ref_id_ascii(std::string_view s) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v = (v << 8) | (i < s.size() ? static_cast<uint8_t>(s[i]) : 0u);
  return v;
}
inline constexpr uint32_t kKissRate = ref_id_ascii("RATE");
inline constexpr uint32_t kKissDeny = ref_id_ascii("DENY");
inline constexpr uint32_t kKissRstr = ref_id_ascii("RSTR");

struct Header {
  Leap leap = Leap::kNone;
  uint8_t version = 4;  // 1..4
  Mode mode = Mode::kClient;
  uint8_t stratum = 0;  // 0 = unspecified / kiss-o'-death in a server reply
  int8_t poll = 0;      // log2 s
  int8_t precision = 0; // log2 s
  ShortFixed root_delay;
  ShortFixed root_dispersion;
  uint32_t ref_id = 0;
  NtpTimestamp reference_ts;
  NtpTimestamp origin_ts;
  NtpTimestamp receive_ts;
  NtpTimestamp transmit_ts;
  bool operator==(const Header&) const = default;
};

// A view of one extension field; `value` points into the decoded buffer and includes any
// padding (it is exactly length − 4 octets).
struct ExtensionField {
  uint16_t type = 0;
  Bytes value;
};

struct Mac {
  uint32_t key_id = 0;
  Bytes digest;  // view into the decoded buffer
};

enum class PacketError {
  kTooShort,             // fewer than 48 octets
  kBadVersion,           // version 0 or above 4
  kTruncated,            // trailing octets that are neither an extension field nor a MAC
  kBadExtensionLength,   // length < 16, not a multiple of 4, or past the end
  kLastExtensionTooShort,// a final extension field shorter than 28 octets with no MAC after it
  kTooManyExtensions,
};
std::string_view to_string(PacketError e);

// A decoded packet. Its views borrow from the input buffer, which must outlive it.
class Packet {
 public:
  Header header;
  std::optional<Mac> mac;

  std::span<const ExtensionField> extensions() const { return {fields_.data(), count_}; }
  // Appends a field view; false when kMaxExtensionFields are already present.
  bool add_extension(ExtensionField f);

 private:
  std::array<ExtensionField, kMaxExtensionFields> fields_{};
  size_t count_ = 0;
};

// Version and mode from the first octet, for dispatch before a full decode (mode 6/7 packets
// have other layouts). Empty input → nullopt.
struct VersionMode {
  uint8_t version;
  Mode mode;
};
std::optional<VersionMode> peek_version_mode(Bytes in);

Result<Header, PacketError> decode_header(Bytes in);
Result<Packet, PacketError> decode_packet(Bytes in);

// Appends the 48-octet header.
void encode_header(const Header& h, ByteWriter& w);
// Appends one extension field: type, length, value, then zero padding up to a multiple of 4 and
// at least `min_len` octets in total (pass kMinLastExtensionLen for a final field with no MAC).
// Precondition: 4 + value.size() + padding fits the 16-bit length (value.size() <= 65500).
void encode_extension(uint16_t type, Bytes value, ByteWriter& w, size_t min_len = kMinExtensionLen);
// Appends header, every extension field (values as stored, so decode → encode is exact) and MAC.
void encode_packet(const Packet& p, ByteWriter& w);

}  // namespace tempus::core
