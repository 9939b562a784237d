// The leader behaviour's logic (actors/partition_replica.hpp): client appends with idempotence checks,
// acks=all waiting for the high watermark, the follower bookkeeping of cluster::replica::isr_tracker, replica
// fetches and OffsetsForLeaderEpoch served to followers, AlterPartition proposals to the controller.
#include <algorithm>
#include <chrono>

#include <caf/send.hpp>
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "actors/partition_replica.hpp"
#include "cluster/replica/follower_truncation.hpp"
#include "messages/cluster_api.hpp"
#include "messages/record_batch.hpp"

namespace samsa::actors {

namespace {

using self_ptr = partition_replica_ptr;
namespace replica = cluster::replica;

// How often the leader's tracker runs (ISR lag, acks=all deadlines, proposal retries): Kafka checks the ISR
// every replica.lag.time.max.ms / 2; deadlines want finer steps.
constexpr int64_t isr_tick_ms = 200;
// An acks=all produce of the native API (no client timeout in its request) waits this long at most.
constexpr int64_t default_ack_timeout_ms = 30000;
constexpr auto alter_partition_timeout = std::chrono::seconds(10);
// After the controller refused an ISR proposal, this long before the tracker may propose again.
constexpr int64_t proposal_refused_pause_ms = 500;
// A leader whose appends fail on the disk asks the controller to move its leadership away; while it keeps
// failing and still leads, it asks again after a pause that doubles from the first to the last.
constexpr int64_t resign_first_pause_ms = 250;
constexpr int64_t resign_max_pause_ms = 4000;

std::string name_of(const partition_replica_state& st) {
  return st.cfg.topic + "-" + std::to_string(st.cfg.partition);
}

void schedule_isr_tick(self_ptr self) {
  self->delayed_send(self, std::chrono::milliseconds(isr_tick_ms), isr_tick_atom::value, self->state.generation);
}

void send_proposal(self_ptr self, const replica::alter_partition_proposal& p) {
  auto& st = self->state;
  auto controller = caf::actor_cast<controller_actor>(st.cfg.controller);
  if (!controller)
    return; // a single node has no followers, so its tracker never proposes
  alter_partition_request req;
  req.leader_id = st.cfg.node_id.value;
  req.topic = st.cfg.topic;
  req.topic_id = st.leadership.topic_id;
  req.partition = st.cfg.partition;
  req.leader_epoch = p.leader_epoch;
  req.partition_epoch = p.partition_epoch;
  req.isr = p.isr;
  spdlog::info("{}: proposing ISR {} (leader epoch {}, partition epoch {})", name_of(st), p.isr, p.leader_epoch,
               p.partition_epoch);
  auto generation = st.generation;
  self->request(controller, alter_partition_timeout, alter_isr_atom::value, std::move(req))
    .then(
      [=](alter_partition_reply& r) {
        auto& st = self->state;
        if (generation != st.generation || !st.isr)
          return;
        // The committed partition: the image brings the same change, whichever comes first applies it.
        replica::isr_effects out;
        st.isr->apply_partition_change(r.isr, r.leader_epoch, r.partition_epoch, out);
        apply_isr_effects(self, std::move(out));
      },
      [=](caf::error& e) {
        auto& st = self->state;
        if (generation != st.generation || !st.isr)
          return;
        auto code = api_code(e);
        if (code == api_errc::ineligible_replica || code == api_errc::invalid_request) {
          // A definite "not applied": the tracker may propose again (isr_tracker::proposal_failed), after a
          // pause (the next tick past it), so a follower whose broker is not unfenced yet is not proposed at
          // every fetch.
          spdlog::info("{}: ISR proposal refused: {}", name_of(st), describe(e));
          st.proposal_refused_ms = actor_clock_ms(self);
        } else {
          // Lost, timed out or based on stale epochs: the image settles it; the tracker resends meanwhile.
          spdlog::debug("{}: ISR proposal not answered: {}", name_of(st), describe(e));
        }
      });
}

// The leader's append failed on its disk (full, or an I/O error): ask the active controller to elect another
// in-sync replica and drop this one from the ISR (an AlterPartition with an empty ISR; the rule is
// cluster::replication_control's resignation). Nothing is asked alone in the ISR (nobody could take over),
// in a single node (no controller), while a request is in flight or before the pause since the last answer
// ends. The move itself comes with the image (a new leader epoch: this replica becomes a follower, truncates
// by epoch, stalls on its disk, catches up once it takes appends again and rejoins the ISR by the new
// leader's expansion). A refusal (no other in-sync replica is live) leaves it leader, answering the storage
// error, and it asks again at a later failing append.
void request_resignation(self_ptr self) {
  auto& st = self->state;
  auto controller = caf::actor_cast<controller_actor>(st.cfg.controller);
  const auto now = actor_clock_ms(self);
  if (!controller || !st.isr || st.isr->isr().size() < 2 || st.resign_in_flight || now < st.resign_next_ms)
    return;
  alter_partition_request req;
  req.leader_id = st.cfg.node_id.value;
  req.topic = st.cfg.topic;
  req.topic_id = st.leadership.topic_id;
  req.partition = st.cfg.partition;
  req.leader_epoch = st.isr->leader_epoch();
  req.partition_epoch = st.isr->partition_epoch(); // not checked for a move
  spdlog::warn("{}: appends fail ({}): asking the controller to move the leadership (leader epoch {}) to another "
               "in-sync replica of {}",
               name_of(st), persistence::to_string(st.health.failure()), req.leader_epoch, st.isr->isr());
  st.resign_in_flight = true;
  auto generation = st.generation;
  auto answered = [=](bool moved) {
    auto& st = self->state;
    st.resign_in_flight = false;
    st.resign_backoff_ms = moved ? resign_first_pause_ms
                                 : std::min(resign_max_pause_ms, std::max(resign_first_pause_ms, 2 * st.resign_backoff_ms));
    st.resign_next_ms = actor_clock_ms(self) + st.resign_backoff_ms;
  };
  self->request(controller, alter_partition_timeout, alter_isr_atom::value, std::move(req))
    .then(
      [=](alter_partition_reply& r) {
        auto& st = self->state;
        if (generation != st.generation)
          return;
        answered(true);
        if (r.leader_epoch <= st.leadership.leader_epoch.value
            || std::find(r.isr.begin(), r.isr.end(), st.cfg.node_id.value) != r.isr.end())
          return;
        // Committed (the controller answers once its image shows the move). Step down now rather than when
        // this node's image shows it: the quorum member on the same failing disk may stall for as long as
        // the disk does, and until then producers would wait here on acks=all answers that never come
        // (an idempotent producer drains them before it sends to the new leader). The new leader is not
        // named in the answer: follow nobody at the new leader epoch until the image names it
        // (on_leadership takes a leader for an epoch known without one).
        spdlog::info("{}: the controller moved the leadership away (leader epoch {}, ISR {}): stepping down",
                     name_of(st), r.leader_epoch, r.isr);
        auto l = st.leadership;
        l.leader = no_broker;
        l.leader_epoch = leader_epoch_t{r.leader_epoch};
        l.partition_epoch = partition_epoch_t{r.partition_epoch};
        l.isr = to_broker_ids(r.isr);
        on_leadership(self, std::move(l));
      },
      [=](caf::error& e) {
        if (generation != self->state.generation)
          return;
        answered(false);
        spdlog::info("{}: leadership not moved, still leading: {} (asking again in {} ms if appends keep failing)",
                     name_of(self->state), describe(e), self->state.resign_backoff_ms);
      });
}

} // namespace

void apply_isr_effects(self_ptr self, replica::isr_effects effects) {
  auto& st = self->state;
  if (effects.high_watermark && *effects.high_watermark > st.high_watermark) {
    st.high_watermark = *effects.high_watermark;
    st.hw_dirty = true;
    if (!st.waiting.empty())
      release_waiting(self);
    publish_progress(self);
  }
  for (const auto& done : effects.acks) {
    auto i = st.acks.find(done.id);
    if (i == st.acks.end())
      continue;
    auto& p = i->second;
    switch (done.result) {
      case replica::ack_result::ok:
        p.promise.deliver(std::move(p.result));
        break;
      case replica::ack_result::not_enough_replicas_after_append:
        p.promise.deliver(produce_failed(st.cfg.partition, api_errc::not_enough_replicas_after_append,
                                         "the in-sync replicas fell below min.insync.replicas after the append"));
        break;
      case replica::ack_result::request_timed_out:
        p.promise.deliver(produce_failed(st.cfg.partition, api_errc::request_timed_out,
                                         "the in-sync replicas did not all replicate the batch within the timeout"));
        break;
      case replica::ack_result::not_leader_or_follower:
        p.promise.deliver(produce_failed(st.cfg.partition, api_errc::not_leader_or_follower,
                                         "leadership of " + name_of(st) + " moved before the batch was replicated"));
        break;
    }
    st.acks.erase(i);
  }
  if (effects.proposal)
    send_proposal(self, *effects.proposal);
}

void start_leading(self_ptr self, std::optional<replica::isr_tracker> previous) {
  auto& st = self->state;
  const auto& l = st.leadership;
  const auto now = actor_clock_ms(self);
  replica::leader_start start;
  start.self = st.cfg.node_id.value;
  start.replicas = to_ints(l.replicas);
  start.isr = to_ints(l.isr);
  if (std::find(start.isr.begin(), start.isr.end(), start.self) == start.isr.end())
    start.isr.insert(start.isr.begin(), start.self); // elected unclean: the image's ISR names it already
  start.leader_epoch = l.leader_epoch.value;
  start.partition_epoch = l.partition_epoch.value;
  start.log_end = st.log->log_end_offset();
  start.high_watermark = std::min(st.high_watermark, start.log_end);
  replica::isr_config c;
  c.replica_lag_time_max_ms = st.cfg.replica_lag_time_max_ms;
  // KIP-966's rule holds the HW while |ISR| < min ISR; a partition with fewer replicas than min ISR (a single
  // node with min.insync.replicas=2) would then never show anything to consumers: such a topic refuses
  // acks=all (below) but serves acks=1 writes, as Kafka does.
  c.min_insync_replicas = std::min<int32_t>(l.min_insync_replicas, static_cast<int32_t>(l.replicas.size()));
  st.isr.emplace(std::move(start), c, now);
  st.proposal_refused_ms = -1;
  st.resign_in_flight = false;
  st.resign_next_ms = 0;
  st.resign_backoff_ms = 0;
  if (previous) // led the epoch before too: its acks=all produces wait for this epoch's HW (isr_tracker.hpp)
    apply_isr_effects(self, st.isr->take_waiters(*previous));
  apply_isr_effects(self, st.isr->on_leader_append(st.log->log_end_offset(), now));
  if (l.replicas.size() > 1)
    schedule_isr_tick(self);
}

std::optional<replica::isr_tracker> stop_leading(self_ptr self, bool leads_again) {
  auto& st = self->state;
  std::optional<replica::isr_tracker> kept;
  if (leads_again) {
    kept = std::move(st.isr); // its waiters and their entries in st.acks stay for the next tracker
  } else {
    if (st.isr)
      apply_isr_effects(self, st.isr->resign());
    for (auto& [id, p] : st.acks) // none left after resign(); defensive
      p.promise.deliver(produce_failed(st.cfg.partition, api_errc::not_leader_or_follower, "leadership moved"));
    st.acks.clear();
  }
  st.isr.reset();
  release_replica_waiting(self, true);
  return kept;
}

void on_isr_tick(self_ptr self) {
  auto& st = self->state;
  if (!st.isr)
    return;
  if (st.proposal_refused_ms >= 0 && actor_clock_ms(self) - st.proposal_refused_ms >= proposal_refused_pause_ms) {
    st.proposal_refused_ms = -1;
    st.isr->proposal_failed();
  }
  apply_isr_effects(self, st.isr->tick(actor_clock_ms(self)));
  schedule_isr_tick(self);
}

caf::result<partition_produce_result> leader_append(self_ptr self, std::vector<char>& batch, int16_t acks,
                                                    int64_t timeout_ms) {
  auto& st = self->state;
  auto partition = st.cfg.partition;
  if (acks != acks_none && acks != acks_leader && acks != acks_all)
    return produce_failed(partition, api_errc::invalid_required_acks, "acks must be -1, 0 or 1");
  if (acks == acks_all) {
    auto in_sync = st.isr ? st.isr->isr().size() : size_t{0};
    if (in_sync < static_cast<size_t>(std::max(1, st.leadership.min_insync_replicas)))
      return produce_failed(partition, api_errc::not_enough_replicas,
                            "in-sync replicas (" + std::to_string(in_sync) + ") fewer than min.insync.replicas ("
                              + std::to_string(st.leadership.min_insync_replicas) + ")");
  }
  // Parks an acks=all answer until the HW passes last_offset (at once when it already has).
  auto wait_for_hw = [&](partition_produce_result r, int64_t last_offset) -> caf::result<partition_produce_result> {
    if (acks != acks_all || last_offset < st.high_watermark)
      return r;
    auto id = st.next_fetch_id++;
    auto promise = self->make_response_promise<partition_produce_result>();
    st.acks.emplace(id, pending_ack{std::move(r), promise});
    auto deadline = actor_clock_ms(self) + (timeout_ms > 0 ? timeout_ms : default_ack_timeout_ms);
    apply_isr_effects(self, st.isr->add_waiter(id, last_offset, deadline));
    return promise;
  };
  auto header = read_batch_header(batch.data(), batch.size());
  if (header && st.cfg.producer_id_limit && header->producer_id >= st.cfg.producer_id_limit->load()) {
    // Made-up ids would each cost producer state until they expire: refuse them outright.
    return produce_failed(partition, api_errc::unknown_producer_id,
                          "producer id " + std::to_string(header->producer_id)
                            + " was never issued by this node (idempotent producers get theirs from InitProducerId)");
  }
  if (header && header->producer_id >= 0) {
    persistence::producer_batch original;
    switch (st.producers.check(*header, &original)) {
      case persistence::sequence_check::ok:
        break;
      case persistence::sequence_check::duplicate: {
        // A retry of a batch already stored: success with the offsets it got the first time, once committed.
        partition_produce_result r;
        r.partition = partition;
        r.base_offset = original.first_offset;
        r.record_count = header->records_count;
        r.log_start_offset = st.log->log_start_offset();
        return wait_for_hw(std::move(r), original.first_offset + std::max(header->records_count, 1) - 1);
      }
      case persistence::sequence_check::out_of_order:
        if (st.health.failing()) {
          request_resignation(self);
          // An earlier batch of this producer could not be stored (a full disk, an I/O error) and the log
          // has not taken an append since: this batch is out of order only because of it. Answer the
          // storage error, as Kafka does once a log dir has failed, so the producer retries both in order.
          // OUT_OF_ORDER_SEQUENCE here made librdkafka bump its producer epoch ("skipped sequence numbers")
          // and send its in-flight batches to other partitions again under the new epoch: duplicates.
          return produce_failed(partition, to_api_errc(st.health.failure()),
                                "producer " + std::to_string(header->producer_id) + " sent sequence "
                                  + std::to_string(header->base_sequence)
                                  + " after a batch this partition could not store: "
                                  + persistence::to_string(st.health.failure()));
        }
        return produce_failed(partition, api_errc::out_of_order_sequence,
                              "producer " + std::to_string(header->producer_id) + " sent sequence "
                                + std::to_string(header->base_sequence) + " out of order");
      case persistence::sequence_check::invalid_epoch:
        return produce_failed(partition, api_errc::invalid_producer_epoch,
                              "producer " + std::to_string(header->producer_id) + " epoch "
                                + std::to_string(header->producer_epoch) + " is fenced");
    }
  }
  persistence::append_info info;
  auto now = wall_clock_ms(); // log append time and producer timestamps: wall time, as in Kafka
  auto e = st.log->append_as_leader(batch, st.leadership.leader_epoch.value, now, info);
  if (auto line = st.health.on_append(e)) {
    if (line->error)
      spdlog::error("{}", line->text);
    else
      spdlog::info("{}", line->text);
  }
  if (e != persistence::errc::ok) {
    if (st.health.failing()) // the disk, not the batch
      request_resignation(self);
    return produce_failed(partition, to_api_errc(e), persistence::to_string(e));
  }
  if (header && header->producer_id >= 0) {
    st.producers.record(*header, info.base_offset, now);
    st.producers_dirty = true;
  }
  st.log->maybe_flush(now);
  st.records_in += info.record_count;
  st.bytes_in += static_cast<int64_t>(batch.size());
  partition_produce_result r;
  r.partition = partition;
  r.base_offset = info.base_offset;
  r.record_count = info.record_count;
  r.log_start_offset = st.log->log_start_offset();
  // Followers parked on the leader get the new batch now; the HW moves once they fetch again.
  if (!st.replica_waiting.empty())
    release_replica_waiting(self, false);
  apply_isr_effects(self, st.isr->on_leader_append(st.log->log_end_offset(), actor_clock_ms(self)));
  return wait_for_hw(std::move(r), info.last_offset);
}

api_errc check_leader_epoch(const partition_replica_state& st, leader_epoch_t epoch) {
  if (epoch < st.leadership.leader_epoch)
    return api_errc::fenced_leader_epoch;
  if (epoch > st.leadership.leader_epoch)
    return api_errc::unknown_leader_epoch;
  return api_errc::ok;
}

namespace {

// The answer to a replica fetch from its offset (whole batches, up to the log end, not the HW).
replica_fetch_response read_for_follower(self_ptr self, const replica_fetch_request& req) {
  auto& st = self->state;
  replica_fetch_response r;
  r.leader_epoch = st.leadership.leader_epoch;
  r.log_start_offset = offset_t{st.log->log_start_offset()};
  r.log_end_offset = offset_t{st.log->log_end_offset()};
  r.high_watermark = offset_t{st.high_watermark};
  if (req.fetch_offset < r.log_start_offset || req.fetch_offset > r.log_end_offset) {
    r.error = static_cast<uint8_t>(api_errc::offset_out_of_range);
    return r;
  }
  auto e = st.log->read(req.fetch_offset.value, std::max(req.max_bytes, 1), r.records);
  if (e != persistence::errc::ok) {
    r.records.clear();
    r.error = static_cast<uint8_t>(to_api_errc(e));
  }
  st.bytes_out += static_cast<int64_t>(r.records.size());
  return r;
}

} // namespace

bool expire_replica_fetch(self_ptr self, uint64_t id) {
  auto& st = self->state;
  auto i = st.replica_waiting.find(id);
  if (i == st.replica_waiting.end())
    return false;
  auto p = std::move(i->second);
  st.replica_waiting.erase(i);
  if (st.role == replica_role::leader) {
    p.promise.deliver(read_for_follower(self, p.request));
  } else {
    replica_fetch_response r;
    r.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
    r.leader_epoch = st.leadership.leader_epoch;
    p.promise.deliver(std::move(r));
  }
  return true;
}

void release_replica_waiting(self_ptr self, bool deadline_passed) {
  auto& st = self->state;
  for (auto i = st.replica_waiting.begin(); i != st.replica_waiting.end();) {
    auto& p = i->second;
    if (st.role != replica_role::leader) {
      replica_fetch_response r;
      r.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
      r.leader_epoch = st.leadership.leader_epoch;
      p.promise.deliver(std::move(r));
      i = st.replica_waiting.erase(i);
      continue;
    }
    auto r = read_for_follower(self, p.request);
    if (r.error != 0 || !r.records.empty() || deadline_passed) {
      p.promise.deliver(std::move(r));
      i = st.replica_waiting.erase(i);
    } else {
      ++i;
    }
  }
}

caf::result<replica_fetch_response> serve_replica_fetch(self_ptr self, replica_fetch_request& req) {
  auto& st = self->state;
  if (auto e = check_leader_epoch(st, req.leader_epoch); e != api_errc::ok) {
    replica_fetch_response r;
    r.error = static_cast<uint8_t>(e);
    r.leader_epoch = st.leadership.leader_epoch;
    return r;
  }
  const auto at = req.fetch_offset.value;
  if (at >= st.log->log_start_offset() && at <= st.log->log_end_offset() && st.isr)
    apply_isr_effects(self, st.isr->on_follower_fetch(req.replica_id.value, at, actor_clock_ms(self)));
  auto r = read_for_follower(self, req);
  if (r.error != 0 || !r.records.empty() || req.max_wait_ms <= 0)
    return r;
  // Nothing new: a long poll, answered by the next append or at its deadline (the follower is caught up, so
  // its next fetch is what moves the HW past the next batch).
  auto id = st.next_fetch_id++;
  auto promise = self->make_response_promise<replica_fetch_response>();
  auto wait = std::chrono::milliseconds(req.max_wait_ms);
  st.replica_waiting.emplace(id, pending_replica_fetch{std::move(req), promise});
  self->delayed_send(self, wait, expire_atom::value, id);
  return promise;
}

epoch_end_response answer_epoch_end(self_ptr self, const epoch_end_request& req) {
  auto& st = self->state;
  epoch_end_response r;
  // A follower always names the epoch it follows; a client may leave it out (-1, OffsetForLeaderEpoch v0-1).
  if (auto e = req.current_leader_epoch.value < 0 ? api_errc::ok : check_leader_epoch(st, req.current_leader_epoch);
      e != api_errc::ok) {
    r.error = static_cast<uint8_t>(e);
    return r;
  }
  auto a = replica::answer_for_epoch(st.log->epochs(), req.epoch.value, st.log->log_end_offset(),
                                     st.leadership.leader_epoch.value);
  r.epoch = leader_epoch_t{a.epoch};
  r.end_offset = offset_t{a.end_offset};
  return r;
}

} // namespace samsa::actors
