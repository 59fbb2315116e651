// SPDX-License-Identifier: ISC
// Bounds-checked big-endian (network order) reading and writing over byte spans.
//
// ByteReader never reads past its span. A read that would overrun returns zero (or an empty
// span), consumes nothing, and sets a sticky failure flag; a decoder reads its fields and then
// checks ok() once. This keeps decoders linear while making an overrun impossible to miss.
// ByteWriter appends to a caller-owned vector (reserve it to avoid allocation on hot paths).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tempus::core {

using Bytes = std::span<const std::byte>;

inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

class ByteReader {
 public:
  explicit ByteReader(Bytes in) : in_(in) {}

  // False once any read or skip overran the input.
  bool ok() const { return ok_; }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  // True when at least n bytes remain (does not touch the failure flag).
  bool has(size_t n) const { return remaining() >= n; }

  uint8_t u8() { return static_cast<uint8_t>(take(1)); }
  uint16_t be16() { return static_cast<uint16_t>(take(2)); }
  uint32_t be32() { return static_cast<uint32_t>(take(4)); }
  uint64_t be64() { return take(8); }

  // The next n bytes as a view into the input (empty and failed on overrun).
  Bytes bytes(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return {};
    }
    Bytes out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  void skip(size_t n) { (void)bytes(n); }
  // Everything not yet read (does not consume).
  Bytes rest() const { return in_.subspan(pos_); }

 private:
  uint64_t take(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += n;
    return v;
  }

  Bytes in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) : out_(out) {}

  void u8(uint8_t v) { put(v, 1); }
  void be16(uint16_t v) { put(v, 2); }
  void be32(uint32_t v) { put(v, 4); }
  void be64(uint64_t v) { put(v, 8); }
  void bytes(Bytes b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(size_t n) { out_.insert(out_.end(), n, std::byte{0}); }
  size_t size() const { return out_.size(); }
  // Overwrite a big-endian u16 already written at offset `at` (for length back-patching).
  // Precondition: at + 2 <= size().
  void patch16(size_t at, uint16_t v) {
    out_[at] = std::byte(v >> 8);
    out_[at + 1] = std::byte(v & 0xff);
  }
  void patch32(size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) out_[at + i] = std::byte((v >> (24 - 8 * i)) & 0xff);
  }

 private:
  void put(uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) out_.push_back(std::byte((v >> (8 * (n - 1 - i))) & 0xff));
  }
  std::vector<std::byte>& out_;
};

}  // namespace tempus::core
