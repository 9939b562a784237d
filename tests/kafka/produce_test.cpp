// Produce codec tests: records stay views into the request frame.

#include <doctest/doctest.h>

#include "messages/kafka/produce.hpp"
#include "messages/kafka/request_header.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

// v3 request: transactional_id null, acks -1, timeout 30000, topic "t", partition 0 with five
// bytes of "records" (the codec does not look inside a batch).
buffer produce_v3_literal() {
  return bytes({0xff, 0xff,                          // transactional_id null
                0xff, 0xff,                          // acks -1
                0x00, 0x00, 0x75, 0x30,              // timeout 30000
                0x00, 0x00, 0x00, 0x01,              // 1 topic
                0x00, 0x01}) +                       //
         ascii("t") +                                //
         bytes({0x00, 0x00, 0x00, 0x01,              // 1 partition
                0x00, 0x00, 0x00, 0x00,              // index 0
                0x00, 0x00, 0x00, 0x05}) +           // records: 5 bytes
         ascii("hello");
}

} // namespace

TEST_CASE("produce: v3 request from literal bytes") {
  buffer b = produce_v3_literal();
  reader r(b.data(), b.size());
  produce_request req;
  REQUIRE(decode(r, 3, req));
  CHECK(r.remaining() == 0);
  CHECK_FALSE(req.transactional_id.has_value());
  CHECK(req.acks == -1);
  CHECK(req.timeout_ms == 30000);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].name == "t");
  REQUIRE(req.topics[0].partitions.size() == 1);
  const auto& p = req.topics[0].partitions[0];
  CHECK(p.index == 0);
  REQUIRE(p.records.has_value());
  CHECK(p.records->view() == "hello");
  CHECK(p.records->data == b.data() + b.size() - 5); // a view, not a copy
  check_reencodes<produce_request>(b, 3);
  check_hostile<produce_request>(b, 3);
}

TEST_CASE("produce: v7 request, transactional, acks 1, two partitions, null records") {
  produce_request req;
  req.transactional_id = "tx-1";
  req.acks = 1;
  req.timeout_ms = 1500;
  static const char batch[] = "0123456789";
  req.topics = {{"orders", {{0, byte_span{batch, 10}}, {1, std::nullopt}}}};
  buffer b = encode_to_bytes(7, req);
  // Everything but the header is version-independent within 3-7: compare with the literal.
  CHECK(b == bytes({0x00, 0x04}) + ascii("tx-1") +
                 bytes({0x00, 0x01, 0x00, 0x00, 0x05, 0xdc, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06}) +
                 ascii("orders") +
                 bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a}) +
                 ascii("0123456789") +
                 bytes({0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff}));
  auto back = check_reencodes<produce_request>(b, 7);
  CHECK(back.transactional_id == std::optional<std::string>("tx-1"));
  CHECK(back.topics[0].partitions[0].records->view() == "0123456789");
  CHECK_FALSE(back.topics[0].partitions[1].records.has_value());
  check_hostile<produce_request>(b, 7);
}

TEST_CASE("produce: response fields per version") {
  produce_response resp;
  resp.throttle_time_ms = 9;
  produce_partition_response p;
  p.index = 2;
  p.error = error_code::not_leader_or_follower;
  p.base_offset = 1000;
  p.log_append_time_ms = 1700000000000;
  p.log_start_offset = 10;
  resp.topics = {{"t", {p}}};

  // v3: index, error, base_offset, log_append_time; then throttle.
  auto v3 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x06,
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,  // base 1000
                   0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00,  // 1700000000000
                   0x00, 0x00, 0x00, 0x09});                         // throttle
  CHECK(encode_to_bytes(3, resp) == v3);
  auto back3 = check_reencodes<produce_response>(v3, 3);
  CHECK(back3.topics[0].partitions[0].log_start_offset == -1);
  CHECK(back3.topics[0].partitions[0].error == error_code::not_leader_or_follower);
  check_hostile<produce_response>(v3, 3);

  // v5+ adds log_start_offset before the throttle.
  buffer v5 = encode_to_bytes(5, resp);
  CHECK(v5.size() == v3.size() + 8);
  auto back5 = check_reencodes<produce_response>(v5, 7);
  CHECK(back5.topics[0].partitions[0].log_start_offset == 10);
  CHECK(back5.throttle_time_ms == 9);
  check_hostile<produce_response>(v5, 5);
}

TEST_CASE("produce: hostile inputs") {
  SUBCASE("versions outside 0-7 are refused") {
    buffer b = produce_v3_literal();
    for (int16_t v : {-1, 8, 9}) {
      reader r(b.data(), b.size());
      produce_request req;
      CHECK_FALSE(decode(r, v, req));
    }
  }
  SUBCASE("records length overrunning the frame") {
    buffer b = produce_v3_literal();
    b[b.size() - 6] = 0x06; // claims 6 bytes, 5 present
    reader r(b.data(), b.size());
    produce_request req;
    CHECK_FALSE(decode(r, 3, req));
  }
  SUBCASE("huge topic count") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff});
    reader r(b.data(), b.size());
    produce_request req;
    CHECK_FALSE(decode(r, 3, req));
    CHECK(req.topics.capacity() == 0);
  }
  SUBCASE("negative partition count") {
    auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                    0x00, 0x00, 0xff, 0xff, 0xff, 0x80});
    reader r(b.data(), b.size());
    produce_request req;
    CHECK_FALSE(decode(r, 3, req));
  }
}

TEST_CASE("produce: whole request frame through the header") {
  buffer body = produce_v3_literal();
  auto frame = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0xff, 0xff}) + body;
  reader r(frame.data(), frame.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(h.api_key == 0);
  CHECK(h.api_version == 0); // Produce v0: header fine, body version refused
  produce_request req;
  CHECK_FALSE(decode(r, h.api_version, req));
  frame[3] = 0x03;
  reader r2(frame.data(), frame.size());
  REQUIRE(decode_request_header(r2, h));
  CHECK(decode(r2, h.api_version, req));
  CHECK(r2.remaining() == 0);
}
