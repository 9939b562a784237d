// Tests of the primitive reader/writer: encodings checked against hand-written bytes, and the
// bounds checks that every API decoder relies on.

#include <doctest/doctest.h>

#include "messages/kafka/wire.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("wire: integers are big-endian") {
  buffer out;
  writer w(out);
  w.write_i8(-2);
  w.write_i16(0x0102);
  w.write_i32(-1);
  w.write_i64(0x0102030405060708LL);
  w.write_bool(true);
  CHECK(out == bytes({0xfe, 0x01, 0x02, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04, 0x05,
                      0x06, 0x07, 0x08, 0x01}));
  reader r(out.data(), out.size());
  CHECK(r.read_i8() == -2);
  CHECK(r.read_i16() == 0x0102);
  CHECK(r.read_i32() == -1);
  CHECK(r.read_i64() == 0x0102030405060708LL);
  CHECK(r.read_bool());
  CHECK(r.remaining() == 0);
  CHECK_FALSE(r.failed());
}

TEST_CASE("wire: unsigned varints") {
  struct sample {
    uint32_t value;
    buffer encoded;
  };
  const sample samples[] = {
    {0, bytes({0x00})},
    {1, bytes({0x01})},
    {127, bytes({0x7f})},
    {128, bytes({0x80, 0x01})},
    {300, bytes({0xac, 0x02})},
    {0xffffffffu, bytes({0xff, 0xff, 0xff, 0xff, 0x0f})},
  };
  for (const auto& s : samples) {
    buffer out;
    writer w(out);
    w.write_uvarint(s.value);
    CHECK(out == s.encoded);
    reader r(s.encoded.data(), s.encoded.size());
    CHECK(r.read_uvarint() == s.value);
    CHECK_FALSE(r.failed());
  }
  SUBCASE("more than 32 bits fails") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x1f});
    reader r(b.data(), b.size());
    r.read_uvarint();
    CHECK(r.failed());
  }
  SUBCASE("six-byte varint fails") {
    auto b = bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
    reader r(b.data(), b.size());
    r.read_uvarint();
    CHECK(r.failed());
  }
  SUBCASE("unterminated varint fails") {
    auto b = bytes({0x80, 0x80});
    reader r(b.data(), b.size());
    CHECK(r.read_uvarint() == 0);
    CHECK(r.failed());
  }
}

TEST_CASE("wire: zigzag varints") {
  for (int32_t v : {0, -1, 1, -64, 63, 64, INT32_MIN, INT32_MAX}) {
    buffer out;
    writer w(out);
    w.write_varint(v);
    reader r(out.data(), out.size());
    CHECK(r.read_varint() == v);
  }
  buffer out;
  writer w(out);
  w.write_varint(-1);
  w.write_varint(1);
  CHECK(out == bytes({0x01, 0x02}));
}

TEST_CASE("wire: classic and compact strings") {
  buffer out;
  writer w(out);
  w.write_string("abc");
  w.write_nullable_string(std::nullopt);
  w.write_compact_string("abc");
  w.write_nullable_string(std::nullopt, true);
  w.write_string("");
  CHECK(out == bytes({0x00, 0x03}) + ascii("abc") + bytes({0xff, 0xff, 0x04}) + ascii("abc") +
                 bytes({0x00, 0x00, 0x00}));
  reader r(out.data(), out.size());
  CHECK(r.read_string() == "abc");
  CHECK_FALSE(r.read_nullable_string().has_value());
  CHECK(r.read_compact_string() == "abc");
  CHECK_FALSE(r.read_compact_nullable_string().has_value());
  CHECK(r.read_string() == "");
  CHECK(r.remaining() == 0);
  CHECK_FALSE(r.failed());
}

TEST_CASE("wire: null where a string is required fails") {
  auto b = bytes({0xff, 0xff});
  reader r(b.data(), b.size());
  r.read_string();
  CHECK(r.failed());
}

TEST_CASE("wire: negative string length other than -1 fails") {
  auto b = bytes({0xff, 0xfe, 0x41, 0x41});
  reader r(b.data(), b.size());
  r.read_nullable_string();
  CHECK(r.failed());
}

TEST_CASE("wire: string length overrunning the frame fails and sticks") {
  auto b = bytes({0x00, 0x05, 0x41, 0x42}); // claims 5, has 2
  reader r(b.data(), b.size());
  CHECK(r.read_string().empty());
  CHECK(r.failed());
  CHECK(r.read_i8() == 0); // sticky: further reads return zero
  CHECK(r.remaining() == 0);
}

TEST_CASE("wire: compact string with a huge varint length fails") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x0f, 0x41});
  reader r(b.data(), b.size());
  r.read_compact_string();
  CHECK(r.failed());
}

TEST_CASE("wire: bytes are views into the frame") {
  auto b = bytes({0x00, 0x00, 0x00, 0x02, 0x0a, 0x0b, 0xff, 0xff, 0xff, 0xff, 0x03, 0x0c, 0x0d});
  reader r(b.data(), b.size());
  auto x = r.read_nullable_bytes();
  REQUIRE(x.has_value());
  CHECK(x->data == b.data() + 4);
  CHECK(x->size == 2);
  CHECK_FALSE(r.read_nullable_bytes().has_value());
  auto y = r.read_compact_bytes();
  CHECK(y.size == 2);
  CHECK(y.data == b.data() + 11);
  CHECK_FALSE(r.failed());

  buffer out;
  writer w(out);
  w.write_nullable_bytes(x);
  w.write_nullable_bytes(std::nullopt);
  w.write_compact_bytes(y);
  CHECK(out == b);
}

TEST_CASE("wire: bytes length hostile values") {
  SUBCASE("-2") {
    auto b = bytes({0xff, 0xff, 0xff, 0xfe});
    reader r(b.data(), b.size());
    r.read_nullable_bytes();
    CHECK(r.failed());
  }
  SUBCASE("INT32_MAX") {
    auto b = bytes({0x7f, 0xff, 0xff, 0xff, 0x00});
    reader r(b.data(), b.size());
    r.read_nullable_bytes();
    CHECK(r.failed());
  }
  SUBCASE("null where bytes are required") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff});
    reader r(b.data(), b.size());
    r.read_bytes();
    CHECK(r.failed());
  }
}

TEST_CASE("wire: array counts are checked against the bytes left") {
  SUBCASE("null array") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff});
    reader r(b.data(), b.size());
    CHECK(r.read_array_len() == -1);
    CHECK_FALSE(r.failed());
  }
  SUBCASE("negative count") {
    auto b = bytes({0xff, 0xff, 0xff, 0xfe});
    reader r(b.data(), b.size());
    r.read_array_len();
    CHECK(r.failed());
  }
  SUBCASE("2^31-1 elements in a tiny frame fail before any allocation") {
    auto b = bytes({0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01});
    reader r(b.data(), b.size());
    std::vector<int32_t> v;
    read_i32_array(r, false, v);
    CHECK(r.failed());
    CHECK(v.capacity() == 0);
  }
  SUBCASE("count fits the bytes but not the element size") {
    auto b = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01}); // two int32s need 8
    reader r(b.data(), b.size());
    std::vector<int32_t> v;
    read_i32_array(r, false, v);
    CHECK(r.failed());
  }
  SUBCASE("compact: 0 is null, n+1 otherwise") {
    auto b = bytes({0x00, 0x03, 0x41, 0x42});
    reader r(b.data(), b.size());
    CHECK(r.read_compact_array_len() == -1);
    CHECK(r.read_compact_array_len() == 2);
    CHECK_FALSE(r.failed());
  }
  SUBCASE("compact count of 2^32-2 fails") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x0f});
    reader r(b.data(), b.size());
    r.read_compact_array_len();
    CHECK(r.failed());
  }
  SUBCASE("non-nullable array sent as null fails") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff});
    reader r(b.data(), b.size());
    std::vector<std::string> v;
    read_string_array(r, false, v);
    CHECK(r.failed());
  }
}

TEST_CASE("wire: tagged fields are skipped") {
  // two tagged fields: tag 0 with 3 bytes, tag 5 with 1 byte; then a trailing int8.
  auto b = bytes({0x02, 0x00, 0x03, 0x01, 0x02, 0x03, 0x05, 0x01, 0x09, 0x2a});
  reader r(b.data(), b.size());
  r.skip_tagged_fields();
  CHECK(r.read_i8() == 0x2a);
  CHECK_FALSE(r.failed());

  SUBCASE("a tagged field overrunning the frame fails") {
    auto bad = bytes({0x01, 0x00, 0x7f, 0x01});
    reader r2(bad.data(), bad.size());
    r2.skip_tagged_fields();
    CHECK(r2.failed());
  }
  SUBCASE("a huge tag count fails without looping forever") {
    auto bad = bytes({0xff, 0xff, 0xff, 0xff, 0x0f});
    reader r2(bad.data(), bad.size());
    r2.skip_tagged_fields();
    CHECK(r2.failed());
  }
}

TEST_CASE("wire: frame size prefix is reserved and patched") {
  buffer out;
  writer w(out);
  size_t pos = w.reserve_size();
  w.write_i32(7);
  w.write_i16(1);
  w.finish_size(pos);
  CHECK(out == bytes({0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01}));
  w.patch_i32(0, 0x01020304);
  CHECK(out[0] == 0x01);
  CHECK(out[3] == 0x04);
}

TEST_CASE("wire: writer flags values the wire cannot carry") {
  buffer out;
  writer w(out);
  w.write_string(std::string(40000, 'x'));
  CHECK(w.failed());
  buffer out2;
  writer w2(out2);
  w2.write_array_len(-2);
  CHECK(w2.failed());
}
