// Raft messages on the wire (messages/cluster_api.hpp): every alternative of raft::message, snapshot
// chunks and the quorum status, go through CAF's binary serializer as a whole caf::message, the way BASP ships them to
// another node. Serializing a caf::message looks every element type up in the registry, so a type missing
// from register_samsa_types fails here instead of silently between two nodes.
#include <doctest/doctest.h>

#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include "caf_wire_support.hpp"
#include "messages/cluster_api.hpp"
#include "messages/type_registry.hpp"

using namespace samsa;
using namespace samsa::raft;

namespace {

using test::through_bytes;
using test::wire_config;

log_entry entry(int64_t term, int64_t index, entry_kind kind, std::string data) {
  return log_entry{term_t{term}, log_index_t{index}, kind, std::move(data)};
}

// (raft_atom, from, msg) through bytes and back; returns the decoded (from, msg).
std::pair<node_id_t, message> round_trip(caf::actor_system& sys, node_id_t from, const message& msg) {
  auto original = caf::make_message(raft_atom::value, from, msg);
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto err = sink(original);
  REQUIRE_MESSAGE(!err, sys.render(err));
  REQUIRE(!buf.empty());
  caf::message decoded;
  caf::binary_deserializer source{sys, buf};
  err = source(decoded);
  REQUIRE_MESSAGE(!err, sys.render(err));
  REQUIRE(decoded.size() == 3);
  REQUIRE(decoded.match_element<raft_atom>(0));
  REQUIRE(decoded.match_element<node_id_t>(1));
  REQUIRE(decoded.match_element<message>(2));
  return {decoded.get_as<node_id_t>(1), decoded.get_as<message>(2)};
}

} // namespace

TEST_CASE("raft wire: every message alternative survives CAF's binary serializer") {
  wire_config cfg;
  caf::actor_system sys{cfg};

  std::vector<message> all;
  all.emplace_back(vote_request{term_t{7}, log_index_t{41}, term_t{6}, true});
  all.emplace_back(vote_response{term_t{7}, true, false});
  all.emplace_back(append_request{term_t{9}, log_index_t{3}, term_t{2},
                                  {entry(9, 4, entry_kind::noop, ""), entry(9, 5, entry_kind::data, std::string("a\0b", 3))},
                                  log_index_t{4}});
  all.emplace_back(append_request{term_t{1}, log_index_t{0}, term_t{0}, {}, log_index_t{0}}); // heartbeat
  all.emplace_back(append_response{term_t{9}, false, log_index_t{3}, log_index_t{2}});
  all.emplace_back(snapshot_request{term_t{4}, snapshot{snapshot_meta{log_index_t{100}, term_t{3}}, "image bytes"}});
  all.emplace_back(snapshot_response{term_t{4}, log_index_t{100}});
  // Every alternative at least once.
  std::vector<bool> seen(std::variant_size_v<message>);
  for (auto& m : all)
    seen[m.index()] = true;
  for (size_t i = 0; i < seen.size(); ++i)
    CHECK_MESSAGE(seen[i], "alternative " << i << " not covered");

  for (auto& m : all) {
    CAPTURE(name_of(m));
    auto [from, back] = round_trip(sys, node_id_t{3}, m);
    CHECK(from == node_id_t{3});
    REQUIRE(back.index() == m.index());
    CHECK(term_of(back) == term_of(m));
    // Field by field through a second encoding: equal bytes mean equal values for this serializer.
    std::vector<char> a, b;
    caf::binary_serializer sa{sys, a}, sb{sys, b};
    CHECK(!sa(const_cast<message&>(m)));
    CHECK(!sb(back));
    CHECK(a == b);
  }

  // Spot checks that the fields are really carried, not just lengths.
  auto [from, back] = round_trip(sys, node_id_t{2}, all[2]);
  auto& req = std::get<append_request>(back);
  CHECK(req.prev_log_index == log_index_t{3});
  CHECK(req.leader_commit == log_index_t{4});
  REQUIRE(req.entries.size() == 2);
  CHECK(req.entries[0] == entry(9, 4, entry_kind::noop, ""));
  CHECK(req.entries[1] == entry(9, 5, entry_kind::data, std::string("a\0b", 3)));
  auto snap = std::get<snapshot_request>(round_trip(sys, node_id_t{1}, all[5]).second);
  CHECK(snap.snap.meta.index == log_index_t{100});
  CHECK(snap.snap.meta.term == term_t{3});
  CHECK(snap.snap.data == "image bytes");
  auto vote = std::get<vote_request>(round_trip(sys, node_id_t{1}, all[0]).second);
  CHECK(vote.pre_vote);
  CHECK(vote.last_log_term == term_t{6});
}

TEST_CASE("raft wire: an unknown alternative index is refused, not misread") {
  wire_config cfg;
  caf::actor_system sys{cfg};
  message m = vote_response{term_t{1}, true, false};
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE(!sink(m));
  buf[0] = static_cast<char>(std::variant_size_v<message>); // the index byte comes first
  message back;
  caf::binary_deserializer source{sys, buf};
  CHECK(source(back));
}

TEST_CASE("raft wire: quorum status and the not_leader error") {
  wire_config cfg;
  caf::actor_system sys{cfg};
  quorum_status s{2, "leader", 3, 2, 10, 11, 10, {1, 3, 4}, 8, 4, 1, true, {4}};
  auto decoded = through_bytes(sys, caf::make_message(s));
  REQUIRE(decoded.match_element<quorum_status>(0));
  auto& d = decoded.get_as<quorum_status>(0);
  CHECK(d.role == "leader");
  CHECK(d.leader == 2);
  CHECK(d.last_index == 11);
  CHECK(d.peers == std::vector<int32_t>{1, 3, 4});
  CHECK(d.snapshot_index == 8);
  CHECK(d.snapshots_taken == 4);
  CHECK(d.snapshots_installed == 1);
  CHECK(d.voter);
  CHECK(d.learners == std::vector<int32_t>{4});

  CHECK(leader_hint(not_leader_error(2)) == 2);
  CHECK_FALSE(leader_hint(not_leader_error(-1)));
  CHECK_FALSE(leader_hint(make_error(api_errc::request_timed_out)));
  CHECK(describe(not_leader_error(2)) == "not_leader: not the quorum leader; node 2 is");
}

TEST_CASE("raft wire: a snapshot chunk survives CAF's binary serializer") {
  wire_config cfg;
  caf::actor_system sys{cfg};
  snapshot_chunk c{term_t{4}, snapshot_meta{log_index_t{100}, term_t{3}}, 1000, 64, std::string("\0chunk\xff", 7)};
  auto decoded = through_bytes(sys, caf::make_message(raft_atom::value, node_id_t{2}, c));
  REQUIRE(decoded.match_element<snapshot_chunk>(2));
  auto& d = decoded.get_as<snapshot_chunk>(2);
  CHECK(d.term == term_t{4});
  CHECK(d.meta.index == log_index_t{100});
  CHECK(d.meta.term == term_t{3});
  CHECK(d.total == 1000);
  CHECK(d.offset == 64);
  CHECK(d.data == std::string("\0chunk\xff", 7));
}
