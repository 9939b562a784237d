#include "tools/experiment/probe.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace samsa::experiment {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// `samsa cluster status --output json` of node id; null when it did not answer within 5 s.
nlohmann::json status_of(node_set& nodes, int id) {
  auto out = run_capture({nodes.samsa(), "cluster", "status", "--broker", nodes.native(id), "--output", "json"}, 5);
  if (!out)
    return nullptr;
  auto j = nlohmann::json::parse(*out, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

} // namespace

probe::probe(node_set& nodes) : nodes_(nodes) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair<std::string, std::string>{"bootstrap.servers", nodes.bootstrap()},
                      {"log_level", "2"},
                      {"topic.metadata.refresh.interval.ms", "1000"}})
    rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err);
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk_ == nullptr)
    throw std::runtime_error(std::string{"rd_kafka_new: "} + err);
}

probe::~probe() {
  if (rk_ != nullptr)
    rd_kafka_destroy(rk_);
}

int32_t probe::coordinator(const std::string& group) {
  char err[512];
  const char* groups[] = {group.c_str()};
  auto* q = rd_kafka_queue_new(rk_);
  auto* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
  rd_kafka_AdminOptions_set_request_timeout(opts, 5000, err, sizeof err);
  rd_kafka_DescribeConsumerGroups(rk_, groups, 1, opts, q);
  int32_t node = -1;
  if (rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 8000)) {
    size_t n = 0;
    const auto* res = rd_kafka_event_DescribeConsumerGroups_result(ev);
    const auto** descs = res != nullptr ? rd_kafka_DescribeConsumerGroups_result_groups(res, &n) : nullptr;
    if (rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR && n == 1 &&
        rd_kafka_ConsumerGroupDescription_error(descs[0]) == nullptr)
      if (const auto* c = rd_kafka_ConsumerGroupDescription_coordinator(descs[0]))
        node = rd_kafka_Node_id(c);
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  return node;
}

cluster::experiment::cluster_snapshot probe::snapshot(const std::set<int32_t>& faulted,
                                                      const std::vector<std::string>& groups) {
  cluster::experiment::cluster_snapshot c;
  c.nodes = nodes_.size();
  for (int i = 1; i <= c.nodes; ++i)
    if (nodes_.node(i).pid > 0 && !nodes_.node(i).paused && !faulted.count(i))
      c.up.insert(i);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk_, 1, nullptr, &md, 3000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int t = 0; t < md->topic_cnt; ++t)
      for (int p = 0; p < md->topics[t].partition_cnt; ++p) {
        const auto& mp = md->topics[t].partitions[p];
        cluster::experiment::partition_view v;
        v.leader = mp.leader;
        v.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
        v.isr.assign(mp.isrs, mp.isrs + mp.isr_cnt);
        c.partitions[{md->topics[t].topic, mp.id}] = v;
      }
    rd_kafka_metadata_destroy(md);
  }
  for (int i = 1; i <= c.nodes && c.quorum_leader < 0; ++i) {
    if (nodes_.node(i).pid <= 0 || nodes_.node(i).paused)
      continue;
    auto s = status_of(nodes_, i);
    if (s.is_object() && s.value("leader", -1) >= 0)
      c.quorum_leader = s.value("leader", -1);
  }
  for (const auto& g : groups)
    if (auto n = coordinator(g); n >= 0)
      c.coordinators[g] = n;
  return c;
}

bool probe::healthy(std::string& why) {
  for (int i = 1; i <= nodes_.size(); ++i)
    if (nodes_.node(i).pid <= 0 || nodes_.node(i).paused) {
      why = "node " + std::to_string(i) + " is not running";
      return false;
    }
  nlohmann::json s;
  for (int i = 1; i <= nodes_.size() && !s.is_object(); ++i)
    s = status_of(nodes_, i);
  if (!s.is_object() || !s.contains("brokers")) {
    why = "no node answers `samsa cluster status`";
    return false;
  }
  if (s.value("leader", -1) < 0) {
    why = "no quorum leader";
    return false;
  }
  int unfenced = 0;
  for (const auto& b : s["brokers"])
    unfenced += b.value("fenced", true) ? 0 : 1;
  if (unfenced < nodes_.size()) {
    why = std::to_string(unfenced) + " of " + std::to_string(nodes_.size()) + " brokers unfenced";
    return false;
  }
  auto under = s.value("under_replicated_partitions", 0), offline = s.value("offline_partitions", 0);
  if (under > 0 || offline > 0) {
    why = std::to_string(under) + " under-replicated and " + std::to_string(offline) + " offline partition(s)";
    return false;
  }
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk_, 1, nullptr, &md, 3000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    why = "no Metadata";
    return false;
  }
  bool led = true;
  for (int t = 0; t < md->topic_cnt; ++t)
    for (int p = 0; p < md->topics[t].partition_cnt; ++p)
      if (md->topics[t].partitions[p].leader < 0) {
        why = std::string{md->topics[t].topic} + "-" + std::to_string(p) + " has no leader in Metadata";
        led = false;
      }
  rd_kafka_metadata_destroy(md);
  return led;
}

bool probe::create_topic(const cluster::experiment::topic_spec& t, double timeout_s, std::string& why) {
  double end = now_s() + timeout_s;
  char err[512];
  while (now_s() < end && !stop_requested.load()) {
    auto* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor, err, sizeof err);
    for (const auto& [k, v] : t.config)
      rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    auto* q = rd_kafka_queue_new(rk_);
    auto* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opts, 5000, err, sizeof err);
    rd_kafka_CreateTopics(rk_, &nt, 1, opts, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 10000);
    bool done = false;
    if (ev != nullptr) {
      if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        why = rd_kafka_event_error_string(ev);
      } else {
        size_t n = 0;
        const auto* res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        auto e = n == 1 ? rd_kafka_topic_result_error(res[0]) : RD_KAFKA_RESP_ERR__FAIL;
        done = e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
        if (!done)
          why = std::string{rd_kafka_err2name(e)} + (n == 1 && rd_kafka_topic_result_error_string(res[0])
                                                        ? std::string{": "} + rd_kafka_topic_result_error_string(res[0])
                                                        : "");
        // A refusal of the request itself (a bad config, too few brokers) will not change: stop.
        if (e == RD_KAFKA_RESP_ERR_INVALID_CONFIG || e == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR ||
            e == RD_KAFKA_RESP_ERR_INVALID_PARTITIONS || e == RD_KAFKA_RESP_ERR_POLICY_VIOLATION) {
          rd_kafka_event_destroy(ev);
          rd_kafka_AdminOptions_destroy(opts);
          rd_kafka_queue_destroy(q);
          rd_kafka_NewTopic_destroy(nt);
          why = "topic " + t.name + ": " + why;
          return false;
        }
      }
      rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    if (done)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  why = "topic " + t.name + " not created: " + why;
  return false;
}

} // namespace samsa::experiment
