// The list of `samsa` commands (each one's table lives next to its code) and `samsa --version`.
#include <caf/config.hpp>

#include "tools/cli_common.hpp"

#ifndef SAMSA_VERSION
#define SAMSA_VERSION "unknown"
#endif
#ifndef SAMSA_GIT_COMMIT
#define SAMSA_GIT_COMMIT "unknown"
#endif

namespace samsa::cli {

const std::vector<command_group>& samsa_commands() {
  static const std::vector<command_group> commands{broker_command(),  topics_commands(), produce_command(),
                                                   consume_command(), groups_commands(), cluster_commands(),
                                                   experiment_commands()};
  return commands;
}

std::string version_text() {
  return std::string{"samsa "} + SAMSA_VERSION + " (git " + SAMSA_GIT_COMMIT + ")\nCAF "
         + std::to_string(CAF_MAJOR_VERSION) + "." + std::to_string(CAF_MINOR_VERSION) + "."
         + std::to_string(CAF_PATCH_VERSION) + "\n";
}

} // namespace samsa::cli
