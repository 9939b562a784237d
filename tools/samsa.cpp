// The `samsa` command: one binary for the broker and its command-line clients. The commands and their
// options are tables (tools/cli_options.hpp, each command's table in its cli_*.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli_common.hpp"

int main(int argc, char** argv) {
  using namespace samsa::cli;
  return run_command_line(samsa_commands(), std::vector<std::string>(argv + 1, argv + argc), version_text(),
                          std::cout, std::cerr);
}
