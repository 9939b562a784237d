#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/crc.hpp>
#include <sqlite3.h>

#include "persistence/metadata_store.hpp"
#include "persistence/migrations_embedded.hpp"

using namespace samsa::persistence;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it when the test ends.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = "/tmp/samsa_meta_XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path db() const { return path / "meta" / "metadata.db"; }
};

std::unique_ptr<metadata_store> open_ok(const fs::path& file) {
  std::string err;
  auto store = metadata_store::open(file, &err);
  INFO(err);
  REQUIRE(store != nullptr);
  return store;
}

// Runs one query with its own raw connection, to check what is on disk independently of the store.
std::string query_text(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void exec_raw(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

topic_record make_topic(std::string name, int32_t partitions = 3) {
  topic_record t;
  t.name = std::move(name);
  t.partitions = partitions;
  t.replication_factor = 1;
  return t;
}

} // namespace

TEST_CASE("metadata_store: migrations are applied once and survive reopen") {
  temp_dir dir;
  const int latest = migrations.back().version;
  {
    auto store = open_ok(dir.db());
    CHECK(store->schema_version() == latest);
    CHECK(store->create_topic(make_topic("orders")) == errc::ok);
  }
  {
    auto store = open_ok(dir.db());
    CHECK(store->schema_version() == latest);
    CHECK(store->get_topic("orders").has_value());
  }
  CHECK(query_text(dir.db(), "SELECT COUNT(*) FROM schema_migrations") == std::to_string(migrations.size()));
  CHECK(query_text(dir.db(), "SELECT name FROM schema_migrations WHERE version = 1") == "001_initial");
}

TEST_CASE("metadata_store: a database from a newer schema is refused") {
  temp_dir dir;
  open_ok(dir.db());
  exec_raw(dir.db(), "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (9999, '9999_future', 0)");
  std::string err;
  CHECK(metadata_store::open(dir.db(), &err) == nullptr);
  CHECK(err.find("newer") != std::string::npos);
}

TEST_CASE("metadata_store: journal mode is WAL") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  // WAL is a property of the file, so a separate connection sees it too.
  CHECK(query_text(dir.db(), "PRAGMA journal_mode") == "wal");
}

TEST_CASE("metadata_store: create, get, list and delete topics with configs") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto v0 = store->metadata_version();

  auto orders = make_topic("orders", 6);
  orders.replication_factor = 3;
  orders.configs = {{"retention.ms", "3600000"}, {"segment.bytes", "1048576"}};
  REQUIRE(store->create_topic(orders) == errc::ok);
  REQUIRE(store->create_topic(make_topic("audit", 1)) == errc::ok);
  CHECK(store->metadata_version() == v0 + 2);

  auto got = store->get_topic("orders");
  REQUIRE(got);
  CHECK(got->name == "orders");
  CHECK(got->partitions == 6);
  CHECK(got->replication_factor == 3);
  CHECK(got->configs == orders.configs);
  CHECK(got->topic_id.size() == 22);
  CHECK(got->topic_id.front() != '-');
  CHECK(got->created_ms > 0);
  CHECK_FALSE(store->get_topic("missing").has_value());

  auto all = store->list_topics();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "audit");  // sorted by name
  CHECK(all[1] == *got);
  CHECK(all[0].topic_id != all[1].topic_id);

  CHECK(store->set_topic_configs("orders", {{"cleanup.policy", "delete"}}) == errc::ok);
  CHECK(store->get_topic("orders")->configs == std::map<std::string, std::string>{{"cleanup.policy", "delete"}});
  CHECK(store->set_topic_configs("missing", {}) == errc::not_found);

  CHECK(store->set_partition_count("orders", 8) == errc::ok);
  CHECK(store->get_topic("orders")->partitions == 8);
  CHECK(store->set_partition_count("orders", 8) == errc::ok);
  CHECK(store->set_partition_count("orders", 2) != errc::ok);
  CHECK_FALSE(store->last_error().empty());
  CHECK(store->get_topic("orders")->partitions == 8);
  CHECK(store->set_partition_count("missing", 2) == errc::not_found);

  auto before_delete = store->metadata_version();
  CHECK(store->delete_topic("audit") == errc::ok);
  CHECK(store->metadata_version() == before_delete + 1);
  CHECK_FALSE(store->get_topic("audit").has_value());
  CHECK(store->list_topics().size() == 1);
}

TEST_CASE("metadata_store: duplicate create and unknown delete") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store->create_topic(make_topic("t")) == errc::ok);
  auto version = store->metadata_version();
  CHECK(store->create_topic(make_topic("t")) == errc::already_exists);
  CHECK(store->last_error().find("'t'") != std::string::npos);
  CHECK(store->delete_topic("nope") == errc::not_found);
  CHECK(store->metadata_version() == version);  // failed changes do not bump the version

  auto explicit_id = make_topic("u");
  explicit_id.topic_id = store->get_topic("t")->topic_id;
  CHECK(store->create_topic(explicit_id) == errc::already_exists);
  CHECK_FALSE(store->get_topic("u").has_value());
}

TEST_CASE("metadata_store: invalid rows fail with io_error and a message") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  CHECK(store->create_topic(make_topic("zero", 0)) == errc::io_error);
  CHECK(store->last_error().find("CHECK") != std::string::npos);
  CHECK_FALSE(store->get_topic("zero").has_value());
}

TEST_CASE("metadata_store: deleting a topic cascades to its configs") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto t = make_topic("cascade");
  t.configs = {{"retention.ms", "1"}, {"flush.ms", "2"}};
  REQUIRE(store->create_topic(t) == errc::ok);
  store.reset();
  CHECK(query_text(dir.db(), "SELECT COUNT(*) FROM topic_configs") == "2");
  store = open_ok(dir.db());
  REQUIRE(store->delete_topic("cascade") == errc::ok);
  CHECK(query_text(dir.db(), "SELECT COUNT(*) FROM topic_configs") == "0");
  // Re-created under the same name: a new topic id and no leftover overrides.
  REQUIRE(store->create_topic(make_topic("cascade")) == errc::ok);
  CHECK(store->get_topic("cascade")->configs.empty());
}

TEST_CASE("metadata_store: cluster id is created once and node id is stored") {
  temp_dir dir;
  std::string cluster;
  {
    auto store = open_ok(dir.db());
    cluster = store->cluster_id();
    CHECK(cluster.size() == 22);
    CHECK_FALSE(store->node_id().has_value());
    auto v = store->metadata_version();
    CHECK(store->set_node_id(7) == errc::ok);
    CHECK(store->metadata_version() == v + 1);
    CHECK(store->set_node_id(7) == errc::ok);
    CHECK(store->metadata_version() == v + 1);
  }
  auto store = open_ok(dir.db());
  CHECK(store->cluster_id() == cluster);
  CHECK(store->node_id() == 7);
  temp_dir other;
  CHECK(open_ok(other.db())->cluster_id() != cluster);
}

TEST_CASE("metadata_store: producer id blocks are never handed out twice") {
  temp_dir dir;
  {
    auto store = open_ok(dir.db());
    auto version = store->metadata_version();
    CHECK(store->reserve_producer_ids(1000) == 0);
    CHECK(store->reserve_producer_ids(10) == 1000);
    CHECK(store->metadata_version() == version);
    CHECK_FALSE(store->reserve_producer_ids(0).has_value());
  }
  CHECK(open_ok(dir.db())->reserve_producer_ids(5) == 1010);
}

TEST_CASE("metadata_store: snapshots round trip through Boost and keep the latest few") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  CHECK_FALSE(store->latest_snapshot().has_value());
  REQUIRE(store->set_node_id(3) == errc::ok);
  auto t = make_topic("snap", 4);
  t.configs = {{"retention.bytes", "1024"}};
  REQUIRE(store->create_topic(t) == errc::ok);

  auto img = store->image();
  CHECK(img.cluster_id == store->cluster_id());
  CHECK(img.node_id == 3);
  CHECK(img.version == store->metadata_version());
  REQUIRE(img.topics.size() == 1);
  CHECK(img.topics[0].configs == t.configs);

  metadata_image decoded;
  REQUIRE(from_blob(to_blob(img), decoded));
  CHECK(decoded == img);

  for (int i = 0; i < metadata_store::snapshots_kept + 2; ++i) {
    REQUIRE(store->create_topic(make_topic("extra" + std::to_string(i))) == errc::ok);
    REQUIRE(store->save_snapshot(store->image()) == errc::ok);
  }
  store.reset();
  CHECK(query_text(dir.db(), "SELECT COUNT(*) FROM metadata_snapshots")
        == std::to_string(metadata_store::snapshots_kept));
  store = open_ok(dir.db());
  auto latest = store->latest_snapshot();
  REQUIRE(latest);
  CHECK(*latest == store->image());

  // A corrupt newest snapshot falls back to the previous one.
  store.reset();
  exec_raw(dir.db(), "UPDATE metadata_snapshots SET blob = x'00010203'"
                     " WHERE id = (SELECT MAX(id) FROM metadata_snapshots)");
  store = open_ok(dir.db());
  latest = store->latest_snapshot();
  REQUIRE(latest);
  CHECK(latest->version == store->metadata_version() - 1);
}

TEST_CASE("metadata_store: from_blob rejects garbage without throwing") {
  metadata_image img;
  img.cluster_id = "abc";
  img.topics.push_back(make_topic("x"));
  auto blob = to_blob(img);
  metadata_image out;
  CHECK_FALSE(from_blob("", out));
  CHECK_FALSE(from_blob("not a snapshot at all", out));
  CHECK_FALSE(from_blob(blob.substr(0, blob.size() / 2), out));  // torn
  auto flipped = blob;
  flipped[flipped.size() - 3] ^= 0x5a;
  CHECK_FALSE(from_blob(flipped, out));
  std::string garbage(4096, '\xff');
  CHECK_FALSE(from_blob(garbage, out));
  using namespace std::string_literals;  // the payload contains NUL bytes
  // A valid envelope around a payload Boost cannot parse: the checksum passes, the archive does not.
  std::string payload = "\x16\0\0\0\0\0\0\0serialization::archive\x7f\xff\xff\xff\xff\xff\xff\xff"s;
  boost::crc_32_type crc;
  crc.process_bytes(payload.data(), payload.size());
  std::string wrapped = "SMI1";
  for (int i = 0; i < 4; ++i)
    wrapped.push_back(static_cast<char>((crc.checksum() >> (8 * i)) & 0xff));
  wrapped += payload;
  CHECK_FALSE(from_blob(wrapped, out));
  CHECK(out == metadata_image{});  // untouched on failure
  CHECK(from_blob(blob, out));
  CHECK(out == img);
}

TEST_CASE("metadata_store: a huge length inside a checksummed blob fails fast") {
  // A writer bug could store a wrong length under a correct checksum; decoding must not try to allocate it.
  metadata_image img;
  img.cluster_id = "MARKERMARKER";
  auto blob = to_blob(img);
  auto at = blob.find("MARKERMARKER");
  REQUIRE(at != std::string::npos);
  REQUIRE(at >= 16);
  for (size_t i = at - 8; i < at; ++i)
    blob[i] = '\x7f';  // the length field just before the bytes
  boost::crc_32_type crc;
  crc.process_bytes(blob.data() + 8, blob.size() - 8);
  for (int i = 0; i < 4; ++i)
    blob[4 + i] = static_cast<char>((crc.checksum() >> (8 * i)) & 0xff);
  metadata_image out;
  CHECK_FALSE(from_blob(blob, out));
}

TEST_CASE("metadata_store: random uuids are base64url, distinct and never start with '-'") {
  for (int i = 0; i < 200; ++i) {
    auto id = random_uuid_base64url();
    REQUIRE(id.size() == 22);
    CHECK(id.front() != '-');
    for (char c : id)
      CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
    CHECK(id != random_uuid_base64url());
  }
}
