#pragma once
// Shared pieces of the `samsa` command: the commands' tables (cli_options.hpp) and the connection to a
// broker's native API (CAF middleman, samsa.native.listener).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/native_api.hpp"
#include "tools/cli_options.hpp"

namespace samsa::cli {

std::optional<long long> to_int(const std::string& s);

// How long a client command waits for one answer of the broker.
constexpr auto request_timeout = std::chrono::seconds(60);

// "error: WHAT: WHY" on stderr.
void print_error(const std::string& what, const caf::error& e);

// "1,2,3"
std::string join_ids(const std::vector<int32_t>& xs);

// Reads the integer option `name` if present into `out`. Returns false (after printing why) when it is not
// a number or below `min`.
bool int_option(const args& a, const std::string& name, long long min, std::optional<long long>& out);

constexpr const char* default_native_broker = "127.0.0.1:19092";

// --broker HOST:PORT, an option of every client command.
option_spec broker_option();

// --output text|json (`what_json` says what the JSON is), and its value: "text" by default; nullopt (after
// printing why) for anything else.
option_spec output_option(const std::string& what_json);
std::optional<std::string> output_format(const args& a);

// Why the CLI could not reach a broker, as a sentence with the next step: nothing listening, a Kafka
// listener instead of the native one (probed with an ApiVersions request), or a silent peer (TLS?).
std::string explain_connect_failure(const caf::error& e, const std::string& host, uint16_t port, bool tls);

// A client-side actor system able to talk to a broker.
struct client_config : caf::actor_system_config {
  client_config();
};

// The broker --broker names (default 127.0.0.1:19092), as given.
std::string broker_address(const args& a);

// Resolves --broker to the broker's typed handle, or says why it cannot (a sentence with the next step).
std::variant<broker_actor, std::string> try_connect(caf::actor_system& sys, const args& a);

// try_connect that prints "error: WHY" and returns nullopt on failure.
std::optional<broker_actor> connect(caf::actor_system& sys, const args& a);

// Connects to the broker named by --broker (a client actor system of its own) and runs `body` with a scoped
// actor and the broker's handle; returns body's exit code, or 1 when the broker cannot be reached.
int with_broker(const args& a, const std::function<int(caf::scoped_actor&, const broker_actor&)>& body);

// A command's `run` that calls `body` through with_broker.
using broker_body = std::function<int(caf::scoped_actor&, const broker_actor&, const args&)>;
std::function<int(const args&)> on_broker(broker_body body);

// The commands, each with its option table next to the code that reads it; listed by samsa_commands().
command_group broker_command();
command_group topics_commands();
// `topics reassign` and `topics reassignments` (cli_reassign.cpp), listed by topics_commands().
std::vector<command_spec> reassign_commands();
// `topics delete-records` (cli_delete_records.cpp), listed by topics_commands().
std::vector<command_spec> delete_records_commands();
// `topics alter` and `topics describe --all-configs` (cli_topics_alter.cpp).
std::vector<command_spec> alter_commands();
int topics_describe_configs(caf::scoped_actor& self, const broker_actor& b, const std::vector<std::string>& topics);
command_group produce_command();
command_group consume_command();
command_group groups_commands();
// `groups reset-offsets` (cli_groups_reset.cpp), listed by groups_commands().
command_spec reset_offsets_command();
command_group cluster_commands();
command_group experiment_commands();

// Every command, in the order `samsa --help` lists them (cli_commands.cpp).
const std::vector<command_group>& samsa_commands();

// What `samsa --version` prints: samsa's version (CMake project version), the git commit it was configured
// at ("unknown" outside a git checkout) and CAF's version.
std::string version_text();

} // namespace samsa::cli
