// Partition reassignment: the free rules of cluster/controller/reassignment.hpp and the replication_control
// decisions that use them (rules in that header).
#include "cluster/controller/replication_control.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace samsa::cluster {

bool has_replica(const std::vector<int32_t>& xs, int32_t x) { return std::find(xs.begin(), xs.end(), x) != xs.end(); }

std::vector<int32_t> in_assignment_order(const std::vector<int32_t>& replicas, const std::vector<int32_t>& isr) {
  std::vector<int32_t> out;
  for (auto r : replicas)
    if (has_replica(isr, r))
      out.push_back(r);
  return out;
}

std::string id_list(const std::vector<int32_t>& xs) {
  std::string s = "[";
  for (auto x : xs)
    s += (s.size() > 1 ? "," : "") + std::to_string(x);
  return s + "]";
}

namespace {

// xs without the members of `drop`, in xs's order.
std::vector<int32_t> without(const std::vector<int32_t>& xs, const std::vector<int32_t>& drop) {
  std::vector<int32_t> out;
  for (auto x : xs)
    if (!has_replica(drop, x))
      out.push_back(x);
  return out;
}

bool covers(const std::vector<int32_t>& xs, const std::vector<int32_t>& of) {
  return std::all_of(of.begin(), of.end(), [&](int32_t x) { return has_replica(xs, x); });
}

reassignment_result refuse(reassign_refusal why, std::string reason) { return {why, std::move(reason)}; }

// A change of every replica-set field of the partition to `to`, naming `leader` (so the leader epoch is
// bumped even when it stays: the leader's ISR bookkeeping restarts with the new replica set).
partition_change_record replica_change(const std::string& topic_id, int32_t p, const partition_registration& cur,
                                       const partition_registration& to, int32_t leader) {
  partition_change_record r;
  r.topic_id = topic_id;
  r.partition = p;
  if (to.replicas != cur.replicas)
    r.replicas = to.replicas;
  if (to.isr != cur.isr)
    r.isr = to.isr;
  if (to.removing_replicas != cur.removing_replicas)
    r.removing_replicas = to.removing_replicas;
  if (to.adding_replicas != cur.adding_replicas)
    r.adding_replicas = to.adding_replicas;
  r.leader = leader;
  return r;
}

std::string name_of(const topic_image& t, int32_t p) { return t.name + "-" + std::to_string(p); }

} // namespace

std::vector<int32_t> reassignment_target(const partition_registration& p) {
  return without(p.replicas, p.removing_replicas);
}

std::vector<int32_t> reassignment_original(const partition_registration& p) {
  return without(p.replicas, p.adding_replicas);
}

std::vector<int32_t> merged_replicas(const std::vector<int32_t>& current, const std::vector<int32_t>& target) {
  auto out = target;
  for (auto r : without(current, target))
    out.push_back(r);
  return out;
}

std::vector<ongoing_reassignment>
list_reassignments(const metadata_image& img,
                   const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& topics) {
  std::vector<ongoing_reassignment> out;
  auto add = [&](const topic_image& t, int32_t p) {
    auto reg = img.partition(t.topic_id, p);
    if (reg && reg->reassigning())
      out.push_back({t.name, p, reg->replicas, reg->adding_replicas, reg->removing_replicas});
  };
  if (topics) {
    for (const auto& [name, parts] : *topics)
      if (auto t = img.topic_by_name(name))
        for (auto p : parts)
          add(*t, p);
  } else {
    for (const auto& [id, t] : img.topics_by_id())
      for (int32_t p = 0; p < static_cast<int32_t>(t.partitions.size()); ++p)
        add(t, p);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return out;
}

std::optional<std::pair<partition_registration, int32_t>>
replication_control::completed(const partition_registration& moving, const std::vector<int32_t>& isr,
                               const std::set<int32_t>& live) const {
  auto target = reassignment_target(moving);
  if (!moving.reassigning() || !covers(isr, target))
    return std::nullopt;
  partition_registration to = moving;
  to.replicas = target;
  to.removing_replicas.clear();
  to.adding_replicas.clear();
  auto choice = choose_leader(to, in_assignment_order(target, isr), live, false);
  to.isr = choice.isr;
  return std::make_pair(std::move(to), choice.leader);
}

bool replication_control::complete_reassignment(const topic_image& t, int32_t p, const partition_registration& cur,
                                                const std::vector<int32_t>& isr, const std::set<int32_t>& live,
                                                partition_decision& out) {
  auto done = completed(cur, isr, live);
  if (!done || !record_change(t, p, cur, replica_change(t.topic_id, p, cur, done->first, done->second), false, out).empty())
    return false;
  out.reassignments.push_back("reassignment of " + name_of(t, p) + " completed: replicas " + id_list(done->first.replicas)
                              + " (were " + id_list(cur.replicas) + "), ISR " + id_list(done->first.isr) + ", leader "
                              + std::to_string(done->second));
  return true;
}

reassignment_result replication_control::cancel_reassignment(const topic_image& t, int32_t p,
                                                             const partition_registration& cur,
                                                             const std::set<int32_t>& live, partition_decision& out) {
  auto name = name_of(t, p);
  if (!cur.reassigning())
    return refuse(reassign_refusal::no_reassignment_in_progress, name + " has no reassignment in progress");
  partition_registration to = cur;
  to.replicas = reassignment_original(cur);
  to.removing_replicas.clear();
  to.adding_replicas.clear();
  auto isr = without(cur.isr, cur.adding_replicas);
  if (isr.empty())
    return refuse(reassign_refusal::invalid_replica_assignment,
                  "cannot cancel the reassignment of " + name + ": none of its original replicas "
                    + id_list(to.replicas) + " is in sync (ISR " + id_list(cur.isr) + ")");
  auto choice = choose_leader(to, isr, live, false);
  to.isr = choice.isr;
  if (auto why = record_change(t, p, cur, replica_change(t.topic_id, p, cur, to, choice.leader), false, out); !why.empty())
    return refuse(reassign_refusal::invalid_replica_assignment, "cannot cancel the reassignment of " + name + ": " + why);
  out.reassignments.push_back("reassignment of " + name + " cancelled: replicas " + id_list(to.replicas) + " again (were "
                              + id_list(cur.replicas) + "), ISR " + id_list(to.isr) + ", leader "
                              + std::to_string(choice.leader));
  return {};
}

reassignment_result replication_control::reassign(const metadata_image& img, const reassignment_request& req,
                                                  const std::set<int32_t>& live, partition_decision& out) {
  auto t = img.topic_by_name(req.topic);
  if (!t)
    return refuse(reassign_refusal::unknown_topic_or_partition, "unknown topic '" + req.topic + "'");
  auto cur = partition(img, t->topic_id, req.partition);
  auto name = name_of(*t, req.partition);
  if (!cur)
    return refuse(reassign_refusal::unknown_topic_or_partition, "unknown partition " + name);
  if (!req.replicas)
    return cancel_reassignment(*t, req.partition, *cur, live, out);
  const auto& target = *req.replicas;
  if (target.empty())
    return refuse(reassign_refusal::invalid_replica_assignment, "the replica list of " + name + " is empty");
  if (std::set<int32_t>(target.begin(), target.end()).size() != target.size())
    return refuse(reassign_refusal::invalid_replica_assignment,
                  "the replica list " + id_list(target) + " of " + name + " names a broker twice");
  for (auto r : target)
    if (r < 0 || !img.broker(r))
      return refuse(reassign_refusal::invalid_replica_assignment,
                    "the replica list " + id_list(target) + " of " + name + " names broker " + std::to_string(r)
                      + ", but no such broker is registered");
  if (!cur->reassigning() && target == cur->replicas)
    return {}; // already there
  partition_registration moving = *cur;
  moving.replicas = merged_replicas(cur->replicas, target);
  moving.removing_replicas = without(cur->replicas, target);
  moving.adding_replicas = without(target, cur->replicas);
  moving.isr = in_assignment_order(moving.replicas, cur->isr);
  if (!moving.reassigning()) {
    // The same replicas in another order: nothing to wait for.
    moving.replicas = target;
    moving.isr = in_assignment_order(target, cur->isr);
  }
  // A target already in sync (a replica set that only shrinks) completes at once.
  auto done = completed(moving, moving.isr, live);
  auto to = done ? done->first : moving;
  auto leader = done ? done->second : moving.reassigning() ? cur->leader : choose_leader(moving, moving.isr, live, false).leader;
  if (auto why = record_change(*t, req.partition, *cur, replica_change(t->topic_id, req.partition, *cur, to, leader),
                               false, out);
      !why.empty())
    return refuse(reassign_refusal::invalid_replica_assignment, "cannot reassign " + name + ": " + why);
  out.reassignments.push_back("reassignment of " + name + (done ? " done at once: " : moving.reassigning() ? " started: " : " reorders: ")
                              + id_list(cur->replicas) + " -> " + id_list(target) + " (replicas " + id_list(to.replicas)
                              + ", adding " + id_list(to.adding_replicas) + ", removing " + id_list(to.removing_replicas)
                              + ", ISR " + id_list(to.isr) + ", leader " + std::to_string(leader) + ")");
  return {};
}

reassign_decision replication_control::alter_reassignments(const metadata_image& img,
                                                           const std::vector<reassignment_request>& reqs,
                                                           const std::set<int32_t>& live) {
  forget_settled(img);
  reassign_decision d;
  for (const auto& req : reqs)
    d.results.push_back(reassign(img, req, live, d.changes));
  return d;
}

} // namespace samsa::cluster
