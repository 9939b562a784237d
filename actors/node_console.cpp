#include "actors/node_console.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/node_metrics.hpp"
#include "cluster/config_describe.hpp"
#include "console/assets.hpp"
#include "console/model.hpp"
#include "console/records.hpp"
#include "console/reports.hpp"
#include "messages/cluster_api.hpp"

namespace samsa::actors {

namespace {

using console::route;

constexpr const char* json_type = "application/json";

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

http_response json_answer(std::string body) {
  return {200, json_type, std::move(body), {}};
}

http_response json_error(int status, const std::string& message) {
  return {status, json_type, console::error_json(message), {}};
}

http_response text_answer(int status, std::string text) {
  return {status, "text/plain; charset=utf-8", std::move(text) + "\n", {}};
}

// The questions of one request: a scoped_actor and one deadline for all of them.
struct asker {
  caf::scoped_actor self;
  collect_deadline deadline;
  bool complete = true;
  caf::error error; // the last failure

  explicit asker(caf::actor_system& sys) : self(sys), deadline(sys.clock()) {}

  // Asks `to` within what is left of the budget; false (and `error` set) when it failed or the budget is
  // spent. on_answer takes the reply's exact types.
  template <class Handle, class OnAnswer, class... Ts>
  bool ask(const Handle& to, OnAnswer on_answer, Ts&&... xs) {
    auto left = deadline.left();
    if (!left || !to) {
      complete = false;
      error = make_error(api_errc::request_timed_out, left ? "the actor is not running" : "no time left to ask the node's actors");
      return false;
    }
    bool failed = false;
    self->request(to, *left, std::forward<Ts>(xs)...).receive(on_answer, [&](caf::error& e) {
      failed = true;
      complete = false;
      error = std::move(e);
    });
    return !failed;
  }
};

// 404 for what does not exist, 503 for what did not answer, with the actors' message.
http_response failure(const caf::error& e, const std::string& what) {
  auto code = api_code(e);
  int status = code == api_errc::unknown_topic_or_partition || code == api_errc::unknown_group ? 404 : 503;
  return json_error(status, what + ": " + describe(e));
}

std::optional<std::vector<topic_description>> describe_topics(asker& a, const broker_actor& broker,
                                                              std::vector<std::string> names) {
  std::vector<topic_description> out;
  if (!a.ask(broker, [&](std::vector<topic_description>& t) { out = std::move(t); }, describe_atom::value,
             std::move(names)))
    return std::nullopt;
  return out;
}

// The groups this node lists (on a cluster: the groups it coordinates), the first
// console_max_described_groups of them described (committed offsets).
std::vector<group_info> collect_groups(asker& a, const broker_actor& broker) {
  std::vector<group_info> listed;
  a.ask(broker, [&](std::vector<group_info>& g) { listed = std::move(g); }, groups_atom::value, list_atom::value);
  std::sort(listed.begin(), listed.end(), [](auto& x, auto& y) { return x.group_id < y.group_id; });
  for (size_t i = 0; i < listed.size() && i < console_max_described_groups; ++i)
    a.ask(broker, [&](group_info& info) { listed[i] = std::move(info); }, groups_atom::value, describe_atom::value,
          listed[i].group_id);
  return listed;
}

std::map<std::string, console::topic_counters> counters_of(const std::vector<topic_description>& topics) {
  std::map<std::string, console::topic_counters> out;
  for (auto& t : topics) {
    auto& c = out[t.name];
    for (auto& p : t.partition_states) {
      c.records_in += p.records_in;
      c.bytes_in += p.bytes_in;
      c.bytes_out += p.bytes_out;
    }
  }
  return out;
}

std::string kafka_endpoint(const std::vector<broker_endpoint>& eps) {
  for (auto& e : eps)
    if (e.name != "NATIVE")
      return e.host + ":" + std::to_string(e.port);
  return "";
}

} // namespace

node_console::node_console(caf::actor_system& sys, broker_actor broker, cluster::server_config cfg, caf::actor quorum,
                           caf::actor controller)
  : sys_(sys), broker_(std::move(broker)), cfg_(std::move(cfg)), quorum_(std::move(quorum)),
    controller_(std::move(controller)), lags_(console_history_samples, console_history_series) {}

node_console::~node_console() {
  stop();
}

http_response node_console::handle(const std::string& path, const std::multimap<std::string, std::string>& query) {
  auto parsed = console::parse_request(path, query);
  if (!parsed.ok()) {
    if (path.rfind("/api/", 0) == 0)
      return json_error(parsed.status, parsed.message);
    return text_answer(parsed.status, parsed.message);
  }
  return answer(parsed.request);
}

http_response node_console::answer(const console::console_request& req) {
  if (req.kind == route::page || req.kind == route::asset) {
    auto* a = console::find_asset(req.asset);
    if (!a)
      return text_answer(404, "not found: /static/" + req.asset);
    // The console's own files only: no script, style or frame from elsewhere (inline style attributes are
    // the chart legend's colours; the icon is an empty data: URL).
    return {200, std::string(a->content_type), std::string(a->body),
            {{"Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                         "frame-ancestors 'none'"},
             {"Cache-Control", "no-cache"}}};
  }
  if (req.kind == route::reports || req.kind == route::report)
    return reports(req); // files, no actor
  asker a{sys_};
  bool clustered = static_cast<bool>(controller_);
  switch (req.kind) {
    case route::overview: {
      console::overview_model m;
      m.node_id = cfg_.node_id;
      m.clustered = clustered;
      a.ask(broker_, [&](cluster_info& info) { m.cluster_id = info.cluster_id; m.nodes.push_back({info.node_id, false, info.kafka_listener}); },
            info_atom::value);
      if (clustered) {
        a.ask(quorum_, [&](quorum_status& s) { m.quorum = console::quorum_row{s.leader, s.term, s.role, s.voter}; },
              status_atom::value);
        a.ask(controller_,
              [&](broker_membership& b) {
                m.nodes.clear();
                for (auto& x : b.brokers)
                  m.nodes.push_back({x.node_id, x.fenced, kafka_endpoint(x.endpoints)});
              },
              status_atom::value);
      }
      if (auto t = describe_topics(a, broker_, {}))
        m.topics = std::move(*t);
      m.groups = collect_groups(a, broker_);
      {
        std::lock_guard<std::mutex> guard{history_mutex_};
        for (auto& t : m.topics)
          if (console::topic_rates r; rates_.rate(t.name, r))
            m.rates[t.name] = r;
        m.rate_window_ms = rates_.window_ms();
      }
      m.complete = a.complete;
      return json_answer(console::overview_json(m));
    }
    case route::topic: {
      auto t = describe_topics(a, broker_, {req.name});
      if (!t || t->empty())
        return failure(a.error, "topic '" + req.name + "'");
      console::topic_model m;
      m.node_id = cfg_.node_id;
      m.clustered = clustered;
      m.topic = std::move(t->front());
      m.configs = cluster::describe_topic_configs(cfg_, m.topic.configs);
      return json_answer(console::topic_json(m));
    }
    case route::records: {
      auto t = describe_topics(a, broker_, {req.name});
      if (!t || t->empty())
        return failure(a.error, "topic '" + req.name + "'");
      auto& topic = t->front();
      if (static_cast<size_t>(req.partition) >= topic.partition_states.size())
        return json_error(404, "topic '" + req.name + "' has " + std::to_string(topic.partition_states.size())
                                 + " partition(s); there is no partition " + std::to_string(req.partition));
      auto leader = topic.partition_states[static_cast<size_t>(req.partition)].leader;
      fetch_request f;
      f.topic = req.name;
      f.partition = req.partition;
      f.offset = std::max<int64_t>(req.offset, 0);
      f.max_bytes = console::records_fetch_bytes;
      f.max_wait_ms = 0;
      f.min_bytes = 0;
      fetch_response resp;
      // At most two fetches: one below the log start (or "from the start") moves up to the log start.
      for (int attempt = 0; attempt < 2; ++attempt) {
        if (!a.ask(broker_, [&](fetch_response& r) { resp = std::move(r); }, fetch_atom::value, f))
          return failure(a.error, "partition " + std::to_string(req.partition) + " (led by node "
                                    + std::to_string(leader) + ")");
        auto code = static_cast<api_errc>(resp.error);
        if (code == api_errc::offset_out_of_range && resp.log_start_offset > f.offset && attempt == 0) {
          f.offset = resp.log_start_offset;
          continue;
        }
        break;
      }
      auto code = static_cast<api_errc>(resp.error);
      console::records_origin origin{req.name, req.partition, f.offset, resp.log_start_offset, resp.high_watermark};
      if (code == api_errc::offset_out_of_range) // past the end: an empty page
        return json_answer(console::records_json(origin, console::records_page{{}, {}, f.offset, false}));
      if (code != api_errc::ok)
        return json_error(code == api_errc::unknown_topic_or_partition ? 404 : 503,
                          "partition " + std::to_string(req.partition) + " (led by node " + std::to_string(leader)
                            + "): " + to_string(code));
      auto page = console::decode_page(resp.records.data(), resp.records.size(), f.offset, req.limit);
      return json_answer(console::records_json(origin, page));
    }
    case route::groups: {
      auto groups = collect_groups(a, broker_);
      auto topics = describe_topics(a, broker_, {});
      return json_answer(console::groups_json(groups, topics ? *topics : std::vector<topic_description>{},
                                              cfg_.node_id, clustered));
    }
    case route::group: {
      console::group_model m;
      m.node_id = cfg_.node_id;
      m.clustered = clustered;
      if (!a.ask(broker_, [&](group_info& g) { m.group = std::move(g); }, groups_atom::value, describe_atom::value,
                 req.name))
        return failure(a.error, "group '" + req.name + "'");
      if (auto t = describe_topics(a, broker_, {}))
        m.topics = std::move(*t);
      {
        std::lock_guard<std::mutex> guard{history_mutex_};
        m.history = lags_.of_group(req.name);
      }
      return json_answer(console::group_json(m));
    }
    case route::page:
    case route::asset:
    case route::reports:
    case route::report:
      break;
  }
  return json_error(404, "not found");
}

http_response node_console::reports(const console::console_request& req) {
  namespace fs = std::filesystem;
  fs::path root = console::default_reports_dir; // relative to the broker's working directory
  std::error_code ec;
  auto shown = fs::absolute(root, ec).lexically_normal().string();
  if (req.kind == route::reports)
    return json_answer(console::reports_json(shown, fs::is_directory(root, ec), console::find_reports(root)));
  auto file = console::report_file(root, req.name);
  if (!file)
    return text_answer(404, "no report " + req.name + (req.name.empty() ? "" : "/") + "report.html in " + shown);
  auto size = fs::file_size(*file, ec);
  if (ec || size > console::max_report_bytes)
    return text_answer(503, "the report is larger than the console serves; open " + file->string());
  std::ifstream in{*file, std::ios::binary};
  std::string body(static_cast<size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  body.resize(static_cast<size_t>(in.gcount()));
  // A report is self-contained (inline CSS and SVG, no script): nothing else may run or load in it.
  return {200, "text/html; charset=utf-8", std::move(body),
          {{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:"}}};
}

void node_console::sample_once() {
  asker a{sys_};
  auto topics = describe_topics(a, broker_, {});
  if (!topics)
    return;
  auto groups = collect_groups(a, broker_);
  bool clustered = static_cast<bool>(controller_);
  auto now = wall_ms();
  std::lock_guard<std::mutex> guard{history_mutex_};
  rates_.record(now, counters_of(*topics));
  for (auto& g : groups)
    for (auto& c : g.committed)
      if (auto lag = console::partition_lag(*topics, cfg_.node_id, clustered, c))
        lags_.record(now, {g.group_id, c.topic, c.partition}, *lag);
  lags_.forget_older_than(now - std::chrono::duration_cast<std::chrono::milliseconds>(console_history_span).count());
}

void node_console::start_sampler() {
  sampler_ = std::thread([this] {
    std::unique_lock<std::mutex> lock{sampler_mutex_};
    while (!stopping_) {
      lock.unlock();
      try {
        sample_once();
      } catch (const std::exception& e) {
        spdlog::warn("console: sampling failed: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, console_sample_interval, [this] { return stopping_; });
    }
  });
}

void node_console::stop() {
  {
    std::lock_guard<std::mutex> guard{sampler_mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable())
    sampler_.join();
}

} // namespace samsa::actors
