#include "actors/node_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include <caf/scoped_actor.hpp>

#include "actors/native_transport.hpp"
#include "messages/kafka/api_table.hpp"
#include "messages/prometheus.hpp"

namespace samsa::actors {

namespace {

using prometheus::exposition;
using prometheus::label_set;

label_set partition_labels(const std::string& topic, size_t partition) {
  return {{"topic", topic}, {"partition", std::to_string(partition)}};
}

// The per-partition families: name, help, type and the value read from the partition's state.
struct partition_family {
  const char* name;
  const char* help;
  prometheus::metric_type type;
  double (*value)(const partition_state&);
};

const std::vector<partition_family>& partition_families() {
  using prometheus::metric_type;
  static const std::vector<partition_family> families = {
    {"samsa_partition_records_in_total", "Records appended to the partition since the node started.",
     metric_type::counter, [](const partition_state& s) { return static_cast<double>(s.records_in); }},
    {"samsa_partition_bytes_in_total", "Bytes of record batches appended since the node started.",
     metric_type::counter, [](const partition_state& s) { return static_cast<double>(s.bytes_in); }},
    {"samsa_partition_bytes_out_total",
     "Bytes of record batches served to fetches (Kafka and native clients) since the node started.",
     metric_type::counter, [](const partition_state& s) { return static_cast<double>(s.bytes_out); }},
    {"samsa_partition_log_size_bytes", "Bytes of the partition's segment files.", metric_type::gauge,
     [](const partition_state& s) { return static_cast<double>(s.size_bytes); }},
    {"samsa_partition_log_start_offset", "First offset still in the log.", metric_type::gauge,
     [](const partition_state& s) { return static_cast<double>(s.log_start_offset); }},
    {"samsa_partition_log_end_offset", "Offset the next appended record gets.", metric_type::gauge,
     [](const partition_state& s) { return static_cast<double>(s.log_end_offset); }},
    {"samsa_partition_high_watermark",
     "Offset up to which records are committed; equals the log end offset on a single node (one replica).",
     metric_type::gauge, [](const partition_state& s) { return static_cast<double>(s.high_watermark); }},
    {"samsa_partition_offline", "1 when the partition's log could not be opened.", metric_type::gauge,
     [](const partition_state& s) { return s.offline ? 1.0 : 0.0; }},
  };
  return families;
}

void add_partitions(exposition& e, const std::vector<topic_description>& topics) {
  for (auto& f : partition_families()) {
    e.declare(f.name, f.help, f.type); // so the families show before the first topic exists
    for (auto& t : topics)
      for (size_t p = 0; p < t.partition_states.size(); ++p) {
        auto v = f.value(t.partition_states[p]);
        if (f.type == prometheus::metric_type::counter)
          e.counter(f.name, f.help, partition_labels(t.name, p), v);
        else
          e.gauge(f.name, f.help, partition_labels(t.name, p), v);
      }
  }
}

void add_groups(exposition& e, const std::vector<group_info>& groups, const std::vector<topic_description>& topics) {
  e.declare("samsa_consumer_group_members", "Members of the consumer group.", prometheus::metric_type::gauge);
  e.declare("samsa_consumer_group_committed_offset", "The group's committed offset for the partition.",
            prometheus::metric_type::gauge);
  e.declare("samsa_consumer_group_lag",
            "Records the group has not committed yet: log end offset - committed offset (at least 0).",
            prometheus::metric_type::gauge);
  std::map<std::pair<std::string, int32_t>, int64_t> end_offsets;
  for (auto& t : topics)
    for (size_t p = 0; p < t.partition_states.size(); ++p)
      end_offsets[{t.name, static_cast<int32_t>(p)}] = t.partition_states[p].log_end_offset;
  for (auto& g : groups) {
    e.gauge("samsa_consumer_group_members", "", {{"group", g.group_id}}, static_cast<double>(g.members.size()));
    for (auto& c : g.committed) {
      label_set l{{"group", g.group_id}, {"topic", c.topic}, {"partition", std::to_string(c.partition)}};
      e.gauge("samsa_consumer_group_committed_offset", "", l, static_cast<double>(c.offset));
      auto end = end_offsets.find({c.topic, c.partition});
      if (end != end_offsets.end() && c.offset >= 0)
        e.gauge("samsa_consumer_group_lag", "", l, static_cast<double>(std::max<int64_t>(0, end->second - c.offset)));
    }
  }
}

void add_kafka(exposition& e, const kafka_metrics& k) {
  auto one = [&](const std::string& api, const kafka_api_stats& s) {
    label_set l{{"api", api}};
    e.counter("samsa_kafka_requests_total", "Kafka requests answered, by API.", l,
              static_cast<double>(s.requests.load(std::memory_order_relaxed)));
    e.counter("samsa_kafka_request_errors_total",
              "Kafka requests whose answer carried an error code (any level) or that closed the connection.", l,
              static_cast<double>(s.errors.load(std::memory_order_relaxed)));
    e.histogram("samsa_kafka_request_duration_seconds",
                "Time from handing a Kafka request to its handler until its answer was ready.", l,
                s.duration.snapshot());
  };
  for (auto& row : kafka::api_table())
    if (row.implemented)
      one(row.name, k.api(static_cast<int16_t>(row.key)));
  if (k.other_apis().requests.load(std::memory_order_relaxed) > 0)
    one("unknown", k.other_apis());
}

void add_connections(exposition& e, const kafka_metrics* k) {
  const char* open_help = "Client connections open now, by listener (native: inbound only).";
  const char* accepted_help = "Client connections accepted since the node started, by listener.";
  if (k) {
    e.gauge("samsa_connections_open", open_help, {{"listener", "kafka"}},
            static_cast<double>(k->connections_open.load(std::memory_order_relaxed)));
    e.counter("samsa_connections_accepted_total", accepted_help, {{"listener", "kafka"}},
              static_cast<double>(k->connections_accepted.load(std::memory_order_relaxed)));
    e.counter("samsa_kafka_fetch_sessions_created_total", "Incremental fetch sessions (KIP-227) opened by full fetches.",
              {}, static_cast<double>(k->fetch_sessions_created.load(std::memory_order_relaxed)));
    e.counter("samsa_kafka_fetch_sessions_incremental_total", "Incremental fetches answered within a fetch session.",
              {}, static_cast<double>(k->fetch_sessions_incremental.load(std::memory_order_relaxed)));
    e.counter("samsa_kafka_fetch_session_errors_total",
              "Fetches answered FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH.", {},
              static_cast<double>(k->fetch_session_errors.load(std::memory_order_relaxed)));
    e.gauge("samsa_kafka_fetch_sessions", "Incremental fetch sessions cached now.", {},
            static_cast<double>(k->fetch_sessions_open.load(std::memory_order_relaxed)));
  }
  auto native = native_inbound_connections();
  e.gauge("samsa_connections_open", open_help, {{"listener", "native"}}, static_cast<double>(native.open));
  e.counter("samsa_connections_accepted_total", accepted_help, {{"listener", "native"}},
            static_cast<double>(native.accepted));
}

void add_process(exposition& e) {
  auto p = read_process_stats();
  e.counter("process_cpu_seconds_total", "User and system CPU time of the process in seconds.", {}, p.cpu_seconds);
  e.gauge("process_resident_memory_bytes", "Resident memory of the process in bytes.", {},
          static_cast<double>(p.resident_bytes));
  e.gauge("process_virtual_memory_bytes", "Virtual memory of the process in bytes.", {},
          static_cast<double>(p.virtual_bytes));
  if (p.open_fds >= 0)
    e.gauge("process_open_fds", "Open file descriptors of the process.", {}, static_cast<double>(p.open_fds));
  if (p.max_fds >= 0)
    e.gauge("process_max_fds", "The process's descriptor limit (RLIMIT_NOFILE).", {}, static_cast<double>(p.max_fds));
}

} // namespace

std::string node_metrics::render() {
  std::lock_guard<std::mutex> guard{one_at_a_time_};
  collect_deadline d{sys_.clock()};
  bool complete = true;
  caf::scoped_actor self{sys_};
  // Asks the broker one question within what is left of the budget.
  auto ask = [&](auto on_answer, auto... xs) {
    auto left = d.left();
    if (!left) {
      complete = false;
      return;
    }
    self->request(broker_, *left, xs...).receive(on_answer, [&](caf::error&) { complete = false; });
  };
  std::vector<topic_description> topics;
  ask([&](std::vector<topic_description>& t) { topics = std::move(t); }, describe_atom::value,
      std::vector<std::string>{});
  std::vector<group_info> listed;
  ask([&](std::vector<group_info>& g) { listed = std::move(g); }, groups_atom::value, list_atom::value);
  std::vector<group_info> groups;
  for (auto& g : listed) // describe adds the committed offsets
    ask([&](group_info& info) { groups.push_back(std::move(info)); }, groups_atom::value, describe_atom::value,
        g.group_id);

  exposition e;
  add_partitions(e, topics);
  add_groups(e, groups, topics);
  if (kafka_)
    add_kafka(e, *kafka_);
  add_connections(e, kafka_.get());
  add_process(e);
  e.gauge("samsa_metrics_collection_complete",
          "1 when every actor answered this scrape in time; 0 when some samples are missing.", {}, complete ? 1 : 0);
  return e.render();
}

std::optional<process_stats> parse_proc_stat(std::string_view text, long ticks_per_second, long page_size) {
  auto close = text.rfind(')'); // the command may contain ')' itself: the last one ends it
  if (close == std::string_view::npos || ticks_per_second <= 0)
    return std::nullopt;
  std::istringstream in{std::string(text.substr(close + 1))};
  std::vector<std::string> fields; // fields[0] is field 3 of proc(5), the state
  for (std::string f; in >> f;)
    fields.push_back(std::move(f));
  if (fields.size() < 22)
    return std::nullopt;
  try {
    process_stats s;
    auto utime = std::stoull(fields[11]), stime = std::stoull(fields[12]); // fields 14 and 15: clock ticks
    s.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
    s.virtual_bytes = std::stoll(fields[20]);            // field 23: vsize in bytes
    s.resident_bytes = std::stoll(fields[21]) * page_size; // field 24: rss in pages
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

process_stats read_process_stats() {
  process_stats s;
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (auto parsed = parse_proc_stat(text, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE)))
    s = *parsed;
  if (auto* dir = opendir("/proc/self/fd")) {
    int64_t n = 0;
    while (auto* entry = readdir(dir))
      if (entry->d_name[0] != '.')
        ++n;
    closedir(dir);
    s.open_fds = n - 1; // the directory stream's own descriptor
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0)
    s.max_fds = lim.rlim_cur == RLIM_INFINITY ? -1 : static_cast<int64_t>(lim.rlim_cur);
  return s;
}

} // namespace samsa::actors
