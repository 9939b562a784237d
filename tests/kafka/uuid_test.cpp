#include <doctest/doctest.h>

#include "messages/kafka/uuid.hpp"
#include <random>

using namespace samsa::kafka;

TEST_CASE("uuid: Kafka's printed form round trips through the 16 wire bytes") {
  // A topic id printed by Kafka's tools, and its bytes (msb 0x9a1e..., from Uuid.fromString).
  auto id = uuid_from_string("mh6qNQCiQ1WwpYFaNXsRPg");
  REQUIRE(id);
  CHECK((*id)[0] == 0x9a);
  CHECK((*id)[1] == 0x1e);
  CHECK((*id)[15] == 0x3e);
  CHECK(uuid_to_string(*id) == "mh6qNQCiQ1WwpYFaNXsRPg");
  CHECK(uuid_to_string(zero_uuid) == "AAAAAAAAAAAAAAAAAAAAAA");
  std::mt19937 rng(42);
  for (int i = 0; i < 1000; ++i) {
    uuid bytes{};
    for (auto& b : bytes)
      b = static_cast<uint8_t>(rng());
    auto text = uuid_to_string(bytes);
    REQUIRE(text.size() == 22);
    CHECK(uuid_from_string(text) == bytes);
  }
}

TEST_CASE("uuid: anything but 22 base64url characters with zero trailing bits is refused") {
  CHECK_FALSE(uuid_from_string(""));
  CHECK_FALSE(uuid_from_string("mh6qNQCiQ1WwpYFaNXsRP"));   // 21
  CHECK_FALSE(uuid_from_string("mh6qNQCiQ1WwpYFaNXsRPgA")); // 23
  CHECK_FALSE(uuid_from_string("mh6qNQCiQ1WwpYFaNXsRP="));  // padding
  CHECK_FALSE(uuid_from_string("mh6qNQCiQ1WwpYFaNXsR+g")); // standard base64
  CHECK_FALSE(uuid_from_string("mh6qNQCiQ1WwpYFaNXsRPh")); // the last 4 bits set
  CHECK(uuid_or_zero("not an id") == zero_uuid);
}

TEST_CASE("uuid: the wire form is the 16 bytes in order") {
  auto id = *uuid_from_string("mh6qNQCiQ1WwpYFaNXsRPg");
  std::vector<char> out;
  writer w(out);
  write_uuid(w, id);
  REQUIRE(out.size() == 16);
  CHECK(static_cast<uint8_t>(out[0]) == 0x9a);
  reader r(out.data(), out.size());
  CHECK(read_uuid(r) == id);
  reader short_r(out.data(), 15);
  CHECK(read_uuid(short_r) == zero_uuid);
  CHECK(short_r.failed());
}
