#include "actors/group_consumer.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "cluster/assignor.hpp"
#include "cluster/consumer_protocol.hpp"

namespace samsa::actors {

namespace {

using self_ptr = caf::stateful_actor<group_consumer_state>*;
constexpr auto rpc_timeout = timeouts::request;
constexpr int16_t rebalance_in_progress = 27, illegal_generation = 22, unknown_member_id = 25;

void join(self_ptr self);
void fetch_next(self_ptr self, uint64_t epoch);

void rejoin_soon(self_ptr self, bool forget_member) {
  auto& st = self->state;
  if (forget_member)
    st.member_id.clear();
  self->delayed_send(self, std::chrono::milliseconds(200), join_atom::value);
}

// A request of the (re)join `epoch` failed: join again, unless a newer join (a reconnect) replaced it.
void rejoin_if_current(self_ptr self, uint64_t epoch) {
  if (self->state.epoch == epoch)
    rejoin_soon(self, false);
}

void commit(self_ptr self) {
  auto& st = self->state;
  if (!st.dirty || st.generation < 0 || st.assignment.empty())
    return;
  st.dirty = false;
  self->request(st.broker, rpc_timeout, groups_atom::value, commit_atom::value, st.cfg.group_id, st.generation,
                st.member_id, st.assignment)
    .then([=](int16_t e) { if (e != 0) self->state.dirty = true; }, [=](caf::error&) { self->state.dirty = true; });
}

// Sets each partition's start position: committed offset, else earliest/latest.
void start_positions(self_ptr self, uint64_t epoch, std::vector<partition_offset> assigned) {
  auto& st = self->state;
  self->request(st.broker, rpc_timeout, groups_atom::value, committed_atom::value, st.cfg.group_id)
    .then(
      [=](std::vector<partition_offset>& committed) {
        auto pending = std::make_shared<size_t>(assigned.size());
        auto positions = std::make_shared<std::vector<partition_offset>>(assigned);
        auto done = [=] {
          if (self->state.epoch != epoch)
            return;
          for (auto& p : *positions) {
            // Behind what was handed over: the commit of it was lost (with the broker, or refused).
            auto h = self->state.handed_over.find({p.topic, p.partition});
            if (h != self->state.handed_over.end() && h->second > p.offset)
              p.offset = h->second;
          }
          self->state.assignment = *positions;
          self->send(self->state.sink, assigned_atom::value, *positions);
          fetch_next(self, epoch);
        };
        if (assigned.empty()) {
          done();
          return;
        }
        for (size_t i = 0; i < positions->size(); ++i) {
          auto& p = (*positions)[i];
          bool found = false;
          for (auto& c : committed)
            if (c.topic == p.topic && c.partition == p.partition) {
              p.offset = c.offset;
              found = true;
            }
          if (found) {
            if (--*pending == 0)
              done();
            continue;
          }
          auto ts = self->state.cfg.from_beginning ? earliest_timestamp : latest_timestamp;
          self->request(self->state.broker, rpc_timeout, offsets_atom::value, p.topic, p.partition, ts)
            .then(
              [=](offset_answer& a) {
                (*positions)[i].offset = a.offset < 0 ? 0 : a.offset;
                if (--*pending == 0)
                  done();
              },
              [=](caf::error&) {
                (*positions)[i].offset = 0;
                if (--*pending == 0)
                  done();
              });
        }
      },
      [=](caf::error&) { rejoin_if_current(self, epoch); });
}

void sync(self_ptr self, uint64_t epoch, std::vector<named_bytes> assignments) {
  auto& st = self->state;
  group_sync_request req{st.cfg.group_id, st.generation, st.member_id, "", std::move(assignments)};
  self->request(st.broker, std::chrono::milliseconds(st.cfg.rebalance_timeout_ms) + rpc_timeout, groups_atom::value,
                sync_atom::value, req)
    .then(
      [=](group_sync_response& r) {
        if (self->state.epoch != epoch)
          return;
        self->state.joining = false;
        if (r.error != 0) {
          rejoin_soon(self, r.error == unknown_member_id);
          return;
        }
        std::vector<partition_offset> assigned;
        if (auto a = cluster::decode_assignment(r.assignment))
          for (auto& tp : cluster::flatten(a->assigned_partitions))
            assigned.push_back({tp.topic, tp.partition, -1});
        start_positions(self, epoch, std::move(assigned));
      },
      [=](caf::error&) { rejoin_if_current(self, epoch); });
}

// The leader's job: run the assignor over every member's subscription.
void assign_and_sync(self_ptr self, uint64_t epoch, group_join_response resp) {
  std::vector<cluster::assignor_member> members;
  std::vector<std::string> topics;
  for (auto& m : resp.members) {
    cluster::assignor_member am;
    am.member_id = m.name;
    if (auto sub = cluster::decode_subscription(m.bytes)) {
      am.topics = sub->topics;
      am.owned = cluster::flatten(sub->owned_partitions);
      topics.insert(topics.end(), sub->topics.begin(), sub->topics.end());
    }
    members.push_back(std::move(am));
  }
  self->request(self->state.broker, rpc_timeout, describe_atom::value, std::vector<std::string>{})
    .then(
      [=](std::vector<topic_description>& ds) {
        cluster::partition_counts counts;
        for (auto& d : ds)
          counts[d.name] = d.partitions;
        auto fn = cluster::find_assignor(resp.protocol);
        if (!fn)
          fn = cluster::assign_range;
        auto result = fn(members, counts);
        std::vector<named_bytes> out;
        for (auto& m : members) {
          cluster::consumer_assignment a;
          a.version = 1;
          a.assigned_partitions = cluster::group_by_topic(result[m.member_id]);
          out.push_back({m.member_id, cluster::encode_assignment(a)});
        }
        sync(self, epoch, std::move(out));
      },
      [=](caf::error&) { rejoin_if_current(self, epoch); });
}

void join(self_ptr self) {
  auto& st = self->state;
  commit(self); // positions of the old generation, while it is still valid
  auto epoch = ++st.epoch;
  st.joining = true;
  st.assignment.clear();
  cluster::consumer_subscription sub;
  sub.version = 1;
  sub.topics = st.cfg.topics;
  group_join_request req;
  req.group_id = st.cfg.group_id;
  req.member_id = st.member_id;
  req.client_id = st.cfg.client_id;
  req.session_timeout_ms = st.cfg.session_timeout_ms;
  req.rebalance_timeout_ms = st.cfg.rebalance_timeout_ms;
  req.protocols.push_back({st.cfg.assignor, cluster::encode_subscription(sub)});
  self->request(st.broker, std::chrono::milliseconds(st.cfg.rebalance_timeout_ms) + rpc_timeout, groups_atom::value,
                join_atom::value, req)
    .then(
      [=](group_join_response& r) {
        auto& st = self->state;
        if (st.epoch != epoch)
          return;
        if (!r.member_id.empty())
          st.member_id = r.member_id;
        if (r.error == 79) { // MEMBER_ID_REQUIRED: join again with the id just handed out
          join(self);
          return;
        }
        if (r.error != 0) {
          rejoin_soon(self, r.error == unknown_member_id);
          return;
        }
        st.generation = r.generation_id;
        if (r.leader_id == st.member_id)
          assign_and_sync(self, epoch, std::move(r));
        else
          sync(self, epoch, {});
      },
      [=](caf::error&) { rejoin_if_current(self, epoch); });
}

void fetch_next(self_ptr self, uint64_t epoch) {
  auto& st = self->state;
  if (st.epoch != epoch || st.joining)
    return;
  if (st.assignment.empty())
    return; // nothing assigned: wait for the next rebalance (heartbeats tell us)
  if (st.cfg.max_records >= 0 && st.handed >= st.cfg.max_records)
    return; // the limit is reached: hand nothing more, wait for close
  auto i = st.next++ % st.assignment.size();
  auto pos = st.assignment[i];
  fetch_request req;
  req.topic = pos.topic;
  req.partition = pos.partition;
  req.offset = pos.offset;
  req.max_bytes = st.cfg.max_bytes;
  req.max_wait_ms = st.cfg.max_wait_ms;
  self->request(st.broker, std::chrono::milliseconds(st.cfg.max_wait_ms) + rpc_timeout, fetch_atom::value, req)
    .then(
      [=](fetch_response& r) {
        auto& st = self->state;
        if (st.epoch != epoch)
          return;
        if (r.error == static_cast<uint8_t>(api_errc::offset_out_of_range)) {
          st.assignment[i].offset = st.cfg.from_beginning ? r.log_start_offset : r.high_watermark;
          fetch_next(self, epoch);
          return;
        }
        std::vector<record> recs;
        if (r.error != 0 || !decode_batches(r.records.data(), r.records.size(), pos.offset, recs) || recs.empty()) {
          fetch_next(self, epoch);
          return;
        }
        if (st.cfg.max_records >= 0 && static_cast<int64_t>(recs.size()) > st.cfg.max_records - st.handed)
          recs.resize(static_cast<size_t>(st.cfg.max_records - st.handed));
        st.handed += static_cast<int64_t>(recs.size());
        auto next_offset = recs.back().offset + 1;
        self->request(st.sink, caf::infinite, records_atom::value, pos.topic, pos.partition, std::move(recs))
          .then(
            [=](bool) {
              auto& st = self->state;
              if (st.epoch != epoch)
                return;
              st.assignment[i].offset = next_offset;
              st.handed_over[{pos.topic, pos.partition}] = next_offset;
              st.dirty = true;
              fetch_next(self, epoch);
            },
            [=](caf::error&) { fetch_next(self, epoch); });
      },
      [=](caf::error&) {
        // Not at once: a broker that went away fails every request until it is replaced (reconnect_atom).
        self->delayed_send(self, std::chrono::milliseconds(200), fetch_atom::value, epoch);
      });
}

} // namespace

caf::behavior group_consumer(self_ptr self, broker_actor broker, group_consumer_config cfg, caf::actor sink) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.broker = std::move(broker);
  st.sink = std::move(sink);
  self->send(self, join_atom::value);
  self->delayed_send(self, std::chrono::milliseconds(st.cfg.heartbeat_interval_ms), heartbeat_atom::value);
  self->delayed_send(self, std::chrono::milliseconds(st.cfg.commit_interval_ms), commit_atom::value);
  return {
    [=](join_atom) { join(self); },
    [=](fetch_atom, uint64_t epoch) { fetch_next(self, epoch); },
    [=](reconnect_atom, broker_actor& b) {
      self->state.broker = std::move(b);
      join(self);
    },
    [=](heartbeat_atom) {
      auto& st = self->state;
      self->delayed_send(self, std::chrono::milliseconds(st.cfg.heartbeat_interval_ms), heartbeat_atom::value);
      if (st.joining || st.generation < 0)
        return;
      auto epoch = st.epoch;
      self->request(st.broker, rpc_timeout, groups_atom::value, heartbeat_atom::value, st.cfg.group_id, st.generation,
                    st.member_id)
        .then(
          [=](int16_t e) {
            if (self->state.epoch != epoch || e == 0)
              return;
            if (e == rebalance_in_progress || e == illegal_generation || e == unknown_member_id) {
              if (e == unknown_member_id)
                self->state.member_id.clear();
              join(self);
            }
          },
          [=](caf::error&) {});
    },
    [=](commit_atom) {
      commit(self);
      self->delayed_send(self, std::chrono::milliseconds(self->state.cfg.commit_interval_ms), commit_atom::value);
    },
    [=](close_atom) -> caf::result<bool> {
      auto& st = self->state;
      ++st.epoch; // stop the fetch loop
      auto rp = self->make_response_promise<bool>();
      auto leave = [=]() mutable {
        auto& st = self->state;
        self->request(st.broker, rpc_timeout, groups_atom::value, leave_atom::value, st.cfg.group_id, st.member_id)
          .then([=](int16_t) mutable { rp.deliver(true); self->quit(); },
                [=](caf::error&) mutable { rp.deliver(false); self->quit(); });
      };
      if (st.dirty && st.generation >= 0 && !st.assignment.empty()) {
        st.dirty = false;
        self->request(st.broker, rpc_timeout, groups_atom::value, commit_atom::value, st.cfg.group_id, st.generation,
                      st.member_id, st.assignment)
          .then([=](int16_t) mutable { leave(); }, [=](caf::error&) mutable { leave(); });
      } else {
        leave();
      }
      return rp;
    },
  };
}

} // namespace samsa::actors
