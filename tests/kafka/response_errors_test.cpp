#include <doctest/doctest.h>

#include "messages/kafka/delete_groups.hpp"
#include "messages/kafka/describe_groups.hpp"
#include "messages/kafka/describe_log_dirs.hpp"
#include "messages/kafka/fetch.hpp"
#include "messages/kafka/heartbeat.hpp"
#include "messages/kafka/metadata.hpp"
#include "messages/kafka/produce.hpp"
#include "messages/kafka/response_errors.hpp"

using namespace samsa::kafka;

namespace {

// `r` carries no error until `set_error` puts one into it.
template <class Response, class SetError>
void check_found(Response r, SetError set_error) {
  CHECK_FALSE(carries_error(r));
  set_error(r);
  CHECK(carries_error(r));
}

} // namespace

TEST_CASE("response_errors: an error code anywhere in a response is found") {
  check_found(heartbeat_response{}, [](auto& r) { r.error = error_code::rebalance_in_progress; });
  produce_response produce;
  produce.topics.resize(2);
  produce.topics[1].partitions.resize(3);
  check_found(produce, [](auto& r) { r.topics[1].partitions[2].error = error_code::not_enough_replicas; });
  fetch_response fetch;
  fetch.responses.resize(1);
  fetch.responses[0].partitions.resize(1);
  check_found(fetch, [](auto& r) { r.responses[0].partitions[0].error = error_code::offset_out_of_range; });
  check_found(fetch, [](auto& r) { r.error = error_code::unknown_server_error; }); // top level, v7+
  metadata_response metadata;
  metadata.topics.resize(1);
  metadata.topics[0].partitions.resize(1);
  check_found(metadata, [](auto& r) { r.topics[0].error = error_code::unknown_topic_or_partition; });
  describe_groups_response groups;
  groups.groups.resize(2);
  groups.groups[0].members.resize(1);
  check_found(groups, [](auto& r) { r.groups[1].error = error_code::coordinator_not_available; });
  delete_groups_response deleted;
  deleted.results.resize(2);
  check_found(deleted, [](auto& r) { r.results[1].error = error_code::non_empty_group; });
  describe_log_dirs_response dirs;
  dirs.results.resize(1);
  dirs.results[0].topics.resize(1);
  dirs.results[0].topics[0].partitions.resize(1);
  check_found(dirs, [](auto& r) { r.results[0].error = error_code::kafka_storage_error; });
}
