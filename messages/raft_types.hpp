#pragma once
// Value types of the Raft core (cluster/raft): strong ids, log entries, the messages replicas
// exchange, the state a replica needs on disk, its configuration, and the effects every input
// returns. Plain data only: no I/O, no actors. In messages/ because every layer handles them: the
// core (cluster/raft) decides, persistence stores the durable state, the CAF shell (actors/) sends
// the messages between nodes.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "messages/ids.hpp"

namespace samsa::raft {

// The strong-type template is samsa::named_type (messages/ids.hpp), shared with the data plane's offsets,
// epochs and broker ids.
using samsa::named_type;

using term_t = named_type<struct term_tag, int64_t>;           // election term, 0 = none yet
using log_index_t = named_type<struct log_index_tag, int64_t>; // 1-based, 0 = before the log
using node_id_t = named_type<struct node_id_tag, int32_t>;     // controller node id

// Index arithmetic is the one arithmetic the core needs; terms only ever go +1.
constexpr log_index_t operator+(log_index_t i, int64_t n) { return log_index_t{i.value + n}; }
constexpr log_index_t operator-(log_index_t i, int64_t n) { return log_index_t{i.value - n}; }
constexpr term_t next(term_t t) { return term_t{t.value + 1}; }

// Opaque payload (a metadata record batch, a snapshot image). std::string: owning, cheap for
// small values, easy to compare in tests; never interpreted by the core.
using bytes = std::string;

// A noop is what a new leader appends to commit the entries of earlier terms (Raft §5.4.2):
// the caller skips it when applying, but it has an index like any other entry.
enum class entry_kind : uint8_t { data, noop };

struct log_entry {
  term_t term;
  log_index_t index;
  entry_kind kind = entry_kind::data;
  bytes data;
  friend bool operator==(const log_entry& a, const log_entry& b) {
    return a.term == b.term && a.index == b.index && a.kind == b.kind && a.data == b.data;
  }
};

// The last entry a snapshot covers. {0, 0} means "no snapshot": the log starts at index 1.
struct snapshot_meta {
  log_index_t index;
  term_t term;
};

struct snapshot {
  snapshot_meta meta;
  bytes data; // the state machine's image after applying every entry up to meta.index
};

// --- messages -----------------------------------------------------------------------------
// Every message carries the sender's term. A response to a request of an older term is stale
// and dropped, so duplicated, delayed and reordered messages are harmless by construction.

// RequestVote, also used for the pre-vote round (§9.6): a pre-vote carries the term the sender
// *would* campaign in (its term + 1) without having moved to it.
struct vote_request {
  term_t term;
  log_index_t last_log_index;
  term_t last_log_term;
  bool pre_vote = false;
};

// `term`: the term voted in when granted (for a pre-vote: the request's term), else the
// responder's current term, so a rejected candidate learns a higher term.
struct vote_response {
  term_t term;
  bool granted = false;
  bool pre_vote = false;
};

// AppendEntries; empty `entries` is a heartbeat. At most cfg.max_append_bytes of entries (but
// always at least one when any is due, whatever its size).
struct append_request {
  term_t term;
  log_index_t prev_log_index;
  term_t prev_log_term;
  std::vector<log_entry> entries;
  log_index_t leader_commit;
};

// success: `index` = the last index the follower now has identical to the leader's (prev +
//   entries, never its whole log: a suffix it did not verify may still be stale).
// rejected: `index` = the prev_log_index that did not match, `hint` = the first index the
//   leader should try next (follower's last index + 1 if its log is too short, else the first
//   index of the follower's conflicting term), so a divergent follower costs one round trip
//   per term instead of one per entry.
struct append_response {
  term_t term;
  bool success = false;
  log_index_t index;
  log_index_t hint;
};

// InstallSnapshot in one chunk (metadata images are small; chunking can come later).
struct snapshot_request {
  term_t term;
  snapshot snap;
};

// `index`: the follower's commit index after handling it (>= snap.meta.index unless stale).
struct snapshot_response {
  term_t term;
  log_index_t index;
};

using message = std::variant<vote_request, vote_response, append_request, append_response,
                             snapshot_request, snapshot_response>;

// The term a message carries (every alternative has one).
term_t term_of(const message& m);
// "vote_request", "append_response", ...: for logs and test failure messages.
const char* name_of(const message& m);

// --- durable state --------------------------------------------------------------------------

// Must be on disk before any message produced in the same call is sent: a vote granted and then
// forgotten in a crash lets a node vote twice in one term.
struct hard_state {
  term_t term;
  std::optional<node_id_t> voted_for;
  friend bool operator==(const hard_state& a, const hard_state& b) {
    return a.term == b.term && a.voted_for == b.voted_for;
  }
};

// Everything a replica needs after a restart; the rest (role, leader, commit index beyond the
// snapshot, peers' progress) is volatile and rebuilt by the protocol.
// Invariant: entries are contiguous and start at snap.meta.index + 1.
struct durable_state {
  hard_state hard;
  snapshot snap;
  std::vector<log_entry> entries;
};

// --- configuration --------------------------------------------------------------------------

struct replica_config {
  node_id_t self;
  std::set<node_id_t> voters;   // includes self unless self is a learner
  std::set<node_id_t> learners; // receive the log, never vote, never count for commit
  // controller.quorum.election.timeout.ms: a follower campaigns after base + uniform
  // [0, base) jitter without hearing from a leader; also the leader-stickiness window.
  int64_t election_timeout_ms = 1000;
  int64_t heartbeat_interval_ms = 100;
  // controller.quorum.fetch.timeout.ms: a leader that has not heard from a majority of voters
  // for this long steps down (check quorum, §9.6), so a partitioned leader stops claiming it.
  int64_t check_quorum_timeout_ms = 2000;
  size_t max_append_bytes = 64 * 1024;
  uint64_t rng_seed = 1; // election jitter; distinct per node, fixed in tests
};

// --- effects --------------------------------------------------------------------------------

// follower:      knows (or looks for) a leader, votes, appends what the leader sends.
// pre_candidate: election timeout passed; asking whether it could win without raising its term.
// candidate:     term raised, voted for itself, collecting votes.
// leader:        replicates; steps down on a higher term or when check quorum fails.
// learner:       a non-voter; a follower that never campaigns and never votes.
enum class role : uint8_t { follower, pre_candidate, candidate, leader, learner };
const char* to_string(role r) noexcept;

struct outbound_message {
  node_id_t to;
  message msg;
};

struct role_change {
  role now;
  term_t term;
  std::optional<node_id_t> leader;
};

// What an input produced. The caller MUST handle the fields in this order:
//   1. persist: `hard` (if set), then `install` (replace the stored snapshot, drop stored
//      entries <= its index), then `truncate_from` (drop stored entries >= it), then `append`;
//      fsync. A crash before the fsync is fine: nothing below has happened yet.
//   2. if `install`: reset the state machine to install->data.
//   3. apply `committed` in order (noops have no payload; skip them).
//   4. send `messages` (only now: each may promise something persisted in step 1).
// `role_changed` is information (logs, metrics, the shell's become()).
struct effects {
  std::optional<hard_state> hard;
  std::optional<snapshot> install;
  std::optional<log_index_t> truncate_from;
  std::vector<log_entry> append;
  std::vector<log_entry> committed;
  std::vector<outbound_message> messages;
  std::optional<role_change> role_changed;

  bool empty() const {
    return !hard && !install && !truncate_from && append.empty() && committed.empty() &&
           messages.empty() && !role_changed;
  }
};

// propose(): the index the entry got, or (when not leader) the leader the caller should try.
struct propose_result {
  std::optional<log_index_t> index;
  std::optional<node_id_t> leader_hint;
  effects fx;
};

} // namespace samsa::raft
