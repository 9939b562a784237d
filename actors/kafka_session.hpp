#pragma once
// The Kafka listener: an acceptor broker on `listeners` that forks one client session per TCP connection.
//
// A session (a CAF io broker, so it runs on the multiplexer thread) does framing and ordering only: it
// splits the byte stream into size-prefixed frames, refuses absurd sizes by closing the connection (as
// Kafka does), hands every frame to its connection's request handler (a scheduled actor that decodes,
// dispatches and encodes; see kafka_handler.hpp) and writes the answers back strictly in request order,
// because clients pipeline.
//
// Bounded per connection (a client that pipelines requests and never reads must not grow the broker):
// - at most kafka_max_inflight requests, and kafka_max_inflight_request_bytes of request frames (one frame
//   always, however large), are in the handler at once; a frame being received grows with the bytes that
//   arrive, never to the size its header announces before they do;
// - answers not yet written to the socket (waiting in order, or in CAF's write buffer) are counted in
//   bytes; at kafka_max_pending_output the session stops handing frames to the handler and stops reading
//   the socket, and resumes below half of it, when the client has drained them;
// - a fetch holds a share of its handler's fetch budget (kafka_fetch_budget) from its first read until
//   its answer has left the write buffer: the session returns that credit to the handler as CAF reports
//   the bytes written (ack_writes / data_transferred_msg).
// A connection with no request and no write progress for connections.max.idle.ms is closed.
//
// The acceptor (kafka_listener.cpp) counts connections per address and in total (max.connections.per.ip,
// max.connections) and stops accepting while the process is short of file descriptors.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/actor_clock.hpp"
#include "actors/fetch_sessions.hpp"
#include "actors/kafka_metrics.hpp"
#include "cluster/server_config.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

struct kafka_listener_config {
  broker_actor broker;
  cluster::server_config server;
  caf::actor groups; // the node's group registry
  caf::actor controller; // cluster node: its controller (controller_actor), for the metadata image; else null
  std::shared_ptr<kafka_metrics> metrics; // request and connection counters for /metrics; null: none
  // The node's incremental fetch sessions (KIP-227); null: every fetch is answered sessionless (session id 0).
  std::shared_ptr<shared_fetch_sessions> fetch_sessions;
};

// What the request handler answers for one frame.
struct kafka_reply {
  std::vector<char> bytes; // whole response frame, size prefix included; empty with respond == false
  bool respond = true;     // false: acks=0 produce, nothing goes back
  bool close = false;      // close the connection after writing what precedes (fatal protocol error)
  int64_t credit = 0;      // fetch budget to give back to the handler once `bytes` are written
  bool error = false;      // the answer carries an error code (request metrics)
};

constexpr size_t kafka_max_inflight = 64;
// 64 MiB of request frames in the handler per connection: 64 pipelined requests of up to
// socket.request.max.bytes (100 MiB) each would otherwise hold 6 GiB.
constexpr uint64_t kafka_max_inflight_request_bytes = 64u << 20;
// A frame's buffer is reserved up to this size when its header arrives, and grows beyond it as bytes do.
constexpr size_t kafka_frame_reserve_bytes = 1u << 20;
// 16 MiB: several times a socket's own send buffer (so a reading client never waits on it) and far below
// a fetch's worst case, so a never-reading client costs at most this plus the fetches already in flight
// (bounded by kafka_fetch_budget).
constexpr uint64_t kafka_max_pending_output = 16u << 20;
// The bytes a connection's fetches may hold (reading, answered, or waiting to be written). 64 MiB admits
// one fetch of Kafka's largest default (fetch.max.bytes, 55 MiB) plus small ones; a fetch that would
// exceed it waits for the earlier ones to be written.
constexpr int64_t kafka_fetch_budget = 64 << 20;
// Kafka's broker-side fetch.max.bytes default: no fetch answer carries more, whatever the client asks.
constexpr int32_t kafka_fetch_max_bytes = 57671680;

struct kafka_session_state {
  caf::io::connection_handle hdl;
  caf::actor handler;
  char size_buf[4];               // the size prefix of the next frame, as it arrives
  size_t size_have = 0;           // bytes of size_buf received
  size_t want = 0;                // body size of the frame being received
  std::vector<char> partial;      // body of the frame being received
  std::deque<std::vector<char>> ready; // complete frames held back by the in-flight bound
  uint64_t next_seq = 0;          // sequence number given to the next frame
  uint64_t next_to_write = 0;     // sequence number whose answer must go out next
  std::map<uint64_t, kafka_reply> done; // answers waiting for their turn
  uint64_t done_bytes = 0;        // bytes of the answers in `done`
  uint64_t out_total = 0;         // bytes handed to CAF's write buffer since the connection opened
  uint64_t written_total = 0;     // of which CAF reported written to the socket
  std::deque<std::pair<uint64_t, int64_t>> credits; // (out_total at the end of a fetch answer, its credit)
  size_t inflight = 0;
  uint64_t inflight_bytes = 0;    // bytes of the request frames in the handler
  bool paused = false;
  bool closing = false;
  int32_t max_frame = 104857600;
  int64_t max_idle_ms = -1;       // connections.max.idle.ms; <= 0: never
  int64_t last_activity_ms = 0;   // actor clock: the last bytes read or written
  std::string peer;               // the client's address, for log lines
  std::shared_ptr<kafka_metrics> metrics; // null: requests are not counted
  static inline const char* name = "samsa.kafka_session";
};

using retrigger_atom = caf::atom_constant<caf::atom("retrigger")>;

// Resumes a servant (connection or acceptor) paused with halt(). CAF 0.17.6 loses a trigger() that comes
// before the multiplexer has applied the halt (stream::activate() and acceptor::activate() are no-ops while
// the servant is still registered), which left connections stalled under pipelining. trigger() on an active
// servant is a no-op, so `retrigger_atom` follows after short delays: the owner's handler for it triggers
// again if it still wants the servant active, and one of them lands after the halt has been applied.
template <class Self, class Handle>
void trigger_reliably(Self* self, Handle hdl) {
  self->trigger(hdl);
  for (auto delay : {5, 50, 500})
    self->delayed_send(self, std::chrono::milliseconds(delay), retrigger_atom::value);
}

caf::behavior kafka_session(caf::io::stateful_broker<kafka_session_state>* self, caf::io::connection_handle hdl,
                            kafka_listener_config cfg, caf::actor acceptor);

// Binds the listener (host and port from `listeners`) and spawns the acceptor. Must not be called from
// inside an actor. Returns the acceptor and the bound port.
caf::expected<std::pair<caf::actor, uint16_t>> start_kafka_listener(caf::actor_system& sys,
                                                                    kafka_listener_config cfg);

} // namespace samsa::actors

// kafka_reply only travels between a session and its handler on one node: no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::kafka_reply)
