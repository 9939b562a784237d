#pragma once

// Helpers shared by the partition_log tests: a scratch directory per test and batch builders.

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"
#include "messages/record_batch.hpp"
#include "persistence/partition_log.hpp"

namespace log_test {

namespace fs = std::filesystem;
using namespace samsa;
using namespace samsa::persistence;

// A fresh directory under /tmp, removed with everything in it when the test ends. The log lives
// in a subdirectory so open() exercises directory creation.
struct temp_dir {
  fs::path root;
  fs::path path;
  temp_dir() {
    std::string tmpl = "/tmp/samsa_plog_XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
    path = root / "topic-0";
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  fs::path file(int64_t base, const char* ext) const { return path / segment_file_name(base, ext); }
};

// A producer batch (base offset 0) of `count` records whose values are "<tag>-<i>", all with
// timestamp ts.
inline std::vector<char> make_batch(int count, const std::string& tag, int64_t ts,
                                    size_t value_pad = 0) {
  std::vector<record> rs(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    rs[static_cast<size_t>(i)].key = "k" + std::to_string(i);
    rs[static_cast<size_t>(i)].value = tag + "-" + std::to_string(i) + std::string(value_pad, 'x');
    rs[static_cast<size_t>(i)].timestamp = ts;
  }
  return encode_batch(rs, ts);
}

inline std::unique_ptr<partition_log> open_ok(const fs::path& dir, const log_config& cfg,
                                              int64_t now_ms = 1000) {
  errc e = errc::ok;
  auto log = partition_log::open(dir, cfg, now_ms, &e);
  INFO("open: " << to_string(e));
  REQUIRE(log != nullptr);
  REQUIRE(e == errc::ok);
  return log;
}

// Appends `count`-record batches tagged b<i> for i in [first, first + n), timestamps ts0 + i.
inline void append_batches(partition_log& log, int first, int n, int count, int64_t ts0,
                           int32_t epoch = 0, size_t pad = 0) {
  for (int i = first; i < first + n; ++i) {
    auto b = make_batch(count, "b" + std::to_string(i), ts0 + i, pad);
    append_info info;
    REQUIRE(log.append_as_leader(b, epoch, ts0 + i, info) == errc::ok);
  }
}

// A producer batch of `count` records with timestamps ts0, ts0 + step, ...; with sarama_style its
// header max_timestamp is -1 (as Sarama 1.22 sends it), CRC recomputed so it is a valid batch.
inline std::vector<char> make_timed_batch(int count, int64_t ts0, int64_t step, bool sarama_style) {
  std::vector<record> rs(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    rs[static_cast<size_t>(i)].value = "r" + std::to_string(i);
    rs[static_cast<size_t>(i)].timestamp = ts0 + step * i;
  }
  auto b = encode_batch(rs, ts0);
  if (sarama_style) {
    write_i64(b.data() + batch_field::max_timestamp, -1);
    write_u32(b.data() + batch_field::crc,
              crc32c(b.data() + batch_field::attributes, b.size() - batch_field::attributes));
  }
  return b;
}

// offset_for_timestamp as (offset, timestamp).
inline std::optional<std::pair<int64_t, int64_t>> ts_lookup(const partition_log& log, int64_t ts) {
  auto hit = log.offset_for_timestamp(ts);
  if (!hit)
    return std::nullopt;
  return std::make_pair(hit->offset, hit->timestamp);
}

inline std::vector<record> decode_all(const std::vector<char>& bytes, int64_t min_offset = 0) {
  std::vector<record> out;
  REQUIRE(decode_batches(bytes.data(), bytes.size(), min_offset, out));
  return out;
}

// Base offsets of the batches in a read result.
inline std::vector<int64_t> batch_bases(const std::vector<char>& bytes) {
  std::vector<int64_t> out;
  size_t off = 0;
  while (off < bytes.size()) {
    auto h = read_batch_header(bytes.data() + off, bytes.size() - off);
    REQUIRE(h);
    REQUIRE(off + h->total_size() <= bytes.size());
    out.push_back(h->base_offset);
    off += h->total_size();
  }
  return out;
}

inline std::vector<char> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_file(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Simulates a crash after the writes: the log was closed (so files are complete) but the clean
// shutdown marker is removed, so the next open runs full recovery of the last segment.
inline void crash(std::unique_ptr<partition_log>& log) {
  const auto dir = log->dir();
  log->close();
  log.reset();
  REQUIRE(fs::remove(dir / ".clean_shutdown"));
}

}  // namespace log_test
