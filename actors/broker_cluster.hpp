#pragma once
// The broker on a cluster node (docs/cluster-design.md, section 3.4): it follows the metadata image its
// controller publishes and reconciles the node's local replicas with it (Redpanda's controller_backend
// idea), records the image's topics in the node's metadata database (its view of the cluster, which is how a
// restart finds what was deleted while it was down), answers only for the partitions it leads
// (NOT_LEADER_OR_FOLLOWER otherwise), forwards topic administration to the controller and takes producer
// ids from blocks allocated through the quorum.
//
// Without controller.quorum.voters none of this runs: the single node keeps its own tables as before.
#include <string>
#include <vector>

#include "actors/broker.hpp"

namespace samsa::actors {

// Whether the broker follows a cluster's metadata (it runs with a controller).
inline bool clustered(const broker_state& st) { return static_cast<bool>(st.controller); }

// A newer image: reconcile local replicas and the node's metadata database with it.
void on_image(broker_ptr self, image_ptr img);

// none when this node may serve (topic, partition) as its leader; else unknown_topic_or_partition or
// not_leader_or_follower (with the leader the image names in the detail). Always none on a single node.
caf::error leadership_error(const broker_state& st, const std::string& topic, int32_t partition);

// Topic administration through the controller (which forwards to the active one), retried on not_leader
// while a leader is being elected, up to the request timeout.
caf::result<topic_description> cluster_create_topic(broker_ptr self, topic_spec spec);
caf::result<bool> cluster_delete_topic(broker_ptr self, std::string name);
caf::result<topic_description> cluster_alter_topic(broker_ptr self, topic_config_change change);
caf::result<topic_description> cluster_create_partitions(broker_ptr self, partition_increase inc);
// Topics as the image describes them (leader, epoch, replicas, ISR), with the log offsets of the
// partitions this node leads.
caf::result<std::vector<topic_description>> cluster_describe_topics(broker_ptr self, std::vector<std::string> names);
// Partition reassignment through the controller (a single node: invalid_request), and the reassignments in
// progress of `topics` (every topic when empty) as the active controller knows them (a single node: none).
caf::result<std::vector<reassignment_outcome>> cluster_reassign(broker_ptr self, std::vector<partition_reassignment> reqs);
caf::result<std::vector<reassignment_info>> cluster_reassignments(broker_ptr self, std::vector<std::string> topics);
// The next producer id from this node's block; a new block from the controller when it is used up.
caf::result<producer_id_t> cluster_producer_id(broker_ptr self);

} // namespace samsa::actors
