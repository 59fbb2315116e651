// SPDX-License-Identifier: ISC
#include "core/keyfile.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace tempus::core {

namespace {

struct TypeName {
  KeyType type;
  std::string_view name;
};
constexpr std::array<TypeName, 11> kTypeNames{{
    {KeyType::kMd5, "MD5"},
    {KeyType::kSha1, "SHA1"},
    {KeyType::kSha256, "SHA256"},
    {KeyType::kSha384, "SHA384"},
    {KeyType::kSha512, "SHA512"},
    {KeyType::kSha3_224, "SHA3-224"},
    {KeyType::kSha3_256, "SHA3-256"},
    {KeyType::kSha3_384, "SHA3-384"},
    {KeyType::kSha3_512, "SHA3-512"},
    {KeyType::kAes128Cmac, "AES128"},
    {KeyType::kAes256Cmac, "AES256"},
}};

// Hashes chronyd accepts with some crypto libraries; named so the warning says why.
bool is_known_unsupported(std::string_view name) { return name == "TIGER" || name == "WHIRLPOOL"; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::vector<std::byte>> decode_value(std::string_view v) {
  std::vector<std::byte> out;
  if (v.starts_with("HEX:")) {
    v.remove_prefix(4);
    if (v.size() % 2 != 0) return std::nullopt;
    for (size_t i = 0; i < v.size(); i += 2) {
      const int hi = hex_digit(v[i]);
      const int lo = hex_digit(v[i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<std::byte>(hi << 4 | lo));
    }
  } else {
    if (v.starts_with("ASCII:")) v.remove_prefix(6);
    for (char c : v) out.push_back(static_cast<std::byte>(c));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<uint32_t> parse_id(std::string_view s) {
  uint32_t id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id, 10);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return id;
}

}  // namespace

std::string_view to_string(KeyType t) {
  for (const auto& n : kTypeNames)
    if (n.type == t) return n.name;
  return "unknown";
}

std::optional<KeyType> key_type_from_name(std::string_view name) {
  for (const auto& n : kTypeNames)
    if (n.name == name) return n.type;
  return std::nullopt;
}

size_t cmac_key_len(KeyType t) {
  switch (t) {
    case KeyType::kAes128Cmac: return 16;
    case KeyType::kAes256Cmac: return 32;
    default: return 0;
  }
}

const SymmetricKey* KeyFile::find(uint32_t id) const {
  const auto it = std::lower_bound(keys.begin(), keys.end(), id,
                                   [](const SymmetricKey& k, uint32_t v) { return k.id < v; });
  return it != keys.end() && it->id == id ? &*it : nullptr;
}

KeyFile parse_key_file(std::string_view text) {
  KeyFile kf;
  auto warn = [&kf](size_t line, std::string msg) {
    kf.warnings.push_back({line, std::move(msg)});
  };
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;

    const auto words = split_words(line);
    if (words.empty() || std::string_view("!;#%").find(words[0][0]) != std::string_view::npos)
      continue;
    if (words.size() < 2 || words.size() > 3) {
      warn(line_no, "could not parse key (expected: ID [TYPE] KEY)");
      continue;
    }
    const auto id = parse_id(words[0]);
    if (!id) {
      warn(line_no, "invalid key ID '" + std::string(words[0]) + "'");
      continue;
    }
    const std::string id_str = std::to_string(*id);
    const std::string_view type_name = words.size() == 3 ? words[1] : "MD5";
    const auto type = key_type_from_name(type_name);
    if (!type) {
      const std::string name(type_name);
      warn(line_no, is_known_unsupported(type_name)
                        ? "unsupported hash function " + name + " in key " + id_str
                        : "invalid type '" + name + "' in key " + id_str);
      continue;
    }
    auto value = decode_value(words.back());
    if (!value) {
      warn(line_no, "could not decode key " + id_str);
      continue;
    }
    if (value->size() > kMaxKeyLen) {
      warn(line_no, "key " + id_str + " is longer than " + std::to_string(kMaxKeyLen) + " octets");
      continue;
    }
    if (const size_t want = cmac_key_len(*type); want != 0 && value->size() != want) {
      warn(line_no, "invalid length of " + std::string(type_name) + " key " + id_str +
                        " (expected " + std::to_string(8 * want) + " bits)");
      continue;
    }
    if (*type == KeyType::kMd5)
      warn(line_no, "key " + id_str + " uses MD5, which is weak; prefer AES128 or SHA256");
    if (value->size() < kMinSecureKeyLen)
      warn(line_no, "key " + id_str + " is shorter than 80 bits");
    kf.keys.push_back({*id, *type, std::move(*value), line_no});
  }
  // Stable, so of keys with one ID the first in the file stays.
  std::stable_sort(kf.keys.begin(), kf.keys.end(),
                   [](const SymmetricKey& a, const SymmetricKey& b) { return a.id < b.id; });
  std::vector<SymmetricKey> unique;
  unique.reserve(kf.keys.size());
  for (auto& k : kf.keys) {
    if (!unique.empty() && unique.back().id == k.id) {
      warn(k.line, "duplicate key " + std::to_string(k.id) + " ignored");
      continue;
    }
    unique.push_back(std::move(k));
  }
  kf.keys = std::move(unique);
  std::stable_sort(
      kf.warnings.begin(), kf.warnings.end(),
      [](const KeyFileWarning& a, const KeyFileWarning& b) { return a.line < b.line; });
  return kf;
}

}  // namespace tempus::core
