#include "actors/node.hpp"

#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/broker.hpp"
#include "actors/kafka_session.hpp"
#include "actors/native_transport.hpp"
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
}

caf::expected<node_handle> start_node(caf::actor_system& sys, const cluster::server_config& cfg, bool listen) {
  auto broker = spawn_broker(sys, cfg);
  if (!broker)
    return broker.error();
  node_handle node;
  node.broker = *broker;
  if (listen) {
    auto port = publish_native_listener(sys, node.broker, cfg);
    if (!port) {
      caf::anon_send_exit(node.broker, caf::exit_reason::user_shutdown);
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
    auto kafka = start_kafka_listener(sys, kafka_listener_config{node.broker, cfg, groups});
    if (!kafka) {
      sys.middleman().unpublish(node.broker, node.native_port);
      caf::anon_send_exit(node.broker, caf::exit_reason::user_shutdown);
      return make_error(api_errc::invalid_config, "cannot listen on listeners " + cfg.listener_host() + ":"
                                                    + std::to_string(cfg.listener_port()) + ": "
                                                    + sys.render(kafka.error()));
    }
    node.kafka_acceptor = kafka->first;
    node.kafka_port = kafka->second;
  }
  return node;
}

void stop_node(caf::actor_system& sys, node_handle& node) {
  if (!node.broker)
    return;
  if (node.native_port != 0)
    sys.middleman().unpublish(node.broker, node.native_port);
  if (node.kafka_acceptor)
    caf::anon_send_exit(node.kafka_acceptor, caf::exit_reason::user_shutdown);
  caf::scoped_actor self{sys};
  self->monitor(node.broker);
  self->send_exit(node.broker, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(std::chrono::seconds(10)) >> [] {});
  node.broker = nullptr;
}

} // namespace samsa::actors
