#pragma once
// Committed offsets of consumer groups and their group metadata (generation, members: a restarted or new
// coordinator continues the generation), in the node's SQLite database (tables from migrations 002 and 005;
// the metadata_store applies migrations, so open it first). One owner: the node's offsets actor, which batches
// commit bursts into few transactions through commit_batch().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "persistence/errc.hpp"
#include "persistence/sqlite.hpp"

namespace samsa::persistence {

struct committed_offset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_ms = 0;
};

// One change of a group's stored state, read from the replicated offsets log (cluster/offsets_topic decodes
// it) or made on a single node: a commit, one partition's offset deleted (a tombstone), a whole group deleted
// (its offsets, its row and its metadata), or the group's metadata (generation, members) replaced.
struct offset_change {
  enum class kind : uint8_t { commit, delete_offset, delete_group, group_metadata };
  kind what = kind::commit;
  std::string group_id;
  committed_offset offset;  // commit: every field; delete_offset: topic and partition
  // commit: made outside a live group (see group_commit); group_metadata: the group has no members
  bool group_is_empty = false;
  // group_metadata: the encoded GroupMetadataValue (cluster/offsets_topic.hpp); stored as is, opaque here
  std::string group_metadata;
};

struct group_commit {
  std::string group_id;
  std::vector<committed_offset> offsets;
  bool group_is_empty = false; // a commit from outside a live group (simple consumers, admin resets)
};

class offset_store {
public:
  // Opens the database file (WAL mode, busy timeout). The tables must exist (metadata_store::open migrates).
  static std::unique_ptr<offset_store> open(const std::filesystem::path& db_file, std::string* error = nullptr);

  // Stores many groups' commits in ONE transaction: the coordinator calls it with everything that queued up
  // while the previous transaction ran.
  errc commit_batch(const std::vector<group_commit>& commits, int64_t now_ms);
  errc commit(const std::string& group, const std::vector<committed_offset>& offsets, int64_t now_ms);

  // Every committed offset of a group (ordered by topic, partition).
  std::vector<committed_offset> fetch(const std::string& group) const;
  std::optional<committed_offset> fetch(const std::string& group, const std::string& topic, int32_t partition) const;
  std::vector<std::string> groups() const;

  // Group membership bookkeeping for expiry: nullopt while the group has members.
  errc set_empty_since(const std::string& group, std::optional<int64_t> since_ms);
  // A cluster node that just took over a group's coordination: the groups it knows without members start
  // their expiry clock now, unless it already runs (membership is not replicated, so a group that had
  // members on the old coordinator has none here until they rejoin).
  errc start_empty_since(const std::vector<std::string>& groups, int64_t now_ms);
  // Deletes the offsets (and the row) of groups empty since before now_ms - retention_ms; returns how many
  // groups were expired.
  int expire(int64_t now_ms, int64_t retention_ms);
  // Drops a deleted topic's offsets everywhere.
  errc delete_topic(const std::string& topic);
  // DeleteGroups: the group's offsets and its row.
  errc delete_group(const std::string& group);
  // OffsetDelete: the group's offsets of these partitions (the group's row stays), in one transaction.
  errc delete_offsets(const std::string& group, const std::vector<std::pair<std::string, int32_t>>& partitions);
  // Applies changes in ONE transaction (a single node's deletions and resets).
  errc apply_changes(const std::vector<offset_change>& changes, int64_t now_ms);
  // A cluster node: applies the changes read from partition `log_partition` of the offsets log, and records
  // `next_offset` as where that partition's materialisation continues, in ONE transaction.
  errc apply_log(int32_t log_partition, const std::vector<offset_change>& changes, int64_t next_offset, int64_t now_ms);
  // Where the materialisation of a log partition continues (0: nothing applied yet).
  int64_t log_progress(int32_t log_partition) const;
  // Forgets what was materialised from a log partition whose replica starts over: the groups `owned` picks
  // lose their offsets and rows, and the partition's progress goes back to 0.
  errc reset_log_partition(int32_t log_partition, const std::function<bool(const std::string&)>& owned);
  // The groups expire() would remove now, without removing them (a cluster writes tombstones instead).
  std::vector<std::string> expired_groups(int64_t now_ms, int64_t retention_ms) const;

  // The stored metadata value of a group (the latest group_metadata change), or nullopt.
  std::optional<std::string> group_metadata(const std::string& group) const;
  // Every group with stored metadata: (group, value), ordered by group.
  std::vector<std::pair<std::string, std::string>> all_group_metadata() const;

  // Whether anything is stored under the group: offsets, or the row a group that once had members keeps.
  bool has_group(const std::string& group) const;

  const std::string& last_error() const { return last_error_; }

private:
  explicit offset_store(sqlite::connection db) : db_(std::move(db)) {}
  errc write(const std::vector<group_commit>& commits, int64_t now_ms);
  // apply_changes, and the log partition's progress when `log_partition` >= 0.
  errc apply(const std::vector<offset_change>& changes, int32_t log_partition, int64_t next_offset, int64_t now_ms);
  errc failed() const; // records SQLite's last error message; io_error
  mutable sqlite::connection db_;
  mutable std::string last_error_;
};

} // namespace samsa::persistence
