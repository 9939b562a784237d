#include "actors/kafka_session.hpp"

#include <chrono>
#include <cstring>

#include "actors/kafka_handler.hpp"

namespace samsa::actors {

namespace {

using session_ptr = caf::io::stateful_broker<kafka_session_state>*;
constexpr size_t read_chunk = 256 * 1024;

// Ends the session. The handler goes with it at once: pending request timeouts would otherwise keep it
// (and so the actor system's shutdown) alive for up to a minute.
void end_session(session_ptr self) {
  auto& st = self->state;
  if (st.handler)
    self->send_exit(st.handler, caf::exit_reason::user_shutdown);
  self->quit();
}

void write_ready(session_ptr self) {
  auto& st = self->state;
  bool wrote = false;
  for (auto i = st.done.find(st.next_to_write); i != st.done.end(); i = st.done.find(st.next_to_write)) {
    auto& reply = i->second;
    if (reply.respond && !reply.bytes.empty()) {
      auto& out = self->wr_buf(st.hdl);
      if (out.empty())
        out.swap(reply.bytes); // a large fetch answer is not copied again
      else
        out.insert(out.end(), reply.bytes.begin(), reply.bytes.end());
      wrote = true;
    }
    bool close = reply.close;
    st.done.erase(i);
    ++st.next_to_write;
    if (close) {
      st.closing = true;
      break;
    }
  }
  if (wrote)
    self->flush(st.hdl);
  if (st.closing) {
    self->close(st.hdl);
    end_session(self);
  }
}

using retrigger_atom = caf::atom_constant<caf::atom("retrigger")>;

// Resumes reading after halt(). CAF 0.17.6 loses a trigger() that comes before the multiplexer has applied
// the halt (stream::activate() is a no-op while its reader is still set), which left connections stalled
// under pipelining. trigger() on an active stream is a no-op, so it is repeated after short delays: one of
// them lands after the halt has been applied.
void resume_reading(session_ptr self) {
  auto& st = self->state;
  st.paused = false;
  self->trigger(st.hdl);
  for (auto delay : {5, 50, 500})
    self->delayed_send(self, std::chrono::milliseconds(delay), retrigger_atom::value);
}

// Cuts the byte stream into frames. Each frame's body is copied once, straight into a vector of its exact
// size (the header announces it), which then travels to the handler without further copies.
void ingest(session_ptr self, const std::vector<char>& buf) {
  auto& st = self->state;
  const char* p = buf.data();
  size_t n = buf.size();
  while (n > 0 && !st.closing) {
    if (st.size_have < 4) {
      auto take = std::min<size_t>(4 - st.size_have, n);
      std::memcpy(st.size_buf + st.size_have, p, take);
      st.size_have += take;
      p += take;
      n -= take;
      if (st.size_have < 4)
        break;
      uint32_t raw;
      std::memcpy(&raw, st.size_buf, 4);
      auto size = static_cast<int32_t>(__builtin_bswap32(raw));
      if (size <= 0 || size > st.max_frame) {
        // Kafka closes the connection on an invalid frame size; whatever is already answered goes first.
        st.closing = true;
        break;
      }
      st.want = static_cast<size_t>(size);
      st.partial.clear();
      st.partial.reserve(st.want);
      continue;
    }
    auto take = std::min(st.want - st.partial.size(), n);
    st.partial.insert(st.partial.end(), p, p + take);
    p += take;
    n -= take;
    if (st.partial.size() == st.want) {
      st.ready.push_back(std::move(st.partial));
      st.partial = std::vector<char>{};
      st.size_have = 0;
    }
  }
}

// Hands ready frames to the handler while the in-flight bound allows; pauses reading when it does not.
void dispatch(session_ptr self) {
  auto& st = self->state;
  while (!st.closing && st.inflight < kafka_max_inflight && !st.ready.empty()) {
    auto frame_bytes = std::move(st.ready.front());
    st.ready.pop_front();
    auto seq = st.next_seq++;
    ++st.inflight;
    self->request(st.handler, caf::infinite, kafka_request_atom::value, std::move(frame_bytes))
      .then(
        [=](kafka_reply& reply) {
          --self->state.inflight;
          self->state.done.emplace(seq, std::move(reply));
          write_ready(self);
          dispatch(self); // the bound may have held frames back
          auto& st = self->state;
          if (st.paused && st.ready.empty() && st.inflight < kafka_max_inflight / 2)
            resume_reading(self);
        },
        [=](caf::error&) {
          --self->state.inflight;
          kafka_reply r;
          r.respond = false;
          r.close = true;
          self->state.done.emplace(seq, std::move(r));
          write_ready(self);
        });
  }
  if (st.closing && st.inflight == 0 && st.done.empty()) {
    self->close(st.hdl);
    end_session(self);
    return;
  }
  if (st.closing)
    return; // wait for the answers in flight, then write_ready closes
  if (!st.ready.empty() && !st.paused) {
    st.paused = true;
    self->halt(st.hdl);
  }
}

} // namespace

caf::behavior kafka_session(session_ptr self, caf::io::connection_handle hdl, kafka_listener_config cfg,
                            caf::actor acceptor) {
  auto& st = self->state;
  st.hdl = hdl;
  st.max_frame = cfg.server.socket_request_max_bytes;
  st.handler = self->spawn(kafka_handler, cfg);
  // Stopping the listener (node shutdown) ends every open connection: the acceptor's exit reaches its
  // sessions through this link, and a session's exit reaches its handler.
  self->link_to(acceptor);
  self->link_to(st.handler);
  self->configure_read(hdl, caf::io::receive_policy::at_most(read_chunk));
  return {
    [=](caf::io::new_data_msg& msg) {
      if (self->state.closing)
        return;
      ingest(self, msg.buf);
      dispatch(self);
    },
    [=](const caf::io::connection_closed_msg&) { end_session(self); },
    [=](retrigger_atom) {
      if (!self->state.paused && !self->state.closing)
        self->trigger(self->state.hdl);
    },
  };
}

namespace {

caf::behavior kafka_acceptor(caf::io::broker* self, caf::io::doorman_ptr doorman, kafka_listener_config cfg) {
  self->add_doorman(std::move(doorman));
  return {
    [=](const caf::io::new_connection_msg& msg) {
      self->fork(kafka_session, msg.handle, cfg, caf::actor_cast<caf::actor>(self));
    },
    [=](const caf::io::acceptor_closed_msg&) { self->quit(); },
  };
}

} // namespace

caf::expected<std::pair<caf::actor, uint16_t>> start_kafka_listener(caf::actor_system& sys, kafka_listener_config cfg) {
  auto host = cfg.server.listener_host();
  // Bind here (blocking, outside any actor) so a port in use is reported to the caller at once.
  auto doorman = sys.middleman().backend().new_tcp_doorman(cfg.server.listener_port(), host.c_str(), true);
  if (!doorman)
    return doorman.error();
  auto port = (*doorman)->port();
  auto acceptor = sys.middleman().spawn_broker(kafka_acceptor, std::move(*doorman), std::move(cfg));
  return std::make_pair(caf::actor{acceptor}, port);
}

} // namespace samsa::actors
