#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include "tests/persistence/log_test_util.hpp"

using namespace log_test;

TEST_CASE("partition_log: append/read round trip across many batches") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  CHECK(fs::is_directory(d.path));
  CHECK(log->log_start_offset() == 0);
  CHECK(log->log_end_offset() == 0);
  CHECK(fs::exists(d.file(0, ".log")));
  for (int i = 0; i < 50; ++i) {
    auto b = make_batch(3, "b" + std::to_string(i), 5000 + i);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, 5000 + i, info) == errc::ok);
    CHECK(info.base_offset == 3 * i);
    CHECK(info.last_offset == 3 * i + 2);
    CHECK(info.record_count == 3);
    CHECK(info.max_timestamp == 5000 + i);
    // The caller's buffer now holds the stored bytes: offset assigned in place, CRC still valid.
    CHECK(read_i64(b.data()) == 3 * i);
    CHECK(verify_crc(b.data(), b.size()));
  }
  CHECK(log->log_end_offset() == 150);
  std::vector<char> out;
  REQUIRE(log->read(0, 1 << 20, out) == errc::ok);
  CHECK(static_cast<int64_t>(out.size()) == log->size_bytes());
  auto recs = decode_all(out);
  REQUIRE(recs.size() == 150);
  for (int i = 0; i < 150; ++i) {
    CHECK(recs[static_cast<size_t>(i)].offset == i);
    CHECK(*recs[static_cast<size_t>(i)].value ==
          "b" + std::to_string(i / 3) + "-" + std::to_string(i % 3));
    CHECK(recs[static_cast<size_t>(i)].timestamp == 5000 + i / 3);
  }
  // The .log holds exactly the bytes read back.
  log->flush();
  CHECK(read_file(d.file(0, ".log")) == out);
}

TEST_CASE("partition_log: read from the middle of a batch, max_bytes and max_offset") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  append_batches(*log, 0, 10, 3, 1000);  // batches at 0, 3, ..., 27
  const auto one = make_batch(3, "b0", 1000).size();
  std::vector<char> out;

  REQUIRE(log->read(4, 1 << 20, out) == errc::ok);
  auto bases = batch_bases(out);
  REQUIRE(bases.size() == 9);
  CHECK(bases.front() == 3);  // the batch containing 4
  auto recs = decode_all(out, 4);
  CHECK(recs.front().offset == 4);
  CHECK(recs.back().offset == 29);

  // max_bytes smaller than one batch still returns that whole batch.
  REQUIRE(log->read(5, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{3});
  CHECK(out.size() == one);
  REQUIRE(log->read(0, 0, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{0});

  // Two and a half batches of budget: two whole batches.
  REQUIRE(log->read(0, static_cast<int32_t>(one * 5 / 2), out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{0, 3});
  REQUIRE(log->read(0, static_cast<int32_t>(one * 3), out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{0, 3, 6});

  // max_offset (the high watermark) stops before a batch starting at or after it.
  REQUIRE(log->read(0, 1 << 20, out, 6) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{0, 3});
  REQUIRE(log->read(0, 1 << 20, out, 7) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{0, 3, 6});
  REQUIRE(log->read(6, 1 << 20, out, 6) == errc::ok);
  CHECK(out.empty());
}

TEST_CASE("partition_log: out of range reads") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  std::vector<char> out{'x'};
  CHECK(log->read(0, 100, out) == errc::ok);  // empty log: 0 is the end
  CHECK(out.empty());
  CHECK(log->read(1, 100, out) == errc::offset_out_of_range);
  append_batches(*log, 0, 2, 5, 1000);
  CHECK(log->read(-1, 100, out) == errc::offset_out_of_range);
  CHECK(log->read(11, 100, out) == errc::offset_out_of_range);
  out.push_back('x');
  CHECK(log->read(10, 100, out) == errc::ok);
  CHECK(out.empty());
  CHECK(log->read(9, 100, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{5});
}

TEST_CASE("partition_log: roll by segment_bytes, names by base offset, reads across segments") {
  temp_dir d;
  log_config cfg;
  const auto one = static_cast<int64_t>(make_batch(2, "b0", 1000).size());
  cfg.segment_bytes = one * 3;  // three batches per segment
  cfg.index_interval_bytes = 1;  // an index entry for every batch after the first
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 10, 2, 1000);
  CHECK(log->segment_count() == 4);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 6, 12, 18});
  for (int64_t base : {0, 6, 12, 18})
    CHECK(fs::exists(d.file(base, ".log")));
  CHECK(fs::exists(d.path / "00000000000000000006.log"));
  CHECK(fs::file_size(d.file(0, ".log")) == static_cast<uintmax_t>(one * 3));
  CHECK(fs::file_size(d.file(18, ".log")) == static_cast<uintmax_t>(one));
  CHECK(log->size_bytes() == one * 10);
  // A rolled segment's index was written on roll: entries for batches 2 and 4 (relative).
  auto idx = read_file(d.file(0, ".index"));
  REQUIRE(idx.size() == 16);
  CHECK(read_u32(idx.data()) == 2);
  CHECK(read_u32(idx.data() + 4) == static_cast<uint32_t>(one));
  CHECK(read_u32(idx.data() + 8) == 4);
  CHECK(read_u32(idx.data() + 12) == static_cast<uint32_t>(2 * one));

  // Every offset reads back from the batch that contains it, across all segments.
  for (int64_t off = 0; off < 20; ++off) {
    std::vector<char> out;
    REQUIRE(log->read(off, static_cast<int32_t>(one * 2), out) == errc::ok);
    auto bases = batch_bases(out);
    REQUIRE(bases.size() == (off >= 18 ? 1u : 2u));
    CHECK(bases[0] == off / 2 * 2);
    if (bases.size() == 2)
      CHECK(bases[1] == bases[0] + 2);  // crossing into the next segment when needed
  }
  std::vector<char> all;
  REQUIRE(log->read(0, 1 << 20, all) == errc::ok);
  CHECK(decode_all(all).size() == 20);

  // After reopening, index lookups give the same answers.
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->segment_count() == 4);
  CHECK(log->log_end_offset() == 20);
  for (int64_t off = 0; off < 20; ++off) {
    std::vector<char> out;
    REQUIRE(log->read(off, 1, out) == errc::ok);
    CHECK(batch_bases(out) == std::vector<int64_t>{off / 2 * 2});
  }
}

TEST_CASE("partition_log: roll by segment_ms and by index size") {
  temp_dir d;
  log_config cfg;
  cfg.segment_ms = 1000;
  auto log = open_ok(d.path, cfg);
  auto append_at = [&](int64_t now) {
    auto b = make_batch(1, "x", now);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, now, info) == errc::ok);
    return info.base_offset;
  };
  append_at(10000);  // first append: the segment's clock starts
  append_at(10999);
  CHECK(log->segment_count() == 1);
  CHECK(append_at(11000) == 2);  // 1000 ms after the first append: rolls first
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 2});
  append_at(11500);
  CHECK(log->segment_count() == 2);
  append_at(12000);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 2, 4});

  cfg.segment_ms = -1;
  cfg.index_interval_bytes = 0;  // every batch indexed
  cfg.segment_index_bytes = 24;  // three offset entries, two time entries
  log->set_config(cfg);
  for (int i = 0; i < 3; ++i)
    append_at(20000 + i);
  // Segment 4 got offsets 5 and 6 with an entry each; a third time entry (12 bytes) would take
  // the time index past 24 bytes, so offset 7 opens a new segment.
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 2, 4, 7});
  CHECK(fs::file_size(d.file(4, ".timeindex")) == 24u);
  CHECK(fs::file_size(d.file(4, ".index")) == 16u);
}

TEST_CASE("partition_log: record_too_large and invalid buffers write nothing") {
  temp_dir d;
  log_config cfg;
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 1, 1, 1000);
  const auto size_before = log->size_bytes();
  auto big = make_batch(1, "big", 1000, 2000);
  cfg.max_message_bytes = static_cast<int32_t>(big.size()) - 1;
  log->set_config(cfg);
  append_info info;
  CHECK(log->append_as_leader(big, 0, 1000, info) == errc::record_too_large);
  // Two batches where the second is too large: neither is written.
  auto two = make_batch(1, "small", 1000);
  two.insert(two.end(), big.begin(), big.end());
  CHECK(log->append_as_leader(two, 0, 1000, info) == errc::record_too_large);
  std::vector<char> truncated(big.begin(), big.end() - 1);
  CHECK(log->append_as_leader(truncated, 0, 1000, info) == errc::invalid_batch);
  std::vector<char> empty;
  CHECK(log->append_as_leader(empty, 0, 1000, info) == errc::invalid_batch);
  CHECK(log->size_bytes() == size_before);
  CHECK(log->log_end_offset() == 1);
  CHECK(static_cast<int64_t>(fs::file_size(d.file(0, ".log"))) == size_before);
  CHECK(read_i64(big.data()) == 0);  // the rejected buffer was not rewritten
}

TEST_CASE("partition_log: a failed write leaves nothing behind") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  append_batches(*log, 0, 3, 2, 1000);
  const auto size_before = log->size_bytes();
  auto big = make_batch(5, "big", 1000, 1000);
  // A file size limit makes the kernel accept part of the write, then fail with EFBIG.
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
  rlimit lim = old;
  lim.rlim_cur = static_cast<rlim_t>(size_before + 100);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  append_info info;
  // A new epoch: its checkpoint entry must be taken back with the failed data.
  const errc e = log->append_as_leader(big, 1, 1000, info);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &old) == 0);
  std::signal(SIGXFSZ, SIG_DFL);
  CHECK(e == errc::io_error);
  CHECK(static_cast<int64_t>(fs::file_size(d.file(0, ".log"))) == size_before);
  CHECK(log->log_end_offset() == 6);
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{0, 0}});
  // The same buffer goes through once the limit is gone, at the same offset.
  REQUIRE(log->append_as_leader(big, 0, 1000, info) == errc::ok);
  CHECK(info.base_offset == 6);
  std::vector<char> out;
  REQUIRE(log->read(0, 1 << 20, out) == errc::ok);
  CHECK(decode_all(out).size() == 11);
  CHECK(errno_to_errc(ENOSPC) == errc::disk_full);
  CHECK(errno_to_errc(EIO) == errc::io_error);
}

TEST_CASE("partition_log: without min_one_batch a read returns only whole batches within max_bytes") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  for (int i = 0; i < 3; ++i) {
    auto b = make_batch(2, "m" + std::to_string(i), 1000 + i);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, 1000 + i, info) == errc::ok);
  }
  std::vector<char> all;
  REQUIRE(log->read(0, 1 << 20, all) == errc::ok);
  const auto first = read_batch_header(all.data(), all.size())->total_size();
  std::vector<char> out;
  // Kafka's first partition with data: one batch even above the limit.
  REQUIRE(log->read(0, static_cast<int32_t>(first - 1), out) == errc::ok);
  CHECK(out.size() == first);
  // Later partitions: nothing that does not fit, and nothing read beyond the limit.
  REQUIRE(log->read(0, static_cast<int32_t>(first - 1), out, INT64_MAX, false) == errc::ok);
  CHECK(out.empty());
  REQUIRE(log->read(0, 0, out, INT64_MAX, false) == errc::ok);
  CHECK(out.empty());
  REQUIRE(log->read(0, static_cast<int32_t>(2 * first - 1), out, INT64_MAX, false) == errc::ok);
  CHECK(out.size() == first);
  REQUIRE(log->read(0, static_cast<int32_t>(all.size()), out, INT64_MAX, false) == errc::ok);
  CHECK(out.size() == all.size());
}

TEST_CASE("partition_log: an open at the descriptor limit reports too many open files") {
  temp_dir d;
  {
    auto log = open_ok(d.path, log_config{});
    auto b = make_batch(2, "x", 1000);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, 1000, info) == errc::ok);
  }
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  // The kernel hands out the lowest free descriptor: with the soft limit there, no open can succeed.
  const int lowest_free = ::dup(0);
  REQUIRE(lowest_free >= 0);
  ::close(lowest_free);
  rlimit lim = old;
  lim.rlim_cur = static_cast<rlim_t>(lowest_free);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lim) == 0);
  errc e = errc::ok;
  errc e_fresh = errc::ok;
  auto log = partition_log::open(d.path, log_config{}, 1000, &e);
  auto fresh = partition_log::open(d.path / "fresh", log_config{}, 1000, &e_fresh);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &old) == 0);
  CHECK(log == nullptr);
  CHECK(fresh == nullptr);
  CHECK(e == errc::too_many_open_files);
  CHECK(e_fresh == errc::too_many_open_files);
  CHECK(std::string(to_string(e)) == "too many open files");
  CHECK(errno_to_errc(EMFILE) == errc::too_many_open_files);
  CHECK(errno_to_errc(ENFILE) == errc::too_many_open_files);
  open_ok(d.path, log_config{});  // and it opens again once descriptors are available
}

TEST_CASE("partition_log: timestamp lookup") {
  temp_dir d;
  log_config cfg;
  cfg.index_interval_bytes = 150;  // sparse: an entry every couple of batches
  const auto one = static_cast<int64_t>(make_batch(2, "b0", 1000).size());
  cfg.segment_bytes = one * 4;
  auto log = open_ok(d.path, cfg);
  // Batch i (offsets 2i, 2i+1) has timestamp 1000 * (i + 1), except batch 5 which goes back in time.
  for (int i = 0; i < 10; ++i) {
    const int64_t ts = i == 5 ? 1500 : 1000 * (i + 1);
    auto b = make_batch(2, "b" + std::to_string(i), ts);
    append_info info;
    REQUIRE(log->append_as_leader(b, 0, 50000, info) == errc::ok);
  }
  REQUIRE(log->segment_count() == 3);
  using p = std::pair<int64_t, int64_t>;
  CHECK(ts_lookup(*log, 0) == p{0, 1000});
  CHECK(ts_lookup(*log, 1000) == p{0, 1000});
  CHECK(ts_lookup(*log, 1001) == p{2, 2000});
  CHECK(ts_lookup(*log, 4500) == p{8, 5000});  // first batch of segment 8
  CHECK(ts_lookup(*log, 5001) == p{12, 7000});  // batch 5 (1500) is skipped
  CHECK(ts_lookup(*log, 10000) == p{18, 10000});
  CHECK_FALSE(ts_lookup(*log, 10001).has_value());
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(ts_lookup(*log, 5001) == p{12, 7000});
  CHECK(ts_lookup(*log, 2500) == p{4, 3000});
}

TEST_CASE("partition_log: truncate_to") {
  temp_dir d;
  log_config cfg;
  const auto one = static_cast<int64_t>(make_batch(2, "b0", 1000).size());
  cfg.segment_bytes = one * 3;
  cfg.index_interval_bytes = 1;
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 4, 2, 1000, 1);   // offsets 0..7, epoch 1
  append_batches(*log, 4, 6, 2, 1000, 2);   // offsets 8..19, epoch 2
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 6, 12, 18});
  REQUIRE(log->epochs().entries() == std::vector<epoch_entry>{{1, 0}, {2, 8}});

  CHECK(log->truncate_to(25) == errc::ok);  // beyond the end: nothing
  CHECK(log->log_end_offset() == 20);

  // Offset 9 lies inside batch 8-9: the whole batch goes, the log ends at 8.
  REQUIRE(log->truncate_to(9) == errc::ok);
  CHECK(log->log_end_offset() == 8);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0, 6});
  CHECK_FALSE(fs::exists(d.file(12, ".log")));
  CHECK_FALSE(fs::exists(d.file(18, ".index")));
  CHECK(fs::file_size(d.file(6, ".log")) == static_cast<uintmax_t>(one));
  // Segment 6's entries were for batches 8 and 10 (the first batch of a segment has none).
  CHECK(fs::file_size(d.file(6, ".index")) == 0u);
  CHECK(fs::file_size(d.file(6, ".timeindex")) == 0u);
  CHECK(fs::file_size(d.file(0, ".index")) == 16u);
  CHECK(ts_lookup(*log, 1003) == std::pair<int64_t, int64_t>{6, 1003});
  CHECK_FALSE(ts_lookup(*log, 1004).has_value());
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{1, 0}});
  std::vector<char> out;
  CHECK(log->read(8, 100, out) == errc::ok);
  CHECK(out.empty());
  CHECK(log->read(9, 100, out) == errc::offset_out_of_range);
  REQUIRE(log->read(7, 1, out) == errc::ok);
  CHECK(batch_bases(out) == std::vector<int64_t>{6});

  // Appends continue at the new end, with the new epoch.
  auto b = make_batch(2, "after", 2000);
  append_info info;
  REQUIRE(log->append_as_leader(b, 3, 2000, info) == errc::ok);
  CHECK(info.base_offset == 8);
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{1, 0}, {3, 8}});
  REQUIRE(log->read(8, 100, out) == errc::ok);
  CHECK(*decode_all(out).front().value == "after-0");

  // Truncating at a segment's base offset removes that segment entirely.
  REQUIRE(log->truncate_to(6) == errc::ok);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{0});
  CHECK(log->log_end_offset() == 6);
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->log_end_offset() == 6);
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{1, 0}});

  // Truncating to the log start empties the log and restarts it there.
  REQUIRE(log->truncate_to(0) == errc::ok);
  CHECK(log->log_end_offset() == 0);
  CHECK(log->size_bytes() == 0);
  CHECK(log->epochs().entries().empty());
}

TEST_CASE("partition_log: leader epoch stamped in every batch and checkpointed") {
  temp_dir d;
  auto log = open_ok(d.path, log_config{});
  append_batches(*log, 0, 2, 3, 1000, 3);
  append_batches(*log, 2, 1, 3, 1000, 3);
  append_batches(*log, 3, 2, 3, 1000, 5);
  append_batches(*log, 5, 1, 3, 1000, 4);  // an older epoch does not enter the cache
  CHECK(log->epochs().latest_epoch() == 5);
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{3, 0}, {5, 9}});
  std::vector<char> out;
  REQUIRE(log->read(0, 1 << 20, out) == errc::ok);
  std::vector<int32_t> epochs;
  for (size_t off = 0; off < out.size();) {
    auto h = read_batch_header(out.data() + off, out.size() - off);
    epochs.push_back(h->partition_leader_epoch);
    CHECK(read_i32(out.data() + off + 12) == h->partition_leader_epoch);
    CHECK(verify_crc(out.data() + off, h->total_size()));
    off += h->total_size();
  }
  CHECK(epochs == std::vector<int32_t>{3, 3, 3, 5, 5, 4});
  auto text = read_file(d.path / "leader-epoch-checkpoint");
  CHECK(std::string(text.begin(), text.end()) == "0\n2\n3 0\n5 9\n");
  CHECK(log->epochs().end_offset_for(3, log->log_end_offset()) == std::pair<int32_t, int64_t>{3, 9});
  CHECK(log->epochs().end_offset_for(5, log->log_end_offset()) == std::pair<int32_t, int64_t>{5, 18});
  log.reset();  // the destructor closes
  log = open_ok(d.path, log_config{});
  CHECK(log->epochs().entries() == std::vector<epoch_entry>{{3, 0}, {5, 9}});
}

TEST_CASE("partition_log: follower append") {
  temp_dir leader_dir;
  temp_dir follower_dir;
  auto leader = open_ok(leader_dir.path, log_config{});
  append_batches(*leader, 0, 2, 2, 1000, 1);
  append_batches(*leader, 2, 2, 2, 1000, 4);
  std::vector<char> fetched;
  REQUIRE(leader->read(0, 1 << 20, fetched) == errc::ok);

  auto follower = open_ok(follower_dir.path, log_config{});
  append_info info;
  std::vector<char> from_two(fetched.begin() + static_cast<std::ptrdiff_t>(make_batch(2, "b0", 1000).size()),
                             fetched.end());
  auto corrupt = fetched;
  corrupt.back() ^= 1;
  CHECK(follower->append_as_follower(corrupt, 1000, info) == errc::corrupt_message);
  CHECK(follower->log_end_offset() == 0);
  REQUIRE(follower->append_as_follower(fetched, 1000, info) == errc::ok);
  CHECK(info.base_offset == 0);
  CHECK(info.last_offset == 7);
  CHECK(follower->log_end_offset() == 8);
  CHECK(follower->epochs().entries() == std::vector<epoch_entry>{{1, 0}, {4, 4}});
  std::vector<char> copy;
  REQUIRE(follower->read(0, 1 << 20, copy) == errc::ok);
  CHECK(copy == fetched);  // byte for byte, offsets and epochs kept
  // What the follower has already is an overlap: refused.
  CHECK(follower->append_as_follower(from_two, 1000, info) == errc::invalid_batch);
  CHECK(follower->log_end_offset() == 8);

  // A gap is not: a compacted leader's log has them (the batch holding offsets 0-1 cleaned away).
  temp_dir gap_dir;
  auto gapped = open_ok(gap_dir.path, log_config{});
  REQUIRE(gapped->append_as_follower(from_two, 1000, info) == errc::ok);
  CHECK(gapped->log_end_offset() == 8);
  std::vector<char> from_gap;
  REQUIRE(gapped->read(0, 1 << 20, from_gap) == errc::ok);
  CHECK(from_gap == from_two);
}

TEST_CASE("partition_log: flush counters") {
  temp_dir d;
  log_config cfg;
  cfg.flush_messages = 5;
  auto log = open_ok(d.path, cfg, 1000);
  append_batches(*log, 0, 2, 2, 1000);
  CHECK(log->unflushed_messages() == 4);
  CHECK(log->maybe_flush(1000) == errc::ok);
  CHECK(log->flush_count() == 0);
  append_batches(*log, 2, 1, 2, 1000);
  CHECK(log->maybe_flush(1000) == errc::ok);
  CHECK(log->flush_count() == 1);
  CHECK(log->unflushed_messages() == 0);

  cfg.flush_messages = -1;
  cfg.flush_ms = 500;
  log->set_config(cfg);
  append_batches(*log, 3, 1, 1, 1000);
  CHECK(log->maybe_flush(1400) == errc::ok);  // 400 ms since the last flush at 1000
  CHECK(log->flush_count() == 1);
  CHECK(log->maybe_flush(1500) == errc::ok);
  CHECK(log->flush_count() == 2);
  CHECK(log->maybe_flush(5000) == errc::ok);  // nothing new: no fsync
  CHECK(log->flush_count() == 2);

  cfg.flush_ms = -1;  // defaults: never by count or time
  log->set_config(cfg);
  append_batches(*log, 4, 3, 3, 1000);
  CHECK(log->maybe_flush(1000000) == errc::ok);
  CHECK(log->flush_count() == 2);
  CHECK(log->unflushed_messages() == 9);
  CHECK(log->flush() == errc::ok);
  CHECK(log->flush_count() == 3);
}

TEST_CASE("partition_log: advance_log_start (DeleteRecords) deletes whole segments below it and survives reopen") {
  temp_dir d;
  log_config cfg;
  const auto one = static_cast<int64_t>(make_batch(2, "b0", 1000).size());
  cfg.segment_bytes = one * 3; // three batches (six offsets) per segment: bases 0, 6, 12, 18
  auto log = open_ok(d.path, cfg);
  append_batches(*log, 0, 10, 2, 1000);
  REQUIRE(log->segment_base_offsets() == std::vector<int64_t>{0, 6, 12, 18});
  CHECK(log->advance_log_start(21) == errc::offset_out_of_range); // beyond the log end
  CHECK(log->advance_log_start(0) == errc::ok);                   // nothing to do
  REQUIRE(log->advance_log_start(9) == errc::ok);
  CHECK(log->log_start_offset() == 9);
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{6, 12, 18});
  CHECK_FALSE(fs::exists(d.file(0, ".log")));
  std::vector<char> out;
  CHECK(log->read(8, 1 << 20, out) == errc::offset_out_of_range);
  REQUIRE(log->read(9, 1 << 20, out) == errc::ok);
  CHECK(batch_bases(out).front() == 8); // the batch holding 9 (a consumer skips offset 8)
  CHECK(log->advance_log_start(4) == errc::ok); // below the start: stays
  CHECK(log->log_start_offset() == 9);
  // Survives a clean reopen and a crash.
  log->close();
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 9);
  REQUIRE(log->advance_log_start(20) == errc::ok); // the log end: every closed segment goes
  CHECK(log->segment_base_offsets() == std::vector<int64_t>{18});
  crash(log);
  log = open_ok(d.path, cfg);
  CHECK(log->log_start_offset() == 20);
  CHECK(log->log_end_offset() == 20);
  append_batches(*log, 10, 1, 2, 1000);
  CHECK(log->log_end_offset() == 22);
}
