// The Kafka listener's acceptor: one CAF io broker that owns the listening socket (the doorman), forks a
// kafka_session per accepted connection and keeps the connection limits:
// - max.connections.per.ip: a connection beyond it is closed at once (as Kafka does), with a warning;
// - max.connections: at the limit the acceptor stops accepting (as Kafka's acceptor blocks), so further
//   clients wait in the kernel's listen backlog until a connection closes;
// - file descriptors: CAF 0.17's acceptor retries a failing accept() on every poll while the listening
//   socket stays readable, so at the RLIMIT_NOFILE limit (EMFILE) pending connections made the multiplexer
//   thread spin at 100% and starve every client. The acceptor therefore stops accepting while fewer than a
//   reserve of descriptors are free (checked after every accept with one dup/close) and resumes when a
//   connection closes, or retries once a second when descriptors are held elsewhere (log segments).
// Counting is done by monitoring each session: its down message releases its address's slot, however the
// session ended. Pure accounting lives in connection_limits.hpp.
#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/connection_limits.hpp"
#include "actors/kafka_session.hpp"

namespace samsa::actors {

namespace {

using retry_accept_atom = caf::atom_constant<caf::atom("retryacc")>;
using flush_log_atom = caf::atom_constant<caf::atom("flushlog")>;

constexpr int64_t log_window_ms = 10000;

struct kafka_acceptor_state {
  kafka_listener_config cfg;
  caf::io::accept_handle doorman;
  connection_limits limits{1, 1};
  std::unordered_map<caf::actor_addr, std::string> sessions; // session -> peer address
  bool accepting = true;
  bool retry_armed = false;
  bool flush_armed = false;
  int64_t fd_limit = 0;
  int64_t fd_reserve = 0;
  log_rate_limit refused_log{log_window_ms};
  log_rate_limit full_log{log_window_ms};
  log_rate_limit fd_log{log_window_ms};
  static inline const char* name = "samsa.kafka_acceptor";
};

using acceptor_ptr = caf::io::stateful_broker<kafka_acceptor_state>*;

// Descriptors kept free while accepting: segment rolls (three files each), SQLite, CAF's own pipes. An
// eighth of the limit, at least 16 and at most 256.
int64_t descriptor_reserve(int64_t limit) {
  return std::clamp<int64_t>(limit / 8, 16, 256);
}

bool short_of_descriptors(const kafka_acceptor_state& st) {
  return lowest_free_descriptor() >= st.fd_limit - st.fd_reserve;
}

// A summary line for events the rate limit swallowed, once their window has passed.
void arm_log_flush(acceptor_ptr self) {
  if (self->state.flush_armed)
    return;
  self->state.flush_armed = true;
  self->delayed_send(self, std::chrono::milliseconds(log_window_ms), flush_log_atom::value);
}

std::string more_suffix(int64_t suppressed) {
  return suppressed > 0 ? fmt::format(" ({} more in the last 10 s)", suppressed) : std::string{};
}

void flush_logs(acceptor_ptr self) {
  auto& st = self->state;
  st.flush_armed = false;
  if (auto n = st.refused_log.take_suppressed(); n > 0)
    spdlog::warn("Kafka listener: {} more connections refused in the last 10 s (max.connections.per.ip={})", n,
                 st.limits.max_per_ip());
  if (auto n = st.full_log.take_suppressed(); n > 0)
    spdlog::warn("Kafka listener: reached max.connections={} {} more times in the last 10 s",
                 st.limits.max_total(), n);
  if (auto n = st.fd_log.take_suppressed(); n > 0)
    spdlog::error("Kafka listener: too many open files: {} more connections closed in the last 10 s", n);
}

void stop_accepting(acceptor_ptr self) {
  auto& st = self->state;
  if (!st.accepting)
    return;
  st.accepting = false;
  self->halt(st.doorman);
}

void arm_retry(acceptor_ptr self) {
  if (self->state.retry_armed)
    return;
  self->state.retry_armed = true;
  self->delayed_send(self, std::chrono::seconds(1), retry_accept_atom::value);
}

// Resumes accepting when both the connection count and the descriptors allow it.
void maybe_resume(acceptor_ptr self) {
  auto& st = self->state;
  if (st.accepting || st.limits.at_total_limit())
    return;
  if (short_of_descriptors(st)) {
    arm_retry(self);
    return;
  }
  st.accepting = true;
  trigger_reliably(self, st.doorman);
}

void on_new_connection(acceptor_ptr self, caf::io::connection_handle hdl) {
  auto& st = self->state;
  auto ip = self->remote_addr(hdl);
  int64_t suppressed = 0;
  if (auto in_use = lowest_free_descriptor(); in_use >= st.fd_limit - st.fd_reserve) {
    self->close(hdl);
    stop_accepting(self);
    arm_retry(self);
    if (st.fd_log.should_log(actor_clock_ms(self), &suppressed))
      spdlog::error("Kafka listener: too many open files: {} of {} descriptors (RLIMIT_NOFILE) in use, {} kept for the "
                    "log: closed the connection from {} and stopped accepting until descriptors are free{}",
                    in_use, st.fd_limit, st.fd_reserve, ip, more_suffix(suppressed));
    else
      arm_log_flush(self);
    return;
  }
  if (!st.limits.admit(ip)) {
    self->close(hdl);
    if (st.refused_log.should_log(actor_clock_ms(self), &suppressed))
      spdlog::warn("Kafka listener: refused a connection from {}: it has {} open (max.connections.per.ip={}){}", ip,
                   st.limits.from(ip), st.limits.max_per_ip(), more_suffix(suppressed));
    else
      arm_log_flush(self);
    return;
  }
  auto session = self->fork(kafka_session, hdl, st.cfg, caf::actor_cast<caf::actor>(self));
  self->monitor(session);
  st.sessions.emplace(session.address(), std::move(ip));
  if (st.cfg.metrics) {
    st.cfg.metrics->connections_open.fetch_add(1, std::memory_order_relaxed);
    st.cfg.metrics->connections_accepted.fetch_add(1, std::memory_order_relaxed);
  }
  if (st.limits.at_total_limit()) {
    stop_accepting(self);
    if (st.full_log.should_log(actor_clock_ms(self), &suppressed))
      spdlog::warn("Kafka listener: {} connections open (max.connections={}): not accepting new ones until one "
                   "closes{}",
                   st.limits.total(), st.limits.max_total(), more_suffix(suppressed));
    else
      arm_log_flush(self);
  }
}

caf::behavior kafka_acceptor(acceptor_ptr self, caf::io::doorman_ptr doorman, kafka_listener_config cfg) {
  auto& st = self->state;
  st.doorman = doorman->hdl();
  st.limits = connection_limits{cfg.server.max_connections, cfg.server.max_connections_per_ip};
  st.fd_limit = open_files_limit();
  st.fd_reserve = descriptor_reserve(st.fd_limit);
  st.cfg = std::move(cfg);
  self->add_doorman(std::move(doorman));
  // CAF 0.17 hands down messages to the down handler, not to the behaviour.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.sessions.find(msg.source);
    if (i == st.sessions.end())
      return;
    st.limits.release(i->second);
    st.sessions.erase(i);
    if (st.cfg.metrics)
      st.cfg.metrics->connections_open.fetch_sub(1, std::memory_order_relaxed);
    maybe_resume(self);
  });
  return {
    [=](const caf::io::new_connection_msg& msg) { on_new_connection(self, msg.handle); },
    [=](retry_accept_atom) {
      self->state.retry_armed = false;
      maybe_resume(self);
    },
    [=](retrigger_atom) {
      if (self->state.accepting)
        self->trigger(self->state.doorman);
    },
    [=](flush_log_atom) { flush_logs(self); },
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
