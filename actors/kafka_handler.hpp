#pragma once
// The Kafka request handler: one scheduled actor per client connection, spawned by its kafka_session.
// It decodes a frame (header and body, bounds-checked), dispatches by API key through the one API table,
// does the work by asking the broker and partition actors, and answers the session with the encoded
// response frame. Several requests of one connection may be in progress at once; the session restores
// their order. One file per API: kafka_<api>.cpp.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/ordered_completions.hpp"
#include "actors/kafka_session.hpp"
#include "cluster/group_errc.hpp"
#include "messages/kafka/alter_configs.hpp"
#include "messages/kafka/errors.hpp"
#include "messages/kafka/metadata.hpp"
#include "messages/kafka/request_header.hpp"
#include "messages/kafka/response_errors.hpp"
#include "messages/kafka/uuid.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::actors {

using kafka_request_atom = caf::atom_constant<caf::atom("kreq")>;
// From the session: fetch answers of this many reserved bytes have been written to the socket.
using kafka_credit_atom = caf::atom_constant<caf::atom("kcredit")>;

struct kafka_handler_state {
  kafka_listener_config cfg;
  // Fetch memory of this connection (see kafka_fetch_budget): bytes reserved by fetches reading, answered,
  // or waiting to be written; fetches that would exceed the budget wait here in arrival order.
  int64_t fetch_reserved = 0;
  std::deque<std::pair<int64_t, std::function<void()>>> fetch_waiting;
  // Partition actors this connection has used, so the hot path skips the broker.
  std::map<std::pair<std::string, int32_t>, partition_actor> partitions;
  // resolve_partitions answers in call order (request order): a lookup answered from `partitions` waits for
  // an earlier one still asking the broker, so appends reach a partition in the order they were sent.
  ordered_completions resolve_order;
  std::map<std::string, caf::actor> groups; // group coordinators this connection has used (monitored)
  // Topic names of the ids this connection has asked for (Fetch v13+), with when they were looked up
  // (actor clock): an entry older than kafka_topic_id_ttl_ms is looked up again, so a topic deleted (or
  // deleted and created again under the same name) is noticed.
  std::map<kafka::uuid, std::pair<std::string, int64_t>> topic_names;
  static inline const char* name = "samsa.kafka_handler";
};

using kafka_handler_ptr = caf::stateful_actor<kafka_handler_state>*;

caf::behavior kafka_handler(kafka_handler_ptr self, kafka_listener_config cfg);

// One decoded request: its header and a reader positioned at the body. `frame` keeps the bytes alive
// (byte_spans in decoded requests point into it).
struct kafka_request {
  kafka::request_header header;
  std::shared_ptr<std::vector<char>> frame;
  size_t body_offset = 0;
  kafka::reader body() const {
    return kafka::reader{frame->data() + body_offset, frame->size() - body_offset};
  }
};

// Encodes a whole response frame: size prefix, the header matching the request, the body.
template <class Response>
kafka_reply encode_reply(const kafka::request_header& h, const Response& resp) {
  kafka_reply r;
  kafka::writer w{r.bytes};
  auto size_pos = w.reserve_size();
  kafka::encode_response_header(w, h.api_key, h.api_version, h.correlation_id);
  encode(w, h.api_version, resp);
  w.finish_size(size_pos);
  r.error = kafka::carries_error(resp);
  return r;
}

// Decodes the request body as T in the request's version; false for a malformed body.
template <class T>
bool decode_body(const kafka_request& req, T& out) {
  auto body = req.body();
  return decode(body, req.header.api_version, out);
}

// A malformed request body: Kafka closes the connection.
kafka_reply close_connection();

// The one mapping from samsa's API errors to Kafka error codes.
kafka::error_code to_kafka(api_errc e);
inline kafka::error_code to_kafka(uint8_t e) { return to_kafka(static_cast<api_errc>(e)); }
kafka::error_code to_kafka(const caf::error& e);

// Resolves partition actors for (topic, partition) pairs (cache first, then the broker); calls `then` with
// one entry per pair, a null handle for a partition it cannot serve, and why (unknown_topic_or_partition;
// on a cluster node also not_leader_or_follower, leader_not_available).
void resolve_partitions(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                        std::function<void(std::vector<partition_actor>, std::vector<api_errc>)> then);
void forget_partition(kafka_handler_ptr self, const std::string& topic, int32_t partition);

// Asks every (topic, partition) something and answers once all did: the partitions are resolved as Produce and
// Fetch resolve them; `unresolved(i, why)` records entry i that has no actor here, `ask(i, actor, done)` sends
// entry i's question and must call done() once it is answered (or failed); `finish()` runs after the last one.
void for_each_partition(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                        std::function<void(size_t, partition_actor, std::function<void()>)> ask,
                        std::function<void(size_t, api_errc)> unresolved, std::function<void()> finish);

// Whether each (topic, partition) exists as far as this node knows (its broker's topics; on a cluster node
// its metadata image, wherever the partition is led): false only where the broker answers
// unknown_topic_or_partition. Resolved like Produce and Fetch resolve partitions, through the same cache.
void partitions_exist(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                      std::function<void(std::vector<bool>)> then);

// Whether this node coordinates the group: none, or not_coordinator (a cluster node the group does not
// hash to, cluster::group_coordinator), or coordinator_not_available (no live broker known yet).
void check_coordinator(kafka_handler_ptr self, const std::string& group_id, std::function<void(kafka::error_code)> then);

// A group registry's refusal as the Kafka error a client retries on: NOT_COORDINATOR and
// COORDINATOR_LOAD_IN_PROGRESS as they are, anything else COORDINATOR_NOT_AVAILABLE.
kafka::error_code coordinator_error(const caf::error& e);

// Finds the coordinator actor of a group (cache first, then the node's registry) once check_coordinator
// says this node coordinates it, and calls `then` with it; a null handle and the Kafka error otherwise.
void with_group(kafka_handler_ptr self, const std::string& group_id,
                std::function<void(caf::actor, kafka::error_code)> then);

// What Metadata and DescribeCluster tell clients about the cluster (actors/kafka_metadata.cpp). A cluster
// node answers from its metadata image: every unfenced broker with a PLAINTEXT endpoint (this node alone
// until it is registered), and as controller the quorum leader when it is one of them, else this node
// (which forwards admin requests); a single node names itself. `image` is the image the answer came from,
// null on a single node.
struct broker_directory {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<kafka::metadata_broker> brokers;
  image_ptr image;
};
void with_broker_directory(kafka_handler_ptr self, std::function<void(broker_directory)> then,
                           std::function<void()> failed);

// The names of topic ids (Fetch v13+), one per id, empty for an id this node does not know; from the
// connection's cache (see topic_names) or else from the metadata image (a cluster node) or the broker's
// topics (a single node).
constexpr int64_t kafka_topic_id_ttl_ms = 5000;
void topic_names_by_id(kafka_handler_ptr self, std::vector<kafka::uuid> ids,
                       std::function<void(std::vector<std::string>)> then);

// Group state machine errors as Kafka error codes.
kafka::error_code to_kafka(cluster::group_errc e);

// Per-API handlers. Each returns its reply through the promise or directly.
caf::result<kafka_reply> handle_api_versions(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_metadata(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_produce(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_fetch(kafka_handler_ptr self, const kafka_request& req);
// Gives fetch budget back (the session saw the answers written) and starts fetches that now fit.
void release_fetch_budget(kafka_handler_ptr self, int64_t bytes);
caf::result<kafka_reply> handle_list_offsets(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_offset_for_leader_epoch(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_create_topics(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_delete_topics(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_init_producer_id(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_find_coordinator(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_join_group(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_sync_group(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_heartbeat(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_leave_group(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_offset_commit(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_offset_fetch(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_describe_groups(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_list_groups(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_describe_configs(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_describe_log_dirs(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_delete_groups(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_delete_records(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_describe_producers(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_offset_delete(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_describe_cluster(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_alter_partition_reassignments(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_list_partition_reassignments(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_alter_configs(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_incremental_alter_configs(kafka_handler_ptr self, const kafka_request& req);
caf::result<kafka_reply> handle_create_partitions(kafka_handler_ptr self, const kafka_request& req);

// What AlterConfigs and IncrementalAlterConfigs share (kafka_alter_configs.cpp): one resource of the
// request, and the answer for all of them (topic changes asked of the broker, the rest refused in place).
struct config_resource_change {
  int8_t type = 0;
  topic_config_change change; // change.topic: the resource name
};
caf::result<kafka_reply> answer_alter_configs(kafka_handler_ptr self, std::vector<config_resource_change> resources,
                                              std::function<kafka_reply(kafka::alter_configs_response)> encode);
// The changes of a decoded (Incremental)AlterConfigs request; `op_of(entry)` is the entry's operation.
template <class Request, class OpOf>
std::vector<config_resource_change> config_changes_of(const Request& req, bool incremental, OpOf op_of) {
  std::vector<config_resource_change> out;
  for (const auto& res : req.resources) {
    config_resource_change c;
    c.type = res.resource_type;
    c.change.topic = res.resource_name;
    c.change.incremental = incremental;
    c.change.validate_only = req.validate_only;
    for (const auto& e : res.configs)
      c.change.ops.push_back({e.name, op_of(e), e.value});
    out.push_back(std::move(c));
  }
  return out;
}

} // namespace samsa::actors
