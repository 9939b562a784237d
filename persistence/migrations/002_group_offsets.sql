-- 002: consumer groups' committed offsets (OffsetCommit / OffsetFetch) and the bookkeeping needed to
-- expire them: offsets of a group that has been empty for longer than offsets.retention.minutes go away,
-- as in Kafka.
CREATE TABLE group_offsets (
  group_id         TEXT NOT NULL,
  topic            TEXT NOT NULL,
  partition        INTEGER NOT NULL CHECK (partition >= 0),
  committed_offset INTEGER NOT NULL,
  leader_epoch     INTEGER NOT NULL DEFAULT -1,
  metadata         TEXT,
  commit_ms        INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
) WITHOUT ROWID;

CREATE INDEX group_offsets_by_topic ON group_offsets (topic);

-- One row per group that has committed offsets. empty_since_ms is NULL while the group has members and
-- the time it became empty otherwise (a group that only ever committed without joining counts as empty
-- since its last commit).
CREATE TABLE consumer_groups (
  group_id       TEXT PRIMARY KEY NOT NULL,
  empty_since_ms INTEGER
) WITHOUT ROWID;
