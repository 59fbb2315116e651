// SPDX-License-Identifier: ISC
// chronyc's `reload sources` in the net process (chrony's CNF_ReloadSources). The net process is
// chrooted and opens no files, so it asks dns for the *.sources files of the sourcedir
// directories (ipc/sources.h), parses them as the config parser does at start (the same
// `sourcedir` directives over an in-memory copy of the files) and then removes the sourcedir
// sources that are no longer listed and adds the new ones; unchanged ones keep polling. The
// reply to chronyc does not wait for dns: the change follows within moments.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "ipc/sources.h"

namespace tempus::proc {

class SourcesReload {
 public:
  // source_dirs: Config::source_dirs. The sourcedir sources read at start are the configured
  // sources first .. first + count (net's source indices).
  SourcesReload(std::vector<std::vector<std::string>> source_dirs, size_t first, size_t count);

  // The request for dns; nullopt without sourcedir (nothing to reload). A new request makes an
  // answer still on its way stale (its files are ignored).
  std::optional<ipc::SourcesRequest> request();
  // One file of the answer. At the last one the files are parsed and apply() gets the sources
  // they list.
  void take(const ipc::SourcesFile& f);
  std::function<void(const std::vector<config::NtpSource>&)> apply;

  // The sources `files` (path → content) give for these sourcedir directives; warnings (file:
  // line: message) as the parser words them.
  static std::vector<config::NtpSource> parse(
      const std::vector<std::vector<std::string>>& source_dirs,
      const std::vector<ipc::SourcesFile>& files, std::vector<std::string>& warnings);

  // Compares `fresh` with the sourcedir sources in `sources` (net's list; `removed` marks the
  // ones gone): calls remove(i) for each no longer listed (and marks it) and add(source) → its
  // new index for each new one.
  void update(const std::vector<config::NtpSource>& fresh,
              const std::vector<config::NtpSource>& sources, std::vector<bool>& removed,
              const std::function<void(size_t)>& remove,
              const std::function<size_t(const config::NtpSource&)>& add);

 private:
  std::vector<std::vector<std::string>> dirs_;
  std::vector<size_t> origins_;  // net's indices of the sourcedir sources in use
  uint32_t id_ = 0;
  std::optional<std::vector<ipc::SourcesFile>> pending_;
};

}  // namespace tempus::proc
