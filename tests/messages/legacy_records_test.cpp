// Old message sets (magic 0/1) converted to v2 batches: hand-built sets in every codec Produce v0-2
// allows, CRC and framing errors. Bytes captured from Sarama are in tests/kafka/produce_legacy_test.cpp.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <zlib.h>

#include "messages/bytes.hpp"
#include "messages/compression.hpp"
#include "messages/legacy_records.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;

namespace {

constexpr int64_t now = 1700000000000;
constexpr size_t limit = 1 << 20;

std::vector<record> three() {
  std::vector<record> rs(3);
  rs[0].key = "k0";
  rs[0].value = "v0";
  rs[0].timestamp = 1000;
  rs[1].key = std::nullopt;
  rs[1].value = std::string(300, 'x'); // compressible
  rs[1].timestamp = 1001;
  rs[2].key = "k2";
  rs[2].value = std::nullopt; // tombstone
  rs[2].timestamp = 1002;
  return rs;
}

uint32_t crc32_of(const char* p, size_t n) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

std::vector<record> batch_records(const std::vector<char>& batch) {
  std::vector<record> out;
  REQUIRE(validate_client_batch(batch.data(), batch.size(), 1 << 30) == batch_error::ok);
  REQUIRE(decode_batches(batch.data(), batch.size(), 0, out));
  return out;
}

} // namespace

TEST_CASE("legacy_records: magic 0 and 1 sets convert to one v2 batch, in every codec") {
  for (int8_t magic : {0, 1}) {
    for (int codec_id : {0, 1, 2, 3}) {
      CAPTURE(magic);
      CAPTURE(codec_id);
      auto set = encode_message_set(three(), magic, codec_id);
      REQUIRE(payload_magic(set.data(), set.size()) == magic);
      auto conv = convert_message_set(set.data(), set.size(), now, limit);
      REQUIRE(conv.error == legacy_error::ok);
      CHECK(conv.records == 3);
      CHECK(conv.magic == magic);
      REQUIRE(payload_magic(conv.batch.data(), conv.batch.size()) == 2);
      auto rs = batch_records(conv.batch);
      REQUIRE(rs.size() == 3);
      CHECK(rs[0].key == std::optional<std::string>{"k0"});
      CHECK(rs[0].value == std::optional<std::string>{"v0"});
      CHECK_FALSE(rs[1].key.has_value());
      CHECK(rs[1].value == std::optional<std::string>{std::string(300, 'x')});
      CHECK_FALSE(rs[2].value.has_value());
      for (int i = 0; i < 3; ++i) {
        CHECK(rs[i].offset == i);
        // magic 1 keeps CreateTime; magic 0 has no time: the broker's receive time.
        CHECK(rs[i].timestamp == (magic == 1 ? 1000 + i : now));
      }
    }
  }
}

TEST_CASE("legacy_records: decode keeps offsets, making magic 1 inner offsets absolute") {
  auto set = encode_message_set(three(), 1, 1);
  // The wrapper carries the last inner offset: move it as a broker would have, to 102.
  write_i64(set.data(), 102);
  std::vector<record> out;
  REQUIRE(decode_message_set(set.data(), set.size(), limit, out) == legacy_error::ok);
  REQUIRE(out.size() == 3);
  CHECK(out[0].offset == 100);
  CHECK(out[2].offset == 102);
}

TEST_CASE("legacy_records: a bad CRC, bad framing and bad content are refused") {
  auto set = encode_message_set(three(), 1, 0);
  SUBCASE("a flipped value byte fails the CRC") {
    set[set.size() - 1] ^= 1;
    CHECK(convert_message_set(set.data(), set.size(), now, limit).error == legacy_error::corrupt_message);
  }
  SUBCASE("a flipped byte inside a compressed wrapper fails the wrapper's CRC") {
    auto gz = encode_message_set(three(), 0, 1);
    gz[gz.size() - 5] ^= 0x40;
    CHECK(convert_message_set(gz.data(), gz.size(), now, limit).error == legacy_error::corrupt_message);
  }
  SUBCASE("a truncated set") {
    CHECK(convert_message_set(set.data(), set.size() - 1, now, limit).error == legacy_error::corrupt_message);
    CHECK(convert_message_set(set.data(), 5, now, limit).error == legacy_error::corrupt_message);
  }
  SUBCASE("a message size beyond the buffer") {
    write_i32(set.data() + 8, 1 << 30);
    CHECK(convert_message_set(set.data(), set.size(), now, limit).error == legacy_error::corrupt_message);
  }
  SUBCASE("an empty set") {
    CHECK(convert_message_set(set.data(), 0, now, limit).error == legacy_error::invalid_record);
  }
  SUBCASE("magic 2 is not a message set") {
    set[16] = 2;
    CHECK(convert_message_set(set.data(), set.size(), now, limit).error == legacy_error::invalid_record);
  }
  SUBCASE("a compressed payload that is not what its codec says, under a valid CRC") {
    std::vector<record> one(1);
    one[0].value = "not gzip at all";
    auto plain = encode_message_set(one, 0, 0);
    std::vector<record> wrapper(1);
    wrapper[0].value = std::string(plain.begin(), plain.end());
    auto fake = encode_message_set(wrapper, 0, 0);
    fake[17] = 1; // attributes: gzip around bytes that are no gzip stream; CRC recomputed below
    write_u32(fake.data() + 12, crc32_of(fake.data() + 16, fake.size() - 16));
    CHECK(convert_message_set(fake.data(), fake.size(), now, limit).error == legacy_error::corrupt_message);
  }
  SUBCASE("an inflated payload above the bound") {
    std::vector<record> big(1);
    big[0].value = std::string(100000, 'a');
    auto gz = encode_message_set(big, 1, 1);
    CHECK(gz.size() < 2000);
    CHECK(convert_message_set(gz.data(), gz.size(), now, 50000).error == legacy_error::too_large);
  }
}

TEST_CASE("compression: every codec round-trips, xerial and bare snappy both decode") {
  const std::string text(5000, 'z');
  for (int c : {0, 1, 2, 3, 4}) {
    CAPTURE(c);
    auto packed = compress(c, text.data(), text.size());
    REQUIRE(packed);
    CHECK(decompress(c, packed->data(), packed->size(), 1 << 20) == text);
    CHECK_FALSE(decompress(c, packed->data(), packed->size(), 100)); // bounded output
  }
  CHECK_FALSE(decompress(7, text.data(), text.size(), 1 << 20));
  CHECK_FALSE(decompress(1, text.data(), text.size(), 1 << 20)); // not gzip
}

TEST_CASE("codec_by_name: Kafka's compression.type names") {
  CHECK(codec_by_name("none") == codec::none);
  CHECK(codec_by_name("gzip") == codec::gzip);
  CHECK(codec_by_name("snappy") == codec::snappy);
  CHECK(codec_by_name("lz4") == codec::lz4);
  CHECK(codec_by_name("zstd") == codec::zstd);
  CHECK_FALSE(codec_by_name("GZIP"));
  CHECK_FALSE(codec_by_name("producer"));
  CHECK_FALSE(codec_by_name(""));
}
