// Consumer groups from a CAF application: two native group consumers share a 4-partition topic of an
// embedded samsa node, each handing its records to a sink actor of the application. Run:
//   ./build/examples/example_native_group_consumer [DATA_DIR]
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/group_consumer.hpp"
#include "actors/node.hpp"

namespace {


// The application's side: count what arrives and answer `true` (the consumer's flow control).
caf::behavior counting_sink(caf::event_based_actor* self, std::string name, std::shared_ptr<std::atomic<int>> total) {
  return {
    [=](samsa::actors::records_atom, const std::string& topic, int32_t partition,
        const std::vector<samsa::record>& recs) {
      *total += static_cast<int>(recs.size());
      return true;
    },
    [=](samsa::actors::assigned_atom, const std::vector<samsa::partition_offset>& parts) {
      std::string s;
      for (auto& p : parts)
        s += " " + p.topic + "-" + std::to_string(p.partition) + "@" + std::to_string(p.offset);
      std::cout << name << " assigned:" << (s.empty() ? " nothing" : s) << std::endl;
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  using namespace samsa;
  namespace fs = std::filesystem;
  auto dir = argc > 1 ? fs::path{argv[1]} : fs::temp_directory_path() / "samsa-group-example";
  auto loaded = cluster::load_server_config(std::nullopt, {"log.dirs=" + dir.string(),
                                                           "group.initial.rebalance.delay.ms=0"});
  if (!loaded.ok())
    return 2;
  samsa::actors::node_system_config cfg{loaded.config};
  caf::actor_system sys{cfg};
  auto node = actors::start_node(sys, loaded.config, false);
  if (!node) {
    std::cerr << "cannot start samsa: " << describe(node.error()) << "\n";
    return 1;
  }
  caf::scoped_actor self{sys};
  topic_spec spec;
  spec.name = "clicks";
  spec.partitions = 4;
  self->request(node->broker, std::chrono::seconds(10), create_atom::value, spec)
    .receive([](const topic_description&) {}, [](const caf::error&) {});
  produce_request req;
  req.topic = "clicks";
  for (int i = 0; i < 1000; ++i) {
    record r;
    r.key = "user" + std::to_string(i % 37);
    r.value = "click " + std::to_string(i);
    req.records.push_back(std::move(r));
  }
  self->request(node->broker, std::chrono::seconds(10), produce_atom::value, req)
    .receive([](const produce_response&) {}, [](const caf::error&) {});

  auto total = std::make_shared<std::atomic<int>>(0);
  actors::group_consumer_config gc;
  gc.group_id = "example-group";
  gc.topics = {"clicks"};
  gc.assignor = "sticky";
  auto c1 = sys.spawn(actors::group_consumer, node->broker, gc, sys.spawn(counting_sink, "consumer-1", total));
  auto c2 = sys.spawn(actors::group_consumer, node->broker, gc, sys.spawn(counting_sink, "consumer-2", total));
  for (int i = 0; i < 200 && *total < 1000; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::cout << "consumed " << total->load() << " of 1000 records" << std::endl;
  for (auto& c : {c1, c2})
    self->request(c, std::chrono::seconds(10), close_atom::value).receive([](bool) {}, [](const caf::error&) {});
  actors::stop_node(sys, *node);
  sys.await_actors_before_shutdown(false);
  return *total >= 1000 ? 0 : 1;
}
