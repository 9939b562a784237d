#pragma once

// Thin POSIX helpers for the log storage: an owning fd, full-length pread/pwrite loops, errno to
// errc, fsync of directories and atomic small-file replacement. Used by segment, the indexes, the
// leader epoch cache and partition_log; nothing here keeps state beyond the fd it owns.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "persistence/errc.hpp"

namespace samsa::persistence {

// Owns one file descriptor and closes it on destruction. Move-only.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the current fd (if any) and takes fd. close() errors are ignored: data durability is
  // decided by the fsync that must precede it.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// ENOSPC and EDQUOT become disk_full (retention may free space), EMFILE and ENFILE too_many_open_files
// (so an operator reads "too many open files", not io_error), everything else io_error.
errc errno_to_errc(int e);

// Reads up to n bytes at off, retrying short reads and EINTR. Returns the number of bytes read
// (less than n only at end of file), or -1 with errno set.
ssize_t pread_full(int fd, void* buf, size_t n, int64_t off);

// Writes all n bytes at off, retrying short writes and EINTR. On failure returns the errc of the
// failing call; bytes before the failure may have reached the file (callers truncate them).
errc pwrite_full(int fd, const void* buf, size_t n, int64_t off);

errc fsync_fd(int fd);
errc fsync_dir(const std::filesystem::path& dir);

// Size of the file behind fd, or -1.
int64_t file_size(int fd);

// Replaces path with content crash-safely: write path.tmp, fsync it, rename over path, fsync dir.
// A reader sees either the old or the new content, never a mix.
errc write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Whole content of a small file; nullopt (errno set) if it does not exist or cannot be read.
std::optional<std::string> read_small_file(const std::filesystem::path& path);

// Offset checkpoint files ("0\n<offset>\n": a version line, then one offset): read (*out = 0 and ok
// when the file does not exist; corrupt_message for garbage) and written (write_file_atomic).
errc read_offset_file(const std::filesystem::path& path, int64_t* out);
errc write_offset_file(const std::filesystem::path& path, int64_t offset);

// Modification time in ms since the epoch, or -1.
int64_t mtime_ms(const std::filesystem::path& path);

}  // namespace samsa::persistence
