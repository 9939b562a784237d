// `samsa cluster status`: the controller quorum as one node sees it (its quorum member's status_atom,
// reached through the broker's native API) and the registered brokers of that node's metadata image (its
// controller's status_atom). Text for people, --output json for scripts and experiments (one object: the
// quorum fields, then image_offset, active_controller and brokers).
#include <chrono>
#include <iostream>
#include <sstream>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/cluster_api.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

std::string json_string(const std::string& x) {
  std::string out = "\"";
  for (char c : x) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out + "\"";
}

std::string endpoints_text(const std::vector<broker_endpoint>& eps) {
  std::string s;
  for (const auto& e : eps)
    s += (s.empty() ? "" : " ") + e.name + "://" + e.host + ":" + std::to_string(e.port);
  return s;
}

std::string to_json(const broker_membership& m) {
  std::ostringstream out;
  out << "\"image_offset\":" << m.image_offset << ",\"active_controller\":" << (m.active_controller ? "true" : "false")
      << ",\"brokers\":[";
  for (size_t i = 0; i < m.brokers.size(); ++i) {
    const auto& b = m.brokers[i];
    out << (i ? "," : "") << "{\"id\":" << b.node_id << ",\"incarnation_id\":" << json_string(b.incarnation_id)
        << ",\"broker_epoch\":" << b.broker_epoch << ",\"fenced\":" << (b.fenced ? "true" : "false")
        << ",\"endpoints\":[";
    for (size_t j = 0; j < b.endpoints.size(); ++j)
      out << (j ? "," : "") << "{\"name\":" << json_string(b.endpoints[j].name)
          << ",\"host\":" << json_string(b.endpoints[j].host) << ",\"port\":" << b.endpoints[j].port << "}";
    out << "]}";
  }
  out << "]";
  return out.str();
}

std::string to_json(const quorum_status& s) {
  std::ostringstream out;
  out << "{\"node_id\":" << s.node_id << ",\"role\":\"" << s.role << "\",\"term\":" << s.term
      << ",\"leader\":" << s.leader << ",\"commit_index\":" << s.commit_index << ",\"last_index\":" << s.last_index
      << ",\"last_applied\":" << s.last_applied << ",\"peers\":[";
  for (size_t i = 0; i < s.peers.size(); ++i)
    out << (i ? "," : "") << s.peers[i];
  out << "]";
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
                broker_membership m;
                bool have_members = false;
                self->request(broker, timeout, controller_atom::value)
                  .receive(
                    [&](caf::actor& c) {
                      self->request(caf::actor_cast<controller_actor>(c), timeout, status_atom::value)
                        .receive([&](broker_membership& x) { m = std::move(x), have_members = true; },
                                 [&](caf::error& e) { std::cerr << "error: membership: " << describe(e) << "\n"; });
                    },
                    [&](caf::error& e) { std::cerr << "error: membership: " << describe(e) << "\n"; });
                if (output == "json") {
                  std::cout << to_json(s);
                  if (have_members)
                    std::cout << "," << to_json(m);
                  std::cout << "}\n";
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
                  if (have_members) {
                    std::cout << "brokers: " << m.brokers.size() << " registered in the image at offset "
                              << m.image_offset << (m.active_controller ? " (this node is the active controller)" : "")
                              << "\n";
                    for (const auto& b : m.brokers)
                      std::cout << "  broker " << b.node_id << "  epoch " << b.broker_epoch << "  "
                                << (b.fenced ? "fenced" : "unfenced") << "  " << endpoints_text(b.endpoints) << "\n";
                  }
                }
                rc = have_members ? 0 : 1;
              },
              [&](caf::error& e) { std::cerr << "error: quorum status: " << describe(e) << "\n"; });
        },
        [&](caf::error& e) { std::cerr << "error: " << describe(e) << "\n"; });
    return rc;
  });
}

} // namespace samsa::cli
