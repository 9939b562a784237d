#pragma once
// The one place that registers every type crossing CAF nodes. Every node, every test and every embedding
// application calls it on its actor_system_config before creating the actor_system.
#include <caf/actor_system_config.hpp>

namespace samsa {
void register_samsa_types(caf::actor_system_config& cfg);
}
