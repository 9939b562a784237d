#include "cluster/metadata_image.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace samsa::cluster {

namespace {

apply_result ignored(std::string why) { return apply_result{false, std::move(why)}; }

bool distinct(const std::vector<int32_t>& xs) {
  return std::set<int32_t>(xs.begin(), xs.end()).size() == xs.size();
}

bool subset(const std::vector<int32_t>& xs, const std::vector<int32_t>& of) {
  return std::all_of(xs.begin(), xs.end(), [&](int32_t x) { return std::find(of.begin(), of.end(), x) != of.end(); });
}

bool subset_any(const std::vector<int32_t>& xs, const std::vector<int32_t>& of) {
  return std::any_of(xs.begin(), xs.end(), [&](int32_t x) { return std::find(of.begin(), of.end(), x) != of.end(); });
}

// The invariants every partition keeps: replicas non-empty and distinct, ISR a distinct subset of them,
// the leader in the ISR or none. Returns "" or the violated rule.
std::string check_partition(const partition_registration& p) {
  if (p.replicas.empty() || !distinct(p.replicas))
    return "replicas must be non-empty and distinct";
  if (!distinct(p.isr) || !subset(p.isr, p.replicas))
    return "isr must be distinct replicas";
  if (p.leader != -1 && std::find(p.isr.begin(), p.isr.end(), p.leader) == p.isr.end())
    return "leader " + std::to_string(p.leader) + " is not in the isr";
  if (!distinct(p.removing_replicas) || !subset(p.removing_replicas, p.replicas) || !distinct(p.adding_replicas)
      || !subset(p.adding_replicas, p.replicas) || subset_any(p.adding_replicas, p.removing_replicas))
    return "removing and adding replicas must be distinct, disjoint replicas";
  if (p.removing_replicas.size() >= p.replicas.size())
    return "a reassignment must keep at least one replica";
  return {};
}

} // namespace

apply_result metadata_image::apply(const metadata_record& r, int64_t offset) {
  return apply_batch({r}, offset).front();
}

std::vector<apply_result> metadata_image::apply_batch(const std::vector<metadata_record>& batch, int64_t offset) {
  std::vector<apply_result> out;
  if (offset <= offset_) {
    out.assign(std::max<size_t>(1, batch.size()), ignored("offset " + std::to_string(offset) + " already applied (image at "
                                                           + std::to_string(offset_) + ")"));
    return out;
  }
  offset_ = offset;
  for (const auto& r : batch) {
    // A registration the controller left without an epoch takes its own offset (Kafka's choice): unique,
    // increasing with every registration, and the same on every node that applies the log.
    if (auto* reg = std::get_if<register_broker_record>(&r); reg && reg->broker_epoch < 0) {
      auto with_epoch = *reg;
      with_epoch.broker_epoch = offset;
      out.push_back(on(with_epoch));
    } else {
      out.push_back(std::visit([this](const auto& rec) { return on(rec); }, r));
    }
  }
  if (out.empty())
    out.push_back({});
  return out;
}

apply_result metadata_image::on(const register_broker_record& r) {
  if (r.node_id < 0)
    return ignored("negative node id");
  auto i = brokers_.find(r.node_id);
  if (i != brokers_.end() && i->second.broker_epoch >= r.broker_epoch)
    return ignored("node " + std::to_string(r.node_id) + " already registered with epoch "
                   + std::to_string(i->second.broker_epoch));
  brokers_[r.node_id] = broker_registration{r.node_id, r.incarnation_id, r.broker_epoch, r.endpoints, r.rack, r.fenced};
  return {};
}

broker_registration* metadata_image::registration(int32_t node_id, int64_t broker_epoch) {
  auto i = brokers_.find(node_id);
  return i == brokers_.end() || i->second.broker_epoch != broker_epoch ? nullptr : &i->second;
}

apply_result metadata_image::on_registration(int32_t node_id, int64_t broker_epoch, int fenced) {
  auto b = registration(node_id, broker_epoch);
  if (!b)
    return ignored("no registration of node " + std::to_string(node_id) + " with epoch " + std::to_string(broker_epoch));
  if (fenced < 0)
    brokers_.erase(node_id);
  else
    b->fenced = fenced != 0;
  return {};
}

apply_result metadata_image::on(const unregister_broker_record& r) { return on_registration(r.node_id, r.broker_epoch, -1); }
apply_result metadata_image::on(const fence_broker_record& r) { return on_registration(r.node_id, r.broker_epoch, 1); }
apply_result metadata_image::on(const unfence_broker_record& r) { return on_registration(r.node_id, r.broker_epoch, 0); }

apply_result metadata_image::on(const create_topic_record& r) {
  if (r.name.empty() || r.topic_id.empty())
    return ignored("topic name and id must be set");
  if (topic_ids_.count(r.name) > 0)
    return ignored("topic name '" + r.name + "' exists");
  if (topics_.count(r.topic_id) > 0)
    return ignored("topic id " + r.topic_id + " exists");
  topics_[r.topic_id] = topic_image{r.name, r.topic_id, {}};
  topic_ids_[r.name] = r.topic_id;
  return {};
}

apply_result metadata_image::on(const partition_record& r) {
  auto t = topics_.find(r.topic_id);
  if (t == topics_.end())
    return ignored("unknown topic id " + r.topic_id);
  auto& parts = t->second.partitions;
  if (r.partition < 0 || static_cast<size_t>(r.partition) > parts.size())
    return ignored("partition " + std::to_string(r.partition) + " is not the next of its topic");
  partition_registration p{r.replicas,        r.isr, r.leader, r.leader_epoch, r.partition_epoch,
                           r.removing_replicas, r.adding_replicas};
  if (auto why = check_partition(p); !why.empty())
    return ignored(why);
  if (static_cast<size_t>(r.partition) == parts.size())
    parts.push_back(std::move(p));
  else
    parts[static_cast<size_t>(r.partition)] = std::move(p);
  return {};
}

apply_result metadata_image::on(const partition_change_record& r) {
  auto t = topics_.find(r.topic_id);
  if (t == topics_.end())
    return ignored("unknown topic id " + r.topic_id);
  auto& parts = t->second.partitions;
  if (r.partition < 0 || static_cast<size_t>(r.partition) >= parts.size())
    return ignored("unknown partition " + std::to_string(r.partition));
  if (auto why = merge_partition_change(parts[static_cast<size_t>(r.partition)], r); !why.empty())
    return ignored(why);
  return {};
}

apply_result metadata_image::on(const config_record& r) {
  if (r.key.empty())
    return ignored("config key must be set");
  auto& m = configs_[{r.resource_type, r.resource_name}];
  if (r.value)
    m[r.key] = *r.value;
  else
    m.erase(r.key);
  if (m.empty())
    configs_.erase({r.resource_type, r.resource_name});
  return {};
}

apply_result metadata_image::on(const producer_ids_record& r) {
  if (r.next_producer_id <= next_producer_id_)
    return ignored("producer ids below " + std::to_string(next_producer_id_) + " are already claimed");
  next_producer_id_ = r.next_producer_id;
  return {};
}

apply_result metadata_image::on(const remove_topic_record& r) {
  auto t = topics_.find(r.topic_id);
  if (t == topics_.end())
    return ignored("unknown topic id " + r.topic_id);
  configs_.erase({config_resource::topic, t->second.name});
  topic_ids_.erase(t->second.name);
  topics_.erase(t);
  return {};
}

const broker_registration* metadata_image::broker(int32_t node_id) const {
  auto i = brokers_.find(node_id);
  return i == brokers_.end() ? nullptr : &i->second;
}

std::vector<int32_t> metadata_image::live_brokers() const {
  std::vector<int32_t> out;
  for (auto& [id, b] : brokers_)
    if (!b.fenced)
      out.push_back(id);
  return out;
}

const topic_image* metadata_image::topic_by_name(const std::string& name) const {
  auto i = topic_ids_.find(name);
  return i == topic_ids_.end() ? nullptr : topic_by_id(i->second);
}

const topic_image* metadata_image::topic_by_id(const std::string& id) const {
  auto i = topics_.find(id);
  return i == topics_.end() ? nullptr : &i->second;
}

const partition_registration* metadata_image::partition(const std::string& topic_id, int32_t p) const {
  auto t = topic_by_id(topic_id);
  if (!t || p < 0 || static_cast<size_t>(p) >= t->partitions.size())
    return nullptr;
  return &t->partitions[static_cast<size_t>(p)];
}

const std::map<std::string, std::string>* metadata_image::configs(config_resource type, const std::string& name) const {
  auto i = configs_.find({type, name});
  return i == configs_.end() ? nullptr : &i->second;
}

std::string merge_partition_change(partition_registration& p, const partition_change_record& change) {
  auto next = p;
  if (change.replicas)
    next.replicas = *change.replicas;
  if (change.isr)
    next.isr = *change.isr;
  if (change.removing_replicas)
    next.removing_replicas = *change.removing_replicas;
  if (change.adding_replicas)
    next.adding_replicas = *change.adding_replicas;
  if (change.leader != partition_change_record::no_change) {
    next.leader = change.leader;
    ++next.leader_epoch;
  }
  ++next.partition_epoch;
  if (auto why = check_partition(next); !why.empty())
    return why;
  p = std::move(next);
  return {};
}

bool operator==(const broker_registration& a, const broker_registration& b) {
  return std::tie(a.node_id, a.incarnation_id, a.broker_epoch, a.endpoints, a.rack, a.fenced)
         == std::tie(b.node_id, b.incarnation_id, b.broker_epoch, b.endpoints, b.rack, b.fenced);
}

bool operator==(const partition_registration& a, const partition_registration& b) {
  return std::tie(a.replicas, a.isr, a.leader, a.leader_epoch, a.partition_epoch, a.removing_replicas, a.adding_replicas)
         == std::tie(b.replicas, b.isr, b.leader, b.leader_epoch, b.partition_epoch, b.removing_replicas, b.adding_replicas);
}

bool operator==(const topic_image& a, const topic_image& b) {
  return std::tie(a.name, a.topic_id, a.partitions) == std::tie(b.name, b.topic_id, b.partitions);
}

bool operator==(const metadata_image& a, const metadata_image& b) {
  return std::tie(a.offset_, a.brokers_, a.topics_, a.topic_ids_, a.configs_, a.next_producer_id_)
         == std::tie(b.offset_, b.brokers_, b.topics_, b.topic_ids_, b.configs_, b.next_producer_id_);
}

} // namespace samsa::cluster
