#pragma once
// The partition replica actor: owns one partition's persistence::partition_log and serialises every
// access to it. It runs on CAF's scheduler (never on the multiplexer thread), so CRC checks, encoding and
// file I/O happen here. Today it has the leader behaviour only; replication adds a follower behaviour
// (become(follower)) that appends with append_as_follower and truncates by leader epoch.
//
// Long-poll fetches (max_wait_ms, min_bytes) are parked in the actor and answered on the append that
// brings enough bytes, or when their deadline passes.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actor_clock.hpp" // wall_clock_ms, kept visible to includers of this header
#include "messages/native_api.hpp"
#include "persistence/append_health.hpp"
#include "persistence/log_config.hpp"
#include "persistence/partition_log.hpp"
#include "persistence/producer_state.hpp"

namespace samsa::actors {

struct partition_replica_config {
  std::string topic;
  int32_t partition = 0;
  std::filesystem::path dir;
  persistence::log_config log;
  int32_t node_id = 1;
  int32_t leader_epoch = 0;
  int32_t min_insync_replicas = 1;
  int64_t retention_check_interval_ms = 300000;
  int64_t producer_id_expiration_ms = 86400000; // producer.id.expiration.ms
  // Producer ids at or above this were never issued (InitProducerId reserves blocks below it); batches
  // carrying one are refused. Shared with the broker, which raises it; null: not checked.
  std::shared_ptr<const std::atomic<int64_t>> producer_id_limit;
};

// The scrubber's timer (persistence/scrubber.hpp): one bounded, rate-limited slice per message.
using scrub_atom = caf::atom_constant<caf::atom("scrub")>;

// The actor's full interface: the public partition_actor plus its own timers.
using partition_replica_actor =
  partition_actor::extend<caf::reacts_to<expire_atom, uint64_t>, caf::reacts_to<tick_atom>,
                          caf::reacts_to<scrub_atom>>;

struct pending_fetch {
  fetch_request request;
  caf::typed_response_promise<fetch_response> promise;
};

struct partition_replica_state {
  partition_replica_config cfg;
  std::shared_ptr<persistence::partition_log> log;
  persistence::producer_state producers; // idempotent producers' sequences
  bool producers_dirty = false;          // appended since the last producer-state snapshot
  std::unordered_map<uint64_t, pending_fetch> waiting; // parked long-poll fetches by id
  uint64_t next_fetch_id = 1;
  persistence::append_health health{""};  // disk-full / I/O failure reported once per change
  int64_t next_scrub_pass_ms = 0;         // actor clock: when the next scrub pass may start
  int64_t records_in = 0;                 // traffic counters reported by info_atom (/metrics)
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
  static inline const char* name = "samsa.partition_replica";
  ~partition_replica_state();
};

// Opens the log synchronously (so a broker learns at once when a directory is unusable) and spawns the
// actor that owns it.
caf::expected<partition_actor> spawn_partition_replica(caf::actor_system& sys, partition_replica_config cfg);

partition_replica_actor::behavior_type
partition_replica(partition_replica_actor::stateful_pointer<partition_replica_state> self,
                  partition_replica_config cfg, std::shared_ptr<persistence::partition_log> log,
                  std::shared_ptr<persistence::producer_state> producers);

// Loads the producer-state snapshot of a partition and replays the log after it (startup recovery).
persistence::producer_state recover_producer_state(const std::filesystem::path& dir,
                                                   const persistence::partition_log& log);

// Maps the storage layer's errors to the API's (the one place that does).
api_errc to_api_errc(persistence::errc e);

} // namespace samsa::actors
