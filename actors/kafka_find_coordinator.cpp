// FindCoordinator (key 10), v0-6 (v4 asks for a batch of keys and is answered one entry per key; v5 only
// allows TRANSACTION_ABORTABLE, which samsa never answers; v6 allows key type 2, share groups, which Kafka 3.9
// answers COORDINATOR_NOT_AVAILABLE and so does samsa, and INVALID_REQUEST below v6): a single
// node coordinates every group itself; a cluster node names the live leader of the group's partition of the
// offsets log (cluster::group_coordinator, the same on every node with the same image). The first request
// for a group on a cluster without the log creates it, as Kafka does: offsets.topic.num.partitions
// partitions, offsets.topic.replication.factor replicas (refused while fewer brokers are registered; clients
// keep retrying on COORDINATOR_NOT_AVAILABLE). Transaction coordinators do not exist yet.
#include "actors/kafka_handler.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "cluster/metadata_view.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/cluster_api.hpp"
#include "messages/kafka/find_coordinator.hpp"

namespace samsa::actors {

namespace {

// Asks the broker (which asks the controller) to create the offsets log; a refusal is logged once per process.
void create_offsets_topic(kafka_handler_ptr self) {
  auto& server = self->state.cfg.server;
  topic_spec spec;
  spec.name = cluster::offsets_topic;
  spec.partitions = server.offsets_topic_num_partitions;
  spec.replication_factor = server.offsets_topic_replication_factor;
  spec.configs["segment.bytes"] = std::to_string(server.offsets_topic_segment_bytes);
  spec.configs["cleanup.policy"] = "compact";  // the latest commit per key stays; expiry writes tombstones
  self->request(self->state.cfg.broker, timeouts::admin, create_atom::value, spec)
    .then([](topic_description&) { spdlog::info("groups: created {}", cluster::offsets_topic); },
          [](caf::error& e) {
            static std::atomic<bool> said{false};
            auto code = e.category() == api_error_category ? static_cast<api_errc>(e.code()) : api_errc::ok;
            if (code == api_errc::topic_already_exists || said.exchange(true))
              return;
            spdlog::warn("groups: cannot create {} yet: {} (consumer groups wait for it; see "
                         "offsets.topic.replication.factor)",
                         cluster::offsets_topic, describe(e));
          });
}

} // namespace

namespace {

// The answer of v0-3: the single key's entry at the top level; v4+ answer the batch.
kafka_reply answer(const kafka::request_header& header, std::vector<kafka::find_coordinator_entry> entries) {
  kafka::find_coordinator_response resp;
  if (header.api_version >= 4) {
    resp.coordinators = std::move(entries);
  } else if (!entries.empty()) {
    auto& e = entries.front();
    resp.error = e.error;
    resp.error_message = e.error_message;
    resp.node_id = e.node_id;
    resp.host = e.host;
    resp.port = e.port;
  }
  return encode_reply(header, resp);
}

// What can be said about a key without the cluster's view: a refused key type or an empty group id.
bool refuse(int16_t version, int8_t key_type, kafka::find_coordinator_entry& e) {
  constexpr int8_t share = 2;
  if (key_type < 0 || key_type > share || (key_type == share && version < 6)) {
    e.error = kafka::error_code::invalid_request;
    e.error_message = "unknown coordinator key type " + std::to_string(key_type) + " in FindCoordinator v" +
                      std::to_string(version);
    return true;
  }
  if (key_type == share) {
    e.error = kafka::error_code::coordinator_not_available;
    e.error_message = "share groups are not supported";
    return true;
  }
  if (key_type != 0) {
    e.error = kafka::error_code::coordinator_not_available;
    e.error_message = "transactions are not supported yet";
    return true;
  }
  if (e.key.empty()) {
    e.error = kafka::error_code::invalid_group_id;
    return true;
  }
  return false;
}

} // namespace

caf::result<kafka_reply> handle_find_coordinator(kafka_handler_ptr self, const kafka_request& req) {
  kafka::find_coordinator_request fr;
  if (!decode_body(req, fr))
    return close_connection();
  auto& server = self->state.cfg.server;
  std::vector<kafka::find_coordinator_entry> entries;
  for (auto& key : fr.keys(req.header.api_version)) {
    entries.emplace_back();
    entries.back().key = key;
  }
  bool ask_view = false;
  for (auto& e : entries) {
    if (refuse(req.header.api_version, fr.key_type, e))
      continue;
    if (!self->state.cfg.controller) {
      e.node_id = server.node_id;
      e.host = server.advertised_host();
      e.port = server.advertised_port();
    } else {
      ask_view = true;
    }
  }
  if (!ask_view)
    return answer(req.header, std::move(entries));
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request, view_atom::value)
    .then(
      [=](cluster_view& view) mutable {
        bool create = false;
        for (auto& e : entries) {
          if (e.error != kafka::error_code::none)
            continue;
          auto node = cluster::group_coordinator(*view.image, e.key);
          auto ep = node >= 0 ? cluster::endpoint_of(*view.image, node, "PLAINTEXT") : std::nullopt;
          if (!view.image->topic_by_name(cluster::offsets_topic)) {
            e.error = kafka::error_code::coordinator_not_available;
            e.error_message = "creating the offsets topic " + std::string{cluster::offsets_topic};
            create = true;
          } else if (!ep) {
            e.error = kafka::error_code::coordinator_not_available;
            e.error_message = "the group's partition of " + std::string{cluster::offsets_topic}
                              + " has no live leader right now";
          } else {
            e.node_id = node;
            e.host = ep->host;
            e.port = ep->port;
          }
        }
        if (create)
          create_offsets_topic(self);
        rp.deliver(answer(header, std::move(entries)));
      },
      [=](caf::error&) mutable {
        for (auto& e : entries)
          if (e.error == kafka::error_code::none)
            e.error = kafka::error_code::coordinator_not_available;
        rp.deliver(answer(header, std::move(entries)));
      });
  return rp;
}

} // namespace samsa::actors
