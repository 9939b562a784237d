-- 004: a cluster node materialises the replicated offsets log (__consumer_offsets) into group_offsets and
-- consumer_groups; this table remembers, per partition of that log, the next offset to apply, so a restart
-- or a new leadership resumes where the node stopped instead of replaying the whole log.
CREATE TABLE offsets_log_progress (
  partition   INTEGER PRIMARY KEY NOT NULL CHECK (partition >= 0),
  next_offset INTEGER NOT NULL CHECK (next_offset >= 0)
);
