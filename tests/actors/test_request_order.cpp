// A connection's pipelined requests take effect in the order they were sent, as Kafka's do: a Produce whose
// partition lookup is answered from the connection's cache must not reach the partition before an earlier
// Produce still waiting for the broker's lookup (the reorder behind librdkafka's fatal "sequence
// desynchronization" in cluster_two_down). Through the real request handler, broker and partition actor on
// the deterministic test coordinator, which lets the test deliver the broker's two lookup answers apart.
#include "actor_fixture.hpp"

#include "actors/kafka_handler.hpp"
#include "messages/kafka/produce.hpp"
#include "messages/kafka/request_header.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;
using samsa::testing::broker_fixture;
using samsa::testing::make_record;

namespace {

struct order_fixture : broker_fixture {
  caf::actor handler;
  int32_t next_corr = 1;

  order_fixture() {
    handler =
      sys.spawn(actors::kafka_handler, actors::kafka_listener_config{broker, server, caf::actor{}, caf::actor{}, nullptr});
    topic_spec s;
    s.name = "t";
    s.partitions = 1;
    REQUIRE(ask<topic_description>(create_atom::value, s));
  }
  ~order_fixture() {
    self->send_exit(handler, caf::exit_reason::user_shutdown);
    sched.run();
  }

  // Produce v7, acks=1, of one record whose value is `value` to t-0.
  std::vector<char> produce_frame(const std::string& value) {
    auto batch = encode_batch({make_record(std::nullopt, value)}, 1700000000000);
    kafka::produce_request req;
    req.acks = 1;
    req.timeout_ms = 30000;
    req.topics.push_back({"t", {{0, kafka::byte_span{batch.data(), batch.size()}}}});
    std::vector<char> frame;
    kafka::writer w{frame};
    kafka::encode_request_header(w, kafka::request_header{0, 7, next_corr++, std::string{"test"}});
    kafka::encode(w, 7, req);
    REQUIRE_FALSE(w.failed());
    return frame;
  }

  // Lets the handler read every message it has, and nobody else.
  void run_handler() {
    while (sched.prioritize(handler))
      sched.run_once();
  }

  // The values stored in t-0, in offset order (native API).
  std::vector<std::string> stored() {
    fetch_request f;
    f.topic = "t";
    f.partition = 0;
    f.max_bytes = 1 << 20;
    auto r = ask<fetch_response>(fetch_atom::value, f);
    REQUIRE(r);
    std::vector<record> recs;
    REQUIRE(decode_batches(r->records.data(), r->records.size(), 0, recs));
    std::vector<std::string> out;
    for (auto& x : recs)
      out.push_back(x.value ? *x.value : std::string{"null"});
    return out;
  }
};

} // namespace

TEST_CASE_FIXTURE(order_fixture, "pipelined Produce requests are appended in request order, cache hit or not") {
  // Z and A both miss the connection's partition cache: each asks the broker for t-0's actor.
  self->send(handler, actors::kafka_request_atom::value, produce_frame("z"));
  self->send(handler, actors::kafka_request_atom::value, produce_frame("a"));
  run_handler();
  // The broker answers Z's lookup only; the handler takes the answer (the cache now holds t-0) and sends
  // Z's append.
  REQUIRE(sched.prioritize(broker));
  sched.run_once();
  run_handler();
  // B, sent after A, finds t-0 in the cache; A's lookup is still unanswered.
  self->send(handler, actors::kafka_request_atom::value, produce_frame("b"));
  run_handler();
  sched.run();
  CHECK(stored() == std::vector<std::string>{"z", "a", "b"});
}
