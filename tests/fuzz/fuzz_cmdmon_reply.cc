// SPDX-License-Identifier: ISC
// tempusctl's reply decoder: decode_reply() on arbitrary datagrams never crashes; what it accepts
// as a success it re-encodes to a datagram of the same length (one exact length per format) that
// decodes and re-encodes to the same bytes, and the report formatters print any accepted body
// without crashing.
#include <cstdlib>

#include "core/chronyc_reports.h"
#include "core/cmdmon_reply.h"

namespace {

using namespace tempus::core;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Print {
  const chronyc::Naming& n;
  void operator()(const std::monostate&) const {}
  void operator()(const cmdmon::NSources&) const {}
  void operator()(const cmdmon::SourceData& b) const { (void)chronyc::sources_row(b, true, n); }
  void operator()(const cmdmon::Tracking& b) const { (void)chronyc::tracking(b, n); }
  void operator()(const cmdmon::SourceStats& b) const { (void)chronyc::sourcestats_row(b, true, n); }
  void operator()(const cmdmon::ClientAccesses& b) const {
    for (const auto& c : b.clients) (void)chronyc::clients_row(c, false, n);
  }
  void operator()(const cmdmon::ServerStats& b) const { (void)chronyc::serverstats(b, n.csv); }
  void operator()(const cmdmon::ManualList& b) const { (void)chronyc::manual_list(b, n.csv); }
  void operator()(const cmdmon::Activity& b) const { (void)chronyc::activity(b, n.csv); }
  void operator()(const cmdmon::Smoothing& b) const { (void)chronyc::smoothing(b, n.csv); }
  void operator()(const cmdmon::NtpData& b) const { (void)chronyc::ntpdata(b, true, n); }
  void operator()(const cmdmon::SourceName& b) const { (void)chronyc::sourcename(b.name, n.csv); }
  void operator()(const cmdmon::AuthData& b) const {
    (void)chronyc::authdata_row(cmdmon::Address{}, b, n);
  }
  void operator()(const cmdmon::SelectData& b) const { (void)chronyc::selectdata_row(b, true, n); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes in{reinterpret_cast<const std::byte*>(data), size};
  if (size < cmdmon::kReplyHeaderLen) {
    check(!cmdmon::decode_reply(in, 0, 0).ok());
    return 0;
  }
  // Answer to whatever request the header names.
  const auto command = static_cast<uint16_t>(data[4] << 8 | data[5]);
  const uint32_t sequence = uint32_t{data[16]} << 24 | uint32_t{data[17]} << 16 |
                            uint32_t{data[18]} << 8 | data[19];
  const auto r = cmdmon::decode_reply(in, command, sequence);
  if (!r.ok()) return 0;
  const cmdmon::Reply& reply = r.value();
  check(reply.command == command && reply.sequence == sequence);
  if (reply.status == cmdmon::Status::kSuccess && !std::holds_alternative<std::monostate>(reply.body)) {
    const auto again = cmdmon::encode_reply(reply);
    check(again.size() == size);
    const auto r2 = cmdmon::decode_reply(again, command, sequence);
    check(r2.ok() && cmdmon::format_of(r2.value().body) == cmdmon::format_of(reply.body));
    // Decoding loses nothing the encoder writes: encode ∘ decode is a fixed point.
    check(cmdmon::encode_reply(r2.value()) == again);
  }
  for (bool csv : {false, true}) {
    chronyc::Naming n;
    n.csv = csv;
    n.numeric = true;
    std::visit(Print{n}, reply.body);
  }
  return 0;
}
