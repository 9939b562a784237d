#pragma once
// The partition leaders as clients see them, for the history: a thread that asks Kafka Metadata (its own
// librdkafka handle, so a slow answer never delays the runner's faults) about once a second and writes a
// `leader` line (cluster/checker/history) for each partition whose leader differs from the last answer, the
// first answer included; -1 when Metadata names no leader. librdkafka's Metadata gives no leader epoch, so a
// partition re-elected on the same node between two polls is not seen; nor is a change undone within a second.
// The report draws these lines as marks per partition (cluster/checker/report).
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cluster/checker/history.hpp"
#include "tools/experiment/workload.hpp"

namespace samsa::experiment {

class leader_watch {
public:
  // Watches the partitions of `topics`; throws std::runtime_error when librdkafka refuses a handle.
  leader_watch(const std::string& bootstrap, std::vector<std::string> topics, history_log& h);
  ~leader_watch(); // stop()
  leader_watch(const leader_watch&) = delete;
  leader_watch& operator=(const leader_watch&) = delete;
  void stop();
  size_t changes() const { return changes_.load(); } // leader lines written

private:
  void run();
  void poll_once();

  rd_kafka_t* rk_ = nullptr;
  std::vector<std::string> topics_;
  history_log& h_;
  std::map<cluster::checker::topic_partition, int32_t> last_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> changes_{0};
  std::thread thread_;
};

} // namespace samsa::experiment
