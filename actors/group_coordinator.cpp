#include "actors/group_coordinator.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "cluster/consumer_protocol.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

namespace {

using group_ptr = caf::stateful_actor<group_coordinator_state>*;

// One line per rebalance an operator may want to correlate with consumer lag: when it starts and when the
// new generation is stable (or the group empties).
void log_state_change(group_coordinator_state& st) {
  auto now_state = st.group->state();
  if (now_state == st.logged_state)
    return;
  st.logged_state = now_state;
  auto members = st.group->members().size();
  const char* plural = members == 1 ? "" : "s";
  switch (now_state) {
    case cluster::group_state::preparing_rebalance:
      spdlog::info("group {}: rebalancing ({} member{} before, generation {})", st.group->group_id(), members, plural,
                   st.group->generation_id());
      break;
    case cluster::group_state::stable:
      spdlog::info("group {}: generation {} stable with {} member{}", st.group->group_id(), st.group->generation_id(),
                   members, plural);
      break;
    case cluster::group_state::empty:
      spdlog::info("group {}: empty (no members left)", st.group->group_id());
      break;
    default:
      break;
  }
}

// Delivers what the state machine decided and re-arms the timer at its next deadline.
void apply(group_ptr self, cluster::group_effects& fx) {
  auto& st = self->state;
  for (auto& j : fx.joins) {
    auto i = st.parked_joins.find(j.to);
    if (i != st.parked_joins.end()) {
      i->second.deliver(std::move(j.response));
      st.parked_joins.erase(i);
    }
  }
  for (auto& s : fx.syncs) {
    auto i = st.parked_syncs.find(s.to);
    if (i != st.parked_syncs.end()) {
      i->second.deliver(std::move(s.response));
      st.parked_syncs.erase(i);
    }
  }
  log_state_change(st);
  if (fx.store_group) {
    // Kafka's GroupMetadata record; stamped with wall time, as Kafka's currentStateTimestamp.
    self->send(st.registry, store_group_atom::value, st.group->group_id(),
               cluster::encode_group_metadata(st.group->snapshot(), wall_clock_ms()), st.group->empty());
    fx.store_group = false;
  }
  auto now = actor_clock_ms(self);
  bool empty = st.group->empty();
  if (empty != st.was_empty) {
    st.was_empty = empty;
    // "Empty since" feeds offsets.retention.minutes expiry, which Kafka measures in wall time.
    self->send(st.registry, empty_atom::value, st.group->group_id(), empty, wall_clock_ms());
  }
  if (auto d = st.group->next_deadline(); d && (!st.armed_deadline || *d < *st.armed_deadline)) {
    st.armed_deadline = *d;
    self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(*d - now, 0)), tick_atom::value, *d);
  }
}

} // namespace

// Session and rebalance deadlines: the pure group gets every `now_ms` from the actor clock, the clock that
// also fires the tick armed for its next deadline (so virtual time expires sessions under the test
// coordinator). Commit timestamps and offset expiry are wall time and live in the registry.
caf::behavior group_coordinator(group_ptr self, std::string group_id, cluster::group_config cfg, caf::actor registry,
                                std::optional<cluster::group_snapshot> restored) {
  auto& st0 = self->state;
  st0.registry = std::move(registry);
  if (restored) {
    st0.group = std::make_unique<cluster::group>(
      cluster::group::restore(group_id, *restored, cfg, actor_clock_ms(self)));
    st0.was_empty = st0.group->empty();
    st0.logged_state = st0.group->state();
    spdlog::info("group {}: restored at generation {} ({}, {} member{})", group_id, st0.group->generation_id(),
                 cluster::to_string(st0.group->state()), st0.group->members().size(),
                 st0.group->members().size() == 1 ? "" : "s");
    cluster::group_effects none;
    apply(self, none); // arms the sessions' timer
  } else {
    st0.group = std::make_unique<cluster::group>(group_id, cfg);
  }
  return {
    [=](join_atom, cluster::join_request& req) -> caf::result<cluster::join_response> {
      auto& st = self->state;
      auto r = st.group->join(req, actor_clock_ms(self));
      if (r.response) {
        apply(self, r.effects);
        return std::move(*r.response);
      }
      auto rp = self->make_response_promise();
      if (auto old = st.parked_joins.find(r.member_id); old != st.parked_joins.end()) {
        cluster::join_response superseded;
        superseded.error = cluster::group_errc::rebalance_in_progress;
        superseded.member_id = r.member_id;
        old->second.deliver(std::move(superseded));
      }
      st.parked_joins[r.member_id] = rp;
      apply(self, r.effects);
      return rp;
    },
    [=](sync_atom, cluster::sync_request& req) -> caf::result<cluster::sync_response> {
      auto& st = self->state;
      auto r = st.group->sync(req, actor_clock_ms(self));
      if (r.response) {
        apply(self, r.effects);
        return std::move(*r.response);
      }
      auto rp = self->make_response_promise();
      st.parked_syncs[r.member_id] = rp;
      apply(self, r.effects);
      return rp;
    },
    [=](heartbeat_atom, cluster::heartbeat_request& req) -> cluster::group_errc {
      auto e = self->state.group->heartbeat(req, actor_clock_ms(self));
      cluster::group_effects none;
      apply(self, none);
      return e;
    },
    [=](leave_atom, std::vector<cluster::leave_member>& members) -> cluster::leave_result {
      auto r = self->state.group->leave(members, actor_clock_ms(self));
      apply(self, r.effects);
      return r;
    },
    [=](commit_atom, offset_commit_args& args) -> caf::result<cluster::group_errc> {
      auto& st = self->state;
      auto e = st.group->validate_offset_commit(args.member_id, args.group_instance_id, args.generation_id,
                                                actor_clock_ms(self));
      if (e != cluster::group_errc::none)
        return e;
      persistence::group_commit c;
      c.group_id = st.group->group_id();
      c.offsets = std::move(args.offsets);
      c.group_is_empty = st.group->empty();
      auto rp = self->make_response_promise();
      self->request(st.registry, timeouts::request, commit_atom::value, std::move(c))
        .then([=](bool) mutable { rp.deliver(cluster::group_errc::none); },
              [=](caf::error& e) mutable {
                bool moved = e.category() == api_error_category
                             && static_cast<api_errc>(e.code()) == api_errc::not_coordinator;
                rp.deliver(moved ? cluster::group_errc::not_coordinator
                                 : cluster::group_errc::coordinator_not_available);
              });
      return rp;
    },
    [=](unload_atom) {
      auto& st = self->state;
      cluster::join_response j;
      j.error = cluster::group_errc::not_coordinator;
      for (auto& [member, rp] : st.parked_joins) {
        j.member_id = member;
        rp.deliver(j);
      }
      cluster::sync_response sr;
      sr.error = cluster::group_errc::not_coordinator;
      for (auto& [member, rp] : st.parked_syncs)
        rp.deliver(sr);
      st.parked_joins.clear();
      st.parked_syncs.clear();
      self->quit();
    },
    [=](describe_atom) -> cluster::group_description { return self->state.group->describe(); },
    [=](delete_group_atom) -> caf::result<group_admin_answer> {
      auto& g = *self->state.group;
      group_admin_answer a;
      a.formed = g.formed();
      a.error = g.try_delete();
      if (a.error == cluster::group_errc::non_empty_group)
        return a;
      // Dead: answer, then stop. What still reaches this actor fails, and its senders find a fresh one.
      auto rp = self->make_response_promise<group_admin_answer>();
      rp.deliver(std::move(a));
      self->quit();
      return rp;
    },
    [=](delete_offsets_atom, const std::vector<std::string>& topics) -> group_admin_answer {
      auto& g = *self->state.group;
      auto check = g.check_offset_delete(topics);
      return {check.error, g.formed(), std::move(check.subscribed)};
    },
    [=](tick_atom, int64_t deadline) {
      auto& st = self->state;
      if (st.armed_deadline && *st.armed_deadline == deadline)
        st.armed_deadline.reset();
      auto fx = st.group->tick(actor_clock_ms(self));
      apply(self, fx);
    },
  };
}

// -- registry ------------------------------------------------------------------------------------------

namespace {

using registry_ptr = caf::stateful_actor<group_registry_state>*;

// A cluster node's commits, one append per offsets log partition for everything that queued up.
void flush_to_log(registry_ptr self) {
  auto& st = self->state;
  std::map<int32_t, std::vector<group_registry_state::pending_commit>> by_partition;
  for (auto& p : st.pending)
    by_partition[offsets_partition_of(st.log, p.commit.group_id)].push_back(std::move(p));
  st.pending.clear();
  for (auto& [partition, commits] : by_partition) {
    std::vector<persistence::offset_change> changes;
    auto now = wall_clock_ms(); // stamped here, so every replica stores the same commit time
    for (auto& c : commits)
      for (auto& o : c.commit.offsets) {
        changes.push_back({persistence::offset_change::kind::commit, c.commit.group_id, o, c.commit.group_is_empty});
        if (changes.back().offset.commit_ms <= 0)
          changes.back().offset.commit_ms = now;
      }
    auto promises = std::make_shared<std::vector<caf::response_promise>>();
    for (auto& c : commits)
      promises->push_back(c.promise);
    write_offset_changes(self, partition, std::move(changes), [promises](const caf::error& e) {
      for (auto& rp : *promises) {
        if (e)
          rp.deliver(e);
        else
          rp.deliver(true);
      }
    });
  }
}

void flush_commits(registry_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.pending.empty())
    return;
  if (st.log.enabled)
    return flush_to_log(self);
  std::vector<persistence::group_commit> batch;
  batch.reserve(st.pending.size());
  for (auto& p : st.pending)
    batch.push_back(p.commit);
  auto e = st.offsets->commit_batch(batch, wall_clock_ms()); // commit times are shown to users: wall time
  for (auto& p : st.pending) {
    if (e == persistence::errc::ok)
      p.promise.deliver(true);
    else
      p.promise.deliver(make_error(api_errc::storage_error, "cannot store offsets: " + st.offsets->last_error()));
  }
  st.pending.clear();
}

// Why an admin change to `group` is refused while it has members, with what to do: a consumer that stopped
// without leaving stays a member until its session timeout has passed without a heartbeat.
std::string non_empty_reason(const std::string& group, const cluster::group_description& d) {
  int32_t longest = 0;
  for (auto& m : d.members)
    longest = std::max(longest, m.session_timeout_ms);
  auto n = d.members.size();
  std::string who;
  for (size_t i = 0; i < n && i < 3; ++i)
    who += (i ? ", " : "") + d.members[i].member_id + " (" + d.members[i].client_id + "@" + d.members[i].client_host + ")";
  if (n > 3)
    who += ", ...";
  return "group '" + group + "' has " + std::to_string(n) + (n == 1 ? " active member: " : " active members: ") + who
         + "; stop its consumers first. A consumer that stopped without leaving the group stays a member until "
           "its session timeout ("
         + std::to_string(longest) + " ms) passes without a heartbeat; retry after that";
}

// A group that has committed offsets but no live state here: Empty, no members.
group_info empty_group_info(const std::string& id, std::vector<partition_offset> committed) {
  group_info g;
  g.group_id = id;
  g.state = "Empty";
  g.protocol_type = "consumer";
  g.committed = std::move(committed);
  return g;
}

group_info to_group_info(const std::string& id, const cluster::group_description& d) {
  group_info g;
  g.group_id = id;
  g.state = d.state;
  g.protocol_type = d.protocol_type;
  g.protocol = d.protocol;
  g.generation_id = d.generation_id;
  for (auto& m : d.members) {
    group_member_info mi;
    mi.member_id = m.member_id;
    mi.group_instance_id = m.group_instance_id.value_or("");
    mi.client_id = m.client_id;
    mi.client_host = m.client_host;
    mi.session_timeout_ms = m.session_timeout_ms;
    if (d.protocol_type == cluster::consumer_protocol_type) {
      if (auto a = cluster::decode_assignment(m.assignment))
        for (auto& tp : cluster::flatten(a->assigned_partitions))
          mi.assignment.push_back({tp.topic, tp.partition, -1});
    }
    g.members.push_back(std::move(mi));
  }
  return g;
}

caf::actor group_of(registry_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.groups.find(id);
  if (i != st.groups.end())
    return i->second;
  // A fresh random seed per coordinator: member ids must never repeat across broker restarts, or a member
  // rejoining with its old id could collide with an id just handed to another client.
  auto cfg = st.cfg.group;
  cfg.member_id_seed = st.rng();
  std::optional<cluster::group_snapshot> restored;
  if (auto value = st.offsets->group_metadata(id)) {
    if (auto v = cluster::decode_group_metadata(*value))
      restored = std::move(v->snapshot);
    else
      spdlog::warn("group {}: its stored metadata does not decode; the group starts over", id);
  }
  auto g = self->spawn(group_coordinator, id, cfg, caf::actor{self}, std::move(restored));
  self->link_to(g);
  st.groups.emplace(id, g);
  return g;
}

// Stores `changes` of `group`: into SQLite at once on a single node, through the offsets log on a cluster
// node; `done` gets the outcome.
void store_changes(registry_ptr self, const std::string& group, std::vector<persistence::offset_change> changes,
                   std::function<void(const caf::error&)> done) {
  auto& st = self->state;
  flush_commits(self); // a commit accepted before this change must not be ordered after it
  if (st.log.enabled) {
    write_offset_changes(self, offsets_partition_of(st.log, group), std::move(changes), std::move(done));
    return;
  }
  auto e = st.offsets->apply_changes(changes, wall_clock_ms());
  done(e == persistence::errc::ok ? caf::error{}
                                  : make_error(api_errc::storage_error, "cannot store the offsets of group '" + group
                                                                          + "': " + st.offsets->last_error()));
}

// DeleteGroups once the coordinator (if any) agreed: the group must exist (formed, or something stored).
void finish_delete_group(registry_ptr self, const std::string& group, bool formed, caf::response_promise rp) {
  auto& st = self->state;
  flush_commits(self);
  if (!formed && !st.offsets->has_group(group)) {
    rp.deliver(make_error(api_errc::unknown_group, "unknown consumer group '" + group + "'"));
    return;
  }
  persistence::offset_change gone;
  gone.what = persistence::offset_change::kind::delete_group;
  gone.group_id = group;
  store_changes(self, group, {gone}, [=](const caf::error& e) mutable {
    if (e) {
      rp.deliver(e);
      return;
    }
    spdlog::info("group {}: deleted with its committed offsets", group);
    rp.deliver(true);
  });
}

caf::result<bool> delete_group(registry_ptr self, const std::string& group) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  auto i = st.groups.find(group);
  if (i == st.groups.end()) {
    finish_delete_group(self, group, false, rp);
    return rp;
  }
  auto g = i->second;
  self->request(g, timeouts::request, delete_group_atom::value)
    .then(
      [=](group_admin_answer& a) mutable {
        if (a.error == cluster::group_errc::non_empty_group) {
          rp.deliver(make_error(api_errc::non_empty_group, "group '" + group + "' has active members; stop them first"));
          return;
        }
        auto& groups = self->state.groups;
        if (auto j = groups.find(group); j != groups.end() && j->second == g) {
          self->unlink_from(g);
          groups.erase(j);
        }
        finish_delete_group(self, group, a.formed, rp);
      },
      [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

// OffsetDelete once the coordinator (if any) said which topics its members consume.
void finish_delete_offsets(registry_ptr self, const std::string& group, const topic_partition_list& partitions,
                           group_admin_answer a, caf::response_promise rp) {
  auto& st = self->state;
  flush_commits(self);
  if (a.error == cluster::group_errc::none && !a.formed && !st.offsets->has_group(group))
    a.error = cluster::group_errc::group_id_not_found;
  if (a.error != cluster::group_errc::none) {
    rp.deliver(std::move(a));
    return;
  }
  std::vector<persistence::offset_change> changes;
  for (auto& tp : partitions)
    if (!a.subscribed.count(tp.first)) {
      persistence::offset_change c;
      c.what = persistence::offset_change::kind::delete_offset;
      c.group_id = group;
      c.offset.topic = tp.first;
      c.offset.partition = tp.second;
      changes.push_back(std::move(c));
    }
  store_changes(self, group, std::move(changes), [=](const caf::error& e) mutable {
    if (e)
      rp.deliver(e);
    else
      rp.deliver(a);
  });
}

caf::result<group_admin_answer> delete_offsets(registry_ptr self, const std::string& group,
                                               const topic_partition_list& partitions) {
  auto rp = self->make_response_promise();
  auto i = self->state.groups.find(group);
  if (i == self->state.groups.end()) {
    finish_delete_offsets(self, group, partitions, {}, rp);
    return rp;
  }
  std::vector<std::string> topics;
  for (auto& tp : partitions)
    if (std::find(topics.begin(), topics.end(), tp.first) == topics.end())
      topics.push_back(tp.first);
  self->request(i->second, timeouts::request, delete_offsets_atom::value, std::move(topics))
    .then([=](group_admin_answer& a) mutable { finish_delete_offsets(self, group, partitions, std::move(a), rp); },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

// A cluster node coordinates only the groups of the offsets log partitions it leads (and has loaded).
caf::error owner_error(const group_registry_state& st, const std::string& group) {
  return st.log.enabled ? offsets_owner_error(st.log, group) : caf::error{};
}

// offsets.retention.minutes on a cluster node: the expired groups it coordinates get a group tombstone.
void expire_through_log(registry_ptr self) {
  auto& st = self->state;
  for (auto& g : st.offsets->expired_groups(wall_clock_ms(), st.cfg.offsets_retention_ms)) {
    if (owner_error(st, g) || st.groups.count(g))
      continue;
    persistence::offset_change gone;
    gone.what = persistence::offset_change::kind::delete_group;
    gone.group_id = g;
    store_changes(self, g, {gone}, [g](const caf::error& e) {
      if (e)
        spdlog::warn("group {}: expiry not stored: {}", g, to_string(e));
      else
        spdlog::info("group {}: offsets expired (offsets.retention.minutes)", g);
    });
  }
}

} // namespace

void restore_groups(registry_ptr self, const std::function<bool(const std::string&)>& mine) {
  auto& st = self->state;
  for (auto& [group, value] : st.offsets->all_group_metadata()) {
    if (!mine(group) || st.groups.count(group))
      continue;
    auto v = cluster::decode_group_metadata(value);
    if (v && !v->snapshot.members.empty())
      group_of(self, group);
  }
}

caf::expected<caf::actor> spawn_group_registry(caf::actor_system& sys, group_registry_config cfg) {
  std::string err;
  std::shared_ptr<persistence::offset_store> offsets = persistence::offset_store::open(cfg.db_file, &err);
  if (!offsets)
    return make_error(api_errc::storage_error, "cannot open committed offsets in " + cfg.db_file.string() + ": " + err);
  return sys.spawn(group_registry, std::move(cfg), std::move(offsets));
}

caf::behavior group_registry(registry_ptr self, group_registry_config cfg,
                             std::shared_ptr<persistence::offset_store> offsets) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.offsets.reset(new persistence::offset_store(std::move(*offsets)));
  st.log.enabled = st.cfg.replicated_offsets;
  st.log.commit_timeout_ms = st.cfg.offsets_commit_timeout_ms;
  auto expiry = std::chrono::milliseconds(std::max<int64_t>(st.cfg.expiry_check_interval_ms, 1000));
  self->delayed_send(self, expiry, tick_atom::value);
  if (!st.log.enabled)
    restore_groups(self, [](const std::string&) { return true; });
  return {
    [=](group_atom, const std::string& id) -> caf::result<caf::actor> {
      if (auto e = owner_error(self->state, id))
        return e;
      return group_of(self, id);
    },
    [=](commit_atom, persistence::group_commit& c) -> caf::result<bool> {
      if (auto e = owner_error(self->state, c.group_id))
        return e;
      // Commits that pile up in the mailbox before the flush message are written in one transaction.
      auto rp = self->make_response_promise();
      self->state.pending.push_back({std::move(c), rp});
      if (!self->state.flush_scheduled) {
        self->state.flush_scheduled = true;
        self->send(self, flush_atom::value);
      }
      return rp;
    },
    [=](flush_atom) { flush_commits(self); },
    [=](store_group_atom, const std::string& group, std::string& value, bool empty) {
      if (owner_error(self->state, group))
        return; // the group moved; its actor is being unloaded
      persistence::offset_change c;
      c.what = persistence::offset_change::kind::group_metadata;
      c.group_id = group;
      c.group_metadata = std::move(value);
      c.group_is_empty = empty;
      store_changes(self, group, {std::move(c)}, [group](const caf::error& e) {
        if (e)
          spdlog::warn("group {}: metadata not stored: {}", group, to_string(e));
      });
    },
    [=](committed_atom, const std::string& group) -> caf::result<std::vector<persistence::committed_offset>> {
      if (auto e = owner_error(self->state, group))
        return e;
      flush_commits(self); // read your writes (a single node; a cluster's pending commits are not answered yet)
      return self->state.offsets->fetch(group);
    },
    [=](offsets_log_atom, int32_t partitions) { on_offsets_log_size(self, partitions); },
    [=](replica_progress_atom, replica_progress& p) { on_replica_progress(self, p); },
    [=](empty_atom, const std::string& group, bool empty, int64_t now) {
      // Expiry bookkeeping only: one upsert, no read of the group's offsets.
      self->state.offsets->set_empty_since(group, empty ? std::optional<int64_t>{now} : std::nullopt);
    },
    [=](list_atom) -> caf::result<std::vector<group_info>> {
      auto& st = self->state;
      auto out = std::make_shared<std::vector<group_info>>();
      for (auto& g : st.offsets->groups())
        if (!st.groups.count(g) && !owner_error(st, g)) // a cluster node lists the groups it coordinates
          out->push_back(empty_group_info(g, {}));
      if (st.groups.empty())
        return *out;
      auto rp = self->make_response_promise();
      auto pending = std::make_shared<size_t>(st.groups.size());
      for (auto& [id, g] : st.groups) {
        auto name = id;
        self->request(g, timeouts::describe, describe_atom::value)
          .then(
            [=](cluster::group_description& d) mutable {
              out->push_back(to_group_info(name, d));
              if (--*pending == 0)
                rp.deliver(std::move(*out));
            },
            [=](caf::error&) mutable {
              if (--*pending == 0)
                rp.deliver(std::move(*out));
            });
      }
      return rp;
    },
    [=](describe_atom, const std::string& group) -> caf::result<group_info> {
      auto& st = self->state;
      if (auto e = owner_error(st, group))
        return e;
      flush_commits(self);
      auto committed = st.offsets->fetch(group);
      std::vector<partition_offset> offsets;
      for (auto& c : committed)
        offsets.push_back({c.topic, c.partition, c.offset});
      auto i = st.groups.find(group);
      if (i == st.groups.end()) {
        if (committed.empty())
          return make_error(api_errc::unknown_group, "unknown consumer group '" + group + "'");
        return empty_group_info(group, std::move(offsets));
      }
      auto rp = self->make_response_promise();
      self->request(i->second, timeouts::describe, describe_atom::value)
        .then(
          [=](cluster::group_description& d) mutable {
            auto info = to_group_info(group, d);
            info.committed = offsets;
            rp.deliver(std::move(info));
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](reset_atom, const std::string& group, std::vector<partition_offset>& target) -> caf::result<bool> {
      if (auto e = owner_error(self->state, group))
        return e;
      std::vector<persistence::offset_change> changes;
      auto now = wall_clock_ms();
      for (auto& t : target) {
        persistence::offset_change c;
        c.group_id = group;
        c.offset.topic = t.topic;
        c.offset.partition = t.partition;
        c.offset.offset = t.offset;
        c.offset.commit_ms = now;
        c.group_is_empty = true; // an admin reset happens outside a live group
        changes.push_back(std::move(c));
      }
      auto rp = self->make_response_promise();
      auto write = [=]() mutable {
        store_changes(self, group, changes, [=](const caf::error& e) mutable {
          if (e)
            rp.deliver(e);
          else
            rp.deliver(true);
        });
      };
      auto i = self->state.groups.find(group);
      if (i == self->state.groups.end()) {
        write();
        return rp;
      }
      self->request(i->second, timeouts::describe, describe_atom::value)
        .then(
          [=](cluster::group_description& d) mutable {
            if (!d.members.empty())
              rp.deliver(make_error(api_errc::non_empty_group, non_empty_reason(group, d)));
            else
              write();
          },
          [=](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](delete_atom, const std::string& topic) { self->state.offsets->delete_topic(topic); },
    [=](delete_group_atom, const std::string& group) -> caf::result<bool> {
      if (auto e = owner_error(self->state, group))
        return e;
      return delete_group(self, group);
    },
    [=](delete_offsets_atom, const std::string& group,
        const topic_partition_list& partitions) -> caf::result<group_admin_answer> {
      if (auto e = owner_error(self->state, group))
        return e;
      return delete_offsets(self, group, partitions);
    },
    [=](tick_atom) {
      auto& st = self->state;
      // offsets.retention.minutes counts wall time from the commit (or from when the group emptied), as in
      // Kafka; both stamps are wall-clock, so this one is too.
      if (st.log.enabled)
        expire_through_log(self); // tombstones, so every replica forgets the same groups
      else
        st.offsets->expire(wall_clock_ms(), st.cfg.offsets_retention_ms);
      self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(st.cfg.expiry_check_interval_ms, 1000)),
                         tick_atom::value);
    },
  };
}

} // namespace samsa::actors
