#include "native_bench.hpp"

#include <deque>
#include <filesystem>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/native_transport.hpp"
#include "actors/node.hpp"
#include "messages/native_api.hpp"
#include "messages/type_registry.hpp"

namespace bench {

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);

struct remote_config : caf::actor_system_config {
  remote_config() {
    samsa::register_samsa_types(*this);
    load<caf::io::middleman>();
    samsa::actors::configure_native_security(*this, samsa::actors::native_security::from_environment());
    set("scheduler.max-threads", size_t{2});
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};


// Produces c.records records to partition 0 of a new topic with `window` requests in flight, then
// fetches them back from offset 0. server_pid > 0: that process's CPU and memory are measured.
native_result run(caf::actor_system& sys, const samsa::broker_actor& broker, const native_case& c, pid_t server_pid) {
  using namespace samsa;
  native_result out;
  out.produce.ran = out.fetch.ran = true;
  caf::scoped_actor self{sys};
  const std::string topic = "native-bench";
  std::string why;

  topic_spec spec;
  spec.name = topic;
  spec.partitions = 1;
  bool created = false;
  self->request(broker, request_timeout, create_atom::value, spec)
    .receive([&](const topic_description&) { created = true; },
             [&](const caf::error& e) { why = "create topic: " + sys.render(e); });
  if (!created) {
    out.produce.note = out.fetch.note = why;
    return out;
  }

  std::vector<record> batch(static_cast<size_t>(c.batch));
  for (auto& r : batch)
    r.value = std::string(static_cast<size_t>(c.record_size), 'v');

  // -- produce ----------------------------------------------------------------------------------------
  using handle = decltype(self->request(broker, request_timeout, produce_atom::value, produce_request{}));
  std::deque<handle> inflight;
  int64_t sent = 0, acked = 0, errors = 0;
  auto collect = [&](handle& h) {
    h.receive(
      [&](const produce_response& resp) {
        for (auto& p : resp.partitions) {
          if (p.error != 0) {
            ++errors;
            if (why.empty())
              why = "produce: error " + std::to_string(p.error) + " " + p.error_message;
          } else {
            acked += p.record_count;
          }
        }
      },
      [&](const caf::error& e) {
        ++errors;
        if (why.empty())
          why = "produce: " + sys.render(e);
      });
  };
  server_meter meter{server_pid};
  meter.start();
  auto t0 = clock_type::now();
  while (sent < c.records && seconds_since(t0) < c.max_seconds && errors == 0) {
    if (static_cast<int>(inflight.size()) >= c.window) {
      collect(inflight.front());
      inflight.pop_front();
    }
    produce_request req;
    req.topic = topic;
    req.partition = 0;
    req.acks = acks_leader;
    auto n = std::min<int64_t>(c.batch, c.records - sent);
    req.records.assign(batch.begin(), batch.begin() + n);
    inflight.push_back(self->request(broker, request_timeout, produce_atom::value, std::move(req)));
    sent += n;
  }
  while (!inflight.empty()) {
    collect(inflight.front());
    inflight.pop_front();
  }
  out.produce.seconds = seconds_since(t0);
  meter.stop(out.produce.server_cpu_s, out.produce.server_peak_mib);
  out.produce.records = acked;
  out.produce.errors = errors;
  out.produce.bytes = acked * c.record_size;
  out.produce.ok = errors == 0 && acked == sent && sent > 0;
  out.produce.note = out.produce.ok ? "" : (why.empty() ? "not every record acknowledged" : why);

  // -- fetch back -------------------------------------------------------------------------------------
  why.clear();
  meter.start();
  t0 = clock_type::now();
  int64_t offset = 0, got = 0, bytes = 0;
  std::vector<record> recs;
  while (offset < acked && why.empty() && seconds_since(t0) < c.max_seconds * 3) {
    fetch_request f;
    f.topic = topic;
    f.partition = 0;
    f.offset = offset;
    self->request(broker, request_timeout, fetch_atom::value, f)
      .receive(
        [&](const fetch_response& resp) {
          if (resp.error != 0) {
            why = "fetch: error " + std::to_string(resp.error);
            return;
          }
          recs.clear();
          if (!decode_batches(resp.records.data(), resp.records.size(), offset, recs)) {
            why = "fetch: undecodable batches";
            return;
          }
          if (recs.empty()) {
            why = "fetch: no records at offset " + std::to_string(offset);
            return;
          }
          for (auto& r : recs)
            bytes += r.value ? static_cast<int64_t>(r.value->size()) : 0;
          got += static_cast<int64_t>(recs.size());
          offset = recs.back().offset + 1;
        },
        [&](const caf::error& e) { why = "fetch: " + sys.render(e); });
  }
  out.fetch.seconds = seconds_since(t0);
  meter.stop(out.fetch.server_cpu_s, out.fetch.server_peak_mib);
  out.fetch.records = got;
  out.fetch.bytes = bytes;
  out.fetch.ok = why.empty() && got == acked;
  out.fetch.note = out.fetch.ok ? "" : (why.empty() ? "produced " + std::to_string(acked) + ", fetched " + std::to_string(got) : why);

  self->request(broker, request_timeout, delete_atom::value, topic).receive([](bool) {}, [](const caf::error&) {});
  return out;
}

} // namespace

native_result native_in_process(const std::string& workdir, const native_case& c) {
  native_result out;
  auto dir = workdir + "/native-embedded";
  auto loaded = samsa::cluster::load_server_config(std::nullopt, {"log.dirs=" + dir});
  if (!loaded.ok()) {
    out.produce.ran = true;
    out.produce.note = loaded.errors.empty() ? "bad config" : loaded.errors.front();
    return out;
  }
  samsa::actors::node_system_config cfg{loaded.config};
  caf::actor_system sys{cfg};
  auto node = samsa::actors::start_node(sys, loaded.config, false);
  if (!node) {
    out.produce.ran = true;
    out.produce.note = "cannot start an embedded node: " + sys.render(node.error());
    return out;
  }
  out = run(sys, node->broker, c, -1);
  samsa::actors::stop_node(sys, *node);
  return out;
}

native_result native_remote(uint16_t native_port, pid_t server_pid, const native_case& c) {
  native_result out;
  remote_config cfg;
  caf::actor_system sys{cfg};
  auto broker = samsa::actors::connect_native<samsa::broker_actor>(
    sys, "127.0.0.1", native_port, samsa::actors::native_security::from_environment());
  if (!broker) {
    out.produce.ran = true;
    out.produce.note = "remote_actor: " + sys.render(broker.error());
    return out;
  }
  out = run(sys, *broker, c, server_pid);
  return out;
}

} // namespace bench
