// SPDX-License-Identifier: ISC
// Files the daemon owns (drift file, NTS keys and cookies), written by the parent through a
// directory fd it opened before dropping privileges (design.md §2), so the sandboxed parent needs
// no path access, only *at() calls relative to that fd.
//
// Names are plain file names inside the directory: non-empty, no '/', no NUL, not "." or "..",
// at most kMaxStateName bytes (room for the ".tmp" suffix within NAME_MAX). Anything else is
// EINVAL before any syscall. Symbolic links are never followed when opening a name.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "core/result.h"
#include "ipc/unique_fd.h"
#include "sys/errno_result.h"

namespace tempus::sys {

inline constexpr size_t kMaxStateName = 250;  // NAME_MAX (255) − ".tmp"

// True when name is a plain file name as above.
bool is_plain_name(std::string_view name);

// open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC): read-only so that fsync() on it works (O_PATH
// fds cannot be fsync'd). Errors: open's errno (ENOTDIR when path is not a directory).
core::Result<ipc::UniqueFd, Errno> open_dir(std::string_view path);

// Replaces dirfd/name with exactly `bytes`, atomically: a reader sees the old content or the new,
// never a mix, and after a crash the file holds one of the two.
//   1. unlinkat(name.tmp) (a stale or planted temp file, symlink or hard link is removed, never
//      written through), openat(name.tmp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode)
//      (a new inode, so its mode is exactly mode & ~umask: the parent sets umask 022 at start)
//   2. write everything, fsync, close (close reports deferred write errors)
//   3. renameat(name.tmp → name) (replaces a symlink at name itself, never its target)
//   4. fsync(dirfd), so the rename is durable
// On failure the temp file is removed and the live file is untouched. mode: e.g. 0644 (drift) or
// 0600 (NTS keys). Errors: EINVAL for a bad name, else the failing call's errno.
// Syscalls (for the parent's seccomp table): unlinkat, openat (O_NOFOLLOW), write, fsync, close,
// renameat (renameat2 on some architectures), fsync on dirfd. No fchmod/fchown.
core::Status<Errno> write_atomically(int dirfd, std::string_view name,
                                     std::span<const std::byte> bytes, mode_t mode);
core::Status<Errno> write_atomically(int dirfd, std::string_view name, std::string_view text,
                                     mode_t mode);

// A log file kept open for appending (logdir, design.md §2): openat(dirfd, name,
// O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK, mode), created as mode & ~umask.
// Anything but a regular file at name (a FIFO, a device) is EINVAL (a FIFO without a reader
// ENXIO: it never blocks); a symlink is ELOOP.
core::Result<ipc::UniqueFd, Errno> open_append_at(int dirfd, std::string_view name, mode_t mode);
// Writes all of `bytes` to fd (retrying short writes and EINTR); errors: write's errno.
core::Status<Errno> write_fully(int fd, std::span<const std::byte> bytes);

// Whole content of a regular file of at most max_bytes. Opened O_RDONLY|O_CLOEXEC|O_NONBLOCK (a
// FIFO cannot block us); not a regular file → EINVAL; larger than max_bytes → EFBIG.
// read_small_file follows symlinks in path (an admin-given path); read_small_file_at takes a
// plain name in dirfd and does not (O_NOFOLLOW: a symlink → ELOOP).
core::Result<std::string, Errno> read_small_file(std::string_view path, size_t max_bytes);
core::Result<std::string, Errno> read_small_file_at(int dirfd, std::string_view name,
                                                    size_t max_bytes);
// A file kept open to be read again after the sandbox closed (the key file for rekey):
// open_read_only() as read_small_file opens, and read_small_fd() rewinds (lseek) and reads the
// whole content, so any number of times, under the same rules (EINVAL, EFBIG).
core::Result<ipc::UniqueFd, Errno> open_read_only(std::string_view path);
core::Result<std::string, Errno> read_small_fd(int fd, size_t max_bytes);

}  // namespace tempus::sys
