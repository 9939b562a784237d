// The data directory rules: one process per directory, defensive names, delete only tombstones.
#include <doctest/doctest.h>

#include <fstream>

#include "persistence/data_dir.hpp"
#include "tests/persistence/log_test_util.hpp"

using namespace samsa::persistence;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << content;
}

} // namespace

TEST_CASE("data_dir: a second lock on the same directory is refused and names the holder") {
  log_test::temp_dir t;
  std::string err;
  auto first = data_dir_lock::acquire(t.root, "pid 111, node.id 1", &err);
  REQUIRE(first);
  auto second = data_dir_lock::acquire(t.root, "pid 222, node.id 1", &err);
  CHECK_FALSE(second);
  CHECK(err.find("in use by another samsa process") != std::string::npos);
  CHECK(err.find("pid 111") != std::string::npos);
  first.reset(); // released: the next process may take it
  auto third = data_dir_lock::acquire(t.root, "pid 333", &err);
  CHECK(third);
}

TEST_CASE("data_dir: partition directory names are parsed defensively") {
  auto p = parse_partition_dir("orders-3");
  REQUIRE(p);
  CHECK(p->topic == "orders");
  CHECK(p->partition == 3);
  auto dashed = parse_partition_dir("my-topic.v2-12");
  REQUIRE(dashed);
  CHECK(dashed->topic == "my-topic.v2");
  CHECK(dashed->partition == 12);
  CHECK_FALSE(parse_partition_dir("c-99999999999999999999")); // past int32: not a partition, no exception
  CHECK_FALSE(parse_partition_dir("c-2147483648"));
  CHECK(parse_partition_dir("c-2147483647"));
  CHECK_FALSE(parse_partition_dir("orders-01"));
  CHECK_FALSE(parse_partition_dir("orders-"));
  CHECK_FALSE(parse_partition_dir("-1"));
  CHECK(parse_partition_dir("orders--1")->topic == "orders-"); // a legal topic name ending in a dash
  CHECK_FALSE(parse_partition_dir("orders-+1"));
  CHECK_FALSE(parse_partition_dir("bad topic-1"));
  CHECK_FALSE(parse_partition_dir("orders-1x"));
  CHECK(is_deleted_partition_dir("orders-3.0a1b2c-delete"));
  CHECK(is_deleted_partition_dir("my.topic-0.ff-delete"));
  CHECK_FALSE(is_deleted_partition_dir("orders-3-delete"));
  CHECK_FALSE(is_deleted_partition_dir("backup.old-delete"));
  CHECK_FALSE(is_deleted_partition_dir("orders-3.-delete"));
}

TEST_CASE("data_dir: scan sorts tombstones, partitions and the rest, removal leaves no trace") {
  log_test::temp_dir t;
  write_file(t.root / "orders-0" / "00000000000000000000.log", "x");
  write_file(t.root / "backup-1" / "notes.txt", "mine");
  write_file(t.root / "orders-1.abc-delete" / "00000000000000000000.log", "old");
  write_file(t.root / "c-99999999999999999999" / "x", "y");
  write_file(t.root / "metadata.db", "");
  auto scan = scan_data_dir(t.root);
  REQUIRE(scan.deleted.size() == 1);
  CHECK(scan.deleted[0].filename() == "orders-1.abc-delete");
  CHECK(scan.partitions.size() == 2); // orders-0, and backup-1 (which looks like one: the caller decides)
  REQUIRE(scan.unknown.size() == 1);
  CHECK(scan.unknown[0].filename() == "c-99999999999999999999");
  CHECK(holds_log_data(t.root / "orders-0"));
  CHECK_FALSE(holds_log_data(t.root / "backup-1"));

  CHECK(remove_partition_dir(t.root / "orders-0") == errc::ok);
  CHECK_FALSE(fs::exists(t.root / "orders-0"));
  auto after = scan_data_dir(t.root);
  CHECK(after.deleted.size() == 1); // only the old tombstone: removal went through its own and finished
  CHECK(after.partitions.size() == 1);
  CHECK(remove_partition_dir(t.root / "never-existed-0") == errc::ok);
}
