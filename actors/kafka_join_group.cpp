// JoinGroup (key 11), v0-9: parks in the group's coordinator actor until the rebalance completes.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/group_coordinator.hpp"
#include "messages/kafka/join_group.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_join_group(kafka_handler_ptr self, const kafka_request& req) {
  kafka::join_group_request jr;
  auto version = req.header.api_version;
  if (!decode_body(req, jr))
    return close_connection();
  auto header = req.header;
  if (jr.group_id.empty()) {
    kafka::join_group_response resp;
    resp.error = kafka::error_code::invalid_group_id;
    return encode_reply(header, resp);
  }
  cluster::join_request cj;
  cj.version = version;
  cj.member_id = jr.member_id;
  cj.group_instance_id = jr.group_instance_id;
  cj.client_id = req.header.client_id.value_or("");
  cj.client_host = "/127.0.0.1";
  cj.session_timeout_ms = jr.session_timeout_ms;
  cj.rebalance_timeout_ms = version == 0 ? jr.session_timeout_ms : jr.rebalance_timeout_ms;
  cj.protocol_type = jr.protocol_type;
  for (auto& p : jr.protocols)
    cj.protocols.push_back({p.name, std::string(p.metadata.begin(), p.metadata.end())});
  auto rp = self->make_response_promise<kafka_reply>();
  // A join may wait a whole rebalance timeout (plus the initial delay) before it is answered.
  auto wait = std::chrono::milliseconds(std::max(cj.rebalance_timeout_ms, cj.session_timeout_ms) + 60000);
  with_group(self, jr.group_id, [=](caf::actor g, kafka::error_code why) mutable {
    if (!g) {
      kafka::join_group_response resp;
      resp.error = why;
      rp.deliver(encode_reply(header, resp));
      return;
    }
    self->request(g, wait, join_atom::value, cj)
      .then(
        [=](cluster::join_response& r) mutable {
          kafka::join_group_response resp;
          resp.error = to_kafka(r.error);
          resp.generation_id = r.generation_id;
          if (r.error == cluster::group_errc::none)
            resp.protocol_type = cj.protocol_type; // a joined member's type is the group's
          resp.protocol_name = r.protocol_name;
          resp.leader = r.leader_id;
          resp.member_id = r.member_id;
          for (auto& m : r.members)
            resp.members.push_back({m.member_id, m.group_instance_id, kafka::owned_bytes(m.metadata.begin(), m.metadata.end())});
          rp.deliver(encode_reply(header, resp));
        },
        [=](caf::error&) mutable {
          kafka::join_group_response resp;
          resp.error = kafka::error_code::coordinator_not_available;
          rp.deliver(encode_reply(header, resp));
        });
  });
  return rp;
}

} // namespace samsa::actors
