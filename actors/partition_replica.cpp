#include "actors/partition_replica.hpp"

#include <chrono>
#include <system_error>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "cluster/replica/fetch_divergence.hpp"
#include "messages/record_batch.hpp"
#include "messages/record_compaction.hpp"
#include "persistence/data_dir.hpp"
#include "persistence/hw_checkpoint.hpp"

namespace samsa::actors {

partition_produce_result produce_failed(int32_t partition, api_errc e, std::string msg) {
  partition_produce_result r;
  r.partition = partition;
  r.error = static_cast<uint8_t>(e);
  r.error_message = std::move(msg);
  return r;
}

namespace {

constexpr int64_t no_limit = INT64_MAX;
// The key map of one compaction pass (Kafka's log.cleaner.dedupe.buffer.size, per pass here): a pass
// whose dirty keys do not fit cleans as many segments as it could map.
constexpr size_t compaction_map_bytes = 32 << 20;

api_errc to_api(batch_error e) {
  switch (e) {
    case batch_error::ok: return api_errc::ok;
    case batch_error::bad_crc: return api_errc::corrupt_message;
    case batch_error::too_large: return api_errc::record_too_large;
    case batch_error::too_short:
    case batch_error::bad_length:
    case batch_error::bad_magic:
    case batch_error::bad_offset_delta: return api_errc::corrupt_message;
    case batch_error::control_batch:
    case batch_error::nonzero_base_offset:
    case batch_error::bad_sequence: return api_errc::invalid_batch;
  }
  return api_errc::invalid_batch;
}

using self_ptr = partition_replica_ptr;

// Reads for a consumer fetch, below the high watermark. Returns false when the request must wait for more data.
bool try_answer(self_ptr self, const fetch_request& req, fetch_response& out, bool deadline_passed) {
  auto& st = self->state;
  auto& log = *st.log;
  out.partition = req.partition;
  out.log_start_offset = log.log_start_offset();
  out.high_watermark = st.high_watermark;
  out.last_stable_offset = out.high_watermark;
  out.records.clear();
  if (req.offset > st.high_watermark && req.offset <= log.log_end_offset()) {
    // Stored but not committed yet: nothing to read, not an error (Kafka answers an empty fetch). A new
    // leader's HW trails what consumers already read from the old one until its followers fetch; answering
    // OFFSET_OUT_OF_RANGE here made librdkafka reset to the earliest offset and re-read the partition.
    out.error = 0;
    return deadline_passed || req.max_wait_ms <= 0;
  }
  auto e = log.read(req.offset, req.max_bytes, out.records, st.high_watermark, req.min_one_batch);
  if (log.has_damage_to_repair()) {
    // The read stopped at a bad batch header: drop the damaged batches now (only they are lost),
    // then serve again, so a consumer moves on past the damage instead of stalling on it.
    log.repair_damage();
    st.high_watermark = std::min(st.high_watermark, log.log_end_offset());
    out.high_watermark = st.high_watermark;
    out.last_stable_offset = out.high_watermark;
    e = log.read(req.offset, req.max_bytes, out.records, st.high_watermark, req.min_one_batch);
  }
  if (e == persistence::errc::ok && req.offset > log.log_end_offset())
    e = persistence::errc::offset_out_of_range; // past the log end
  if (e != persistence::errc::ok) {
    out.error = static_cast<uint8_t>(to_api_errc(e));
    out.records.clear();
    return true;
  }
  out.error = 0;
  auto enough = static_cast<int64_t>(out.records.size()) >= std::max<int32_t>(req.min_bytes, 1);
  return enough || deadline_passed || req.max_wait_ms <= 0;
}

// KIP-320: a consumer's last fetched epoch that the log ends before the fetch offset is answered with the
// diverging epoch and no records (or OFFSET_OUT_OF_RANGE), before any read; false: read as usual.
bool diverges(self_ptr self, const fetch_request& req, fetch_response& out) {
  auto& st = self->state;
  auto& log = *st.log;
  auto d = cluster::replica::check_fetch_divergence(log.epochs(), req.last_fetched_epoch, req.offset,
                                                    log.log_start_offset(), log.log_end_offset(),
                                                    st.leadership.leader_epoch.value);
  if (!d.out_of_range && !d.diverging)
    return false;
  out = fetch_response{};
  out.partition = req.partition;
  out.log_start_offset = log.log_start_offset();
  out.high_watermark = st.high_watermark;
  out.last_stable_offset = out.high_watermark;
  if (d.out_of_range) {
    out.error = static_cast<uint8_t>(api_errc::offset_out_of_range);
    return true;
  }
  out.diverging_epoch = d.diverging->epoch;
  out.diverging_end_offset = d.diverging->end_offset;
  return true;
}

// Every fetch answer leaves through here or through the fetch handler's direct return: both count it.
void count_out(self_ptr self, const fetch_response& resp) {
  self->state.bytes_out += static_cast<int64_t>(resp.records.size());
}

std::filesystem::path snapshot_file(const std::filesystem::path& dir) {
  return dir / "producer-state.snapshot";
}

void save_high_watermark(partition_replica_state& st) {
  if (!st.log || !st.hw_dirty)
    return;
  if (persistence::save_high_watermark(st.cfg.dir, st.high_watermark) == persistence::errc::ok)
    st.hw_dirty = false;
}

// A compaction pass (cleanup.policy=compact) below the high watermark: a follower never cleans what its
// leader's epochs could still cut. Runs in this actor, so the partition waits for the pass.
void compact(partition_replica_state& st, int64_t now) {
  if (!st.log->config().compact_policy)
    return;
  save_producers(st); // the producer snapshot covers every batch a pass may drop
  persistence::compaction_report r;
  auto e = st.log->compact(st.high_watermark, now, compaction_map_bytes, &r);
  if (e != persistence::errc::ok)
    spdlog::warn("{}-{}: compaction failed: {}", st.cfg.topic, st.cfg.partition, persistence::to_string(e));
  else if (r.segments_rewritten > 0)
    spdlog::info("{}-{}: compacted {} segment{} from {} to {} bytes ({} records removed, {} of them tombstones), "
                 "clean up to offset {}",
                 st.cfg.topic, st.cfg.partition, r.segments_rewritten, r.segments_rewritten == 1 ? "" : "s",
                 r.bytes_before, r.bytes_after, r.records_removed, r.tombstones_removed, r.clean_until);
}

fetch_response fetch_failed(int32_t partition, api_errc e) {
  fetch_response r;
  r.partition = partition;
  r.error = static_cast<uint8_t>(e);
  return r;
}

} // namespace

api_errc to_api_errc(persistence::errc e) {
  using persistence::errc;
  switch (e) {
    case errc::ok: return api_errc::ok;
    case errc::offset_out_of_range: return api_errc::offset_out_of_range;
    case errc::corrupt_message: return api_errc::corrupt_message;
    case errc::record_too_large: return api_errc::record_too_large;
    case errc::invalid_batch: return api_errc::invalid_batch;
    case errc::io_error: return api_errc::storage_error;
    case errc::disk_full: return api_errc::disk_full;
    case errc::too_many_open_files: return api_errc::storage_error;
    case errc::not_found: return api_errc::unknown_topic_or_partition;
    case errc::already_exists: return api_errc::topic_already_exists;
  }
  return api_errc::storage_error;
}

void save_producers(partition_replica_state& st) {
  if (!st.log || !st.producers_dirty)
    return;
  st.producers.covered_offset = st.log->log_end_offset();
  if (st.producers.save(snapshot_file(st.cfg.dir)))
    st.producers_dirty = false;
}

void release_waiting(self_ptr self) {
  auto& waiting = self->state.waiting;
  for (auto i = waiting.begin(); i != waiting.end();) {
    fetch_response resp;
    if (try_answer(self, i->second.request, resp, false)) {
      count_out(self, resp);
      i->second.promise.deliver(std::move(resp));
      i = waiting.erase(i);
    } else {
      ++i;
    }
  }
}

void publish_progress(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.progress_listener || !st.log)
    return;
  auto& last = st.published;
  bool leader = st.role == replica_role::leader;
  if (last.replica && last.high_watermark == st.high_watermark && last.leader_epoch == st.leadership.leader_epoch.value
      && last.leader == leader)
    return;
  last.partition = st.cfg.partition;
  last.leader_epoch = st.leadership.leader_epoch.value;
  last.leader = leader;
  last.high_watermark = st.high_watermark;
  last.log_end_offset = st.log->log_end_offset();
  last.replica = caf::actor_cast<caf::actor>(self);
  caf::anon_send(st.cfg.progress_listener, replica_progress_atom::value, last);
}

void fail_waiting(self_ptr self, api_errc e) {
  for (auto& [id, p] : self->state.waiting)
    p.promise.deliver(fetch_failed(self->state.cfg.partition, e));
  self->state.waiting.clear();
}

partition_replica_state::~partition_replica_state() {
  save_producers(*this);
  save_high_watermark(*this);
  if (log)
    log->close();
}

persistence::producer_state recover_producer_state(const std::filesystem::path& dir,
                                                   const persistence::partition_log& log) {
  auto loaded = persistence::producer_state::load(snapshot_file(dir));
  persistence::producer_state st;
  if (loaded && loaded->covered_offset <= log.log_end_offset())
    st = std::move(*loaded); // else: the log was truncated below the snapshot; rebuild from the log
  auto from = std::max(st.covered_offset, log.log_start_offset());
  st.covered_offset = from;
  std::vector<char> buf;
  while (from < log.log_end_offset()) {
    buf.clear();
    if (log.read(from, 1 << 20, buf) != persistence::errc::ok || buf.empty())
      break;
    st.replay(buf.data(), buf.size());
    if (st.covered_offset <= from)
      break; // no progress: a batch the replay could not parse
    from = st.covered_offset;
  }
  return st;
}

caf::expected<partition_actor> spawn_partition_replica(caf::actor_system& sys, partition_replica_config cfg) {
  persistence::errc err = persistence::errc::ok;
  std::shared_ptr<persistence::partition_log> log
    = persistence::partition_log::open(cfg.dir, cfg.log, wall_clock_ms(), &err);
  if (!log)
    return make_error(to_api_errc(err), "cannot open log in " + cfg.dir.string() + ": " + persistence::to_string(err));
  auto producers = std::make_shared<persistence::producer_state>(recover_producer_state(cfg.dir, *log));
  auto hdl = sys.spawn(partition_replica, std::move(cfg), std::move(log), std::move(producers));
  return caf::actor_cast<partition_actor>(hdl);
}

namespace {

// The handlers both roles share, and the role's own: append (Kafka batches), produce (native records), fetch
// (consumers), offsets (ListOffsets), DeleteRecords, DescribeProducers, replica fetch and OffsetsForLeaderEpoch.
template <class Append, class Produce, class Fetch, class Offsets, class DeleteRecords, class Producers,
          class ReplicaFetch, class EpochEnd>
partition_replica_actor::behavior_type role_behavior(self_ptr self, Append append, Produce produce, Fetch fetch,
                                                     Offsets offsets, DeleteRecords delete_records,
                                                     Producers producers, ReplicaFetch replica_fetch,
                                                     EpochEnd epoch_end) {
  return {
    std::move(append),
    std::move(produce),
    std::move(fetch),
    std::move(offsets),
    std::move(delete_records),
    std::move(producers),
    std::move(replica_fetch),
    std::move(epoch_end),
    [=](leadership_atom, partition_leadership& l) { on_leadership(self, std::move(l)); },
    [=](topic_config_atom, persistence::log_config& log, int32_t min_isr) {
      auto& st = self->state;
      st.cfg.log = log;
      st.cfg.min_insync_replicas = min_isr;
      st.leadership.min_insync_replicas = min_isr;
      if (st.log) {
        st.log->set_config(log);
        st.log->apply_retention(wall_clock_ms());
        st.high_watermark = std::max(st.high_watermark, st.log->log_start_offset());
      }
      if (st.isr) // as start_leading: a minimum above the replica count would hold the HW for ever
        apply_isr_effects(self, st.isr->set_min_insync_replicas(
                                  std::min<int32_t>(min_isr, static_cast<int32_t>(st.leadership.replicas.size()))));
    },
    [=](read_committed_atom, int64_t from, int32_t max_bytes) -> committed_read {
      auto& st = self->state;
      committed_read r;
      r.high_watermark = st.high_watermark;
      r.log_start_offset = st.log->log_start_offset();
      if (from < st.high_watermark) {
        auto e = st.log->read(from, std::max(max_bytes, 1), r.records, st.high_watermark, true);
        r.error = static_cast<uint8_t>(to_api_errc(e));
      }
      return r;
    },
    [=](isr_tick_atom, uint64_t generation) {
      if (generation == self->state.generation && self->state.role == replica_role::leader)
        on_isr_tick(self);
    },
    [=](resume_atom, uint64_t generation) {
      if (generation == self->state.generation && self->state.role == replica_role::follower)
        start_following(self);
    },
    [=](expire_atom, uint64_t id) {
      auto& st = self->state;
      if (expire_replica_fetch(self, id))
        return;
      auto i = st.waiting.find(id);
      if (i == st.waiting.end())
        return;
      fetch_response resp;
      try_answer(self, i->second.request, resp, true);
      count_out(self, resp);
      i->second.promise.deliver(std::move(resp));
      st.waiting.erase(i);
    },
    [=](info_atom) -> partition_state {
      auto& st = self->state;
      partition_state s;
      s.partition = st.cfg.partition;
      s.leader = st.leadership.leader.value;
      s.leader_epoch = st.leadership.leader_epoch.value;
      s.replicas = to_ints(st.leadership.replicas);
      s.isr = st.isr ? st.isr->isr() : to_ints(st.leadership.isr);
      s.log_start_offset = st.log->log_start_offset();
      s.log_end_offset = st.log->log_end_offset();
      s.high_watermark = st.high_watermark;
      s.size_bytes = st.log->size_bytes();
      s.segments = static_cast<int32_t>(st.log->segment_count());
      s.damaged_regions = st.log->damage_count();
      s.records_in = st.records_in;
      s.bytes_in = st.bytes_in;
      s.bytes_out = st.bytes_out;
      return s;
    },
    [=](delete_atom) -> bool {
      auto& st = self->state;
      if (st.role == replica_role::leader)
        stop_leading(self);
      fail_waiting(self, api_errc::unknown_topic_or_partition);
      st.producers_dirty = false;
      st.hw_dirty = false;
      st.log->close();
      st.log.reset();
      // Renamed to a "-delete" tombstone first: only such directories are ever deleted at start.
      auto removed = persistence::remove_partition_dir(st.cfg.dir);
      self->quit();
      return removed == persistence::errc::ok;
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (!st.log)
        return;
      // Wall time on purpose: retention compares record timestamps, and the log's flush.ms and segment.ms
      // bookkeeping started from the wall clock when it was opened (Kafka's Log does the same). The tick
      // itself is a delayed_send, so virtual time drives it under the test coordinator.
      auto now = wall_clock_ms();
      // Retention every log.retention.check.interval.ms; the timer itself runs more often (checkpoints).
      if (auto at = actor_clock_ms(self); at >= st.next_retention_check_ms) {
        st.log->apply_retention(now);
        compact(st, now);
        st.next_retention_check_ms = at + st.cfg.retention_check_interval_ms;
      }
      st.log->maybe_flush(now);
      if (auto gone = st.producers.expire(now, st.cfg.producer_id_expiration_ms); gone > 0) {
        st.producers_dirty = true;
        spdlog::debug("{}-{}: forgot {} idle producer{} (producer.id.expiration.ms)", st.cfg.topic, st.cfg.partition,
                      gone, gone == 1 ? "" : "s");
      }
      save_producers(st);
      save_high_watermark(st);
      self->delayed_send(self, std::chrono::milliseconds(st.tick_interval_ms), tick_atom::value);
    },
    [=](scrub_atom) {
      auto& st = self->state;
      if (!st.log)
        return;
      auto now = actor_clock_ms(self);
      if (now >= st.next_scrub_pass_ms) {
        auto& limiter = persistence::node_scrub_limiter();
        auto budget = limiter.take(persistence::scrub_slice_bytes, steady_clock_ms()); // node-wide: real time
        if (budget > 0) {
          auto p = st.log->scrub(budget);
          if (static_cast<size_t>(p.bytes) < budget)
            limiter.give_back(budget - static_cast<size_t>(p.bytes));
          if (p.pass_finished)
            st.next_scrub_pass_ms = now + persistence::scrub_pass_pause_ms;
        }
      }
      self->delayed_send(self, std::chrono::milliseconds(persistence::scrub_tick_ms), scrub_atom::value);
    },
  };
}

// ListOffsets: latest is the high watermark (what a read_uncommitted consumer may read up to), as in Kafka.
offset_answer list_offsets(self_ptr self, int64_t timestamp) {
  auto& st = self->state;
  auto& log = *st.log;
  offset_answer a;
  a.current_leader_epoch = st.leadership.leader_epoch.value;
  auto found = [&](const std::optional<persistence::timestamp_hit>& hit) {
    if (!hit || hit->offset >= st.high_watermark)
      return;
    a.offset = hit->offset;
    a.timestamp = hit->timestamp;
    a.leader_epoch = hit->leader_epoch;
  };
  if (timestamp == latest_timestamp) {
    a.offset = st.high_watermark;
    a.leader_epoch = log.epochs().epoch_for_offset(std::max<int64_t>(0, a.offset - 1));
    if (a.offset == log.log_end_offset())
      a.leader_epoch = log.epochs().latest_epoch();
  } else if (timestamp == earliest_timestamp) {
    a.offset = log.log_start_offset();
    a.leader_epoch = log.epochs().epoch_for_offset(a.offset);
  } else if (timestamp == max_timestamp_spec) {
    found(log.max_timestamp_hit());
  } else if (timestamp < 0) {
    a.error = static_cast<uint8_t>(api_errc::invalid_request);
  } else {
    found(log.offset_for_timestamp(timestamp));
  }
  return a;
}

// DeleteRecords: -1 is the high watermark; a target beyond it is out of range (Kafka: records not yet
// committed cannot be deleted). The new log start is checkpointed before the answer; followers learn it
// from the log_start_offset of their fetch answers.
offset_answer delete_records(self_ptr self, int64_t offset) {
  auto& st = self->state;
  offset_answer a;
  a.current_leader_epoch = st.leadership.leader_epoch.value;
  const int64_t target = offset == -1 ? st.high_watermark : offset;
  if (target < 0 || target > st.high_watermark) {
    a.error = static_cast<uint8_t>(api_errc::offset_out_of_range);
    return a;
  }
  const int64_t before = st.log->log_start_offset();
  if (auto e = st.log->advance_log_start(target); e != persistence::errc::ok) {
    a.error = static_cast<uint8_t>(e == persistence::errc::offset_out_of_range ? api_errc::offset_out_of_range
                                                                              : api_errc::storage_error);
    return a;
  }
  if (st.log->log_start_offset() != before)
    spdlog::info("{}-{}: records before {} deleted (log start was {})", st.cfg.topic, st.cfg.partition,
                 st.log->log_start_offset(), before);
  a.offset = st.log->log_start_offset();
  return a;
}

offset_answer not_leader_answer(self_ptr self) {
  offset_answer a;
  a.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
  a.current_leader_epoch = self->state.leadership.leader_epoch.value;
  return a;
}

// A compacted topic keeps the latest record per key: a record without one cannot be kept, so Kafka refuses
// the batch (INVALID_RECORD) naming each keyless record (KIP-467), in Kafka's words. Looks inside
// compressed batches, inflating up to max.message.bytes (more than that is refused too).
std::optional<partition_produce_result> refuse_keyless(const partition_replica_state& st, const std::vector<char>& batch) {
  const auto max_out = static_cast<size_t>(std::max(st.cfg.log.max_message_bytes, 1)) * 4;
  auto keyless = keyless_records(batch.data(), batch.size(), max_out);
  if (keyless && keyless->empty())
    return std::nullopt;
  const std::string where = st.cfg.topic + "-" + std::to_string(st.cfg.partition);
  if (!keyless)
    return produce_failed(st.cfg.partition, api_errc::invalid_batch,
                          "the records of a batch for compacted topic partition " + where + " could not be read");
  auto r = produce_failed(st.cfg.partition, api_errc::invalid_batch, "");
  std::string shown;
  for (auto index : *keyless) {
    record_error e;
    e.batch_index = index;
    e.message = "Compacted topic cannot accept message without key in topic partition " + where;
    if (r.record_errors.size() < 3)
      shown += std::string(shown.empty() ? "" : ", ") + "RecordError(batchIndex=" + std::to_string(index)
               + ", message='" + e.message + "')";
    r.record_errors.push_back(std::move(e));
  }
  r.error_message = "One or more records have been rejected due to " + std::to_string(keyless->size())
                    + " record errors in total, and only showing the first three errors at most: [" + shown + "]";
  return r;
}

std::string not_leader_text(const partition_replica_state& st) {
  return st.cfg.topic + "-" + std::to_string(st.cfg.partition) + " is a follower here; its leader is node "
         + std::to_string(st.leadership.leader.value);
}

// A leader serves clients only while its node holds its lease (cluster/broker_lease.hpp): the text of the
// refusal, logged once per lapse; nullopt while the lease holds (or none is needed).
std::optional<std::string> lease_lapsed(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.lease)
    return std::nullopt;
  const auto now = actor_clock_ms(self);
  if (st.cfg.lease->holds(now)) {
    if (st.lease_refused)
      spdlog::info("{}-{}: node {} holds its lease from the controller again: serving clients as leader at epoch {}",
                   st.cfg.topic, st.cfg.partition, st.cfg.node_id.value, st.leadership.leader_epoch.value);
    st.lease_refused = false;
    return std::nullopt;
  }
  const auto until = st.cfg.lease->until_ms();
  std::string why = st.cfg.topic + "-" + std::to_string(st.cfg.partition) + ": node "
                    + std::to_string(st.cfg.node_id.value) + " may no longer lead: "
                    + (until == 0 ? std::string{"no heartbeat of its has been answered by the controller yet"}
                                  : "its lease from the controller lapsed " + std::to_string(now - until) + " ms ago");
  if (!st.lease_refused)
    spdlog::warn("{}; refusing client requests (NOT_LEADER_OR_FOLLOWER) until a heartbeat is answered", why);
  st.lease_refused = true;
  return why;
}

} // namespace

partition_replica_actor::behavior_type leader_behavior(self_ptr self) {
  return role_behavior(
    self,
    [=](append_atom, std::vector<char>& batch, int16_t acks, int32_t timeout_ms) -> caf::result<partition_produce_result> {
      auto& st = self->state;
      if (auto why = lease_lapsed(self))
        return produce_failed(st.cfg.partition, api_errc::not_leader_or_follower, *why);
      auto v = validate_client_batch(batch.data(), batch.size(), st.cfg.log.max_message_bytes);
      if (v != batch_error::ok)
        return produce_failed(st.cfg.partition, to_api(v), to_string(v));
      if (st.log->config().compact_policy)
        if (auto refused = refuse_keyless(st, batch))
          return std::move(*refused);
      return leader_append(self, batch, acks, timeout_ms);
    },
    [=](produce_atom, std::vector<record>& records, int16_t acks, int8_t codec_id) -> caf::result<partition_produce_result> {
      auto& st = self->state;
      if (auto why = lease_lapsed(self))
        return produce_failed(st.cfg.partition, api_errc::not_leader_or_follower, *why);
      if (records.empty())
        return produce_failed(st.cfg.partition, api_errc::invalid_request, "no records");
      auto compressed = compress_batch(encode_batch(records, wall_clock_ms()), codec_id);
      if (!compressed)
        return produce_failed(st.cfg.partition, api_errc::invalid_request,
                              "unknown compression codec " + std::to_string(codec_id));
      auto& batch = *compressed;
      if (batch.size() > static_cast<size_t>(st.cfg.log.max_message_bytes))
        return produce_failed(st.cfg.partition, api_errc::record_too_large,
                              "batch of " + std::to_string(batch.size()) + " bytes exceeds max.message.bytes "
                                + std::to_string(st.cfg.log.max_message_bytes));
      return leader_append(self, batch, acks, 0);
    },
    [=](fetch_atom, fetch_request& req) -> caf::result<fetch_response> {
      if (req.max_bytes < 0 || req.max_wait_ms < 0)
        return fetch_failed(req.partition, api_errc::invalid_request);
      if (lease_lapsed(self))
        return fetch_failed(req.partition, api_errc::not_leader_or_follower);
      if (req.current_leader_epoch >= 0)
        if (auto e = check_leader_epoch(self->state, leader_epoch_t{req.current_leader_epoch}); e != api_errc::ok)
          return fetch_failed(req.partition, e);
      fetch_response resp;
      if (diverges(self, req, resp))
        return resp; // answered at once, without records: no long poll
      if (try_answer(self, req, resp, false)) {
        count_out(self, resp);
        return resp;
      }
      auto id = self->state.next_fetch_id++;
      auto promise = self->make_response_promise<fetch_response>();
      auto wait = std::chrono::milliseconds(req.max_wait_ms);
      self->state.waiting.emplace(id, pending_fetch{std::move(req), promise});
      self->delayed_send(self, wait, expire_atom::value, id);
      return promise;
    },
    [=](offsets_atom, int64_t timestamp) -> offset_answer {
      return lease_lapsed(self) ? not_leader_answer(self) : list_offsets(self, timestamp);
    },
    [=](delete_records_atom, int64_t offset) -> offset_answer {
      return lease_lapsed(self) ? not_leader_answer(self) : delete_records(self, offset);
    },
    [=](producers_atom) -> producers_answer {
      producers_answer a;
      for (const auto& s : self->state.producers.summaries())
        a.producers.push_back({s.producer_id, s.epoch, s.last_sequence, s.last_timestamp_ms});
      return a;
    },
    [=](replica_fetch_atom, replica_fetch_request& req) { return serve_replica_fetch(self, req); },
    [=](epoch_end_atom, epoch_end_request& req) { return answer_epoch_end(self, req); });
}

partition_replica_actor::behavior_type follower_behavior(self_ptr self) {
  auto refused = [=] {
    return produce_failed(self->state.cfg.partition, api_errc::not_leader_or_follower, not_leader_text(self->state));
  };
  return role_behavior(
    self,
    [=](append_atom, std::vector<char>&, int16_t, int32_t) -> caf::result<partition_produce_result> {
      return refused();
    },
    [=](produce_atom, std::vector<record>&, int16_t, int8_t) -> caf::result<partition_produce_result> { return refused(); },
    [=](fetch_atom, fetch_request& req) -> caf::result<fetch_response> {
      return fetch_failed(req.partition, api_errc::not_leader_or_follower);
    },
    [=](offsets_atom, int64_t) -> offset_answer { return not_leader_answer(self); },
    [=](delete_records_atom, int64_t) -> offset_answer { return not_leader_answer(self); },
    [=](producers_atom) -> producers_answer {
      producers_answer a;
      a.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
      return a;
    },
    [=](replica_fetch_atom, replica_fetch_request&) -> caf::result<replica_fetch_response> {
      replica_fetch_response r;
      r.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
      r.leader_epoch = self->state.leadership.leader_epoch;
      return r;
    },
    [=](epoch_end_atom, epoch_end_request&) -> epoch_end_response {
      epoch_end_response r;
      r.error = static_cast<uint8_t>(api_errc::not_leader_or_follower);
      return r;
    });
}

void on_leadership(self_ptr self, partition_leadership l) {
  auto& st = self->state;
  if (l.leader_epoch < st.leadership.leader_epoch)
    return;
  // An epoch known without its leader (a leader that stepped down when the controller answered its
  // resignation, partition_leader.cpp) takes the leader the image names for it: the controller never names
  // a leader without bumping the epoch, so this happens only then.
  const bool leader_learnt = st.leadership.leader == no_broker && l.leader != no_broker;
  if (l.leader_epoch == st.leadership.leader_epoch && !leader_learnt) {
    // The same epoch: only the ISR (and the partition epoch) can have changed.
    if (st.role == replica_role::leader && st.isr) {
      cluster::replica::isr_effects out;
      st.isr->apply_partition_change(to_ints(l.isr), l.leader_epoch.value, l.partition_epoch.value, out);
      apply_isr_effects(self, std::move(out));
    }
    if (l.partition_epoch > st.leadership.partition_epoch)
      st.leadership = std::move(l);
    return;
  }
  const auto old_role = st.role;
  const auto old_epoch = st.leadership.leader_epoch;
  const std::string was = old_epoch == no_leader_epoch
                            ? std::string{"opened"}
                            : (old_role == replica_role::leader ? "was leader" : "was follower")
                                + std::string{" at epoch "} + std::to_string(old_epoch.value);
  // A leader named again at a higher epoch (a reassignment's replica change names the leader anew) keeps its
  // acks=all produces waiting: its log is not cut, so the new epoch's HW commits them (isr_tracker.hpp).
  const bool leads_again = old_role == replica_role::leader && l.leader == st.cfg.node_id;
  std::optional<cluster::replica::isr_tracker> previous;
  if (old_role == replica_role::leader)
    previous = stop_leading(self, leads_again);
  fail_waiting(self, api_errc::not_leader_or_follower);
  st.leadership = std::move(l);
  ++st.generation;
  if (st.leadership.leader == st.cfg.node_id) {
    st.role = replica_role::leader;
    forget_leader_broker(self);
    // A single node's replicas all start as leaders: only a change of leadership is worth a line.
    auto level = old_epoch == no_leader_epoch && st.leadership.replicas.size() == 1 ? spdlog::level::debug
                                                                                   : spdlog::level::info;
    spdlog::log(level, "{}-{}: leader at epoch {} ({}), log end {}, high watermark {}", st.cfg.topic, st.cfg.partition,
                st.leadership.leader_epoch.value, was, st.log->log_end_offset(), st.high_watermark);
    self->become(leader_behavior(self));
    start_leading(self, std::move(previous));
  } else {
    st.role = replica_role::follower;
    forget_leader_broker(self);
    spdlog::info("{}-{}: follower of node {} at epoch {} ({}), log end {}", st.cfg.topic, st.cfg.partition,
                 st.leadership.leader.value, st.leadership.leader_epoch.value, was, st.log->log_end_offset());
    self->become(follower_behavior(self));
    start_following(self);
  }
  publish_progress(self);
}

partition_replica_actor::behavior_type partition_replica(self_ptr self, partition_replica_config cfg,
                                                         std::shared_ptr<persistence::partition_log> log,
                                                         std::shared_ptr<persistence::producer_state> producers) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.log = std::move(log);
  st.producers = std::move(*producers);
  // The timer drives retention, the time-based flush and producer-state snapshots (at least every 30 s,
  // which bounds the log tail replayed after a crash) and the high-watermark checkpoint (every 5 s at most,
  // Kafka's replica.high.watermark.checkpoint.interval.ms).
  st.tick_interval_ms = std::max<int64_t>(
    100, std::min({st.cfg.retention_check_interval_ms, int64_t{5000},
                   st.cfg.log.flush_ms > 0 ? st.cfg.log.flush_ms : no_limit}));
  st.next_retention_check_ms = actor_clock_ms(self) + st.cfg.retention_check_interval_ms;
  self->delayed_send(self, std::chrono::milliseconds(st.tick_interval_ms), tick_atom::value);
  st.health = persistence::append_health(st.cfg.topic + "-" + std::to_string(st.cfg.partition));
  self->delayed_send(self, std::chrono::milliseconds(persistence::scrub_tick_ms), scrub_atom::value);
  st.high_watermark = std::min(persistence::load_high_watermark(st.cfg.dir).value_or(0), st.log->log_end_offset());
  st.high_watermark = std::max(st.high_watermark, st.log->log_start_offset());
  self->set_down_handler([=](caf::down_msg& dm) { on_monitored_down(self, dm); });
  if (st.cfg.leadership.replicas.empty()) {
    // A single node: this node leads a one-replica ISR.
    auto& l = st.cfg.leadership;
    l.replicas = {st.cfg.node_id};
    l.isr = {st.cfg.node_id};
    l.leader = st.cfg.node_id;
    l.leader_epoch = st.cfg.leader_epoch;
    l.min_insync_replicas = st.cfg.min_insync_replicas;
  }
  // Start below any epoch, so the first leadership always switches the role.
  st.leadership.leader_epoch = no_leader_epoch;
  on_leadership(self, st.cfg.leadership);
  return st.role == replica_role::leader ? leader_behavior(self) : follower_behavior(self);
}

} // namespace samsa::actors
