// The strong ids of messages/ids.hpp: they do not convert into each other or from/to raw integers
// implicitly, their arithmetic is the one they declare, and every one (and the replication messages that
// carry them) goes through CAF's binary serializer with the same bytes as the raw integer it wraps, so a
// node built before the conversion and one built after still understand each other.
#include <doctest/doctest.h>

#include <type_traits>
#include <vector>

#include "caf_wire_support.hpp"
#include "messages/cluster_api.hpp"
#include "messages/ids.hpp"
#include "messages/replica_api.hpp"

using namespace samsa;

namespace {

// -- no implicit conversions --------------------------------------------------------------------------------

template <class A, class B>
constexpr bool mixes = std::is_convertible_v<A, B> || std::is_convertible_v<B, A>;

// From their representation: explicit only; to it: never (only through .value).
template <class T>
constexpr bool explicit_only = std::is_constructible_v<T, typename T::rep>
                               && !std::is_convertible_v<typename T::rep, T>
                               && !std::is_convertible_v<T, typename T::rep>
                               && !std::is_convertible_v<int, T> && !std::is_convertible_v<T, int>
                               && !std::is_convertible_v<T, bool>;

static_assert(explicit_only<offset_t>);
static_assert(explicit_only<leader_epoch_t>);
static_assert(explicit_only<partition_epoch_t>);
static_assert(explicit_only<broker_id_t>);
static_assert(explicit_only<producer_id_t>);
static_assert(explicit_only<raft::term_t>);
static_assert(explicit_only<raft::log_index_t>);
static_assert(explicit_only<raft::node_id_t>);

// Same representation, different meaning: neither converts nor constructs from the other.
static_assert(!mixes<leader_epoch_t, partition_epoch_t>);
static_assert(!mixes<leader_epoch_t, broker_id_t>);
static_assert(!mixes<partition_epoch_t, broker_id_t>);
static_assert(!mixes<offset_t, producer_id_t>);
static_assert(!mixes<broker_id_t, raft::node_id_t>);
static_assert(!mixes<offset_t, raft::log_index_t>);
static_assert(!std::is_constructible_v<leader_epoch_t, broker_id_t>);
static_assert(!std::is_constructible_v<offset_t, producer_id_t>);
static_assert(!std::is_constructible_v<broker_id_t, raft::node_id_t>);
static_assert(!std::is_constructible_v<std::vector<broker_id_t>, std::vector<int32_t>>);

// -- arithmetic: offset + n -> offset, offset - offset -> distance; nothing else --------------------------

template <class A, class B, class = void>
struct can_add : std::false_type {};
template <class A, class B>
struct can_add<A, B, std::void_t<decltype(std::declval<A>() + std::declval<B>())>> : std::true_type {};
template <class A, class B, class = void>
struct can_sub : std::false_type {};
template <class A, class B>
struct can_sub<A, B, std::void_t<decltype(std::declval<A>() - std::declval<B>())>> : std::true_type {};

static_assert(std::is_same_v<decltype(offset_t{1} + int64_t{2}), offset_t>);
static_assert(std::is_same_v<decltype(offset_t{5} - offset_t{2}), int64_t>);
static_assert(!can_add<offset_t, offset_t>::value);
static_assert(!can_sub<offset_t, int64_t>::value);
static_assert(!can_add<leader_epoch_t, int32_t>::value);
static_assert(!can_add<broker_id_t, int32_t>::value);
static_assert(!can_add<producer_id_t, int64_t>::value);
static_assert(!can_sub<leader_epoch_t, leader_epoch_t>::value);

// -- CAF ----------------------------------------------------------------------------------------------------

template <class T>
std::vector<char> to_bytes(T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto err = sink(x);
  REQUIRE(!err);
  return buf;
}

template <class T>
T from_bytes(const std::vector<char>& buf) {
  T x;
  caf::binary_deserializer source{nullptr, buf};
  auto err = source(x);
  REQUIRE(!err);
  return x;
}

// One strong id: the same bytes as its raw value, and back to the same value.
template <class T>
void check_round_trip(typename T::rep raw) {
  CAPTURE(raw);
  auto bytes = to_bytes(T{raw});
  CHECK(bytes == to_bytes(raw));
  CHECK(from_bytes<T>(bytes) == T{raw});
}

using test::through_bytes;
using test::wire_config;

} // namespace

TEST_CASE("ids: values, sentinels and comparisons") {
  CHECK(no_leader_epoch.value == -1);
  CHECK(no_broker.value == -1);
  CHECK(leader_epoch_t{} == leader_epoch_t{0});
  CHECK(broker_id_t{3} != no_broker);
  CHECK(leader_epoch_t{2} < leader_epoch_t{3});
  CHECK(leader_epoch_t{3} >= leader_epoch_t{3});
  CHECK(no_leader_epoch < leader_epoch_t{0});
  CHECK(offset_t{10} + 5 == offset_t{15});
  CHECK(offset_t{10} + -10 == offset_t{0});
  CHECK(offset_t{15} - offset_t{10} == 5);
  CHECK(offset_t{10} - offset_t{15} == -5);
  // The full 64-bit range of an offset survives the arithmetic (no narrowing through int).
  constexpr int64_t big = int64_t{1} << 40;
  CHECK((offset_t{big} + big).value == 2 * big);
  CHECK(offset_t{2 * big} - offset_t{0} == 2 * big);
}

TEST_CASE("ids: broker id lists convert at the edges, in order") {
  std::vector<int32_t> raw{3, 1, 2};
  auto ids = to_broker_ids(raw);
  REQUIRE(ids.size() == 3);
  CHECK(ids[0] == broker_id_t{3});
  CHECK(ids[1] == broker_id_t{1});
  CHECK(ids[2] == broker_id_t{2});
  CHECK(to_ints(ids) == raw);
  CHECK(to_broker_ids({}).empty());
  CHECK(to_ints({}).empty());
}

TEST_CASE("ids: every named_type serializes as its raw value through CAF's binary serializer") {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{42}, int64_t{1} << 40, INT64_MAX}) {
    check_round_trip<offset_t>(v);
    check_round_trip<producer_id_t>(v);
    check_round_trip<raft::term_t>(v);
    check_round_trip<raft::log_index_t>(v);
  }
  for (int32_t v : {0, -1, 7, INT32_MAX}) {
    check_round_trip<leader_epoch_t>(v);
    check_round_trip<partition_epoch_t>(v);
    check_round_trip<broker_id_t>(v);
    check_round_trip<raft::node_id_t>(v);
  }
}

TEST_CASE("ids: the replication messages keep the bytes they had with plain integers") {
  // replica_fetch_request as it was serialized before the conversion: the same fields, raw integers.
  replica_fetch_request req;
  req.topic = "orders";
  req.partition = 3;
  req.replica_id = broker_id_t{2};
  req.leader_epoch = leader_epoch_t{9};
  req.fetch_offset = offset_t{int64_t{1} << 33};
  req.max_bytes = 4096;
  req.max_wait_ms = 250;
  std::vector<char> old_bytes;
  {
    caf::binary_serializer sink{nullptr, old_bytes};
    REQUIRE(!sink(std::string{"orders"}, int32_t{3}, int32_t{2}, int32_t{9}, int64_t{1} << 33, int32_t{4096},
                  int32_t{250}));
  }
  CHECK(to_bytes(req) == old_bytes);

  partition_leadership l;
  l.topic_id = "abc";
  l.replicas = to_broker_ids({1, 2, 3});
  l.isr = to_broker_ids({1, 3});
  l.leader = broker_id_t{3};
  l.leader_epoch = leader_epoch_t{4};
  l.partition_epoch = partition_epoch_t{11};
  l.min_insync_replicas = 2;
  std::vector<char> old_leadership;
  {
    caf::binary_serializer sink{nullptr, old_leadership};
    REQUIRE(!sink(std::string{"abc"}, std::vector<int32_t>{1, 2, 3}, std::vector<int32_t>{1, 3}, int32_t{3},
                  int32_t{4}, int32_t{11}, int32_t{2}));
  }
  CHECK(to_bytes(l) == old_leadership);
}

TEST_CASE("ids: replication messages and bare strong ids cross nodes as caf::messages") {
  wire_config cfg;
  caf::actor_system sys{cfg};

  epoch_end_response er;
  er.error = 0;
  er.epoch = leader_epoch_t{5};
  er.end_offset = offset_t{1234};
  replica_fetch_response fr;
  fr.leader_epoch = leader_epoch_t{6};
  fr.high_watermark = offset_t{10};
  fr.log_start_offset = offset_t{2};
  fr.log_end_offset = offset_t{12};
  fr.records = {'a', 'b'};
  auto decoded = through_bytes(sys, caf::make_message(er, fr, broker_id_t{7}, producer_id_t{int64_t{1} << 35},
                                                      offset_t{-1}, leader_epoch_t{8}, partition_epoch_t{9}));
  REQUIRE(decoded.size() == 7);
  REQUIRE(decoded.match_element<epoch_end_response>(0));
  REQUIRE(decoded.match_element<replica_fetch_response>(1));
  auto er2 = decoded.get_as<epoch_end_response>(0);
  CHECK(er2.epoch == leader_epoch_t{5});
  CHECK(er2.end_offset == offset_t{1234});
  auto fr2 = decoded.get_as<replica_fetch_response>(1);
  CHECK(fr2.leader_epoch == leader_epoch_t{6});
  CHECK(fr2.high_watermark == offset_t{10});
  CHECK(fr2.log_start_offset == offset_t{2});
  CHECK(fr2.log_end_offset == offset_t{12});
  CHECK(fr2.records == std::vector<char>{'a', 'b'});
  REQUIRE(decoded.match_element<broker_id_t>(2));
  CHECK(decoded.get_as<broker_id_t>(2) == broker_id_t{7});
  REQUIRE(decoded.match_element<producer_id_t>(3));
  CHECK(decoded.get_as<producer_id_t>(3) == producer_id_t{int64_t{1} << 35});
  REQUIRE(decoded.match_element<offset_t>(4));
  CHECK(decoded.get_as<offset_t>(4) == offset_t{-1});
  REQUIRE(decoded.match_element<leader_epoch_t>(5));
  CHECK(decoded.get_as<leader_epoch_t>(5) == leader_epoch_t{8});
  REQUIRE(decoded.match_element<partition_epoch_t>(6));
  CHECK(decoded.get_as<partition_epoch_t>(6) == partition_epoch_t{9});
}
