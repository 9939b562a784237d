#include "actors/kafka_session.hpp"

#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "actors/kafka_handler.hpp"

namespace samsa::actors {

namespace {

using session_ptr = caf::io::stateful_broker<kafka_session_state>*;
using idle_check_atom = caf::atom_constant<caf::atom("idlecheck")>;
constexpr size_t read_chunk = 256 * 1024;

// Ends the session. The handler goes with it at once: pending request timeouts would otherwise keep it
// (and so the actor system's shutdown) alive for up to a minute.
void end_session(session_ptr self) {
  auto& st = self->state;
  if (st.handler)
    self->send_exit(st.handler, caf::exit_reason::user_shutdown);
  self->quit();
}

// Answers computed but not yet on the wire: waiting for their turn, or in CAF's write buffer.
uint64_t pending_output(const kafka_session_state& st) {
  return st.done_bytes + (st.out_total - st.written_total);
}

void write_ready(session_ptr self) {
  auto& st = self->state;
  bool wrote = false;
  for (auto i = st.done.find(st.next_to_write); i != st.done.end(); i = st.done.find(st.next_to_write)) {
    auto& reply = i->second;
    st.done_bytes -= reply.bytes.size();
    bool queued = false;
    if (reply.respond && !reply.bytes.empty()) {
      auto n = reply.bytes.size();
      auto& out = self->wr_buf(st.hdl);
      if (out.empty())
        out.swap(reply.bytes); // a large fetch answer is not copied again
      else
        out.insert(out.end(), reply.bytes.begin(), reply.bytes.end());
      st.out_total += n;
      wrote = queued = true;
    }
    if (reply.credit > 0) {
      if (queued)
        st.credits.emplace_back(st.out_total, reply.credit);
      else
        self->send(st.handler, kafka_credit_atom::value, reply.credit);
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

// Resumes reading after halt() (see trigger_reliably for the CAF 0.17.6 quirk it works around).
void resume_reading(session_ptr self) {
  self->state.paused = false;
  trigger_reliably(self, self->state.hdl);
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
      // Memory follows the bytes that arrive, not the size a header announces: a client announcing
      // 100 MiB and sending nothing costs nothing (frames up to 1 MiB, the common case, are still
      // allocated once).
      st.partial.reserve(std::min<size_t>(st.want, kafka_frame_reserve_bytes));
      continue;
    }
    auto take = std::min(st.want - st.partial.size(), n);
    if (st.partial.size() + take > st.partial.capacity()) // grow by doubling, but never past the frame
      st.partial.reserve(std::min(st.want, std::max(st.partial.capacity() * 2, st.partial.size() + take)));
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

// A request on its way through the handler, for the request metrics.
struct request_timing {
  int16_t api_key = -1;
  caf::actor_clock::time_point started;
};

request_timing start_timing(session_ptr self, const std::vector<char>& frame) {
  request_timing t;
  if (frame.size() >= 2) // the header starts with the big-endian api key
    t.api_key = static_cast<int16_t>((static_cast<uint8_t>(frame[0]) << 8) | static_cast<uint8_t>(frame[1]));
  t.started = self->clock().now();
  return t;
}

// Time in the broker: from handing the frame to the handler until its answer is back (not counting the
// wait for earlier answers to be written).
void record_timing(session_ptr self, const request_timing& t, bool error) {
  auto& metrics = self->state.metrics;
  if (!metrics)
    return;
  std::chrono::duration<double> took = self->clock().now() - t.started;
  metrics->record(t.api_key, took.count(), error);
}

// Hands ready frames to the handler while the in-flight bound and the output bound allow; pauses reading
// when either is reached and resumes when both have room again (half the bounds, so a client at the edge
// does not make the session halt and trigger on every answer).
void dispatch(session_ptr self) {
  auto& st = self->state;
  while (!st.closing && st.inflight < kafka_max_inflight && pending_output(st) < kafka_max_pending_output
         && !st.ready.empty()
         && (st.inflight == 0 || st.inflight_bytes + st.ready.front().size() <= kafka_max_inflight_request_bytes)) {
    auto frame_bytes = std::move(st.ready.front());
    st.ready.pop_front();
    auto seq = st.next_seq++;
    auto frame_size = frame_bytes.size();
    auto timing = start_timing(self, frame_bytes);
    ++st.inflight;
    st.inflight_bytes += frame_size;
    self->request(st.handler, caf::infinite, kafka_request_atom::value, std::move(frame_bytes))
      .then(
        [=](kafka_reply& reply) {
          auto& st = self->state;
          record_timing(self, timing, reply.error || reply.close);
          --st.inflight;
          st.inflight_bytes -= frame_size;
          st.done_bytes += reply.bytes.size();
          st.done.emplace(seq, std::move(reply));
          write_ready(self);
          dispatch(self); // the bounds may have held frames back
        },
        [=](caf::error&) {
          record_timing(self, timing, true);
          --self->state.inflight;
          self->state.inflight_bytes -= frame_size;
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
  auto blocked = !st.ready.empty() || pending_output(st) >= kafka_max_pending_output;
  if (blocked && !st.paused) {
    st.paused = true;
    self->halt(st.hdl);
  } else if (st.paused && st.ready.empty() && st.inflight < kafka_max_inflight / 2
             && st.inflight_bytes <= kafka_max_inflight_request_bytes / 2
             && pending_output(st) <= kafka_max_pending_output / 2) {
    resume_reading(self);
  }
}

// CAF reported bytes written: fetch answers that have left the write buffer give their budget back to the
// handler (one message for all of them), and the output bound may let reading resume.
void on_written(session_ptr self, uint64_t written) {
  auto& st = self->state;
  st.written_total += written;
  st.last_activity_ms = actor_clock_ms(self);
  int64_t credit = 0;
  while (!st.credits.empty() && st.credits.front().first <= st.written_total) {
    credit += st.credits.front().second;
    st.credits.pop_front();
  }
  if (credit > 0)
    self->send(st.handler, kafka_credit_atom::value, credit);
  dispatch(self);
}

// Kafka's connections.max.idle.ms: one timer per connection, re-armed for the rest of the period when there
// was activity, so an active connection costs one timer message per period and nothing per request. A
// connection waiting for answers (a long poll) is not idle.
void arm_idle_check(session_ptr self, int64_t after_ms) {
  self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(after_ms, 1)), idle_check_atom::value);
}

void check_idle(session_ptr self) {
  auto& st = self->state;
  if (st.closing)
    return;
  auto idle_for = actor_clock_ms(self) - st.last_activity_ms;
  if (st.inflight > 0 || idle_for < st.max_idle_ms) {
    arm_idle_check(self, st.inflight > 0 ? st.max_idle_ms : st.max_idle_ms - idle_for);
    return;
  }
  spdlog::debug("Kafka connection from {} idle for {} ms (connections.max.idle.ms={}): closing", st.peer,
                idle_for, st.max_idle_ms);
  st.closing = true;
  self->close(st.hdl);
  end_session(self);
}

} // namespace

caf::behavior kafka_session(session_ptr self, caf::io::connection_handle hdl, kafka_listener_config cfg,
                            caf::actor acceptor) {
  auto& st = self->state;
  st.hdl = hdl;
  st.max_frame = cfg.server.socket_request_max_bytes;
  st.max_idle_ms = cfg.server.connections_max_idle_ms;
  st.last_activity_ms = actor_clock_ms(self);
  st.peer = self->remote_addr(hdl);
  st.metrics = cfg.metrics;
  st.handler = self->spawn(kafka_handler, cfg);
  // Stopping the listener (node shutdown) ends every open connection: the acceptor's exit reaches its
  // sessions through this link, and a session's exit reaches its handler.
  self->link_to(acceptor);
  self->link_to(st.handler);
  self->configure_read(hdl, caf::io::receive_policy::at_most(read_chunk));
  self->ack_writes(hdl, true);
  if (st.max_idle_ms > 0)
    arm_idle_check(self, st.max_idle_ms);
  return {
    [=](caf::io::new_data_msg& msg) {
      if (self->state.closing)
        return;
      self->state.last_activity_ms = actor_clock_ms(self);
      ingest(self, msg.buf);
      dispatch(self);
    },
    [=](const caf::io::data_transferred_msg& msg) { on_written(self, msg.written); },
    [=](const caf::io::connection_closed_msg&) { end_session(self); },
    [=](retrigger_atom) {
      if (!self->state.paused && !self->state.closing)
        self->trigger(self->state.hdl);
    },
    [=](idle_check_atom) { check_idle(self); },
  };
}

} // namespace samsa::actors
