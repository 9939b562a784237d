// Record timestamps inside a batch and the leader's max-timestamp fix.

#include <doctest/doctest.h>

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"
#include "messages/record_times.hpp"

using namespace samsa;

namespace {

std::vector<char> batch_of(std::initializer_list<int64_t> times) {
  std::vector<record> rs;
  for (int64_t t : times) {
    record r;
    r.value = "v";
    r.timestamp = t;
    rs.push_back(r);
  }
  return encode_batch(rs, 0);
}

void set_max_timestamp(std::vector<char>& b, int64_t ts) {
  write_i64(b.data() + batch_field::max_timestamp, ts);
  write_u32(b.data() + batch_field::crc,
            crc32c(b.data() + batch_field::attributes, b.size() - batch_field::attributes));
}

}  // namespace

TEST_CASE("record_times: offsets and timestamps of every record") {
  auto b = batch_of({100, 50, 300});
  auto times = record_times(b.data(), b.size());
  REQUIRE(times);
  REQUIRE(times->size() == 3);
  CHECK((*times)[1].offset_delta == 1);
  CHECK((*times)[1].timestamp == 50);
  CHECK((*times)[2].timestamp == 300);
  CHECK(first_record_at_or_after(*times, 60)->offset_delta == 0);
  CHECK(first_record_at_or_after(*times, 101)->offset_delta == 2);
  CHECK_FALSE(first_record_at_or_after(*times, 301));
  CHECK(record_with_max_timestamp(*times)->offset_delta == 2);
  CHECK(batch_max_timestamp(b.data(), b.size()) == 300);
}

TEST_CASE("record_times: compressed, truncated and lying batches are refused") {
  auto b = batch_of({1, 2});
  auto compressed = b;
  compressed[batch_field::attributes + 1] |= 1;  // gzip: records are not decoded
  CHECK_FALSE(record_times(compressed.data(), compressed.size()));
  CHECK_FALSE(record_times(b.data(), b.size() - 1));
  auto lying = b;
  write_i32(lying.data() + batch_field::records_count, 1 << 30);
  CHECK_FALSE(record_times(lying.data(), lying.size()));
}

TEST_CASE("normalize_max_timestamp: a missing or wrong max is rewritten with a valid CRC") {
  auto b = batch_of({1000, 3000, 2000});
  const auto original = b;
  CHECK_FALSE(normalize_max_timestamp(b.data(), b.size()));  // already right: untouched
  CHECK(b == original);
  for (int64_t wrong : {int64_t{-1}, int64_t{2000}, int64_t{9999}}) {
    set_max_timestamp(b, wrong);
    CHECK(header_max_timestamp_plausible(*read_batch_header(b.data(), b.size())) == (wrong >= 1000));
    CHECK(normalize_max_timestamp(b.data(), b.size()));
    CHECK(read_batch_header(b.data(), b.size())->max_timestamp == 3000);
    CHECK(verify_crc(b.data(), b.size()));
    CHECK(b == original);
  }
}
