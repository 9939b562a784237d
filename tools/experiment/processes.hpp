#pragma once
// The processes an experiment run starts: its `samsa broker` nodes (kept per node id with their ports and
// directories so a node restarts where it was) and short helper commands (`samsa cluster status`) run with
// a deadline. Every child gets PR_SET_PDEATHSIG = SIGKILL and its own process group, so a runner killed
// with -9 leaves nothing behind and a terminal's Ctrl-C reaches only the runner, which then stops them.
// Not thread-safe: only the runner's main thread uses it.
#include <sys/types.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace samsa::experiment {

// Set by the SIGINT/SIGTERM handler; every wait of the runner gives up when it is set.
extern std::atomic<bool> stop_requested;
void install_stop_handler();
// Sleeps up to `seconds` in small steps; false when a stop was requested.
bool sleep_for(double seconds);

struct node_process {
  int id = 0;
  int kafka_port = 0;
  int native_port = 0;
  std::string dir; // OUT/node<i>: data/ and broker.log
  pid_t pid = -1;  // -1: not running
  bool paused = false;
  int starts = 0;
};

class run_network;
class run_disks;
class run_clocks;

class node_set {
public:
  // Picks free loopback ports for `n` nodes; `samsa` is the executable, `config` every node's extra keys.
  // With `net`, node i runs in its network namespace and listens on its address there (net outlives this).
  node_set(std::string samsa, const std::string& out_dir, int n, std::map<std::string, std::string> config,
           const run_network* net = nullptr);
  ~node_set(); // stop_all(true)

  int size() const { return static_cast<int>(nodes_.size()); }
  node_process& node(int id) { return nodes_.at(static_cast<size_t>(id - 1)); }
  const std::string& samsa() const { return samsa_; }
  std::string bootstrap() const; // every node's Kafka listener, comma-separated
  std::string native(int id) const;
  std::string host(int id) const; // 127.0.0.1, or the node's address in its namespace
  std::string data_dir(int id) const; // OUT/node<i>/data, the node's log.dirs
  // From the next start on, nodes run in the mount namespace of `disks` (its tmpfs data directories);
  // disks outlives this.
  void use_disks(const run_disks* disks) { disks_ = disks; }
  // From the next start on, nodes run under libfaketime with the environment of `clocks` (clocks.hpp);
  // clocks outlives this.
  void use_clocks(const run_clocks* clocks) { clocks_ = clocks; }

  bool start(int id, std::string& why);
  void kill9(int id);                      // and reaps it
  bool terminate(int id, double max_wait); // SIGTERM, wait for the exit (SIGKILL after max_wait); false if killed
  void pause(int id);
  void resume(int id);
  // Reaps nodes that exited on their own: "node 2 exited with status 1" per such node.
  std::vector<std::string> reap_unexpected();
  void stop_all(bool hard);

private:
  std::string samsa_;
  std::string voters_;
  std::map<std::string, std::string> config_;
  const run_network* net_ = nullptr;
  const run_disks* disks_ = nullptr;
  const run_clocks* clocks_ = nullptr;
  std::string cwd_; // relative paths resolve from here, also after joining the disks' mount namespace
  std::vector<node_process> nodes_;
};

// Runs argv with a deadline; its stdout, or nullopt when it failed, timed out or could not start. A stop
// request (Ctrl-C) cuts it short too, unless `interruptible` is false (the cleanup's own commands). With
// `env`, the command gets that environment ("KEY=VALUE" entries) instead of the runner's.
std::optional<std::string> run_capture(const std::vector<std::string>& argv, double timeout_s,
                                       bool interruptible = true, const std::vector<std::string>* env = nullptr);

int free_port();

} // namespace samsa::experiment
