// Embeds a samsa node in this program's own CAF actor system, found with find_package(samsa): creates a
// topic, produces one record through the typed native API, reads it back, stops the node. No network
// listener is opened (start_node with listen=false); the data lives in a temporary directory removed at the
// end. Prints the record read back on stdout (samsa's log goes to stderr) and exits 0 when it is the one
// produced.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/node.hpp"
#include "messages/logging.hpp"
#include "messages/native_api.hpp"

int main() {
  using namespace samsa;
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "embed-samsa-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::cerr << "cannot create a temporary directory\n";
    return 1;
  }
  fs::path dir{tmpl};
  int rc = 1;
  {
    auto loaded = cluster::load_server_config(std::nullopt, {"log.dirs=" + dir.string()});
    if (!loaded.ok()) {
      for (auto& e : loaded.errors)
        std::cerr << e << "\n";
      fs::remove_all(dir);
      return 2;
    }
    configure_logging(loaded.config.log_level); // samsa's log lines to stderr, as `samsa broker` does
    actors::node_system_config cfg{loaded.config};
    caf::actor_system sys{cfg};
    auto node = actors::start_node(sys, loaded.config, false);
    if (!node) {
      std::cerr << "cannot start samsa: " << describe(node.error()) << "\n";
      fs::remove_all(dir);
      return 1;
    }
    caf::scoped_actor self{sys};
    constexpr auto timeout = std::chrono::seconds(10);
    auto fail = [&](const caf::error& e) { std::cerr << "error: " << describe(e) << "\n"; };

    topic_spec spec;
    spec.name = "out-of-tree";
    spec.partitions = 1;
    bool created = false;
    self->request(node->broker, timeout, create_atom::value, spec)
      .receive([&](const topic_description& d) { created = d.name == spec.name; }, fail);

    produce_request req;
    req.topic = spec.name;
    record r;
    r.key = "greeting";
    r.value = "hello from an out-of-tree project";
    req.records.push_back(r);
    int64_t offset = -1;
    if (created)
      self->request(node->broker, timeout, produce_atom::value, req)
        .receive(
          [&](const produce_response& resp) {
            if (resp.partitions.size() == 1 && !resp.partitions[0].error)
              offset = resp.partitions[0].base_offset;
          },
          fail);

    if (offset >= 0) {
      fetch_request f;
      f.topic = spec.name;
      f.partition = 0;
      f.offset = offset;
      self->request(node->broker, timeout, fetch_atom::value, f)
        .receive(
          [&](const fetch_response& resp) {
            std::vector<record> recs;
            decode_batches(resp.records.data(), resp.records.size(), offset, recs);
            if (recs.size() == 1 && recs[0].key == r.key && recs[0].value == r.value) {
              std::cout << "produced and read back " << spec.name << "-0@" << recs[0].offset << ": "
                        << *recs[0].key << " -> " << *recs[0].value << "\n";
              rc = 0;
            } else {
              std::cerr << "read back " << recs.size() << " records, not the one produced\n";
            }
          },
          fail);
    }
    actors::stop_node(sys, *node);
  }
  fs::remove_all(dir);
  return rc;
}
