#include <doctest/doctest.h>

#include <map>

#include "tests/persistence/log_test_util.hpp"

using namespace log_test;

namespace {

constexpr size_t map_bytes = 1 << 20;
constexpr int64_t day_ms = 86400000;

log_config compacted(int64_t segment_bytes = 1024) {
  log_config c;
  c.segment_bytes = segment_bytes;
  c.delete_policy = false;
  c.compact_policy = true;
  c.min_cleanable_dirty_ratio = 0.5;
  return c;
}

// Appends one batch of (key, value) records; nullopt values are tombstones. Returns its base offset.
int64_t put(partition_log& log, const std::vector<std::pair<std::string, std::optional<std::string>>>& kvs,
            int64_t ts) {
  std::vector<record> rs;
  for (const auto& [k, v] : kvs) {
    record r;
    r.key = k;
    r.value = v;
    r.timestamp = ts;
    rs.push_back(r);
  }
  auto b = encode_batch(rs, ts);
  append_info info;
  REQUIRE(log.append_as_leader(b, 0, ts, info) == errc::ok);
  return info.base_offset;
}

std::vector<record> read_everything(const partition_log& log) {
  std::vector<char> out;
  REQUIRE(log.read(log.log_start_offset(), 64 << 20, out) == errc::ok);
  return decode_all(out);
}

// key -> (offset, value) of the last record per key, as a consumer reading everything sees it.
std::map<std::string, std::pair<int64_t, std::optional<std::string>>> latest(const std::vector<record>& rs) {
  std::map<std::string, std::pair<int64_t, std::optional<std::string>>> m;
  for (const auto& r : rs)
    m[*r.key] = {r.offset, r.value};
  return m;
}

// 20 rounds of updates to keys k0..k4, one batch per round.
void fill(partition_log& log, int64_t ts) {
  for (int round = 0; round < 20; ++round) {
    std::vector<std::pair<std::string, std::optional<std::string>>> kvs;
    for (int k = 0; k < 5; ++k)
      kvs.emplace_back("k" + std::to_string(k), "v" + std::to_string(round) + std::string(20, 'x'));
    put(log, kvs, ts + round);
  }
}

}  // namespace

TEST_CASE("compaction keeps the latest record of every key at its offset and drops the rest") {
  temp_dir d;
  auto log = open_ok(d.path, compacted());
  fill(*log, 1000);
  REQUIRE(log->segment_count() > 3);
  const auto before = read_everything(*log);
  REQUIRE(before.size() == 100);
  const auto end = log->log_end_offset();
  compaction_report r;
  REQUIRE(log->compact(end, 2000, map_bytes, &r) == errc::ok);
  CHECK(r.segments_rewritten > 0);
  CHECK(r.records_removed > 0);
  CHECK(r.bytes_after < r.bytes_before);
  CHECK(r.clean_until > 0);
  CHECK(log->cleaned_until() == r.clean_until);
  const auto after = read_everything(*log);
  CHECK(after.size() < before.size());
  // What a consumer ends up with is unchanged, offsets included; the log end and start too.
  CHECK(latest(after) == latest(before));
  CHECK(log->log_end_offset() == end);
  CHECK(log->log_start_offset() == 0);
  // In the cleaned part every key appears at most once; offsets still increase.
  std::map<std::string, int> seen;
  int64_t prev = -1;
  for (const auto& rec : after) {
    CHECK(rec.offset > prev);
    prev = rec.offset;
    if (rec.offset < r.clean_until)
      CHECK(++seen[*rec.key] == 1);
  }
  // A second pass has nothing dirty.
  compaction_report again;
  REQUIRE(log->compact(end, 2000, map_bytes, &again) == errc::ok);
  CHECK(again.segments_rewritten == 0);
  CHECK(again.clean_until == -1);
  // Appends after compaction carry on at the log end; a reopen sees the same log and checkpoint.
  CHECK(put(*log, {{"k9", "new"}}, 3000) == end);
  const auto cleaned = log->cleaned_until();
  log->close();
  log = open_ok(d.path, compacted());
  CHECK(log->cleaned_until() == cleaned);
  auto reread = read_everything(*log);
  CHECK(reread.size() == after.size() + 1);
  CHECK(latest(reread).at("k9").second == "new");
}

TEST_CASE("compaction leaves segments at or above the limit alone, and a log with delete only") {
  temp_dir d;
  auto log = open_ok(d.path, compacted());
  fill(*log, 1000);
  const auto bases = log->segment_base_offsets();
  REQUIRE(bases.size() > 3);
  // Limit at the second segment's base: only the first is cleanable, and it alone is dirty.
  compaction_report r;
  REQUIRE(log->compact(bases[1], 2000, map_bytes, &r) == errc::ok);
  CHECK(r.clean_until <= bases[1]);
  auto rs = read_everything(*log);
  int from_later_segments = 0;
  for (const auto& rec : rs)
    if (rec.offset >= bases[1])
      ++from_later_segments;
  CHECK(from_later_segments == 100 - bases[1]);

  temp_dir d2;
  auto c = compacted();
  c.compact_policy = false;
  c.delete_policy = true;
  auto plain = open_ok(d2.path, c);
  fill(*plain, 1000);
  compaction_report none;
  REQUIRE(plain->compact(plain->log_end_offset(), 2000, map_bytes, &none) == errc::ok);
  CHECK(none.segments_rewritten == 0);
  CHECK(read_everything(*plain).size() == 100);
}

TEST_CASE("tombstones stay for delete.retention.ms, then go with the values they delete") {
  temp_dir d;
  auto log = open_ok(d.path, compacted(300));
  put(*log, {{"a", "1"}, {"b", "1"}}, 1000);
  put(*log, {{"a", "2"}}, 1001);
  put(*log, {{"a", std::nullopt}}, 1002);
  for (int i = 0; i < 6; ++i)
    put(*log, {{"c", std::to_string(i) + std::string(100, 'x')}}, 1003 + i);
  REQUIRE(log->segment_count() > 2);
  const auto end = log->log_end_offset();
  compaction_report r;
  REQUIRE(log->compact(end, 1000 + day_ms / 2, map_bytes, &r) == errc::ok);
  auto m = latest(read_everything(*log));
  REQUIRE(m.count("a") == 1);
  CHECK(!m.at("a").second);  // the tombstone is what readers see for a
  CHECK(m.at("b").second == "1");
  CHECK(r.tombstones_removed == 0);
  // A day later the tombstone goes too: a is gone entirely. (A new dirty segment makes a pass run.)
  for (int i = 0; i < 12; ++i)
    put(*log, {{"c", std::to_string(i) + std::string(100, 'y')}}, 2000 + i);
  REQUIRE(log->compact(log->log_end_offset(), 2000 + 2 * day_ms, map_bytes, &r) == errc::ok);
  CHECK(r.tombstones_removed == 1);
  m = latest(read_everything(*log));
  CHECK(m.count("a") == 0);
  CHECK(m.at("b").second == "1");
}

TEST_CASE("a swap a crash interrupted is finished at open; a half-written cleaned file is dropped") {
  temp_dir a, b;
  auto la = open_ok(a.path, compacted());
  auto lb = open_ok(b.path, compacted());
  fill(*la, 1000);
  fill(*lb, 1000);
  const auto end = la->log_end_offset();
  REQUIRE(la->compact(end, 2000, map_bytes, nullptr) == errc::ok);
  la->close();
  lb->close();
  const auto compacted_first = read_file(a.file(0, ".log"));
  REQUIRE(compacted_first.size() < read_file(b.file(0, ".log")).size());
  // b crashed after renaming its cleaned first segment to the swap name...
  write_file(b.file(0, ".swap"), compacted_first);
  // ... and while writing the second one.
  const auto second = la->segment_base_offsets()[1];
  write_file(b.file(second, ".cleaned.tmp"), {'x', 'y'});
  lb = open_ok(b.path, compacted());
  CHECK(!fs::exists(b.file(0, ".swap")));
  CHECK(!fs::exists(b.file(second, ".cleaned.tmp")));
  CHECK(read_file(b.file(0, ".log")) == compacted_first);
  auto rs = read_everything(*lb);
  CHECK(latest(rs) == latest(read_everything(*open_ok(a.path, compacted()))));
  CHECK(lb->log_end_offset() == end);
}

TEST_CASE("a key map too small for one segment compacts nothing and says so") {
  temp_dir d;
  auto log = open_ok(d.path, compacted());
  fill(*log, 1000);
  compaction_report r;
  REQUIRE(log->compact(log->log_end_offset(), 2000, 10, &r) == errc::ok);
  CHECK(r.segments_rewritten == 0);
  CHECK(read_everything(*log).size() == 100);
}

TEST_CASE("a follower's truncation below the cleaner checkpoint moves the checkpoint back") {
  temp_dir d;
  auto log = open_ok(d.path, compacted());
  fill(*log, 1000);
  REQUIRE(log->compact(log->log_end_offset(), 2000, map_bytes, nullptr) == errc::ok);
  const auto cleaned = log->cleaned_until();
  REQUIRE(cleaned > 10);
  REQUIRE(log->truncate_to(10) == errc::ok);
  CHECK(log->cleaned_until() <= log->log_end_offset());
  log->close();
  log = open_ok(d.path, compacted());
  CHECK(log->cleaned_until() <= log->log_end_offset());
}

TEST_CASE("a follower copies a compacted leader's log fetch by fetch, gaps included") {
  temp_dir l, f;
  auto leader = open_ok(l.path, compacted());
  fill(*leader, 1000);
  REQUIRE(leader->compact(leader->log_end_offset(), 2000, map_bytes, nullptr) == errc::ok);
  REQUIRE(leader->cleaned_until() > 0);
  auto follower = open_ok(f.path, compacted());
  int fetches = 0;
  while (follower->log_end_offset() < leader->log_end_offset()) {
    REQUIRE(++fetches < 200);
    std::vector<char> got;
    // Small fetches: each starts at the follower's log end, often inside a gap of the leader's log.
    REQUIRE(leader->read(follower->log_end_offset(), 150, got) == errc::ok);
    REQUIRE(!got.empty());
    append_info info;
    REQUIRE(follower->append_as_follower(got, 2000, info) == errc::ok);
  }
  CHECK(follower->log_end_offset() == leader->log_end_offset());
  auto a = read_everything(*leader);
  auto b = read_everything(*follower);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].offset == b[i].offset);
    CHECK(a[i].value == b[i].value);
  }
}
