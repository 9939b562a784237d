#pragma once
// The Kafka-protocol side of the benchmark: servers under test (a samsa broker process, librdkafka's mock
// cluster in a child process) and what librdkafka clients do against them (produce, consume from the
// beginning, end-to-end latency at a fixed rate).
#include <memory>
#include <string>

#include "bench_util.hpp"
#include "rdkafka_clients.hpp"

namespace bench {

// A server that speaks the Kafka protocol. prepare() gives a fresh topic for one case.
class kafka_server {
public:
  virtual ~kafka_server() = default;
  virtual std::string name() const = 0;
  virtual bool prepare(const std::string& topic, int partitions, std::string& why) = 0;
  virtual void finish(const std::string& topic) = 0;
  virtual std::string bootstrap() const = 0;
  virtual pid_t pid() const = 0;
  virtual void stop() = 0;
};

// `samsa broker` on free ports with a data directory under workdir. native_port() is its CAF listener.
class samsa_server : public kafka_server {
public:
  static std::unique_ptr<samsa_server> start(const std::string& samsa, const std::string& workdir, std::string& why);
  ~samsa_server() override;
  std::string name() const override { return "samsa"; }
  bool prepare(const std::string& topic, int partitions, std::string& why) override;
  void finish(const std::string& topic) override;
  std::string bootstrap() const override { return "127.0.0.1:" + std::to_string(kafka_port_); }
  pid_t pid() const override { return proc_.pid; }
  void stop() override;
  uint16_t native_port() const { return native_port_; }
  std::string log_path() const { return proc_.log_path; }
  // After stop(): whether SIGTERM made it exit with status 0 within the grace period, and how long it took.
  bool clean_exit() const { return clean_exit_; }
  double stop_seconds() const { return stop_seconds_; }

private:
  samsa_server() = default;
  child proc_;
  uint16_t kafka_port_ = 0;
  uint16_t native_port_ = 0;
  rd_kafka_t* admin_ = nullptr;
  bool clean_exit_ = false;
  double stop_seconds_ = 0;
};

// librdkafka's in-memory mock cluster (one broker) in a child process (`samsa_bench --mock-server`), so
// that its CPU and memory are measured apart from the clients. It cannot delete topics, so prepare()
// starts a fresh one for every case.
class mock_server : public kafka_server {
public:
  mock_server(std::string self, std::string workdir) : self_(std::move(self)), workdir_(std::move(workdir)) {}
  ~mock_server() override { stop(); }
  std::string name() const override { return "mock"; }
  bool prepare(const std::string& topic, int partitions, std::string& why) override;
  void finish(const std::string&) override {}
  std::string bootstrap() const override { return bootstrap_; }
  pid_t pid() const override { return proc_.pid; }
  void stop() override;

private:
  std::string self_, workdir_, bootstrap_;
  child proc_;
};

// The body of `samsa_bench --mock-server`: prints "BOOTSTRAP host:port", then serves commands from stdin
// ("create TOPIC PARTITIONS" -> "ok") until stdin closes.
int mock_server_main();

// The body of `samsa_bench --client MODE ...` (argv from MODE on): librdkafka clients against servers the bench
// did not start, one line of results each (kafka_client.cpp; used by bench/cluster_replication.sh).
int client_main(int argc, char** argv);

// Producers (one librdkafka handle and thread each) send c.records records of c.record_size bytes to the
// topic, each record to the next partition in turn. verify: also checks that the topic's high
// watermarks add up to what was acknowledged and that a consumer reads exactly that many back.
throughput kafka_produce(kafka_server& s, const std::string& topic, const produce_case& c, bool verify);

// Fills a 1-partition topic with `records` records (untimed), then times one consumer (assign() from the
// beginning, rd_kafka_consume_batch_queue) reading all of them.
throughput kafka_consume(kafka_server& s, const std::string& topic, int64_t records, int record_size,
                         double max_seconds);

// One producer (linger.ms=0, acks=1) sends `rate` records/s for `seconds`, each carrying its send time; a
// consumer in the same process measures send -> receive. Samples of the first warmup_s are dropped.
latency kafka_latency(kafka_server& s, const std::string& topic, double rate, double seconds, double warmup_s);

} // namespace bench
