#include "actors/node.hpp"

#include <algorithm>

#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/broker.hpp"
#include "actors/broker_lifecycle.hpp"
#include "actors/controller.hpp"
#include "actors/kafka_session.hpp"
#include "actors/native_transport.hpp"
#include "actors/node_console.hpp"
#include "actors/node_metrics.hpp"
#include "actors/quorum_replica.hpp"
#include "messages/type_registry.hpp"

namespace samsa::actors {

void configure_actor_system(caf::actor_system_config& cfg, const cluster::server_config& s) {
  register_samsa_types(cfg);
  cfg.load<caf::io::middleman>();
  configure_native_security(cfg, native_security::from(s));
  cfg.set("scheduler.max-threads", static_cast<size_t>(s.num_io_threads > 0 ? s.num_io_threads : 2));
  // The sharing policy does not spin while idle (the stealing default polls), which matters on 2 cores.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  if (!s.quorum_voters().empty()) {
    auto hb = quorum_heartbeats_for(s);
    cfg.set("middleman.heartbeat-interval", caf::timespan{hb.interval});
    cfg.set("middleman.connection-timeout", caf::timespan{hb.timeout});
  }
}

// samsa clients send a heartbeat every 500 ms (tools/cli_common.cpp): never drop them for less than four.
constexpr int32_t min_connection_timeout_ms = 2000;

quorum_heartbeats quorum_heartbeats_for(const cluster::server_config& s) {
  return {std::chrono::milliseconds(std::max(10, s.controller_quorum_election_timeout_ms / 10)),
          std::chrono::milliseconds(std::max({s.controller_quorum_fetch_timeout_ms, min_connection_timeout_ms,
                                              s.broker_session_timeout_ms}))};
}

namespace {

void stop_control_plane(caf::actor_system& sys, node_handle& node) {
  caf::scoped_actor self{sys};
  for (caf::actor* a : {&node.lifecycle, &node.controller}) {
    if (*a)
      self->send_exit(*a, caf::exit_reason::user_shutdown);
    *a = nullptr;
  }
  if (node.quorum)
    self->send_exit(node.quorum, caf::exit_reason::user_shutdown);
  node.quorum = nullptr;
}

} // namespace

caf::expected<node_handle> start_node(caf::actor_system& sys, const cluster::server_config& cfg, bool listen) {
  node_handle node;
  // The data directory first (lock, metadata.db migrated): the quorum's durable state lives in it.
  auto data = open_node_data(sys, cfg);
  if (!data)
    return data.error();
  std::string incarnation;
  if (cfg.runs_quorum()) {
    std::string err;
    auto storage = open_sqlite_quorum_storage(data_dir(cfg) / "metadata.db", &err);
    if (!storage) {
      stop_partitions(data->topics);
      return make_error(api_errc::storage_error, "quorum: " + err);
    }
    // The control plane: the controller (image subscriber, active controller while leading), the lifecycle
    // (registration, heartbeats), and the quorum whose hooks publish the image to both. A learner runs the
    // same three: its quorum member never leads, so its controller is never active and forwards its node's
    // requests to the active one.
    auto quorum_cell = std::make_shared<quorum_actor>();
    auto ctl = spawn_controller(sys, controller_config_from(cfg), quorum_cell);
    node.controller = caf::actor_cast<caf::actor>(ctl);
    auto life_cfg = lifecycle_config_from(cfg, node.controller);
    life_cfg.incarnation_id = random_incarnation_id();
    life_cfg.lease = data->lease; // renewed by its heartbeats, read by the node's partition leaders
    incarnation = life_cfg.incarnation_id; // the broker waits for an image that holds this registration
    auto life = spawn_broker_lifecycle(sys, std::move(life_cfg));
    node.lifecycle = caf::actor_cast<caf::actor>(life);
    *quorum_cell = spawn_quorum_replica(sys, quorum_config_from(cfg), std::move(storage),
                                        metadata_hooks(cfg.node_id, ctl, {node.lifecycle}));
    node.quorum = *quorum_cell;
    if (cfg.quorum_voter_role())
      spdlog::info("quorum: node {} is a voter of {}", cfg.node_id, cfg.controller_quorum_voters);
    else
      spdlog::info("quorum: node {} is a learner (process.roles=broker): it follows the metadata log of {} without "
                   "voting and never becomes the controller", cfg.node_id, cfg.controller_quorum_voters);
  }
  auto broker = spawn_broker(sys, cfg, std::move(*data), caf::actor_cast<caf::actor>(node.quorum), node.controller,
                             incarnation);
  if (!broker) {
    stop_control_plane(sys, node);
    return broker.error();
  }
  node.broker = *broker;
  if (listen) {
    auto port = publish_native_listener(sys, node.broker, cfg);
    if (!port) {
      caf::anon_send_exit(node.broker, caf::exit_reason::user_shutdown);
      stop_control_plane(sys, node);
      return make_error(api_errc::invalid_config, "cannot listen on samsa.native.listener " + cfg.native_host() + ":"
                                                    + std::to_string(cfg.native_port()) + ": "
                                                    + describe(port.error()));
    }
    node.native_port = *port;
    caf::actor groups;
    {
      caf::scoped_actor self{sys};
      self->request(node.broker, std::chrono::seconds(10), groups_atom::value)
        .receive([&](caf::actor& g) { groups = std::move(g); }, [](caf::error&) {});
    }
    auto kafka_stats = std::make_shared<kafka_metrics>();
    auto kafka = start_kafka_listener(sys, kafka_listener_config{node.broker, cfg, groups, node.controller, kafka_stats,
                                                                 std::make_shared<shared_fetch_sessions>()});
    if (!kafka) {
      sys.middleman().unpublish(node.broker, node.native_port);
      caf::anon_send_exit(node.broker, caf::exit_reason::user_shutdown);
      stop_control_plane(sys, node);
      return make_error(api_errc::invalid_config, "cannot listen on listeners " + cfg.listener_host() + ":"
                                                    + std::to_string(cfg.listener_port()) + ": "
                                                    + sys.render(kafka.error()));
    }
    node.kafka_acceptor = kafka->first;
    node.kafka_port = kafka->second;
    if (cfg.http_enabled()) {
      auto collector = std::make_shared<node_metrics>(sys, node.broker, kafka_stats);
      auto console = std::make_shared<node_console>(sys, node.broker, cfg, caf::actor_cast<caf::actor>(node.quorum),
                                                    node.controller);
      auto http = http_listener::start(
        cfg.http_host(), cfg.http_port(), [collector] { return collector->render(); },
        [console](const std::string& path, const std::multimap<std::string, std::string>& query) {
          return console->handle(path, query);
        });
      if (!http) {
        stop_node(sys, node);
        return http.error();
      }
      node.http = std::move(*http);
      node.http_port = node.http->port();
      console->start_sampler();
      node.console = std::move(console);
    }
  }
  return node;
}

namespace {

// A cluster node first asks the controller to move its partitions away (Kafka's controlled shutdown) and
// stops once that committed, or once its lifecycle gives up (controlled_shutdown_timeout_ms); meanwhile it
// keeps serving, so clients follow the moved leaders instead of meeting a dead one.
void controlled_shutdown(caf::actor_system& sys, const caf::actor& lifecycle) {
  if (!lifecycle)
    return;
  caf::scoped_actor self{sys};
  auto t0 = std::chrono::steady_clock::now();
  self->request(lifecycle, std::chrono::minutes(1), shutdown_atom::value)
    .receive(
      [&](bool confirmed) {
        if (confirmed)
          spdlog::info("node: controlled shutdown done in {} ms",
                       std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
      },
      [&](caf::error& e) { spdlog::warn("node: controlled shutdown failed: {}", sys.render(e)); });
}

} // namespace

void stop_node(caf::actor_system& sys, node_handle& node, stop_mode mode) {
  if (mode == stop_mode::controlled)
    controlled_shutdown(sys, node.lifecycle);
  if (node.http)
    node.http->stop(); // before the broker goes: a scrape in progress still gets its answers or timeouts
  node.http = nullptr;
  if (node.console)
    node.console->stop(); // joins the sampler, which may be waiting on the broker (3 s at most)
  node.console = nullptr;
  if (!node.broker)
    return;
  if (node.native_port != 0)
    sys.middleman().unpublish(node.broker, node.native_port);
  if (node.kafka_acceptor)
    caf::anon_send_exit(node.kafka_acceptor, caf::exit_reason::user_shutdown);
  stop_control_plane(sys, node);
  caf::scoped_actor self{sys};
  self->monitor(node.broker);
  self->send_exit(node.broker, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(std::chrono::seconds(10)) >> [] {});
  node.broker = nullptr;
}

} // namespace samsa::actors
