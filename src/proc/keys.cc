// SPDX-License-Identifier: ISC
#include "proc/keys.h"

#include "crypto/mac.h"
#include "sys/log.h"
#include "sys/state_files.h"

namespace tempus::proc {

KeyStore::KeyStore(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  auto fd = sys::open_read_only(path_);
  if (!fd) {
    sys::logf(sys::Severity::kWarning, "could not open keyfile %s: %s", path_.c_str(),
              sys::to_string(fd.error()).c_str());
    return;
  }
  fd_ = std::move(*fd);
  (void)reload();
}

bool KeyStore::reload() {
  if (!fd_) return false;
  auto text = sys::read_small_fd(fd_.get(), kMaxFileBytes);
  if (!text) {
    sys::logf(sys::Severity::kWarning, "could not read keyfile %s: %s", path_.c_str(),
              sys::to_string(text.error()).c_str());
    return false;
  }
  core::KeyFile kf = core::parse_key_file(*text);
  for (const auto& w : kf.warnings)
    sys::logf(sys::Severity::kWarning, "%s:%zu: %s", path_.c_str(), w.line, w.message.c_str());
  for (const auto& k : kf.keys)
    if (!crypto::mac_available(k.type))
      sys::logf(sys::Severity::kWarning, "%s:%zu: key %u: %s is not available in this OpenSSL",
                path_.c_str(), k.line, k.id, std::string(core::to_string(k.type)).c_str());
  sys::logf(sys::Severity::kInfo, "loaded %zu symmetric keys from %s", kf.keys.size(),
            path_.c_str());
  ring_.replace(std::move(kf));
  return true;
}

}  // namespace tempus::proc
