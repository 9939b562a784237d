#pragma once
// The clients of an in-process experiment (actors/embedded_experiment): producers and assign consumers
// that talk to the nodes through samsa's native typed API (messages/native_api.hpp) from an actor system
// of their own, connected to the nodes' native ports like a separate client process, so a node's crash
// never pulls the ground from under a client. Every call goes to the history (cluster/experiment/
// history_log) as an invoke and its completion (docs/experiments.md "The history format"):
//   send  one produce_request of one record (acks from the scenario), through the brokers of the running
//         nodes in turn (a broker that does not lead the partition forwards to the leader's replica):
//         ok with the acknowledged offset; info for every error and timeout (the record may have been
//         written). A send is never retried, so no value is written twice by the client.
//   poll  one fetch of one partition from the consumer's position (100 ms long poll): ok with the records.
// One history process per producer (one record out at a time) and per consumer.
//
// Owns its client actor system and threads. start/stop/final_reads from one thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>

#include "cluster/experiment/history_log.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

class embedded_workload {
public:
  struct producer {
    std::string topic;
    int16_t acks = acks_all;
    double rate = 50; // records/s
  };
  struct consumer {
    std::string topic;
  };
  struct options {
    std::vector<uint16_t> native_ports; // node i's at index i-1
    std::map<std::string, int32_t> partitions; // per topic
    std::vector<producer> producers;
    std::vector<consumer> consumers;
    std::chrono::milliseconds request_timeout{3000};
  };

  embedded_workload(options o, cluster::experiment::history_log& h);
  ~embedded_workload(); // stop()
  embedded_workload(const embedded_workload&) = delete;
  embedded_workload& operator=(const embedded_workload&) = delete;

  void start();
  // Stops every client; a call in flight completes (at most the request timeout) before its thread ends.
  void stop();
  // One more process reads every partition of every topic from the beginning to its high watermark; false
  // and why when that did not finish within `timeout`.
  bool final_reads(std::chrono::milliseconds timeout, std::string& why);

private:
  struct connection; // a broker handle per node, reconnected after a failure
  std::optional<broker_actor> broker(size_t node);
  void forget(size_t node);
  void run_producer(size_t index, int64_t process);
  void run_consumer(size_t index, int64_t process);
  // One poll of (topic, partition) at `position` through some node; advances position; false on error.
  bool poll(int64_t process, const std::string& topic, int32_t partition, int64_t& position, size_t& node,
            int64_t* high_watermark);

  options o_;
  cluster::experiment::history_log& h_;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::mutex m_;
  std::vector<std::optional<broker_actor>> brokers_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  int64_t next_process_ = 0;
};

} // namespace samsa::actors
