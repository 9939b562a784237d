#include "tools/experiment/processes.hpp"

#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tools/experiment/clocks.hpp"
#include "tools/experiment/disks.hpp"
#include "tools/experiment/netns.hpp"

namespace samsa::experiment {

std::atomic<bool> stop_requested{false};

namespace {

void on_stop_signal(int) { stop_requested.store(true); }

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// argv as execv wants it, built before fork: the runner has threads (librdkafka), so the child may only
// make async-signal-safe calls until exec (no allocation).
std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

// In the child after fork: die with the runner, own process group, into the network namespace `netns_fd`
// and the mount namespace `mntns_fd` (when >= 0; joining a mount namespace moves the working directory to
// its root, so it goes back to `cwd` there), then exec, with the environment `envp` when given.
[[noreturn]] void exec_child(char* const* args, int out_fd, int err_fd, int netns_fd = -1, int mntns_fd = -1,
                             const char* cwd = nullptr, char* const* envp = nullptr) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  setpgid(0, 0);
  if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0)
    _exit(126);
  if (mntns_fd >= 0 && (setns(mntns_fd, CLONE_NEWNS) != 0 || (cwd != nullptr && chdir(cwd) != 0)))
    _exit(126);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  int devnull = open("/dev/null", O_RDONLY);
  dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (envp != nullptr)
    execve(args[0], args, envp);
  else
    execv(args[0], args);
  _exit(127);
}

} // namespace

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool sleep_for(double seconds) {
  double end = now_s() + seconds;
  while (!stop_requested.load()) {
    double left = end - now_s();
    if (left <= 0)
      return true;
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(left, 0.05)));
  }
  return false;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error(std::string{"no free loopback port: "} + strerror(errno));
  close(fd);
  return ntohs(a.sin_port);
}

node_set::node_set(std::string samsa, const std::string& out_dir, int n, std::map<std::string, std::string> config,
                   const run_network* net)
  : samsa_(std::move(samsa)), config_(std::move(config)), net_(net), cwd_(std::filesystem::current_path().string()) {
  for (int i = 1; i <= n; ++i) {
    node_process p;
    p.id = i;
    p.kafka_port = free_port();
    p.native_port = free_port();
    p.dir = out_dir + "/node" + std::to_string(i);
    std::filesystem::create_directories(p.dir);
    nodes_.push_back(p);
    voters_ += (voters_.empty() ? "" : ",") + std::to_string(i) + "@" + native(i);
  }
}

node_set::~node_set() { stop_all(true); }

std::string node_set::bootstrap() const {
  std::string s;
  for (const auto& p : nodes_)
    s += (s.empty() ? "" : ",") + host(p.id) + ":" + std::to_string(p.kafka_port);
  return s;
}

std::string node_set::data_dir(int id) const { return nodes_.at(static_cast<size_t>(id - 1)).dir + "/data"; }

std::string node_set::host(int id) const { return net_ != nullptr ? net_->address(id) : "127.0.0.1"; }

std::string node_set::native(int id) const {
  return host(id) + ":" + std::to_string(nodes_.at(static_cast<size_t>(id - 1)).native_port);
}

bool node_set::start(int id, std::string& why) {
  auto& p = node(id);
  if (p.pid > 0)
    return true;
  std::vector<std::string> argv{samsa_, "broker",
                                "--set", "node.id=" + std::to_string(id),
                                "--set", "log.dirs=" + data_dir(id),
                                "--set", "samsa.native.listener=" + native(id),
                                "--set", "listeners=PLAINTEXT://" + host(id) + ":" + std::to_string(p.kafka_port),
                                "--set", "controller.quorum.voters=" + voters_,
                                "--set", "samsa.http.listener="};
  if (net_ != nullptr) { // the run's own bridge: only the runner and the other nodes reach these addresses
    argv.push_back("--set");
    argv.push_back("samsa.native.allow.unauthenticated=true");
  }
  for (const auto& [k, v] : config_) {
    argv.push_back("--set");
    argv.push_back(k + "=" + v);
  }
  auto log = p.dir + "/broker.log";
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    why = log + ": " + strerror(errno);
    return false;
  }
  int netns_fd = -1;
  if (net_ != nullptr && (netns_fd = open(net_->netns_path(id).c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
    why = net_->netns_path(id) + ": " + strerror(errno);
    close(fd);
    return false;
  }
  int mntns_fd = -1;
  if (disks_ != nullptr && (mntns_fd = open(disks_->mount_ns_path().c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
    why = disks_->mount_ns_path() + ": " + strerror(errno);
    close(fd);
    if (netns_fd >= 0)
      close(netns_fd);
    return false;
  }
  dprintf(fd, "==== runner: start %d of node %d%s%s%s%s\n", p.starts + 1, id, net_ != nullptr ? " in " : "",
          net_ != nullptr ? net_->netns_path(id).c_str() : "",
          disks_ != nullptr ? " on a tmpfs data directory" : "",
          clocks_ != nullptr ? " under libfaketime (clock in faketime.rc)" : "");
  auto args = c_argv(argv);
  std::vector<char*> envp;
  if (clocks_ != nullptr)
    envp = c_argv(clocks_->environment(id));
  pid_t pid = fork();
  if (pid == 0)
    exec_child(args.data(), fd, fd, netns_fd, mntns_fd, cwd_.c_str(), envp.empty() ? nullptr : envp.data());
  close(fd);
  if (netns_fd >= 0)
    close(netns_fd);
  if (mntns_fd >= 0)
    close(mntns_fd);
  if (pid < 0) {
    why = std::string{"fork: "} + strerror(errno);
    return false;
  }
  p.pid = pid;
  p.paused = false;
  ++p.starts;
  return true;
}

void node_set::kill9(int id) {
  auto& p = node(id);
  if (p.pid <= 0)
    return;
  kill(p.pid, SIGKILL);
  waitpid(p.pid, nullptr, 0);
  p.pid = -1;
  p.paused = false;
}

bool node_set::terminate(int id, double max_wait) {
  auto& p = node(id);
  if (p.pid <= 0)
    return true;
  if (p.paused)
    kill(p.pid, SIGCONT);
  kill(p.pid, SIGTERM);
  double end = now_s() + max_wait;
  while (now_s() < end) {
    if (waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
      p.pid = -1;
      p.paused = false;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9(id);
  return false;
}

void node_set::pause(int id) {
  auto& p = node(id);
  if (p.pid > 0 && kill(p.pid, SIGSTOP) == 0)
    p.paused = true;
}

void node_set::resume(int id) {
  auto& p = node(id);
  if (p.pid > 0)
    kill(p.pid, SIGCONT);
  p.paused = false;
}

std::vector<std::string> node_set::reap_unexpected() {
  std::vector<std::string> out;
  for (auto& p : nodes_) {
    int status = 0;
    if (p.pid > 0 && waitpid(p.pid, &status, WNOHANG) == p.pid) {
      p.pid = -1;
      p.paused = false;
      out.push_back("node " + std::to_string(p.id) + " exited on its own (" +
                    (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                         : "status " + std::to_string(WEXITSTATUS(status))) +
                    "), see " + p.dir + "/broker.log");
    }
  }
  return out;
}

void node_set::stop_all(bool hard) {
  for (auto& p : nodes_) {
    if (p.pid <= 0)
      continue;
    if (p.paused)
      kill(p.pid, SIGCONT);
    kill(p.pid, hard ? SIGKILL : SIGTERM);
  }
  double end = now_s() + (hard ? 5 : 30);
  for (auto& p : nodes_) {
    while (p.pid > 0) {
      if (waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
        p.pid = -1;
        break;
      }
      if (now_s() > end)
        kill(p.pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    p.paused = false;
  }
}

std::optional<std::string> run_capture(const std::vector<std::string>& argv, double timeout_s, bool interruptible,
                                       const std::vector<std::string>* env) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return std::nullopt;
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto args = c_argv(argv);
  std::vector<char*> envp;
  if (env != nullptr)
    envp = c_argv(*env);
  pid_t pid = fork();
  if (pid == 0)
    exec_child(args.data(), fds[1], devnull, -1, -1, nullptr, env != nullptr ? envp.data() : nullptr);
  close(fds[1]);
  close(devnull);
  if (pid < 0) {
    close(fds[0]);
    return std::nullopt;
  }
  std::string out;
  double end = now_s() + timeout_s;
  bool timed_out = false;
  char buf[4096];
  while (true) {
    double left = end - now_s();
    if (left <= 0 || (interruptible && stop_requested.load())) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int r = poll(&pfd, 1, static_cast<int>(std::min(left, 0.1) * 1000) + 1);
    if (r > 0) {
      auto n = read(fds[0], buf, sizeof buf);
      if (n <= 0)
        break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fds[0]);
  int status = 0;
  if (timed_out)
    kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return std::nullopt;
  return out;
}

} // namespace samsa::experiment
