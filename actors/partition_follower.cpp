// The follower behaviour's logic (actors/partition_replica.hpp): find the leader node's broker, truncate by
// leader epoch (cluster::replica::plan_truncation: KIP-101, KIP-279's walk), then pull batches with a long
// poll and append them with the leader's offsets and epochs. One request in flight per partition; every
// callback checks the role generation and the request number it was sent with, so an answer that arrives
// after a leadership change, or after the leader's broker went down (monitored), is dropped.
#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "actors/partition_replica.hpp"
#include "cluster/replica/follower_truncation.hpp"

namespace samsa::actors {

namespace {

using self_ptr = partition_replica_ptr;
namespace replica = cluster::replica;
using std::chrono::milliseconds;

constexpr auto lookup_timeout = std::chrono::seconds(5);
constexpr auto epoch_end_timeout = std::chrono::seconds(5);
// Backoffs: after an answer that the image will settle (fenced / unknown epoch, not the leader), and after
// a lost connection or a timeout (the leader's node may be gone; the controller fences it meanwhile).
constexpr int64_t epoch_backoff_ms = 100;
constexpr int64_t connection_backoff_ms = 500;

std::string name_of(const partition_replica_state& st) {
  return st.cfg.topic + "-" + std::to_string(st.cfg.partition);
}

void retry_later(self_ptr self, int64_t ms) {
  self->delayed_send(self, milliseconds(ms), resume_atom::value, self->state.generation);
}

// After the log end moved other than by an append (its tail cut by epoch, or the whole log restarted at the
// leader's log start) the producer state is rebuilt from what remains, by the code recovery uses, so a
// producer's retry of a cut batch is appended again rather than taken for a duplicate; the HW is kept
// within [log start, log end].
void after_truncation(self_ptr self, int64_t old_end) {
  auto& st = self->state;
  const auto end = st.log->log_end_offset();
  if (end == old_end)
    return;
  spdlog::info("{}: {} from {} to {} (leader epoch {})", name_of(st),
               end < old_end ? "truncated" : "restarted at the leader's log start", old_end, end,
               st.leadership.leader_epoch.value);
  st.producers = recover_producer_state(st.cfg.dir, *st.log);
  st.producers_dirty = true;
  const auto hw = std::clamp(st.high_watermark, st.log->log_start_offset(), end);
  if (hw != st.high_watermark) {
    st.high_watermark = hw;
    st.hw_dirty = true;
  }
}

void fetch(self_ptr self);

// A request to the leader about this replica's partition, from this node.
template <class Request>
Request to_leader(const partition_replica_state& st) {
  Request r;
  r.topic = st.cfg.topic;
  r.partition = st.cfg.partition;
  r.replica_id = st.cfg.node_id;
  return r;
}

// KIP-101/279: ask the leader where `epoch` ends, cut, and ask again while the plan says so.
void truncate_by_epoch(self_ptr self, leader_epoch_t epoch) {
  auto& st = self->state;
  auto generation = st.generation;
  auto seq = ++st.request_seq;
  auto req = to_leader<epoch_end_request>(st);
  req.current_leader_epoch = st.leadership.leader_epoch;
  req.epoch = epoch;
  self->request(caf::actor_cast<broker_actor>(st.leader_broker), epoch_end_timeout, epoch_end_atom::value, req)
    .then(
      [=](epoch_end_response& r) {
        auto& st = self->state;
        if (generation != st.generation || seq != st.request_seq)
          return;
        if (r.error != 0) {
          spdlog::debug("{}: OffsetsForLeaderEpoch answered {}", name_of(st), to_string(static_cast<api_errc>(r.error)));
          retry_later(self, epoch_backoff_ms);
          return;
        }
        auto old_end = st.log->log_end_offset();
        auto step = replica::plan_truncation(st.log->epochs(), old_end, st.high_watermark,
                                             replica::epoch_end_offset{r.epoch.value, r.end_offset.value});
        if (step.truncate_to < old_end) {
          if (auto e = st.log->truncate_to(step.truncate_to); e != persistence::errc::ok) {
            spdlog::error("{}: cannot truncate to {}: {}", name_of(st), step.truncate_to, persistence::to_string(e));
            retry_later(self, connection_backoff_ms);
            return;
          }
          after_truncation(self, old_end);
        }
        if (step.ask_next)
          truncate_by_epoch(self, leader_epoch_t{*step.ask_next});
        else
          fetch(self);
      },
      [=](caf::error& e) {
        auto& st = self->state;
        if (generation != st.generation || seq != st.request_seq)
          return;
        spdlog::debug("{}: OffsetsForLeaderEpoch to node {} failed: {}", name_of(st), st.leadership.leader.value,
                      describe(e));
        forget_leader_broker(self);
        retry_later(self, connection_backoff_ms);
      });
}

void on_fetched(self_ptr self, replica_fetch_response& r) {
  auto& st = self->state;
  auto code = static_cast<api_errc>(r.error);
  if (code == api_errc::offset_out_of_range) {
    const auto end = st.log->log_end_offset();
    const auto leader_start = r.log_start_offset.value;
    if (end < leader_start) {
      // The leader deleted what this replica would fetch next (retention): start over at its log start.
      spdlog::info("{}: log end {} is below the leader's log start {}: starting over there", name_of(st), end,
                   leader_start);
      if (st.log->truncate_to(leader_start) == persistence::errc::ok)
        after_truncation(self, end);
      fetch(self);
    } else {
      // Beyond the leader's log end: the epochs decide what to cut.
      start_following(self);
    }
    return;
  }
  if (code != api_errc::ok) {
    spdlog::debug("{}: fetch from node {} answered {}", name_of(st), st.leadership.leader.value, to_string(code));
    retry_later(self, epoch_backoff_ms);
    return;
  }
  if (const auto leader_start = r.log_start_offset.value;
      leader_start > st.log->log_start_offset() && leader_start <= st.log->log_end_offset()) {
    // The leader deleted records (DeleteRecords) or expired segments: follow its log start, as Kafka's
    // followers do from the fetch answer's log_start_offset.
    if (auto e = st.log->advance_log_start(leader_start); e != persistence::errc::ok)
      spdlog::warn("{}: cannot move the log start to the leader's {}: {}", name_of(st), leader_start,
                   persistence::to_string(e));
  }
  if (!r.records.empty()) {
    persistence::append_info info;
    auto now = wall_clock_ms();
    auto e = st.log->append_as_follower(r.records, now, info);
    if (auto line = st.health.on_append(e)) {
      if (line->error)
        spdlog::error("{}", line->text);
      else
        spdlog::info("{}", line->text);
    }
    if (e != persistence::errc::ok) {
      spdlog::warn("{}: cannot append {} bytes fetched from node {}: {}", name_of(st), r.records.size(),
                   st.leadership.leader.value, persistence::to_string(e));
      retry_later(self, connection_backoff_ms);
      return;
    }
    // Idempotence survives a failover: the follower knows every producer's sequences as the leader did.
    st.producers.replay(r.records.data(), r.records.size());
    st.producers.covered_offset = st.log->log_end_offset();
    st.producers_dirty = true;
    st.log->maybe_flush(now);
    st.records_in += info.record_count;
    st.bytes_in += static_cast<int64_t>(r.records.size());
  }
  auto hw = std::min(r.high_watermark.value, st.log->log_end_offset());
  if (hw > st.high_watermark) {
    st.high_watermark = hw;
    st.hw_dirty = true;
    publish_progress(self);
  }
  fetch(self);
}

void fetch(self_ptr self) {
  auto& st = self->state;
  auto generation = st.generation;
  auto seq = ++st.request_seq;
  auto req = to_leader<replica_fetch_request>(st);
  req.leader_epoch = st.leadership.leader_epoch;
  req.fetch_offset = offset_t{st.log->log_end_offset()};
  req.max_bytes = st.cfg.replica_fetch_max_bytes;
  req.max_wait_ms = st.cfg.replica_fetch_wait_max_ms;
  auto timeout = milliseconds(int64_t{req.max_wait_ms} + 10000);
  self->request(caf::actor_cast<broker_actor>(st.leader_broker), timeout, replica_fetch_atom::value, std::move(req))
    .then(
      [=](replica_fetch_response& r) {
        if (generation == self->state.generation && seq == self->state.request_seq)
          on_fetched(self, r);
      },
      [=](caf::error& e) {
        auto& st = self->state;
        if (generation != st.generation || seq != st.request_seq)
          return;
        spdlog::debug("{}: fetch from node {} failed: {}", name_of(st), st.leadership.leader.value, describe(e));
        forget_leader_broker(self);
        retry_later(self, connection_backoff_ms);
      });
}

// With the leader's broker known: truncate first (every start of following), then fetch.
void truncate_then_fetch(self_ptr self) {
  if (auto ask = replica::epoch_to_ask(self->state.log->epochs()))
    truncate_by_epoch(self, leader_epoch_t{*ask});
  else
    fetch(self); // an empty log: nothing to cut
}

} // namespace

void forget_leader_broker(self_ptr self) {
  auto& st = self->state;
  if (st.leader_broker)
    self->demonitor(st.leader_broker);
  st.leader_broker = nullptr;
  ++st.request_seq;
}

void on_monitored_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (!st.leader_broker || dm.source != st.leader_broker.address())
    return;
  spdlog::info("{}: lost the connection to leader node {}'s broker ({}): looking it up again", name_of(st),
               st.leadership.leader.value, describe(dm.reason));
  forget_leader_broker(self);
  if (st.role == replica_role::follower)
    retry_later(self, connection_backoff_ms);
}

void start_following(self_ptr self) {
  auto& st = self->state;
  const auto leader = st.leadership.leader;
  if (leader.value < 0 || leader == st.cfg.node_id)
    return; // no leader: the next image names one
  if (st.leader_broker) {
    truncate_then_fetch(self);
    return;
  }
  auto broker = caf::actor_cast<broker_actor>(st.cfg.broker);
  if (!broker)
    return; // the node is stopping
  auto generation = st.generation;
  self->request(broker, lookup_timeout, peer_atom::value, leader.value) // peer_atom takes a plain node id
    .then(
      [=](caf::actor& peer) {
        auto& st = self->state;
        if (generation != st.generation)
          return;
        forget_leader_broker(self);
        st.leader_broker = std::move(peer);
        self->monitor(st.leader_broker);
        truncate_then_fetch(self);
      },
      [=](caf::error& e) {
        auto& st = self->state;
        if (generation != st.generation)
          return;
        spdlog::debug("{}: leader node {} not reachable yet: {}", name_of(st), leader.value, describe(e));
        retry_later(self, connection_backoff_ms);
      });
}

} // namespace samsa::actors
