#include "cluster/controller/replication_control.hpp"

#include <algorithm>

#include "cluster/replica_placer.hpp"
#include "cluster/server_config.hpp"

namespace samsa::cluster {

namespace {

topic_decision refuse(topic_refusal why, std::string reason) {
  topic_decision d;
  d.refusal = why;
  d.reason = std::move(reason);
  return d;
}

} // namespace

void replication_control::forget_settled(const metadata_image& img) {
  for (auto it = creating_.begin(); it != creating_.end();)
    it = img.topic_by_name(*it) ? creating_.erase(it) : std::next(it);
  for (auto it = deleting_.begin(); it != deleting_.end();)
    it = img.topic_by_id(*it) ? std::next(it) : deleting_.erase(it);
}

topic_decision replication_control::create_topic(const metadata_image& img, const create_topic_request& req,
                                                 const create_topic_context& ctx) {
  forget_settled(img);
  if (auto why = validate_topic_name(req.name); !why.empty())
    return refuse(topic_refusal::invalid_topic, why);
  auto partitions = req.partitions == -1 ? ctx.default_partitions : req.partitions;
  if (partitions <= 0 || partitions > max_partitions_per_topic)
    return refuse(topic_refusal::invalid_partitions,
                  "number of partitions must be between 1 and " + std::to_string(max_partitions_per_topic));
  auto rf = req.replication_factor == -1 ? ctx.default_replication_factor : req.replication_factor;
  if (rf <= 0)
    return refuse(topic_refusal::invalid_replication_factor, "replication factor must be positive");
  if (auto why = validate_topic_configs(req.configs); !why.empty())
    return refuse(topic_refusal::invalid_config, why);
  if (img.topic_by_name(req.name) || creating_.count(req.name))
    return refuse(topic_refusal::topic_exists, "topic '" + req.name + "' already exists");
  auto placed = place_replicas(partitions, rf, img.live_brokers(), ctx.start, ctx.shift);
  if (!placed.error.empty())
    return refuse(topic_refusal::invalid_replication_factor, placed.error);
  if (ctx.topic_id.empty() || img.topic_by_id(ctx.topic_id))
    return refuse(topic_refusal::invalid_topic, "no fresh topic id for '" + req.name + "'");
  topic_decision d;
  d.records.push_back(create_topic_record{req.name, ctx.topic_id});
  for (int32_t p = 0; p < partitions; ++p) {
    partition_record pr;
    pr.topic_id = ctx.topic_id;
    pr.partition = p;
    pr.replicas = placed.replicas[static_cast<size_t>(p)];
    pr.leader = pr.replicas.front();
    pr.isr = {pr.leader}; // followers do not replicate yet (issue "Replicated partitions"): only the leader is in sync
    d.records.push_back(std::move(pr));
  }
  for (const auto& [k, v] : req.configs)
    d.records.push_back(config_record{config_resource::topic, req.name, k, v});
  creating_.insert(req.name);
  return d;
}

topic_decision replication_control::delete_topic(const metadata_image& img, const std::string& name) {
  forget_settled(img);
  auto t = img.topic_by_name(name);
  if (!t || deleting_.count(t->topic_id))
    return refuse(topic_refusal::unknown_topic, "unknown topic '" + name + "'");
  topic_decision d;
  d.records.push_back(remove_topic_record{t->topic_id});
  deleting_.insert(t->topic_id);
  return d;
}

producer_ids_decision replication_control::allocate_producer_ids(const metadata_image& img, int32_t node_id,
                                                                 int64_t broker_epoch) {
  producer_ids_decision d;
  d.first = std::max(img.next_producer_id(), next_producer_id_);
  next_producer_id_ = d.first + producer_id_block;
  d.records.push_back(producer_ids_record{node_id, broker_epoch, next_producer_id_});
  return d;
}

void replication_control::proposal_failed(const std::vector<metadata_record>& records) {
  for (const auto& r : records) {
    if (auto c = std::get_if<create_topic_record>(&r))
      creating_.erase(c->name);
    else if (auto rm = std::get_if<remove_topic_record>(&r))
      deleting_.erase(rm->topic_id);
  }
}

void replication_control::reset() {
  creating_.clear();
  deleting_.clear();
  next_producer_id_ = 0;
}

} // namespace samsa::cluster
