// IncrementalAlterConfigs (key 44), v0-1: SET, DELETE, APPEND, SUBTRACT single keys of a topic's config
// overrides (rules: cluster/topic_alter.hpp) through the broker actor; resources are checked and answered
// as AlterConfigs does (answer_alter_configs in kafka_alter_configs.cpp).
#include "actors/kafka_handler.hpp"

#include "messages/kafka/incremental_alter_configs.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_incremental_alter_configs(kafka_handler_ptr self, const kafka_request& req) {
  kafka::incremental_alter_configs_request ir;
  if (!decode_body(req, ir))
    return close_connection();
  auto resources = config_changes_of(ir, true, [](const kafka::incremental_alter_configs_entry& e) {
    return e.config_operation;
  });
  auto header = req.header;
  return answer_alter_configs(self, std::move(resources), [header](kafka::alter_configs_response r) {
    kafka::incremental_alter_configs_response out;
    out.throttle_time_ms = r.throttle_time_ms;
    out.responses = std::move(r.responses);
    return encode_reply(header, out);
  });
}

} // namespace samsa::actors
