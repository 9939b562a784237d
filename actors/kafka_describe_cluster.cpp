// DescribeCluster (key 60, KIP-700), v0-1: the cluster id, the controller and the brokers, from the same
// source as Metadata (with_broker_directory: the metadata image on a cluster node, this node on a single
// one). Authorized operations are not computed (INT32_MIN, as Kafka answers when they were not asked for).
// A broker describes brokers only: endpoint type 2 (controllers) is MISMATCHED_ENDPOINT_TYPE and any
// other type UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST in v0), as Kafka's brokers answer.
#include "actors/kafka_handler.hpp"

#include "messages/kafka/describe_cluster.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_describe_cluster(kafka_handler_ptr self, const kafka_request& req) {
  kafka::describe_cluster_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto header = req.header;
  kafka::describe_cluster_response resp;
  resp.endpoint_type = kafka::endpoint_type_brokers;
  if (dr.endpoint_type != kafka::endpoint_type_brokers) {
    if (dr.endpoint_type == kafka::endpoint_type_controllers) {
      resp.error = kafka::error_code::mismatched_endpoint_type;
      resp.error_message = "this is a broker endpoint; controllers are described by a controller endpoint";
    } else {
      resp.error = header.api_version == 0 ? kafka::error_code::invalid_request
                                           : kafka::error_code::unsupported_endpoint_type;
      resp.error_message = "unsupported endpoint type " + std::to_string(dr.endpoint_type);
    }
    return encode_reply(header, resp);
  }
  auto rp = self->make_response_promise<kafka_reply>();
  with_broker_directory(
    self,
    [=](broker_directory d) mutable {
      kafka::describe_cluster_response ok;
      ok.cluster_id = d.cluster_id;
      ok.controller_id = d.controller_id;
      for (auto& b : d.brokers)
        ok.brokers.push_back({b.node_id, b.host, b.port, b.rack});
      rp.deliver(encode_reply(header, ok));
    },
    [=]() mutable {
      kafka::describe_cluster_response failed;
      failed.error = kafka::error_code::broker_not_available;
      failed.error_message = "this node cannot read its cluster metadata right now";
      rp.deliver(encode_reply(header, failed));
    });
  return rp;
}

} // namespace samsa::actors
