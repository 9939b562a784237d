// The active controller's changes to existing topics (AlterConfigs, IncrementalAlterConfigs,
// CreatePartitions on a cluster): cluster::replication_control decides the records (config records,
// partition records), this shell proposes them and answers once the image shows them. Called by the
// controller's behaviour only while active (actors/controller.cpp forwards otherwise).
#include <random>

#include <spdlog/spdlog.h>

#include "actors/broker_topics.hpp"
#include "actors/controller_partitions.hpp"
#include "cluster/metadata_view.hpp"

namespace samsa::actors {

namespace {

// Proposes `d` (nothing to propose: the topic as it is) and answers with the topic as `d` leaves it.
caf::result<topic_description> propose_topic_change(controller_ptr self, const std::string& topic,
                                                    const cluster::topic_change_decision& d, bool validate_only,
                                                    std::string what) {
  auto& st = self->state;
  cluster::metadata_image after = *st.image;
  if (!d.records.empty())
    after.apply_batch(d.records, st.image->offset() + 1);
  auto t = after.topic_by_name(topic);
  if (!t)
    return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + topic + "'");
  auto desc = cluster::describe_topic(after, *t);
  if (validate_only || d.records.empty())
    return desc;
  auto rp = self->make_response_promise<topic_description>();
  propose(self, d.records, [=](caf::expected<int64_t> idx) mutable {
    if (!idx) {
      rp.deliver(idx.error());
      return;
    }
    spdlog::info("controller: topic {}: {} at index {}", topic, what, *idx);
    when_applied(self, *idx, [=]() mutable { rp.deliver(desc); });
  });
  return rp;
}

} // namespace

caf::result<topic_description> alter_topic_configs(controller_ptr self, topic_config_change& change) {
  auto& st = self->state;
  auto d = st.topics.alter_configs(*st.image, change.topic, to_alters(change.ops), change.incremental,
                                   change.validate_only);
  if (d.error != cluster::change_error::none)
    return make_error(to_api_errc(d.error), d.reason);
  return propose_topic_change(self, change.topic, d, change.validate_only,
                              std::to_string(d.records.size()) + " config override(s) changed");
}

caf::result<topic_description> create_partitions(controller_ptr self, partition_increase& inc) {
  auto& st = self->state;
  cluster::create_topic_context ctx;
  std::random_device rd;
  ctx.start = rd();
  ctx.shift = rd();
  ctx.live = st.control->unfenced_brokers(*st.image);
  auto d = st.topics.create_partitions(*st.image, inc.topic, inc.count, inc.assignments, ctx, inc.validate_only);
  if (d.error != cluster::change_error::none)
    return make_error(to_api_errc(d.error), d.reason);
  return propose_topic_change(self, inc.topic, d, inc.validate_only,
                              "grew to " + std::to_string(d.partitions) + " partitions");
}

} // namespace samsa::actors
