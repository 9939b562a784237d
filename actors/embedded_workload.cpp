#include "actors/embedded_workload.hpp"

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/native_transport.hpp"
#include "messages/native_errors.hpp"
#include "messages/record_batch.hpp"
#include "messages/type_registry.hpp"

namespace samsa::actors {

namespace {

namespace checker = cluster::checker;
using checker::event;
using checker::event_type;
using checker::op_f;
using clock = std::chrono::steady_clock;

// A client process's actor system (as the `samsa` CLI's): heartbeats keep its connections to quorum nodes
// open while idle (actors/node.hpp).
struct client_system_config : caf::actor_system_config {
  client_system_config() {
    register_samsa_types(*this);
    load<caf::io::middleman>();
    set("scheduler.max-threads", size_t{2});
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
    set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(500)});
  }
};

event completion(int64_t process, event_type t, op_f f) {
  event e;
  e.process = process;
  e.type = t;
  e.f = f;
  return e;
}

} // namespace

embedded_workload::embedded_workload(options o, cluster::experiment::history_log& h)
  : o_(std::move(o)), h_(h), cfg_(std::make_unique<client_system_config>()),
    sys_(std::make_unique<caf::actor_system>(*cfg_)), brokers_(o_.native_ports.size()) {}

embedded_workload::~embedded_workload() {
  stop();
  std::lock_guard<std::mutex> g{m_};
  brokers_.clear();
}

std::optional<broker_actor> embedded_workload::broker(size_t node) {
  {
    std::lock_guard<std::mutex> g{m_};
    if (brokers_[node])
      return brokers_[node];
  }
  auto b = connect_native<broker_actor>(*sys_, "127.0.0.1", o_.native_ports[node], native_security{},
                                        std::chrono::milliseconds(1000));
  if (!b)
    return std::nullopt;
  std::lock_guard<std::mutex> g{m_};
  brokers_[node] = *b;
  return *b;
}

void embedded_workload::forget(size_t node) {
  std::lock_guard<std::mutex> g{m_};
  brokers_[node].reset();
}

void embedded_workload::start() {
  for (size_t i = 0; i < o_.producers.size(); ++i)
    threads_.emplace_back([this, i, p = next_process_++] { run_producer(i, p); });
  for (size_t i = 0; i < o_.consumers.size(); ++i)
    threads_.emplace_back([this, i, p = next_process_++] { run_consumer(i, p); });
}

void embedded_workload::stop() {
  stopping_ = true;
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

void embedded_workload::run_producer(size_t index, int64_t process) {
  const auto& spec = o_.producers[index];
  auto parts = o_.partitions.at(spec.topic);
  auto period = std::chrono::duration<double>(1.0 / std::max(0.1, spec.rate));
  auto next = clock::now();
  size_t nodes = o_.native_ports.size();
  caf::scoped_actor self{*sys_};
  for (int64_t n = 0; !stopping_; ++n) {
    std::this_thread::sleep_until(next);
    next += std::chrono::duration_cast<clock::duration>(period);
    produce_request req;
    req.topic = spec.topic;
    req.partition = static_cast<int32_t>(n % parts);
    req.acks = spec.acks;
    auto value = "p" + std::to_string(index) + "-" + std::to_string(n);
    req.records.push_back(record{std::nullopt, value, {}, -1, -1});
    event inv;
    inv.process = process;
    inv.type = event_type::invoke;
    inv.f = op_f::send;
    inv.tp = {spec.topic, req.partition};
    inv.value = value;
    h_.write(inv);
    // The running nodes' brokers in turn; none reachable: the record was never sent.
    std::optional<broker_actor> b;
    size_t node = 0;
    for (size_t k = 0; k < nodes && !b; ++k) {
      node = static_cast<size_t>(n + static_cast<int64_t>(k)) % nodes;
      b = broker(node);
    }
    if (!b) {
      auto e = completion(process, event_type::fail, op_f::send);
      e.error = "no broker reachable";
      h_.write(e);
      ++h_.send_fail;
      continue;
    }
    auto e = completion(process, event_type::info, op_f::send);
    self->request(*b, o_.request_timeout, produce_atom::value, req)
      .receive(
        [&](produce_response& r) {
          if (r.partitions.empty()) {
            e.error = "empty response";
            return;
          }
          const auto& p = r.partitions.front();
          if (p.error == 0) {
            e.type = event_type::ok;
            if (p.base_offset >= 0)
              e.offset = p.base_offset;
          } else {
            e.error = to_string(static_cast<api_errc>(p.error));
          }
        },
        [&](caf::error& err) {
          e.error = sys_->render(err);
          forget(node);
        });
    h_.write(e);
    ++(e.type == event_type::ok ? h_.send_ok : h_.send_info);
  }
}

bool embedded_workload::poll(int64_t process, const std::string& topic, int32_t partition, int64_t& position,
                             size_t& node, int64_t* high_watermark) {
  size_t nodes = o_.native_ports.size();
  std::optional<broker_actor> b;
  for (size_t k = 0; k < nodes && !b; ++k) {
    node = (node + 1) % nodes;
    b = broker(node);
  }
  if (!b) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return false;
  }
  event inv;
  inv.process = process;
  inv.type = event_type::invoke;
  inv.f = op_f::poll;
  h_.write(inv);
  fetch_request req;
  req.topic = topic;
  req.partition = partition;
  req.offset = position;
  req.max_wait_ms = 100;
  auto e = completion(process, event_type::info, op_f::poll);
  bool ok = false;
  caf::scoped_actor self{*sys_};
  self->request(*b, o_.request_timeout, fetch_atom::value, req)
    .receive(
      [&](fetch_response& r) {
        if (r.error != 0) {
          e.error = to_string(static_cast<api_errc>(r.error));
          return;
        }
        std::vector<record> recs;
        if (!decode_batches(r.records.data(), r.records.size(), position, recs)) {
          e.error = "records not decodable";
          return;
        }
        e.type = event_type::ok;
        for (const auto& rec : recs) {
          e.reads.push_back({{topic, partition}, rec.offset, rec.value.value_or("")});
          position = rec.offset + 1;
        }
        if (high_watermark)
          *high_watermark = r.high_watermark;
        ok = true;
      },
      [&](caf::error& err) {
        e.error = sys_->render(err);
        forget(node);
      });
  h_.polled += static_cast<int64_t>(e.reads.size());
  h_.write(e);
  return ok;
}

namespace {

// An assign of every partition of the topics, from the beginning (invoke and ok).
void assign_all(cluster::experiment::history_log& h, int64_t process, const std::map<std::string, int32_t>& topics,
                const std::vector<std::string>& which) {
  event inv;
  inv.process = process;
  inv.type = event_type::invoke;
  inv.f = op_f::assign;
  inv.seek_to_beginning = true;
  for (const auto& t : which)
    for (int32_t p = 0; p < topics.at(t); ++p)
      inv.partitions.push_back({t, p});
  h.write(inv);
  h.write(completion(process, event_type::ok, op_f::assign));
}

} // namespace

void embedded_workload::run_consumer(size_t index, int64_t process) {
  const auto& topic = o_.consumers[index].topic;
  auto parts = o_.partitions.at(topic);
  assign_all(h_, process, o_.partitions, {topic});
  std::vector<int64_t> position(static_cast<size_t>(parts), 0);
  size_t node = index;
  while (!stopping_)
    for (int32_t p = 0; p < parts && !stopping_; ++p)
      poll(process, topic, p, position[static_cast<size_t>(p)], node, nullptr);
}

bool embedded_workload::final_reads(std::chrono::milliseconds timeout, std::string& why) {
  auto process = next_process_++;
  auto deadline = clock::now() + timeout;
  std::vector<std::string> topics;
  for (const auto& [t, n] : o_.partitions)
    topics.push_back(t);
  assign_all(h_, process, o_.partitions, topics);
  size_t node = 0;
  for (const auto& [topic, parts] : o_.partitions)
    for (int32_t p = 0; p < parts; ++p) {
      int64_t position = 0;
      int64_t hw = -1;
      while (hw < 0 || position < hw) {
        if (clock::now() > deadline) {
          why = topic + "-" + std::to_string(p) + " read to offset " + std::to_string(position) + " of "
                + std::to_string(hw) + " when the time was up";
          return false;
        }
        int64_t seen = -1;
        if (poll(process, topic, p, position, node, &seen))
          hw = seen;
      }
    }
  return true;
}

} // namespace samsa::actors
