// ListOffsets by timestamp in the log: the record, not the batch; batches whose max_timestamp the
// client left at -1, fixed at append and found when stored before the fix; the max timestamp.

#include "tests/persistence/log_test_util.hpp"

using namespace log_test;
using p = std::pair<int64_t, int64_t>;

namespace {

constexpr int64_t t0 = 1700000000000;

// The header of the batch holding `offset`, read back from the log.
batch_header stored_header(const partition_log& log, int64_t offset) {
  std::vector<char> out;
  REQUIRE(log.read(offset, 1, out) == errc::ok);
  auto h = read_batch_header(out.data(), out.size());
  REQUIRE(h);
  CHECK(verify_crc(out.data(), h->total_size()));
  return *h;
}

// Stores batches as a follower does (no max-timestamp fix): how a log written before the fix
// looks. Each batch gets the next offsets and leader epoch `epoch`.
void append_stored(partition_log& log, std::vector<char> b, int32_t epoch = 0) {
  set_base_offset(b.data(), log.log_end_offset());
  set_partition_leader_epoch(b.data(), epoch);
  append_info info;
  REQUIRE(log.append_as_follower(b, t0, info) == errc::ok);
}

}  // namespace

TEST_CASE("partition_log: a timestamp lookup finds the record inside a batch") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  // 100 records one second apart in one batch (a client's linger collects them).
  auto b = make_timed_batch(100, t0, 1000, false);
  append_info info;
  REQUIRE(log->append_as_leader(b, 3, t0, info) == errc::ok);
  CHECK(ts_lookup(*log, t0 + 50 * 1000) == p{50, t0 + 50 * 1000});
  CHECK(ts_lookup(*log, t0 + 49 * 1000 + 1) == p{50, t0 + 50 * 1000});
  CHECK(ts_lookup(*log, 0) == p{0, t0});
  CHECK(ts_lookup(*log, t0 + 99 * 1000) == p{99, t0 + 99 * 1000});
  CHECK_FALSE(ts_lookup(*log, t0 + 99 * 1000 + 1));
  auto hit = log->offset_for_timestamp(t0 + 7000);
  REQUIRE(hit);
  CHECK(hit->leader_epoch == 3);
  // After a restart (indexes loaded from disk) the answer is the same.
  log->close();
  log = open_ok(d.path, log_config{});
  CHECK(ts_lookup(*log, t0 + 50 * 1000) == p{50, t0 + 50 * 1000});
}

TEST_CASE("partition_log: records out of time order: the first in offset order at or after") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  std::vector<record> rs(5);
  const int64_t times[] = {5000, 3000, 9000, 9000, 1000};
  for (size_t i = 0; i < rs.size(); ++i) {
    rs[i].value = "v";
    rs[i].timestamp = times[i];
  }
  auto b = encode_batch(rs, 0);
  append_info info;
  REQUIRE(log->append_as_leader(b, 0, t0, info) == errc::ok);
  CHECK(ts_lookup(*log, 2000) == p{0, 5000});
  CHECK(ts_lookup(*log, 6000) == p{2, 9000});
  auto max = log->max_timestamp_hit();
  REQUIRE(max);
  CHECK(max->offset == 2);
  CHECK(max->timestamp == 9000);
}

TEST_CASE("partition_log: a batch without max_timestamp (Sarama) is fixed at append") {
  temp_dir d;
  log_config cfg;
  cfg.index_interval_bytes = 1;  // a time index entry per batch
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 3, 2, t0 - 100000);  // offsets 0..5, older timestamps
  auto b = make_timed_batch(10, t0, 1000, true);  // offsets 6..15
  REQUIRE(read_batch_header(b.data(), b.size())->max_timestamp == -1);
  append_info info;
  REQUIRE(log->append_as_leader(b, 0, t0, info) == errc::ok);
  CHECK(info.max_timestamp == t0 + 9000);
  CHECK(stored_header(*log, 6).max_timestamp == t0 + 9000);  // rewritten, CRC still valid
  CHECK(ts_lookup(*log, t0 + 5000) == p{11, t0 + 5000});
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(ts_lookup(*log, t0 + 5000) == p{11, t0 + 5000});
  CHECK(log->max_timestamp_hit()->offset == 15);
  // A batch whose max_timestamp is right is stored byte for byte (no CRC rewrite).
  auto good = make_timed_batch(2, t0 + 20000, 1, false);
  auto copy = good;
  REQUIRE(log->append_as_leader(good, 0, t0, info) == errc::ok);
  CHECK(std::equal(good.begin() + 17, good.end(), copy.begin() + 17));
}

TEST_CASE("partition_log: batches stored with max_timestamp -1 before the fix are still found") {
  temp_dir d;
  log_config cfg;
  cfg.index_interval_bytes = 1;
  auto log = open_ok(d.path, cfg);
  append_stored(*log, make_timed_batch(10, t0, 1000, false));           // 0..9: t0 .. t0+9s
  append_stored(*log, make_timed_batch(10, t0 + 10000, 1000, true), 2); // 10..19, max -1
  append_stored(*log, make_timed_batch(10, t0 + 20000, 1000, false));   // 20..29
  REQUIRE(stored_header(*log, 10).max_timestamp == -1);
  for (bool reopened : {false, true}) {
    INFO("reopened: " << reopened);
    CHECK(ts_lookup(*log, t0 + 9500) == p{10, t0 + 10000});
    CHECK(ts_lookup(*log, t0 + 15000) == p{15, t0 + 15000});
    CHECK(log->offset_for_timestamp(t0 + 15000)->leader_epoch == 2);
    CHECK(ts_lookup(*log, t0 + 25000) == p{25, t0 + 25000});
    CHECK(log->max_timestamp_hit()->offset == 29);
    log->close();
    log = open_ok(d.path, cfg);
  }
  // The stored-without-max batch holding the largest timestamp is found as well.
  temp_dir d2;
  auto only = open_ok(d2.path, cfg);
  append_stored(*only, make_timed_batch(5, t0, 1000, false));
  append_stored(*only, make_timed_batch(5, t0 + 60000, 1000, true));  // 5..9
  only->close();
  only = open_ok(d2.path, cfg);
  auto max = only->max_timestamp_hit();
  REQUIRE(max);
  CHECK(max->offset == 9);
  CHECK(max->timestamp == t0 + 64000);
  CHECK(ts_lookup(*only, t0 + 62000) == p{7, t0 + 62000});
}

TEST_CASE("partition_log: max timestamp of an empty log, and across segments") {
  temp_dir d;
  log_config cfg;
  const auto one = static_cast<int64_t>(make_timed_batch(4, t0, 1, false).size());
  cfg.segment_bytes = one * 2;
  auto log = open_ok(d.path, cfg);
  CHECK_FALSE(log->max_timestamp_hit());
  append_info info;
  for (int64_t base : {t0, t0 + 500000, t0 + 10, t0 + 20}) {  // the max is in the first segment's 2nd batch
    auto b = make_timed_batch(4, base, 1, false);
    REQUIRE(log->append_as_leader(b, 0, t0, info) == errc::ok);
  }
  REQUIRE(log->segment_count() >= 2);
  auto max = log->max_timestamp_hit();
  REQUIRE(max);
  CHECK(max->offset == 7);
  CHECK(max->timestamp == t0 + 500003);
}
