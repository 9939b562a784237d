-- 003: the durable state of this node's Raft replica of the metadata quorum (persistence::raft_store):
-- hard state, the latest snapshot, and the log entries after it. One replica per node (KRaft has one
-- metadata log), so the single-row tables are keyed by a constant id = 1.
-- Invariant kept by raft_store (not expressible in SQL): raft_log holds exactly the indexes
-- snapshot.last_index + 1 .. max, without gaps.

-- Term and vote (Raft's currentTerm, votedFor). No row = term 0, no vote (a fresh replica).
CREATE TABLE raft_hard_state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  term      INTEGER NOT NULL CHECK (term >= 0),
  voted_for INTEGER               -- node id, NULL = no vote in this term
);

-- The latest snapshot: the state machine image after every entry up to last_index. No row = none
-- (index 0, term 0, empty data). data is opaque here (cluster/metadata_image_snapshot writes it).
CREATE TABLE raft_snapshot (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  last_index INTEGER NOT NULL CHECK (last_index >= 0),
  last_term  INTEGER NOT NULL CHECK (last_term >= 0),
  data       BLOB NOT NULL
);

-- Log entries after the snapshot; log_index is the rowid (1-based Raft index). kind: 0 data, 1 noop
-- (raft::entry_kind). data: the entry's payload (a metadata_codec batch; empty for a noop).
CREATE TABLE raft_log (
  log_index INTEGER PRIMARY KEY CHECK (log_index > 0),
  term      INTEGER NOT NULL CHECK (term >= 0),
  kind      INTEGER NOT NULL CHECK (kind IN (0, 1)),
  data      BLOB NOT NULL
);
