#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;

namespace {

std::vector<record> sample_records() {
  std::vector<record> rs(3);
  rs[0].key = "k0";
  rs[0].value = "value-0";
  rs[0].timestamp = 1000;
  rs[1].key = std::nullopt;  // null key
  rs[1].value = std::string();  // empty, not null
  rs[1].timestamp = 990;        // earlier than base: negative delta
  rs[1].headers.push_back({"h1", std::string("v1")});
  rs[1].headers.push_back({"h2", std::nullopt});
  rs[2].key = "k2";
  rs[2].value = std::nullopt;  // tombstone
  rs[2].timestamp = -1;        // stamped with now_ms
  return rs;
}

// Recomputes the CRC after a test edits a field inside the CRC range, so that only the intended
// check fails.
void fix_crc(std::vector<char>& b) {
  write_u32(b.data() + batch_field::crc,
            crc32c(b.data() + batch_field::attributes, b.size() - batch_field::attributes));
}

}  // namespace

TEST_CASE("record_batch: encode writes the documented header") {
  auto b = encode_batch(sample_records(), 5000, 42, 3, 17);
  REQUIRE(b.size() > batch_header_size);
  const char* p = b.data();
  CHECK(read_i64(p) == 0);
  CHECK(read_i32(p + 8) == static_cast<int32_t>(b.size() - 12));
  CHECK(read_i32(p + 12) == -1);
  CHECK(p[16] == 2);
  CHECK(read_u32(p + 17) == crc32c(p + 21, b.size() - 21));
  CHECK(read_i16(p + 21) == 0);
  CHECK(read_i32(p + 23) == 2);
  CHECK(read_i64(p + 27) == 1000);
  CHECK(read_i64(p + 35) == 5000);  // the -1 record got now_ms
  CHECK(read_i64(p + 43) == 42);
  CHECK(read_i16(p + 51) == 3);
  CHECK(read_i32(p + 53) == 17);
  CHECK(read_i32(p + 57) == 3);
  // First record: length, attributes 0, ts delta 0, offset delta 0, key "k0".
  const char* r = p + 61;
  const char* end = b.data() + b.size();
  int32_t len;
  REQUIRE(decode_varint(r, end, len));
  CHECK(*r == 0);
  CHECK(r[1] == 0);  // zigzag(0)
  CHECK(r[2] == 0);
  CHECK(r[3] == 4);  // zigzag(2): key length
  CHECK(std::string(r + 4, 2) == "k0");
}

TEST_CASE("record_batch: header parse") {
  auto b = encode_batch(sample_records(), 5000);
  auto h = read_batch_header(b.data(), b.size());
  REQUIRE(h);
  CHECK(h->base_offset == 0);
  CHECK(h->total_size() == b.size());
  CHECK(h->magic == 2);
  CHECK(h->last_offset_delta == 2);
  CHECK(h->last_offset() == 2);
  CHECK(h->records_count == 3);
  CHECK(h->base_timestamp == 1000);
  CHECK(h->max_timestamp == 5000);
  CHECK(h->producer_id == -1);
  CHECK(h->producer_epoch == -1);
  CHECK(h->base_sequence == -1);
  CHECK(h->compression() == 0);
  CHECK_FALSE(h->is_control());
  CHECK_FALSE(h->is_transactional());
  CHECK_FALSE(read_batch_header(b.data(), 60));
  write_i32(b.data() + 8, 48);  // below the 49-byte minimum
  CHECK_FALSE(read_batch_header(b.data(), b.size()));
  write_i32(b.data() + 8, 49);
  CHECK(read_batch_header(b.data(), b.size()));
  write_i16(b.data() + 21, 0x30 | 3);
  h = read_batch_header(b.data(), b.size());
  CHECK(h->is_control());
  CHECK(h->is_transactional());
  CHECK(h->compression() == 3);
}

TEST_CASE("record_batch: encode/decode round trip") {
  auto in = sample_records();
  auto b = encode_batch(in, 5000);
  std::vector<record> out;
  REQUIRE(decode_batches(b.data(), b.size(), 0, out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].offset == 0);
  CHECK(out[0].key == std::optional<std::string>("k0"));
  CHECK(out[0].value == std::optional<std::string>("value-0"));
  CHECK(out[0].timestamp == 1000);
  CHECK(out[0].headers.empty());
  CHECK(out[1].offset == 1);
  CHECK_FALSE(out[1].key.has_value());
  REQUIRE(out[1].value.has_value());
  CHECK(out[1].value->empty());
  CHECK(out[1].timestamp == 990);
  REQUIRE(out[1].headers.size() == 2);
  CHECK(out[1].headers[0].key == "h1");
  CHECK(out[1].headers[0].value == std::optional<std::string>("v1"));
  CHECK(out[1].headers[1].key == "h2");
  CHECK_FALSE(out[1].headers[1].value.has_value());
  CHECK(out[2].offset == 2);
  CHECK_FALSE(out[2].value.has_value());
  CHECK(out[2].timestamp == 5000);
}

TEST_CASE("record_batch: decode several batches with assigned offsets and min_offset") {
  std::vector<char> all;
  int64_t next = 100;
  for (int i = 0; i < 3; ++i) {
    std::vector<record> rs(2);
    rs[0].value = "a" + std::to_string(i);
    rs[1].value = "b" + std::to_string(i);
    auto b = encode_batch(rs, 1);
    set_base_offset(b.data(), next);
    set_partition_leader_epoch(b.data(), 7);
    next += 2;
    all.insert(all.end(), b.begin(), b.end());
  }
  std::vector<record> out;
  REQUIRE(decode_batches(all.data(), all.size(), 103, out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].offset == 103);
  CHECK(out[0].value == std::optional<std::string>("b1"));
  CHECK(out[2].offset == 105);
  CHECK(out[2].value == std::optional<std::string>("b2"));
}

TEST_CASE("record_batch: set_base_offset and epoch keep the CRC valid") {
  auto b = encode_batch(sample_records(), 5000);
  set_base_offset(b.data(), 123456789012LL);
  set_partition_leader_epoch(b.data(), 9);
  CHECK(verify_crc(b.data(), b.size()));
  auto h = read_batch_header(b.data(), b.size());
  CHECK(h->base_offset == 123456789012LL);
  CHECK(h->partition_leader_epoch == 9);
  CHECK(h->last_offset() == 123456789014LL);
  // The broker accepts producer batches only at base offset 0.
  CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::nonzero_base_offset);
}

TEST_CASE("record_batch: validate_client_batch reports each error") {
  const auto good = encode_batch(sample_records(), 5000);
  CHECK(validate_client_batch(good.data(), good.size(), 1 << 20) == batch_error::ok);
  CHECK(to_string(batch_error::bad_crc) == std::string("bad_crc"));

  SUBCASE("too short") {
    CHECK(validate_client_batch(good.data(), 60, 1 << 20) == batch_error::too_short);
  }
  SUBCASE("length mismatch: trailing bytes or two batches") {
    auto b = good;
    b.push_back(0);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_length);
    auto two = good;
    two.insert(two.end(), good.begin(), good.end());
    CHECK(validate_client_batch(two.data(), two.size(), 1 << 20) == batch_error::bad_length);
    CHECK(validate_client_batch(good.data(), good.size() - 1, 1 << 20) == batch_error::bad_length);
  }
  SUBCASE("bad magic") {
    auto b = good;
    b[16] = 1;
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_magic);
  }
  SUBCASE("flipped byte anywhere in the CRC range") {
    for (size_t i : {size_t(21), size_t(40), size_t(61), good.size() - 1}) {
      auto b = good;
      b[i] ^= 0x01;
      CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_crc);
    }
    auto b = good;
    b[18] ^= 0x40;  // the stored crc itself
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_crc);
  }
  SUBCASE("too large") {
    CHECK(validate_client_batch(good.data(), good.size(), static_cast<int32_t>(good.size())) ==
          batch_error::ok);
    CHECK(validate_client_batch(good.data(), good.size(), static_cast<int32_t>(good.size()) - 1) ==
          batch_error::too_large);
  }
  SUBCASE("base offset not 0") {
    auto b = good;
    set_base_offset(b.data(), 1);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::nonzero_base_offset);
  }
  SUBCASE("last_offset_delta mismatch") {
    auto b = good;
    write_i32(b.data() + batch_field::last_offset_delta, 5);
    fix_crc(b);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_offset_delta);
    auto e = encode_batch({}, 5000);
    CHECK(validate_client_batch(e.data(), e.size(), 1 << 20) == batch_error::bad_offset_delta);
  }
  SUBCASE("control bit") {
    auto b = good;
    write_i16(b.data() + batch_field::attributes, 0x20);
    fix_crc(b);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::control_batch);
  }
  SUBCASE("producer id without sequence") {
    auto b = encode_batch(sample_records(), 5000, 42, 0, -1);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::bad_sequence);
    b = encode_batch(sample_records(), 5000, 42, 0, 0);
    CHECK(validate_client_batch(b.data(), b.size(), 1 << 20) == batch_error::ok);
  }
}

TEST_CASE("record_batch: decode of truncated input is safe") {
  auto b1 = encode_batch(sample_records(), 5000);
  auto b2 = encode_batch(sample_records(), 6000);
  set_base_offset(b2.data(), 3);
  std::vector<char> all = b1;
  all.insert(all.end(), b2.begin(), b2.end());
  // Every prefix: whole batches decode, a partial trailing batch is ignored, nothing crashes.
  for (size_t n = 0; n <= all.size(); ++n) {
    std::vector<record> out;
    REQUIRE(decode_batches(all.data(), n, 0, out));
    const size_t expected = n < b1.size() ? 0 : (n < all.size() ? 3 : 6);
    CHECK(out.size() == expected);
  }
}

TEST_CASE("record_batch: malformed batches are rejected") {
  std::vector<record> rs(1);
  rs[0].key = "key";
  rs[0].value = "val";
  rs[0].timestamp = 10;
  const auto good = encode_batch(rs, 10);
  // Record starts at 61: length varint (1 byte here), attributes, ts delta, offset delta, key len.
  const size_t key_len_at = 61 + 1 + 1 + 1 + 1;
  std::vector<record> out;

  SUBCASE("malformed varint: overlong key length") {
    auto b = good;
    // Replace the record body from the key length on with a 6-byte varint, keeping the batch
    // size so only the varint is wrong.
    for (size_t i = key_len_at; i < key_len_at + 5 && i < b.size(); ++i)
      b[i] = char(0x80);
    fix_crc(b);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("key length runs past the record") {
    auto b = good;
    b[key_len_at] = 100;  // zigzag(50)
    fix_crc(b);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("negative length below -1") {
    auto b = good;
    b[key_len_at] = 3;  // zigzag(-2)
    fix_crc(b);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("more records announced than present") {
    auto b = good;
    write_i32(b.data() + batch_field::records_count, 2);
    fix_crc(b);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("bad crc") {
    auto b = good;
    b.back() ^= 1;
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("batch_length below the header size") {
    auto b = good;
    write_i32(b.data() + 8, 10);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("a batch marked compressed whose payload does not inflate") {
    auto b = good;
    write_i16(b.data() + batch_field::attributes, 1);
    fix_crc(b);
    CHECK_FALSE(decode_batches(b.data(), b.size(), 0, out));
  }
  SUBCASE("control batches are skipped") {
    auto b = good;
    write_i16(b.data() + batch_field::attributes, 0x20);
    fix_crc(b);
    CHECK(decode_batches(b.data(), b.size(), 0, out));
    CHECK(out.empty());
  }
  CHECK(decode_batches(good.data(), good.size(), 0, out));
}

TEST_CASE("record_batch: every single-byte corruption of the records decodes safely") {
  // With the CRC recomputed, the record decoder is the only guard: any byte value anywhere in the
  // records must give either a clean failure or records that stay inside the batch.
  const auto good = encode_batch(sample_records(), 5000);
  size_t failures = 0;
  for (size_t i = batch_header_size; i < good.size(); ++i) {
    for (int v : {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
      auto b = good;
      b[i] = static_cast<char>(v);
      fix_crc(b);
      std::vector<record> out;
      if (!decode_batches(b.data(), b.size(), 0, out))
        ++failures;
      else
        CHECK(out.size() <= 3);
    }
  }
  CHECK(failures > 0);
}

TEST_CASE("decode_batches: compressed batches (every codec) decode to the records, headers and timestamps") {
  std::vector<record> in(3);
  for (size_t i = 0; i < in.size(); ++i) {
    in[i].key = "k" + std::to_string(i);
    in[i].value = std::string(200, static_cast<char>('a' + i));
    in[i].timestamp = 1700000000000 + static_cast<int64_t>(i);
    in[i].headers = {{"trace", std::string("t") + std::to_string(i)}, {"empty", std::nullopt}};
  }
  auto plain = encode_batch(in, 0);
  for (int c = 1; c <= 4; ++c) {
    CAPTURE(c);
    auto z = compress_batch(plain, c);
    REQUIRE(z);
    auto h = read_batch_header(z->data(), z->size());
    REQUIRE(h);
    CHECK(h->compression() == c);
    CHECK(h->total_size() == z->size());
    CHECK(verify_crc(z->data(), z->size()));
    CHECK(validate_client_batch(z->data(), z->size(), 1 << 20) == batch_error::ok);
    std::vector<record> out;
    REQUIRE(decode_batches(z->data(), z->size(), 1, out));
    REQUIRE(out.size() == 2);
    CHECK(out[0].offset == 1);
    CHECK(out[0].key == in[1].key);
    CHECK(out[0].value == in[1].value);
    CHECK(out[0].timestamp == in[1].timestamp);
    REQUIRE(out[1].headers.size() == 2);
    CHECK(out[1].headers[0].key == "trace");
    CHECK(out[1].headers[0].value == std::optional<std::string>{"t2"});
    CHECK_FALSE(out[1].headers[1].value);
  }
  CHECK(compress_batch(plain, 0) == plain);
  CHECK_FALSE(compress_batch(plain, 7));
}
