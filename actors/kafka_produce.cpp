// Produce (key 0), v0-11 (v9+ flexible). Each partition's records arrive as one v2 batch (v3+) or as an old message set
// (v0-2, magic 0/1: Sarama before 0.11), which is converted here to one v2 batch first (messages/
// legacy_records.hpp: CRC-32 of every message checked, CORRUPT_MESSAGE otherwise; compressed wrappers
// inflated). The batch goes unchanged to the
// partition actor, which validates it (CRC-32C, size, structure, producer sequence) and appends it with
// offsets and leader epoch written in place. acks=0 gets no response at all, but the session still waits
// for the appends, which bounds what one connection can have in flight; an acks=0 request that failed on
// any partition closes the connection (Kafka's rule: the client's only way to learn of it). Clients may not
// write to the internal __consumer_offsets (INVALID_TOPIC_EXCEPTION, as Kafka). A refused batch's records
// at fault (a keyless record on a compacted topic) and the error's text go back in v8+ (KIP-467); from v10 a
// NOT_LEADER_OR_FOLLOWER partition names its current leader and epoch, and the answer that leader's endpoint
// (KIP-951), from a cluster node's metadata image (left out when the image has no live leader for it).
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <chrono>

#include "actors/actor_clock.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/kafka/produce.hpp"
#include "messages/legacy_records.hpp"

namespace samsa::actors {

namespace {

// KIP-951: each NOT_LEADER_OR_FOLLOWER partition gets the leader and epoch the image knows, the answer the
// endpoints of those leaders (live brokers of the directory only).
void add_current_leaders(kafka::produce_response& resp, const broker_directory& d) {
  if (!d.image)
    return;
  std::vector<int32_t> named;
  for (auto& t : resp.topics) {
    const auto* topic = d.image->topic_by_name(t.name);
    for (auto& p : t.partitions) {
      if (p.error != kafka::error_code::not_leader_or_follower || !topic || p.index < 0
          || static_cast<size_t>(p.index) >= topic->partitions.size())
        continue;
      const auto& reg = topic->partitions[static_cast<size_t>(p.index)];
      auto b = std::find_if(d.brokers.begin(), d.brokers.end(), [&](const auto& x) { return x.node_id == reg.leader; });
      if (reg.leader < 0 || b == d.brokers.end())
        continue;
      p.current_leader = kafka::produce_leader{reg.leader, reg.leader_epoch};
      if (std::find(named.begin(), named.end(), reg.leader) != named.end())
        continue;
      named.push_back(reg.leader);
      resp.node_endpoints.push_back({b->node_id, b->host, b->port, b->rack});
    }
  }
}

struct produce_gather {
  kafka::produce_response resp;
  size_t pending = 0;
  bool respond = true;
  kafka::request_header header;
  caf::response_promise rp;
  kafka_handler_ptr self = nullptr;
  void done() {
    if (--pending > 0)
      return;
    if (respond) {
      if (header.api_version >= 10 && self->state.cfg.controller && has_not_leader()) {
        auto keep = std::make_shared<produce_gather>(std::move(*this));
        with_broker_directory(
          keep->self,
          [keep](broker_directory d) {
            add_current_leaders(keep->resp, d);
            keep->rp.deliver(encode_reply(keep->header, keep->resp));
          },
          [keep] { keep->rp.deliver(encode_reply(keep->header, keep->resp)); });
        return;
      }
      rp.deliver(encode_reply(header, resp));
      return;
    }
    kafka_reply r;
    r.respond = false;
    // acks=0 has no answer to carry an error: like Kafka, close the connection when a partition failed, so
    // the client sees the failure, refreshes its metadata (a moved leader) and does not write into the void.
    for (const auto& t : resp.topics)
      for (const auto& p : t.partitions)
        r.close = r.close || p.error != kafka::error_code::none;
    rp.deliver(std::move(r));
  }
  bool has_not_leader() const {
    for (const auto& t : resp.topics)
      for (const auto& p : t.partitions)
        if (p.error == kafka::error_code::not_leader_or_follower)
          return true;
    return false;
  }
};

// Kafka's answer for a message set that could not be converted.
kafka::error_code legacy_produce_error(legacy_error e) {
  switch (e) {
    case legacy_error::ok: return kafka::error_code::none;
    case legacy_error::corrupt_message: return kafka::error_code::corrupt_message;
    case legacy_error::invalid_record: return kafka::error_code::invalid_record;
    case legacy_error::unsupported_codec: return kafka::error_code::unsupported_compression_type;
    case legacy_error::too_large: return kafka::error_code::message_too_large;
  }
  return kafka::error_code::corrupt_message;
}

} // namespace

caf::result<kafka_reply> handle_produce(kafka_handler_ptr self, const kafka_request& req) {
  kafka::produce_request pr;
  if (!decode_body(req, pr))
    return close_connection();
  auto g = std::make_shared<produce_gather>();
  g->header = req.header;
  g->respond = pr.acks != 0;
  g->self = self;
  // Shape the response like the request; fill in per partition as answers come.
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<std::pair<size_t, size_t>> slots;
  for (auto& t : pr.topics) {
    kafka::produce_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      kafka::produce_partition_response ppr;
      ppr.index = p.index;
      if (t.name == cluster::offsets_topic) {
        // Kafka refuses appends to internal topics from clients: only the group coordinators write offsets.
        ppr.error = kafka::error_code::invalid_topic_exception;
        tr.partitions.push_back(ppr);
        continue;
      }
      tr.partitions.push_back(ppr);
      wanted.emplace_back(t.name, p.index);
      slots.emplace_back(g->resp.topics.size(), tr.partitions.size() - 1);
    }
    g->resp.topics.push_back(std::move(tr));
  }
  if (wanted.empty()) {
    if (!g->respond) {
      kafka_reply r;
      r.respond = false;
      return r;
    }
    return encode_reply(req.header, g->resp);
  }
  if (pr.acks != 0 && pr.acks != 1 && pr.acks != -1) {
    for (auto& t : g->resp.topics)
      for (auto& p : t.partitions)
        p.error = kafka::error_code::invalid_required_acks;
    return encode_reply(req.header, g->resp);
  }
  // Copy each partition's batch out of the frame: it travels to the partition actor by value.
  // Shared, not captured by value: the continuation below must not copy the batches again.
  auto batches = std::make_shared<std::vector<std::optional<std::vector<char>>>>();
  auto refused = std::make_shared<std::vector<kafka::error_code>>(); // per partition: a message set not converted
  const int64_t now = wall_clock_ms();
  for (auto& t : pr.topics)
    for (auto& p : t.partitions) {
      if (t.name == cluster::offsets_topic)
        continue; // answered above, not in `wanted`
      refused->push_back(kafka::error_code::none);
      if (p.records && req.header.api_version <= 2) {
        auto conv = convert_message_set(p.records->data, p.records->size, now,
                                        static_cast<size_t>(self->state.cfg.server.socket_request_max_bytes));
        refused->back() = legacy_produce_error(conv.error);
        batches->push_back(conv.error == legacy_error::ok ? std::optional<std::vector<char>>{std::move(conv.batch)}
                                                          : std::nullopt);
        continue;
      }
      batches->push_back(p.records ? std::optional<std::vector<char>>{std::vector<char>(
                                       p.records->data, p.records->data + p.records->size)}
                                   : std::nullopt);
    }
  g->pending = wanted.size();
  g->rp = self->make_response_promise();
  auto acks = pr.acks;
  // The partition answers an acks=all produce by the client's timeout_ms (REQUEST_TIMED_OUT); the request's
  // own timeout is only a safety net behind it.
  const int32_t timeout_ms = std::max<int32_t>(pr.timeout_ms, 0);
  auto timeout = std::chrono::milliseconds(int64_t{timeout_ms} + 10000);
  resolve_partitions(self, wanted, [=](std::vector<partition_actor> actors, std::vector<api_errc> errors) mutable {
    for (size_t i = 0; i < actors.size(); ++i) {
      auto& slot = g->resp.topics[slots[i].first].partitions[slots[i].second];
      if (!actors[i]) {
        slot.error = to_kafka(errors[i]);
        g->done();
        continue;
      }
      auto& batch = (*batches)[i];
      if (!batch || batch->empty()) {
        slot.error = (*refused)[i] != kafka::error_code::none ? (*refused)[i] : kafka::error_code::corrupt_message;
        g->done();
        continue;
      }
      auto key = wanted[i];
      auto where = slots[i];
      self->request(actors[i], timeout, append_atom::value, std::move(*batch), acks, timeout_ms)
        .then(
          [=](partition_produce_result& r) {
            if (r.error == static_cast<uint8_t>(api_errc::not_leader_or_follower))
              forget_partition(self, key.first, key.second); // leadership moved: look it up again next time
            auto& s = g->resp.topics[where.first].partitions[where.second];
            s.error = to_kafka(r.error);
            s.base_offset = r.error == 0 ? r.base_offset : -1;
            s.log_start_offset = r.log_start_offset;
            s.log_append_time_ms = r.log_append_time;
            if (r.error != 0 && !r.error_message.empty())
              s.error_message = r.error_message;
            for (auto& e : r.record_errors)
              s.record_errors.push_back({e.batch_index, std::move(e.message)});
            g->done();
          },
          [=](caf::error& e) {
            forget_partition(self, key.first, key.second);
            auto& s = g->resp.topics[where.first].partitions[where.second];
            s.error = e == caf::sec::request_timeout ? kafka::error_code::request_timed_out
                                                     : kafka::error_code::not_leader_or_follower;
            g->done();
          });
    }
  });
  return g->rp;
}

} // namespace samsa::actors
