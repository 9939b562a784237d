#pragma once
// The node's durable cluster metadata: identity, topics and their config overrides, and Boost snapshots of
// the whole image. SQLite holds the tables (schema in persistence/migrations/*.sql); Boost.Serialization
// holds the snapshot blobs.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/serialization/binary_object.hpp>
#include <boost/serialization/split_member.hpp>
#include <boost/serialization/version.hpp>

#include "persistence/errc.hpp"
#include "persistence/sqlite.hpp"

namespace samsa::persistence {

// Snapshot codecs for strings and containers. Boost's own std::string/vector/map loaders resize to the
// length they read before reading the data, so one wrong length in a blob whose checksum matches (a writer
// bug, a hand-edited file) would allocate and zero-fill gigabytes. These grow a container only as data
// actually arrives, so a bogus length runs into the end of the stream within one chunk and Boost throws.
namespace snapshot_codec {

inline constexpr size_t chunk_bytes = 4096;

template <class Archive>
void save_string(Archive& ar, const std::string& s) {
  uint64_t n = s.size();
  ar << n;
  for (size_t off = 0; off < s.size(); off += chunk_bytes) {
    auto obj = boost::serialization::make_binary_object(const_cast<char*>(s.data() + off),
                                                        std::min(chunk_bytes, s.size() - off));
    ar << obj;
  }
}

template <class Archive>
void load_string(Archive& ar, std::string& s) {
  uint64_t n = 0;
  ar >> n;
  s.clear();
  char buf[chunk_bytes];
  while (n > 0) {
    auto k = static_cast<size_t>(std::min<uint64_t>(n, chunk_bytes));
    auto obj = boost::serialization::make_binary_object(buf, k);
    ar >> obj;
    s.append(buf, k);
    n -= k;
  }
}

template <class Archive>
void save_map(Archive& ar, const std::map<std::string, std::string>& m) {
  uint64_t n = m.size();
  ar << n;
  for (const auto& [k, v] : m) {
    save_string(ar, k);
    save_string(ar, v);
  }
}

template <class Archive>
void load_map(Archive& ar, std::map<std::string, std::string>& m) {
  uint64_t n = 0;
  ar >> n;
  m.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    load_string(ar, k);
    load_string(ar, v);
    m.insert_or_assign(std::move(k), std::move(v));
  }
}

} // namespace snapshot_codec

// One topic as the metadata layer knows it. Plain value; `configs` holds per-topic overrides only (Kafka
// names), never the broker defaults. Serialized into snapshots: add fields at the end and bump
// BOOST_CLASS_VERSION below, reading them only when `version` says they are present.
struct topic_record {
  std::string name;
  std::string topic_id;  // 22-char base64url UUID like Kafka; created by create_topic when empty
  int32_t partitions = 1;
  int16_t replication_factor = 1;
  std::map<std::string, std::string> configs;
  int64_t created_ms = 0;  // wall clock; create_topic fills it in when 0

  template <class Archive>
  void save(Archive& ar, unsigned /*version*/) const {
    snapshot_codec::save_string(ar, name);
    snapshot_codec::save_string(ar, topic_id);
    ar << partitions << replication_factor;
    snapshot_codec::save_map(ar, configs);
    ar << created_ms;
  }
  template <class Archive>
  void load(Archive& ar, unsigned /*version*/) {
    snapshot_codec::load_string(ar, name);
    snapshot_codec::load_string(ar, topic_id);
    ar >> partitions >> replication_factor;
    snapshot_codec::load_map(ar, configs);
    ar >> created_ms;
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()
};

bool operator==(const topic_record& a, const topic_record& b);
inline bool operator!=(const topic_record& a, const topic_record& b) { return !(a == b); }

// The node's view of cluster metadata, as one value: what a snapshot stores and what a restarting node (or
// a lagging replica, later) loads. `version` is the metadata_version it was taken at. Versioned with
// BOOST_CLASS_VERSION so older blobs stay readable.
struct metadata_image {
  std::string cluster_id;
  int32_t node_id = -1;  // -1: not set yet
  int64_t version = 0;
  std::vector<topic_record> topics;  // sorted by name

  template <class Archive>
  void save(Archive& ar, unsigned /*version*/) const {
    snapshot_codec::save_string(ar, cluster_id);
    ar << node_id << version;
    uint64_t n = topics.size();
    ar << n;
    for (const auto& t : topics)
      ar << t;
  }
  template <class Archive>
  void load(Archive& ar, unsigned /*version*/) {
    snapshot_codec::load_string(ar, cluster_id);
    ar >> node_id >> version;
    uint64_t n = 0;
    ar >> n;
    topics.clear();
    for (uint64_t i = 0; i < n; ++i) {  // no reserve(n): n is untrusted until the elements have arrived
      topic_record t;
      ar >> t;
      topics.push_back(std::move(t));
    }
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()
};

bool operator==(const metadata_image& a, const metadata_image& b);
inline bool operator!=(const metadata_image& a, const metadata_image& b) { return !(a == b); }

// Snapshot blob: "SMI1" magic, CRC-32 of the payload (little endian), then a Boost binary archive. The
// checksum lets from_blob reject a torn or garbage blob before Boost parses it (Boost trusts the lengths it
// reads; the codecs above bound what it allocates when the checksum matches anyway). Binary archives are
// not portable across architectures: a snapshot is node-local, never sent to another node.
std::string to_blob(const metadata_image& img);
// False on a corrupt blob or one written by a newer class version; never throws.
bool from_blob(const std::string& blob, metadata_image& out);

// A fresh random (version 4) UUID as Kafka prints it: 22 characters of unpadded base64url. Like Kafka's
// Uuid.randomUuid it never starts with '-' so the id cannot be mistaken for a command-line flag.
std::string random_uuid_base64url();

// Owns one SQLite database file holding this node's metadata. Single owner (the broker actor; tests):
// not thread-safe, and other processes must not write the file. Opened in WAL mode with foreign keys on
// and a busy timeout; every embedded migration is applied once, in order, each in its own transaction.
// Invariants: every mutation happens in one transaction together with the metadata_version bump, so the
// version identifies exactly one state; topic_configs rows never outlive their topic (FK cascade).
// Failures from SQLite return errc::io_error and leave a message in last_error().
class metadata_store {
public:
  // Returns null and sets *error when the file cannot be opened, WAL cannot be enabled, a migration fails,
  // or the database was written by a newer schema than this binary knows. Creates parent directories.
  static std::unique_ptr<metadata_store> open(const std::filesystem::path& db_file,
                                              std::string* error = nullptr);

  metadata_store(const metadata_store&) = delete;
  metadata_store& operator=(const metadata_store&) = delete;

  // Highest applied migration (schema_migrations.version); 0 for none.
  int schema_version() const;

  // Created (random base64url UUID) on first open, then stable for the life of the file.
  const std::string& cluster_id() const { return cluster_id_; }

  // Stored as given. Whether a different configured node id on a later start is an error is the caller's
  // decision: it compares with node_id().
  errc set_node_id(int32_t id);
  std::optional<int32_t> node_id() const;

  // A cluster node: the metadata image offset its topic tables reflect (-1: none yet). A restarting node
  // reconciles nothing with an image older than this: that image is a replay still catching up, and a
  // topic missing from it may simply not be created yet.
  errc set_cluster_image_offset(int64_t offset);
  int64_t cluster_image_offset() const;

  // already_exists when the name is taken (or, with an explicit topic_id, when that id is).
  errc create_topic(const topic_record& t);
  // not_found for an unknown topic. Its config overrides go with it.
  errc delete_topic(const std::string& name);
  // Replaces all overrides of the topic; not_found for an unknown topic. Values are not validated here
  // (cluster::validate_topic_configs is the gate).
  errc set_topic_configs(const std::string& name, const std::map<std::string, std::string>& configs);
  // Partitions can only grow (Kafka cannot shrink a topic). not_found for an unknown topic; the same count
  // is a no-op; a smaller count returns already_exists ("those partitions already exist") and leaves a
  // message in last_error(). Callers validate first and answer Kafka's INVALID_PARTITIONS themselves.
  errc set_partition_count(const std::string& name, int32_t partitions);

  // Reserves `count` producer ids (Kafka's InitProducerId) and returns the first: [first, first + count)
  // is never returned again, across restarts, because the next free id is committed before any is used.
  // Null on failure (message in last_error()). Ids are not in the image, so no metadata_version bump.
  std::optional<int64_t> reserve_producer_ids(int64_t count);
  // The first producer id never reserved: every id below it may have been issued, none above.
  int64_t producer_id_limit() const;

  std::optional<topic_record> get_topic(const std::string& name) const;
  std::vector<topic_record> list_topics() const;  // sorted by name

  // Bumped by every successful change (topics, configs, partitions, node id).
  int64_t metadata_version() const;
  // The current state as one value (consistent: read inside one transaction).
  metadata_image image() const;

  // Stores to_blob(img); keeps the latest snapshots_kept.
  errc save_snapshot(const metadata_image& img);
  // The newest snapshot that decodes; a corrupt newest one falls back to the one before it.
  std::optional<metadata_image> latest_snapshot() const;

  static constexpr int snapshots_kept = 3;

  // Message of the most recent failure (SQLite's text plus context); empty after open.
  const std::string& last_error() const { return last_error_; }

private:
  explicit metadata_store(sqlite::connection db) : db_(std::move(db)) {}

  bool configure(std::string* error);
  bool migrate(std::string* error);
  bool load_identity(std::string* error);

  // Records the failure and returns io_error, so call sites read `return fail("...");`.
  errc fail(const std::string& what) const;
  // Runs `body` in one write transaction and, unless it fails or clears `changed`, bumps the metadata
  // version in the same transaction: the one place that keeps "every change has its own version" true.
  errc write(const std::string& what, const std::function<errc(bool& changed)>& body);
  errc bump_version();
  bool topic_exists(const std::string& name, bool& exists) const;
  // An integer row of the node table; null when absent (or unreadable: then last_error() says why).
  std::optional<int64_t> node_value(const char* key) const;
  std::optional<topic_record> read_topic(const std::string& name) const;
  std::optional<std::vector<topic_record>> read_topics() const;

  // Mutable: read paths are const for callers but still prepare statements and record errors.
  mutable sqlite::connection db_;
  std::string cluster_id_;
  mutable std::string last_error_;
};

} // namespace samsa::persistence

BOOST_CLASS_VERSION(samsa::persistence::topic_record, 1)
BOOST_CLASS_VERSION(samsa::persistence::metadata_image, 1)
