#include "actors/broker_topics.hpp"

#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "actors/partition_replica.hpp"
#include "cluster/controller/replication_control.hpp"
#include "persistence/data_dir.hpp"

namespace samsa::actors {

namespace {

constexpr auto request_timeout = timeouts::request;
using cluster::max_partitions_per_topic; // the single node and the controller refuse alike

} // namespace

topic_description describe_record(const persistence::topic_record& rec) {
  topic_description d;
  d.name = rec.name;
  d.topic_id = rec.topic_id;
  d.partitions = rec.partitions;
  d.replication_factor = rec.replication_factor;
  d.configs = rec.configs;
  return d;
}

caf::error check_partition_dirs_free(const broker_state& st, const std::string& topic, int32_t from, int32_t to) {
  for (int32_t p = from; p < to; ++p) {
    auto d = partition_dir(st.cfg, topic, p);
    if (persistence::holds_log_data(d))
      return make_error(api_errc::storage_error, "directory " + d.string() + " already holds records of a topic this "
                                                   "node does not know; move it away before creating partition "
                                                   + std::to_string(p) + " of topic '" + topic + "'");
  }
  return {};
}

void save_snapshot(broker_state& st) {
  // A versioned Boost blob of the metadata image: what a joining replica will bootstrap from.
  st.store->save_snapshot(st.store->image());
}

// Validates and creates a topic (metadata, then partition logs); validate_only stops before any change.
caf::expected<persistence::topic_record> create_topic(broker_ptr self, topic_spec spec) {
  auto& st = self->state;
  if (auto why = cluster::validate_topic_name(spec.name); !why.empty())
    return make_error(api_errc::invalid_topic, why);
  if (spec.partitions == -1)
    spec.partitions = st.cfg.num_partitions;
  if (spec.partitions <= 0 || spec.partitions > max_partitions_per_topic)
    return make_error(api_errc::invalid_partitions,
                      "number of partitions must be between 1 and " + std::to_string(max_partitions_per_topic));
  if (spec.replication_factor == -1)
    spec.replication_factor = st.cfg.default_replication_factor;
  if (spec.replication_factor <= 0 || spec.replication_factor > 1)
    return make_error(api_errc::invalid_replication_factor,
                      "replication factor " + std::to_string(spec.replication_factor)
                        + " larger than available brokers: 1");
  if (auto why = cluster::validate_topic_configs(spec.configs); !why.empty())
    return make_error(api_errc::invalid_config, why);
  if (st.topics.count(spec.name) > 0)
    return make_error(api_errc::topic_already_exists, "topic '" + spec.name + "' already exists");
  persistence::topic_record rec;
  rec.name = spec.name;
  rec.partitions = spec.partitions;
  rec.replication_factor = spec.replication_factor;
  rec.configs = spec.configs;
  rec.created_ms = wall_clock_ms(); // shown to users: wall time
  if (auto e = check_partition_dirs_free(st, rec.name, 0, rec.partitions))
    return e;
  if (spec.validate_only)
    return rec;
  if (auto e = st.store->create_topic(rec); e != persistence::errc::ok)
    return make_error(to_api_errc(e), "cannot store topic: " + st.store->last_error());
  if (auto stored = st.store->get_topic(rec.name))
    rec = *stored; // picks up the generated topic id
  st.topics[rec.name] = open_topic(self->system(), st.cfg, rec, st.producer_id_limit);
  save_snapshot(st);
  spdlog::info("created topic {} ({} partition{}, topic id {}{})", rec.name, rec.partitions,
               rec.partitions == 1 ? "" : "s", rec.topic_id, rec.configs.empty() ? "" : ", with config overrides");
  return rec;
}

caf::result<topic_description> handle_create_topic(broker_ptr self, topic_spec& spec) {
  auto validate_only = spec.validate_only;
  auto entry = create_topic(self, std::move(spec));
  if (!entry)
    return entry.error();
  auto d = describe_record(*entry);
  for (int32_t p = 0; p < d.partitions; ++p) {
    partition_state s;
    s.partition = p;
    s.leader = self->state.cfg.node_id;
    s.replicas = s.isr = {s.leader};
    d.partition_states.push_back(s);
  }
  if (validate_only)
    d.topic_id.clear();
  return d;
}

caf::result<bool> handle_delete_topic(broker_ptr self, std::string& name) {
  auto& st = self->state;
  auto i = st.topics.find(name);
  if (i == st.topics.end())
    return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + name + "'");
  // Metadata first, then each partition renames its directory to a "-delete" tombstone and removes it. A
  // crash in between leaves a directory of an unknown topic, which the next start reports and keeps.
  if (auto e = st.store->delete_topic(name); e != persistence::errc::ok)
    return make_error(to_api_errc(e), "cannot delete topic: " + st.store->last_error());
  auto parts = std::move(i->second.partitions);
  st.topics.erase(i);
  caf::anon_send(st.groups, delete_atom::value, name); // committed offsets of the topic go too
  save_snapshot(st);
  spdlog::info("deleted topic {} ({} partition{})", name, parts.size(), parts.size() == 1 ? "" : "s");
  auto rp = self->make_response_promise<bool>();
  auto pending = std::make_shared<size_t>(parts.size());
  for (auto& p : parts) {
    self->request(p, request_timeout, delete_atom::value)
      .then([=](bool) mutable { if (--*pending == 0) rp.deliver(true); },
            [=](caf::error&) mutable { if (--*pending == 0) rp.deliver(true); });
  }
  return rp;
}

caf::result<std::vector<topic_description>> handle_describe_topics(broker_ptr self, std::vector<std::string>& names) {
  auto& st = self->state;
  std::vector<const topic_entry*> selected;
  if (names.empty()) {
    for (auto& [n, t] : st.topics)
      selected.push_back(&t);
  } else {
    for (auto& n : names) {
      auto i = st.topics.find(n);
      if (i == st.topics.end())
        return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + n + "'");
      selected.push_back(&i->second);
    }
  }
  auto out = std::make_shared<std::vector<topic_description>>();
  auto pending = std::make_shared<size_t>(0);
  for (auto* t : selected) {
    out->push_back(describe_record(t->record));
    out->back().partition_states.resize(t->partitions.size());
    *pending += t->partitions.size();
  }
  if (*pending == 0)
    return *out;
  auto rp = self->make_response_promise<std::vector<topic_description>>();
  for (size_t ti = 0; ti < selected.size(); ++ti) {
    for (size_t p = 0; p < selected[ti]->partitions.size(); ++p) {
      self->request(selected[ti]->partitions[p], request_timeout, info_atom::value)
        .then(
          [=](partition_state& s) mutable {
            (*out)[ti].partition_states[p] = std::move(s);
            if (--*pending == 0)
              rp.deliver(std::move(*out));
          },
          [=](caf::error& e) mutable {
            if (--*pending == 0)
              rp.deliver(std::move(*out));
          });
    }
  }
  return rp;
}

} // namespace samsa::actors
