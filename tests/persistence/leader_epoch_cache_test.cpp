#include <doctest/doctest.h>

#include "persistence/offset_index.hpp"
#include "tests/persistence/log_test_util.hpp"

using namespace log_test;

namespace {
using ep = std::pair<int32_t, int64_t>;
std::string file_text(const fs::path& p) {
  auto b = read_file(p);
  return std::string(b.begin(), b.end());
}
}  // namespace

TEST_CASE("leader_epoch_cache: assign keeps entries monotonic") {
  temp_dir d;
  fs::create_directories(d.path);
  leader_epoch_cache c(d.path / "leader-epoch-checkpoint");
  REQUIRE(c.load() == errc::ok);  // missing file: empty
  CHECK(c.latest_epoch() == -1);
  CHECK(c.latest_start_offset() == -1);
  REQUIRE(c.assign(1, 0) == errc::ok);
  REQUIRE(c.assign(1, 5) == errc::ok);  // same epoch continuing: no change
  REQUIRE(c.assign(3, 10) == errc::ok);
  REQUIRE(c.assign(-1, 20) == errc::ok);  // undefined epoch: ignored
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {3, 10}});
  CHECK(c.latest_epoch() == 3);
  CHECK(file_text(d.path / "leader-epoch-checkpoint") == "0\n2\n1 0\n3 10\n");
  // A lower epoch, or a start offset at or below an existing one, removes the conflicting entries.
  REQUIRE(c.assign(2, 12) == errc::ok);
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {2, 12}});
  REQUIRE(c.assign(4, 12) == errc::ok);
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {4, 12}});
  REQUIRE(c.assign(4, 11) == errc::ok);  // same epoch, earlier start: moved back
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {4, 11}});
  CHECK_FALSE(fs::exists(d.path / "leader-epoch-checkpoint.tmp"));

  leader_epoch_cache reloaded(d.path / "leader-epoch-checkpoint");
  REQUIRE(reloaded.load() == errc::ok);
  CHECK(reloaded.entries() == c.entries());
}

TEST_CASE("leader_epoch_cache: end_offset_for follows Kafka's OffsetsForLeaderEpoch") {
  leader_epoch_cache c;  // in memory
  REQUIRE(c.assign(1, 0) == errc::ok);
  REQUIRE(c.assign(3, 10) == errc::ok);
  REQUIRE(c.assign(5, 20) == errc::ok);
  CHECK(c.end_offset_for(-1, 30) == ep{-1, -1});
  CHECK(c.end_offset_for(5, 30) == ep{5, 30});  // the latest epoch ends at the log end
  CHECK(c.end_offset_for(6, 30) == ep{-1, -1});  // unknown future epoch
  CHECK(c.end_offset_for(0, 30) == ep{0, 0});    // older than all: ends where the first starts
  CHECK(c.end_offset_for(1, 30) == ep{1, 10});
  CHECK(c.end_offset_for(2, 30) == ep{1, 10});   // never a leader: answer with the floor epoch
  CHECK(c.end_offset_for(3, 30) == ep{3, 20});
  CHECK(c.end_offset_for(4, 30) == ep{3, 20});
  leader_epoch_cache empty;
  CHECK(empty.end_offset_for(0, 30) == ep{-1, -1});
}

TEST_CASE("leader_epoch_cache: truncation from either end") {
  temp_dir d;
  fs::create_directories(d.path);
  leader_epoch_cache c(d.path / "leader-epoch-checkpoint");
  REQUIRE(c.assign(1, 0) == errc::ok);
  REQUIRE(c.assign(3, 10) == errc::ok);
  REQUIRE(c.assign(5, 20) == errc::ok);
  REQUIRE(c.truncate_from_end(25) == errc::ok);
  CHECK(c.entries().size() == 3);
  REQUIRE(c.truncate_from_end(20) == errc::ok);
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {3, 10}});
  REQUIRE(c.truncate_from_start(0) == errc::ok);
  CHECK(c.entries() == std::vector<epoch_entry>{{1, 0}, {3, 10}});
  REQUIRE(c.truncate_from_start(12) == errc::ok);
  CHECK(c.entries() == std::vector<epoch_entry>{{3, 12}});
  CHECK(file_text(d.path / "leader-epoch-checkpoint") == "0\n1\n3 12\n");
  REQUIRE(c.truncate_from_start(10) == errc::ok);  // behind the first entry: nothing
  CHECK(c.entries() == std::vector<epoch_entry>{{3, 12}});
  REQUIRE(c.truncate_from_end(0) == errc::ok);
  CHECK(c.entries().empty());
  CHECK(file_text(d.path / "leader-epoch-checkpoint") == "0\n0\n");
}

TEST_CASE("leader_epoch_cache: malformed checkpoints are refused") {
  temp_dir d;
  fs::create_directories(d.path);
  const auto file = d.path / "leader-epoch-checkpoint";
  for (std::string bad : {"1\n0\n", "0\n2\n1 0\n", "0\n2\n3 0\n1 5\n", "0\n1\n1 0\n2 5\n", "x"}) {
    write_file(file, std::vector<char>(bad.begin(), bad.end()));
    leader_epoch_cache c(file);
    CHECK(c.load() == errc::corrupt_message);
    CHECK(c.entries().empty());
  }
  // The cache refuses the file; a log rebuilds it from its batch headers (see
  // partition_log_damage_test.cpp), here an empty log: no epochs.
  std::string bad = "0\n1\nzz\n";
  write_file(file, std::vector<char>(bad.begin(), bad.end()));
  errc e = errc::ok;
  auto log = partition_log::open(d.path, log_config{}, 0, &e);
  REQUIRE(log != nullptr);
  CHECK(log->epochs().entries().empty());
  CHECK(file_text(file) == "0\n0\n");
}

TEST_CASE("segment file names and index entry codecs") {
  CHECK(segment_file_name(42, ".log") == "00000000000000000042.log");
  CHECK(segment_file_name(INT64_MAX, ".index") == "09223372036854775807.index");
  CHECK(parse_segment_base("00000000000000000042") == 42);
  CHECK_FALSE(parse_segment_base("0000000000000000042").has_value());
  CHECK_FALSE(parse_segment_base("0000000000000000004x").has_value());
  CHECK_FALSE(parse_segment_base("99999999999999999999").has_value());

  char buf[12];
  offset_entry{0x01020304u, 0x0a0b0c0du}.encode(buf);
  CHECK(buf[0] == 1);
  CHECK(buf[4] == 0x0a);
  auto oe = offset_entry::decode(buf);
  CHECK(oe.relative_offset == 0x01020304u);
  CHECK(oe.position == 0x0a0b0c0du);
  time_entry{1700000000000LL, 7}.encode(buf);
  CHECK(read_i64(buf) == 1700000000000LL);
  CHECK(read_u32(buf + 8) == 7u);
  auto te = time_entry::decode(buf);
  CHECK(te.timestamp == 1700000000000LL);
  CHECK(te.relative_offset == 7u);
}

TEST_CASE("offset_index floor and time_index last_before") {
  temp_dir d;
  fs::create_directories(d.path);
  offset_index oi;
  REQUIRE(oi.open(d.path / "x.index") == errc::ok);
  CHECK_FALSE(oi.floor(5).has_value());
  oi.push_back({2, 100});
  oi.push_back({6, 300});
  oi.push_back({9, 500});
  CHECK_FALSE(oi.floor(1).has_value());
  CHECK(oi.floor(2)->position == 100u);
  CHECK(oi.floor(5)->position == 100u);
  CHECK(oi.floor(6)->position == 300u);
  CHECK(oi.floor(1000)->position == 500u);
  REQUIRE(oi.write() == errc::ok);
  CHECK(fs::file_size(d.path / "x.index") == 24u);
  oi.truncate_from(6);
  CHECK(oi.size() == 1);
  REQUIRE(oi.write() == errc::ok);
  CHECK(fs::file_size(d.path / "x.index") == 8u);
  offset_index again;
  REQUIRE(again.open(d.path / "x.index") == errc::ok);
  REQUIRE(again.load());
  CHECK(again.entries().size() == 1);
  CHECK(again.back().relative_offset == 2u);

  time_index ti;
  REQUIRE(ti.open(d.path / "x.timeindex") == errc::ok);
  ti.push_back({1000, 0});
  ti.push_back({2000, 4});
  ti.push_back({3000, 4});
  CHECK_FALSE(ti.last_before(1000).has_value());
  CHECK(ti.last_before(1001)->timestamp == 1000);
  CHECK(ti.last_before(3000)->timestamp == 2000);
  CHECK(ti.last_before(9999)->timestamp == 3000);
  ti.truncate_from(4);
  CHECK(ti.size() == 1);
}
