#pragma once
// The active controller's broker membership rules (Kafka's ClusterControlManager + BrokerHeartbeatManager),
// pure: every handler takes the current metadata image and the time and returns the records to propose
// (one metadata_codec batch) and the answer for the requester. The actor shell (actors/controller)
// proposes the records through the quorum and answers once they commit.
//
// Rules:
// - Registration: a node registers with its id, a random incarnation id per process start and its
//   endpoints. The same incarnation again (a retry) gets its current broker epoch back, no record. A new
//   incarnation gets a register_broker record (fenced) that replaces the old registration. The broker epoch
//   is the registration record's log offset (as in Kafka): the record carries epoch -1 and the image sets
//   the offset on apply (cluster/metadata_image), so the answer is the proposal's committed index.
// - Heartbeats (every broker.heartbeat.interval.ms) carry the node's applied metadata offset. One whose
//   epoch is not the node's registered epoch (an older incarnation, or a node the image does not know) is
//   refused as unknown: the node re-registers. A fenced broker is unfenced once its applied offset reached
//   its registration record (= its epoch): it has seen its own registration, so it is caught up.
// - Sessions: a heartbeat (or a committed registration) gives the broker a session until now +
//   broker.session.timeout.ms; tick(now) fences every unfenced broker whose session ran out (again on every
//   tick until the image shows it fenced, should a proposal fail). A node known to be gone (the shell's
//   monitor on its lifecycle actor fired) is fenced at once, and its session ends now.
// - Sessions are soft state of the active controller only: activate() (this node's quorum member became
//   leader) gives every registered broker a fresh session, as Kafka does after a controller failover; a
//   deposed controller forgets them (deactivate()).
// - At most one fence or unfence per (node, epoch) is in flight: repeated heartbeats or ticks while a
//   record is being committed propose nothing more; proposal_failed() forgets what was in flight.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cluster/metadata_image.hpp"
#include "messages/metadata_records.hpp"

namespace samsa::cluster {

struct registration_request {
  int32_t node_id = -1;
  std::string incarnation_id;
  std::vector<broker_endpoint> endpoints;
  std::string rack;
};

struct heartbeat_request {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
  int64_t applied_offset = -1; // the node's metadata image offset
};

enum class reply_kind : uint8_t {
  none,              // nothing to answer (node_down, tick)
  epoch,             // registered: broker_epoch holds the epoch
  epoch_from_commit, // registered once the records commit: the epoch is their committed index
  heartbeat,         // session renewed: fenced tells the broker's state in the image
  unknown_broker,    // not (or no longer) registered with this epoch: register again
  refused,           // invalid request: reason
};

struct control_reply {
  reply_kind kind = reply_kind::none;
  int64_t broker_epoch = -1;
  bool fenced = true;
  std::string reason;
};

struct control_decision {
  std::vector<metadata_record> records; // one batch to propose; empty: nothing to write
  control_reply reply;
};

// Owns: the sessions of registered brokers and the fence/unfence records in flight (soft state).
// Invariant: only while active() does any handler return records.
class cluster_control {
public:
  explicit cluster_control(int64_t session_timeout_ms) : session_timeout_ms_(session_timeout_ms) {}

  // This node became the active controller (its image is complete up to the leader's term).
  void activate(const metadata_image& img, int64_t now_ms);
  void deactivate();
  bool active() const { return active_; }

  control_decision handle_register(const metadata_image& img, const registration_request& req, int64_t now_ms);
  // The shell calls this once a registration committed at `epoch` (the session starts then).
  void registered(int32_t node_id, int64_t epoch, int64_t now_ms);
  control_decision handle_heartbeat(const metadata_image& img, const heartbeat_request& req, int64_t now_ms);
  // The node's lifecycle actor (registered with `epoch`) is gone: fence now.
  control_decision handle_node_down(const metadata_image& img, int32_t node_id, int64_t epoch, int64_t now_ms);
  // Fences every broker whose session expired.
  control_decision tick(const metadata_image& img, int64_t now_ms);
  // A proposal of this controller failed (not committed): its fences/unfences may be proposed again.
  void proposal_failed() { in_flight_.clear(); }

  // When the session of (node) ends, if it has one (tests, status).
  const int64_t* session_deadline(int32_t node_id) const;
  // The registered brokers that will be unfenced once the fences and unfences in flight commit: who may
  // lead a partition or join an ISR (replication_control's elections and AlterPartition).
  std::set<int32_t> unfenced_brokers(const metadata_image& img) const;

private:
  struct session {
    int64_t epoch = -1;
    int64_t deadline_ms = 0;
  };
  // (node, epoch, fenced-target) in flight.
  using flight = std::tuple<int32_t, int64_t, bool>;
  bool propose_fence_state(const metadata_image& img, int32_t node, int64_t epoch, bool fenced,
                           std::vector<metadata_record>& out);

  int64_t session_timeout_ms_;
  bool active_ = false;
  std::map<int32_t, session> sessions_;
  std::set<flight> in_flight_;
};

} // namespace samsa::cluster
