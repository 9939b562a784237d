#pragma once
// The in-memory Raft log of one replica: the entries after the latest snapshot, plus that
// snapshot's (index, term) standing in for everything it covers.

#include <optional>
#include <vector>

#include "messages/raft_types.hpp"

namespace samsa::raft {

// Owns: the uncompacted entries and the metadata of the snapshot before them.
// Called by: class replica only (the durable copy is the caller's, kept in step through
//   effects); tests read it through replica::log().
// Invariants: entries_[i].index == snap_.index + 1 + i (contiguous, no holes); the term at
//   snap_.index is snap_.term; terms never decrease along the log; truncate_from() never
//   reaches into the snapshot (committed entries are never removed).
class raft_log {
public:
  raft_log() = default;
  explicit raft_log(snapshot_meta snap, std::vector<log_entry> entries);

  snapshot_meta snapshot() const { return snap_; }
  log_index_t first_index() const { return snap_.index + 1; } // first entry kept in memory
  log_index_t last_index() const { return snap_.index + static_cast<int64_t>(entries_.size()); }
  term_t last_term() const { return entries_.empty() ? snap_.term : entries_.back().term; }

  // The term of the entry at `i`: known for snap_.index .. last_index(), else nullopt
  // (compacted away or not there yet).
  std::optional<term_t> term_at(log_index_t i) const;
  bool matches(log_index_t i, term_t t) const { return term_at(i) == t; }

  // Requires first_index() <= i <= last_index().
  const log_entry& at(log_index_t i) const;

  // Entries [from, to] (clamped to the log), stopping once max_bytes is reached but always
  // returning at least one entry when the range is not empty. Requires from >= first_index().
  std::vector<log_entry> slice(log_index_t from, log_index_t to, size_t max_bytes) const;

  // Requires e.index == last_index() + 1 and e.term >= last_term().
  void append(log_entry e);

  // Drops every entry at or after `i`; requires i > snapshot().index.
  void truncate_from(log_index_t i);

  // Log compaction up to `meta.index`: drops entries <= it. If the log has no entry with that
  // (index, term) the whole log is dropped (an installed snapshot replaces a divergent log).
  void compact(snapshot_meta meta);

  // Raft §5.4.1: a candidate's log is at least as up to date as ours.
  bool is_up_to_date(log_index_t last_index, term_t last_term) const;

  // The conflict hint for a rejected append whose prev index `i` holds a different term here:
  // the first index of the run of entries with term_at(i), not going below `floor`.
  log_index_t first_index_of_term(log_index_t i, log_index_t floor) const;

private:
  snapshot_meta snap_{};
  std::vector<log_entry> entries_;
};

} // namespace samsa::raft
