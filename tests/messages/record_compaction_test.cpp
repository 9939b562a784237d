#include <doctest/doctest.h>

#include "messages/bytes.hpp"
#include "messages/compression.hpp"
#include "messages/crc32c.hpp"
#include "messages/record_batch.hpp"
#include "messages/record_compaction.hpp"

using namespace samsa;

namespace {

record rec(std::optional<std::string> key, std::optional<std::string> value, int64_t ts) {
  record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp = ts;
  return r;
}

std::vector<char> sample_batch(int64_t base_offset) {
  auto b = encode_batch({rec("a", "1", 100), rec("b", "2", 101), rec("a", std::nullopt, 102), rec(std::nullopt, "4", 103)},
                        100, 7, 3, 40);
  set_base_offset(b.data(), base_offset);
  return b;
}

}  // namespace

TEST_CASE("raw_records: offsets, keys, tombstones and byte ranges of each record") {
  auto b = sample_batch(50);
  auto rs = raw_records(b.data(), b.size());
  REQUIRE(rs);
  REQUIRE(rs->size() == 4);
  CHECK((*rs)[0].offset == 50);
  CHECK((*rs)[3].offset == 53);
  CHECK(*(*rs)[0].key == "a");
  CHECK(*(*rs)[1].key == "b");
  CHECK(!(*rs)[3].key);
  CHECK(!(*rs)[0].tombstone);
  CHECK((*rs)[2].tombstone);
  CHECK((*rs)[2].timestamp == 102);
  CHECK((*rs)[0].position == batch_header_size);
  size_t total = batch_header_size;
  for (const auto& r : *rs)
    total += r.size;
  CHECK(total == b.size());
  // A compressed batch is not looked into.
  auto gz = b;
  write_i16(gz.data() + batch_field::attributes, 1);
  CHECK(!raw_records(gz.data(), gz.size()));
  // Nor is a truncated one.
  CHECK(!raw_records(b.data(), b.size() - 1));
}

TEST_CASE("filter_batch: kept records keep their offsets; the header keeps the batch's range and producer") {
  auto b = sample_batch(50);
  auto rs = raw_records(b.data(), b.size());
  REQUIRE(rs);
  auto f = filter_batch(b.data(), *rs, {false, true, true, false});
  REQUIRE(verify_crc(f.data(), f.size()));
  auto h = read_batch_header(f.data(), f.size());
  REQUIRE(h);
  CHECK(h->total_size() == f.size());
  CHECK(h->base_offset == 50);
  CHECK(h->last_offset_delta == 3);  // the range stays: offsets 50-53, two records left
  CHECK(h->records_count == 2);
  CHECK(h->producer_id == 7);
  CHECK(h->producer_epoch == 3);
  CHECK(h->base_sequence == 40);
  std::vector<record> out;
  REQUIRE(decode_batches(f.data(), f.size(), 0, out));
  REQUIRE(out.size() == 2);
  CHECK(out[0].offset == 51);
  CHECK(*out[0].key == "b");
  CHECK(*out[0].value == "2");
  CHECK(out[0].timestamp == 101);
  CHECK(out[1].offset == 52);
  CHECK(!out[1].value);
  // Keeping everything gives the same bytes back.
  CHECK(filter_batch(b.data(), *rs, {true, true, true, true}) == b);
  // Keeping nothing: a header-only batch.
  auto none = filter_batch(b.data(), *rs, {false, false, false, false});
  CHECK(none.size() == batch_header_size);
  CHECK(read_batch_header(none.data(), none.size())->records_count == 0);
}

namespace {

// The batch b with its records compressed by codec c, as a client sends it (header kept, codec bits set,
// length and CRC fixed).
std::vector<char> compressed(const std::vector<char>& b, int c) {
  auto packed = compress(c, b.data() + batch_header_size, b.size() - batch_header_size);
  REQUIRE(packed);
  std::vector<char> out(b.begin(), b.begin() + batch_header_size);
  out.insert(out.end(), packed->begin(), packed->end());
  write_i32(out.data() + batch_field::batch_length, static_cast<int32_t>(out.size() - 12));
  write_i16(out.data() + batch_field::attributes, static_cast<int16_t>(read_i16(out.data() + batch_field::attributes) | c));
  write_u32(out.data() + batch_field::crc,
            crc32c(out.data() + batch_field::attributes, out.size() - batch_field::attributes));
  return out;
}

}  // namespace

TEST_CASE("keyless_records: the records a compacted topic must refuse, compressed batches too") {
  auto b = sample_batch(0);
  auto plain = keyless_records(b.data(), b.size(), 1 << 20);
  REQUIRE(plain);
  CHECK(*plain == std::vector<int32_t>{3});
  auto keyed = encode_batch({rec("a", "1", 100), rec("b", std::nullopt, 101)}, 100);
  REQUIRE(keyless_records(keyed.data(), keyed.size(), 1 << 20));
  CHECK(keyless_records(keyed.data(), keyed.size(), 1 << 20)->empty());
  auto none = encode_batch({rec(std::nullopt, "x", 100), rec(std::nullopt, "y", 101)}, 100);
  CHECK(*keyless_records(none.data(), none.size(), 1 << 20) == std::vector<int32_t>{0, 1});
  for (int c : {1, 2, 3, 4}) {
    INFO("codec " << c);
    auto z = compressed(b, c);
    CHECK(validate_client_batch(z.data(), z.size(), 1 << 20) == batch_error::ok);
    auto found = keyless_records(z.data(), z.size(), 1 << 20);
    REQUIRE(found);
    CHECK(*found == std::vector<int32_t>{3});
    CHECK_FALSE(keyless_records(z.data(), z.size(), 10));  // inflates beyond the bound: unreadable
  }
  auto torn = b;
  torn.resize(b.size() - 3);
  CHECK_FALSE(keyless_records(torn.data(), torn.size(), 1 << 20));
}
