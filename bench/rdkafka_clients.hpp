#pragma once
// The librdkafka clients of the benchmark, shared by the cases against servers it starts (kafka_bench.cpp)
// and the `--client` mode against servers it did not start (kafka_client.cpp): handles, timed producers, a
// consumer reading from the beginning, watermarks.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.hpp"

namespace bench {

using kv_list = std::vector<std::pair<std::string, std::string>>;

struct produce_case {
  std::string label;
  int record_size = 100;
  int acks = 1; // -1: all
  bool idempotent = false;
  int partitions = 1;
  int producers = 1;
  int64_t records = 0;     // total over all producers
  double max_seconds = 10; // producing stops early at this time (the rate is over what was acknowledged)
};

// Delivery reports and client errors of a producer, counted.
struct dr_counts {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> err{0};
  std::atomic<int> first_err{0};
  std::atomic<int64_t> timeouts{0}; // client-side errors: requests timed out, connection dropped
  std::mutex m;
  std::string first_client_error;
};

// Callbacks of a handle (all three set, or opaque null for none).
struct handle_callbacks {
  void* opaque = nullptr;
  void (*delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr;
  void (*error)(rd_kafka_t*, int, const char*, void*) = nullptr;
};

// A librdkafka handle with log_level 3 (6 with --verbose) and `settings`; null and `why` on error.
rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, const handle_callbacks& cb, std::string& why);
// The same, counting delivery reports and client errors into `counts` (null: no delivery reports).
rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, dr_counts* counts, std::string& why);

// Waits (up to 20 s) until the client's metadata shows the topic with all its partitions led.
bool wait_topic(rd_kafka_t* rk, rd_kafka_topic_t* rkt, int partitions, std::string& why);

// A KafkaConsumer that only assign()s: no group membership, no commits.
kv_list consumer_settings(const std::string& bootstrap);

struct consumed {
  int64_t records = 0;
  int64_t bytes = 0;
  double seconds = 0;
  int64_t errors = 0;
  std::string why;
};

// Reads every partition from the beginning until `expected` records arrived (or max_seconds passed);
// extra_wait: keeps reading a little longer to catch records beyond `expected` (verification).
consumed consume_all(const std::string& bootstrap, const std::string& topic, int partitions, int64_t expected,
                     double max_seconds, double extra_wait);

// Sum of (high - low) watermarks of every partition, -1 and `why` on error.
int64_t topic_records(const std::string& bootstrap, const std::string& topic, int partitions, std::string& why);

// Low watermark of partition 0 (> 0 when the server dropped the head of the log), -1 on error.
int64_t low_watermark(const std::string& bootstrap, const std::string& topic);

// n bytes of seeded random data (incompressible record values).
std::string random_payload(size_t n);

// c.producers producers (one librdkafka handle and thread each) send c.records records of c.record_size
// bytes, each to the next partition in turn, until c.max_seconds; the clock starts when every producer is
// connected and sees the topic led. The rate is acknowledged records over the time to the last
// acknowledgement. meter (optional) measures the server over the same time.
throughput produce_records(const std::string& bootstrap, const std::string& topic, const produce_case& c,
                           server_meter* meter);

} // namespace bench
