#include "persistence/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "persistence/metadata_store.hpp" // random_uuid_base64url

namespace samsa::persistence {

namespace fs = std::filesystem;

std::unique_ptr<data_dir_lock> data_dir_lock::acquire(const fs::path& dir, const std::string& holder,
                                                      std::string* error) {
  auto path = dir / ".lock";
  unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    if (error)
      *error = "cannot open " + path.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (error) {
      if (e == EWOULDBLOCK) {
        auto who = read_small_file(path).value_or("");
        while (!who.empty() && (who.back() == '\n' || who.back() == '\r'))
          who.pop_back();
        *error = "data directory " + dir.string() + " is in use by another samsa process ("
                 + (who.empty() ? std::string{"holder unknown"} : who) + "); two brokers on one data directory"
                 + " would overwrite each other's records";
      } else {
        *error = "cannot lock " + path.string() + ": " + std::strerror(e);
      }
    }
    return nullptr;
  }
  // Who holds it, for the message a refused process prints. Best effort: the lock is what counts.
  auto line = holder + "\n";
  if (::ftruncate(fd.get(), 0) == 0)
    (void)pwrite_full(fd.get(), line.data(), line.size(), 0);
  return std::unique_ptr<data_dir_lock>(new data_dir_lock(std::move(path), std::move(fd)));
}

std::string topic_name_problem(const std::string& name) {
  constexpr size_t max_length = 249;  // Kafka's limit: leaves room for ".partition" in directory names
  if (name.empty())
    return "topic name must not be empty";
  if (name == "." || name == "..")
    return "topic name cannot be '.' or '..'";
  if (name.size() > max_length)
    return "topic name is longer than " + std::to_string(max_length) + " characters";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == '-';
    if (!ok)
      return "topic name '" + name + "' contains a character other than ASCII alphanumerics, '.', '_' and '-'";
  }
  return {};
}

std::optional<partition_dir_name> parse_partition_dir(const std::string& name) {
  auto dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= name.size())
    return std::nullopt;
  auto digits = std::string_view(name).substr(dash + 1);
  if (digits.size() > 10 || (digits.size() > 1 && digits.front() == '0'))
    return std::nullopt;
  int64_t p = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc{} || end != digits.data() + digits.size() || p < 0 || p > INT32_MAX)
    return std::nullopt;
  partition_dir_name out;
  out.topic = name.substr(0, dash);
  out.partition = static_cast<int32_t>(p);
  if (!topic_name_problem(out.topic).empty())
    return std::nullopt;
  return out;
}

std::string partition_dir_string(const std::string& topic, int32_t partition) {
  return topic + "-" + std::to_string(partition);
}

bool is_deleted_partition_dir(const std::string& name) {
  static const std::string suffix = "-delete";
  if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  auto stem = name.substr(0, name.size() - suffix.size());
  auto dot = stem.rfind('.');
  if (dot == std::string::npos || dot + 1 == stem.size())
    return false;
  return parse_partition_dir(stem.substr(0, dot)).has_value();
}

bool holds_log_data(const fs::path& dir) {
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".log" && e.is_regular_file(ec) && e.file_size(ec) > 0)
      return true;
  }
  return false;
}

errc remove_partition_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec))
    return errc::ok;
  auto tomb = dir;
  tomb += "." + random_uuid_base64url() + "-delete";
  fs::rename(dir, tomb, ec);
  if (ec)
    return errno_to_errc(ec.value());
  (void)fsync_dir(dir.parent_path());
  fs::remove_all(tomb, ec);
  return ec ? errno_to_errc(ec.value()) : errc::ok;
}

data_dir_scan scan_data_dir(const fs::path& dir) {
  data_dir_scan out;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_directory(ec) || e.is_symlink(ec))
      continue;
    auto name = e.path().filename().string();
    if (is_deleted_partition_dir(name))
      out.deleted.push_back(e.path());
    else if (auto p = parse_partition_dir(name))
      out.partitions.emplace_back(e.path(), std::move(*p));
    else
      out.unknown.push_back(e.path());
  }
  return out;
}

} // namespace samsa::persistence
