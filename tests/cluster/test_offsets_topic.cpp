#include <doctest/doctest.h>

#include "cluster/offsets_topic.hpp"

using namespace samsa;
using namespace samsa::cluster;
using kind = persistence::offset_change::kind;

namespace {
// Records through a real batch, as the log stores them.
std::vector<record> through_batch(const std::vector<record>& records) {
  auto batch = encode_batch(records, 1700000000000);
  std::vector<record> back;
  REQUIRE(decode_batches(batch.data(), batch.size(), 0, back));
  return back;
}
} // namespace

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
  auto back = through_batch(records);
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

namespace {
group_snapshot two_member_group() {
  group_snapshot g;
  g.generation_id = 7;
  g.protocol_type = "consumer";
  g.protocol = "cooperative-sticky";
  g.leader_id = "m-1";
  group_snapshot_member a;
  a.member_id = "m-1";
  a.client_id = "c1";
  a.client_host = "/10.0.0.1";
  a.session_timeout_ms = 45000;
  a.rebalance_timeout_ms = 300000;
  a.metadata = std::string{"\x00\x01sub\x00", 6};
  a.assignment = std::string{"\x00\x01" "asg", 5};
  group_snapshot_member b = a;
  b.member_id = "m-2";
  b.group_instance_id = "static-2";
  b.client_id = "c2";
  b.assignment.clear();
  g.members = {a, b};
  return g;
}
} // namespace

TEST_CASE("group metadata round-trips through a record of the offsets log") {
  persistence::offset_change in;
  in.what = kind::group_metadata;
  in.group_id = "g1";
  in.group_metadata = encode_group_metadata(two_member_group(), 1700000000123);
  auto records = encode_offset_changes({in});
  REQUIRE(records.size() == 1);
  CHECK(*records[0].key == std::string{"\x00\x02\x00\x02g1", 6}); // key v2: the group, apart from offsets
  auto back = through_batch(records);
  REQUIRE(back.size() == 1);
  auto c = decode_offset_change(back[0]);
  REQUIRE(c);
  CHECK(c->what == kind::group_metadata);
  CHECK(c->group_id == "g1");
  CHECK_FALSE(c->group_is_empty);
  auto v = decode_group_metadata(c->group_metadata);
  REQUIRE(v);
  CHECK(v->current_state_timestamp_ms == 1700000000123);
  auto& g = v->snapshot;
  CHECK(g.generation_id == 7);
  CHECK(g.protocol_type == "consumer");
  CHECK(g.protocol == "cooperative-sticky");
  CHECK(g.leader_id == "m-1");
  REQUIRE(g.members.size() == 2);
  auto want = two_member_group();
  for (size_t i = 0; i < 2; ++i) {
    CHECK(g.members[i].member_id == want.members[i].member_id);
    CHECK(g.members[i].group_instance_id == want.members[i].group_instance_id);
    CHECK(g.members[i].client_id == want.members[i].client_id);
    CHECK(g.members[i].client_host == want.members[i].client_host);
    CHECK(g.members[i].session_timeout_ms == 45000);
    CHECK(g.members[i].rebalance_timeout_ms == 300000);
    CHECK(g.members[i].metadata == want.members[i].metadata);
    CHECK(g.members[i].assignment == want.members[i].assignment);
  }

  // An Empty group: no protocol, no leader (written as null), no members.
  group_snapshot empty;
  empty.generation_id = 8;
  empty.protocol_type = "consumer";
  in.group_metadata = encode_group_metadata(empty, 5);
  auto e = decode_offset_change(encode_offset_changes({in})[0]);
  REQUIRE(e);
  CHECK(e->group_is_empty);
  auto ev = decode_group_metadata(e->group_metadata);
  REQUIRE(ev);
  CHECK(ev->snapshot.generation_id == 8);
  CHECK(ev->snapshot.protocol.empty());
  CHECK(ev->snapshot.leader_id.empty());
  CHECK(ev->snapshot.members.empty());
  // And the group's tombstone is still a deletion.
  in.what = kind::delete_group;
  auto d = decode_offset_change(encode_offset_changes({in})[0]);
  REQUIRE(d);
  CHECK(d->what == kind::delete_group);
}

TEST_CASE("group metadata laid out per Kafka's GroupMetadataValue v3, v1 and v0 decodes") {
  // v3: protocolType "consumer", generation 3, protocol "range", leader "a", currentStateTimestamp 9, one
  // member: memberId "a", groupInstanceId null, clientId "c", clientHost "/h", rebalanceTimeout 60000,
  // sessionTimeout 10000, subscription bytes [1 2], assignment bytes [3].
  std::string v3{"\x00\x03"                        // version
                 "\x00\x08" "consumer"             // protocolType
                 "\x00\x00\x00\x03"              // generation
                 "\x00\x05" "range"                // protocol
                 "\x00\x01" "a"                    // leader
                 "\x00\x00\x00\x00\x00\x00\x00\x09" // currentStateTimestamp
                 "\x00\x00\x00\x01"              // members: 1
                 "\x00\x01" "a"                    // memberId
                 "\xff\xff"                        // groupInstanceId: null
                 "\x00\x01" "c"                    // clientId
                 "\x00\x02" "/h"                   // clientHost
                 "\x00\x00\xea\x60"              // rebalanceTimeout 60000
                 "\x00\x00\x27\x10"              // sessionTimeout 10000
                 "\x00\x00\x00\x02\x01\x02"    // subscription
                 "\x00\x00\x00\x01\x03",        // assignment
                 2 + 10 + 4 + 7 + 3 + 8 + 4 + 3 + 2 + 3 + 4 + 4 + 4 + 6 + 5};
  auto v = decode_group_metadata(v3);
  REQUIRE(v);
  CHECK(v->snapshot.protocol_type == "consumer");
  CHECK(v->snapshot.generation_id == 3);
  CHECK(v->snapshot.protocol == "range");
  CHECK(v->snapshot.leader_id == "a");
  CHECK(v->current_state_timestamp_ms == 9);
  REQUIRE(v->snapshot.members.size() == 1);
  auto& m = v->snapshot.members[0];
  CHECK(m.member_id == "a");
  CHECK_FALSE(m.group_instance_id);
  CHECK(m.client_id == "c");
  CHECK(m.client_host == "/h");
  CHECK(m.rebalance_timeout_ms == 60000);
  CHECK(m.session_timeout_ms == 10000);
  CHECK(m.metadata == std::string{"\x01\x02", 2});
  CHECK(m.assignment == std::string{"\x03", 1});
  // Ours writes exactly these bytes for this group.
  CHECK(encode_group_metadata(v->snapshot, 9) == v3);

  // v0: an Empty group, protocol and leader null, no timestamp, no members.
  std::string v0{"\x00\x00\x00\x08" "consumer" "\x00\x00\x00\x05" "\xff\xff" "\xff\xff" "\x00\x00\x00\x00",
                 2 + 10 + 4 + 2 + 2 + 4};
  auto e = decode_group_metadata(v0);
  REQUIRE(e);
  CHECK(e->snapshot.generation_id == 5);
  CHECK(e->snapshot.protocol.empty());
  CHECK(e->current_state_timestamp_ms == -1);
  // v1: a member with a rebalance timeout, no instance id, no timestamp.
  std::string v1{"\x00\x01\x00\x01" "x" "\x00\x00\x00\x02" "\x00\x01" "p" "\x00\x01" "m"
                 "\x00\x00\x00\x01" "\x00\x01" "m" "\x00\x00" "\x00\x00" "\x00\x00\x00\x07"
                 "\x00\x00\x00\x05" "\x00\x00\x00\x00" "\x00\x00\x00\x00",
                 2 + 3 + 4 + 3 + 3 + 4 + 3 + 2 + 2 + 4 + 4 + 4 + 4};
  auto one = decode_group_metadata(v1);
  REQUIRE(one);
  REQUIRE(one->snapshot.members.size() == 1);
  CHECK(one->snapshot.members[0].rebalance_timeout_ms == 7);
  CHECK(one->snapshot.members[0].session_timeout_ms == 5);

  // Refused: a flexible version (v4), a truncated value, members without a protocol, an absurd count.
  std::string v4 = v3;
  v4[1] = 4;
  CHECK_FALSE(decode_group_metadata(v4));
  CHECK_FALSE(decode_group_metadata(v3.substr(0, v3.size() - 1)));
  std::string no_protocol = v1;
  no_protocol.replace(9, 3, std::string{"\xff\xff", 2});
  CHECK_FALSE(decode_group_metadata(no_protocol));
  std::string huge = v0;
  huge.replace(huge.size() - 4, 4, std::string{"\x7f\xff\xff\xff", 4});
  CHECK_FALSE(decode_group_metadata(huge));
  // A record of a value this node cannot read is skipped, not taken for a deletion.
  record r;
  r.key = std::string{"\x00\x02\x00\x01g", 5};
  r.value = v4;
  CHECK_FALSE(decode_offset_change(r));
}
