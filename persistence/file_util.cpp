#include "persistence/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

namespace samsa::persistence {

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other)
    reset(other.release());
  return *this;
}

void unique_fd::reset(int fd) {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = fd;
}

errc errno_to_errc(int e) {
  if (e == ENOSPC || e == EDQUOT)
    return errc::disk_full;
  if (e == EMFILE || e == ENFILE)
    return errc::too_many_open_files;
  return errc::io_error;
}

ssize_t pread_full(int fd, void* buf, size_t n, int64_t off) {
  auto p = static_cast<char*>(buf);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, p + done, n - done, static_cast<off_t>(off + static_cast<int64_t>(done)));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0)
      break;
    done += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(done);
}

errc pwrite_full(int fd, const void* buf, size_t n, int64_t off) {
  auto p = static_cast<const char*>(buf);
  size_t done = 0;
  while (done < n) {
    ssize_t r =
      ::pwrite(fd, p + done, n - done, static_cast<off_t>(off + static_cast<int64_t>(done)));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return errno_to_errc(errno);
    }
    if (r == 0)  // cannot happen for regular files; never loop forever
      return errc::io_error;
    done += static_cast<size_t>(r);
  }
  return errc::ok;
}

errc fsync_fd(int fd) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR)
      return errno_to_errc(errno);
  }
  return errc::ok;
}

errc fsync_dir(const std::filesystem::path& dir) {
  unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid())
    return errno_to_errc(errno);
  return fsync_fd(fd.get());
}

int64_t file_size(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return -1;
  return static_cast<int64_t>(st.st_size);
}

errc write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  auto tmp = path;
  tmp += ".tmp";
  {
    unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid())
      return errno_to_errc(errno);
    if (auto e = pwrite_full(fd.get(), content.data(), content.size(), 0); e != errc::ok)
      return e;
    if (auto e = fsync_fd(fd.get()); e != errc::ok)
      return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return errno_to_errc(errno);
  return fsync_dir(path.parent_path());
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return std::nullopt;
  const int64_t size = file_size(fd.get());
  if (size < 0)
    return std::nullopt;
  std::string s(static_cast<size_t>(size), '\0');
  const ssize_t r = pread_full(fd.get(), s.data(), s.size(), 0);
  if (r < 0)
    return std::nullopt;
  s.resize(static_cast<size_t>(r));
  return s;
}

errc read_offset_file(const std::filesystem::path& path, int64_t* out) {
  *out = 0;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return ec ? errc::io_error : errc::ok;
  auto content = read_small_file(path);
  if (!content)
    return errno_to_errc(errno);
  std::istringstream in(*content);
  int version = -1;
  long long offset = -1;
  if (!(in >> version >> offset) || version != 0 || offset < 0)
    return errc::corrupt_message;
  *out = static_cast<int64_t>(offset);
  return errc::ok;
}

errc write_offset_file(const std::filesystem::path& path, int64_t offset) {
  return write_file_atomic(path, "0\n" + std::to_string(offset) + "\n");
}

int64_t mtime_ms(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace samsa::persistence
