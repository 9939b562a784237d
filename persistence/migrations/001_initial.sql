-- 001: the node's metadata store. Applied once inside a transaction by metadata_store::open, which
-- records it in schema_migrations (created in code, so the bookkeeping exists before any migration runs).
-- Never edit an applied migration: add NNN_next.sql instead.

-- Node identity and counters as key/value rows: cluster_id (created on first open), node_id (set by the
-- broker), metadata_version (bumped in the same transaction as every change).
CREATE TABLE node (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO node (key, value) VALUES ('metadata_version', '0');

-- One row per topic. topic_id is Kafka's 22-character base64url UUID; it never changes, so a topic deleted
-- and re-created under the same name is distinguishable by clients.
CREATE TABLE topics (
  name               TEXT PRIMARY KEY NOT NULL,
  topic_id           TEXT NOT NULL UNIQUE,
  partitions         INTEGER NOT NULL CHECK (partitions > 0),
  replication_factor INTEGER NOT NULL CHECK (replication_factor > 0),
  created_ms         INTEGER NOT NULL
) WITHOUT ROWID;

-- Per-topic overrides only (Kafka names such as retention.ms); broker defaults are not copied here so a
-- later change of a broker default reaches every topic that did not override it.
CREATE TABLE topic_configs (
  topic TEXT NOT NULL REFERENCES topics (name) ON DELETE CASCADE ON UPDATE CASCADE,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (topic, key)
) WITHOUT ROWID;

-- Boost.Serialization snapshots of the metadata image; only the latest few are kept.
CREATE TABLE metadata_snapshots (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  version    INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  blob       BLOB NOT NULL
);
