#pragma once
// The Redis Streams peer: a private redis-server on a free port (in memory only, or with an append-only
// file fsynced every second), XADD with pipelining, XREAD in batches, a paced XADD -> XREAD BLOCK for
// latency. Partitions map to streams (one key each), producers to connections.
#include <memory>
#include <string>

#include "bench_util.hpp"
#include "kafka_bench.hpp"

namespace bench {

class redis_server {
public:
  static std::unique_ptr<redis_server> start(const std::string& redis, const std::string& workdir, bool aof,
                                             std::string& why);
  ~redis_server();
  std::string name() const { return aof_ ? "redis-aof" : "redis"; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return proc_.pid; }
  // Drops every key (FLUSHALL) so that each case starts empty.
  bool flush(std::string& why);
  void stop();

private:
  redis_server() = default;
  child proc_;
  uint16_t port_ = 0;
  bool aof_ = false;
};

// c.partitions streams, c.producers connections, each pipelining XADDs; c.acks is ignored (Redis has
// none). verify: XLEN adds up and XREAD returns every entry.
throughput redis_produce(redis_server& s, const produce_case& c, bool verify);
// Fills one stream with `records` entries (untimed), then times XREAD COUNT 10000 until all are read.
throughput redis_consume(redis_server& s, int64_t records, int record_size, double max_seconds);
latency redis_latency(redis_server& s, double rate, double seconds, double warmup_s);

} // namespace bench
