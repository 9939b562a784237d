#pragma once
// The Kafka listener: an acceptor broker on `listeners` that forks one client session per TCP connection.
//
// A session (a CAF io broker, so it runs on the multiplexer thread) does framing and ordering only: it
// splits the byte stream into size-prefixed frames, refuses absurd sizes by closing the connection (as
// Kafka does), hands every frame to its connection's request handler (a scheduled actor that decodes,
// dispatches and encodes; see kafka_handler.hpp) and writes the answers back strictly in request order,
// because clients pipeline. At most `max_inflight` requests per connection are in the handler at once;
// past that the session stops reading from the socket until answers come back.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/stateful_actor.hpp>

#include "cluster/server_config.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

struct kafka_listener_config {
  broker_actor broker;
  cluster::server_config server;
  caf::actor groups; // the node's group registry
};

// What the request handler answers for one frame.
struct kafka_reply {
  std::vector<char> bytes; // whole response frame, size prefix included; empty with respond == false
  bool respond = true;     // false: acks=0 produce, nothing goes back
  bool close = false;      // close the connection after writing what precedes (fatal protocol error)
};

constexpr size_t kafka_max_inflight = 64;

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
  size_t inflight = 0;
  bool paused = false;
  bool closing = false;
  int32_t max_frame = 104857600;
  static inline const char* name = "samsa.kafka_session";
};

caf::behavior kafka_session(caf::io::stateful_broker<kafka_session_state>* self, caf::io::connection_handle hdl,
                            kafka_listener_config cfg, caf::actor acceptor);

// Binds the listener (host and port from `listeners`) and spawns the acceptor. Must not be called from
// inside an actor. Returns the acceptor and the bound port.
caf::expected<std::pair<caf::actor, uint16_t>> start_kafka_listener(caf::actor_system& sys,
                                                                    kafka_listener_config cfg);

} // namespace samsa::actors

// kafka_reply only travels between a session and its handler on one node: no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::kafka_reply)
