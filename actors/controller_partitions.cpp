#include "actors/controller_partitions.hpp"

#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"

namespace samsa::actors {

namespace {

api_errc to_api_errc(cluster::alter_refusal r) {
  switch (r) {
    case cluster::alter_refusal::none: return api_errc::ok;
    case cluster::alter_refusal::unknown_topic_or_partition: return api_errc::unknown_topic_or_partition;
    case cluster::alter_refusal::not_leader_or_follower: return api_errc::not_leader_or_follower;
    case cluster::alter_refusal::fenced_leader_epoch: return api_errc::fenced_leader_epoch;
    case cluster::alter_refusal::invalid_update_version: return api_errc::invalid_update_version;
    case cluster::alter_refusal::invalid_request: return api_errc::invalid_request;
    case cluster::alter_refusal::ineligible_replica: return api_errc::ineligible_replica;
    case cluster::alter_refusal::no_eligible_leader: return api_errc::leader_not_available;
  }
  return api_errc::invalid_request;
}

api_errc to_api_errc(cluster::reassign_refusal r) {
  switch (r) {
    case cluster::reassign_refusal::none: return api_errc::ok;
    case cluster::reassign_refusal::unknown_topic_or_partition: return api_errc::unknown_topic_or_partition;
    case cluster::reassign_refusal::invalid_replica_assignment: return api_errc::invalid_replica_assignment;
    case cluster::reassign_refusal::no_reassignment_in_progress: return api_errc::no_reassignment_in_progress;
  }
  return api_errc::invalid_request;
}

std::string ids(const std::vector<int32_t>& xs) {
  std::string s;
  for (auto x : xs)
    s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

void log_elections(const std::vector<cluster::leader_election>& elections, int64_t index) {
  for (const auto& e : elections) {
    if (e.unclean)
      spdlog::warn("controller: UNCLEAN leader election for {}-{}: leader {} -> {}, which was not in sync "
                   "(unclean.leader.election.enable): records it lacks are lost; ISR [{}], leader epoch {} (index {})",
                   e.topic, e.partition, e.old_leader, e.new_leader, ids(e.isr), e.leader_epoch, index);
    else if (e.new_leader < 0)
      spdlog::warn("controller: {}-{} has no leader: leader {} is fenced and no in-sync replica is live (ISR [{}]); "
                   "offline until one returns (index {})",
                   e.topic, e.partition, e.old_leader, ids(e.isr), index);
    else
      spdlog::info("controller: {}-{} leader {} -> {}, leader epoch {}, ISR [{}] (index {})", e.topic, e.partition,
                   e.old_leader, e.new_leader, e.leader_epoch, ids(e.isr), index);
  }
}

alter_partition_reply reply_of(const cluster::partition_registration& p) {
  return alter_partition_reply{p.leader_epoch, p.partition_epoch, p.isr};
}

} // namespace

void propose_changes(controller_ptr self, const cluster::partition_decision& d,
                     std::function<void(caf::expected<int64_t>)> done) {
  if (d.records.empty())
    return;
  auto elections = d.elections;
  auto reassignments = d.reassignments;
  propose(self, d.records, [=](caf::expected<int64_t> idx) {
    if (idx) {
      log_elections(elections, *idx);
      for (const auto& line : reassignments)
        spdlog::info("controller: {} (index {})", line, *idx);
    }
    if (done)
      done(std::move(idx));
  });
}

void propose_membership(controller_ptr self, const std::vector<metadata_record>& records,
                        std::function<void(caf::expected<int64_t>)> done) {
  if (records.empty())
    return;
  auto& st = self->state;
  auto d = st.topics.elections_for(*st.image, records, st.control->unfenced_brokers(*st.image));
  d.records.insert(d.records.begin(), records.begin(), records.end());
  propose_changes(self, d, std::move(done));
}

void settle_alter_waiters(controller_ptr self) {
  auto& ws = self->state.alter_waiters;
  const auto& img = *self->state.image;
  for (auto it = ws.begin(); it != ws.end();) {
    auto p = img.partition(it->topic_id, it->partition);
    if (p && p->partition_epoch < it->expect.partition_epoch) {
      ++it;
      continue;
    }
    if (!p)
      it->rp.deliver(make_error(api_errc::unknown_topic_or_partition, "the partition was deleted"));
    else if (*p == it->expect)
      it->rp.deliver(reply_of(*p));
    else
      it->rp.deliver(make_error(api_errc::invalid_update_version,
                                "the partition changed again before the change was seen committed (now partition epoch "
                                  + std::to_string(p->partition_epoch) + ")"));
    it = ws.erase(it);
  }
}

void fail_alter_waiters(controller_ptr self, const std::vector<metadata_record>& records, const caf::error& e) {
  auto& ws = self->state.alter_waiters;
  for (const auto& r : records) {
    auto pc = std::get_if<partition_change_record>(&r);
    if (!pc)
      continue;
    for (auto it = ws.begin(); it != ws.end();) {
      if (it->topic_id == pc->topic_id && it->partition == pc->partition) {
        it->rp.deliver(e);
        it = ws.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void expire_alter_waiters(controller_ptr self) {
  auto now = actor_clock_ms(self);
  auto& ws = self->state.alter_waiters;
  for (auto it = ws.begin(); it != ws.end();) {
    if (now < it->deadline_ms) {
      ++it;
      continue;
    }
    it->rp.deliver(make_error(api_errc::request_timed_out, "the partition change was not seen committed in time"));
    it = ws.erase(it);
  }
}

caf::result<alter_partition_reply> alter_partition(controller_ptr self, alter_partition_request& req) {
  auto& st = self->state;
  const bool resign = req.isr.empty(); // the leader's disk fails its appends (cluster_api.hpp)
  auto d = st.topics.alter_isr(*st.image,
                               {req.leader_id, req.topic, req.topic_id, req.partition, req.leader_epoch,
                                req.partition_epoch, req.isr, resign},
                               st.control->unfenced_brokers(*st.image));
  if (d.refusal != cluster::alter_refusal::none) {
    if (resign && d.refusal == cluster::alter_refusal::no_eligible_leader)
      spdlog::info("controller: node {} cannot append to {}-{} and asks to hand its leadership over: {}",
                   req.leader_id, req.topic, req.partition, d.reason);
    else
      spdlog::debug("controller: AlterPartition of {}-{} from node {} refused: {}", req.topic, req.partition,
                    req.leader_id, d.reason);
    return make_error(to_api_errc(d.refusal), d.reason);
  }
  if (d.committed)
    return reply_of(d.state);
  auto rp = self->make_response_promise<alter_partition_reply>();
  st.alter_waiters.push_back(
    alter_waiter{d.topic_id, req.partition, d.state, rp, actor_clock_ms(self) + st.cfg.propose_timeout_ms});
  if (!d.records.empty()) {
    cluster::partition_decision changes;
    changes.records = std::move(d.records);
    changes.elections = std::move(d.elections);
    changes.reassignments = std::move(d.reassignments);
    if (resign)
      spdlog::info("controller: node {} cannot append to {}-{} (its disk fails): leadership to node {}, ISR [{}] "
                   "(leader epoch {})",
                   req.leader_id, req.topic, req.partition, d.state.leader, ids(d.state.isr), d.state.leader_epoch);
    else
      spdlog::info("controller: node {} alters the ISR of {}-{} to [{}] (partition epoch {})", req.leader_id,
                   req.topic, req.partition, ids(d.state.isr), d.state.partition_epoch);
    propose_changes(self, changes);
  }
  return rp;
}

caf::result<std::vector<reassignment_outcome>> alter_reassignments(controller_ptr self,
                                                                   const std::vector<partition_reassignment>& reqs) {
  auto& st = self->state;
  std::vector<cluster::reassignment_request> rules;
  for (const auto& r : reqs)
    rules.push_back({r.topic, r.partition, r.cancel ? std::nullopt : std::optional<std::vector<int32_t>>{r.replicas}});
  auto d = st.topics.alter_reassignments(*st.image, rules, st.control->unfenced_brokers(*st.image));
  auto out = std::make_shared<std::vector<reassignment_outcome>>();
  for (size_t i = 0; i < reqs.size(); ++i) {
    const auto& res = d.results[i];
    out->push_back({reqs[i].topic, reqs[i].partition, static_cast<uint8_t>(to_api_errc(res.refusal)), res.reason});
    if (res.refusal != cluster::reassign_refusal::none)
      spdlog::info("controller: reassignment of {}-{} refused: {}", reqs[i].topic, reqs[i].partition, res.reason);
  }
  if (d.changes.records.empty())
    return std::move(*out);
  auto rp = self->make_response_promise<std::vector<reassignment_outcome>>();
  propose_changes(self, d.changes, [=](caf::expected<int64_t> idx) mutable {
    if (idx) {
      when_applied(self, *idx, [=]() mutable { rp.deliver(std::move(*out)); });
      return;
    }
    for (auto& o : *out) // every accepted one shares the failed proposal
      if (o.error == static_cast<uint8_t>(api_errc::ok)) {
        o.error = static_cast<uint8_t>(api_code(idx.error()) == api_errc::ok ? api_errc::request_timed_out
                                                                             : api_code(idx.error()));
        o.message = describe(idx.error());
      }
    rp.deliver(std::move(*out));
  });
  return rp;
}

std::vector<reassignment_info> list_reassignments(const controller_state& st, const std::vector<std::string>& topics) {
  std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> filter;
  if (!topics.empty()) {
    filter.emplace();
    for (const auto& name : topics)
      if (auto t = st.image->topic_by_name(name)) {
        std::vector<int32_t> all(t->partitions.size());
        for (size_t p = 0; p < all.size(); ++p)
          all[p] = static_cast<int32_t>(p);
        filter->emplace_back(name, std::move(all));
      }
  }
  std::vector<reassignment_info> out;
  for (auto& r : cluster::list_reassignments(*st.image, filter))
    out.push_back({r.topic, r.partition, r.replicas, r.adding, r.removing});
  return out;
}

void when_applied(controller_ptr self, int64_t index, std::function<void()> fn) {
  if (self->state.image->offset() >= index)
    fn();
  else
    self->state.applied_waiters.emplace_back(index, std::move(fn));
}

void run_applied_waiters(controller_ptr self) {
  auto& ws = self->state.applied_waiters;
  auto offset = self->state.image->offset();
  std::vector<std::function<void()>> ready;
  for (auto it = ws.begin(); it != ws.end();) {
    if (it->first <= offset) {
      ready.push_back(std::move(it->second));
      it = ws.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& fn : ready)
    fn();
}

bool controlled_shutdown(controller_ptr self, int32_t node) {
  auto& st = self->state;
  auto d = st.topics.controlled_shutdown(*st.image, node, st.control->unfenced_brokers(*st.image));
  if (!d.records.empty())
    spdlog::info("controller: node {} asks for a controlled shutdown: moving {} partition(s) off it", node,
                 d.records.size());
  propose_changes(self, d);
  auto ok = cluster::replication_control::may_stop(*st.image, node);
  if (ok && d.records.empty())
    spdlog::debug("controller: node {} may stop: it leads nothing and shares no ISR", node);
  return ok;
}

void rebalance_if_due(controller_ptr self) {
  auto& st = self->state;
  auto now = actor_clock_ms(self);
  if (!st.cfg.auto_leader_rebalance || st.next_rebalance_ms < 0 || now < st.next_rebalance_ms)
    return;
  st.next_rebalance_ms = now + st.cfg.leader_imbalance_check_interval_ms;
  auto d = st.topics.preferred_leaders(*st.image, st.control->unfenced_brokers(*st.image));
  if (!d.records.empty())
    spdlog::info("controller: moving the leadership of {} partition(s) back to their preferred replica",
                 d.records.size());
  propose_changes(self, d);
}

} // namespace samsa::actors
