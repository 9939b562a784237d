// Incremental fetch sessions (KIP-227) as plain logic: creation, epochs, incremental changes, what an
// incremental answer lists, the round robin of partitions with records, and the bounds (sessions, partitions,
// eviction of idle sessions on an injected clock).
#include <doctest/doctest.h>

#include "actors/fetch_sessions.hpp"

using namespace samsa::actors;

namespace {

fetch_session_partition part(std::string topic, int32_t partition, int64_t offset) {
  fetch_session_partition p;
  p.topic = std::move(topic);
  p.partition = partition;
  p.fetch_offset = offset;
  p.max_bytes = 1 << 20;
  return p;
}

fetch_partition_outcome outcome(int64_t hw, bool records = false, bool error = false) {
  fetch_partition_outcome o;
  o.high_watermark = hw;
  o.last_stable_offset = hw;
  o.log_start_offset = 0;
  o.has_records = records;
  o.error = error;
  return o;
}

std::vector<std::string> order_of(const fetch_session_cache& c, int32_t id) {
  std::vector<std::string> out;
  for (auto& p : c.partitions_of(id))
    out.push_back(p.topic + "-" + std::to_string(p.partition) + "@" + std::to_string(p.fetch_offset));
  return out;
}

} // namespace

TEST_CASE("fetch sessions: a full fetch opens a session at epoch 1; epochs must follow; -1 closes") {
  fetch_session_cache c{{}, 7};
  auto id = c.create({part("a", 0, 5), part("a", 1, 0)}, 1000);
  REQUIRE(id > 0);
  CHECK(c.sessions() == 1);
  CHECK(c.partitions() == 2);
  CHECK(c.epoch_of(id) == 1);
  std::vector<fetch_session_partition> reads;
  CHECK(c.update(id, 2, {}, {}, 1001, &reads) == fetch_session_cache::status::invalid_epoch);
  CHECK(c.update(id + 1, 1, {}, {}, 1001, &reads) == fetch_session_cache::status::not_found);
  CHECK(c.update(id, 1, {}, {}, 1001, &reads) == fetch_session_cache::status::ok);
  CHECK(reads.size() == 2);
  CHECK(c.epoch_of(id) == 2);
  CHECK(c.update(id, 1, {}, {}, 1002, &reads) == fetch_session_cache::status::invalid_epoch); // a replay
  c.remove(id);
  CHECK(c.sessions() == 0);
  CHECK(c.partitions() == 0);
  CHECK(c.update(id, 2, {}, {}, 1003, &reads) == fetch_session_cache::status::not_found);
}

TEST_CASE("fetch sessions: incremental fetches add, move and forget partitions") {
  fetch_session_cache c{{}, 7};
  auto id = c.create({part("a", 0, 5), part("a", 1, 0)}, 0);
  std::vector<fetch_session_partition> reads;
  // a-0 moved to offset 9, b-0 is new, a-1 is forgotten.
  REQUIRE(c.update(id, 1, {part("a", 0, 9), part("b", 0, 3)}, {{"a", 1}, {"zz", 4}}, 1, &reads) ==
          fetch_session_cache::status::ok);
  CHECK(order_of(c, id) == std::vector<std::string>{"a-0@9", "b-0@3"});
  CHECK(reads.size() == 2);
  CHECK(c.partitions() == 2);
  // A partition forgotten and named again in the same fetch is back (forgotten first, then added).
  REQUIRE(c.update(id, 2, {part("a", 0, 11)}, {{"a", 0}}, 2, &reads) == fetch_session_cache::status::ok);
  CHECK(order_of(c, id) == std::vector<std::string>{"b-0@3", "a-0@11"});
}

TEST_CASE("fetch sessions: an incremental answer lists errors, records and changed offsets only") {
  fetch_session_cache c{{}, 7};
  auto a0 = part("a", 0, 0);
  a0.high_watermark = 10;
  a0.last_stable_offset = 10;
  a0.answered_log_start_offset = 0;
  auto a1 = a0;
  a1.partition = 1;
  auto a2 = a0;
  a2.partition = 2;
  auto a3 = a0;
  a3.partition = 3;
  auto id = c.create({a0, a1, a2, a3}, 0);
  REQUIRE(c.update(id, 1, {}, {}, 1, nullptr) == fetch_session_cache::status::ok);
  auto listed = c.settle(id, {{{"a", 0}, outcome(10)},          // nothing new
                              {{"a", 1}, outcome(12, true)},    // records
                              {{"a", 2}, outcome(11)},          // high watermark moved
                              {{"a", 3}, outcome(10, false, true)}, // an error
                              {{"gone", 0}, outcome(1)}});      // not in the session: listed
  CHECK(listed == std::vector<bool>{false, true, true, true, true});
  // The partition that returned records went to the end; the high watermark answered is remembered.
  CHECK(order_of(c, id) == std::vector<std::string>{"a-0@0", "a-2@0", "a-3@0", "a-1@0"});
  auto after = c.partitions_of(id);
  CHECK(after[1].high_watermark == 11);
  CHECK(after[3].high_watermark == 12);
  listed = c.settle(id, {{{"a", 2}, outcome(11)}});
  CHECK(listed == std::vector<bool>{false});
  CHECK(c.settle(12345, {{{"a", 2}, outcome(11)}}) == std::vector<bool>{true}); // no session: all listed
}

TEST_CASE("fetch sessions: a new partition is listed on its first answer") {
  fetch_session_cache c{{}, 7};
  auto id = c.create({}, 0);
  REQUIRE(id > 0);
  REQUIRE(c.update(id, 1, {part("n", 0, 0)}, {}, 1, nullptr) == fetch_session_cache::status::ok);
  CHECK(c.settle(id, {{{"n", 0}, outcome(0)}}) == std::vector<bool>{true}); // -1 before: changed
  REQUIRE(c.update(id, 2, {}, {}, 2, nullptr) == fetch_session_cache::status::ok);
  CHECK(c.settle(id, {{{"n", 0}, outcome(0)}}) == std::vector<bool>{false});
}

TEST_CASE("fetch sessions: at most max_sessions; a full cache evicts idle sessions, then never-continued ones") {
  fetch_session_limits l;
  l.max_sessions = 2;
  l.max_partitions = 100;
  l.min_eviction_ms = 1000;
  fetch_session_cache c{l, 7};
  auto s1 = c.create({part("a", 0, 0)}, 0);
  auto s2 = c.create({part("a", 1, 0)}, 500);
  REQUIRE(s1 > 0);
  REQUIRE(s2 > 0);
  CHECK(s1 != s2);
  REQUIRE(c.update(s1, 1, {}, {}, 600, nullptr) == fetch_session_cache::status::ok);
  REQUIRE(c.update(s2, 1, {}, {}, 700, nullptr) == fetch_session_cache::status::ok);
  CHECK(c.create({part("a", 2, 0)}, 900) == 0); // full, both in use, nobody idle for 1 s: no session (legal)
  CHECK(c.sessions() == 2);
  // s1 is used at 950, so at 1750 only s2 (last used at 700) has been idle for a second.
  REQUIRE(c.update(s1, 2, {}, {}, 950, nullptr) == fetch_session_cache::status::ok);
  auto s3 = c.create({part("a", 2, 0)}, 1750);
  REQUIRE(s3 > 0);
  CHECK(c.sessions() == 2);
  CHECK(c.epoch_of(s2) == 0); // evicted
  CHECK(c.epoch_of(s1) == 3);
  std::vector<fetch_session_partition> reads;
  CHECK(c.update(s2, 2, {}, {}, 1800, &reads) == fetch_session_cache::status::not_found);
  // s3 was never continued: a client opening a session with every fetch (epoch 0 each time) replaces it at
  // once, and never the session in use.
  auto s4 = c.create({part("b", 0, 0)}, 1800);
  REQUIRE(s4 > 0);
  CHECK(c.epoch_of(s3) == 0);
  auto s5 = c.create({part("b", 0, 0)}, 1801);
  REQUIRE(s5 > 0);
  CHECK(c.epoch_of(s4) == 0);
  CHECK(c.epoch_of(s1) == 3);
  CHECK(c.sessions() == 2);
}

TEST_CASE("fetch sessions: the partitions of all sessions are bounded") {
  fetch_session_limits l;
  l.max_sessions = 10;
  l.max_partitions = 3;
  l.min_eviction_ms = 1000;
  fetch_session_cache c{l, 7};
  CHECK(c.create({part("a", 0, 0), part("a", 1, 0), part("a", 2, 0), part("a", 3, 0)}, 0) == 0); // too big alone
  auto s1 = c.create({part("a", 0, 0), part("a", 1, 0)}, 0);
  REQUIRE(s1 > 0);
  REQUIRE(c.update(s1, 1, {}, {}, 5, nullptr) == fetch_session_cache::status::ok);
  CHECK(c.create({part("b", 0, 0), part("b", 1, 0)}, 10) == 0); // 4 > 3 and s1 is in use
  auto s2 = c.create({part("b", 0, 0)}, 10);
  REQUIRE(s2 > 0);
  CHECK(c.partitions() == 3);
  // Growing s2 past the bound closes it: the client starts over with a full fetch.
  CHECK(c.update(s2, 1, {part("b", 1, 0)}, {}, 20, nullptr) == fetch_session_cache::status::not_found);
  CHECK(c.partitions() == 2);
  CHECK(c.sessions() == 1);
  // An idle session makes room for a new one.
  auto s3 = c.create({part("c", 0, 0), part("c", 1, 0), part("c", 2, 0)}, 1005);
  CHECK(s3 > 0);
  CHECK(c.epoch_of(s1) == 0);
  CHECK(c.partitions() == 3);
}

TEST_CASE("fetch sessions: a partition named twice in a full fetch is one entry, the last one") {
  fetch_session_cache c{{}, 7};
  auto id = c.create({part("a", 0, 1), part("a", 0, 2)}, 0);
  CHECK(c.partitions() == 1);
  CHECK(order_of(c, id) == std::vector<std::string>{"a-0@2"});
}
