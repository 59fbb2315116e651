// SPDX-License-Identifier: ISC
// NTS-KE records: the framing, the server's request parser and the client's response parser never
// crash; whatever they accept re-encodes to a message they accept again with the same content.
#include <cstdlib>
#include <vector>

#include "core/nts_ke.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tempus::core;
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};

  const auto records = split_nke_message(in);
  const auto streamed = nke_message_length(in);
  if (records) {
    // A complete message is what the stream reader also finds, and its records re-encode exactly.
    if (!streamed || *streamed != in.size()) std::abort();
    std::vector<std::byte> out;
    ByteWriter w{out};
    for (const auto& r : *records) encode_nke_record(w, r.critical, r.type, r.body);
    if (out.size() != in.size() || !std::equal(out.begin(), out.end(), in.begin())) std::abort();
  } else if (streamed && *streamed > in.size()) {
    std::abort();
  }

  if (const auto req = parse_nke_request(in)) {
    const auto again = parse_nke_request(encode_nke_request(*req));
    if (!again || again->protocols != req->protocols || again->aeads != req->aeads ||
        again->server != req->server || again->port != req->port)
      std::abort();
    const uint16_t supported[] = {15};
    const NkeResponse resp = negotiate_nke(*req, supported);
    if (!split_nke_message(encode_nke_response(resp))) std::abort();
  }

  const uint16_t offered[] = {15, 30};
  if (const auto resp = parse_nke_response(in, offered)) {
    if (resp->cookies.empty() || resp->cookies.size() > kNkeMaxCookies || !resp->aead) std::abort();
    for (const auto& c : resp->cookies)
      if (c.size() % 4 != 0 || c.size() > kNkeMaxCookieLen) std::abort();
    const auto again = parse_nke_response(encode_nke_response(*resp), offered);
    if (!again || again->cookies != resp->cookies || again->aead != resp->aead ||
        again->server != resp->server || again->port != resp->port)
      std::abort();
  }
  return 0;
}
