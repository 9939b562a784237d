// The idempotent producer through the partition actor's raw (Kafka) append path, across restarts.
#include "actor_fixture.hpp"

#include <csignal>

#include <sys/resource.h>

using namespace samsa;
using samsa::testing::broker_fixture;
using samsa::testing::make_record;

namespace {

std::vector<char> idempotent_batch(int64_t pid, int16_t epoch, int32_t seq, int n) {
  std::vector<record> recs;
  for (int i = 0; i < n; ++i)
    recs.push_back(make_record(std::nullopt, "s" + std::to_string(seq + i)));
  return encode_batch(recs, 1000, pid, epoch, seq);
}

partition_produce_result append(broker_fixture& fx, const partition_actor& p, std::vector<char> batch) {
  auto h = fx.self->request(p, caf::infinite, append_atom::value, std::move(batch), acks_all, int32_t{0});
  fx.sched.run();
  partition_produce_result out;
  h.receive([&](partition_produce_result& r) { out = std::move(r); }, [](caf::error& e) { FAIL(describe(e)); });
  return out;
}

int64_t log_end(broker_fixture& fx) {
  auto a = fx.ask<offset_answer>(offsets_atom::value, std::string{"idem"}, int32_t{0}, latest_timestamp);
  REQUIRE(a);
  return a->offset;
}

partition_actor part(broker_fixture& fx) {
  auto p = fx.ask<partition_actor>(partition_atom::value, std::string{"idem"}, int32_t{0});
  REQUIRE(p);
  return *p;
}

// Creates topic idem (one partition) and returns an id from InitProducerId.
int64_t create_idem(broker_fixture& fx) {
  topic_spec spec;
  spec.name = "idem";
  spec.partitions = 1;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec));
  auto issued = fx.ask<producer_id_t>(producer_id_atom::value);
  REQUIRE(issued);
  return issued->value;
}

} // namespace

TEST_CASE("retries are deduplicated, gaps refused, state survives clean and unclean restarts") {
  broker_fixture fx;
  // Ids come from InitProducerId; one this node never issued is refused before it costs any state.
  const int64_t id = create_idem(fx);
  auto p = part(fx);
  auto forged = append(fx, p, idempotent_batch(id + 1'000'000, 0, 0, 3));
  CHECK(forged.error == static_cast<uint8_t>(api_errc::unknown_producer_id));
  CHECK(log_end(fx) == 0);
  auto first = append(fx, p, idempotent_batch(id, 0, 0, 3));
  CHECK(first.error == 0);
  CHECK(first.base_offset == 0);
  auto second = append(fx, p, idempotent_batch(id, 0, 3, 2));
  CHECK(second.base_offset == 3);
  // The retry of the first batch: success, original offset, nothing appended.
  auto retry = append(fx, p, idempotent_batch(id, 0, 0, 3));
  CHECK(retry.error == 0);
  CHECK(retry.base_offset == 0);
  CHECK(log_end(fx) == 5);
  auto gap = append(fx, p, idempotent_batch(id, 0, 9, 1));
  CHECK(gap.error == static_cast<uint8_t>(api_errc::out_of_order_sequence));
  CHECK(log_end(fx) == 5);

  // Clean restart: the snapshot carries the state.
  fx.stop();
  CHECK(std::filesystem::exists(fx.dir / "idem-0" / "producer-state.snapshot"));
  fx.start();
  p = part(fx);
  CHECK(append(fx, p, idempotent_batch(id, 0, 3, 2)).base_offset == 3);
  CHECK(log_end(fx) == 5);

  // As after a crash before any snapshot: the state is rebuilt from the log.
  fx.stop();
  std::filesystem::remove(fx.dir / "idem-0" / "producer-state.snapshot");
  fx.start();
  p = part(fx);
  CHECK(append(fx, p, idempotent_batch(id, 0, 0, 3)).base_offset == 0);
  CHECK(append(fx, p, idempotent_batch(id, 0, 6, 1)).error == static_cast<uint8_t>(api_errc::out_of_order_sequence));
  auto next = append(fx, p, idempotent_batch(id, 0, 5, 1));
  CHECK(next.error == 0);
  CHECK(next.base_offset == 5);
  // An older epoch is fenced.
  append(fx, p, idempotent_batch(id, 1, 0, 1));
  CHECK(append(fx, p, idempotent_batch(id, 0, 6, 1)).error == static_cast<uint8_t>(api_errc::invalid_producer_epoch));
}

TEST_CASE("a compacted topic refuses a batch with keyless records, naming each (INVALID_RECORD, KIP-467)") {
  broker_fixture fx;
  topic_spec spec;
  spec.name = "idem";
  spec.partitions = 1;
  spec.configs["cleanup.policy"] = "compact";
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec));
  auto p = part(fx);
  auto refused = append(fx, p, encode_batch({make_record(std::string("k"), "1"), make_record(std::nullopt, "2"),
                                             make_record(std::nullopt, "3")}, 1000));
  CHECK(refused.error == static_cast<uint8_t>(api_errc::invalid_batch));
  REQUIRE(refused.record_errors.size() == 2);
  CHECK(refused.record_errors[0].batch_index == 1);
  CHECK(refused.record_errors[1].batch_index == 2);
  CHECK(refused.record_errors[0].message == "Compacted topic cannot accept message without key in topic partition idem-0");
  CHECK(refused.error_message.find("rejected due to 2 record errors") != std::string::npos);
  CHECK(log_end(fx) == 0);
  auto keyed = append(fx, p, encode_batch({make_record(std::string("k"), "1")}, 1000));
  CHECK(keyed.error == 0);
  CHECK(keyed.record_errors.empty());
  CHECK(log_end(fx) == 1);
}

TEST_CASE("after a batch the disk could not store, the producer's next batch gets the storage error, not out-of-order") {
  // librdkafka keeps several batches in flight. When the first fails on the disk and the next is answered
  // OUT_OF_ORDER_SEQUENCE, it bumps its producer epoch ("skipped sequence numbers") and sends its other
  // in-flight batches again as new ones: the disk-full experiment stored them twice. A file size limit
  // (RLIMIT_FSIZE, EFBIG) stands in for the full disk, for this process only.
  broker_fixture fx;
  const int64_t id = create_idem(fx);
  auto p = part(fx);
  REQUIRE(append(fx, p, idempotent_batch(id, 0, 0, 3)).error == 0);
  const auto segment = fx.dir / "idem-0" / "00000000000000000000.log";
  const auto used = std::filesystem::file_size(segment);

  struct rlimit before {};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &before) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit = before;
  limit.rlim_cur = static_cast<rlim_t>(used);
  REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
  auto failed = append(fx, p, idempotent_batch(id, 0, 3, 2)); // cannot be written
  auto next = append(fx, p, idempotent_batch(id, 0, 5, 1));   // in flight behind it
  REQUIRE(setrlimit(RLIMIT_FSIZE, &before) == 0);
  std::signal(SIGXFSZ, old_handler);

  CHECK(failed.error == static_cast<uint8_t>(api_errc::storage_error));
  CHECK(next.error == static_cast<uint8_t>(api_errc::storage_error)); // was out_of_order_sequence
  CHECK(log_end(fx) == 3);
  // Space again: the producer's retries in order are stored once each.
  auto retried = append(fx, p, idempotent_batch(id, 0, 3, 2));
  CHECK(retried.error == 0);
  CHECK(retried.base_offset == 3);
  auto then = append(fx, p, idempotent_batch(id, 0, 5, 1));
  CHECK(then.error == 0);
  CHECK(then.base_offset == 5);
  CHECK(log_end(fx) == 6);
  // With a healthy disk a gap is out of order again.
  CHECK(append(fx, p, idempotent_batch(id, 0, 9, 1)).error == static_cast<uint8_t>(api_errc::out_of_order_sequence));
}
