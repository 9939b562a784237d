#pragma once
// The data disks of an experiment run with `[cluster] data_disk_mb` (docs/experiments.md "Full disks"): each
// node's data directory is a tmpfs of that size, so a `disk-full` fault fills a real file system to its last
// page (ENOSPC in the broker, as on a full disk) without touching the machine's disk.
//
// The mounts live in a mount namespace of their own, held by a child process (the holder) that unshares it,
// makes every mount private (nothing propagates to or from the rest of the machine), mounts the tmpfs over
// each node's data directory and then waits for the runner to go. Brokers join that namespace between fork and
// exec (node_set::start); the runner reaches the files through /proc/<holder>/root. No mount is ever made in
// the runner's namespace, so nothing is left behind: the mounts end with the namespace, when the holder and
// the brokers are gone: at the end of the run, on a failure, on Ctrl-C, and after the runner's kill -9
// (every child has PR_SET_PDEATHSIG = SIGKILL). Not thread-safe: only the runner's main thread uses it.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samsa::experiment {

class run_disks {
public:
  // Why this run cannot have them (not root); nullopt when it may try (the constructor still may fail).
  static std::optional<std::string> unavailable();
  // Mounts a tmpfs of `size_mb` MiB over each of `dirs` (data directories of nodes 1..n, created if needed)
  // in the holder's namespace. Throws std::runtime_error saying which step failed (after ending the holder).
  run_disks(std::vector<std::string> dirs, int size_mb, const std::string& log);
  ~run_disks(); // teardown(false)
  run_disks(const run_disks&) = delete;
  run_disks& operator=(const run_disks&) = delete;

  pid_t holder() const { return holder_; }
  int size_mb() const { return size_mb_; }
  std::string mount_ns_path() const; // /proc/<holder>/ns/mnt, for setns(CLONE_NEWNS)
  // Fills node `node`'s disk: a filler file (fallocate, then writes until ENOSPC) leaving less than a page
  // free. `what` says how much it took and what is left; false and `what` = why when it could not.
  bool fill(int node, std::string& what);
  // Deletes the filler; `what` says how much is free afterwards. Idempotent.
  bool clear(int node, std::string& what);
  // Ends the holder (the mounts go with its namespace once no broker is left in it). With `keep`, each
  // node's files (not the filler) are copied first to the directory under the mount, where the run's
  // other output is kept for a look after a failed run.
  void teardown(bool keep);

private:
  std::string view(int node) const; // the data directory as the runner reaches it
  void note(const std::string& line) const;

  std::vector<std::string> dirs_; // absolute
  int size_mb_ = 0;
  std::string log_;
  pid_t holder_ = -1;
  int keepalive_fd_ = -1; // the holder reads its other end and exits on EOF
};

} // namespace samsa::experiment
