#include <doctest/doctest.h>

#include "tests/persistence/log_test_util.hpp"

using namespace log_test;

namespace {

int64_t batch_size2() { return static_cast<int64_t>(make_batch(2, "b0", 1000).size()); }

// Ten 2-record batches in one segment (offsets 0..19), then a simulated crash.
std::unique_ptr<partition_log> ten_batches_then_crash(temp_dir& d) {
  auto log = open_ok(d.path, log_config{});
  append_batches(*log, 0, 10, 2, 1000);
  REQUIRE(log->log_end_offset() == 20);
  crash(log);
  return log;
}

void check_reads_up_to(partition_log& log, int64_t end) {
  CHECK(log.log_end_offset() == end);
  std::vector<char> out;
  REQUIRE(log.read(0, 1 << 20, out) == errc::ok);
  auto recs = decode_all(out);
  REQUIRE(static_cast<int64_t>(recs.size()) == end);
  for (int64_t i = 0; i < end; ++i)
    CHECK(recs[static_cast<size_t>(i)].offset == i);
}

// Appends one batch and checks it lands at `expected` and reads back.
void check_append_continues(partition_log& log, int64_t expected) {
  auto b = make_batch(2, "new", 9000);
  append_info info;
  REQUIRE(log.append_as_leader(b, 0, 9000, info) == errc::ok);
  CHECK(info.base_offset == expected);
  std::vector<char> out;
  REQUIRE(log.read(expected, 1 << 20, out) == errc::ok);
  auto recs = decode_all(out);
  REQUIRE(recs.size() == 2);
  CHECK(*recs[0].value == "new-0");
}

}  // namespace

TEST_CASE("recovery: clean shutdown marker written by close, removed by open") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  CHECK_FALSE(fs::exists(d.path / ".clean_shutdown"));
  log->close();
  CHECK(fs::exists(d.path / ".clean_shutdown"));
  log = open_ok(d.path, log_config{});
  CHECK_FALSE(fs::exists(d.path / ".clean_shutdown"));
}

TEST_CASE("recovery: torn last batch is cut, everything before survives") {
  temp_dir d;
  auto log = ten_batches_then_crash(d);
  const auto one = batch_size2();
  fs::resize_file(d.file(0, ".log"), static_cast<uintmax_t>(10 * one - 10));
  log = open_ok(d.path, log_config{});
  check_reads_up_to(*log, 18);
  CHECK(fs::file_size(d.file(0, ".log")) == static_cast<uintmax_t>(9 * one));
  check_append_continues(*log, 18);
}

TEST_CASE("recovery: a torn header (fewer than 61 bytes) is cut") {
  temp_dir d;
  auto log = ten_batches_then_crash(d);
  const auto one = batch_size2();
  fs::resize_file(d.file(0, ".log"), static_cast<uintmax_t>(9 * one + 30));
  log = open_ok(d.path, log_config{});
  check_reads_up_to(*log, 18);
  check_append_continues(*log, 18);
}

TEST_CASE("recovery: garbage after the last batch is cut") {
  temp_dir d;
  auto log = ten_batches_then_crash(d);
  const auto one = batch_size2();
  auto bytes = read_file(d.file(0, ".log"));
  bytes.insert(bytes.end(), 37, '\x5a');
  write_file(d.file(0, ".log"), bytes);
  log = open_ok(d.path, log_config{});
  check_reads_up_to(*log, 20);
  CHECK(fs::file_size(d.file(0, ".log")) == static_cast<uintmax_t>(10 * one));
  check_append_continues(*log, 20);
}

TEST_CASE("recovery: garbage after a clean shutdown is found by the tail scan") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  append_batches(*log, 0, 10, 2, 1000);
  log->close();
  auto bytes = read_file(d.file(0, ".log"));
  bytes.insert(bytes.end(), 70, '\0');  // zeros: a header with batch_length 0
  write_file(d.file(0, ".log"), bytes);
  log = open_ok(d.path, log_config{});
  check_reads_up_to(*log, 20);
  check_append_continues(*log, 20);
}

TEST_CASE("recovery: a flipped byte in the last batch drops that batch") {
  temp_dir d;
  auto log = ten_batches_then_crash(d);
  const auto one = batch_size2();
  auto bytes = read_file(d.file(0, ".log"));
  bytes[static_cast<size_t>(9 * one + 70)] ^= 0x10;
  write_file(d.file(0, ".log"), bytes);
  log = open_ok(d.path, log_config{});
  check_reads_up_to(*log, 18);
  check_append_continues(*log, 18);
}

TEST_CASE("recovery: a corrupt batch in the middle drops only that batch") {
  // The batches after it pass their CRCs and follow on: they were written (and acknowledged)
  // after it, so recovery keeps them and the log has a gap at offsets 8-9.
  temp_dir d;
  auto log = ten_batches_then_crash(d);
  const auto one = batch_size2();
  auto bytes = read_file(d.file(0, ".log"));
  bytes[static_cast<size_t>(4 * one + 30)] ^= 0x01;  // inside batch 4's CRC range (offsets 8-9)
  write_file(d.file(0, ".log"), bytes);
  log = open_ok(d.path, log_config{});
  CHECK(log->log_end_offset() == 20);
  CHECK(fs::file_size(d.file(0, ".log")) == static_cast<uintmax_t>(9 * one));
  std::vector<char> out;
  REQUIRE(log->read(0, 1 << 20, out) == errc::ok);
  std::vector<int64_t> offsets;
  for (const auto& r : decode_all(out))
    offsets.push_back(r.offset);
  std::vector<int64_t> expected;
  for (int64_t o = 0; o < 20; ++o)
    if (o != 8 && o != 9)
      expected.push_back(o);
  CHECK(offsets == expected);
  REQUIRE(log->read(8, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{10});  // inside the gap: the next batch
  check_append_continues(*log, 20);
}

TEST_CASE("recovery: only the last segment is checked and cut") {
  temp_dir d;
  log_config cfg;
  const auto one = batch_size2();
  cfg.segment_bytes = 3 * one;
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 8, 2, 1000);
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 6, 12});
  crash(log);
  fs::resize_file(d.file(12, ".log"), static_cast<uintmax_t>(one + 5));  // batch 14-15 torn
  log = open_ok(d.path, cfg);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 6, 12});
  check_reads_up_to(*log, 14);
  check_append_continues(*log, 14);
}

TEST_CASE("recovery: a copy of the directory taken while the log is open opens intact") {
  // The closest thing to pulling the plug: the files as they are mid-run, index entries not yet
  // written, no marker.
  temp_dir d;
  temp_dir copy;
  log_config cfg;
  cfg.index_interval_bytes = 1;
  cfg.segment_bytes = 4 * batch_size2();
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 10, 2, 1000);
  fs::create_directories(copy.path);
  for (const auto& e : fs::directory_iterator(d.path))
    fs::copy_file(e.path(), copy.path / e.path().filename());
  log.reset();
  log = open_ok(copy.path, cfg);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 8, 16});
  check_reads_up_to(*log, 20);
  for (int64_t off = 0; off < 20; ++off) {
    std::vector<char> out;
    REQUIRE(log->read(off, 1, out) == errc::ok);
    CHECK(batch_bases(out) == std::vector<int64_t>{off / 2 * 2});
  }
  check_append_continues(*log, 20);
}

TEST_CASE("recovery: deleted index files are rebuilt identically") {
  temp_dir d;
  log_config cfg;
  cfg.index_interval_bytes = 150;
  cfg.segment_bytes = 4 * batch_size2() + 4;  // batches 10 and 11 are 2 bytes longer ("b10-0")
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 12, 2, 1000);
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 8, 16});
  log->close();
  std::vector<std::vector<char>> before;
  for (int64_t base : {0, 8, 16}) {
    before.push_back(read_file(d.file(base, ".index")));
    before.push_back(read_file(d.file(base, ".timeindex")));
  }
  // 87-byte batches, an entry once 150 bytes passed since the last: batch 2 of each segment gets
  // an offset entry and a time entry; the segment's last batch has none, so seal() added a final
  // time entry for it when the segment rolled.
  REQUIRE(before[0].size() == 8);
  CHECK(read_u32(before[0].data()) == 4);
  CHECK(read_u32(before[0].data() + 4) == 174);
  REQUIRE(before[1].size() == 24);
  CHECK(read_i64(before[1].data()) == 1002);
  CHECK(read_u32(before[1].data() + 8) == 4);
  CHECK(read_i64(before[1].data() + 12) == 1003);
  CHECK(read_u32(before[1].data() + 20) == 6);
  for (int64_t base : {0, 8, 16}) {
    fs::remove(d.file(base, ".index"));
    fs::remove(d.file(base, ".timeindex"));
  }
  log = open_ok(d.path, cfg);
  for (int64_t base : {0, 8, 16}) {
    CHECK(fs::exists(d.file(base, ".index")));
    // Rebuilt at open, before any close: the sealed segments' files are already complete.
    if (base != 16) {
      CHECK(read_file(d.file(base, ".index")) == before[static_cast<size_t>(base / 4)]);
      CHECK(read_file(d.file(base, ".timeindex")) == before[static_cast<size_t>(base / 4 + 1)]);
    }
  }
  check_reads_up_to(*log, 24);
  CHECK(ts_lookup(*log, 1005) == std::pair<int64_t, int64_t>{10, 1005});
  log->close();
  size_t i = 0;
  for (int64_t base : {0, 8, 16}) {
    CHECK(read_file(d.file(base, ".index")) == before[i++]);
    CHECK(read_file(d.file(base, ".timeindex")) == before[i++]);
  }
}

TEST_CASE("recovery: inconsistent index files are rebuilt") {
  temp_dir d;
  log_config cfg;
  cfg.index_interval_bytes = 1;
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 6, 2, 1000);
  log->close();
  const auto good = read_file(d.file(0, ".index"));
  const auto good_time = read_file(d.file(0, ".timeindex"));
  REQUIRE(good.size() == 5 * 8);
  REQUIRE(good_time.size() == 5 * 12);

  SUBCASE("size not a multiple of the entry size") {
    auto idx = good;
    idx.resize(idx.size() - 3);
    write_file(d.file(0, ".index"), idx);
  }
  SUBCASE("last entry names the wrong offset for its position") {
    auto idx = good;
    REQUIRE(read_u32(idx.data() + 4 * 8) == 10);
    write_u32(idx.data() + 4 * 8, 9);  // still ordered, but the batch there starts at 10
    write_file(d.file(0, ".index"), idx);
  }
  SUBCASE("entries out of order") {
    auto idx = good;
    write_u32(idx.data() + 8, 0);
    write_file(d.file(0, ".index"), idx);
  }
  SUBCASE("bad offset index next to a time index with an extra entry") {
    auto idx = good;
    write_u32(idx.data() + 8, 0);
    write_file(d.file(0, ".index"), idx);
    auto t = good_time;
    t.resize(t.size() + 12);
    write_i64(t.data() + good_time.size(), 99999);
    write_u32(t.data() + good_time.size() + 8, 11);
    write_file(d.file(0, ".timeindex"), t);
  }
  SUBCASE("short index (entries missing at the end)") {
    auto idx = good;
    idx.resize(16);
    write_file(d.file(0, ".index"), idx);
  }
  SUBCASE("time index entry beyond the data") {
    auto t = read_file(d.file(0, ".timeindex"));
    REQUIRE(t.size() >= 12);
    write_u32(t.data() + t.size() - 4, 500);
    write_file(d.file(0, ".timeindex"), t);
  }
  log = open_ok(d.path, cfg);
  check_reads_up_to(*log, 12);
  for (int64_t off = 0; off < 12; ++off) {
    std::vector<char> out;
    REQUIRE(log->read(off, 1, out) == errc::ok);
    CHECK(batch_bases(out) == std::vector<int64_t>{off / 2 * 2});
  }
  log->close();
  CHECK(read_file(d.file(0, ".index")) == good);
  CHECK(read_file(d.file(0, ".timeindex")) == good_time);
}

TEST_CASE("retention by time") {
  temp_dir d;
  log_config cfg;
  cfg.segment_bytes = 2 * batch_size2();
  cfg.retention_ms = 5000;
  auto log = open_ok(d.path, cfg);
  // Batch i has timestamp 1000 * i; two batches per segment: segments 0, 4, 8, 12, 16.
  for (int i = 0; i < 10; ++i) {
    auto b = make_batch(2, "b" + std::to_string(i), 1000 * i);
    append_info info;
    REQUIRE(log->append_as_leader(b, i < 5 ? 1 : 2, 1000 * i, info) == errc::ok);
  }
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 4, 8, 12, 16});
  REQUIRE(log->epochs().entries() == std::vector<epoch_entry>{{1, 0}, {2, 10}});
  CHECK(log->apply_retention(6000) == 0);  // newest of segment 0 is 1000: exactly 5000 old

  // Segment largest timestamps 1000, 3000, 5000, 7000, 9000: at 10500 the first three expired.
  CHECK(log->apply_retention(10500) == 3);
  CHECK(log->log_start_offset() == 12);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{12, 16});
  CHECK_FALSE(fs::exists(d.file(0, ".log")));
  CHECK_FALSE(fs::exists(d.file(8, ".timeindex")));
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{2, 12}});
  std::vector<char> out;
  CHECK(log->read(11, 100, out) == errc::offset_out_of_range);
  CHECK(log->read(0, 100, out) == errc::offset_out_of_range);
  REQUIRE(log->read(12, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{12});
  CHECK(ts_lookup(*log, 0) == std::pair<int64_t, int64_t>{12, 6000});

  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 12);
  CHECK(log->read(11, 100, out) == errc::offset_out_of_range);
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{2, 12}});

  // Everything expired, the active segment too: it is rolled and deleted.
  CHECK(log->apply_retention(100000) == 2);
  CHECK(log->log_start_offset() == 20);
  CHECK(log->log_end_offset() == 20);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{20});
  CHECK(log->size_bytes() == 0);
  CHECK(log->read(20, 100, out) == errc::ok);
  CHECK(out.empty());
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 20);
  CHECK(log->log_end_offset() == 20);
  check_append_continues(*log, 20);
}

TEST_CASE("retention by size") {
  temp_dir d;
  log_config cfg;
  const auto one = batch_size2();
  cfg.segment_bytes = 2 * one;
  cfg.retention_ms = -1;
  cfg.retention_bytes = 5 * one;
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 10, 2, 1000);
  REQUIRE(log->segment_count() == 5);
  // 10 batches: dropping 0 leaves 8 >= 5, dropping 4 leaves 6 >= 5, dropping 8 would leave 4.
  CHECK(log->apply_retention(0) == 2);
  CHECK(log->log_start_offset() == 8);
  CHECK(log->size_bytes() == 6 * one);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{8, 12, 16});
  CHECK(log->apply_retention(0) == 0);
  std::vector<char> out;
  CHECK(log->read(7, 100, out) == errc::offset_out_of_range);
  auto text = read_file(d.path / "log-start-offset-checkpoint");
  CHECK(std::string(text.begin(), text.end()) == "0\n8\n");
  // The active segment is never removed for size.
  cfg.retention_bytes = 0;
  log->set_config(cfg);
  CHECK(log->apply_retention(0) == 2);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{16});
  CHECK(log->log_start_offset() == 16);
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 16);
  REQUIRE(log->read(16, 1 << 20, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{16, 18});
}

TEST_CASE("retention: a deletion interrupted by a crash is finished at open") {
  temp_dir d;
  log_config cfg;
  cfg.segment_bytes = 2 * batch_size2();
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 10, 2, 1000);
  log->close();
  log.reset();
  // The checkpoint says 8, but the segments below it are still there.
  std::string ckpt = "0\n8\n";
  write_file(d.path / "log-start-offset-checkpoint", std::vector<char>(ckpt.begin(), ckpt.end()));
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 8);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{8, 12, 16});
  CHECK_FALSE(fs::exists(d.file(4, ".log")));
  CHECK_FALSE(fs::exists(d.file(4, ".index")));

  // With every segment file gone, the log restarts at the checkpointed start, not at 0.
  log.reset();
  for (int64_t base : {8, 12, 16})
    for (const char* ext : {".log", ".index", ".timeindex"})
      fs::remove(d.file(base, ext));
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 8);
  CHECK(log->log_end_offset() == 8);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{8});
}
