// Fetch codec tests: v4 as kafka-python sends it, v11 with sessions and rack, the flexible v12-17 (tag
// sections, topic ids, replica_state, node endpoints, replica_directory_id), responses.

#include <doctest/doctest.h>

#include "messages/kafka/fetch.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

uuid sample_id() {
  return uuid{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
}

buffer sample_id_bytes() {
  return bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10});
}

uuid other_id() {
  uuid id{};
  id[15] = 0x42;
  return id;
}

buffer fetch_v4_literal() {
  return bytes({0xff, 0xff, 0xff, 0xff,   // replica_id -1
                0x00, 0x00, 0x01, 0xf4,   // max_wait 500
                0x00, 0x00, 0x00, 0x01,   // min_bytes 1
                0x03, 0x20, 0x00, 0x00,   // max_bytes 52428800
                0x01,                     // read_committed
                0x00, 0x00, 0x00, 0x01,   // 1 topic
                0x00, 0x01}) +
         ascii("t") +
         bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                0x00, 0x00, 0x00, 0x02,                           // partition 2
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,   // fetch_offset 42
                0x00, 0x10, 0x00, 0x00});                         // partition_max 1 MiB
}

buffer fetch_v11_literal() {
  return bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x00, 0x00, 0x01,
                0x03, 0x20, 0x00, 0x00, 0x00,                     // read_uncommitted
                0x00, 0x00, 0x00, 0x00,                           // session_id 0
                0xff, 0xff, 0xff, 0xff,                           // session_epoch -1
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
         ascii("t") +
         bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                0x00, 0x00, 0x00, 0x00,                           // partition 0
                0x00, 0x00, 0x00, 0x05,                           // current_leader_epoch 5
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // fetch_offset 7
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log_start_offset -1
                0x00, 0x10, 0x00, 0x00,                           // partition_max 1 MiB
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +            // 1 forgotten topic "u"
         ascii("u") +
         bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
                0x00, 0x03}) +                                    // [3, 4]; rack len 3
         ascii("az1");
}

} // namespace

TEST_CASE("fetch: v4 request from literal bytes") {
  buffer b = fetch_v4_literal();
  auto req = check_reencodes<fetch_request>(b, 4);
  CHECK(req.replica_id == -1);
  CHECK(req.max_wait_ms == 500);
  CHECK(req.min_bytes == 1);
  CHECK(req.max_bytes == 52428800);
  CHECK(req.isolation_level == 1);
  CHECK(req.session_id == 0);
  CHECK(req.session_epoch == -1);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].topic == "t");
  REQUIRE(req.topics[0].partitions.size() == 1);
  const auto& p = req.topics[0].partitions[0];
  CHECK(p.partition == 2);
  CHECK(p.fetch_offset == 42);
  CHECK(p.current_leader_epoch == -1);
  CHECK(p.log_start_offset == -1);
  CHECK(p.partition_max_bytes == 1048576);
  CHECK(req.forgotten_topics_data.empty());
  CHECK(req.rack_id.empty());
  check_hostile<fetch_request>(b, 4);
}

TEST_CASE("fetch: v11 request from literal bytes") {
  buffer b = fetch_v11_literal();
  auto req = check_reencodes<fetch_request>(b, 11);
  CHECK(req.session_id == 0);
  CHECK(req.session_epoch == -1);
  const auto& p = req.topics.at(0).partitions.at(0);
  CHECK(p.current_leader_epoch == 5);
  CHECK(p.fetch_offset == 7);
  CHECK(p.log_start_offset == -1);
  REQUIRE(req.forgotten_topics_data.size() == 1);
  CHECK(req.forgotten_topics_data[0].topic == "u");
  CHECK(req.forgotten_topics_data[0].partitions == std::vector<int32_t>{3, 4});
  CHECK(req.rack_id == "az1");
  check_hostile<fetch_request>(b, 11);
}

TEST_CASE("fetch: request field presence per version") {
  fetch_request req;
  req.max_wait_ms = 100;
  req.session_id = 12;
  req.session_epoch = 3;
  req.rack_id = "r";
  req.replica_id = 3;
  req.replica_epoch = 44;
  req.cluster_id = "c1";
  fetch_partition fp;
  fp.partition = 0;
  fp.current_leader_epoch = 9;
  fp.fetch_offset = 100;
  fp.last_fetched_epoch = 8;
  fp.log_start_offset = 5;
  fp.partition_max_bytes = 4096;
  fetch_topic ft;
  ft.topic = "t";
  ft.topic_id = sample_id();
  ft.partitions = {fp};
  req.topics = {ft};
  fetch_forgotten_topic fg;
  fg.topic = "f";
  fg.topic_id = other_id();
  fg.partitions = {1};
  req.forgotten_topics_data = {fg};
  size_t prev = 0;
  for (int16_t v = 4; v <= 16; ++v) {
    INFO("version " << v);
    buffer b = encode_to_bytes(v, req);
    auto back = check_reencodes<fetch_request>(b, v);
    const auto& p = back.topics.at(0).partitions.at(0);
    CHECK(p.fetch_offset == 100);
    CHECK(p.current_leader_epoch == (v >= 9 ? 9 : -1));
    CHECK(p.log_start_offset == (v >= 5 ? 5 : -1));
    CHECK(p.last_fetched_epoch == (v >= 12 ? 8 : -1));
    CHECK(back.replica_id == 3);
    CHECK(back.replica_epoch == (v >= 15 ? 44 : -1));
    CHECK(back.cluster_id == (v >= 12 ? std::optional<std::string>{"c1"} : std::nullopt));
    CHECK(back.session_id == (v >= 7 ? 12 : 0));
    CHECK(back.forgotten_topics_data.size() == (v >= 7 ? 1u : 0u));
    CHECK(back.rack_id == (v >= 11 ? "r" : ""));
    // Names up to v12, ids from v13, in topics and forgotten topics alike.
    CHECK(back.topics[0].topic == (v <= 12 ? "t" : ""));
    CHECK(back.topics[0].topic_id == (v >= 13 ? sample_id() : zero_uuid));
    if (v >= 7) {
      CHECK(back.forgotten_topics_data[0].topic == (v <= 12 ? "f" : ""));
      CHECK(back.forgotten_topics_data[0].topic_id == (v >= 13 ? other_id() : zero_uuid));
    }
    if (v != 12 && v != 13) // v12 turns compact (shorter); v13's 16-byte id replaces the 1-character name
      CHECK(b.size() >= prev);
    prev = b.size();
    if (v >= 12)
      check_hostile<fetch_request>(b, v);
  }
}

TEST_CASE("fetch: v13 request from literal bytes (compact, topic ids, tag sections)") {
  // replica -1, max_wait 500, min_bytes 1, max_bytes 50 MiB, read_uncommitted, session 0 / epoch -1,
  // one topic by id with one partition, no forgotten topics, rack "", no request tags.
  auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x00, 0x00, 0x01, 0x03, 0x20, 0x00, 0x00,
                  0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
                  0x02}) +                                          // 1 topic (compact: n + 1)
           sample_id_bytes() +
           bytes({0x02,                                             // 1 partition
                  0x00, 0x00, 0x00, 0x01,                           // partition 1
                  0xff, 0xff, 0xff, 0xff,                           // current_leader_epoch -1
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // fetch_offset 7
                  0xff, 0xff, 0xff, 0xff,                           // last_fetched_epoch -1
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log_start_offset -1
                  0x00, 0x10, 0x00, 0x00,                           // partition_max 1 MiB
                  0x00,                                             // partition tags
                  0x00,                                             // topic tags
                  0x01,                                             // no forgotten topics
                  0x01,                                             // rack "" (compact)
                  0x00});                                           // request tags
  auto req = check_reencodes<fetch_request>(b, 13);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].topic_id == sample_id());
  CHECK(req.topics[0].topic.empty());
  CHECK(req.topics[0].partitions.at(0).partition == 1);
  CHECK(req.topics[0].partitions.at(0).fetch_offset == 7);
  CHECK_FALSE(req.cluster_id.has_value());
  check_hostile<fetch_request>(b, 13);
  // v15 drops the leading replica id: the same body without its first four bytes.
  auto b15 = buffer(b.begin() + 4, b.end());
  auto req15 = check_reencodes<fetch_request>(b15, 15);
  CHECK(req15.replica_id == -1);
  CHECK(req15.topics[0].topic_id == sample_id());
  // ... and a follower's replica_state travels as tag 1: (replica 2, epoch 9) in 12 bytes.
  auto tagged = buffer(b15.begin(), b15.end() - 1) +
                bytes({0x01, 0x01, 0x0d, 0x00, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x00});
  auto follower = check_reencodes<fetch_request>(tagged, 15);
  CHECK(follower.replica_id == 2);
  CHECK(follower.replica_epoch == 9);
  // An unknown tag is skipped; a known one whose value is cut short fails the request.
  auto unknown = buffer(b15.begin(), b15.end() - 1) + bytes({0x01, 0x07, 0x02, 0xaa, 0xbb});
  CHECK(decode_all<fetch_request>(unknown, 15).replica_id == -1);
  auto short_state = buffer(b15.begin(), b15.end() - 1) + bytes({0x01, 0x01, 0x04, 0, 0, 0, 2});
  reader r(short_state.data(), short_state.size());
  fetch_request bad;
  CHECK_FALSE(decode(r, 15, bad));
}

TEST_CASE("fetch: v17 (KIP-853) carries the partition's tagged replica_directory_id; v16 skips that tag") {
  // Built per FetchRequest.json at 3.9 (v15+: no leading replica id): max_wait 500, min_bytes 1, max_bytes
  // 50 MiB, read_uncommitted, session 0 / epoch -1, one topic by id, partition 1 at offset 7 with
  // last_fetched_epoch 3 and, as tag 0 of the partition, the 16 bytes of its replica directory id; no
  // forgotten topics, rack "", no request tags.
  auto head = bytes({0x00, 0x00, 0x01, 0xf4, 0x00, 0x00, 0x00, 0x01, 0x03, 0x20, 0x00, 0x00,
                     0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
                     0x02}) +                                          // 1 topic
              sample_id_bytes() +
              bytes({0x02,                                             // 1 partition
                     0x00, 0x00, 0x00, 0x01,                           // partition 1
                     0xff, 0xff, 0xff, 0xff,                           // current_leader_epoch -1
                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // fetch_offset 7
                     0x00, 0x00, 0x00, 0x03,                           // last_fetched_epoch 3
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log_start_offset -1
                     0x00, 0x10, 0x00, 0x00});                         // partition_max 1 MiB
  auto tail = bytes({0x00,         // topic tags
                     0x01,         // no forgotten topics
                     0x01,         // rack ""
                     0x00});       // request tags
  auto v17 = head + bytes({0x01, 0x00, 0x10}) + sample_id_bytes() + tail; // partition tags: tag 0, 16 bytes
  auto req = check_reencodes<fetch_request>(v17, 17);
  const auto& p = req.topics.at(0).partitions.at(0);
  CHECK(p.replica_directory_id == sample_id());
  CHECK(p.last_fetched_epoch == 3);
  CHECK(p.fetch_offset == 7);
  check_hostile<fetch_request>(v17, 17);
  // A consumer leaves the directory id at its default (the zero uuid): the partition's tag section is empty.
  auto consumer = head + bytes({0x00}) + tail;
  CHECK(check_reencodes<fetch_request>(consumer, 17).topics.at(0).partitions.at(0).replica_directory_id == zero_uuid);
  // v16 knows no partition tag 0: it is skipped, and not written back.
  auto at16 = decode_all<fetch_request>(v17, 16);
  CHECK(at16.topics.at(0).partitions.at(0).replica_directory_id == zero_uuid);
  CHECK(encode_to_bytes(16, req) == consumer);
  // A directory id cut short fails the request.
  auto short_id = head + bytes({0x01, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8}) + tail;
  reader r(short_id.data(), short_id.size());
  fetch_request bad;
  CHECK_FALSE(decode(r, 17, bad));
}

TEST_CASE("fetch: flexible responses carry the partition tags and, from v16, the node endpoints") {
  static const char data[] = "batch";
  fetch_response resp;
  resp.throttle_time_ms = 2;
  resp.session_id = 77;
  fetch_partition_data p;
  p.partition_index = 4;
  p.high_watermark = 10;
  p.last_stable_offset = 10;
  p.log_start_offset = 1;
  p.aborted_transactions = std::vector<fetch_aborted_transaction>{{5, 6}};
  p.records = byte_span{data, 5};
  fetch_partition_data moved;
  moved.partition_index = 5;
  moved.error = error_code::not_leader_or_follower;
  moved.records = byte_span{};
  moved.current_leader = std::make_pair(2, 7);
  moved.diverging_epoch = std::make_pair(3, int64_t{40});
  moved.snapshot_id = std::make_pair(int64_t{50}, 4);
  fetch_topic_response t;
  t.topic = "orders";
  t.topic_id = sample_id();
  t.partitions = {p, moved};
  resp.responses = {t};
  resp.node_endpoints = {{2, "h2", 9092, std::nullopt}, {3, "h3", 9093, std::string{"r1"}}};
  for (int16_t v = 12; v <= 17; ++v) {
    INFO("version " << v);
    auto b = encode_to_bytes(v, resp);
    auto back = check_reencodes<fetch_response>(b, v);
    CHECK(back.session_id == 77);
    const auto& bt = back.responses.at(0);
    CHECK(bt.topic == (v <= 12 ? "orders" : ""));
    CHECK(bt.topic_id == (v >= 13 ? sample_id() : zero_uuid));
    const auto& b0 = bt.partitions.at(0);
    CHECK(b0.records->view() == "batch");
    CHECK(b0.aborted_transactions->at(0).first_offset == 6);
    CHECK_FALSE(b0.current_leader.has_value());
    const auto& b1 = bt.partitions.at(1);
    CHECK(b1.current_leader == std::make_pair(2, 7));
    CHECK(b1.diverging_epoch == std::make_pair(3, int64_t{40}));
    CHECK(b1.snapshot_id == std::make_pair(int64_t{50}, 4));
    CHECK(back.node_endpoints.size() == (v >= 16 ? 2u : 0u));
    if (v >= 16) {
      CHECK(back.node_endpoints[1].host == "h3");
      CHECK(back.node_endpoints[1].rack == std::optional<std::string>{"r1"});
      CHECK_FALSE(back.node_endpoints[0].rack.has_value());
    }
    check_hostile<fetch_response>(b, v);
  }
  // v12 bytes of a partition with only current_leader: ... records (compact: 1 = empty), then the tag
  // section: one field, tag 1, 9 bytes (leader 2, epoch 7, its own empty tag section).
  fetch_response one;
  fetch_partition_data q;
  q.partition_index = 0;
  q.error = error_code::not_leader_or_follower;
  q.records = byte_span{};
  q.current_leader = std::make_pair(2, 7);
  one.responses = {{"t", zero_uuid, {q}}};
  auto b = encode_to_bytes(12, one);
  auto tail = bytes({0x01, 0x01, 0x01, 0x09, 0, 0, 0, 2, 0, 0, 0, 7, 0x00, 0x00, 0x00});
  REQUIRE(b.size() > tail.size());
  CHECK(buffer(b.end() - tail.size(), b.end()) == tail); // then the topic's and the body's empty tags
}

TEST_CASE("fetch: v4 response from literal bytes") {
  auto b = bytes({0x00, 0x00, 0x00, 0x00,                           // throttle
                  0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +            // 1 topic, name len 1
           ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,               // index 0, error 0
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,   // high watermark 10
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,   // last stable 9
                  0x00, 0x00, 0x00, 0x00,                           // aborted: empty
                  0x00, 0x00, 0x00, 0x03}) +                        // records: 3 bytes
           ascii("abc");
  auto resp = check_reencodes<fetch_response>(b, 4);
  const auto& p = resp.responses.at(0).partitions.at(0);
  CHECK(p.high_watermark == 10);
  CHECK(p.last_stable_offset == 9);
  REQUIRE(p.aborted_transactions.has_value());
  CHECK(p.aborted_transactions->empty());
  REQUIRE(p.records.has_value());
  CHECK(p.records->view() == "abc");
  CHECK(p.records->data == b.data() + b.size() - 3);
  check_hostile<fetch_response>(b, 4);
}

TEST_CASE("fetch: v11 response round-trip with aborted transactions") {
  fetch_response resp;
  resp.throttle_time_ms = 1;
  resp.error = error_code::none;
  resp.session_id = 0;
  static const char data[] = "batchbytes";
  fetch_partition_data p;
  p.partition_index = 1;
  p.high_watermark = 100;
  p.last_stable_offset = 90;
  p.log_start_offset = 3;
  p.aborted_transactions = std::vector<fetch_aborted_transaction>{{77, 80}};
  p.preferred_read_replica = -1;
  p.records = byte_span{data, 10};
  fetch_partition_data err;
  err.partition_index = 2;
  err.error = error_code::offset_out_of_range;
  err.records.reset();
  resp.responses = {{"orders", zero_uuid, {p, err}}};
  for (int16_t v : {4, 5, 7, 11}) {
    INFO("version " << v);
    buffer b = encode_to_bytes(v, resp);
    auto back = check_reencodes<fetch_response>(b, v);
    const auto& bp = back.responses.at(0).partitions.at(0);
    CHECK(bp.records->view() == "batchbytes");
    CHECK(bp.aborted_transactions->at(0).producer_id == 77);
    CHECK(bp.log_start_offset == (v >= 5 ? 3 : -1));
    CHECK_FALSE(back.responses[0].partitions[1].aborted_transactions.has_value());
    CHECK_FALSE(back.responses[0].partitions[1].records.has_value());
    CHECK(back.responses[0].partitions[1].error == error_code::offset_out_of_range);
    check_hostile<fetch_response>(b, v);
  }
  // v7 puts error and session id right after the throttle time.
  resp.session_id = 0x01020304;
  buffer b7 = encode_to_bytes(7, resp);
  CHECK(buffer(b7.begin(), b7.begin() + 10) ==
        bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04}));
}

TEST_CASE("fetch: hostile inputs") {
  SUBCASE("huge forgotten-topic partition count") {
    buffer b = fetch_v11_literal();
    // the forgotten topic's partition count starts 17 bytes before the end
    size_t pos = b.size() - 3 - 2 - 8 - 4;
    b[pos] = 0x7f;
    reader r(b.data(), b.size());
    fetch_request req;
    CHECK_FALSE(decode(r, 11, req));
  }
  SUBCASE("unsupported versions") {
    buffer b = fetch_v4_literal();
    for (int16_t v : {-1, 18}) {
      reader r(b.data(), b.size());
      fetch_request req;
      CHECK_FALSE(decode(r, v, req));
    }
  }
}

TEST_CASE("fetch: v0-3 requests have no isolation level (v0-2 no max_bytes); answers no LSO, v0 no throttle") {
  // v0 request: replica -1, max_wait 100, min_bytes 0, topic "t" partition 1 offset 5 max 1 MiB.
  auto v0 = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
            ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 5, 0x00, 0x10, 0x00, 0x00});
  auto req = check_reencodes<fetch_request>(v0, 0);
  CHECK(req.max_bytes == 0x7fffffff); // no limit before v3
  CHECK(req.isolation_level == 0);
  CHECK(req.topics[0].partitions[0].fetch_offset == 5);
  check_hostile<fetch_request>(v0, 0);
  const char rec[] = "abc";
  fetch_response resp;
  resp.throttle_time_ms = 0;
  resp.responses.push_back({"t", zero_uuid, {}});
  fetch_partition_data p;
  p.partition_index = 1;
  p.high_watermark = 9;
  p.records = byte_span{rec, 3};
  resp.responses[0].partitions.push_back(p);
  auto body = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
              bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // partition 1, no error
                     0, 0, 0, 0, 0, 0, 0, 9,                                     // high watermark 9
                     0x00, 0x00, 0x00, 0x03}) +
              ascii("abc");
  CHECK(encode_to_bytes(0, resp) == body);
  CHECK(encode_to_bytes(3, resp) == bytes({0, 0, 0, 0}) + body);
  check_hostile<fetch_response>(body, 0);
}
