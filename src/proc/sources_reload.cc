// SPDX-License-Identifier: ISC
#include "proc/sources_reload.h"

#include <algorithm>

#include "config/file_source.h"
#include "config/parser.h"
#include "sys/log.h"

namespace tempus::proc {

SourcesReload::SourcesReload(std::vector<std::vector<std::string>> source_dirs, size_t first,
                             size_t count)
    : dirs_(std::move(source_dirs)) {
  for (size_t i = 0; i < count; ++i) origins_.push_back(first + i);
}

std::optional<ipc::SourcesRequest> SourcesReload::request() {
  ipc::SourcesRequest req;
  for (const auto& dirs : dirs_)
    for (const auto& d : dirs)
      if (std::find(req.dirs.begin(), req.dirs.end(), d) == req.dirs.end() &&
          req.dirs.size() < ipc::SourcesRequest::kMaxDirs && !d.empty() && d[0] == '/' &&
          d.size() <= ipc::kMaxSourcesPath)
        req.dirs.push_back(d);
  if (req.dirs.empty()) return std::nullopt;
  req.request_id = ++id_;
  pending_.emplace();
  return req;
}

void SourcesReload::take(const ipc::SourcesFile& f) {
  if (!pending_ || f.request_id != id_) return;  // stale: a newer request is on its way
  if (!f.last) {
    if (pending_->size() <= ipc::SourcesFile::kMaxFiles) pending_->push_back(f);
    return;
  }
  std::vector<std::string> warnings;
  const auto fresh = parse(dirs_, *pending_, warnings);
  pending_.reset();
  for (const auto& w : warnings) sys::logf(sys::Severity::kWarning, "%s", w.c_str());
  sys::logf(sys::Severity::kInfo, "reload sources: %zu source(s) in sourcedir files",
            fresh.size());
  if (apply) apply(fresh);
}

std::vector<config::NtpSource> SourcesReload::parse(
    const std::vector<std::vector<std::string>>& source_dirs,
    const std::vector<ipc::SourcesFile>& files, std::vector<std::string>& warnings) {
  config::MemoryFileSource fs;
  std::string text;
  for (const auto& dirs : source_dirs) {
    text += "sourcedir";
    for (const auto& d : dirs) {
      text += " " + d;
      fs.add_dir(d);
    }
    text += "\n";
  }
  for (const auto& f : files)
    if (!f.last) fs.add_file(f.path, f.content);
  auto out = config::parse_config_text("reload sources", text, fs);
  if (!out) {
    warnings.push_back(out.error().to_string());
    return {};
  }
  for (const auto& w : out->warnings) warnings.push_back(w.to_string());
  return out->config.sourcedir_sources;
}

void SourcesReload::update(const std::vector<config::NtpSource>& fresh,
                           const std::vector<config::NtpSource>& sources,
                           std::vector<bool>& removed, const std::function<void(size_t)>& remove,
                           const std::function<size_t(const config::NtpSource&)>& add) {
  std::vector<bool> kept(fresh.size());
  std::vector<size_t> now;
  for (size_t i : origins_) {
    if (i >= sources.size() || removed[i]) continue;
    size_t j = 0;
    while (j < fresh.size() && (kept[j] || !(fresh[j] == sources[i]))) ++j;
    if (j < fresh.size()) {
      kept[j] = true;
      now.push_back(i);
      continue;
    }
    removed[i] = true;
    remove(i);
  }
  for (size_t j = 0; j < fresh.size(); ++j)
    if (!kept[j]) now.push_back(add(fresh[j]));
  origins_ = std::move(now);
}

}  // namespace tempus::proc
