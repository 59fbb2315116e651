// SPDX-License-Identifier: ISC
// IP addresses and subnets as values: parsing, canonical text, ordering, containment.
//
// Pure code: no socket API, no inet_pton/getaddrinfo. Text forms accepted are exactly those of
// inet_pton(3) (which is what chrony uses), so a config that chrony accepts parses the same here:
//   IPv4  four decimal octets 0..255, no leading zeros ("01.2.3.4" is rejected), no shorthand.
//   IPv6  RFC 4291 §2.2: eight 1..4-digit hex groups, one "::" for one or more zero groups, an
//         optional dotted IPv4 tail ("::ffff:192.0.2.1", "64:ff9b::192.0.2.1"); no zone ("%eth0").
// to_string() prints the canonical form: dotted quad for IPv4, RFC 5952 for IPv6 (lowercase, no
// leading zeros, the longest run of two or more zero groups compressed, the first on a tie, and
// IPv4-mapped addresses as "::ffff:a.b.c.d", RFC 5952 §5).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tempus::core {

enum class IpFamily : uint8_t { kV4 = 4, kV6 = 6 };

enum class IpError : uint8_t {
  kEmpty,          // empty text
  kInvalidIpv4,    // not a dotted quad (or shorthand, for subnets)
  kInvalidIpv6,    // not RFC 4291 text
  kInvalidPrefix,  // "/..." is not a decimal number
  kPrefixTooLong,  // prefix length above 32 (IPv4) or 128 (IPv6)
};
const char* to_string(IpError e);

class IpAddress {
 public:
  // 0.0.0.0.
  constexpr IpAddress() = default;

  // An IPv4 address from its 32-bit value in host order (0x7f000001 is 127.0.0.1).
  static IpAddress v4(uint32_t value);
  // An IPv6 address from its 16 bytes in network order.
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);
  // The wildcard address (0.0.0.0 or ::) and the loopback address (127.0.0.1 or ::1).
  static IpAddress any(IpFamily family);
  static IpAddress loopback(IpFamily family);

  // Parses IPv4 text, else IPv6 text (see the file comment). Error kInvalidIpv6 when the text
  // contains ':', else kInvalidIpv4.
  static Result<IpAddress, IpError> parse(std::string_view text);

  // True when `name` is a syntactically valid DNS host name (RFC 1123 §2.1): dot-separated
  // labels of 1..63 letters, digits, '-' or '_' (not starting or ending with '-'), 253 characters
  // at most plus an optional final dot, and a last label that is not all digits (so "10" or
  // "1.2.3.256" are not names). A server/pool/peer HOST is valid when it parses as an address or
  // is a valid host name.
  static bool is_valid_hostname(std::string_view name);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  bool is_v6() const { return family_ == IpFamily::kV6; }
  // 32 for IPv4, 128 for IPv6.
  int bit_length() const { return is_v4() ? 32 : 128; }
  // Precondition: is_v4(). The value in host order.
  uint32_t v4_value() const;
  // Network-order bytes; an IPv4 address uses bytes()[0..3] and keeps the rest zero.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  bool is_unspecified() const;
  bool is_loopback() const;
  // ::ffff:0:0/96.
  bool is_v4_mapped() const;
  // The IPv4 address inside an IPv4-mapped IPv6 address; nullopt for anything else.
  std::optional<IpAddress> unmapped_v4() const;

  std::string to_string() const;

  // Orders IPv4 before IPv6, then by bytes (numeric order).
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  IpFamily family_ = IpFamily::kV4;
  std::array<uint8_t, 16> bytes_{};
};

// An address prefix. The stored address has every bit past the prefix cleared, so equal subnets
// compare equal however they were written ("192.168.1.7/24" == "192.168.1.0/24").
class Subnet {
 public:
  // 0.0.0.0/0.
  Subnet() = default;

  // Error kPrefixTooLong when prefix_len > base.bit_length(); kInvalidPrefix when negative.
  static Result<Subnet, IpError> make(const IpAddress& base, int prefix_len);
  // The /32 or /128 subnet of one address.
  static Subnet host(const IpAddress& address);

  // chrony's allow/deny/cmdallow/cmddeny address forms (hostnames excluded):
  //   ADDRESS            a host: /32 or /128
  //   ADDRESS/BITS       any address text, BITS decimal 0..32 or 0..128
  //   A | A.B | A.B.C    IPv4 shorthand of 1..3 decimal numbers 0..255 (leading zeros allowed):
  //                      "10" = 10.0.0.0/8, "1.2" = 1.2.0.0/16, "1.2.3" = 1.2.3.0/24; a "/BITS"
  //                      suffix overrides the implied length ("10/12" = 10.0.0.0/12)
  // Note "1.2.3" is not inet_aton's 1.2.0.3: chrony documents this difference.
  static Result<Subnet, IpError> parse(std::string_view text);

  const IpAddress& address() const { return address_; }
  int prefix_len() const { return prefix_len_; }

  // True when `a` lies inside the prefix. Families must match, except that an IPv4-mapped IPv6
  // address (as dual-stack sockets report IPv4 peers) is tested as its IPv4 address.
  bool contains(const IpAddress& a) const;

  // "ADDRESS/BITS", always with the prefix length.
  std::string to_string() const;

  friend auto operator<=>(const Subnet&, const Subnet&) = default;

 private:
  IpAddress address_;
  int prefix_len_ = 0;
};

}  // namespace tempus::core
