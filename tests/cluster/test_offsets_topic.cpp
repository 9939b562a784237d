#include <doctest/doctest.h>

#include "cluster/offsets_topic.hpp"

using namespace samsa;
using namespace samsa::cluster;
using kind = persistence::offset_change::kind;

TEST_CASE("java_string_hash matches Java's String.hashCode") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("abc") == 96354);
  CHECK(java_string_hash("hello") == 99162322);
  CHECK(java_string_hash("Aa") == java_string_hash("BB"));
  CHECK(java_string_hash("\xc3\xa9") == 233);                        // é is one UTF-16 unit
  CHECK(java_string_hash("\xf0\x9f\x98\x80") == 55357 * 31 + 56832); // U+1F600: a surrogate pair
  // Wraps like Java's int: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
  CHECK(java_string_hash("polygenelubricants") == INT32_MIN);
}

TEST_CASE("offsets_partition_for is Kafka's abs(hash) % partitions") {
  CHECK(offsets_partition_for("abc", 50) == 96354 % 50);
  CHECK(offsets_partition_for("polygenelubricants", 50) == 0); // abs(MIN_VALUE) is 0 in Kafka's Utils.abs
  // A negative hash: "my-group".hashCode() == -1906497762 in Java.
  CHECK(java_string_hash("my-group") == -1906497762);
  CHECK(offsets_partition_for("my-group", 50) == 1906497762 % 50);
  CHECK(offsets_partition_for("anything", 0) == 0);
}

TEST_CASE("offset changes round-trip through records") {
  std::vector<persistence::offset_change> in(3);
  in[0].what = kind::commit;
  in[0].group_id = "g1";
  in[0].offset.topic = "orders";
  in[0].offset.partition = 7;
  in[0].offset.offset = 12345;
  in[0].offset.leader_epoch = 4;
  in[0].offset.metadata = "meta";
  in[0].offset.commit_ms = 1700000000000;
  in[0].group_is_empty = true;
  in[1].what = kind::delete_offset;
  in[1].group_id = "g1";
  in[1].offset.topic = "orders";
  in[1].offset.partition = 3;
  in[2].what = kind::delete_group;
  in[2].group_id = "g2";
  auto records = encode_offset_changes(in);
  REQUIRE(records.size() == 3);
  CHECK_FALSE(records[1].value.has_value()); // tombstones
  CHECK_FALSE(records[2].value.has_value());
  // Through a real batch, as the log stores them.
  auto batch = encode_batch(records, 1700000000000);
  std::vector<record> back;
  REQUIRE(decode_batches(batch.data(), batch.size(), 0, back));
  REQUIRE(back.size() == 3);
  auto a = decode_offset_change(back[0]);
  REQUIRE(a);
  CHECK(a->what == kind::commit);
  CHECK(a->group_id == "g1");
  CHECK(a->offset.topic == "orders");
  CHECK(a->offset.partition == 7);
  CHECK(a->offset.offset == 12345);
  CHECK(a->offset.leader_epoch == 4);
  CHECK(a->offset.metadata == std::optional<std::string>{"meta"});
  CHECK(a->offset.commit_ms == 1700000000000);
  CHECK(a->group_is_empty);
  auto b = decode_offset_change(back[1]);
  REQUIRE(b);
  CHECK(b->what == kind::delete_offset);
  CHECK(b->offset.partition == 3);
  auto c = decode_offset_change(back[2]);
  REQUIRE(c);
  CHECK(c->what == kind::delete_group);
  CHECK(c->group_id == "g2");
}

TEST_CASE("a Kafka offset value v1 (with an expire timestamp) and a key v0 are read") {
  // Key v0: group "g", topic "t", partition 2. Value v1: offset 99, metadata "", commit ts 5, expire ts 6.
  std::string key{"\x00\x00\x00\x01g\x00\x01t\x00\x00\x00\x02", 13};
  std::string value{"\x00\x01\x00\x00\x00\x00\x00\x00\x00\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05"
                    "\x00\x00\x00\x00\x00\x00\x00\x06", 28};
  record r;
  r.key = key;
  r.value = value;
  auto c = decode_offset_change(r);
  REQUIRE(c);
  CHECK(c->offset.offset == 99);
  CHECK(c->offset.leader_epoch == -1);
  CHECK(c->offset.commit_ms == 5);
  CHECK_FALSE(c->offset.metadata.has_value());
}

TEST_CASE("malformed and foreign records are skipped, never misread") {
  record none;
  CHECK_FALSE(decode_offset_change(none));
  record truncated;
  truncated.key = std::string{"\x00\x01\x00\x05" "ab", 6}; // string longer than the key
  CHECK_FALSE(decode_offset_change(truncated));
  record metadata; // a group metadata value (key v2 with a value): not materialised
  metadata.key = std::string{"\x00\x02\x00\x01g", 5};
  metadata.value = std::string{"\x00\x03", 2};
  CHECK_FALSE(decode_offset_change(metadata));
  record future; // an unknown key version
  future.key = std::string{"\x00\x09\x00\x01g", 5};
  future.value = std::string{};
  CHECK_FALSE(decode_offset_change(future));
  record short_value;
  short_value.key = std::string{"\x00\x01\x00\x01g\x00\x01t\x00\x00\x00\x02", 13};
  short_value.value = std::string{"\x00\x03\x00", 3};
  CHECK_FALSE(decode_offset_change(short_value));
}

TEST_CASE("offsets topic: its partitions are always compacted, other topics follow their configs") {
  server_config s;
  auto offsets = partition_log_config(s, offsets_topic, {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}});
  CHECK(offsets.compact_policy);
  CHECK_FALSE(offsets.delete_policy);
  CHECK(offsets.retention_ms == -1);
  auto other = partition_log_config(s, "orders", {{"cleanup.policy", "delete"}});
  CHECK_FALSE(other.compact_policy);
  CHECK(other.delete_policy);
  CHECK(partition_log_config(s, "profiles", {{"cleanup.policy", "compact"}}).compact_policy);
}
