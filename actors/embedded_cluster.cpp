#include "actors/embedded_cluster.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/native_errors.hpp"

namespace samsa::actors {

namespace {
constexpr auto ask_timeout = std::chrono::seconds(2);
} // namespace

uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0)
    port = ntohs(sa.sin_port);
  if (fd >= 0)
    ::close(fd);
  return port;
}

embedded_cluster::embedded_cluster(options o)
  : o_(std::move(o)), links_(std::make_shared<link_faults>()), nodes_(static_cast<size_t>(o_.nodes)) {
  std::string voters;
  for (int32_t i = 1; i <= size(); ++i) {
    auto& n = at(i);
    n.native_port = free_loopback_port();
    n.kafka_port = free_loopback_port(); // fixed ports, not 0: a node advertises the configured ones
    voters += (i > 1 ? "," : "") + std::to_string(i) + "@127.0.0.1:" + std::to_string(n.native_port);
    links_->add_node(i, n.native_port);
  }
  for (int32_t i = 1; i <= size(); ++i) {
    auto& n = at(i);
    n.config = o_.node_config;
    n.config["node.id"] = std::to_string(i);
    n.config["log.dirs"] = (std::filesystem::path{o_.data_dir} / ("node" + std::to_string(i))).string();
    n.config["samsa.native.listener"] = "127.0.0.1:" + std::to_string(n.native_port);
    n.config["listeners"] = "PLAINTEXT://127.0.0.1:" + std::to_string(n.kafka_port);
    n.config["controller.quorum.voters"] = voters;
    n.config["samsa.http.listener"] = "";
  }
}

embedded_cluster::~embedded_cluster() {
  for (int32_t i = size(); i >= 1; --i)
    if (running(i))
      crash(i);
}

embedded_cluster::node& embedded_cluster::at(int32_t id) { return nodes_.at(static_cast<size_t>(id - 1)); }

bool embedded_cluster::running(int32_t id) const {
  return id >= 1 && id <= size() && nodes_[static_cast<size_t>(id - 1)].handle.has_value();
}

uint16_t embedded_cluster::native_port(int32_t id) const { return nodes_.at(static_cast<size_t>(id - 1)).native_port; }

uint16_t embedded_cluster::kafka_port(int32_t id) const { return nodes_.at(static_cast<size_t>(id - 1)).kafka_port; }

bool embedded_cluster::start_node(int32_t id, std::string& why) {
  auto& n = at(id);
  if (n.handle)
    return true;
  std::vector<std::string> overrides;
  for (const auto& [k, v] : n.config)
    overrides.push_back(k + "=" + v);
  auto loaded = cluster::load_server_config(std::nullopt, overrides);
  if (!loaded.ok()) {
    why = "node " + std::to_string(id) + ": " + (loaded.errors.empty() ? "bad configuration" : loaded.errors.front());
    return false;
  }
  links_->revive(id);
  n.system_config = std::make_unique<node_system_config>(loaded.config);
  n.system_config->link_hook = link_fault_hook{links_, id};
  n.system = std::make_unique<caf::actor_system>(*n.system_config);
  auto h = actors::start_node(*n.system, loaded.config);
  if (!h) {
    why = "node " + std::to_string(id) + " did not start: " + samsa::describe(h.error());
    links_->retire(id);
    n.system.reset();
    n.system_config.reset();
    return false;
  }
  n.handle = std::move(*h);
  return true;
}

void embedded_cluster::shut(int32_t id, stop_mode mode) {
  auto& n = at(id);
  if (!n.handle)
    return;
  // A crash ends every connection of the node at once, before its actors notice anything: the links to the
  // other nodes are cut (no reconnection while it goes down), the clients' connections shut down.
  if (mode == stop_mode::abrupt) {
    for (int32_t j = 1; j <= size(); ++j)
      if (j != id) {
        links_->cut(id, j);
        links_->cut(j, id);
      }
    links_->sever(id);
  }
  stop_node(*n.system, *n.handle, mode);
  n.handle.reset();
  links_->retire(id); // nothing may be posted to the multiplexer of a system being destroyed
  n.system.reset();   // waits for the node's actors; closes its sockets and listeners
  n.system_config.reset();
  if (mode == stop_mode::abrupt)
    for (int32_t j = 1; j <= size(); ++j)
      if (j != id) {
        links_->heal(id, j);
        links_->heal(j, id);
      }
}

void embedded_cluster::crash(int32_t id) { shut(id, stop_mode::abrupt); }

void embedded_cluster::stop(int32_t id) { shut(id, stop_mode::controlled); }

std::optional<quorum_status> embedded_cluster::quorum(int32_t id) {
  if (!running(id) || !at(id).handle->quorum)
    return std::nullopt;
  auto& n = at(id);
  std::optional<quorum_status> out;
  caf::scoped_actor self{*n.system};
  self->request(n.handle->quorum, ask_timeout, status_atom::value)
    .receive([&](quorum_status& s) { out = std::move(s); }, [](caf::error&) {});
  return out;
}

std::optional<broker_membership> embedded_cluster::members(int32_t id) {
  if (!running(id) || !at(id).handle->controller)
    return std::nullopt;
  auto& n = at(id);
  std::optional<broker_membership> out;
  caf::scoped_actor self{*n.system};
  self->request(caf::actor_cast<controller_actor>(n.handle->controller), ask_timeout, status_atom::value)
    .receive([&](broker_membership& m) { out = std::move(m); }, [](caf::error&) {});
  return out;
}

std::optional<topic_description> embedded_cluster::describe(const std::string& topic) {
  for (int32_t i = 1; i <= size(); ++i) {
    if (!running(i))
      continue;
    auto& n = at(i);
    std::optional<topic_description> out;
    caf::scoped_actor self{*n.system};
    self->request(n.handle->broker, ask_timeout, describe_atom::value, std::vector<std::string>{topic})
      .receive(
        [&](std::vector<topic_description>& v) {
          if (!v.empty())
            out = std::move(v.front());
        },
        [](caf::error&) {});
    if (out)
      return out;
  }
  return std::nullopt;
}

bool embedded_cluster::create_topic(const topic_spec& spec, std::string& why) {
  for (int32_t i = 1; i <= size(); ++i) {
    if (!running(i))
      continue;
    auto& n = at(i);
    bool created = false;
    caf::scoped_actor self{*n.system};
    self->request(n.handle->broker, std::chrono::seconds(10), create_atom::value, spec)
      .receive([&](topic_description&) { created = true; }, [&](caf::error& e) { why = samsa::describe(e); });
    return created;
  }
  why = "no node runs";
  return false;
}

bool embedded_cluster::healthy() {
  int32_t leader = -1;
  for (int32_t i = 1; i <= size(); ++i) {
    auto q = quorum(i);
    auto m = members(i);
    if (!q || !m || q->leader < 0 || (leader >= 0 && q->leader != leader))
      return false;
    leader = q->leader;
    size_t unfenced = 0;
    for (const auto& b : m->brokers)
      unfenced += b.fenced ? 0 : 1;
    if (unfenced != static_cast<size_t>(size()) || m->under_replicated != 0 || m->offline != 0)
      return false;
  }
  return true;
}

} // namespace samsa::actors
