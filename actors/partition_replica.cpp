#include "actors/partition_replica.hpp"

#include <chrono>
#include <system_error>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "messages/record_batch.hpp"
#include "persistence/data_dir.hpp"

namespace samsa::actors {

namespace {

constexpr int64_t no_limit = INT64_MAX;

partition_produce_result failed(int32_t partition, api_errc e, std::string msg) {
  partition_produce_result r;
  r.partition = partition;
  r.error = static_cast<uint8_t>(e);
  r.error_message = std::move(msg);
  return r;
}

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

using self_ptr = partition_replica_actor::stateful_pointer<partition_replica_state>;

// Reads for a fetch. Returns false when the request must wait for more data.
bool try_answer(self_ptr self, const fetch_request& req, fetch_response& out, bool deadline_passed) {
  auto& log = *self->state.log;
  out.partition = req.partition;
  out.log_start_offset = log.log_start_offset();
  out.high_watermark = log.log_end_offset(); // single replica: everything appended is committed
  out.last_stable_offset = out.high_watermark;
  out.records.clear();
  auto e = log.read(req.offset, req.max_bytes, out.records, out.high_watermark, req.min_one_batch);
  if (log.has_damage_to_repair()) {
    // The read stopped at a bad batch header: drop the damaged batches now (only they are lost),
    // then serve again, so a consumer moves on past the damage instead of stalling on it.
    log.repair_damage();
    out.high_watermark = log.log_end_offset();
    out.last_stable_offset = out.high_watermark;
    e = log.read(req.offset, req.max_bytes, out.records, out.high_watermark, req.min_one_batch);
  }
  if (e != persistence::errc::ok) {
    out.error = static_cast<uint8_t>(to_api_errc(e));
    out.records.clear();
    return true;
  }
  out.error = 0;
  auto enough = static_cast<int64_t>(out.records.size()) >= std::max<int32_t>(req.min_bytes, 1);
  return enough || deadline_passed || req.max_wait_ms <= 0;
}

// Every fetch answer leaves through here or through the fetch handler's direct return: both count it.
void count_out(self_ptr self, const fetch_response& resp) {
  self->state.bytes_out += static_cast<int64_t>(resp.records.size());
}

// After an append: answer every parked fetch that now has enough bytes.
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

std::filesystem::path snapshot_file(const std::filesystem::path& dir) {
  return dir / "producer-state.snapshot";
}

void save_producers(partition_replica_state& st) {
  if (!st.log || !st.producers_dirty)
    return;
  st.producers.covered_offset = st.log->log_end_offset();
  if (st.producers.save(snapshot_file(st.cfg.dir)))
    st.producers_dirty = false;
}

partition_produce_result append(self_ptr self, std::vector<char>& batch, int16_t acks) {
  auto& st = self->state;
  auto partition = st.cfg.partition;
  if (acks != acks_none && acks != acks_leader && acks != acks_all)
    return failed(partition, api_errc::invalid_required_acks, "acks must be -1, 0 or 1");
  // One replica today: acks=all can only succeed when min.insync.replicas <= 1.
  if (acks == acks_all && st.cfg.min_insync_replicas > 1)
    return failed(partition, api_errc::not_enough_replicas,
                  "in-sync replicas (1) fewer than min.insync.replicas ("
                    + std::to_string(st.cfg.min_insync_replicas) + ")");
  auto header = read_batch_header(batch.data(), batch.size());
  if (header && st.cfg.producer_id_limit && header->producer_id >= st.cfg.producer_id_limit->load()) {
    // Made-up ids would each cost producer state until they expire: refuse them outright.
    return failed(partition, api_errc::unknown_producer_id,
                  "producer id " + std::to_string(header->producer_id)
                    + " was never issued by this node (idempotent producers get theirs from InitProducerId)");
  }
  if (header && header->producer_id >= 0) {
    persistence::producer_batch original;
    switch (st.producers.check(*header, &original)) {
      case persistence::sequence_check::ok:
        break;
      case persistence::sequence_check::duplicate: {
        // A retry of a batch already stored: success with the offsets it got the first time.
        partition_produce_result r;
        r.partition = partition;
        r.base_offset = original.first_offset;
        r.record_count = header->records_count;
        r.log_start_offset = st.log->log_start_offset();
        return r;
      }
      case persistence::sequence_check::out_of_order:
        return failed(partition, api_errc::out_of_order_sequence,
                      "producer " + std::to_string(header->producer_id) + " sent sequence "
                        + std::to_string(header->base_sequence) + " out of order");
      case persistence::sequence_check::invalid_epoch:
        return failed(partition, api_errc::invalid_producer_epoch,
                      "producer " + std::to_string(header->producer_id) + " epoch "
                        + std::to_string(header->producer_epoch) + " is fenced");
    }
  }
  persistence::append_info info;
  auto now = wall_clock_ms(); // log append time and producer timestamps: wall time, as in Kafka
  auto e = st.log->append_as_leader(batch, st.cfg.leader_epoch, now, info);
  if (auto line = st.health.on_append(e)) {
    if (line->error)
      spdlog::error("{}", line->text);
    else
      spdlog::info("{}", line->text);
  }
  if (e != persistence::errc::ok)
    return failed(partition, to_api_errc(e), persistence::to_string(e));
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
  if (!st.waiting.empty())
    release_waiting(self);
  return r;
}

} // namespace

namespace {


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

partition_replica_state::~partition_replica_state() {
  save_producers(*this);
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

partition_replica_actor::behavior_type partition_replica(self_ptr self, partition_replica_config cfg,
                                                         std::shared_ptr<persistence::partition_log> log,
                                                         std::shared_ptr<persistence::producer_state> producers) {
  self->state.cfg = std::move(cfg);
  self->state.log = std::move(log);
  self->state.producers = std::move(*producers);
  // The timer drives retention, the time-based flush and producer-state snapshots (at least every 30 s,
  // which bounds the log tail replayed after a crash).
  auto tick_interval = std::chrono::milliseconds(std::max<int64_t>(
    100, std::min({self->state.cfg.retention_check_interval_ms, int64_t{30000},
                   self->state.cfg.log.flush_ms > 0 ? self->state.cfg.log.flush_ms : no_limit})));
  self->delayed_send(self, tick_interval, tick_atom::value);
  self->state.health = persistence::append_health(self->state.cfg.topic + "-"
                                                  + std::to_string(self->state.cfg.partition));
  self->delayed_send(self, std::chrono::milliseconds(persistence::scrub_tick_ms), scrub_atom::value);
  return {
    [=](append_atom, std::vector<char>& batch, int16_t acks) -> partition_produce_result {
      auto& st = self->state;
      auto v = validate_client_batch(batch.data(), batch.size(), st.cfg.log.max_message_bytes);
      if (v != batch_error::ok)
        return failed(st.cfg.partition, to_api(v), to_string(v));
      return append(self, batch, acks);
    },
    [=](produce_atom, std::vector<record>& records, int16_t acks) -> partition_produce_result {
      auto& st = self->state;
      if (records.empty())
        return failed(st.cfg.partition, api_errc::invalid_request, "no records");
      auto batch = encode_batch(records, wall_clock_ms());
      if (batch.size() > static_cast<size_t>(st.cfg.log.max_message_bytes))
        return failed(st.cfg.partition, api_errc::record_too_large,
                      "batch of " + std::to_string(batch.size()) + " bytes exceeds max.message.bytes "
                        + std::to_string(st.cfg.log.max_message_bytes));
      return append(self, batch, acks);
    },
    [=](fetch_atom, fetch_request& req) -> caf::result<fetch_response> {
      fetch_response resp;
      if (req.max_bytes < 0 || req.max_wait_ms < 0) {
        resp.partition = req.partition;
        resp.error = static_cast<uint8_t>(api_errc::invalid_request);
        return resp;
      }
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
    [=](expire_atom, uint64_t id) {
      auto i = self->state.waiting.find(id);
      if (i == self->state.waiting.end())
        return;
      fetch_response resp;
      try_answer(self, i->second.request, resp, true);
      count_out(self, resp);
      i->second.promise.deliver(std::move(resp));
      self->state.waiting.erase(i);
    },
    [=](offsets_atom, int64_t timestamp) -> offset_answer {
      auto& log = *self->state.log;
      offset_answer a;
      a.current_leader_epoch = self->state.cfg.leader_epoch;
      auto found = [&](const std::optional<persistence::timestamp_hit>& hit) {
        if (!hit)
          return;
        a.offset = hit->offset;
        a.timestamp = hit->timestamp;
        a.leader_epoch = hit->leader_epoch;
      };
      if (timestamp == latest_timestamp) {
        a.offset = log.log_end_offset();
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
    },
    [=](info_atom) -> partition_state {
      auto& st = self->state;
      partition_state s;
      s.partition = st.cfg.partition;
      s.leader = st.cfg.node_id;
      s.leader_epoch = st.cfg.leader_epoch;
      s.replicas = {st.cfg.node_id};
      s.isr = {st.cfg.node_id};
      s.log_start_offset = st.log->log_start_offset();
      s.log_end_offset = st.log->log_end_offset();
      s.high_watermark = s.log_end_offset;
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
      for (auto& [id, p] : st.waiting) {
        fetch_response resp;
        resp.partition = st.cfg.partition;
        resp.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
        p.promise.deliver(std::move(resp));
      }
      st.waiting.clear();
      st.producers_dirty = false;
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
      st.log->apply_retention(now);
      st.log->maybe_flush(now);
      if (auto gone = st.producers.expire(now, st.cfg.producer_id_expiration_ms); gone > 0) {
        st.producers_dirty = true;
        spdlog::debug("{}-{}: forgot {} idle producer{} (producer.id.expiration.ms)", st.cfg.topic, st.cfg.partition,
                      gone, gone == 1 ? "" : "s");
      }
      save_producers(st);
      self->delayed_send(self, tick_interval, tick_atom::value);
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

} // namespace samsa::actors
