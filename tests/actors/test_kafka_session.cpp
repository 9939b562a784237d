// A Kafka connection on CAF's test multiplexer and test coordinator: no socket, virtual time. The session's
// idle timeout (connections.max.idle.ms) reads the actor clock, so advancing virtual time expires it.
#include "actor_fixture.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/test_multiplexer.hpp>

#include "actors/kafka_session.hpp"

using namespace samsa;

namespace {

struct io_test_config : caf::actor_system_config {
  io_test_config() {
    register_samsa_types(*this);
    load<caf::io::middleman>();
    set("scheduler.policy", caf::atom("testing"));
    set("middleman.network-backend", caf::atom("testing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

struct session_fixture {
  std::filesystem::path dir = samsa::testing::fresh_dir("kafka-session");
  io_test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())};
  caf::io::network::test_multiplexer& mpx{
    dynamic_cast<caf::io::network::test_multiplexer&>(sys.middleman().backend())};
  caf::scoped_actor self{sys};
  caf::actor acceptor; // stands in for the listener the session links to
  caf::actor session;
  caf::io::connection_handle hdl = caf::io::connection_handle::from_int(1);

  explicit session_fixture(int64_t max_idle_ms) {
    auto loaded = cluster::load_server_config(
      std::nullopt, {"log.dirs=" + dir.string(), "connections.max.idle.ms=" + std::to_string(max_idle_ms)});
    REQUIRE(loaded.ok());
    actors::kafka_listener_config lc;
    lc.server = loaded.config;
    acceptor = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
    mpx.provide_scribe("localhost", 9092, hdl);
    auto s = sys.middleman().spawn_client(actors::kafka_session, "localhost", 9092, lc, acceptor);
    REQUIRE(s);
    session = *s;
    self->monitor(session);
    run();
  }

  ~session_fixture() {
    self->send_exit(acceptor, caf::exit_reason::user_shutdown);
    if (session)
      self->send_exit(session, caf::exit_reason::user_shutdown);
    run();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // Runs actors and brokers until neither has work left.
  void run() {
    for (;;) {
      auto a = sched.run();
      bool b = false;
      while (mpx.try_exec_runnable())
        b = true;
      if (a == 0 && !b)
        return;
    }
  }

  void advance(int ms) {
    sched.advance_time(std::chrono::milliseconds(ms));
    run();
  }

  // True once the session has ended (its down message waits in the test's mailbox).
  bool session_ended() { return self->mailbox().size() > 0; }
};

} // namespace

TEST_CASE("an idle Kafka connection is closed after connections.max.idle.ms of virtual time, not before") {
  session_fixture fx{5000};
  fx.advance(4900);
  CHECK_FALSE(fx.session_ended());
  fx.advance(200);
  CHECK(fx.session_ended());
}

TEST_CASE("bytes from the client restart the Kafka connection's idle period") {
  session_fixture fx{5000};
  fx.advance(3000);
  // Two bytes of a size prefix: activity, but no complete request for the handler.
  fx.mpx.virtual_send(fx.hdl, caf::io::network::test_multiplexer::buffer_type{0, 0});
  fx.run();
  fx.advance(4000); // 7 s since the start, 4 s since the last bytes
  CHECK_FALSE(fx.session_ended());
  fx.advance(1200); // 5.2 s since the last bytes
  CHECK(fx.session_ended());
}
