#include "actors/kafka_handler.hpp"

#include "cluster/metadata_view.hpp"
#include "messages/cluster_api.hpp"

#include <chrono>

#include <caf/event_based_actor.hpp>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/api_table.hpp"
#include "messages/kafka/api_versions.hpp"

namespace samsa::actors {

using kafka::error_code;

kafka_reply close_connection() {
  kafka_reply r;
  r.respond = false;
  r.close = true;
  r.error = true;
  return r;
}

error_code to_kafka(api_errc e) {
  switch (e) {
    case api_errc::ok: return error_code::none;
    case api_errc::unknown_topic_or_partition: return error_code::unknown_topic_or_partition;
    case api_errc::offset_out_of_range: return error_code::offset_out_of_range;
    case api_errc::corrupt_message: return error_code::corrupt_message;
    case api_errc::record_too_large: return error_code::message_too_large;
    case api_errc::invalid_batch: return error_code::invalid_record;
    case api_errc::storage_error: return error_code::kafka_storage_error;
    case api_errc::disk_full: return error_code::kafka_storage_error;
    case api_errc::topic_already_exists: return error_code::topic_already_exists;
    case api_errc::invalid_partitions: return error_code::invalid_partitions;
    case api_errc::invalid_replication_factor: return error_code::invalid_replication_factor;
    case api_errc::invalid_config: return error_code::invalid_config;
    case api_errc::invalid_topic: return error_code::invalid_topic_exception;
    case api_errc::invalid_required_acks: return error_code::invalid_required_acks;
    case api_errc::not_enough_replicas: return error_code::not_enough_replicas;
    case api_errc::invalid_request: return error_code::invalid_request;
    case api_errc::request_timed_out: return error_code::request_timed_out;
    case api_errc::broker_shutting_down: return error_code::broker_not_available;
    case api_errc::out_of_order_sequence: return error_code::out_of_order_sequence_number;
    case api_errc::invalid_producer_epoch: return error_code::invalid_producer_epoch;
    case api_errc::unknown_producer_id: return error_code::unknown_producer_id;
    case api_errc::non_empty_group: return error_code::non_empty_group;
    case api_errc::unknown_group: return error_code::group_id_not_found;
    case api_errc::not_leader: return error_code::not_controller;
    case api_errc::not_leader_or_follower: return error_code::not_leader_or_follower;
    case api_errc::leader_not_available: return error_code::leader_not_available;
    case api_errc::not_enough_replicas_after_append: return error_code::not_enough_replicas_after_append;
    case api_errc::fenced_leader_epoch: return error_code::fenced_leader_epoch;
    case api_errc::unknown_leader_epoch: return error_code::unknown_leader_epoch;
    case api_errc::invalid_update_version: return error_code::invalid_update_version;
    case api_errc::ineligible_replica: return error_code::ineligible_replica;
    case api_errc::not_coordinator: return error_code::not_coordinator;
    case api_errc::coordinator_load_in_progress: return error_code::coordinator_load_in_progress;
    case api_errc::invalid_replica_assignment: return error_code::invalid_replica_assignment;
    case api_errc::no_reassignment_in_progress: return error_code::no_reassignment_in_progress;
  }
  return error_code::unknown_server_error;
}

error_code to_kafka(const caf::error& e) {
  if (!e)
    return error_code::none;
  if (e.category() == api_error_category)
    return to_kafka(static_cast<api_errc>(e.code()));
  if (e == caf::sec::request_timeout)
    return error_code::request_timed_out;
  return error_code::unknown_server_error;
}

kafka::error_code to_kafka(cluster::group_errc e) {
  return static_cast<kafka::error_code>(cluster::kafka_code(e));
}

void check_coordinator(kafka_handler_ptr self, const std::string& group_id, std::function<void(kafka::error_code)> then) {
  if (!self->state.cfg.controller) {
    then(kafka::error_code::none); // a single node coordinates every group
    return;
  }
  self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request, view_atom::value)
    .then(
      [=](cluster_view& view) {
        auto node = cluster::group_coordinator(*view.image, group_id);
        then(node < 0                                      ? kafka::error_code::coordinator_not_available
             : node == self->state.cfg.server.node_id ? kafka::error_code::none
                                                           : kafka::error_code::not_coordinator);
      },
      [=](caf::error&) { then(kafka::error_code::coordinator_not_available); });
}

void with_group(kafka_handler_ptr self, const std::string& group_id,
                std::function<void(caf::actor, kafka::error_code)> then) {
  check_coordinator(self, group_id, [=](kafka::error_code why) {
    if (why != kafka::error_code::none) {
      then(caf::actor{}, why);
      return;
    }
    auto hit = self->state.groups.find(group_id);
    if (hit != self->state.groups.end()) {
      then(hit->second, why);
      return;
    }
    self->request(self->state.cfg.groups, timeouts::request, group_atom::value, group_id)
      .then(
        [=](caf::actor& g) {
          // A deleted group's coordinator quits: the down message drops it from the cache (kafka_handler).
          if (self->state.groups.emplace(group_id, g).second)
            self->monitor(g);
          then(g, kafka::error_code::none);
        },
        [=](caf::error& e) { then(caf::actor{}, coordinator_error(e)); });
  });
}

kafka::error_code coordinator_error(const caf::error& e) {
  // The image names this node, but its registry has not taken the offsets log's leadership yet
  // (NOT_COORDINATOR: clients look the coordinator up again) or is still reading it (LOAD_IN_PROGRESS:
  // clients retry); librdkafka's committed() gives up on COORDINATOR_NOT_AVAILABLE instead.
  auto code = to_kafka(e);
  if (code == kafka::error_code::not_coordinator || code == kafka::error_code::coordinator_load_in_progress)
    return code;
  return kafka::error_code::coordinator_not_available;
}

void forget_partition(kafka_handler_ptr self, const std::string& topic, int32_t partition) {
  self->state.partitions.erase({topic, partition});
}

void resolve_partitions(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                        std::function<void(std::vector<partition_actor>, std::vector<api_errc>)> then) {
  auto out = std::make_shared<std::vector<partition_actor>>(wanted.size());
  auto errors = std::make_shared<std::vector<api_errc>>(wanted.size(), api_errc::ok);
  using callback = std::function<void(std::vector<partition_actor>, std::vector<api_errc>)>;
  // In call order, whatever order the lookups finish in (ordered_completions.hpp).
  auto ticket = self->state.resolve_order.take();
  auto cb = std::make_shared<callback>(
    [self, ticket, then = std::make_shared<callback>(std::move(then))](std::vector<partition_actor> actors,
                                                                      std::vector<api_errc> errs) {
      self->state.resolve_order.complete(ticket, [then, actors = std::move(actors), errs = std::move(errs)]() mutable {
        (*then)(std::move(actors), std::move(errs));
      });
    });
  std::vector<size_t> missing;
  auto& cache = self->state.partitions;
  for (size_t i = 0; i < wanted.size(); ++i) {
    auto hit = cache.find(wanted[i]);
    if (hit != cache.end())
      (*out)[i] = hit->second;
    else
      missing.push_back(i);
  }
  if (missing.empty()) {
    (*cb)(std::move(*out), std::move(*errors));
    return;
  }
  auto pending = std::make_shared<size_t>(missing.size());
  for (auto i : missing) {
    auto key = wanted[i];
    self->request(self->state.cfg.broker, timeouts::request, partition_atom::value, key.first, key.second)
      .then(
        [=](partition_actor& hdl) {
          self->state.partitions[key] = hdl;
          (*out)[i] = std::move(hdl);
          if (--*pending == 0)
            (*cb)(std::move(*out), std::move(*errors));
        },
        [=](caf::error& e) {
          auto code = api_code(e);
          (*errors)[i] = code == api_errc::ok ? api_errc::unknown_topic_or_partition : code;
          if (--*pending == 0)
            (*cb)(std::move(*out), std::move(*errors));
        });
  }
}

void for_each_partition(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                        std::function<void(size_t, partition_actor, std::function<void()>)> ask,
                        std::function<void(size_t, api_errc)> unresolved, std::function<void()> finish) {
  auto pending = std::make_shared<size_t>(wanted.size());
  std::function<void()> done = [pending, finish] {
    if (--*pending == 0)
      finish();
  };
  if (wanted.empty()) {
    finish();
    return;
  }
  resolve_partitions(self, std::move(wanted), [=](std::vector<partition_actor> actors, std::vector<api_errc> errors) {
    for (size_t i = 0; i < actors.size(); ++i) {
      if (!actors[i]) {
        unresolved(i, errors[i]);
        done();
      } else {
        ask(i, actors[i], done);
      }
    }
  });
}

void partitions_exist(kafka_handler_ptr self, std::vector<std::pair<std::string, int32_t>> wanted,
                      std::function<void(std::vector<bool>)> then) {
  resolve_partitions(self, std::move(wanted), [then](std::vector<partition_actor> actors, std::vector<api_errc> errors) {
    std::vector<bool> out(actors.size());
    for (size_t i = 0; i < actors.size(); ++i)
      out[i] = actors[i] || errors[i] != api_errc::unknown_topic_or_partition;
    then(std::move(out));
  });
}

caf::behavior kafka_handler(kafka_handler_ptr self, kafka_listener_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& groups = self->state.groups;
    for (auto i = groups.begin(); i != groups.end();)
      i = i->second.address() == dm.source ? groups.erase(i) : std::next(i);
  });
  return {
    [=](kafka_request_atom, std::vector<char>& frame) -> caf::result<kafka_reply> {
      kafka_request req;
      req.frame = std::make_shared<std::vector<char>>(std::move(frame));
      kafka::reader r{req.frame->data(), req.frame->size()};
      if (!kafka::decode_request_header(r, req.header))
        return close_connection();
      req.body_offset = r.position();
      auto key = static_cast<kafka::api_key>(req.header.api_key);
      if (key == kafka::api_key::api_versions)
        return handle_api_versions(self, req); // answers unsupported versions itself
      auto* api = kafka::find_api(req.header.api_key);
      // Unknown or unimplemented APIs and unsupported versions: Kafka drops the connection.
      if (api == nullptr || !api->implemented || !kafka::is_supported(key, req.header.api_version))
        return close_connection();
      switch (key) {
        case kafka::api_key::metadata: return handle_metadata(self, req);
        case kafka::api_key::produce: return handle_produce(self, req);
        case kafka::api_key::fetch: return handle_fetch(self, req);
        case kafka::api_key::list_offsets: return handle_list_offsets(self, req);
        case kafka::api_key::offset_for_leader_epoch: return handle_offset_for_leader_epoch(self, req);
        case kafka::api_key::create_topics: return handle_create_topics(self, req);
        case kafka::api_key::delete_topics: return handle_delete_topics(self, req);
        case kafka::api_key::init_producer_id: return handle_init_producer_id(self, req);
        case kafka::api_key::find_coordinator: return handle_find_coordinator(self, req);
        case kafka::api_key::join_group: return handle_join_group(self, req);
        case kafka::api_key::sync_group: return handle_sync_group(self, req);
        case kafka::api_key::heartbeat: return handle_heartbeat(self, req);
        case kafka::api_key::leave_group: return handle_leave_group(self, req);
        case kafka::api_key::offset_commit: return handle_offset_commit(self, req);
        case kafka::api_key::offset_fetch: return handle_offset_fetch(self, req);
        case kafka::api_key::describe_groups: return handle_describe_groups(self, req);
        case kafka::api_key::list_groups: return handle_list_groups(self, req);
        case kafka::api_key::describe_configs: return handle_describe_configs(self, req);
        case kafka::api_key::describe_log_dirs: return handle_describe_log_dirs(self, req);
        case kafka::api_key::delete_groups: return handle_delete_groups(self, req);
        case kafka::api_key::offset_delete: return handle_offset_delete(self, req);
        case kafka::api_key::describe_cluster: return handle_describe_cluster(self, req);
        case kafka::api_key::delete_records: return handle_delete_records(self, req);
        case kafka::api_key::describe_producers: return handle_describe_producers(self, req);
        case kafka::api_key::alter_partition_reassignments: return handle_alter_partition_reassignments(self, req);
        case kafka::api_key::list_partition_reassignments: return handle_list_partition_reassignments(self, req);
        case kafka::api_key::alter_configs: return handle_alter_configs(self, req);
        case kafka::api_key::incremental_alter_configs: return handle_incremental_alter_configs(self, req);
        case kafka::api_key::create_partitions: return handle_create_partitions(self, req);
        default: return close_connection();
      }
    },
    [=](kafka_credit_atom, int64_t bytes) { release_fetch_budget(self, bytes); },
  };
}

caf::result<kafka_reply> handle_api_versions(kafka_handler_ptr, const kafka_request& req) {
  int16_t version = 0;
  auto resp = kafka::answer_api_versions(req.header.api_version, version);
  if (version == req.header.api_version) {
    auto body = req.body();
    kafka::api_versions_request decoded;
    if (!kafka::decode(body, version, decoded))
      return close_connection();
  }
  kafka::request_header h = req.header;
  h.api_version = version; // the body goes out in the version we answer with; the header is always v0
  return encode_reply(h, resp);
}

} // namespace samsa::actors
