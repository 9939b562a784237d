// Damage to stored data: what open, the read path and the scrubber find, what they drop (only the
// damaged batches), what they report, and the rebuild of garbage checkpoint files.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "persistence/append_health.hpp"
#include "persistence/scrubber.hpp"
#include "tests/persistence/log_test_util.hpp"

using namespace log_test;

namespace {

// Routes spdlog's default logger into a string for the test's lifetime ("[error] text" lines).
struct log_capture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> old = spdlog::default_logger();
  log_capture() {
    auto l = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    l->set_pattern("[%l] %v");
    spdlog::set_default_logger(l);
  }
  ~log_capture() { spdlog::set_default_logger(old); }
  bool has(const std::string& s) const { return out.str().find(s) != std::string::npos; }
};

// Every batch: 10 records, all the same size (two-digit tags), so batch j holds offsets
// 10j..10j+9 at byte (j % 4) * one of segment 40 * (j / 4).
std::vector<char> batch_j(int j) {
  char tag[8];
  std::snprintf(tag, sizeof tag, "b%02d", j);
  return make_batch(10, tag, 1000 + j);
}
const int64_t one = static_cast<int64_t>(batch_j(0).size());

log_config four_batch_segments(int32_t index_interval = 4096) {
  log_config cfg;
  cfg.segment_bytes = 4 * one;
  cfg.index_interval_bytes = index_interval;
  return cfg;
}

// Twenty batches (offsets 0..199) in five segments (bases 0, 40, 80, 120, 160), closed cleanly.
void five_segments(const temp_dir& d, const log_config& cfg, int32_t epoch_every = 0) {
  auto log = open_ok(d.path, cfg);
  for (int j = 0; j < 20; ++j) {
    auto b = batch_j(j);
    append_info info;
    const int32_t epoch = epoch_every > 0 ? j / epoch_every * 3 : 0;
    REQUIRE(log->append_as_leader(b, epoch, 1000 + j, info) == errc::ok);
  }
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 40, 80, 120, 160});
  log->close();
}

void flip(const fs::path& file, int64_t pos, char mask) {
  auto bytes = read_file(file);
  REQUIRE(pos < static_cast<int64_t>(bytes.size()));
  bytes[static_cast<size_t>(pos)] ^= mask;
  write_file(file, bytes);
}

// Reads the whole log batch by batch as a consumer would (asking for the offset after the last one
// received), repairing when a read reports damage as the partition actor does. Returns every
// record offset served, and checks each batch's offsets are those it was written with.
std::vector<int64_t> consume_all(partition_log& log) {
  std::vector<int64_t> offsets;
  int64_t next = log.log_start_offset();
  while (next < log.log_end_offset()) {
    std::vector<char> out;
    errc e = log.read(next, 1, out);
    if (log.has_damage_to_repair()) {
      REQUIRE(log.repair_damage() == errc::ok);
      e = log.read(next, 1, out);
    }
    REQUIRE(e == errc::ok);
    REQUIRE(!out.empty());
    const auto recs = decode_all(out);
    REQUIRE(!recs.empty());
    for (const auto& r : recs) {
      // Values are "bJJ-i": the batch a record was written in fixes its offset.
      const int j = std::stoi(r.value->substr(1, 2));
      const int i = std::stoi(r.value->substr(4));
      CHECK(r.offset == 10 * j + i);
      offsets.push_back(r.offset);
    }
    next = recs.back().offset + 1;
  }
  return offsets;
}

std::vector<int64_t> all_but(int64_t lost_from, int64_t lost_to) {
  std::vector<int64_t> out;
  for (int64_t o = 0; o < 200; ++o)
    if (o < lost_from || o > lost_to)
      out.push_back(o);
  return out;
}

}  // namespace

TEST_CASE("damage: 100 bytes cut off the first of five segments cost only its last batch") {
  temp_dir d;
  const auto cfg = four_batch_segments();
  five_segments(d, cfg);
  fs::resize_file(d.file(0, ".log"), static_cast<uintmax_t>(4 * one - 100));
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 40, 80, 120, 160});
  CHECK(log->log_end_offset() == 200);
  CHECK(consume_all(*log) == all_but(30, 39));
  std::vector<char> out;
  REQUIRE(log->read(35, 1, out) == errc::ok);  // inside the lost range: the next batch
  CHECK(batch_bases(out) == std::vector<int64_t>{40});
  CHECK(logs.has("[error] " + d.file(0, ".log").string() + ": damaged batch at byte " +
                 std::to_string(3 * one) + " (offsets 30..39 lost: torn batch"));
  CHECK(logs.has("found at open); segment cut there, later segments kept"));
  CHECK(log->damage_count() == 1);
  auto b = make_batch(2, "new", 9000);
  append_info info;
  REQUIRE(log->append_as_leader(b, 0, 9000, info) == errc::ok);
  CHECK(info.base_offset == 200);
}

TEST_CASE("damage: a flipped length byte in the middle of segment 2 costs only that batch") {
  temp_dir d;
  log_config cfg;
  SUBCASE("found at open (the tail check covers an unindexed segment)") { cfg = four_batch_segments(); }
  SUBCASE("found by a read (the tail check starts at the last index entry)") {
    cfg = four_batch_segments(1);
  }
  five_segments(d, cfg);
  flip(d.file(40, ".log"), one + 9, 0x01);  // batch 5 (offsets 50..59): batch_length += 65536
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 40, 80, 120, 160});
  CHECK(consume_all(*log) == all_but(50, 59));
  std::vector<char> out;
  REQUIRE(log->read(52, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{60});
  CHECK(logs.has(d.file(40, ".log").string() + ": damaged batch at byte " + std::to_string(one) +
                 " (offsets 50..59 lost"));
  CHECK(logs.has("skipped, later batches kept"));
  CHECK(fs::file_size(d.file(40, ".log")) == static_cast<uintmax_t>(3 * one));
  // The repair is on disk: a second open finds an intact log.
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->damage_count() == 0);
  CHECK(consume_all(*log) == all_but(50, 59));
}

TEST_CASE("read path: a batch whose base offset changed on disk is never served") {
  temp_dir d;
  const auto cfg = four_batch_segments(1);  // index entries: open checks only each last batch
  five_segments(d, cfg);
  // Batch 5 (offsets 50..59) is stored with base offset 54 or 48: outside the CRC, so only the
  // neighbouring batches' offsets show it.
  SUBCASE("shifted up (overlaps the next batch)") { flip(d.file(40, ".log"), one + 7, 0x04); }
  SUBCASE("shifted down (overlaps the previous batch)") { flip(d.file(40, ".log"), one + 7, 0x02); }
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  CHECK(log->damage_count() == 0);  // not found at open: only the read path can see it
  std::vector<char> out;
  REQUIRE(log->read(40, 1 << 20, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{40});  // stops before the damaged batch
  for (int64_t o = 0; o < 200; ++o) {
    const errc e = log->read(o, 1, out);
    if (o >= 50 && o < 60) {
      CHECK(e == errc::corrupt_message);
      CHECK(out.empty());
      continue;
    }
    REQUIRE(e == errc::ok);
    CHECK(batch_bases(out) == std::vector<int64_t>{o / 10 * 10});
  }
  REQUIRE(log->has_damage_to_repair());
  CHECK(logs.has("[warning] " + d.file(40, ".log").string() + ": damaged batch header at byte"));
  REQUIRE(log->repair_damage() == errc::ok);
  CHECK(log->damage_count() == 1);
  CHECK(consume_all(*log) == all_but(50, 59));
  REQUIRE(log->read(50, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{60});
}

TEST_CASE("scrubber: a flipped payload byte is reported with its file and offset range, then dropped") {
  temp_dir d;
  const auto cfg = four_batch_segments();
  five_segments(d, cfg);
  flip(d.file(40, ".log"), 2 * one + 100, 0x20);  // a record of batch 6 (offsets 60..69)
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  std::vector<char> out;
  REQUIRE(log->read(60, 1, out) == errc::ok);  // headers only on the read path: still served
  CHECK(batch_bases(out) == std::vector<int64_t>{60});
  scrub_progress total;
  for (int i = 0; i < 100 && !total.pass_finished; ++i) {
    auto p = log->scrub(static_cast<size_t>(one));  // about one batch per slice
    CHECK(p.bytes <= 2 * one);
    total.bytes += p.bytes;
    total.damaged += p.damaged;
    total.pass_finished = p.pass_finished;
  }
  REQUIRE(total.pass_finished);
  CHECK(total.damaged == 1);
  CHECK(log->damage_count() == 1);
  CHECK(logs.has("[error] " + d.file(40, ".log").string() + ": damaged batch at byte " +
                 std::to_string(2 * one) + " (offsets 60..69 lost: bad CRC, " + std::to_string(one) +
                 " bytes dropped, found by the scrubber); skipped, later batches kept"));
  CHECK(consume_all(*log) == all_but(60, 69));
  REQUIRE(log->read(65, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{70});
  // A second pass finds nothing more.
  auto again = log->scrub(1 << 30);
  CHECK(again.pass_finished);
  CHECK(again.damaged == 0);
  CHECK(again.bytes == 15 * one);  // four closed segments less the dropped batch
}

TEST_CASE("scrubber: a slice reads about its budget and stops at the first damaged batch") {
  temp_dir d;
  const auto cfg = four_batch_segments();
  five_segments(d, cfg);
  flip(d.file(0, ".log"), 3 * one + 80, 0x01);  // batch 3's records
  unique_fd fd(::open(d.file(0, ".log").c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd.valid());
  const segment_bounds b{0, 40, 4 * one};
  scrub_cursor cur{0, -1};
  auto s1 = scrub_segment_slice(fd.get(), b, cur, static_cast<size_t>(2 * one));
  CHECK(s1.bytes == 2 * one);
  CHECK_FALSE(s1.finished);
  CHECK_FALSE(s1.damage);
  CHECK(cur.position == 2 * one);
  CHECK(cur.prev_last == 19);
  auto s2 = scrub_segment_slice(fd.get(), b, cur, static_cast<size_t>(2 * one));
  CHECK(s2.bytes == one);
  REQUIRE(s2.damage);
  CHECK(s2.damage->result == batch_check::bad_crc);
  CHECK(s2.damage->header.base_offset == 30);
  CHECK(cur.position == 3 * one);  // on the damaged batch
  // Intact: a whole segment in one large slice.
  unique_fd fd2(::open(d.file(40, ".log").c_str(), O_RDONLY | O_CLOEXEC));
  scrub_cursor cur2{0, 39};
  auto s3 = scrub_segment_slice(fd2.get(), segment_bounds{40, 80, 4 * one}, cur2, 1 << 20);
  CHECK(s3.finished);
  CHECK(s3.bytes == 4 * one);
}

TEST_CASE("scrub_rate_limiter: a byte budget per second shared by every caller") {
  scrub_rate_limiter lim(1000);
  CHECK(lim.take(5000, 0) == 1000);  // one second of budget to start
  CHECK(lim.take(1, 0) == 0);
  CHECK(lim.take(1000, 500) == 500);
  CHECK(lim.take(5000, 60000) == 1000);  // never more than a second's worth saved up
  lim.give_back(300);
  CHECK(lim.take(1000, 60000) == 300);
  CHECK(lim.take(1000, 59000) == 0);  // a clock going back adds nothing
}

TEST_CASE("checkpoints: a garbage leader-epoch-checkpoint is rebuilt from the batch headers") {
  temp_dir d;
  const auto cfg = four_batch_segments();
  five_segments(d, cfg, 6);  // epochs 0, 3, 6, 9 starting at offsets 0, 60, 120, 180
  std::vector<epoch_entry> before;
  {
    auto log = open_ok(d.path, cfg);
    before = log->epochs().entries();
  }
  REQUIRE(before == std::vector<epoch_entry>{{0, 0}, {3, 60}, {6, 120}, {9, 180}});
  SUBCASE("text garbage") { write_file(d.path / "leader-epoch-checkpoint", {'x', 'y', '\n', '7'}); }
  SUBCASE("binary garbage") { write_file(d.path / "leader-epoch-checkpoint", {'\0', '\xff', '\x01'}); }
  SUBCASE("entries out of order") {
    const std::string s = "0\n2\n5 100\n3 200\n";
    write_file(d.path / "leader-epoch-checkpoint", std::vector<char>(s.begin(), s.end()));
  }
  SUBCASE("empty") { write_file(d.path / "leader-epoch-checkpoint", {}); }
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  CHECK(log->epochs().entries() == before);
  CHECK(logs.has("[warning] " + (d.path / "leader-epoch-checkpoint").string() +
                 ": unreadable (corrupt_message); rebuilt from the batch headers (4 epochs)"));
  log->close();
  log.reset();
  leader_epoch_cache reloaded(d.path / "leader-epoch-checkpoint");
  REQUIRE(reloaded.load() == errc::ok);  // the rebuilt file was written
  CHECK(reloaded.entries() == before);
}

TEST_CASE("checkpoints: a garbage log-start-offset-checkpoint falls back to the first segment") {
  temp_dir d;
  auto cfg = four_batch_segments();
  five_segments(d, cfg);
  {
    auto log = open_ok(d.path, cfg);
    log->set_config([&] {
      auto c = cfg;
      c.retention_bytes = 16 * one;
      return c;
    }());
    REQUIRE(log->apply_retention(5000) == 1);
    REQUIRE(log->log_start_offset() == 40);
  }
  const std::string garbage = "0\nforty\n";
  write_file(d.path / "log-start-offset-checkpoint", std::vector<char>(garbage.begin(), garbage.end()));
  log_capture logs;
  auto log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 40);
  CHECK(logs.has("[warning] " + (d.path / "log-start-offset-checkpoint").string() + ": unreadable"));
  const auto rewritten = read_file(d.path / "log-start-offset-checkpoint");
  CHECK(std::string(rewritten.begin(), rewritten.end()) == "0\n40\n");
  CHECK(consume_all(*log).size() == 160);
}

TEST_CASE("recovery log: an unclean segment's cut tail names the file, bytes and offsets") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  for (int j = 0; j < 5; ++j) {
    auto b = batch_j(j);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, 1000 + j, info) == errc::ok);
  }
  crash(log);
  fs::resize_file(d.file(0, ".log"), static_cast<uintmax_t>(5 * one - 10));
  log_capture logs;
  log = open_ok(d.path, log_config{});
  CHECK(log->log_end_offset() == 40);
  CHECK(logs.has("[warning] " + d.file(0, ".log").string() +
                 ": recovered after an unclean shutdown: cut " + std::to_string(one - 10) +
                 " bytes at byte " + std::to_string(4 * one) + " (torn write; offsets 40..49 lost)"));
  CHECK(log->damage_count() == 0);  // a torn write after a crash is not damage
}

TEST_CASE("append_health: a failing disk is reported once per state change") {
  append_health h("orders-0");
  CHECK_FALSE(h.on_append(errc::ok));
  auto full = h.on_append(errc::disk_full);
  REQUIRE(full);
  CHECK(full->error);
  CHECK(full->text ==
        "orders-0: append failed: no space left on device (disk full); producing to this partition "
        "fails until space is freed");
  CHECK_FALSE(h.on_append(errc::disk_full));      // the same state: no new line
  CHECK_FALSE(h.on_append(errc::invalid_batch));  // a client's error says nothing about the disk
  CHECK(h.failing());
  auto io = h.on_append(errc::io_error);
  REQUIRE(io);
  CHECK(io->error);
  auto fds = h.on_append(errc::too_many_open_files); // out of descriptors is a state of its own
  REQUIRE(fds);
  CHECK(fds->text.find("too many open files") != std::string::npos);
  auto back = h.on_append(errc::ok);
  REQUIRE(back);
  CHECK_FALSE(back->error);
  CHECK(back->text == "orders-0: appends work again");
  CHECK_FALSE(h.on_append(errc::ok));
  CHECK_FALSE(h.failing());
}
