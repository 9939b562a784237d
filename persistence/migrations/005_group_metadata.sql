-- 005: each consumer group's latest metadata (Kafka's GroupMetadataValue, encoded by cluster/offsets_topic:
-- generation, protocol, leader, members with their subscriptions and assignments), written when a generation
-- becomes Stable and when the group becomes Empty. A restarted broker (or the new coordinator of a cluster,
-- which materialises it from __consumer_offsets) restores the group from it, so its generation continues.
-- Deleting or expiring the group deletes it with the offsets.
CREATE TABLE group_metadata (
  group_id TEXT PRIMARY KEY NOT NULL,
  value    BLOB NOT NULL
) WITHOUT ROWID;
