#include "cluster/controller/replication_control.hpp"

#include <algorithm>
#include <optional>

#include "cluster/offsets_topic.hpp"
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

alter_isr_decision refuse(alter_refusal why, std::string reason) {
  alter_isr_decision d;
  d.refusal = why;
  d.reason = std::move(reason);
  return d;
}

bool contains(const std::vector<int32_t>& xs, int32_t x) { return has_replica(xs, x); }

std::string ids(const std::vector<int32_t>& xs) { return id_list(xs); }

// The sender of an AlterPartition must lead `cur` in its leader epoch: nullopt, or its refusal (`epochs`
// describes the partition in the reason).
std::optional<alter_isr_decision> refuse_sender(const partition_registration& cur, const alter_isr_request& req,
                                                const std::string& name, const std::string& epochs) {
  if (req.leader_epoch > cur.leader_epoch)
    return refuse(alter_refusal::not_leader_or_follower,
                  "leader epoch " + std::to_string(req.leader_epoch) + " of " + name + " is newer than the controller's" + epochs);
  if (req.leader_epoch < cur.leader_epoch)
    return refuse(alter_refusal::fenced_leader_epoch,
                  "leader epoch " + std::to_string(req.leader_epoch) + " of " + name + " is stale" + epochs);
  if (req.leader_id != cur.leader)
    return refuse(alter_refusal::not_leader_or_follower,
                  "node " + std::to_string(req.leader_id) + " does not lead " + name + epochs);
  return std::nullopt;
}

} // namespace

void replication_control::forget_settled(const metadata_image& img) {
  for (auto it = creating_.begin(); it != creating_.end();)
    it = img.topic_by_name(*it) ? creating_.erase(it) : std::next(it);
  for (auto it = deleting_.begin(); it != deleting_.end();)
    it = img.topic_by_id(*it) ? std::next(it) : deleting_.erase(it);
  for (auto it = configs_in_flight_.begin(); it != configs_in_flight_.end();) {
    auto now = img.configs(config_resource::topic, it->first);
    bool settled = !img.topic_by_name(it->first) || (now ? *now == it->second : it->second.empty());
    it = settled ? configs_in_flight_.erase(it) : std::next(it);
  }
  for (auto it = growing_.begin(); it != growing_.end();) {
    auto t = img.topic_by_id(it->first);
    bool settled = !t || static_cast<int32_t>(t->partitions.size()) >= it->second;
    it = settled ? growing_.erase(it) : std::next(it);
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto committed = img.partition(it->first.first, it->first.second);
    bool settled = !committed || committed->partition_epoch >= it->second.partition_epoch;
    it = settled ? pending_.erase(it) : std::next(it);
  }
}

const partition_registration* replication_control::partition(const metadata_image& img, const std::string& topic_id,
                                                              int32_t p) const {
  auto committed = img.partition(topic_id, p);
  auto it = pending_.find({topic_id, p});
  if (!committed || it == pending_.end() || committed->partition_epoch >= it->second.partition_epoch)
    return committed;
  return &it->second;
}

bool replication_control::unclean_for(const metadata_image& img, const std::string& topic) const {
  return unclean_leader_election(img.configs(config_resource::topic, topic), unclean_default_);
}

replication_control::leader_choice replication_control::choose_leader(const partition_registration& p,
                                                                      std::vector<int32_t> isr,
                                                                      const std::set<int32_t>& live,
                                                                      bool unclean) const {
  if (p.leader >= 0 && contains(isr, p.leader) && live.count(p.leader))
    return {p.leader, std::move(isr), false};
  for (auto r : p.replicas)
    if (contains(isr, r) && live.count(r))
      return {r, std::move(isr), false};
  if (unclean)
    for (auto r : p.replicas)
      if (live.count(r))
        return {r, {r}, true};
  return {-1, std::move(isr), false};
}

void replication_control::change(const topic_image& t, int32_t p, const partition_registration& cur,
                                 const leader_choice& to, partition_decision& out) {
  partition_change_record r;
  r.topic_id = t.topic_id;
  r.partition = p;
  if (to.isr != cur.isr)
    r.isr = to.isr;
  if (to.leader != cur.leader)
    r.leader = to.leader;
  if (!r.isr && r.leader == partition_change_record::no_change)
    return;
  record_change(t, p, cur, r, to.unclean, out); // the rules keep the image's invariants; a change that would
                                                // break one is not proposed
}

std::string replication_control::record_change(const topic_image& t, int32_t p, const partition_registration& cur,
                                               const partition_change_record& r, bool unclean, partition_decision& out) {
  auto next = cur;
  if (auto why = merge_partition_change(next, r); !why.empty())
    return why;
  if (r.leader != partition_change_record::no_change && next.leader != cur.leader)
    out.elections.push_back({t.name, p, cur.leader, next.leader, next.isr, next.leader_epoch, unclean});
  pending_[{t.topic_id, p}] = std::move(next);
  out.records.push_back(r);
  return {};
}

template <class F>
void replication_control::for_each_partition(const metadata_image& img, F&& f) const {
  for (const auto& [id, t] : img.topics_by_id()) {
    bool unclean = unclean_for(img, t.name);
    for (int32_t p = 0; p < static_cast<int32_t>(t.partitions.size()); ++p)
      f(t, p, *partition(img, id, p), unclean);
  }
}

void replication_control::on_fence(const metadata_image& img, int32_t node, const std::set<int32_t>& live,
                                   partition_decision& out) {
  for_each_partition(img, [&](const topic_image& t, int32_t p, const partition_registration& cur, bool unclean) {
    if (!contains(cur.isr, node))
      return;
    std::vector<int32_t> isr;
    for (auto r : cur.isr)
      if (r != node)
        isr.push_back(r);
    if (isr.empty())
      isr = cur.isr; // the last in-sync replica stays in the ISR
    change(t, p, cur, choose_leader(cur, std::move(isr), live, unclean), out);
  });
}

void replication_control::on_unfence(const metadata_image& img, int32_t node, const std::set<int32_t>& live,
                                     partition_decision& out) {
  for_each_partition(img, [&](const topic_image& t, int32_t p, const partition_registration& cur, bool unclean) {
    if (cur.leader < 0 && contains(cur.replicas, node))
      change(t, p, cur, choose_leader(cur, cur.isr, live, unclean), out);
  });
}

partition_decision replication_control::elections_for(const metadata_image& img,
                                                      const std::vector<metadata_record>& batch,
                                                      std::set<int32_t> live) {
  forget_settled(img);
  // Who is live once the whole batch applied decides every election in it: two fences in one batch
  // elect a third replica at once rather than the second one, which is being fenced too.
  std::vector<std::pair<int32_t, bool>> events; // (node, fenced)
  for (const auto& r : batch) {
    if (auto f = std::get_if<fence_broker_record>(&r)) {
      events.emplace_back(f->node_id, true);
      live.erase(f->node_id);
    } else if (auto u = std::get_if<unfence_broker_record>(&r)) {
      events.emplace_back(u->node_id, false);
      live.insert(u->node_id);
    } else if (auto reg = std::get_if<register_broker_record>(&r); reg && live.erase(reg->node_id) > 0) {
      events.emplace_back(reg->node_id, true); // a new incarnation replaces a live registration (file comment)
    }
  }
  partition_decision out;
  for (auto [node, fenced] : events) {
    if (fenced)
      on_fence(img, node, live, out);
    else
      on_unfence(img, node, live, out);
  }
  return out;
}

partition_decision replication_control::preferred_leaders(const metadata_image& img, const std::set<int32_t>& live) {
  forget_settled(img);
  partition_decision out;
  for_each_partition(img, [&](const topic_image& t, int32_t p, const partition_registration& cur, bool) {
    auto preferred = cur.replicas.front();
    if (cur.leader != preferred && contains(cur.isr, preferred) && live.count(preferred))
      change(t, p, cur, leader_choice{preferred, cur.isr, false}, out);
  });
  return out;
}

partition_decision replication_control::controlled_shutdown(const metadata_image& img, int32_t node,
                                                            const std::set<int32_t>& live) {
  forget_settled(img);
  partition_decision out;
  auto others = live;
  others.erase(node);
  on_fence(img, node, others, out);
  return out;
}

bool replication_control::may_stop(const metadata_image& img, int32_t node) {
  for (const auto& [id, t] : img.topics_by_id())
    for (const auto& p : t.partitions)
      if (p.leader == node || (p.isr.size() > 1 && contains(p.isr, node)))
        return false;
  return true;
}

alter_isr_decision replication_control::alter_isr(const metadata_image& img, const alter_isr_request& req,
                                                  const std::set<int32_t>& live) {
  forget_settled(img);
  auto name = req.topic + "-" + std::to_string(req.partition);
  auto t = img.topic_by_name(req.topic);
  if (!t || (!req.topic_id.empty() && req.topic_id != t->topic_id))
    return refuse(alter_refusal::unknown_topic_or_partition,
                  "unknown topic '" + req.topic + "'" + (req.topic_id.empty() ? "" : " with id " + req.topic_id));
  auto cur = partition(img, t->topic_id, req.partition);
  if (!cur)
    return refuse(alter_refusal::unknown_topic_or_partition, "unknown partition " + name);
  if (req.resign)
    return resign(img, *t, req, *cur, live);
  std::set<int32_t> distinct(req.isr.begin(), req.isr.end());
  bool isr_valid = !req.isr.empty() && distinct.size() == req.isr.size()
                   && std::all_of(req.isr.begin(), req.isr.end(), [&](int32_t r) { return contains(cur->replicas, r); });
  auto isr = in_assignment_order(cur->replicas, req.isr);
  auto state = [&](const partition_registration& p) {
    alter_isr_decision d;
    d.topic_id = t->topic_id;
    d.state = p;
    auto committed = img.partition(t->topic_id, req.partition);
    d.committed = committed && *committed == p;
    return d;
  };
  if (isr_valid && req.leader_id == cur->leader && req.leader_epoch == cur->leader_epoch
      && req.partition_epoch <= cur->partition_epoch && isr == cur->isr)
    return state(*cur);
  auto epochs = " (leader epoch " + std::to_string(cur->leader_epoch) + ", partition epoch "
                + std::to_string(cur->partition_epoch) + ", leader " + std::to_string(cur->leader) + ")";
  if (auto refused = refuse_sender(*cur, req, name, epochs))
    return std::move(*refused);
  if (req.partition_epoch != cur->partition_epoch)
    return refuse(alter_refusal::invalid_update_version,
                  "partition epoch " + std::to_string(req.partition_epoch) + " of " + name + " is not the current one" + epochs);
  if (!isr_valid || !contains(isr, cur->leader))
    return refuse(alter_refusal::invalid_request,
                  "ISR " + ids(req.isr) + " of " + name + " must be distinct replicas of " + ids(cur->replicas)
                    + " including the leader " + std::to_string(cur->leader));
  for (auto r : isr)
    if (!contains(cur->isr, r) && !live.count(r))
      return refuse(alter_refusal::ineligible_replica,
                    "replica " + std::to_string(r) + " cannot join the ISR of " + name + ": its broker is fenced or not registered");
  partition_decision out;
  if (!complete_reassignment(*t, req.partition, *cur, isr, live, out))
    change(*t, req.partition, *cur, leader_choice{cur->leader, isr, false}, out);
  auto d = state(*partition(img, t->topic_id, req.partition));
  d.records = std::move(out.records);
  d.elections = std::move(out.elections);
  d.reassignments = std::move(out.reassignments);
  return d;
}

alter_isr_decision replication_control::resign(const metadata_image& img, const topic_image& t,
                                               const alter_isr_request& req, const partition_registration& cur,
                                               const std::set<int32_t>& live) {
  auto name = req.topic + "-" + std::to_string(req.partition);
  auto epochs = " (leader epoch " + std::to_string(cur.leader_epoch) + ", leader " + std::to_string(cur.leader) + ")";
  if (auto refused = refuse_sender(cur, req, name, epochs))
    return std::move(*refused);
  std::vector<int32_t> isr;
  for (auto r : cur.isr)
    if (r != req.leader_id)
      isr.push_back(r);
  auto others = live;
  others.erase(req.leader_id);
  auto to = choose_leader(cur, isr, others, false);
  if (to.leader < 0)
    return refuse(alter_refusal::no_eligible_leader,
                  "no other in-sync replica of " + name + " is live to take over from node " + std::to_string(req.leader_id)
                    + " (ISR " + ids(cur.isr) + ")");
  partition_decision out;
  change(t, req.partition, cur, to, out);
  if (out.records.empty()) // the image's invariants refused the change (change() proposes nothing then)
    return refuse(alter_refusal::no_eligible_leader, "moving the leadership of " + name + " to node "
                                                       + std::to_string(to.leader) + " breaks an invariant of the image");
  alter_isr_decision d;
  d.topic_id = t.topic_id;
  d.state = *partition(img, t.topic_id, req.partition);
  d.records = std::move(out.records);
  d.elections = std::move(out.elections);
  return d;
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
  auto live = ctx.live ? std::vector<int32_t>(ctx.live->begin(), ctx.live->end()) : img.live_brokers();
  auto placed = place_replicas(partitions, rf, live, ctx.start, ctx.shift);
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
    pr.isr = pr.replicas; // every replica is empty, so every one is in sync (Kafka's choice)
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
  if (name == offsets_topic)
    return refuse(topic_refusal::invalid_topic, name + " is internal: it holds the consumer groups' committed "
                                                       "offsets and cannot be deleted");
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
    else if (auto pc = std::get_if<partition_change_record>(&r))
      pending_.erase({pc->topic_id, pc->partition});
    else if (auto cr = std::get_if<config_record>(&r))
      configs_in_flight_.erase(cr->resource_name);
    else if (auto pr = std::get_if<partition_record>(&r))
      growing_.erase(pr->topic_id);
  }
}

void replication_control::reset() {
  creating_.clear();
  deleting_.clear();
  pending_.clear();
  configs_in_flight_.clear();
  growing_.clear();
  next_producer_id_ = 0;
}

} // namespace samsa::cluster
