// SPDX-License-Identifier: ISC
#include "sys/state_files.h"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bytes.h"

namespace tempus::sys {

using core::Unexpected;

namespace {

constexpr char kTmpSuffix[] = ".tmp";

core::Result<std::string, Errno> read_fd(int fd, size_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected{last_errno()};
  if (!S_ISREG(st.st_mode)) return Unexpected{Errno{EINVAL}};
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unexpected{last_errno()};
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) return Unexpected{Errno{EFBIG}};
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

core::Status<Errno> write_fully(int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unexpected{last_errno()};
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return {};
}

namespace {

// Steps 2–3 of write_atomically on an open temp file; the caller removes tmp on failure.
core::Status<Errno> fill_and_rename(int dirfd, ipc::UniqueFd fd, const std::string& tmp,
                                    const std::string& name, std::span<const std::byte> bytes) {
  if (auto s = write_fully(fd.get(), bytes); !s) return s;
  if (::fsync(fd.get()) != 0) return Unexpected{last_errno()};
  // close() reports deferred write errors (NFS); only then is the content known to be good.
  if (::close(fd.release()) != 0) return Unexpected{last_errno()};
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0) return Unexpected{last_errno()};
  return {};
}

}  // namespace

bool is_plain_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxStateName || name == "." || name == "..") return false;
  return name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

core::Result<ipc::UniqueFd, Errno> open_dir(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return Unexpected{Errno{EINVAL}};
  const std::string p(path);
  ipc::UniqueFd fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Unexpected{last_errno()};
  return fd;
}

core::Status<Errno> write_atomically(int dirfd, std::string_view name,
                                     std::span<const std::byte> bytes, mode_t mode) {
  if (!is_plain_name(name)) return Unexpected{Errno{EINVAL}};
  const std::string live(name);
  const std::string tmp = live + kTmpSuffix;

  // Never write through whatever already sits at the temp name (symlink, hard link, old file).
  if (::unlinkat(dirfd, tmp.c_str(), 0) != 0 && errno != ENOENT) return Unexpected{last_errno()};
  ipc::UniqueFd fd(::openat(dirfd, tmp.c_str(),
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd) return Unexpected{last_errno()};

  if (auto s = fill_and_rename(dirfd, std::move(fd), tmp, live, bytes); !s) {
    const int saved = s.error().code;
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return Unexpected{Errno{saved}};
  }
  // The rename is in the directory; make it durable. Failing here leaves the new content in place
  // but possibly not on disk: report it.
  if (::fsync(dirfd) != 0) return Unexpected{last_errno()};
  return {};
}

core::Status<Errno> write_atomically(int dirfd, std::string_view name, std::string_view text,
                                     mode_t mode) {
  return write_atomically(dirfd, name, core::as_bytes(text), mode);
}

core::Result<ipc::UniqueFd, Errno> open_append_at(int dirfd, std::string_view name, mode_t mode) {
  if (!is_plain_name(name)) return Unexpected{Errno{EINVAL}};
  const std::string n(name);
  ipc::UniqueFd fd(::openat(dirfd, n.c_str(),
                            O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                            mode));
  if (!fd) return Unexpected{last_errno()};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Unexpected{last_errno()};
  if (!S_ISREG(st.st_mode)) return Unexpected{Errno{EINVAL}};
  return fd;
}

core::Result<std::string, Errno> read_small_file(std::string_view path, size_t max_bytes) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return Unexpected{Errno{EINVAL}};
  const std::string p(path);
  ipc::UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return Unexpected{last_errno()};
  return read_fd(fd.get(), max_bytes);
}

core::Result<ipc::UniqueFd, Errno> open_read_only(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return Unexpected{Errno{EINVAL}};
  const std::string p(path);
  ipc::UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return Unexpected{last_errno()};
  return fd;
}

core::Result<std::string, Errno> read_small_fd(int fd, size_t max_bytes) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return Unexpected{last_errno()};
  return read_fd(fd, max_bytes);
}

core::Result<std::string, Errno> read_small_file_at(int dirfd, std::string_view name,
                                                    size_t max_bytes) {
  if (!is_plain_name(name)) return Unexpected{Errno{EINVAL}};
  const std::string n(name);
  ipc::UniqueFd fd(::openat(dirfd, n.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW));
  if (!fd) return Unexpected{last_errno()};
  return read_fd(fd.get(), max_bytes);
}

}  // namespace tempus::sys
