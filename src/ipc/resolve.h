// SPDX-License-Identifier: ISC
// net ↔ dns: name resolution requests and replies. Same conventions as messages.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "ipc/error.h"
#include "ipc/msg_type.h"

namespace tempus::ipc {

// Address family filter of a request (getaddrinfo's ai_family: AF_UNSPEC/AF_INET/AF_INET6).
enum class QueryFamily : uint8_t { kAny = 0, kInet = 1, kInet6 = 2 };

// net → dns. Wire: query_id u32, family u8, 1 zero byte, name_len u16, name (8 + name_len).
struct ResolveRequest {
  static constexpr MsgType kType = MsgType::kResolveRequest;
  static constexpr size_t kFixedLen = 8;
  static constexpr size_t kMaxName = 253;  // bytes, the DNS limit for a name in text form
  uint32_t query_id = 0;  // chosen by net, echoed in the reply
  QueryFamily family = QueryFamily::kAny;
  std::string name;  // 1..kMaxName bytes, is_valid_hostname() (text.h)
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<ResolveRequest, IpcError> decode(core::ByteReader r);
  bool operator==(const ResolveRequest&) const = default;
};

enum class AddrFamily : uint8_t { kInet = 1, kInet6 = 2 };

// One resolved address. Wire: family u8, 16 address bytes (17 bytes). An IPv4 address sits in
// bytes 0..3 in network order and bytes 4..15 are zero.
struct IpAddress {
  AddrFamily family = AddrFamily::kInet;
  std::array<uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};

enum class ResolveStatus : uint8_t {
  kOk = 0,             // at least one address
  kNotFound = 1,       // the name does not exist or has no address of that family (permanent)
  kTempFailure = 2,    // try again later (EAI_AGAIN, no network, resolver down)
};

// dns → net. Wire: query_id u32, status u8, count u8, 2 zero bytes, count × IpAddress
// (8 + 17 × count bytes, at most 8 + 17 × 16 = 280).
struct ResolveReply {
  static constexpr MsgType kType = MsgType::kResolveReply;
  static constexpr size_t kFixedLen = 8;
  static constexpr size_t kAddrLen = 17;
  static constexpr size_t kMaxAddresses = 16;  // the dns child keeps the first 16 answers
  uint32_t query_id = 0;  // the request's
  ResolveStatus status = ResolveStatus::kOk;
  std::vector<IpAddress> addresses;  // 1..kMaxAddresses with kOk, none otherwise
  core::Status<IpcError> validate() const;
  void encode(core::ByteWriter& w) const;
  static core::Result<ResolveReply, IpcError> decode(core::ByteReader r);
  bool operator==(const ResolveReply&) const = default;
};

}  // namespace tempus::ipc
