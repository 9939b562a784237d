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

namespace samsa::test {

// Sends a request from `self` to `to`, runs the test coordinator until idle and returns the reply, the
// error, or request_timeout when nothing answered. Shared by every fixture on the test coordinator.
template <class T, class Handle, class... Ts>
caf::expected<T> request_and_run(caf::scoped_actor& self, caf::scheduler::test_coordinator& sched, const Handle& to,
                                 Ts&&... xs) {
  auto handle = self->request(to, caf::infinite, std::forward<Ts>(xs)...);
  sched.run();
  caf::expected<T> result{caf::sec::request_timeout};
  handle.receive([&](T& x) { result = std::move(x); }, [&](caf::error& e) { result = std::move(e); });
  return result;
}

} // namespace samsa::test

namespace samsa::testing {

struct test_system_config : caf::actor_system_config {
  test_system_config() {
    register_samsa_types(*this);
    set("scheduler.policy", caf::atom("testing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

// Virtual time on the test coordinator in fixed steps: every step fires the due timers and runs every
// actor until idle (the quorum and membership tests).
struct virtual_clock {
  caf::scheduler::test_coordinator& sched;
  int64_t step_ms;
  int64_t elapsed_ms = 0; // advanced so far

  void advance(int64_t ms) {
    for (int64_t t = 0; t < ms; t += step_ms) {
      sched.advance_time(std::chrono::milliseconds(step_ms));
      sched.run();
      elapsed_ms += step_ms;
    }
  }

  // Advances until pred() holds; returns the virtual time it took, or -1 after max_ms.
  template <class Pred>
  int64_t run_until(Pred pred, int64_t max_ms) {
    int64_t start = elapsed_ms;
    while (!pred()) {
      if (elapsed_ms - start > max_ms)
        return -1;
      advance(step_ms);
    }
    return elapsed_ms - start;
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
    return samsa::test::request_and_run<T>(self, sched, broker, std::forward<Ts>(xs)...);
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
