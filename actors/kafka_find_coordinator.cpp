// FindCoordinator (key 10), v0-2: a single node coordinates every group itself; a cluster node names the
// live leader of the group's partition of the offsets log (cluster::group_coordinator, the same on every node
// with the same image). The first request for a group on a cluster without the log creates it, as Kafka
// does: offsets.topic.num.partitions partitions, offsets.topic.replication.factor replicas (refused while
// fewer brokers are registered; clients keep retrying on COORDINATOR_NOT_AVAILABLE). Transaction
// coordinators do not exist yet.
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

caf::result<kafka_reply> handle_find_coordinator(kafka_handler_ptr self, const kafka_request& req) {
  kafka::find_coordinator_request fr;
  if (!decode_body(req, fr))
    return close_connection();
  kafka::find_coordinator_response resp;
  auto& server = self->state.cfg.server;
  if (fr.key_type != 0) {
    resp.error = kafka::error_code::coordinator_not_available;
    resp.error_message = "transactions are not supported yet";
    return encode_reply(req.header, resp);
  }
  if (fr.key.empty()) {
    resp.error = kafka::error_code::invalid_group_id;
    return encode_reply(req.header, resp);
  }
  if (!self->state.cfg.controller) {
    resp.node_id = server.node_id;
    resp.host = server.advertised_host();
    resp.port = server.advertised_port();
    return encode_reply(req.header, resp);
  }
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto group = fr.key;
  self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request, view_atom::value)
    .then(
      [=](cluster_view& view) mutable {
        kafka::find_coordinator_response resp;
        auto node = cluster::group_coordinator(*view.image, group);
        auto ep = node >= 0 ? cluster::endpoint_of(*view.image, node, "PLAINTEXT") : std::nullopt;
        if (!view.image->topic_by_name(cluster::offsets_topic)) {
          resp.error = kafka::error_code::coordinator_not_available;
          resp.error_message = "creating the offsets topic " + std::string{cluster::offsets_topic};
          create_offsets_topic(self);
        } else if (!ep) {
          resp.error = kafka::error_code::coordinator_not_available;
          resp.error_message = "the group's partition of " + std::string{cluster::offsets_topic}
                               + " has no live leader right now";
        } else {
          resp.node_id = node;
          resp.host = ep->host;
          resp.port = ep->port;
        }
        rp.deliver(encode_reply(header, resp));
      },
      [=](caf::error&) mutable {
        kafka::find_coordinator_response resp;
        resp.error = kafka::error_code::coordinator_not_available;
        rp.deliver(encode_reply(header, resp));
      });
  return rp;
}

} // namespace samsa::actors
