#pragma once
// Throughput through samsa's native CAF actor API (samsa::broker_actor): produce_atom with batches of
// records, then fetch_atom from offset 0 until everything is read back. In-process (a node embedded in
// the bench's own actor_system) and across two nodes (remote_actor to a broker process's native listener).
#include <string>

#include "bench_util.hpp"

namespace bench {

struct native_case {
  int64_t records = 0;
  int batch = 1000;     // records per produce_atom request
  int window = 8;       // produce requests in flight
  int record_size = 100;
  double max_seconds = 10;
};

struct native_result {
  throughput produce;
  throughput fetch;
};

native_result native_in_process(const std::string& workdir, const native_case& c);
native_result native_remote(uint16_t native_port, pid_t server_pid, const native_case& c);

} // namespace bench
