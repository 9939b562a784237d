#pragma once
// The durable state of this node's Raft replica of the metadata quorum: hard state (term, vote), the
// latest snapshot, and the log entries after it (raft::durable_state), in the node's SQLite database
// (metadata.db, tables of migration 003_raft.sql).
//
// Schema (persistence/migrations/003_raft.sql), one replica per node:
//   raft_hard_state (id = 1, term, voted_for NULL|node id)            no row: term 0, no vote
//   raft_snapshot   (id = 1, last_index, last_term, data BLOB)        no row: {0, 0}, empty data
//   raft_log        (log_index PRIMARY KEY, term, kind 0 data|1 noop, data BLOB)
// Integers are SQLite INTEGERs (64-bit, so byte order is SQLite's business); blobs are opaque bytes
// (entry payloads are metadata_codec batches, snapshot data is cluster/metadata_image_snapshot).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "messages/raft_types.hpp"
#include "persistence/errc.hpp"
#include "persistence/sqlite.hpp"

namespace samsa::persistence {

// Owns its own SQLite connection to metadata.db. Single owner: the Raft replica actor (actors/), which
// calls persist() for every effects value before it applies or sends anything, and save_snapshot() when
// the state machine compacts; tests. Not thread-safe. Its own connection rather than metadata_store's
// because the two are owned by different actors and a connection must never be shared between threads;
// WAL mode lets readers run beside it, and writers of the two connections serialise on SQLite's write
// lock (BEGIN IMMEDIATE + a busy timeout), each transaction being short.
//
// Durability: the connection runs with synchronous=FULL, so every committed transaction has been fsynced
// (the WAL) when persist()/save_snapshot() return. NORMAL is not enough in WAL mode: it may lose the last
// commits on power loss, i.e. a vote or an acknowledged entry, which breaks Raft's safety.
// Cost, measured on the 2-core dev machine (test "persist() rate", 1000 one-entry appends): ~250 calls/s
// on disk (one fsynced commit ~4 ms), ~30k calls/s on tmpfs. So the shell batches: many proposals per
// input, one persist() per effects value, never one per record.
//
// Invariants (checked by every write, verified by load): stored entries are contiguous and start at
// snapshot.last_index + 1; an older (or equal) snapshot never replaces the stored one through
// save_snapshot(). Failures return errc::io_error (SQLite) or errc::invalid_batch (a write that would
// break the invariant; nothing is written), with a message in last_error().
class raft_store {
public:
  // The tables must exist: metadata_store::open applies every migration (open it first, as for
  // offset_store). Null and *error set when the file cannot be opened, is not in WAL mode, or has no
  // Raft tables.
  static std::unique_ptr<raft_store> open(const std::filesystem::path& db_file, std::string* error = nullptr);

  raft_store(const raft_store&) = delete;
  raft_store& operator=(const raft_store&) = delete;

  // Hard state + snapshot + the entries after it, read in one transaction; the empty state for a fresh
  // database. On a read failure or a broken invariant it returns the empty state AND leaves a message in
  // last_error(): the caller must check last_error() (or use try_load) and refuse to start, since an
  // empty state would let the replica vote again in a term it already voted in.
  raft::durable_state load() const;
  // As load(), but nullopt on failure.
  std::optional<raft::durable_state> try_load() const;

  // Persists step 1 of the raft::effects contract in ONE transaction, in the documented order: `hard` (if
  // set), then `install` (replace the snapshot, drop entries <= its index), then `truncate_from` (drop
  // entries >= it), then `append` (each must be the next index). Durable on return. An effects value with
  // nothing to persist costs nothing (no transaction).
  errc persist(const raft::effects& fx);

  // Log compaction by the state machine: replaces the stored snapshot when s is newer (higher index) and
  // drops the entries <= s.meta.index, in one transaction. An older or equal snapshot is ignored (ok).
  // invalid_batch when a stored entry at s.meta.index has another term (not a snapshot of this log).
  errc save_snapshot(const raft::snapshot& s);

  // Message of the most recent failure; cleared by each call of the API above.
  const std::string& last_error() const { return last_error_; }

private:
  explicit raft_store(sqlite::connection db) : db_(std::move(db)) {}

  // Records the failure and returns `code`, so call sites read `return fail("...");`.
  errc fail(const std::string& what, errc code = errc::io_error) const;
  errc write_snapshot(const raft::snapshot& s);
  errc delete_entries(const char* where_clause, int64_t index);
  // The snapshot's {index, term}; nullopt on a read error (then last_error() says why).
  std::optional<raft::snapshot_meta> snapshot_meta() const;
  // The last stored index (the snapshot's when no entries follow it); nullopt on a read error.
  std::optional<int64_t> last_index() const;

  // Mutable: load() is const for callers but still prepares statements and records errors.
  mutable sqlite::connection db_;
  mutable std::string last_error_;
};

} // namespace samsa::persistence
