#pragma once
// Reading the metadata image the way the native API and the Kafka handlers need it: a topic as a
// topic_description (replicas, leader, epochs, ISR per partition), the broker a node id names, and the
// group coordinator choice. Pure functions of the image.
#include <cstdint>
#include <optional>
#include <string>

#include "cluster/metadata_image.hpp"
#include "messages/native_api.hpp"

namespace samsa::cluster {

// The topic as the image holds it (no log offsets: those come from the replica actors).
topic_description describe_topic(const metadata_image& img, const topic_image& t);

// The broker's endpoint named `listener` ("PLAINTEXT", "NATIVE"), if it is registered and has one.
std::optional<broker_endpoint> endpoint_of(const metadata_image& img, int32_t node_id, const std::string& listener);

// Whether the node's broker is registered and unfenced.
bool is_live(const metadata_image& img, int32_t node_id);

// The node that coordinates `group`: the live leader of the group's partition of the offsets log
// (cluster/offsets_topic.hpp). -1 while the log does not exist or that partition has no live leader.
int32_t group_coordinator(const metadata_image& img, const std::string& group);

} // namespace samsa::cluster
