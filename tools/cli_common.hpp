#pragma once
// Shared pieces of the `samsa` command: a small argument parser and the connection to a broker's native
// API (CAF middleman, samsa.native.listener).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/native_api.hpp"

namespace samsa::cli {

// Parsed command line: positional arguments and --options (repeatable; flags map to "").
struct args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;
  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::optional<std::string> get(const std::string& k) const;
  std::vector<std::string> all(const std::string& k) const;
};

// flags: options that take no value. Returns nullopt (after printing why) on an unknown option.
std::optional<args> parse_args(const std::vector<std::string>& argv, const std::vector<std::string>& with_value,
                               const std::vector<std::string>& flags);

std::optional<long long> to_int(const std::string& s);

// Reads the integer option `name` if present into `out`. Returns false (after printing why) when it is not
// a number or below `min`.
bool int_option(const args& a, const std::string& name, long long min, std::optional<long long>& out);

constexpr const char* default_native_broker = "127.0.0.1:19092";

// Why the CLI could not reach a broker, as a sentence with the next step: nothing listening, a Kafka
// listener instead of the native one (probed with an ApiVersions request), or a silent peer (TLS?).
std::string explain_connect_failure(const caf::error& e, const std::string& host, uint16_t port, bool tls);

// A client-side actor system able to talk to a broker.
struct client_config : caf::actor_system_config {
  client_config();
};

// Resolves --broker (default 127.0.0.1:19092) to the broker's typed handle; prints and returns nullopt on failure.
std::optional<broker_actor> connect(caf::actor_system& sys, const args& a);

// Connects to the broker named by --broker (a client actor system of its own) and runs `body` with a scoped
// actor and the broker's handle; returns body's exit code, or 1 when the broker cannot be reached.
int with_broker(const args& a, const std::function<int(caf::scoped_actor&, const broker_actor&)>& body);

int cmd_broker(const std::vector<std::string>& argv);
int cmd_topics(const std::vector<std::string>& argv);
int cmd_produce(const std::vector<std::string>& argv);
int cmd_consume(const std::vector<std::string>& argv);
int cmd_groups(const std::vector<std::string>& argv);
int cmd_cluster(const std::vector<std::string>& argv);

} // namespace samsa::cli
