#pragma once
// Where a quorum member keeps its durable Raft state (term, vote, log, snapshot): the interface the CAF
// shell (actors/quorum_replica) writes through, the in-memory implementation for tests, and the SQLite one
// (persistence::raft_store) every node uses. The shell calls it from its own actor only (one
// caller at a time); implementations need no locking of their own.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "messages/raft_types.hpp"
#include "persistence/errc.hpp"

namespace samsa::actors {

// Owns: nothing the shell relies on besides what it returns from load().
// Contract: persist() applies, in this order, fx.hard (if set), fx.install (replace the snapshot, drop
// entries at or below its index), fx.truncate_from (drop entries at or after it), fx.append; everything is
// durable when it returns ok. On an error the shell stops its Raft member (nothing of that input was
// sent), so a partial write must leave a state load() can still read (write-ahead, then replace).
class quorum_storage {
public:
  virtual ~quorum_storage() = default;
  // Everything persisted so far; an empty state (term 0, no entries, no snapshot) for a new node.
  virtual raft::durable_state load() const = 0;
  // The durable part of one input's effects (raft_types.hpp: `effects`), before any of it is released.
  virtual persistence::errc persist(const raft::effects& fx) = 0;
  // The state machine's snapshot up to s.meta.index (compaction): replaces the stored snapshot and drops
  // the entries it covers.
  virtual persistence::errc save_snapshot(const raft::snapshot& s) = 0;
};

// In memory: "durable" lasts as long as the object. For tests (several quorum members in one process,
// restarts by reusing the object); never for a real node.
// Guarded by a mutex so a test may inspect it from another thread; today's tests all run on the
// single-threaded test coordinator.
class memory_quorum_storage : public quorum_storage {
public:
  raft::durable_state load() const override;
  persistence::errc persist(const raft::effects& fx) override;
  persistence::errc save_snapshot(const raft::snapshot& s) override;

private:
  void drop_through(raft::log_index_t index); // entries <= index
  mutable std::mutex mtx_;
  raft::durable_state state_;
};

// The node's real store: persistence::raft_store in the node's metadata.db (its own connection,
// synchronous=FULL: a vote or an entry acknowledged to a peer survives power loss). Opened by start_node
// after the metadata store has applied the migrations, and only when the stored state reads back whole:
// a node that cannot read its own votes must not start (it could vote twice in one term).
std::shared_ptr<quorum_storage> open_sqlite_quorum_storage(const std::filesystem::path& db_file, std::string* error);

} // namespace samsa::actors
