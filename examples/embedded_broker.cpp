// Embedding samsa in your own CAF application: this program creates its own actor_system, starts a samsa
// node inside it (no network listener needed), creates a topic, produces keyed records through the typed
// native API and reads them back. Run: ./build/examples/example_embedded_broker [DATA_DIR]
#include <chrono>
#include <filesystem>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/node.hpp"
#include "messages/native_api.hpp"

int main(int argc, char** argv) {
  using namespace samsa;
  namespace fs = std::filesystem;
  auto dir = argc > 1 ? fs::path{argv[1]} : fs::temp_directory_path() / "samsa-embedded-example";
  auto loaded = cluster::load_server_config(std::nullopt, {"log.dirs=" + dir.string()});
  if (!loaded.ok()) {
    for (auto& e : loaded.errors)
      std::cerr << e << "\n";
    return 2;
  }
  actors::node_system_config cfg{loaded.config};
  caf::actor_system sys{cfg};
  // publish=false: the node lives only inside this process; pass true to offer it to other CAF nodes.
  auto node = actors::start_node(sys, loaded.config, false);
  if (!node) {
    std::cerr << "cannot start samsa: " << describe(node.error()) << "\n";
    return 1;
  }
  caf::scoped_actor self{sys};
  constexpr auto timeout = std::chrono::seconds(10);
  int rc = 0;
  auto fail = [&](const caf::error& e) {
    std::cerr << "error: " << describe(e) << "\n";
    rc = 1;
  };

  topic_spec spec;
  spec.name = "greetings";
  spec.partitions = 3;
  self->request(node->broker, timeout, create_atom::value, spec)
    .receive([](const topic_description& d) { std::cout << "created " << d.name << " with " << d.partitions
                                                         << " partitions\n"; },
             [&](const caf::error& e) {
               if (api_code(e) != api_errc::topic_already_exists)
                 fail(e);
             });

  produce_request req;
  req.topic = "greetings";
  for (auto who : {"alice", "bob", "carol", "dave"}) {
    record r;
    r.key = who;
    r.value = std::string{"hello, "} + who;
    req.records.push_back(std::move(r));
  }
  self->request(node->broker, timeout, produce_atom::value, req)
    .receive(
      [](const produce_response& resp) {
        for (auto& p : resp.partitions)
          std::cout << "partition " << p.partition << ": " << p.record_count << " records from offset "
                    << p.base_offset << (p.error ? " (error)" : "") << "\n";
      },
      fail);

  for (int32_t p = 0; p < 3 && rc == 0; ++p) {
    fetch_request f;
    f.topic = "greetings";
    f.partition = p;
    f.offset = 0;
    self->request(node->broker, timeout, fetch_atom::value, f)
      .receive(
        [&](const fetch_response& resp) {
          std::vector<record> recs;
          decode_batches(resp.records.data(), resp.records.size(), 0, recs);
          for (auto& r : recs)
            std::cout << "  p" << p << "@" << r.offset << " " << r.key.value_or("null") << " -> "
                      << r.value.value_or("null") << "\n";
        },
        fail);
  }
  actors::stop_node(sys, *node);
  return rc;
}
