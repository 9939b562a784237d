#pragma once
// The broker's topic administration: create (validation, metadata first, then the partition actors),
// delete (metadata first, then each partition's directory through its tombstone) and describe (asks every
// partition actor). Kept out of broker.cpp so the broker stays a router; in the cluster these requests go
// to the controller (the topic frontend of docs/cluster-design.md).
#include <string>
#include <vector>

#include "actors/broker.hpp"

namespace samsa::actors {

// Validates and creates a topic; validate_only stops before any change. Used by auto-creation too.
caf::expected<persistence::topic_record> create_topic(broker_ptr self, topic_spec spec);

caf::result<topic_description> handle_create_topic(broker_ptr self, topic_spec& spec);
caf::result<bool> handle_delete_topic(broker_ptr self, std::string& name);
caf::result<std::vector<topic_description>> handle_describe_topics(broker_ptr self, std::vector<std::string>& names);

// Stores a versioned Boost snapshot of the metadata image (after every change).
void save_snapshot(broker_state& st);

} // namespace samsa::actors
