// Codec tests of the classic group-membership APIs: FindCoordinator, JoinGroup, Heartbeat,
// LeaveGroup, SyncGroup, DescribeGroups, ListGroups.

#include <doctest/doctest.h>

#include "messages/kafka/describe_groups.hpp"
#include "messages/kafka/find_coordinator.hpp"
#include "messages/kafka/heartbeat.hpp"
#include "messages/kafka/join_group.hpp"
#include "messages/kafka/leave_group.hpp"
#include "messages/kafka/list_groups.hpp"
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
  CHECK_FALSE(decode(r, 3, req));

  auto v1 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
            ascii("g") + bytes({0x00, 0x08}) + ascii("consumer");
  auto resp = check_reencodes<list_groups_response>(v1, 1);
  REQUIRE(resp.groups.size() == 1);
  CHECK(resp.groups[0].protocol_type == "consumer");
  check_hostile<list_groups_response>(v1, 2);
  auto v0 = buffer(v1.begin() + 4, v1.end());
  CHECK(check_reencodes<list_groups_response>(v0, 0).groups.at(0).group_id == "g");
}
