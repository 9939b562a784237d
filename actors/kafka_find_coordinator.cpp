// FindCoordinator (key 10), v0-2: a single node coordinates every group itself; a cluster node names the
// node cluster::group_coordinator picks from its metadata image (the same on every node with the same
// image). Transaction coordinators do not exist yet.
#include "actors/kafka_handler.hpp"

#include "actors/actor_clock.hpp"
#include "cluster/metadata_view.hpp"
#include "messages/cluster_api.hpp"
#include "messages/kafka/find_coordinator.hpp"

namespace samsa::actors {

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
        if (!ep) {
          resp.error = kafka::error_code::coordinator_not_available;
          resp.error_message = "no live broker in this node's view of the cluster yet";
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
