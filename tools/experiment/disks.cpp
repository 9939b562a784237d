#include "tools/experiment/disks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace samsa::experiment {

namespace {

namespace fs = std::filesystem;

constexpr const char* filler_name = ".samsa-disk-filler";

std::string mib(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

bool free_bytes(const std::string& dir, uint64_t& out) {
  struct statvfs v {};
  if (statvfs(dir.c_str(), &v) != 0)
    return false;
  out = static_cast<uint64_t>(v.f_bavail) * v.f_frsize;
  return true;
}

// The holder's steps, for the error the parent reports.
const char* step_name(int step) {
  switch (step) {
  case 1: return "unshare(CLONE_NEWNS)";
  case 2: return "making the mounts private (mount --make-rprivate /)";
  default: return "mount -t tmpfs";
  }
}

} // namespace

std::optional<std::string> run_disks::unavailable() {
  if (geteuid() != 0)
    return std::string{"a full disk needs root (a mount namespace with a tmpfs per node's data directory); run as root"};
  return std::nullopt;
}

run_disks::run_disks(std::vector<std::string> dirs, int size_mb, const std::string& log)
  : size_mb_(size_mb), log_(log) {
  for (auto& d : dirs) {
    fs::create_directories(d);
    dirs_.push_back(fs::absolute(d).lexically_normal().string());
  }
  // Everything the child uses is built before fork: the runner has threads, so the child may only make
  // async-signal-safe calls (system calls) until it exits.
  const std::string options = "size=" + std::to_string(size_mb) + "m,mode=0755";
  std::vector<const char*> targets;
  for (const auto& d : dirs_)
    targets.push_back(d.c_str());
  int status[2], keepalive[2];
  if (pipe2(status, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string{"data disks: pipe: "} + strerror(errno));
  if (pipe2(keepalive, O_CLOEXEC) != 0) {
    close(status[0]);
    close(status[1]);
    throw std::runtime_error(std::string{"data disks: pipe: "} + strerror(errno));
  }
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    close(status[0]);
    close(keepalive[1]);
    auto report = [&](int step, int err) {
      int v[2] = {step, err};
      (void)!write(status[1], v, sizeof v);
    };
    if (unshare(CLONE_NEWNS) != 0) {
      report(1, errno);
      _exit(1);
    }
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      report(2, errno);
      _exit(1);
    }
    // The copies of other runs' network namespaces (ip netns bind mounts) are not ours to hold.
    umount2("/run/netns", MNT_DETACH);
    for (size_t i = 0; i < targets.size(); ++i)
      if (mount("tmpfs", targets[i], "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
        report(10 + static_cast<int>(i), errno);
        _exit(1);
      }
    report(0, 0);
    close(status[1]);
    char c;
    while (read(keepalive[0], &c, 1) != 0) // EOF: the runner closed its end or is gone
      ;
    _exit(0);
  }
  close(status[1]);
  close(keepalive[0]);
  if (pid < 0) {
    close(status[0]);
    close(keepalive[1]);
    throw std::runtime_error(std::string{"data disks: fork: "} + strerror(errno));
  }
  holder_ = pid;
  keepalive_fd_ = keepalive[1];
  int v[2] = {-1, 0};
  pollfd pfd{status[0], POLLIN, 0};
  bool answered = poll(&pfd, 1, 10000) > 0 && read(status[0], v, sizeof v) == static_cast<ssize_t>(sizeof v);
  close(status[0]);
  if (!answered || v[0] != 0) {
    std::string why = !answered ? "the mount namespace holder did not answer within 10 s"
                                : std::string{step_name(v[0])} +
                                    (v[0] >= 10 ? " on " + dirs_[static_cast<size_t>(v[0] - 10)] : "") + ": " +
                                    strerror(v[1]);
    note("FAIL: " + why);
    teardown(false);
    throw std::runtime_error(why);
  }
  for (const auto& d : dirs_)
    note("ok:   mount -t tmpfs -o " + options + " tmpfs " + d + " (in the mount namespace of pid " +
         std::to_string(holder_) + ")");
}

run_disks::~run_disks() { teardown(false); }

std::string run_disks::mount_ns_path() const { return "/proc/" + std::to_string(holder_) + "/ns/mnt"; }

std::string run_disks::view(int node) const {
  return "/proc/" + std::to_string(holder_) + "/root" + dirs_.at(static_cast<size_t>(node - 1));
}

void run_disks::note(const std::string& line) const { std::ofstream{log_, std::ios::app} << line << "\n"; }

bool run_disks::fill(int node, std::string& what) {
  const auto dir = view(node), file = dir + "/" + filler_name;
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  uint64_t before = 0;
  if (fd < 0 || !free_bytes(dir, before)) {
    what = file + ": " + strerror(errno);
    if (fd >= 0)
      close(fd);
    note("FAIL: fill node " + std::to_string(node) + ": " + what);
    return false;
  }
  struct stat st {};
  fstat(fd, &st);
  auto size = static_cast<uint64_t>(st.st_size);
  const uint64_t start = size;
  // Most of it in one call; the broker may take pages meanwhile, so a refused size is halved.
  for (uint64_t want = before; want >= (1u << 20); want /= 2)
    if (fallocate(fd, 0, static_cast<off_t>(size), static_cast<off_t>(want)) == 0) {
      size += want;
      break;
    } else if (errno != ENOSPC) {
      break; // file systems without fallocate: the writes below do it all
    }
  // Then pages until ENOSPC: what is left is less than a page.
  static const char zeros[65536] = {};
  for (size_t chunk : {sizeof zeros, size_t{4096}}) {
    while (true) {
      auto n = pwrite(fd, zeros, chunk, static_cast<off_t>(size));
      if (n <= 0)
        break;
      size += static_cast<uint64_t>(n);
    }
    if (errno != ENOSPC && errno != EDQUOT) {
      what = file + ": " + strerror(errno);
      close(fd);
      note("FAIL: fill node " + std::to_string(node) + ": " + what);
      return false;
    }
  }
  close(fd);
  uint64_t after = 0;
  free_bytes(dir, after);
  what = "filler of " + mib(size - start) + ", " + std::to_string(after) + " bytes free of " +
         std::to_string(size_mb_) + " MiB";
  note("ok:   fill node " + std::to_string(node) + " (" + file + "): " + what);
  return true;
}

bool run_disks::clear(int node, std::string& what) {
  const auto dir = view(node), file = dir + "/" + filler_name;
  if (unlink(file.c_str()) != 0 && errno != ENOENT) {
    what = file + ": " + strerror(errno);
    note("FAIL: clear node " + std::to_string(node) + ": " + what);
    return false;
  }
  uint64_t after = 0;
  free_bytes(dir, after);
  what = "filler deleted, " + mib(after) + " free";
  note("ok:   clear node " + std::to_string(node) + ": " + what);
  return true;
}

void run_disks::teardown(bool keep) {
  if (holder_ <= 0)
    return;
  for (size_t i = 0; keep && i < dirs_.size(); ++i) {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(view(static_cast<int>(i + 1)), ec)) {
      if (e.path().filename() == filler_name)
        continue;
      fs::copy(e.path(), fs::path{dirs_[i]} / e.path().filename(),
               fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
      if (ec)
        note("FAIL: keeping " + e.path().string() + ": " + ec.message());
    }
    note("kept node " + std::to_string(i + 1) + "'s files in " + dirs_[i]);
  }
  if (keepalive_fd_ >= 0)
    close(keepalive_fd_);
  keepalive_fd_ = -1;
  kill(holder_, SIGKILL);
  waitpid(holder_, nullptr, 0);
  note("ended the mount namespace holder (pid " + std::to_string(holder_) + "): its tmpfs mounts are gone with it");
  holder_ = -1;
}

} // namespace samsa::experiment
