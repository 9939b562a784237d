// `samsa cluster status`: the controller quorum as one node sees it (its quorum member's status_atom,
// reached through the broker's native API) and the registered brokers of that node's metadata image (its
// controller's status_atom). Text for people, --output json for scripts and experiments (one object: the
// quorum fields, then image_offset, active_controller and brokers). `samsa cluster start` is dispatched
// from here and lives in cli_cluster_start.cpp.
#include <chrono>
#include <iostream>
#include <sstream>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/cluster_api.hpp"
#include "tools/cli_cluster.hpp"
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
      << ",\"partitions\":" << m.partitions << ",\"under_replicated_partitions\":" << m.under_replicated
      << ",\"offline_partitions\":" << m.offline << ",\"brokers\":[";
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
      << ",\"last_applied\":" << s.last_applied << ",\"snapshot_index\":" << s.snapshot_index
      << ",\"snapshots_taken\":" << s.snapshots_taken << ",\"snapshots_installed\":" << s.snapshots_installed
      << ",\"voter\":" << (s.voter ? "true" : "false") << ",\"peers\":[";
  for (size_t i = 0; i < s.peers.size(); ++i)
    out << (i ? "," : "") << s.peers[i];
  out << "],\"learners\":[";
  for (size_t i = 0; i < s.learners.size(); ++i)
    out << (i ? "," : "") << s.learners[i];
  out << "]";
  return out.str();
}

} // namespace

namespace {

// Asks the broker for one of its node's actors (quorum_atom, controller_atom), then that actor for its
// status; on failure `error` says which step did not answer.
template <class Handle, class Atom, class Result>
void ask_status(caf::scoped_actor& self, const broker_actor& broker, Atom atom, std::chrono::milliseconds timeout,
                std::optional<Result>& out, std::string& error, const char* what) {
  auto failed = [&](caf::error& e) { error = std::string{what} + ": " + describe(e); };
  self->request(broker, timeout, atom)
    .receive(
      [&](caf::actor& a) {
        self->request(caf::actor_cast<Handle>(a), timeout, status_atom::value)
          .receive([&](Result& r) { out = std::move(r); }, failed);
      },
      failed);
}

} // namespace

cluster_view fetch_cluster_view(caf::scoped_actor& self, const broker_actor& broker, std::chrono::milliseconds timeout) {
  cluster_view v;
  ask_status<quorum_actor>(self, broker, quorum_atom::value, timeout, v.quorum, v.error, "quorum status");
  if (v.quorum)
    ask_status<controller_actor>(self, broker, controller_atom::value, timeout, v.members, v.error, "membership");
  return v;
}

namespace {

int cluster_status(const args& a) {
  auto format = output_format(a);
  if (!format)
    return exit_usage;
  const auto& output = *format;
  return with_broker(a, [&](caf::scoped_actor& self, const broker_actor& broker) {
    auto v = fetch_cluster_view(self, broker, std::chrono::seconds(10));
    if (!v.quorum) {
      std::cerr << "error: " << v.error << "\n";
      return 1;
    }
    const auto& s = *v.quorum;
    if (!v.members)
      std::cerr << "error: " << v.error << "\n";
    if (output == "json") {
      std::cout << to_json(s);
      if (v.members)
        std::cout << "," << to_json(*v.members);
      std::cout << "}\n";
    } else {
      auto who = "quorum: node " + std::to_string(s.node_id) + (s.voter ? " (voter)" : " (learner)");
      if (s.role == "leader")
        std::cout << who << " is leader in term " << s.term << "\n";
      else if (s.leader >= 0)
        std::cout << who << " follows leader " << s.leader << " in term " << s.term << "\n";
      else
        std::cout << who << " is " << s.role << " in term " << s.term << ", no leader known\n";
      std::cout << "  commit index " << s.commit_index << ", last index " << s.last_index << ", last applied "
                << s.last_applied << ", reaches " << s.peers.size() << " peer(s)";
      if (!s.learners.empty()) {
        std::cout << ", learners";
        for (auto l : s.learners)
          std::cout << " " << l;
      }
      std::cout << "\n";
      std::cout << "  snapshot index " << s.snapshot_index << " (log entries up to it compacted), snapshots taken "
                << s.snapshots_taken << ", installed from the leader " << s.snapshots_installed << " (this process)\n";
      if (v.members) {
        const auto& m = *v.members;
        std::cout << "brokers: " << m.brokers.size() << " registered in the image at offset " << m.image_offset
                  << (m.active_controller ? " (this node is the active controller)" : "") << "\n";
        for (const auto& b : m.brokers)
          std::cout << "  broker " << b.node_id << "  epoch " << b.broker_epoch << "  "
                    << (b.fenced ? "fenced" : "unfenced") << "  " << endpoints_text(b.endpoints) << "\n";
        std::cout << "partitions: " << m.partitions << ", under-replicated " << m.under_replicated << ", offline "
                  << m.offline << "\n";
      }
    }
    return v.members ? exit_ok : exit_failed;
  });
}

} // namespace

command_group cluster_commands() {
  command_spec status{"status", "", 0, 0, "the controller quorum and registered brokers as one node sees them"};
  status.options = {
    output_option("one object"),
    broker_option(),
  };
  status.examples = {"samsa cluster status --broker 127.0.0.1:19093 --output json"};
  status.details = "JSON: the quorum fields (node_id, role, term, leader, commit_index, last_index, last_applied,\n"
                   "snapshot_index, snapshots_taken, snapshots_installed, voter (false: a learner, process.roles=broker),\n"
                   "peers, learners), then image_offset,\n"
                   "active_controller, partitions, under_replicated_partitions, offline_partitions and brokers.";
  status.run = cluster_status;
  return {"cluster", "Inspect a cluster, or run a local one.", {status, cluster_start_command()}};
}

} // namespace samsa::cli
