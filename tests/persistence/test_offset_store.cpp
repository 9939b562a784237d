// Committed group offsets in SQLite.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "persistence/metadata_store.hpp"
#include "persistence/offset_store.hpp"

using namespace samsa::persistence;

namespace {
struct db_fixture {
  std::filesystem::path dir;
  std::filesystem::path file;
  db_fixture()
    : dir(std::filesystem::temp_directory_path() / ("samsa-offsets-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(dir);
    file = dir / "metadata.db";
    REQUIRE(metadata_store::open(file)); // applies the migrations
  }
  ~db_fixture() { std::filesystem::remove_all(dir); }
};

committed_offset at(std::string topic, int32_t p, int64_t off, std::optional<std::string> meta = std::nullopt) {
  committed_offset o;
  o.topic = std::move(topic);
  o.partition = p;
  o.offset = off;
  o.metadata = std::move(meta);
  return o;
}
} // namespace

TEST_CASE("commit, overwrite and fetch offsets, they survive reopening") {
  db_fixture fx;
  {
    auto store = offset_store::open(fx.file);
    REQUIRE(store);
    REQUIRE(store->commit("g1", {at("t", 0, 10, "m"), at("t", 1, 20)}, 1000) == errc::ok);
    REQUIRE(store->commit("g1", {at("t", 0, 15)}, 2000) == errc::ok);
    REQUIRE(store->commit("g2", {at("u", 3, 7)}, 2000) == errc::ok);
  }
  auto store = offset_store::open(fx.file);
  auto g1 = store->fetch("g1");
  REQUIRE(g1.size() == 2);
  CHECK(g1[0].offset == 15);
  CHECK_FALSE(g1[0].metadata);
  CHECK(g1[0].commit_ms == 2000);
  CHECK(g1[1].offset == 20);
  auto one = store->fetch("g2", "u", 3);
  REQUIRE(one);
  CHECK(one->offset == 7);
  CHECK_FALSE(store->fetch("g2", "u", 4));
  CHECK(store->groups() == std::vector<std::string>{"g1", "g2"});
}

TEST_CASE("a batch of many groups' commits is one transaction") {
  db_fixture fx;
  auto store = offset_store::open(fx.file);
  std::vector<group_commit> batch;
  for (int g = 0; g < 50; ++g)
    batch.push_back({"group-" + std::to_string(g), {at("t", 0, g), at("t", 1, g * 2)}, false});
  REQUIRE(store->commit_batch(batch, 5) == errc::ok);
  CHECK(store->groups().size() == 50);
  CHECK(store->fetch("group-49", "t", 1)->offset == 98);
}

TEST_CASE("offsets of groups empty for longer than the retention expire") {
  db_fixture fx;
  auto store = offset_store::open(fx.file);
  REQUIRE(store->commit("live", {at("t", 0, 1)}, 0) == errc::ok);
  REQUIRE(store->commit("idle", {at("t", 0, 2)}, 0) == errc::ok);
  REQUIRE(store->set_empty_since("live", std::nullopt) == errc::ok);
  REQUIRE(store->set_empty_since("idle", 1000) == errc::ok);
  CHECK(store->expire(1000 + 500, 1000) == 0); // not yet
  CHECK(store->expire(1000 + 1001, 1000) == 1);
  CHECK(store->fetch("idle").empty());
  CHECK(store->fetch("live").size() == 1);
  // A commit from outside a live group marks it empty since the commit.
  REQUIRE(store->commit_batch({{"simple", {at("t", 0, 3)}, true}}, 50000) == errc::ok);
  CHECK(store->expire(50000 + 10, 100) == 0);
  CHECK(store->expire(50000 + 101, 100) == 1);
}

TEST_CASE("deleting a topic drops its offsets in every group") {
  db_fixture fx;
  auto store = offset_store::open(fx.file);
  REQUIRE(store->commit("g", {at("gone", 0, 1), at("kept", 0, 2)}, 1) == errc::ok);
  REQUIRE(store->delete_topic("gone") == errc::ok);
  auto left = store->fetch("g");
  REQUIRE(left.size() == 1);
  CHECK(left[0].topic == "kept");
}

TEST_CASE("deleting a group's offsets of some partitions keeps the others and the group") {
  db_fixture fx;
  auto store = offset_store::open(fx.file);
  REQUIRE(store->commit("g", {at("t", 0, 1), at("t", 1, 2), at("u", 0, 3)}, 1000) == errc::ok);
  REQUIRE(store->commit("h", {at("t", 0, 4)}, 1000) == errc::ok);
  REQUIRE(store->delete_offsets("g", {{"t", 0}, {"u", 0}, {"absent", 5}}) == errc::ok);
  auto g = store->fetch("g");
  REQUIRE(g.size() == 1);
  CHECK(g[0].topic == "t");
  CHECK(g[0].partition == 1);
  CHECK(store->fetch("h").size() == 1); // another group's offset of t-0 stays
  CHECK(store->has_group("g"));
  REQUIRE(store->delete_offsets("g", {{"t", 1}}) == errc::ok);
  CHECK(store->fetch("g").empty());
  CHECK(store->has_group("g")); // its row stays: the group still exists (Empty), as in Kafka
  REQUIRE(store->delete_group("g") == errc::ok);
  CHECK_FALSE(store->has_group("g"));
  CHECK_FALSE(store->has_group("never"));
  // A group that had members but never committed is known by its row alone.
  REQUIRE(store->set_empty_since("members-only", 5) == errc::ok);
  CHECK(store->has_group("members-only"));
}

TEST_CASE("opening a database without the tables fails with a clear error") {
  auto dir = std::filesystem::temp_directory_path() / ("samsa-offsets-bare-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  std::string err;
  CHECK_FALSE(offset_store::open(dir / "bare.db", &err));
  CHECK(err.find("group_offsets") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("changes from the offsets log are applied with their progress in one transaction") {
  db_fixture fx;
  using kind = offset_change::kind;
  auto change = [](kind k, std::string g, std::string topic = "", int32_t p = 0, int64_t off = 0, bool empty = false) {
    offset_change c;
    c.what = k;
    c.group_id = std::move(g);
    c.offset = at(std::move(topic), p, off);
    c.group_is_empty = empty;
    return c;
  };
  {
    auto store = offset_store::open(fx.file);
    REQUIRE(store);
    CHECK(store->log_progress(3) == 0);
    REQUIRE(store->apply_log(3,
                             {change(kind::commit, "g1", "t", 0, 10), change(kind::commit, "g1", "t", 1, 20),
                              change(kind::commit, "g1", "t", 0, 11), change(kind::commit, "g2", "t", 0, 5, true)},
                             4, 1000)
            == errc::ok);
    CHECK(store->log_progress(3) == 4);
    CHECK(store->log_progress(4) == 0); // per log partition
    auto g1 = store->fetch("g1");
    REQUIRE(g1.size() == 2);
    CHECK(g1[0].offset == 11); // the later change of the same partition wins
    CHECK(store->expired_groups(1000 + 10, 5) == std::vector<std::string>{"g2"}); // empty since its commit
    CHECK(store->has_group("g2"));                                                // only reported
    REQUIRE(store->apply_log(3, {change(kind::delete_offset, "g1", "t", 1), change(kind::delete_group, "g2")}, 6, 2000)
            == errc::ok);
  }
  auto store = offset_store::open(fx.file); // reopened: progress and rows were stored
  REQUIRE(store);
  CHECK(store->log_progress(3) == 6);
  auto g1 = store->fetch("g1");
  REQUIRE(g1.size() == 1);
  CHECK(g1[0].partition == 0);
  CHECK_FALSE(store->has_group("g2"));
  REQUIRE(store->apply_log(3, {change(kind::commit, "g3", "u", 0, 1)}, 7, 3000) == errc::ok);
  // Starting the partition over forgets exactly the groups it owns.
  REQUIRE(store->reset_log_partition(3, [](const std::string& g) { return g == "g1"; }) == errc::ok);
  CHECK(store->log_progress(3) == 0);
  CHECK_FALSE(store->has_group("g1"));
  CHECK(store->fetch("g3").size() == 1);
}

TEST_CASE("start_empty_since starts the expiry clock only of groups whose clock is not running") {
  db_fixture fx;
  auto store = offset_store::open(fx.file);
  REQUIRE(store);
  REQUIRE(store->commit("live", {at("t", 0, 1)}, 1000) == errc::ok); // a group commit: empty_since NULL
  REQUIRE(store->commit_batch({group_commit{"idle", {at("t", 0, 1)}, true}}, 500) == errc::ok); // empty since 500
  REQUIRE(store->start_empty_since({"live", "idle", "unknown"}, 2000) == errc::ok);
  CHECK(store->expired_groups(2000 + 100, 50) == std::vector<std::string>{"idle", "live"}); // both counting
  CHECK(store->expired_groups(2000 + 10, 50) == std::vector<std::string>{"idle"}); // "live" from 2000, "idle" from 500
  CHECK_FALSE(store->has_group("unknown")); // no row is made up
}

TEST_CASE("group metadata: stored, replaced, kept across reopening, deleted with the group and by expiry") {
  db_fixture fx;
  using kind = offset_change::kind;
  auto metadata = [](std::string g, std::string value, bool empty) {
    offset_change c;
    c.what = kind::group_metadata;
    c.group_id = std::move(g);
    c.group_metadata = std::move(value);
    c.group_is_empty = empty;
    return c;
  };
  {
    auto store = offset_store::open(fx.file);
    REQUIRE(store);
    CHECK_FALSE(store->group_metadata("g1"));
    REQUIRE(store->apply_changes({metadata("g1", std::string{"gen\0one", 7}, false), metadata("g2", "b", true)}, 1000)
            == errc::ok);
    REQUIRE(store->apply_log(2, {metadata("g1", std::string{"gen\0two", 7}, false)}, 1, 1500) == errc::ok);
  }
  auto store = offset_store::open(fx.file);
  REQUIRE(store);
  CHECK(store->group_metadata("g1") == std::string{"gen\0two", 7}); // the latest, bytes intact
  auto all = store->all_group_metadata();
  REQUIRE(all.size() == 2);
  CHECK(all[1] == std::pair<std::string, std::string>{"g2", "b"});
  // A group with metadata but no offsets exists: listed, and an Empty one expires like one with offsets.
  CHECK(store->has_group("g1"));
  CHECK(store->groups() == std::vector<std::string>{"g1", "g2"});
  CHECK(store->expired_groups(1000 + 10, 5) == std::vector<std::string>{"g2"}); // g1 has members
  CHECK(store->expire(1000 + 10, 5) == 1);
  CHECK_FALSE(store->group_metadata("g2"));
  offset_change gone;
  gone.what = kind::delete_group;
  gone.group_id = "g1";
  REQUIRE(store->apply_changes({gone}, 2000) == errc::ok);
  CHECK_FALSE(store->group_metadata("g1"));
  CHECK(store->all_group_metadata().empty());
}
