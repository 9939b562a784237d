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

int cmd_broker(const std::vector<std::string>& argv) {
  auto a = parse_args(argv, {"--config", "--set"}, {});
  if (!a)
    return 2;
  if (!a->positional.empty()) {
    std::cerr << "error: unexpected argument '" << a->positional.front() << "'\n";
    return 2;
  }
  auto loaded = cluster::load_server_config(a->get("--config"), a->all("--set"));
  if (!loaded.ok()) {
    for (auto& e : loaded.errors)
      std::cerr << "error: " << e << "\n";
    std::cerr << "samsa broker: refusing to start with an invalid configuration\n";
    return 2;
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
    return 1;
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
            << "  HTTP metrics   : " << http << "\n"
            << "stop with Ctrl-C or SIGTERM" << std::endl;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("{} received: shutting down cleanly", sig == SIGHUP ? "SIGHUP" : sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::cout << "samsa broker: signal " << sig << ", shutting down" << std::endl;
  actors::stop_node(sys, *node);
  spdlog::info("stopped cleanly");
  return 0;
}

} // namespace samsa::cli
