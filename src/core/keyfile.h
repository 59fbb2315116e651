// SPDX-License-Identifier: ISC
// The symmetric key file of chrony (`keyfile`), parsed from its text: pure, no file access.
//
// One key per line: `ID [TYPE] KEY`. ID is a decimal 32-bit key number; TYPE is a hash
// (MD5, SHA1, SHA256, SHA384, SHA512, SHA3-224, SHA3-256, SHA3-384, SHA3-512; MD5 when omitted)
// for NTP's legacy MAC = H(key || packet), or AES128/AES256 for AES-CMAC (RFC 8573), whose keys
// must be exactly 16/32 octets. KEY is `HEX:` followed by an even number of hex digits,
// `ASCII:` followed by the key text, or bare key text. Lines whose first non-blank character
// is one of `!;#%` are comments. As in chronyd, a bad line is skipped with a warning rather than
// failing the whole file; duplicate IDs keep the first key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tempus::core {

enum class KeyType : uint8_t {
  kMd5,
  kSha1,
  kSha256,
  kSha384,
  kSha512,
  kSha3_224,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kAes128Cmac,
  kAes256Cmac,
};
// The keyword of the key file ("SHA256", "AES128", ...).
std::string_view to_string(KeyType t);
std::optional<KeyType> key_type_from_name(std::string_view name);
// 16 or 32 for the CMAC types (the key length they demand), 0 for hashes.
size_t cmac_key_len(KeyType t);

inline constexpr size_t kMinSecureKeyLen = 10;  // 80 bits; shorter keys load with a warning
inline constexpr size_t kMaxKeyLen = 1024;      // octets

struct SymmetricKey {
  uint32_t id = 0;
  KeyType type = KeyType::kMd5;
  std::vector<std::byte> value;
  size_t line = 0;  // 1-based line number in the file
};

struct KeyFileWarning {
  size_t line = 0;  // 1-based
  std::string message;
};

struct KeyFile {
  std::vector<SymmetricKey> keys;  // sorted by id, ids unique
  std::vector<KeyFileWarning> warnings;
  const SymmetricKey* find(uint32_t id) const;
};

KeyFile parse_key_file(std::string_view text);

}  // namespace tempus::core
