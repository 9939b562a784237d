#include "actors/broker_produce.hpp"

#include "actors/broker_cluster.hpp"
#include "actors/broker_leaders.hpp"

#include "actors/actor_clock.hpp"
#include "actors/broker_topics.hpp"
#include "messages/compression.hpp"
#include "messages/murmur2.hpp"

namespace samsa::actors {

namespace {

constexpr auto request_timeout = timeouts::request;

// Collects the answers of several partition actors into one reply.
struct produce_gather {
  produce_response response;
  size_t pending = 0;
  bool delivered = false;
  caf::typed_response_promise<produce_response> promise;
  void done() {
    if (--pending == 0 && !delivered) {
      delivered = true;
      promise.deliver(std::move(response));
    }
  }
  // A partition whose append failed with e (a lost answer counts as a timeout).
  void failed(int32_t partition, int32_t count, const caf::error& e) {
    partition_produce_result r;
    r.partition = partition;
    r.record_count = count;
    r.error = static_cast<uint8_t>(api_code(e) == api_errc::ok ? api_errc::request_timed_out : api_code(e));
    r.error_message = describe(e);
    response.partitions.push_back(std::move(r));
    done();
  }
};

} // namespace

caf::result<produce_response> handle_produce(broker_ptr self, produce_request& req) {
  auto& st = self->state;
  auto i = st.topics.find(req.topic);
  if (i == st.topics.end()) {
    if (!st.cfg.auto_create_topics_enable || clustered(st)) // a cluster creates topics through its controller
      return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + req.topic + "'");
    topic_spec spec;
    spec.name = req.topic;
    auto created = create_topic(self, std::move(spec));
    if (!created)
      return created.error();
    i = st.topics.find(req.topic);
  }
  auto& topic = i->second;
  auto n = static_cast<int32_t>(topic.partitions.size());
  produce_response immediate;
  immediate.topic = req.topic;
  if (req.acks != acks_none && req.acks != acks_leader && req.acks != acks_all)
    return make_error(api_errc::invalid_required_acks, "acks must be -1, 0 or 1");
  if (req.compression < 0 || req.compression > static_cast<int8_t>(codec::zstd))
    return make_error(api_errc::invalid_request, "compression must be 0 (none) to 4 (zstd)");
  if (req.records.empty())
    return immediate;
  // Route: explicit partition, else murmur2(key) for keyed records, one round-robin partition for the rest.
  std::map<int32_t, std::vector<record>> by_partition;
  if (req.partition >= 0) {
    if (req.partition >= n) {
      partition_produce_result r;
      r.partition = req.partition;
      r.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
      r.error_message = "topic '" + req.topic + "' has " + std::to_string(n) + " partitions";
      immediate.partitions.push_back(std::move(r));
      return immediate;
    }
    by_partition[req.partition] = std::move(req.records);
  } else {
    auto spread = static_cast<int32_t>(st.round_robin++ % static_cast<uint32_t>(n));
    for (auto& r : req.records) {
      auto p = r.key ? partition_for_key(r.key->data(), r.key->size(), n) : spread;
      by_partition[p].push_back(std::move(r));
    }
  }
  // On a cluster node, partitions another live node leads go to its replica; others without a leader are
  // answered here (leader_not_available, unknown_topic_or_partition).
  std::map<int32_t, std::vector<record>> elsewhere;
  for (auto it = by_partition.begin(); it != by_partition.end();) {
    auto e = leadership_error(st, req.topic, it->first);
    if (!e && topic.partitions[static_cast<size_t>(it->first)]) {
      ++it;
      continue;
    }
    if (e && remote_leader(st, req.topic, it->first) >= 0) {
      elsewhere.emplace(it->first, std::move(it->second));
      it = by_partition.erase(it);
      continue;
    }
    partition_produce_result r;
    r.partition = it->first;
    r.record_count = static_cast<int32_t>(it->second.size());
    r.error = static_cast<uint8_t>(e ? api_code(e) : api_errc::unknown_topic_or_partition);
    r.error_message = e ? describe(e) : "no replica of this partition on this node";
    immediate.partitions.push_back(std::move(r));
    it = by_partition.erase(it);
  }
  if (by_partition.empty() && elsewhere.empty())
    return immediate;
  auto gather = std::make_shared<produce_gather>();
  gather->response.partitions = std::move(immediate.partitions);
  gather->response.topic = req.topic;
  gather->pending = by_partition.size() + elsewhere.size();
  gather->promise = self->make_response_promise<produce_response>();
  auto acks = req.acks;
  auto codec_id = req.compression;
  for (auto& [p, recs] : elsewhere) {
    auto count = static_cast<int32_t>(recs.size());
    auto failed = [=, p = p](const caf::error& e) { gather->failed(p, count, e); };
    with_leader_replica(
      self, req.topic, p,
      [=, recs = std::move(recs)](partition_actor leader) mutable {
        self->request(leader, request_timeout, produce_atom::value, std::move(recs), acks, codec_id)
          .then(
            [=](partition_produce_result& r) {
              gather->response.partitions.push_back(std::move(r));
              gather->done();
            },
            [=](caf::error& e) { failed(e); });
      },
      failed);
  }
  if (by_partition.empty()) // only partitions led elsewhere: nothing is early
    return gather->promise;
  bool early = acks == acks_none && elsewhere.empty();
  for (auto& [p, recs] : by_partition)
    early = early && topic.inflight[p] < max_inflight_per_partition;
  for (auto& [p, recs] : by_partition) {
    auto count = static_cast<int32_t>(recs.size());
    ++topic.inflight[p];
    auto topic_name = req.topic;
    auto credit_back = [self, topic_name, p = p] {
      auto t = self->state.topics.find(topic_name);
      if (t != self->state.topics.end() && p < static_cast<int32_t>(t->second.inflight.size()))
        --t->second.inflight[p];
    };
    self->request(topic.partitions[p], request_timeout, produce_atom::value, std::move(recs), acks, codec_id)
      .then(
        [=](partition_produce_result& r) {
          credit_back();
          if (early)
            return;
          gather->response.partitions.push_back(std::move(r));
          gather->done();
        },
        [=](caf::error& e) {
          credit_back();
          if (!early)
            gather->failed(p, count, e);
        });
    if (early) {
      partition_produce_result r;
      r.partition = p;
      r.record_count = count;
      gather->response.partitions.push_back(std::move(r));
    }
  }
  if (early) {
    gather->delivered = true;
    return std::move(gather->response);
  }
  return gather->promise;
}

} // namespace samsa::actors
