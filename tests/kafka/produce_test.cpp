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

TEST_CASE("produce: v8 response adds record_errors and error_message") {
  produce_response resp;
  produce_partition_response p;
  p.index = 0;
  p.error = error_code::invalid_record;
  p.record_errors = {{1, std::string("no key")}, {3, std::nullopt}};
  p.error_message = "bad";
  resp.topics = {{"t", {p}}};
  // v8: index, error, base, log_append_time, log_start_offset, [batch_index, message], error_message; throttle.
  auto v8 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x57,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0x00, 0x00, 0x00, 0x02,
                   0x00, 0x00, 0x00, 0x01, 0x00, 0x06}) + ascii("no key") +
            bytes({0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0x00, 0x03}) + ascii("bad") +
            bytes({0x00, 0x00, 0x00, 0x00});
  CHECK(encode_to_bytes(8, resp) == v8);
  auto back = check_reencodes<produce_response>(v8, 8);
  REQUIRE(back.topics[0].partitions[0].record_errors.size() == 2);
  CHECK(back.topics[0].partitions[0].record_errors[0].message == std::optional<std::string>("no key"));
  CHECK_FALSE(back.topics[0].partitions[0].record_errors[1].message.has_value());
  CHECK(back.topics[0].partitions[0].error_message == std::optional<std::string>("bad"));
  check_hostile<produce_response>(v8, 8);
  // v7 has neither field.
  CHECK(encode_to_bytes(7, resp).size() == v8.size() - 4 - 12 - 6 - 5);
}

// The flexible request (v9-11) as @platformatic/kafka 1.35 builds it: compact strings and arrays, a tag
// section closing every struct, the records as compact bytes.
buffer produce_v9_literal() {
  return bytes({0x00,                    // transactional_id null (compact 0)
                0xff, 0xff,              // acks -1
                0x00, 0x00, 0x75, 0x30,  // timeout 30000
                0x02,                    // 1 topic
                0x02}) +                 //
         ascii("t") +                    //
         bytes({0x02,                    // 1 partition
                0x00, 0x00, 0x00, 0x00,  // index 0
                0x06}) +                 // records: 5 bytes
         ascii("hello") +                //
         bytes({0x00,                    // partition tags
                0x00,                    // topic tags
                0x00});                  // request tags
}

TEST_CASE("produce: flexible requests (v9-11) from literal bytes") {
  buffer b = produce_v9_literal();
  for (int16_t v = 9; v <= 11; ++v) {
    auto req = check_reencodes<produce_request>(b, v);
    CHECK_FALSE(req.transactional_id.has_value());
    CHECK(req.acks == -1);
    CHECK(req.timeout_ms == 30000);
    REQUIRE(req.topics.size() == 1);
    CHECK(req.topics[0].name == "t");
    REQUIRE(req.topics[0].partitions.size() == 1);
    CHECK(req.topics[0].partitions[0].records->view() == "hello");
    check_hostile<produce_request>(b, v);
  }
  // A tagged field a later client adds is skipped.
  buffer tagged = b;
  tagged.back() = 0x01;
  tagged = tagged + bytes({0x05, 0x02, 0xab, 0xcd});
  auto req = decode_all<produce_request>(tagged, 11);
  CHECK(req.topics[0].partitions[0].records->view() == "hello");
  // The classic form is not the flexible one.
  reader r(b.data(), b.size());
  produce_request classic;
  const bool as_classic = decode(r, 8, classic) && r.remaining() == 0;
  CHECK_FALSE(as_classic);
  // A transactional id, compact.
  produce_request txn = req;
  txn.transactional_id = "tx";
  auto tb = encode_to_bytes(10, txn);
  CHECK(tb == bytes({0x03}) + ascii("tx") + buffer(b.begin() + 1, b.end()));
}

TEST_CASE("produce: flexible responses, KIP-951 tags from v10") {
  produce_response resp;
  resp.throttle_time_ms = 0;
  produce_partition_response p;
  p.index = 1;
  p.error = error_code::not_leader_or_follower;
  p.current_leader = produce_leader{2, 7};
  resp.topics = {{"t", {p}}};
  resp.node_endpoints = {{2, "h", 9092, std::nullopt}};
  auto head = bytes({0x02, 0x02}) + ascii("t") +
              bytes({0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // base -1
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log append time -1
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log start -1
                     0x01,                                             // no record errors
                     0x00});                                           // error_message null
  // v9: flexible, but no tags yet.
  auto v9 = head + bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  CHECK(encode_to_bytes(9, resp) == v9);
  auto back9 = check_reencodes<produce_response>(v9, 9);
  CHECK_FALSE(back9.topics[0].partitions[0].current_leader.has_value());
  check_hostile<produce_response>(v9, 9);
  // v10: tag 0 in the partition (leader 2, epoch 7, its own empty tags), tag 0 in the response.
  auto v10 = head +
             bytes({0x01, 0x00, 0x09, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00,  // current_leader
                    0x00,                                                                  // topic tags
                    0x00, 0x00, 0x00, 0x00,                                                // throttle
                    0x01, 0x00, 0x0d,                                                      // node_endpoints
                    0x02, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("h") +
             bytes({0x00, 0x00, 0x23, 0x84, 0x00, 0x00});
  for (int16_t v : {10, 11}) {
    CHECK(encode_to_bytes(v, resp) == v10);
    auto back = check_reencodes<produce_response>(v10, v);
    REQUIRE(back.topics[0].partitions[0].current_leader.has_value());
    CHECK(back.topics[0].partitions[0].current_leader->leader_id == 2);
    CHECK(back.topics[0].partitions[0].current_leader->leader_epoch == 7);
    REQUIRE(back.node_endpoints.size() == 1);
    CHECK(back.node_endpoints[0].host == "h");
    CHECK(back.node_endpoints[0].port == 9092);
    check_hostile<produce_response>(v10, v);
  }
  // Without a leader to name, v10 is v9's bytes.
  resp.topics[0].partitions[0].current_leader.reset();
  resp.node_endpoints.clear();
  CHECK(encode_to_bytes(10, resp) == v9);
}

TEST_CASE("produce: hostile inputs") {
  SUBCASE("versions outside 0-11 are refused") {
    buffer b = produce_v3_literal();
    for (int16_t v : {-1, 12, 13}) {
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
