#pragma once
// Incremental fetch sessions (KIP-227, Fetch v7+) as plain logic (no CAF, no sockets, the clock passed in):
// the node-wide cache of sessions, each the partitions a consumer fetches with their fetch positions and
// what the last answer told about them, so that a consumer's next fetch (an "incremental" one) names only
// the partitions whose position changed and the answer lists only the partitions with records or news.
//
// Protocol (Kafka's FetchSession / FetchManager): a fetch with session epoch 0 is a full fetch; it closes the
// session it names (if any) and its answer opens a new one (the answer's session_id; 0 when the cache cannot
// take it, which is legal and makes the client fetch sessionless). A fetch with epoch -1 closes the session it
// names and is answered sessionless. A fetch with epoch > 0 continues session `session_id`: an unknown id is
// FETCH_SESSION_ID_NOT_FOUND, an epoch other than the session's next one INVALID_FETCH_SESSION_EPOCH; the
// request's partitions are added or their positions changed, its forgotten partitions removed, and the epoch
// advances (after 2^31-1 it wraps to 1).
//
// Bounds, so no client can make the cache grow without limit: at most `max_sessions` sessions (Kafka's
// max.incremental.fetch.session.cache.slots, 1000) holding at most `max_partitions` partitions together. A new
// session that does not fit evicts, least recently used first, the sessions unused for at least
// `min_eviction_ms` (Kafka's 120 s), then the sessions never continued by an incremental fetch (a client that
// sends every fetch with epoch 0, as @platformatic/kafka 1.35 does, opens sessions it never uses: they must
// not crowd out the ones in use); else it is not created. An incremental fetch that would exceed
// `max_partitions` closes its session (FETCH_SESSION_ID_NOT_FOUND: the client starts over with a full fetch).
//
// Thread-safety: none here; the Kafka handlers share one cache through shared_fetch_sessions (a mutex).
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace samsa::actors {

// One partition of a session: the client's fetch parameters, and what the last answer listing it said.
struct fetch_session_partition {
  std::string topic; // as the client names it: the topic name (Fetch v7-12) or the topic id (v13+, 22 chars)
  int32_t partition = 0;
  int64_t fetch_offset = 0;
  int32_t max_bytes = 0;
  int32_t current_leader_epoch = -1;
  int32_t last_fetched_epoch = -1;
  int64_t log_start_offset = -1;
  // As last answered (-1 before the first answer):
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t answered_log_start_offset = -1;
};

// What one partition's read in an incremental fetch came back with.
struct fetch_partition_outcome {
  bool error = false;       // an error code: always listed
  bool has_records = false; // records: always listed, and the partition moves to the session's end
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
};

struct fetch_session_limits {
  size_t max_sessions = 1000;     // Kafka's max.incremental.fetch.session.cache.slots
  size_t max_partitions = 100000; // all sessions together
  int64_t min_eviction_ms = 120000; // a session unused this long may be evicted for a new one
};

class fetch_session_cache {
public:
  using key = std::pair<std::string, int32_t>; // (topic as named, partition)

  enum class status { ok, not_found, invalid_epoch };

  explicit fetch_session_cache(fetch_session_limits limits = {}, uint64_t seed = std::random_device{}());

  // Opens a session of `partitions` (in this order) for the answer of a full fetch; its id (> 0), or 0 when
  // it does not fit even after evicting the idle sessions. The session's next epoch is 1.
  int32_t create(std::vector<fetch_session_partition> partitions, int64_t now_ms);

  // Closes a session (epoch -1, a new full fetch, or an eviction); an unknown id is ignored.
  void remove(int32_t id);

  // An incremental fetch of session `id` at `epoch`: on ok, `changed` partitions are added (at the end) or
  // have their fetch parameters replaced (keeping what was answered), `forgotten` ones are removed, the epoch
  // advances, and *out is the session's partitions in order (what this fetch reads). A session that would
  // exceed max_partitions is closed: not_found.
  status update(int32_t id, int32_t epoch, const std::vector<fetch_session_partition>& changed,
                const std::vector<key>& forgotten, int64_t now_ms, std::vector<fetch_session_partition>* out);

  // After an incremental fetch's reads: for each (partition, outcome), whether the answer lists it (an error,
  // records, or a high watermark, last stable offset or log start offset other than last answered). Listed
  // partitions remember the new values; those with records move to the end of the session, so the next
  // fetches read the others first (Kafka's round robin). Partitions no longer in the session (forgotten
  // meanwhile) or a session gone: listed, nothing remembered.
  std::vector<bool> settle(int32_t id, const std::vector<std::pair<key, fetch_partition_outcome>>& outcomes);

  // The partitions of session `id` in order (empty for an unknown id), its next epoch (0: unknown).
  std::vector<fetch_session_partition> partitions_of(int32_t id) const;
  int32_t epoch_of(int32_t id) const;
  size_t sessions() const { return sessions_.size(); }
  size_t partitions() const { return partition_count_; }
  const fetch_session_limits& limits() const { return limits_; }

private:
  struct session {
    int32_t epoch = 1;
    int64_t last_used_ms = 0;
    std::list<fetch_session_partition> order;
    std::map<key, std::list<fetch_session_partition>::iterator> index;
  };

  int32_t new_id();
  // Evicts idle sessions (least recently used first) until `partitions` more fit; false if they cannot.
  bool make_room(size_t partitions, int64_t now_ms);
  void add(session& s, const fetch_session_partition& p);

  fetch_session_limits limits_;
  std::mt19937 rng_;
  std::unordered_map<int32_t, session> sessions_;
  size_t partition_count_ = 0;
};

// The cache shared by a node's Kafka handlers (one per node, through kafka_listener_config; its counters
// for /metrics are in kafka_metrics).
struct shared_fetch_sessions {
  explicit shared_fetch_sessions(fetch_session_limits limits = {}) : cache(limits) {}
  std::mutex mutex;
  fetch_session_cache cache; // guarded by mutex
};

} // namespace samsa::actors
