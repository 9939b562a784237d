#pragma once
// Deterministic actor-test fixture: an actor_system on CAF's test coordinator (no worker threads, virtual
// time), a broker on a fresh data directory, and helpers that send a request, run the scheduler until idle
// and return the reply.
#include <chrono>
#include <filesystem>
#include <optional>
#include <random>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>

#include <doctest/doctest.h>

#include "actors/broker.hpp"
#include "messages/native_api.hpp"
#include "messages/type_registry.hpp"

namespace samsa::testing {

struct test_system_config : caf::actor_system_config {
  test_system_config() {
    register_samsa_types(*this);
    set("scheduler.policy", caf::atom("testing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

inline std::filesystem::path fresh_dir(const std::string& tag) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("samsa-test-" + tag + "-" + std::to_string(rd()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct broker_fixture {
  std::filesystem::path dir;
  test_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  cluster::server_config server;
  broker_actor broker;

  explicit broker_fixture(std::vector<std::string> sets = {})
    : dir(fresh_dir("actors")),
      sys(cfg),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
      self(sys) {
    sets.push_back("log.dirs=" + dir.string());
    auto loaded = cluster::load_server_config(std::nullopt, sets);
    REQUIRE(loaded.ok());
    server = loaded.config;
    start();
  }

  void start() {
    auto b = actors::spawn_broker(sys, server);
    REQUIRE(b);
    broker = *b;
    sched.run();
  }

  void stop() {
    self->send_exit(broker, caf::exit_reason::user_shutdown);
    broker = nullptr;
    sched.run();
  }

  ~broker_fixture() {
    if (broker)
      stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // Sends a request to the broker, runs every actor until idle, returns the reply (or the error).
  template <class T, class... Ts>
  caf::expected<T> ask(Ts&&... xs) {
    auto handle = self->request(broker, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    caf::expected<T> result{caf::sec::request_timeout};
    handle.receive([&](T& x) { result = std::move(x); }, [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  // True when a reply is waiting in the test's mailbox (used to check that a long poll is parked).
  bool has_reply() { return self->mailbox().size() > 0; }
};

inline record make_record(std::optional<std::string> key, std::string value) {
  record r;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

} // namespace samsa::testing
