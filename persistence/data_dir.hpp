#pragma once
// What a node may and may not do with its data directory (log.dirs): the exclusive lock that keeps a second
// process out, the names of partition directories, and the rule that the node deletes only what it can
// prove is its own garbage.
//
// Deleting a partition renames its directory to "<topic>-<partition>.<id>-delete" first (Kafka's scheme)
// and then removes it; the rename is the tombstone. At start the node removes leftover "-delete"
// directories (a crash interrupted their removal) and nothing else: a directory it does not recognise, or
// a partition directory of a topic it does not know, is reported and left alone. Plain functions and one
// RAII class; no actors, so every rule is unit-tested.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/errc.hpp"
#include "persistence/file_util.hpp"

namespace samsa::persistence {

// An exclusive flock(2) on "<dir>/.lock", held for the life of the object (the kernel drops it when the
// process dies, so kill -9 never leaves a stale lock). The file holds a line naming the holder, which a
// refused second process prints. Not copyable; one per data directory per process.
class data_dir_lock {
public:
  // Creates the file if needed and locks it. Null when another open file description holds the lock
  // (another process, or another lock object in this one): *error then says who holds it.
  static std::unique_ptr<data_dir_lock> acquire(const std::filesystem::path& dir, const std::string& holder,
                                                std::string* error);
  const std::filesystem::path& path() const { return path_; }

private:
  data_dir_lock(std::filesystem::path p, unique_fd fd) : path_(std::move(p)), fd_(std::move(fd)) {}
  std::filesystem::path path_;
  unique_fd fd_;
};

// Kafka's rule for topic names: [a-zA-Z0-9._-]{1,249}, and not "." or "..". "" when valid, else the reason.
// Here because partition directory names embed topic names; cluster::validate_topic_name forwards to it.
std::string topic_name_problem(const std::string& name);

// "<topic>-<partition>", parsed defensively: the topic must be a legal Kafka topic name and the partition
// a decimal int32 without sign or leading zeros. Anything else is not a partition directory.
struct partition_dir_name {
  std::string topic;
  int32_t partition = 0;
};
std::optional<partition_dir_name> parse_partition_dir(const std::string& name);
std::string partition_dir_string(const std::string& topic, int32_t partition);

// True for "<topic>-<partition>.<id>-delete" with a valid partition directory name before the dot.
bool is_deleted_partition_dir(const std::string& name);

// True when the directory holds at least one non-empty segment file (*.log): data worth keeping.
bool holds_log_data(const std::filesystem::path& dir);

// The tombstone then the removal: renames dir to "<dir>.<random uuid>-delete", fsyncs the parent, removes
// it. A crash after the rename leaves a directory the next start removes; a crash before leaves the
// partition directory (reported as unknown at the next start, never deleted).
errc remove_partition_dir(const std::filesystem::path& dir);

// The entries of a data directory as the rules above see them.
struct data_dir_scan {
  std::vector<std::filesystem::path> deleted;                                        // "-delete" leftovers
  std::vector<std::pair<std::filesystem::path, partition_dir_name>> partitions;      // partition directories
  std::vector<std::filesystem::path> unknown;  // other directories (never touched)
};
data_dir_scan scan_data_dir(const std::filesystem::path& dir);

} // namespace samsa::persistence
