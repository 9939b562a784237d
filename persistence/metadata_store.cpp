#include "persistence/metadata_store.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <system_error>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/crc.hpp>
#include <sqlite3.h>

#include "persistence/migrations_embedded.hpp"

namespace samsa::persistence {

namespace {

constexpr int busy_timeout_ms = 5000;
constexpr std::string_view blob_magic = "SMI1";
constexpr size_t blob_header_size = 8;  // magic + crc32

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

uint32_t crc32_of(const char* data, size_t size) {
  boost::crc_32_type crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

// The start of every Boost binary archive: the length-prefixed "serialization::archive" signature. Boost
// reads that length and allocates before comparing, so from_blob checks these bytes itself first. Taken
// from an empty archive rather than hard-coded, so it follows Boost's size_t width and byte order.
const std::string& archive_signature_prefix() {
  static const std::string prefix = [] {
    std::ostringstream out(std::ios::binary);
    { boost::archive::binary_oarchive ar(out); }
    std::string header = std::move(out).str();
    std::string signature = boost::archive::BOOST_ARCHIVE_SIGNATURE();
    auto at = header.find(signature);
    return at == std::string::npos ? std::string{} : header.substr(0, at + signature.size());
  }();
  return prefix;
}

} // namespace

// -- value types --------------------------------------------------------------------------------------

bool operator==(const topic_record& a, const topic_record& b) {
  return a.name == b.name && a.topic_id == b.topic_id && a.partitions == b.partitions
         && a.replication_factor == b.replication_factor && a.configs == b.configs
         && a.created_ms == b.created_ms;
}

bool operator==(const metadata_image& a, const metadata_image& b) {
  return a.cluster_id == b.cluster_id && a.node_id == b.node_id && a.version == b.version
         && a.topics == b.topics;
}

std::string to_blob(const metadata_image& img) {
  std::ostringstream payload(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(payload);
    ar << img;
  }  // the archive flushes on destruction
  std::string body = std::move(payload).str();
  uint32_t crc = crc32_of(body.data(), body.size());
  std::string out;
  out.reserve(blob_header_size + body.size());
  out.append(blob_magic);
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  out.append(body);
  return out;
}

bool from_blob(const std::string& blob, metadata_image& out) {
  if (blob.size() < blob_header_size || blob.compare(0, blob_magic.size(), blob_magic) != 0)
    return false;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<uint32_t>(static_cast<unsigned char>(blob[4 + i])) << (8 * i);
  const char* body = blob.data() + blob_header_size;
  size_t body_size = blob.size() - blob_header_size;
  if (crc32_of(body, body_size) != stored)
    return false;
  const auto& prefix = archive_signature_prefix();
  if (body_size < prefix.size() || std::memcmp(body, prefix.data(), prefix.size()) != 0)
    return false;
  try {
    std::istringstream in(std::string(body, body_size), std::ios::binary);
    boost::archive::binary_iarchive ar(in);
    metadata_image tmp;
    ar >> tmp;  // throws on an unknown (newer) class version or a short stream
    out = std::move(tmp);
    return true;
  } catch (...) {
    // Boost reports bad archives with archive_exception but a hostile length can also surface as
    // bad_alloc/length_error; all of them mean "not a snapshot we can use".
    return false;
  }
}

std::string random_uuid_base64url() {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  for (;;) {
    std::array<uint8_t, 16> b{};
    for (size_t i = 0; i < b.size(); i += 4) {
      uint32_t r = rd();
      std::memcpy(b.data() + i, &r, 4);
    }
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string out;  // 128 bits = 21 full sextets + 2 bits: 22 characters, no padding
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t byte : b) {
      acc = (acc << 8) | byte;
      for (bits += 8; bits >= 6; bits -= 6)
        out += alphabet[(acc >> (bits - 6)) & 63];
    }
    out += alphabet[(acc << (6 - bits)) & 63];
    if (out.front() != '-')
      return out;
  }
}

// -- opening ------------------------------------------------------------------------------------------

std::unique_ptr<metadata_store> metadata_store::open(const std::filesystem::path& db_file,
                                                     std::string* error) {
  std::string err;
  if (db_file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(db_file.parent_path(), ec);
    if (ec) {
      if (error)
        *error = "cannot create " + db_file.parent_path().string() + ": " + ec.message();
      return nullptr;
    }
  }
  auto db = sqlite::connection::open(db_file.string(), &err);
  if (!db) {
    if (error)
      *error = err;
    return nullptr;
  }
  std::unique_ptr<metadata_store> store(new metadata_store(std::move(db)));
  if (!store->configure(&err) || !store->migrate(&err) || !store->load_identity(&err)) {
    if (error)
      *error = db_file.string() + ": " + err;
    return nullptr;
  }
  return store;
}

bool metadata_store::configure(std::string* error) {
  sqlite3_busy_timeout(db_.handle(), busy_timeout_ms);
  // journal_mode answers with the mode actually in effect; some file systems cannot do WAL and SQLite
  // then silently stays in another mode, which would weaken the crash guarantees we rely on.
  sqlite::statement wal(db_, "PRAGMA journal_mode=WAL");
  if (wal.step() != SQLITE_ROW) {
    *error = "cannot set journal_mode: " + db_.error_message();
    return false;
  }
  auto mode = wal.column_text(0);
  if (mode != "wal") {
    *error = "journal_mode is '" + mode + "', WAL is required";
    return false;
  }
  // Foreign keys are off by default per connection and cannot change inside a transaction: set them now.
  // synchronous=FULL: metadata changes are rare and must survive power loss, so the fsync per commit is
  // worth it (NORMAL in WAL mode may drop the last commits).
  if (db_.exec_script("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", error) != SQLITE_OK)
    return false;
  return true;
}

bool metadata_store::migrate(std::string* error) {
  // The bookkeeping table is created in code, not by a migration, so "which migrations ran" can be
  // answered before any of them has run.
  if (db_.exec_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version INTEGER PRIMARY KEY NOT NULL,"
                      " name TEXT NOT NULL,"
                      " applied_ms INTEGER NOT NULL)",
                      error)
      != SQLITE_OK)
    return false;
  int current = schema_version();
  int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    *error = "database schema version " + std::to_string(current)
             + " is newer than this binary supports (" + std::to_string(known) + ")";
    return false;
  }
  int previous = 0;
  for (const auto& m : migrations) {
    // The generated array is sorted by file name; a duplicate or out-of-order number is a packaging bug
    // that would make "applied once, in order" meaningless.
    if (m.version <= previous) {
      *error = "migration " + std::string(m.name) + " is not numbered after its predecessor";
      return false;
    }
    previous = m.version;
    if (m.version <= current)
      continue;
    sqlite::transaction tx(db_);
    if (tx.begin() != SQLITE_OK) {
      *error = "cannot begin migration " + std::string(m.name) + ": " + db_.error_message();
      return false;
    }
    std::string err;
    if (db_.exec_script(m.sql, &err) != SQLITE_OK) {
      *error = "migration " + std::string(m.name) + " failed: " + err;
      return false;
    }
    sqlite::statement record(db_, "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)");
    record.bind(1, int64_t{m.version}).bind(2, m.name).bind(3, now_ms());
    if (record.step() != SQLITE_DONE || tx.commit() != SQLITE_OK) {
      *error = "cannot record migration " + std::string(m.name) + ": " + db_.error_message();
      return false;
    }
  }
  return true;
}

bool metadata_store::load_identity(std::string* error) {
  // INSERT OR IGNORE keeps the first cluster id forever; later opens just read it back.
  sqlite::statement ins(db_, "INSERT OR IGNORE INTO node (key, value) VALUES ('cluster_id', ?)");
  ins.bind(1, random_uuid_base64url());
  if (ins.step() != SQLITE_DONE) {
    *error = "cannot store cluster id: " + db_.error_message();
    return false;
  }
  sqlite::statement sel(db_, "SELECT value FROM node WHERE key = 'cluster_id'");
  if (sel.step() != SQLITE_ROW) {
    *error = "cannot read cluster id: " + db_.error_message();
    return false;
  }
  cluster_id_ = sel.column_text(0);
  return true;
}

int metadata_store::schema_version() const {
  sqlite::statement st(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (st.step() != SQLITE_ROW) {
    fail("cannot read schema version");
    return 0;
  }
  return static_cast<int>(st.column_int64(0));
}

// -- helpers ------------------------------------------------------------------------------------------

errc metadata_store::fail(const std::string& what) const {
  last_error_ = what + ": " + db_.error_message();
  return errc::io_error;
}

errc metadata_store::write(const std::string& what, const std::function<errc(bool& changed)>& body) {
  sqlite::transaction tx(db_);
  if (tx.begin() != SQLITE_OK)
    return fail("cannot begin transaction for " + what);
  bool changed = true;
  if (auto ec = body(changed); ec != errc::ok)
    return ec;  // tx rolls back
  if (changed) {
    if (auto ec = bump_version(); ec != errc::ok)
      return ec;
  }
  if (tx.commit() != SQLITE_OK)
    return fail("cannot commit " + what);
  return errc::ok;
}

errc metadata_store::bump_version() {
  sqlite::statement st(db_, "UPDATE node SET value = CAST(value AS INTEGER) + 1 WHERE key = 'metadata_version'");
  if (st.step() != SQLITE_DONE)
    return fail("cannot bump metadata version");
  return errc::ok;
}

bool metadata_store::topic_exists(const std::string& name, bool& exists) const {
  sqlite::statement st(db_, "SELECT 1 FROM topics WHERE name = ?");
  st.bind(1, name);
  int rc = st.step();
  if (!sqlite::succeeded(rc)) {
    fail("cannot look up topic '" + name + "'");
    return false;
  }
  exists = rc == SQLITE_ROW;
  return true;
}

// -- node identity ------------------------------------------------------------------------------------

errc metadata_store::set_node_id(int32_t id) {
  auto current = node_id();
  if (current && *current == id)
    return errc::ok;  // unchanged: no new metadata version
  return write("node id", [&](bool&) {
    sqlite::statement st(db_, "INSERT INTO node (key, value) VALUES ('node_id', ?)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, std::to_string(id));
    return st.step() == SQLITE_DONE ? errc::ok : fail("cannot store node id");
  });
}

errc metadata_store::set_cluster_image_offset(int64_t offset) {
  return write("cluster image offset", [&](bool&) {
    sqlite::statement st(db_, "INSERT INTO node (key, value) VALUES ('cluster_image_offset', ?)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    st.bind(1, std::to_string(offset));
    return st.step() == SQLITE_DONE ? errc::ok : fail("cannot store the cluster image offset");
  });
}

int64_t metadata_store::cluster_image_offset() const {
  return node_value("cluster_image_offset").value_or(-1);
}

std::optional<int64_t> metadata_store::node_value(const char* key) const {
  sqlite::statement st(db_, "SELECT CAST(value AS INTEGER) FROM node WHERE key = ?");
  st.bind(1, std::string_view(key));
  int rc = st.step();
  if (rc == SQLITE_ROW)
    return st.column_int64(0);
  if (rc != SQLITE_DONE)
    fail(std::string("cannot read ") + key);
  return std::nullopt;
}

std::optional<int32_t> metadata_store::node_id() const {
  auto id = node_value("node_id");
  return id ? std::optional<int32_t>(static_cast<int32_t>(*id)) : std::nullopt;
}

int64_t metadata_store::metadata_version() const {
  return node_value("metadata_version").value_or(0);
}

// -- topics -------------------------------------------------------------------------------------------

namespace {

// Writes the override rows of one topic; the caller has removed the old ones and owns the transaction.
bool insert_configs(sqlite::connection& db, const std::string& topic,
                    const std::map<std::string, std::string>& configs) {
  sqlite::statement st(db, "INSERT INTO topic_configs (topic, key, value) VALUES (?, ?, ?)");
  for (const auto& [key, value] : configs) {
    st.bind(1, topic).bind(2, key).bind(3, value);
    if (st.step() != SQLITE_DONE)
      return false;
    st.reset();
  }
  return true;
}

// One SELECT shape for every topic read, so topic_from_row's column numbers hold everywhere.
constexpr std::string_view topic_columns =
  "SELECT name, topic_id, partitions, replication_factor, created_ms FROM topics";

topic_record topic_from_row(const sqlite::statement& st) {
  topic_record t;
  t.name = st.column_text(0);
  t.topic_id = st.column_text(1);
  t.partitions = static_cast<int32_t>(st.column_int64(2));
  t.replication_factor = static_cast<int16_t>(st.column_int64(3));
  t.created_ms = st.column_int64(4);
  return t;
}

} // namespace

errc metadata_store::create_topic(const topic_record& t) {
  topic_record row = t;
  if (row.topic_id.empty())
    row.topic_id = random_uuid_base64url();
  if (row.created_ms == 0)
    row.created_ms = now_ms();
  return write("topic '" + row.name + "'", [&](bool&) {
    bool exists = false;
    if (!topic_exists(row.name, exists))
      return errc::io_error;
    if (exists) {
      last_error_ = "topic '" + row.name + "' already exists";
      return errc::already_exists;
    }
    sqlite::statement ins(db_, "INSERT INTO topics (name, topic_id, partitions, replication_factor, created_ms)"
                               " VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, row.name)
      .bind(2, row.topic_id)
      .bind(3, int64_t{row.partitions})
      .bind(4, int64_t{row.replication_factor})
      .bind(5, row.created_ms);
    int rc = ins.step();
    // The name was checked above, so a unique violation here is the topic id.
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      last_error_ = "topic id " + row.topic_id + " is already in use";
      return errc::already_exists;
    }
    if (rc != SQLITE_DONE)
      return fail("cannot create topic '" + row.name + "'");
    if (!insert_configs(db_, row.name, row.configs))
      return fail("cannot store configs of topic '" + row.name + "'");
    return errc::ok;
  });
}

errc metadata_store::delete_topic(const std::string& name) {
  return write("deletion of topic '" + name + "'", [&](bool&) {
    sqlite::statement del(db_, "DELETE FROM topics WHERE name = ?");
    del.bind(1, name);
    if (del.step() != SQLITE_DONE)
      return fail("cannot delete topic '" + name + "'");
    if (db_.changes() == 0) {
      last_error_ = "topic '" + name + "' not found";
      return errc::not_found;
    }
    return errc::ok;
  });
}

errc metadata_store::set_topic_configs(const std::string& name,
                                       const std::map<std::string, std::string>& configs) {
  return write("configs of topic '" + name + "'", [&](bool&) {
    bool exists = false;
    if (!topic_exists(name, exists))
      return errc::io_error;
    if (!exists) {
      last_error_ = "topic '" + name + "' not found";
      return errc::not_found;
    }
    sqlite::statement del(db_, "DELETE FROM topic_configs WHERE topic = ?");
    del.bind(1, name);
    if (del.step() != SQLITE_DONE)
      return fail("cannot clear configs of topic '" + name + "'");
    if (!insert_configs(db_, name, configs))
      return fail("cannot store configs of topic '" + name + "'");
    return errc::ok;
  });
}

errc metadata_store::set_partition_count(const std::string& name, int32_t partitions) {
  return write("partitions of topic '" + name + "'", [&](bool& changed) {
    sqlite::statement sel(db_, "SELECT partitions FROM topics WHERE name = ?");
    sel.bind(1, name);
    int rc = sel.step();
    if (rc == SQLITE_DONE) {
      last_error_ = "topic '" + name + "' not found";
      return errc::not_found;
    }
    if (rc != SQLITE_ROW)
      return fail("cannot read topic '" + name + "'");
    auto current = static_cast<int32_t>(sel.column_int64(0));
    if (partitions < current) {
      last_error_ = "topic '" + name + "' already has " + std::to_string(current)
                    + " partitions; the count can only increase";
      return errc::already_exists;
    }
    changed = partitions != current;
    if (!changed)
      return errc::ok;
    sqlite::statement upd(db_, "UPDATE topics SET partitions = ? WHERE name = ?");
    upd.bind(1, int64_t{partitions}).bind(2, name);
    return upd.step() == SQLITE_DONE ? errc::ok : fail("cannot update partitions of topic '" + name + "'");
  });
}

int64_t metadata_store::producer_id_limit() const {
  return node_value("next_producer_id").value_or(0);
}

std::optional<int64_t> metadata_store::reserve_producer_ids(int64_t count) {
  if (count <= 0) {
    last_error_ = "cannot reserve " + std::to_string(count) + " producer ids";
    return std::nullopt;
  }
  int64_t first = 0;
  auto ec = write("producer id block", [&](bool& changed) {
    changed = false;  // not part of the metadata image, so no new metadata version
    last_error_.clear();
    first = node_value("next_producer_id").value_or(0);
    if (!last_error_.empty())
      return errc::io_error;
    if (first > std::numeric_limits<int64_t>::max() - count) {
      last_error_ = "producer ids exhausted";
      return errc::io_error;
    }
    sqlite::statement upd(db_, "INSERT INTO node (key, value) VALUES ('next_producer_id', ?)"
                               " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upd.bind(1, std::to_string(first + count));
    return upd.step() == SQLITE_DONE ? errc::ok : fail("cannot store next producer id");
  });
  if (ec != errc::ok)
    return std::nullopt;
  return first;
}

std::optional<topic_record> metadata_store::read_topic(const std::string& name) const {
  sqlite::statement st(db_, std::string(topic_columns) + " WHERE name = ?");
  st.bind(1, name);
  int rc = st.step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE)
      fail("cannot read topic '" + name + "'");
    return std::nullopt;
  }
  topic_record t = topic_from_row(st);
  sqlite::statement cfg(db_, "SELECT key, value FROM topic_configs WHERE topic = ?");
  cfg.bind(1, name);
  while ((rc = cfg.step()) == SQLITE_ROW)
    t.configs.emplace(cfg.column_text(0), cfg.column_text(1));
  if (rc != SQLITE_DONE) {
    fail("cannot read configs of topic '" + name + "'");
    return std::nullopt;
  }
  return t;
}

std::optional<std::vector<topic_record>> metadata_store::read_topics() const {
  std::vector<topic_record> out;
  sqlite::statement st(db_, std::string(topic_columns) + " ORDER BY name");
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back(topic_from_row(st));
  if (rc != SQLITE_DONE) {
    fail("cannot list topics");
    return std::nullopt;
  }
  // One pass over all overrides in the same order as the topics, instead of one query per topic.
  sqlite::statement cfg(db_, "SELECT topic, key, value FROM topic_configs ORDER BY topic, key");
  auto it = out.begin();
  while ((rc = cfg.step()) == SQLITE_ROW) {
    auto topic = cfg.column_text(0);
    while (it != out.end() && it->name < topic)
      ++it;
    if (it != out.end() && it->name == topic)
      it->configs.emplace(cfg.column_text(1), cfg.column_text(2));
  }
  if (rc != SQLITE_DONE) {
    fail("cannot list topic configs");
    return std::nullopt;
  }
  return out;
}

std::optional<topic_record> metadata_store::get_topic(const std::string& name) const {
  sqlite::read_transaction tx(db_);
  return read_topic(name);
}

std::vector<topic_record> metadata_store::list_topics() const {
  sqlite::read_transaction tx(db_);
  auto topics = read_topics();
  return topics ? std::move(*topics) : std::vector<topic_record>{};
}

metadata_image metadata_store::image() const {
  sqlite::read_transaction tx(db_);
  metadata_image img;
  img.cluster_id = cluster_id_;
  img.node_id = node_id().value_or(-1);
  img.version = metadata_version();
  if (auto topics = read_topics())
    img.topics = std::move(*topics);
  return img;
}

// -- snapshots ----------------------------------------------------------------------------------------

errc metadata_store::save_snapshot(const metadata_image& img) {
  auto blob = to_blob(img);
  sqlite::transaction tx(db_);
  if (tx.begin() != SQLITE_OK)
    return fail("cannot begin transaction");
  sqlite::statement ins(db_, "INSERT INTO metadata_snapshots (version, created_ms, blob) VALUES (?, ?, ?)");
  ins.bind(1, img.version).bind(2, now_ms()).bind_blob(3, blob);
  if (ins.step() != SQLITE_DONE)
    return fail("cannot store snapshot");
  sqlite::statement prune(db_, "DELETE FROM metadata_snapshots WHERE id NOT IN"
                               " (SELECT id FROM metadata_snapshots ORDER BY id DESC LIMIT ?)");
  prune.bind(1, int64_t{snapshots_kept});
  if (prune.step() != SQLITE_DONE)
    return fail("cannot prune snapshots");
  if (tx.commit() != SQLITE_OK)
    return fail("cannot commit snapshot");
  return errc::ok;
}

std::optional<metadata_image> metadata_store::latest_snapshot() const {
  sqlite::statement st(db_, "SELECT id, blob FROM metadata_snapshots ORDER BY id DESC");
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    metadata_image img;
    if (from_blob(st.column_blob(1), img))
      return img;
    last_error_ = "snapshot " + std::to_string(st.column_int64(0)) + " is corrupt; trying an older one";
  }
  if (rc != SQLITE_DONE)
    fail("cannot read snapshots");
  return std::nullopt;
}

} // namespace samsa::persistence
