// Codec tests of the classic group-membership APIs: FindCoordinator, JoinGroup, Heartbeat,
// LeaveGroup, SyncGroup, DescribeGroups, ListGroups.

#include <doctest/doctest.h>

#include "messages/kafka/describe_groups.hpp"
#include "messages/kafka/find_coordinator.hpp"
#include "messages/kafka/heartbeat.hpp"
#include "messages/kafka/join_group.hpp"
#include "messages/kafka/leave_group.hpp"
#include "messages/kafka/list_groups.hpp"
#include "messages/kafka/response_errors.hpp"
#include "messages/kafka/sync_group.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("find_coordinator: requests and responses") {
  auto v0 = bytes({0x00, 0x02}) + ascii("g1");
  CHECK(check_reencodes<find_coordinator_request>(v0, 0).key == "g1");
  auto v1 = v0 + bytes({0x01});
  auto req1 = check_reencodes<find_coordinator_request>(v1, 1);
  CHECK(req1.key_type == 1);
  check_hostile<find_coordinator_request>(v1, 2);

  auto resp0 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09}) + ascii("localhost") +
               bytes({0x00, 0x00, 0x23, 0x84});
  auto r0 = check_reencodes<find_coordinator_response>(resp0, 0);
  CHECK(r0.node_id == 1);
  CHECK(r0.host == "localhost");
  CHECK(r0.port == 9092);
  check_hostile<find_coordinator_response>(resp0, 0);

  find_coordinator_response resp;
  resp.error = error_code::coordinator_not_available;
  resp.error_message = "not yet";
  resp.throttle_time_ms = 3;
  auto b1 = encode_to_bytes(1, resp);
  CHECK(buffer(b1.begin(), b1.begin() + 8) ==
        bytes({0x00, 0x00, 0x00, 0x03, 0x00, 0x0f, 0x00, 0x07}));
  auto back = check_reencodes<find_coordinator_response>(b1, 2);
  CHECK(back.error_message == std::optional<std::string>("not yet"));
  check_hostile<find_coordinator_response>(b1, 1);
}

TEST_CASE("join_group: v2 request as kafka-python sends it") {
  auto b = bytes({0x00, 0x01}) + ascii("g") +
           bytes({0x00, 0x00, 0x27, 0x10,          // session 10000
                  0x00, 0x04, 0x93, 0xe0,          // rebalance 300000
                  0x00, 0x00,                      // member "" (first join)
                  0x00, 0x08}) +
           ascii("consumer") +
           bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x05}) + ascii("range") +
           bytes({0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03});
  auto req = check_reencodes<join_group_request>(b, 2);
  CHECK(req.group_id == "g");
  CHECK(req.session_timeout_ms == 10000);
  CHECK(req.rebalance_timeout_ms == 300000);
  CHECK(req.member_id.empty());
  CHECK(req.protocol_type == "consumer");
  REQUIRE(req.protocols.size() == 1);
  CHECK(req.protocols[0].name == "range");
  CHECK(req.protocols[0].metadata == bytes({0x01, 0x02, 0x03}));
  check_hostile<join_group_request>(b, 2);

  // v5 inserts group_instance_id after member_id; v0 has no rebalance timeout.
  for (int16_t v = 0; v <= 5; ++v) {
    INFO("version " << v);
    req.group_instance_id = "static-1";
    auto enc = encode_to_bytes(v, req);
    auto back = check_reencodes<join_group_request>(enc, v);
    CHECK(back.rebalance_timeout_ms == (v >= 1 ? 300000 : -1));
    CHECK(back.group_instance_id.has_value() == (v >= 5));
    CHECK(back.protocols.at(0).metadata == bytes({0x01, 0x02, 0x03}));
  }
}

TEST_CASE("join_group: responses") {
  auto v2 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // throttle, error
                   0x00, 0x00, 0x00, 0x01,               // generation 1
                   0x00, 0x05}) +
            ascii("range") + bytes({0x00, 0x02}) + ascii("m1") + bytes({0x00, 0x02}) +
            ascii("m1") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x02}) + ascii("m1") +
            bytes({0x00, 0x00, 0x00, 0x01, 0xaa});
  auto resp = check_reencodes<join_group_response>(v2, 2);
  CHECK(resp.generation_id == 1);
  CHECK(resp.leader == "m1");
  REQUIRE(resp.members.size() == 1);
  CHECK(resp.members[0].metadata == bytes({0xaa}));
  check_hostile<join_group_response>(v2, 2);
  // v0/v1 lack the throttle time.
  auto v0 = buffer(v2.begin() + 4, v2.end());
  CHECK(check_reencodes<join_group_response>(v0, 1).generation_id == 1);
  resp.members[0].group_instance_id = "s";
  auto v5 = encode_to_bytes(5, resp);
  CHECK(check_reencodes<join_group_response>(v5, 5).members[0].group_instance_id ==
        std::optional<std::string>("s"));
  check_hostile<join_group_response>(v5, 5);
}

TEST_CASE("heartbeat: requests and responses") {
  auto v1 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x07, 0x00, 0x02}) +
            ascii("m1");
  auto req = check_reencodes<heartbeat_request>(v1, 1);
  CHECK(req.generation_id == 7);
  CHECK(req.member_id == "m1");
  check_hostile<heartbeat_request>(v1, 0);
  auto v3 = v1 + bytes({0xff, 0xff});
  CHECK_FALSE(check_reencodes<heartbeat_request>(v3, 3).group_instance_id.has_value());
  check_hostile<heartbeat_request>(v3, 3);

  auto r0 = bytes({0x00, 0x1b});
  CHECK(check_reencodes<heartbeat_response>(r0, 0).error == error_code::rebalance_in_progress);
  auto r1 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x1b});
  CHECK(check_reencodes<heartbeat_response>(r1, 3).error == error_code::rebalance_in_progress);
  check_hostile<heartbeat_response>(r1, 1);
}

TEST_CASE("leave_group: single member (v0-2) and batch (v3)") {
  auto v1 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x02}) + ascii("m1");
  CHECK(check_reencodes<leave_group_request>(v1, 1).member_id == "m1");
  check_hostile<leave_group_request>(v1, 2);

  auto v3 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x02}) +
            ascii("m1") + bytes({0xff, 0xff, 0x00, 0x00, 0x00, 0x02}) + ascii("s2");
  auto req = check_reencodes<leave_group_request>(v3, 3);
  REQUIRE(req.members.size() == 2);
  CHECK(req.members[0].member_id == "m1");
  CHECK_FALSE(req.members[0].group_instance_id.has_value());
  CHECK(req.members[1].group_instance_id == std::optional<std::string>("s2"));
  check_hostile<leave_group_request>(v3, 3);

  leave_group_response resp;
  resp.throttle_time_ms = 1;
  resp.members = {{"m1", std::nullopt, error_code::unknown_member_id}};
  CHECK(encode_to_bytes(0, resp) == bytes({0x00, 0x00}));
  CHECK(encode_to_bytes(1, resp) == bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
  auto r3 = encode_to_bytes(3, resp);
  CHECK(r3 == bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02}) +
                  ascii("m1") + bytes({0xff, 0xff, 0x00, 0x19}));
  CHECK(check_reencodes<leave_group_response>(r3, 3).members.at(0).error ==
        error_code::unknown_member_id);
  check_hostile<leave_group_response>(r3, 3);
}

TEST_CASE("sync_group: requests and responses") {
  auto v1 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x02}) +
            ascii("m1") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x02}) + ascii("m1") +
            bytes({0x00, 0x00, 0x00, 0x02, 0x01, 0x02});
  auto req = check_reencodes<sync_group_request>(v1, 1);
  CHECK(req.generation_id == 1);
  REQUIRE(req.assignments.size() == 1);
  CHECK(req.assignments[0].assignment == bytes({0x01, 0x02}));
  check_hostile<sync_group_request>(v1, 1);
  req.group_instance_id = "s";
  auto v3 = encode_to_bytes(3, req);
  CHECK(check_reencodes<sync_group_request>(v3, 3).group_instance_id ==
        std::optional<std::string>("s"));
  check_hostile<sync_group_request>(v3, 3);

  auto r1 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02});
  auto resp = check_reencodes<sync_group_response>(r1, 1);
  CHECK(resp.assignment == bytes({0x01, 0x02}));
  check_hostile<sync_group_response>(r1, 3);
  auto r0 = buffer(r1.begin() + 4, r1.end());
  CHECK(check_reencodes<sync_group_response>(r0, 0).assignment == bytes({0x01, 0x02}));
  SUBCASE("null assignment bytes are illegal") {
    auto bad = bytes({0x00, 0x00, 0xff, 0xff, 0xff, 0xff});
    reader r(bad.data(), bad.size());
    sync_group_response x;
    CHECK_FALSE(decode(r, 0, x));
  }
}

TEST_CASE("describe_groups: requests and responses") {
  auto v0 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("g");
  CHECK(check_reencodes<describe_groups_request>(v0, 0).groups == std::vector<std::string>{"g"});
  auto v3 = v0 + bytes({0x01});
  CHECK(check_reencodes<describe_groups_request>(v3, 4).include_authorized_operations);
  check_hostile<describe_groups_request>(v3, 3);

  describe_groups_response resp;
  resp.throttle_time_ms = 2;
  described_group g;
  g.group_id = "g";
  g.group_state = "Stable";
  g.protocol_type = "consumer";
  g.protocol_data = "range";
  g.members = {{"m1", std::string("s1"), "client", "/127.0.0.1", bytes({0x01}), bytes({0x02})}};
  g.authorized_operations = 5;
  resp.groups = {g};
  auto b0 = encode_to_bytes(0, resp);
  CHECK(b0 == bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}) + ascii("g") +
                  bytes({0x00, 0x06}) + ascii("Stable") + bytes({0x00, 0x08}) +
                  ascii("consumer") + bytes({0x00, 0x05}) + ascii("range") +
                  bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x02}) + ascii("m1") +
                  bytes({0x00, 0x06}) + ascii("client") + bytes({0x00, 0x0a}) +
                  ascii("/127.0.0.1") + bytes({0x00, 0x00, 0x00, 0x01, 0x01}) +
                  bytes({0x00, 0x00, 0x00, 0x01, 0x02}));
  for (int16_t v = 0; v <= 4; ++v) {
    INFO("version " << v);
    auto b = encode_to_bytes(v, resp);
    auto back = check_reencodes<describe_groups_response>(b, v);
    const auto& m = back.groups.at(0).members.at(0);
    CHECK(m.group_instance_id.has_value() == (v >= 4));
    CHECK(m.member_assignment == bytes({0x02}));
    CHECK(back.groups[0].authorized_operations == (v >= 3 ? 5 : INT32_MIN));
    check_hostile<describe_groups_response>(b, v);
  }
}

TEST_CASE("list_groups: empty request, responses") {
  buffer empty;
  for (int16_t v = 0; v <= 2; ++v)
    decode_all<list_groups_request>(empty, v);
  reader r(empty.data(), 0);
  list_groups_request req;
  CHECK_FALSE(decode(r, 3, req)); // v3+ end with a tag section
  reader r5(empty.data(), 0);
  CHECK_FALSE(decode(r5, 5, req)); // not supported

  auto v1 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
            ascii("g") + bytes({0x00, 0x08}) + ascii("consumer");
  auto resp = check_reencodes<list_groups_response>(v1, 1);
  REQUIRE(resp.groups.size() == 1);
  CHECK(resp.groups[0].protocol_type == "consumer");
  check_hostile<list_groups_response>(v1, 2);
  auto v0 = buffer(v1.begin() + 4, v1.end());
  CHECK(check_reencodes<list_groups_response>(v0, 0).groups.at(0).group_id == "g");
}

// ---- flexible versions (KIP-482): compact strings, arrays and bytes, a tag section closing each struct ----

TEST_CASE("find_coordinator: v3 (flexible) and v4 (a batch of keys, one answer each)") {
  auto v3 = bytes({0x02}) + ascii("g") + bytes({0x00, 0x00});
  auto req3 = check_reencodes<find_coordinator_request>(v3, 3);
  CHECK(req3.key == "g");
  CHECK(req3.keys(3) == std::vector<std::string>{"g"});
  check_hostile<find_coordinator_request>(v3, 3);
  // v4 as @platformatic/kafka sends it: key_type, then the compact array of keys.
  auto v4 = bytes({0x00, 0x03, 0x02}) + ascii("g") + bytes({0x03}) + ascii("g2") + bytes({0x00});
  auto req4 = check_reencodes<find_coordinator_request>(v4, 4);
  CHECK(req4.key.empty());
  CHECK(req4.keys(4) == std::vector<std::string>{"g", "g2"});
  check_hostile<find_coordinator_request>(v4, 4);

  auto r3 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a}) + ascii("localhost") +
            bytes({0x00, 0x00, 0x23, 0x84, 0x00});
  auto resp3 = check_reencodes<find_coordinator_response>(r3, 3);
  CHECK(resp3.node_id == 1);
  CHECK(resp3.host == "localhost");
  CHECK_FALSE(resp3.error_message.has_value());
  check_hostile<find_coordinator_response>(r3, 3);

  auto r4 = bytes({0x00, 0x00, 0x00, 0x00, 0x03, 0x02}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x01, 0x0a}) +
            ascii("localhost") + bytes({0x00, 0x00, 0x23, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01}) +
            bytes({0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x18, 0x04}) + ascii("bad") +
            bytes({0x00, 0x00});
  auto resp4 = check_reencodes<find_coordinator_response>(r4, 4);
  REQUIRE(resp4.coordinators.size() == 2);
  CHECK(resp4.coordinators[0].key == "g");
  CHECK(resp4.coordinators[0].port == 9092);
  CHECK(resp4.coordinators[1].key.empty());
  CHECK(resp4.coordinators[1].node_id == -1);
  CHECK(resp4.coordinators[1].error == error_code::invalid_group_id);
  CHECK(resp4.coordinators[1].error_message == std::optional<std::string>("bad"));
  CHECK(carries_error(resp4));
  check_hostile<find_coordinator_response>(r4, 4);
}

TEST_CASE("find_coordinator: v5 and v6 have v4's layout (v6 may ask for a share group, key type 2); v7 refused") {
  // Built per FindCoordinatorRequest.json at 3.9: key_type 2, the compact array of keys ["sg"], empty tags.
  auto req_b = bytes({0x02, 0x02, 0x03}) + ascii("sg") + bytes({0x00});
  for (int16_t v : {5, 6}) {
    INFO("version " << v);
    auto req = check_reencodes<find_coordinator_request>(req_b, v);
    CHECK(req.key_type == 2);
    CHECK(req.keys(v) == std::vector<std::string>{"sg"});
    check_hostile<find_coordinator_request>(req_b, v);
  }
  // FindCoordinatorResponse.json v5/v6: throttle 0, one coordinator "sg": node -1, host "", port -1,
  // COORDINATOR_NOT_AVAILABLE (15), message "x".
  auto resp_b = bytes({0x00, 0x00, 0x00, 0x00, 0x02, 0x03}) + ascii("sg") +
                bytes({0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0f, 0x02}) + ascii("x") +
                bytes({0x00, 0x00});
  for (int16_t v : {5, 6}) {
    INFO("version " << v);
    auto resp = check_reencodes<find_coordinator_response>(resp_b, v);
    REQUIRE(resp.coordinators.size() == 1);
    CHECK(resp.coordinators[0].key == "sg");
    CHECK(resp.coordinators[0].error == error_code::coordinator_not_available);
    check_hostile<find_coordinator_response>(resp_b, v);
  }
  reader r(req_b.data(), req_b.size());
  find_coordinator_request newer;
  CHECK_FALSE(decode(r, 7, newer));
}

TEST_CASE("list_groups: v5 (KIP-848) adds the types filter and each group's type; v6 refused") {
  // Built per ListGroupsRequest.json at 3.9: states_filter ["Stable"], types_filter ["classic", "consumer"].
  auto v5 = bytes({0x02, 0x07}) + ascii("Stable") + bytes({0x03, 0x08}) + ascii("classic") + bytes({0x09}) +
            ascii("consumer") + bytes({0x00});
  auto req = check_reencodes<list_groups_request>(v5, 5);
  CHECK(req.states_filter == std::vector<std::string>{"Stable"});
  CHECK(req.types_filter == std::vector<std::string>{"classic", "consumer"});
  check_hostile<list_groups_request>(v5, 5);
  // v4 has no types filter: encoded at v4 the request drops it.
  CHECK(encode_to_bytes(4, req) == bytes({0x02, 0x07}) + ascii("Stable") + bytes({0x00}));

  // ListGroupsResponse.json v5: throttle 0, error 0, one group "g" of protocol "consumer", state "Stable",
  // type "classic".
  auto r5 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("g") + bytes({0x09}) +
            ascii("consumer") + bytes({0x07}) + ascii("Stable") + bytes({0x08}) + ascii("classic") +
            bytes({0x00, 0x00});
  auto resp = check_reencodes<list_groups_response>(r5, 5);
  REQUIRE(resp.groups.size() == 1);
  CHECK(resp.groups[0].group_state == "Stable");
  CHECK(resp.groups[0].group_type == "classic");
  check_hostile<list_groups_response>(r5, 5);
  reader r(v5.data(), v5.size());
  list_groups_request newer;
  CHECK_FALSE(decode(r, 6, newer));
}

TEST_CASE("join_group: v6-v9 (flexible; v7 protocol type, v8 reason, v9 skip_assignment)") {
  // v9 as @platformatic/kafka sends a first join.
  auto v9 = bytes({0x02}) + ascii("g") +
            bytes({0x00, 0x00, 0x27, 0x10, 0x00, 0x04, 0x93, 0xe0, // session 10000, rebalance 300000
                   0x01, 0x00, 0x09}) +                          // member "", no instance, "consumer"
            ascii("consumer") + bytes({0x02, 0x06}) + ascii("range") + bytes({0x04, 0x01, 0x02, 0x03, 0x00}) +
            bytes({0x00, 0x00}); // reason null, tags
  auto req = check_reencodes<join_group_request>(v9, 9);
  CHECK(req.group_id == "g");
  CHECK(req.rebalance_timeout_ms == 300000);
  CHECK(req.member_id.empty());
  CHECK_FALSE(req.group_instance_id.has_value());
  CHECK(req.protocol_type == "consumer");
  REQUIRE(req.protocols.size() == 1);
  CHECK(req.protocols[0].metadata == bytes({0x01, 0x02, 0x03}));
  CHECK_FALSE(req.reason.has_value());
  check_hostile<join_group_request>(v9, 9);
  // v6 and v7 have no reason; v8 adds it.
  auto v7 = buffer(v9.begin(), v9.end() - 2) + bytes({0x00});
  CHECK(check_reencodes<join_group_request>(v7, 7).protocol_type == "consumer");
  CHECK(check_reencodes<join_group_request>(v7, 6).protocols.size() == 1);
  req.reason = "rebalance failed";
  for (int16_t v = 6; v <= 9; ++v) {
    INFO("version " << v);
    auto back = check_reencodes<join_group_request>(encode_to_bytes(v, req), v);
    CHECK(back.reason.has_value() == (v >= 8));
  }

  auto r9 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09}) + ascii("consumer") +
            bytes({0x06}) + ascii("range") + bytes({0x03}) + ascii("m1") + bytes({0x00, 0x03}) + ascii("m1") +
            bytes({0x02, 0x03}) + ascii("m1") + bytes({0x00, 0x04, 0x01, 0x02, 0x03, 0x00, 0x00});
  auto resp = check_reencodes<join_group_response>(r9, 9);
  CHECK(resp.generation_id == 1);
  CHECK(resp.protocol_type == std::optional<std::string>("consumer"));
  CHECK(resp.protocol_name == "range");
  CHECK(resp.leader == "m1");
  CHECK_FALSE(resp.skip_assignment);
  REQUIRE(resp.members.size() == 1);
  CHECK(resp.members[0].metadata == bytes({0x01, 0x02, 0x03}));
  check_hostile<join_group_response>(r9, 9);
  for (int16_t v = 6; v <= 9; ++v) {
    INFO("version " << v);
    auto back = check_reencodes<join_group_response>(encode_to_bytes(v, resp), v);
    CHECK(back.protocol_type.has_value() == (v >= 7));
    CHECK(back.protocol_name == "range");
    CHECK(back.members.at(0).member_id == "m1");
  }
  // An error answer: v7+ send the protocol type and name as null.
  join_group_response err;
  err.error = error_code::member_id_required;
  err.member_id = "m2";
  auto e7 = encode_to_bytes(7, err);
  CHECK(e7 == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x4f, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x03}) +
                ascii("m2") + bytes({0x01, 0x00}));
  CHECK(encode_to_bytes(6, err) == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x4f, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01,
                                          0x03}) + ascii("m2") + bytes({0x01, 0x00}));
  auto back = check_reencodes<join_group_response>(e7, 7);
  CHECK(back.error == error_code::member_id_required);
  CHECK_FALSE(back.protocol_type.has_value());
}

TEST_CASE("heartbeat: v4 (flexible)") {
  auto v4 = bytes({0x02}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x07, 0x03}) + ascii("m1") + bytes({0x00, 0x00});
  auto req = check_reencodes<heartbeat_request>(v4, 4);
  CHECK(req.generation_id == 7);
  CHECK(req.member_id == "m1");
  CHECK_FALSE(req.group_instance_id.has_value());
  check_hostile<heartbeat_request>(v4, 4);
  auto r4 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x1b, 0x00});
  CHECK(check_reencodes<heartbeat_response>(r4, 4).error == error_code::rebalance_in_progress);
  check_hostile<heartbeat_response>(r4, 4);
  // A tag section with an unknown tag is skipped.
  auto tagged = buffer(v4.begin(), v4.end() - 1) + bytes({0x01, 0x05, 0x02, 0xaa, 0xbb});
  CHECK(decode_all<heartbeat_request>(tagged, 4).member_id == "m1");
}

TEST_CASE("leave_group: v4 (flexible) and v5 (a reason per member)") {
  auto v5 = bytes({0x02}) + ascii("g") + bytes({0x02, 0x03}) + ascii("m1") + bytes({0x00, 0x05}) + ascii("done") +
            bytes({0x00, 0x00});
  auto req = check_reencodes<leave_group_request>(v5, 5);
  REQUIRE(req.members.size() == 1);
  CHECK(req.members[0].member_id == "m1");
  CHECK(req.members[0].reason == std::optional<std::string>("done"));
  check_hostile<leave_group_request>(v5, 5);
  auto back4 = check_reencodes<leave_group_request>(encode_to_bytes(4, req), 4);
  CHECK_FALSE(back4.members.at(0).reason.has_value());
  CHECK(encode_to_bytes(4, req) == bytes({0x02}) + ascii("g") + bytes({0x02, 0x03}) + ascii("m1") +
                                       bytes({0x00, 0x00, 0x00}));

  leave_group_response resp;
  resp.members = {{"m1", std::nullopt, error_code::unknown_member_id}};
  auto r5 = encode_to_bytes(5, resp);
  CHECK(r5 == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03}) + ascii("m1") +
                bytes({0x00, 0x00, 0x19, 0x00, 0x00}));
  CHECK(check_reencodes<leave_group_response>(r5, 4).members.at(0).error == error_code::unknown_member_id);
  check_hostile<leave_group_response>(r5, 5);
}

TEST_CASE("sync_group: v4 (flexible) and v5 (protocol type and name)") {
  auto v5 = bytes({0x02}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x01, 0x03}) + ascii("m1") + bytes({0x00, 0x09}) +
            ascii("consumer") + bytes({0x06}) + ascii("range") + bytes({0x02, 0x03}) + ascii("m1") +
            bytes({0x03, 0xaa, 0xbb, 0x00, 0x00});
  auto req = check_reencodes<sync_group_request>(v5, 5);
  CHECK(req.generation_id == 1);
  CHECK(req.protocol_type == std::optional<std::string>("consumer"));
  CHECK(req.protocol_name == std::optional<std::string>("range"));
  REQUIRE(req.assignments.size() == 1);
  CHECK(req.assignments[0].assignment == bytes({0xaa, 0xbb}));
  check_hostile<sync_group_request>(v5, 5);
  auto back4 = check_reencodes<sync_group_request>(encode_to_bytes(4, req), 4);
  CHECK_FALSE(back4.protocol_type.has_value());
  CHECK(back4.assignments.at(0).assignment == bytes({0xaa, 0xbb}));

  auto r5 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09}) + ascii("consumer") + bytes({0x06}) + ascii("range") +
            bytes({0x03, 0xaa, 0xbb, 0x00});
  auto resp = check_reencodes<sync_group_response>(r5, 5);
  CHECK(resp.protocol_name == std::optional<std::string>("range"));
  CHECK(resp.assignment == bytes({0xaa, 0xbb}));
  check_hostile<sync_group_response>(r5, 5);
  auto r4 = encode_to_bytes(4, resp);
  CHECK(r4 == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0x00}));
  CHECK_FALSE(check_reencodes<sync_group_response>(r4, 4).protocol_type.has_value());
}

TEST_CASE("describe_groups: v5 (flexible)") {
  auto v5 = bytes({0x02, 0x02}) + ascii("g") + bytes({0x01, 0x00});
  auto req = check_reencodes<describe_groups_request>(v5, 5);
  CHECK(req.groups == std::vector<std::string>{"g"});
  CHECK(req.include_authorized_operations);
  check_hostile<describe_groups_request>(v5, 5);

  describe_groups_response resp;
  described_group g;
  g.group_id = "g";
  g.group_state = "Stable";
  g.protocol_type = "consumer";
  g.protocol_data = "range";
  g.members = {{"m1", std::nullopt, "c", "/h", bytes({0x01}), bytes({0x02})}};
  g.authorized_operations = 5;
  resp.groups = {g};
  auto r5 = encode_to_bytes(5, resp);
  CHECK(r5 == bytes({0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02}) + ascii("g") + bytes({0x07}) +
                ascii("Stable") + bytes({0x09}) + ascii("consumer") + bytes({0x06}) + ascii("range") +
                bytes({0x02, 0x03}) + ascii("m1") + bytes({0x00, 0x02}) + ascii("c") + bytes({0x03}) + ascii("/h") +
                bytes({0x02, 0x01, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00}));
  auto back = check_reencodes<describe_groups_response>(r5, 5);
  CHECK(back.groups.at(0).members.at(0).member_assignment == bytes({0x02}));
  check_hostile<describe_groups_response>(r5, 5);
}

TEST_CASE("list_groups: v3 (flexible) and v4 (states filter, each group's state)") {
  auto v3 = bytes({0x00});
  decode_all<list_groups_request>(v3, 3);
  auto v4 = bytes({0x03, 0x07}) + ascii("Stable") + bytes({0x06}) + ascii("Empty") + bytes({0x00});
  auto req = check_reencodes<list_groups_request>(v4, 4);
  CHECK(req.states_filter == std::vector<std::string>{"Stable", "Empty"});
  check_hostile<list_groups_request>(v4, 4);
  CHECK(check_reencodes<list_groups_request>(bytes({0x01, 0x00}), 4).states_filter.empty());

  list_groups_response resp;
  resp.groups = {{"g", "consumer", "Stable", "classic"}};
  auto r4 = encode_to_bytes(4, resp);
  CHECK(r4 == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("g") + bytes({0x09}) +
                ascii("consumer") + bytes({0x07}) + ascii("Stable") + bytes({0x00, 0x00}));
  CHECK(check_reencodes<list_groups_response>(r4, 4).groups.at(0).group_state == "Stable");
  check_hostile<list_groups_response>(r4, 4);
  auto r3 = encode_to_bytes(3, resp);
  CHECK(r3 == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("g") + bytes({0x09}) +
                ascii("consumer") + bytes({0x00, 0x00}));
  CHECK(check_reencodes<list_groups_response>(r3, 3).groups.at(0).group_state.empty());
  check_hostile<list_groups_response>(r3, 3);
}
