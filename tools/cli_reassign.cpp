// `samsa topics reassign` and `samsa topics reassignments`: partition reassignment through a cluster node's
// native API (the broker hands the request to its controller, which forwards it to the active one; rules in
// cluster/controller/reassignment.hpp).
#include <chrono>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = request_timeout;

// "2,3,4" -> {2, 3, 4}; nullopt (after printing why) for anything else.
std::optional<std::vector<int32_t>> parse_ids(const std::string& text) {
  std::vector<int32_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto v = to_int(part);
    if (!v || *v < 0 || *v > INT32_MAX) {
      std::cerr << "error: --replicas needs broker ids separated by commas (e.g. 2,3,4), got '" << text << "'\n";
      return std::nullopt;
    }
    out.push_back(static_cast<int32_t>(*v));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

int topics_reassign(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  partition_reassignment r;
  r.topic = a.positional[0];
  std::optional<long long> partition;
  if (!int_option(a, "--partition", 0, partition))
    return exit_usage;
  if (!partition) {
    std::cerr << "error: --partition P is required\n";
    return exit_usage;
  }
  r.partition = static_cast<int32_t>(*partition);
  r.cancel = a.has("--cancel");
  auto replicas = a.get("--replicas");
  if (r.cancel == replicas.has_value()) {
    std::cerr << "error: give either --replicas IDS or --cancel\n";
    return exit_usage;
  }
  if (replicas) {
    auto ids = parse_ids(*replicas);
    if (!ids)
      return exit_usage;
    r.replicas = std::move(*ids);
  }
  auto name = r.topic + "-" + std::to_string(r.partition);
  int rc = exit_ok;
  self->request(b, timeout, reassign_atom::value, std::vector<partition_reassignment>{r})
    .receive(
      [&](const std::vector<reassignment_outcome>& out) {
        if (out.size() != 1 || out[0].error != 0) {
          std::cerr << "error: cannot " << (r.cancel ? "cancel the reassignment of " : "reassign ") << name << ": "
                    << (out.empty() ? "no answer" : to_string(static_cast<api_errc>(out[0].error)) + std::string(": ") + out[0].message)
                    << "\n";
          rc = exit_failed;
          return;
        }
        if (r.cancel)
          std::cout << "Cancelled the reassignment of " << name << ".\n";
        else
          std::cout << "Reassigning " << name << " to replicas " << join_ids(r.replicas)
                    << " (follow it with `samsa topics reassignments`).\n";
      },
      [&](const caf::error& e) {
        std::cerr << "error: cannot reassign " << name << ": " << describe(e) << "\n";
        rc = exit_failed;
      });
  return rc;
}

int topics_reassignments(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  int rc = exit_ok;
  self->request(b, timeout, reassign_atom::value, list_atom::value, a.positional)
    .receive(
      [&](const std::vector<reassignment_info>& moving) {
        for (const auto& m : moving)
          std::cout << "Topic: " << m.topic << "\tPartition: " << m.partition << "\tReplicas: " << join_ids(m.replicas)
                    << "\tAdding: " << join_ids(m.adding) << "\tRemoving: " << join_ids(m.removing) << "\n";
      },
      [&](const caf::error& e) {
        std::cerr << "error: cannot list reassignments: " << describe(e) << "\n";
        rc = exit_failed;
      });
  return rc;
}

} // namespace

std::vector<command_spec> reassign_commands() {
  command_spec reassign{"reassign", "TOPIC", 1, 1, "move a partition's replicas to other brokers (a cluster)"};
  reassign.options = {
    {"--partition", "P", "the partition to move"},
    {"--replicas", "IDS", "the target broker ids, comma separated, the preferred leader first"},
    {"--cancel", "", "revert the reassignment in progress instead"},
    broker_option(),
  };
  reassign.examples = {"samsa topics reassign orders --partition 0 --replicas 2,3,4",
                       "samsa topics reassign orders --partition 0 --cancel"};
  reassign.details = "The new replicas are created on their brokers and catch up as followers; once every target "
                     "replica is in sync the partition switches to the target (a removed leader hands over) and "
                     "the removed brokers delete their copy. Answers once the controller committed the start.";
  reassign.run = on_broker(topics_reassign);
  command_spec list{"reassignments", "[TOPIC ...]", 0, any_number,
                    "the reassignments in progress (of every topic without TOPIC)"};
  list.options = {broker_option()};
  list.examples = {"samsa topics reassignments orders"};
  list.run = on_broker(topics_reassignments);
  return {reassign, list};
}

} // namespace samsa::cli
