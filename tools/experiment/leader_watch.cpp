#include "tools/experiment/leader_watch.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace samsa::experiment {

leader_watch::leader_watch(const std::string& bootstrap, std::vector<std::string> topics, history_log& h)
  : topics_(std::move(topics)), h_(h) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair<std::string, std::string>{"bootstrap.servers", bootstrap}, {"log_level", "2"}})
    rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk_ == nullptr)
    throw std::runtime_error(std::string{"rd_kafka_new: "} + err);
  thread_ = std::thread([this] { run(); });
}

leader_watch::~leader_watch() {
  stop();
  if (rk_ != nullptr)
    rd_kafka_destroy(rk_);
}

void leader_watch::stop() {
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
}

void leader_watch::run() {
  while (!stop_.load()) {
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    poll_once();
    while (!stop_.load() && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void leader_watch::poll_once() {
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk_, 1, nullptr, &md, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return; // no answer: nothing learnt
  for (int t = 0; t < md->topic_cnt; ++t) {
    const auto& topic = md->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        std::find(topics_.begin(), topics_.end(), topic.topic) == topics_.end())
      continue;
    for (int p = 0; p < topic.partition_cnt; ++p) {
      cluster::checker::topic_partition tp{topic.topic, topic.partitions[p].id};
      int32_t leader = topic.partitions[p].leader;
      auto it = last_.find(tp);
      if (it != last_.end() && it->second == leader)
        continue;
      last_[tp] = leader;
      cluster::checker::event e;
      e.process = cluster::checker::nemesis_process;
      e.type = cluster::checker::event_type::info;
      e.f = cluster::checker::op_f::leader;
      e.tp = tp;
      e.leader = leader;
      h_.write(std::move(e));
      ++changes_;
    }
  }
  rd_kafka_metadata_destroy(md);
}

} // namespace samsa::experiment
