#include "actors/group_offsets_log.hpp"

#include <chrono>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/record_batch.hpp"

namespace samsa::actors {

namespace {

constexpr int32_t read_max_bytes = 1 << 20; // per read_committed: bounded, the rest follows in the next read

std::string log_name(int32_t p) {
  return std::string{cluster::offsets_topic} + "-" + std::to_string(p);
}

// Completes the continuations the materialisation has passed.
void release_waiters(offsets_log_partition& part) {
  while (!part.waiters.empty() && part.waiters.begin()->first < part.applied) {
    auto done = std::move(part.waiters.begin()->second);
    part.waiters.erase(part.waiters.begin());
    done(caf::error{});
  }
}

// The groups of partition p stop here: the node no longer leads it (or leads it at a new epoch and must
// load it again). Their members get NOT_COORDINATOR and look the coordinator up again.
void unload_groups(group_registry_ptr self, int32_t p) {
  auto& st = self->state;
  int n = 0;
  for (auto i = st.groups.begin(); i != st.groups.end();) {
    if (offsets_partition_of(st.log, i->first) != p) {
      ++i;
      continue;
    }
    self->unlink_from(i->second);
    self->send(i->second, unload_atom::value);
    i = st.groups.erase(i);
    ++n;
  }
  if (n > 0)
    spdlog::info("groups: {} group{} of {} unloaded (leadership moved)", n, n == 1 ? "" : "s", log_name(p));
}

// The bytes of whole batches in [data, data + n): the records to apply and the offset after the last batch.
struct decoded_batches {
  std::vector<persistence::offset_change> changes;
  int64_t next = -1; // -1: no whole batch
  bool malformed = false;
};

decoded_batches decode(const std::vector<char>& bytes, int64_t from) {
  decoded_batches out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    auto h = read_batch_header(bytes.data() + pos, bytes.size() - pos);
    if (!h || h->total_size() > bytes.size() - pos)
      break;
    std::vector<record> records;
    if (!h->is_control() && !decode_batches(bytes.data() + pos, h->total_size(), from, records))
      out.malformed = true; // a batch not written by a registry (compressed, damaged): skipped, said once
    for (auto& r : records)
      if (auto c = cluster::decode_offset_change(r))
        out.changes.push_back(std::move(*c));
    out.next = h->last_offset() + 1;
    pos += h->total_size();
  }
  return out;
}

void pump(group_registry_ptr self, int32_t p);

void applied_to(group_registry_ptr self, int32_t p, int64_t next) {
  auto& part = self->state.log.parts[p];
  const bool was_loaded = part.loaded();
  part.applied = next;
  if (!was_loaded && part.loaded()) {
    spdlog::info("groups: coordinator for the groups of {} (leader epoch {}), offsets loaded to {}", log_name(p),
                 part.leader_epoch, part.applied);
    // The groups whose latest metadata has members continue here, their members' sessions starting now (as
    // Kafka loads them). The others are empty here until someone joins, so offsets.retention.minutes counts
    // from now for those not counting yet.
    auto& st = self->state;
    restore_groups(self, [&](const std::string& g) { return offsets_partition_of(st.log, g) == p; });
    std::vector<std::string> mine;
    for (auto& g : st.offsets->groups())
      if (offsets_partition_of(st.log, g) == p && !st.groups.count(g))
        mine.push_back(g);
    if (!mine.empty() && st.offsets->start_empty_since(mine, wall_clock_ms()) != persistence::errc::ok)
      spdlog::warn("groups: cannot start the expiry clock of {}'s groups: {}", log_name(p), st.offsets->last_error());
  }
  release_waiters(part);
}

void pump(group_registry_ptr self, int32_t p) {
  auto& st = self->state;
  auto& part = st.log.parts[p];
  if (part.reading || !part.replica || part.applied < 0 || part.applied >= part.high_watermark)
    return;
  part.reading = true;
  auto from = part.applied;
  auto replica = part.replica;
  self->request(replica, timeouts::request, read_committed_atom::value, from, read_max_bytes)
    .then(
      [=](committed_read& r) {
        auto& st = self->state;
        auto& part = st.log.parts[p];
        part.reading = false;
        if (part.replica != replica || part.applied != from)
          return pump(self, p); // the replica was replaced meanwhile
        auto e = static_cast<api_errc>(r.error);
        if (e == api_errc::offset_out_of_range && from < r.log_start_offset) {
          // The replica restarted at the leader's log start: what lay below it cannot be read any more.
          spdlog::warn("groups: {} starts at {}, offsets materialised to {} only; continuing from its start",
                       log_name(p), r.log_start_offset, from);
          if (st.offsets->apply_log(p, {}, r.log_start_offset, wall_clock_ms()) == persistence::errc::ok)
            applied_to(self, p, r.log_start_offset);
          return pump(self, p);
        }
        if (e != api_errc::ok) {
          spdlog::warn("groups: cannot read {} at {}: {}", log_name(p), from, to_string(e));
          return;
        }
        auto d = decode(r.records, from);
        if (d.malformed)
          spdlog::warn("groups: {} holds batches before offset {} that are not offset commits; skipped",
                       log_name(p), d.next);
        if (d.next <= from)
          return;
        if (st.offsets->apply_log(p, d.changes, d.next, wall_clock_ms()) != persistence::errc::ok) {
          spdlog::error("groups: cannot store the offsets of {}: {}", log_name(p), st.offsets->last_error());
          return;
        }
        applied_to(self, p, d.next);
        pump(self, p);
      },
      [=](caf::error& err) {
        auto& part = self->state.log.parts[p];
        part.reading = false;
        spdlog::debug("groups: reading {} failed: {}", log_name(p), to_string(err));
      });
}

caf::error write_error(api_errc e, int32_t p) {
  switch (e) {
    case api_errc::not_leader_or_follower:
    case api_errc::fenced_leader_epoch:
    case api_errc::leader_not_available:
      return make_error(api_errc::not_coordinator, log_name(p) + " is no longer led by this node");
    default:
      // NOT_ENOUGH_REPLICAS, timeouts, storage: the coordinator cannot store offsets now (Kafka answers
      // COORDINATOR_NOT_AVAILABLE for these).
      return make_error(api_errc::storage_error,
                        "cannot replicate offsets through " + log_name(p) + ": " + to_string(e));
  }
}

} // namespace

int32_t offsets_partition_of(const offsets_log& log, const std::string& group) {
  return log.partitions > 0 ? cluster::offsets_partition_for(group, log.partitions) : -1;
}

caf::error offsets_owner_error(const offsets_log& log, const std::string& group) {
  auto p = offsets_partition_of(log, group);
  auto i = p < 0 ? log.parts.end() : log.parts.find(p);
  if (i == log.parts.end() || !i->second.leader)
    return make_error(api_errc::not_coordinator, "this node does not coordinate group '" + group + "'");
  if (!i->second.loaded())
    return make_error(api_errc::coordinator_load_in_progress,
                      "this node is loading the offsets of group '" + group + "' from " + log_name(p));
  return {};
}

void on_offsets_log_size(group_registry_ptr self, int32_t partitions) {
  auto& log = self->state.log;
  if (partitions == log.partitions)
    return;
  if (log.partitions > 0)
    spdlog::warn("groups: {} changed from {} to {} partitions; groups move between coordinators",
                 cluster::offsets_topic, log.partitions, partitions);
  log.partitions = partitions;
}

void on_replica_progress(group_registry_ptr self, replica_progress& pr) {
  auto& st = self->state;
  auto p = pr.partition;
  auto& part = st.log.parts[p];
  if (part.applied < 0) {
    part.applied = st.offsets->log_progress(p);
    if (part.applied > pr.log_end_offset) {
      // Materialised further than the log now reaches: the replica started over (its directory was
      // recreated). Forget what came from it and read it again.
      spdlog::warn("groups: {} ends at {} but offsets were materialised to {}; reading it again", log_name(p),
                   pr.log_end_offset, part.applied);
      st.offsets->reset_log_partition(p, [&](const std::string& g) { return offsets_partition_of(st.log, g) == p; });
      part.applied = 0;
    }
  }
  if (pr.replica != part.replica) {
    part.replica = pr.replica;
    part.reading = false;
  }
  const bool was_leader = part.leader;
  const bool new_term = pr.leader_epoch != part.leader_epoch;
  if (was_leader && (!pr.leader || new_term))
    unload_groups(self, p);
  if (pr.leader && (new_term || !was_leader)) {
    part.load_target = pr.log_end_offset;
    spdlog::info("groups: leader of {} at epoch {}; loading its offsets ({} to {})", log_name(p), pr.leader_epoch,
                 part.applied, part.load_target);
  }
  part.leader = pr.leader;
  part.leader_epoch = pr.leader_epoch;
  part.high_watermark = pr.high_watermark;
  pump(self, p); // waiters are released as the materialisation passes them (applied_to)
}

void write_offset_changes(group_registry_ptr self, int32_t p, std::vector<persistence::offset_change> changes,
                          std::function<void(const caf::error&)> done) {
  auto& st = self->state;
  auto i = st.log.parts.find(p);
  if (i == st.log.parts.end() || !i->second.loaded() || !i->second.replica) {
    done(make_error(api_errc::not_coordinator, log_name(p) + " is not led (and loaded) by this node"));
    return;
  }
  if (changes.empty()) {
    done(caf::error{});
    return;
  }
  auto batch = encode_batch(cluster::encode_offset_changes(changes), wall_clock_ms());
  auto timeout = st.log.commit_timeout_ms;
  auto replica = caf::actor_cast<partition_actor>(i->second.replica);
  self
    ->request(replica, std::chrono::milliseconds(timeout) + timeouts::request, append_atom::value, std::move(batch),
              int16_t{-1}, timeout)
    .then(
      [=](partition_produce_result& r) {
        if (r.error != 0) {
          done(write_error(static_cast<api_errc>(r.error), p));
          return;
        }
        auto& part = self->state.log.parts[p];
        auto last = r.base_offset + r.record_count - 1;
        if (part.applied > last) {
          done(caf::error{});
          return;
        }
        part.waiters.emplace(last, done);
        pump(self, p);
      },
      [=](caf::error& e) { done(make_error(api_errc::storage_error, "offsets log write failed: " + to_string(e))); });
}

} // namespace samsa::actors
