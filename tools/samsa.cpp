// The `samsa` command: one binary for the broker and its command-line clients.
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli_common.hpp"

namespace {

const char* usage = R"(usage: samsa COMMAND [OPTIONS]

commands:
  broker   [--config FILE] [--set key=value ...]       start a node (defaults: data in ./data,
                                                       native API on 127.0.0.1:19092)
  topics   create TOPIC [--partitions N] [--replication-factor R] [--config k=v ...]
  topics   list | describe [TOPIC] | delete TOPIC
  produce  TOPIC [--key-separator SEP] [--partition P] [--acks -1|0|1] [--batch-records N]
                                                       one record per stdin line
  consume  TOPIC [--from-beginning | --offset N] [--partition P] [--follow]
                 [--max-messages N] [--print-key] [--print-offset] [--key-separator SEP]
                                                       exits at the end of the log unless --follow

  groups   list | describe GROUP | reset-offsets GROUP --topic T --to-earliest|--to-latest|--to-offset N
                                                       (reset is refused while the group has members)
  cluster  status [--output text|json]                 the controller quorum as this node sees it
  cluster  start [--nodes N] [--dir D] [--base-port P]  a local N-node cluster in the foreground
                                                       (--help for ports and files; Ctrl-C stops it)

client commands talk to 127.0.0.1:19092 (the broker's native API) unless --broker HOST:PORT is given.
)";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  std::string cmd = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (cmd == "broker")
    return samsa::cli::cmd_broker(rest);
  if (cmd == "topics")
    return samsa::cli::cmd_topics(rest);
  if (cmd == "produce")
    return samsa::cli::cmd_produce(rest);
  if (cmd == "consume")
    return samsa::cli::cmd_consume(rest);
  if (cmd == "groups")
    return samsa::cli::cmd_groups(rest);
  if (cmd == "cluster")
    return samsa::cli::cmd_cluster(rest);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << usage;
    return 0;
  }
  std::cerr << "error: unknown command '" << cmd << "'\n" << usage;
  return 2;
}
