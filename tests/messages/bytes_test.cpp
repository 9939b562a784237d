#include <doctest/doctest.h>

#include <vector>

#include "messages/bytes.hpp"

using namespace samsa;

TEST_CASE("bytes: big-endian fixed width") {
  char b[8];
  write_i32(b, 0x01020304);
  CHECK(b[0] == 1);
  CHECK(b[3] == 4);
  CHECK(read_i32(b) == 0x01020304);
  write_i16(b, -2);
  CHECK(static_cast<uint8_t>(b[0]) == 0xff);
  CHECK(static_cast<uint8_t>(b[1]) == 0xfe);
  CHECK(read_i16(b) == -2);
  write_i64(b, 0x0102030405060708LL);
  CHECK(b[0] == 1);
  CHECK(b[7] == 8);
  CHECK(read_i64(b) == 0x0102030405060708LL);
  write_u32(b, 0xE3069283u);
  CHECK(read_u32(b) == 0xE3069283u);
  CHECK(static_cast<uint8_t>(b[0]) == 0xE3);
}

TEST_CASE("bytes: zigzag varint encoding matches Kafka's") {
  std::vector<char> out;
  append_varint(out, 0);
  append_varint(out, -1);
  append_varint(out, 1);
  append_varint(out, 63);
  append_varint(out, -64);
  append_varint(out, 64);
  // zigzag: 0->0, -1->1, 1->2, 63->126, -64->127, 64->128 (two bytes 0x80 0x01)
  std::vector<char> expected = {0, 1, 2, 126, 127, char(0x80), 1};
  CHECK(out == expected);
  CHECK(varint_size(64) == 2);
  CHECK(varint_size(INT32_MIN) == 5);
  CHECK(varlong_size(INT64_MIN) == 10);
}

TEST_CASE("bytes: varint and varlong round trip at the extremes") {
  const int32_t v32[] = {0, 1, -1, 300, -300, INT32_MAX, INT32_MIN, 1 << 20};
  for (int32_t v : v32) {
    std::vector<char> buf;
    append_varint(buf, v);
    const char* p = buf.data();
    int32_t got = 0;
    REQUIRE(decode_varint(p, buf.data() + buf.size(), got));
    CHECK(got == v);
    CHECK(p == buf.data() + buf.size());
  }
  const int64_t v64[] = {0, -1, INT64_MAX, INT64_MIN, 1LL << 40, -(1LL << 40)};
  for (int64_t v : v64) {
    std::vector<char> buf;
    append_varlong(buf, v);
    const char* p = buf.data();
    int64_t got = 0;
    REQUIRE(decode_varlong(p, buf.data() + buf.size(), got));
    CHECK(got == v);
    CHECK(p == buf.data() + buf.size());
  }
}

TEST_CASE("bytes: malformed varints fail without moving the cursor") {
  int32_t v32 = 7;
  int64_t v64 = 7;
  SUBCASE("truncated") {
    const char buf[] = {char(0x80), char(0x80)};
    const char* p = buf;
    CHECK_FALSE(decode_varint(p, buf + 2, v32));
    CHECK(p == buf);
    CHECK_FALSE(decode_varint(p, buf, v32));  // empty input
  }
  SUBCASE("six bytes for a varint") {
    const char buf[] = {char(0x80), char(0x80), char(0x80), char(0x80), char(0x80), 0};
    const char* p = buf;
    CHECK_FALSE(decode_varint(p, buf + 6, v32));
    CHECK(p == buf);
  }
  SUBCASE("fifth byte with bits beyond 32") {
    const char buf[] = {char(0xff), char(0xff), char(0xff), char(0xff), 0x1f};
    const char* p = buf;
    CHECK_FALSE(decode_varint(p, buf + 5, v32));
    const char ok[] = {char(0xff), char(0xff), char(0xff), char(0xff), 0x0f};
    p = ok;
    CHECK(decode_varint(p, ok + 5, v32));
    CHECK(v32 == INT32_MIN);  // zigzag of 0xffffffff
  }
  SUBCASE("eleven bytes for a varlong") {
    std::vector<char> buf(10, char(0x80));
    buf.push_back(0);
    const char* p = buf.data();
    CHECK_FALSE(decode_varlong(p, buf.data() + buf.size(), v64));
    CHECK(v64 == 7);
  }
}
