// FindCoordinator (key 10), v0-2: every group's coordinator is this node (single node today). Transaction
// coordinators do not exist yet.
#include "actors/kafka_handler.hpp"

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
  } else if (fr.key.empty()) {
    resp.error = kafka::error_code::invalid_group_id;
  } else {
    resp.node_id = server.node_id;
    resp.host = server.advertised_host();
    resp.port = server.advertised_port();
  }
  return encode_reply(req.header, resp);
}

} // namespace samsa::actors
