// SPDX-License-Identifier: ISC
// The symmetric keys of `keyfile` in the net process (chrony's key file format, core/keyfile.h).
// The file is opened before the sandbox closes (it is usually root:chrony 0640, which the
// unprivileged net user could not open) and that fd is kept: reload() (chronyc's `rekey`) reads
// it again from the start. So an edit in place is seen by rekey; a file REPLACED under the same
// name (a new inode, as `mv` or some editors make) is not, until the daemon restarts.
//
// A missing or unreadable file is a warning and the daemon runs with no keys, as chronyd does;
// bad lines are skipped with a warning each (MD5 keys are warned about as weak). Sources whose
// key is missing send nothing, and authenticated requests to our server under an unknown key
// are dropped (core/symkey.h).
#pragma once

#include <string>

#include "crypto/keyring.h"
#include "ipc/unique_fd.h"

namespace tempus::proc {

class KeyStore {
 public:
  static constexpr size_t kMaxFileBytes = 1 << 20;

  // Opens and reads `path` (empty: no key file, no keys). Call before the sandbox.
  explicit KeyStore(std::string path);

  // Reads the file again and replaces the keys; on a read failure the old keys stay and false
  // is returned. Logs what it loaded and every warning.
  bool reload();

  const core::MacKeys* keys() const { return &ring_; }
  size_t size() const { return ring_.keys().keys.size(); }

 private:
  std::string path_;
  ipc::UniqueFd fd_;
  crypto::KeyRing ring_;
};

}  // namespace tempus::proc
