// `samsa broker`: runs one node until SIGINT, SIGTERM or SIGHUP, then shuts down cleanly (logs flushed,
// clean shutdown markers written, so the next start skips recovery). SIGHUP is a stop signal as for Kafka's
// JVM (a closed terminal must not leave an unclean log behind); samsa logs to stderr, so there is no log
// file to reopen.
#include <csignal>
#include <iostream>

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>
#include <caf/actor_system_config.hpp>

#include "actors/connection_limits.hpp"
#include "actors/node.hpp"
#include "cluster/server_config.hpp"
#include "messages/logging.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

int run_broker(const args& a) {
  auto loaded = cluster::load_server_config(a.get("--config"), a.all("--set"));
  if (!loaded.ok()) {
    for (auto& e : loaded.errors)
      std::cerr << "error: " << e << "\n";
    std::cerr << "samsa broker: refusing to start with an invalid configuration\n";
    return exit_usage;
  }
  auto& cfg = loaded.config;
  configure_logging(cfg.log_level);
  actors::raise_open_files_limit(); // connections and log segments each hold descriptors
  // Block the stop signals before CAF starts its threads, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  actors::node_system_config sys_cfg{cfg};
  caf::actor_system sys{sys_cfg};
  auto node = actors::start_node(sys, cfg);
  if (!node) {
    spdlog::error("refusing to start: {}", describe(node.error()));
    std::cerr << "error: " << describe(node.error()) << "\n";
    return exit_failed;
  }
  std::string http = node->http_port != 0
                       ? cfg.http_host() + ":" + std::to_string(node->http_port) + "/metrics (samsa.http.listener)"
                       : std::string("off (samsa.http.listener is empty)");
  spdlog::info("node.id={} serving: Kafka on {}:{}, native API on {}:{}, metrics {}", cfg.node_id,
               cfg.listener_host(), node->kafka_port, cfg.native_host(), node->native_port, http);
  std::cout << "samsa broker node.id=" << cfg.node_id << " started\n"
            << "  data directory : " << cfg.log_dirs << "\n"
            << "  native CAF API : " << cfg.native_host() << ":" << node->native_port << " (samsa.native.listener)\n"
            << "  Kafka listener : " << cfg.listener_host() << ":" << node->kafka_port << " (listeners; advertised as "
            << cfg.advertised_host() << ":" << cfg.advertised_port() << ")\n"
            << "  HTTP metrics   : " << http << "\n";
  if (node->http_port != 0)
    std::cout << "  web console    : http://" << cfg.http_host() << ":" << node->http_port << "/ (read-only)\n";
  std::cout << "stop with Ctrl-C or SIGTERM" << std::endl;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("{} received: shutting down cleanly", sig == SIGHUP ? "SIGHUP" : sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::cout << "samsa broker: signal " << sig << ", shutting down" << std::endl;
  actors::stop_node(sys, *node);
  spdlog::info("stopped cleanly");
  return exit_ok;
}

} // namespace

command_group broker_command() {
  command_spec c;
  c.summary = "start a node in the foreground, until Ctrl-C or SIGTERM";
  c.options = {
    {"--config", "FILE", "a server.properties file (default: the embedded config/server.properties)"},
    {"--set", "key=value", "a setting over the file's (repeatable), e.g. --set log.dirs=/var/lib/samsa"},
  };
  c.examples = {"samsa broker", "samsa broker --config node1.properties --set log.level=debug"};
  c.details = "Without options: data in ./data, Kafka on 127.0.0.1:9092, native API on 127.0.0.1:19092, metrics on\n"
              "127.0.0.1:9644. An invalid configuration is refused before anything starts (exit 2); a node that cannot start\n"
              "(data directory locked, port taken) exits 1.";
  c.run = run_broker;
  return single_command("broker", std::move(c));
}

} // namespace samsa::cli
