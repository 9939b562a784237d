// `samsa topics delete-records`: Kafka's kafka-delete-records through the native API. The broker asks the
// partition's leader, which moves its log start offset (checkpointed, so it survives restarts).
#include <chrono>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

int topics_delete_records(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  const auto& topic = a.positional[0];
  std::optional<long long> partition;
  std::optional<long long> before;
  if (!int_option(a, "--partition", 0, partition) || !int_option(a, "--before", -1, before))
    return exit_usage;
  if (!partition || !before) {
    std::cerr << "error: --partition P and --before OFFSET are required\n";
    return exit_usage;
  }
  auto name = topic + "-" + std::to_string(*partition);
  int rc = exit_ok;
  self->request(b, std::chrono::seconds(30), delete_records_atom::value, topic, static_cast<int32_t>(*partition),
                static_cast<int64_t>(*before))
    .receive(
      [&](const offset_answer& r) {
        if (r.error != 0) {
          std::cerr << "error: cannot delete records of " << name << ": "
                    << to_string(static_cast<api_errc>(r.error)) << "\n";
          rc = exit_failed;
          return;
        }
        std::cout << "Deleted the records of " << name << " before offset " << r.offset << " (low watermark "
                  << r.offset << ").\n";
      },
      [&](const caf::error& e) {
        std::cerr << "error: cannot delete records of " << name << ": " << describe(e) << "\n";
        rc = exit_failed;
      });
  return rc;
}

} // namespace

std::vector<command_spec> delete_records_commands() {
  command_spec c{"delete-records", "TOPIC", 1, 1, "delete a partition's records before an offset (its log start moves)"};
  c.options = {
    {"--partition", "P", "the partition"},
    {"--before", "OFFSET", "the new log start offset; -1 for the high watermark (everything consumers can read)"},
    broker_option(),
  };
  c.examples = {"samsa topics delete-records orders --partition 0 --before 1000"};
  c.details = "As Kafka's kafka-delete-records: the partition's leader moves its log start offset (persisted), "
              "segments wholly below it are deleted and consumers can no longer read below it; an offset beyond "
              "the high watermark is offset_out_of_range.";
  c.run = on_broker(topics_delete_records);
  return {c};
}

} // namespace samsa::cli
