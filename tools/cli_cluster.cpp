// `samsa cluster status`: the controller quorum as one node sees it (its quorum member's status_atom,
// reached through the broker's native API). Text for people, --output json for scripts and experiments.
#include <chrono>
#include <iostream>
#include <sstream>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/cluster_api.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

std::string to_json(const quorum_status& s) {
  std::ostringstream out;
  out << "{\"node_id\":" << s.node_id << ",\"role\":\"" << s.role << "\",\"term\":" << s.term
      << ",\"leader\":" << s.leader << ",\"commit_index\":" << s.commit_index << ",\"last_index\":" << s.last_index
      << ",\"last_applied\":" << s.last_applied << ",\"peers\":[";
  for (size_t i = 0; i < s.peers.size(); ++i)
    out << (i ? "," : "") << s.peers[i];
  out << "]}";
  return out.str();
}

} // namespace

int cmd_cluster(const std::vector<std::string>& argv) {
  auto a = parse_args(argv, {"--broker", "--output"}, {});
  if (!a)
    return 2;
  if (a->positional.size() != 1 || a->positional[0] != "status") {
    std::cerr << "usage: samsa cluster status [--broker HOST:PORT] [--output text|json]\n";
    return 2;
  }
  auto output = a->get("--output").value_or("text");
  if (output != "text" && output != "json") {
    std::cerr << "error: --output must be text or json\n";
    return 2;
  }
  return with_broker(*a, [&](caf::scoped_actor& self, const broker_actor& broker) {
    constexpr auto timeout = std::chrono::seconds(10);
    int rc = 1;
    self->request(broker, timeout, quorum_atom::value)
      .receive(
        [&](caf::actor& q) {
          self->request(caf::actor_cast<quorum_actor>(q), timeout, status_atom::value)
            .receive(
              [&](quorum_status& s) {
                if (output == "json") {
                  std::cout << to_json(s) << "\n";
                } else {
                  if (s.role == "leader")
                    std::cout << "quorum: node " << s.node_id << " is leader in term " << s.term << "\n";
                  else if (s.leader >= 0)
                    std::cout << "quorum: node " << s.node_id << " follows leader " << s.leader << " in term "
                              << s.term << "\n";
                  else
                    std::cout << "quorum: node " << s.node_id << " is " << s.role << " in term " << s.term
                              << ", no leader known\n";
                  std::cout << "  commit index " << s.commit_index << ", last index " << s.last_index
                            << ", last applied " << s.last_applied << ", reaches " << s.peers.size()
                            << " peer(s)\n";
                }
                rc = 0;
              },
              [&](caf::error& e) { std::cerr << "error: quorum status: " << describe(e) << "\n"; });
        },
        [&](caf::error& e) { std::cerr << "error: " << describe(e) << "\n"; });
    return rc;
  });
}

} // namespace samsa::cli
