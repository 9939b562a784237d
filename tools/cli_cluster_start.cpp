// `samsa cluster start`: a local cluster on loopback in the foreground, as N real `samsa broker` child
// processes (this same binary), each with a generated server.properties, a data directory and a log file
// under one directory (the layout and ports: cluster/local_cluster.hpp). It waits until the quorum has a
// leader and every node is registered and unfenced (asked through each node's native API, the answers
// `samsa cluster status` shows), says "cluster ready", and on Ctrl-C/SIGTERM/SIGHUP stops every node with
// SIGTERM (SIGKILL after a timeout, or at once on a second signal).
//
// Children run in their own process group, so a Ctrl-C in the terminal reaches only this process, which
// then stops them in order; each child also gets SIGTERM from the kernel if this process dies
// (PR_SET_PDEATHSIG), so a kill -9 of the launcher leaves no broker behind.
//
// Policy for a node that dies on its own: before "cluster ready" the start has failed (its log's tail is
// printed, the other nodes are stopped, exit 1); after it, the death is reported and the other nodes keep
// running (a cluster that loses a node is something to watch, e.g. a failover), and the final exit status
// is 1. When every node is gone there is nothing left to run and the command exits.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/native_transport.hpp"
#include "cluster/local_cluster.hpp"
#include "cluster/server_config.hpp"
#include "persistence/data_dir.hpp"
#include "tools/cli_cluster.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

constexpr auto stop_timeout = std::chrono::seconds(30);
constexpr auto poll_interval = milliseconds(200);
constexpr auto waiting_report_every = std::chrono::seconds(10);
constexpr auto ask_timeout = milliseconds(2000);

struct child {
  const cluster::local_node* node = nullptr;
  pid_t pid = -1; // -1: not running (never started, or reaped)
  int status = 0; // waitpid status once reaped
};

std::string describe_status(int status) {
  if (WIFEXITED(status))
    return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return std::string{"killed by signal "} + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status))
           + ")";
  return "status " + std::to_string(status);
}

bool clean_exit(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string now_text() {
  auto t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

// The last `lines` lines of a node's log, indented, for a message about its death.
std::string log_tail(const std::string& path, size_t lines = 8) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);)
    all.push_back(l);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "    | " + all[i] + "\n";
  return out;
}

// "" when 127.0.0.1:port can be bound the way the broker binds it (SO_REUSEADDR, so a port that only has
// connections in TIME_WAIT counts as free), else why not.
std::string port_problem(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return std::strerror(errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string why;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    why = std::strerror(errno);
  ::close(fd);
  return why;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

// Forks and execs `samsa broker --config <its properties>` with stdout and stderr appended to its log.
// Everything the child needs is prepared before fork: between fork and exec only async-signal-safe calls.
pid_t spawn_broker(const cluster::local_node& n) {
  std::ofstream(n.log, std::ios::app) << "---- " << now_text() << " samsa cluster start: node " << n.id
                                      << " starting ----" << std::endl;
  int log_fd = ::open(n.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    std::cerr << "error: cannot open " << n.log << ": " << std::strerror(errno) << "\n";
    if (log_fd >= 0)
      ::close(log_fd);
    if (null_fd >= 0)
      ::close(null_fd);
    return -1;
  }
  std::vector<std::string> args{"samsa", "broker", "--config", n.properties};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);                      // Ctrl-C in the terminal goes to the launcher only
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);   // the launcher dies: the node stops cleanly
    if (::getppid() != parent)            // ... even if it died before prctl
      ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) // ignored dispositions survive exec (a shell's background job)
      ::signal(sig, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &none, nullptr); // the launcher blocks its signals for sigtimedwait
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0)
    std::cerr << "error: cannot start node " << n.id << ": fork: " << std::strerror(fork_errno) << "\n";
  return pid;
}

// Whether the cluster is ready, asked node by node through the native API (connections kept between
// polls, dropped when a node stops answering). `missing` names the first thing not there yet.
class readiness_probe {
public:
  readiness_probe(caf::actor_system& sys, const cluster::local_cluster& c)
    : sys_(sys), cluster_(c), handles_(c.node_list.size()), sec_(actors::native_security::from_environment()) {}

  bool ready() {
    caf::scoped_actor self{sys_};
    leader_ = -1;
    for (size_t i = 0; i < cluster_.node_list.size(); ++i) {
      const auto& n = cluster_.node_list[i];
      auto who = "node " + std::to_string(n.id);
      if (!handles_[i]) {
        auto h = actors::connect_native<broker_actor>(sys_, "127.0.0.1", n.native_port, sec_, ask_timeout);
        if (!h)
          return not_yet(who + "'s native API (127.0.0.1:" + std::to_string(n.native_port) + ") does not answer yet");
        handles_[i] = *h;
      }
      auto v = fetch_cluster_view(self, *handles_[i], ask_timeout);
      if (!v.quorum || !v.members) {
        handles_[i].reset();
        return not_yet(who + ": " + v.error);
      }
      if (v.quorum->leader < 0)
        return not_yet(who + " knows no quorum leader yet (" + v.quorum->role + " in term "
                       + std::to_string(v.quorum->term) + ")");
      if (leader_ >= 0 && v.quorum->leader != leader_)
        return not_yet("nodes name different leaders (" + std::to_string(leader_) + ", "
                       + std::to_string(v.quorum->leader) + ")");
      leader_ = v.quorum->leader;
      term_ = v.quorum->term;
      size_t unfenced = 0;
      for (const auto& b : v.members->brokers)
        unfenced += b.fenced ? 0 : 1;
      if (unfenced != cluster_.node_list.size())
        return not_yet(who + "'s metadata image has " + std::to_string(unfenced) + " of "
                       + std::to_string(cluster_.node_list.size()) + " brokers registered and unfenced");
    }
    missing_.clear();
    return true;
  }

  const std::string& missing() const { return missing_; }
  int32_t leader() const { return leader_; }
  int64_t term() const { return term_; }

private:
  bool not_yet(std::string why) {
    missing_ = std::move(why);
    return false;
  }

  caf::actor_system& sys_;
  const cluster::local_cluster& cluster_;
  std::vector<std::optional<broker_actor>> handles_;
  actors::native_security sec_;
  std::string missing_ = "nothing asked yet";
  int32_t leader_ = -1;
  int64_t term_ = 0;
};

// Reaps every child that has exited; returns the indexes of those reaped now.
std::vector<size_t> reap(std::vector<child>& children) {
  std::vector<size_t> gone;
  for (size_t i = 0; i < children.size(); ++i) {
    auto& c = children[i];
    if (c.pid < 0)
      continue;
    int st = 0;
    if (::waitpid(c.pid, &st, WNOHANG) == c.pid) {
      c.pid = -1;
      c.status = st;
      gone.push_back(i);
    }
  }
  return gone;
}

bool any_running(const std::vector<child>& children) {
  for (const auto& c : children)
    if (c.pid > 0)
      return true;
  return false;
}

// SIGTERM to every running node, then waits for all of them; SIGKILL after stop_timeout or on another
// stop signal. Returns false when a node had to be killed or did not exit cleanly.
bool stop_all(std::vector<child>& children, const sigset_t& signals) {
  for (const auto& c : children)
    if (c.pid > 0)
      ::kill(c.pid, SIGTERM);
  bool clean = true;
  bool killed = false;
  auto deadline = steady::now() + stop_timeout;
  auto note = [&](const std::vector<size_t>& gone) {
    for (auto i : gone) {
      const auto& c = children[i];
      std::cout << "  node " << c.node->id << " stopped (" << describe_status(c.status) << ")" << std::endl;
      clean = clean && clean_exit(c.status);
    }
  };
  while (any_running(children)) {
    note(reap(children));
    if (!any_running(children))
      break;
    timespec ts{0, 100 * 1000 * 1000};
    int sig = ::sigtimedwait(&signals, nullptr, &ts);
    bool again = sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
    if (!killed && (again || steady::now() >= deadline)) {
      std::cout << (again ? "second stop signal" : "nodes still running after 30 s")
                << ": killing the rest with SIGKILL" << std::endl;
      for (const auto& c : children)
        if (c.pid > 0)
          ::kill(c.pid, SIGKILL);
      killed = true;
      clean = false;
    }
  }
  return clean;
}

// Looks at the cluster directory without changing it: a missing or empty one is new; an existing one must
// be a local cluster's (its marker is read into `marker`), so a mistyped --dir never scatters node
// directories into someone's files. False (after saying why) when it cannot be used.
bool inspect_cluster_dir(const fs::path& dir, std::optional<std::string>& marker) {
  std::error_code ec;
  auto marker_path = dir / cluster::local_cluster_marker_file;
  if (fs::exists(marker_path, ec)) {
    auto text = persistence::read_small_file(marker_path);
    if (!text) {
      std::cerr << "error: cannot read " << marker_path.string() << "\n";
      return false;
    }
    marker = *text;
    return true;
  }
  if (!fs::exists(dir, ec))
    return true;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "error: --dir " << dir.string() << " is not a directory\n";
    return false;
  }
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename() != ".lock") { // left by a start that was refused before writing the marker
      std::cerr << "error: " << dir.string() << " is not empty and holds no " << cluster::local_cluster_marker_file
                << ", so it is not a local cluster's directory: pick a new or empty --dir\n";
      return false;
    }
  }
  return true;
}

// The directory's lock, held while this command runs: one launcher per cluster directory.
std::unique_ptr<persistence::data_dir_lock> lock_cluster_dir(const fs::path& dir) {
  std::string error;
  auto lock = persistence::data_dir_lock::acquire(dir, "samsa cluster start pid " + std::to_string(::getpid()), &error);
  if (!lock) {
    auto holder = persistence::read_small_file(dir / ".lock").value_or("");
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r'))
      holder.pop_back();
    if (!holder.empty())
      std::cerr << "error: " << dir.string() << " is in use by " << holder
                << ": stop that one first (one samsa cluster start per directory)\n";
    else
      std::cerr << "error: " << error << "\n";
  }
  return lock;
}

// Whether every port of the layout can be bound; says which ones cannot.
bool ports_free(const cluster::local_cluster& c) {
  bool free = true;
  for (const auto& n : c.node_list) {
    for (auto [port, what] : {std::pair{n.kafka_port, "Kafka listener"}, std::pair{n.native_port, "native API"},
                              std::pair{n.http_port, "HTTP metrics listener"}}) {
      auto why = port_problem(port);
      if (!why.empty()) {
        std::cerr << "error: port " << port << " (node " << n.id << "'s " << what << ") on 127.0.0.1 is not free: "
                  << why << "\n";
        free = false;
      }
    }
  }
  if (!free)
    std::cerr << "samsa cluster start: another broker or cluster holds these ports; stop it or pick another "
                 "--base-port (node i uses P+i-1 and P+"
              << cluster::local_cluster_native_offset << "+i-1, HTTP P+" << cluster::local_cluster_http_offset << "+i-1)\n";
  return free;
}

// The marker, and per node its data directory and freshly generated server.properties.
bool write_layout(const cluster::local_cluster& c) {
  if (!write_file((fs::path{c.dir} / cluster::local_cluster_marker_file).string(), c.marker()))
    return false;
  for (const auto& n : c.node_list) {
    std::error_code ec;
    fs::create_directories(n.data_dir, ec);
    if (ec) {
      std::cerr << "error: cannot create " << n.data_dir << ": " << ec.message() << "\n";
      return false;
    }
    if (!write_file(n.properties, c.node_properties(n)))
      return false;
  }
  return true;
}

// Everything before the first child starts: the plan (options, marker), every node's configuration
// checked, the directory locked, the ports free, the files written. nullopt after saying why not, with
// `rc` 2 for a bad request and 1 for a refusal.
struct prepared {
  cluster::local_cluster cluster;
  std::unique_ptr<persistence::data_dir_lock> lock;
};

std::optional<prepared> prepare_cluster(const args& a, int& rc) {
  rc = 2;
  cluster::local_cluster_request req;
  if (!int_option(a, "--nodes", 1, req.nodes) || !int_option(a, "--brokers", 0, req.brokers)
      || !int_option(a, "--base-port", 1, req.base_port))
    return std::nullopt;
  req.sets = a.all("--set");
  std::error_code ec;
  auto dir = fs::absolute(a.get("--dir").value_or("samsa-cluster"), ec).lexically_normal();
  if (!dir.has_filename()) // "D/" names D
    dir = dir.parent_path();
  req.dir = dir.string();
  if (!inspect_cluster_dir(dir, req.marker))
    return std::nullopt;
  auto plan = cluster::plan_local_cluster(req);
  if (!plan.ok()) {
    std::cerr << "error: " << plan.error << "\n";
    return std::nullopt;
  }
  // The --set values on their own (errors name the --set), then every node's configuration as its broker
  // will read it: a bad setting is reported once, here, not by N brokers in N logs.
  auto sets = cluster::parse_server_properties("", plan.cluster.extra);
  for (const auto& e : sets.errors)
    std::cerr << "error: " << e << "\n";
  if (!sets.ok())
    return std::nullopt;
  for (const auto& n : plan.cluster.node_list) {
    auto parsed = cluster::parse_server_properties(plan.cluster.node_properties(n));
    for (const auto& e : parsed.errors)
      std::cerr << "error: node " << n.id << ": " << e << "\n";
    if (!parsed.ok())
      return std::nullopt;
  }
  rc = 1;
  // The lock first when the directory exists (a running launcher is named, not its ports); a new directory
  // is created only once the ports are known to be free, so a refused start leaves nothing behind.
  std::unique_ptr<persistence::data_dir_lock> lock;
  if (fs::exists(dir, ec) && !(lock = lock_cluster_dir(dir)))
    return std::nullopt;
  if (!ports_free(plan.cluster))
    return std::nullopt;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "error: cannot create " << dir.string() << ": " << ec.message() << "\n";
    return std::nullopt;
  }
  if ((!lock && !(lock = lock_cluster_dir(dir))) || !write_layout(plan.cluster))
    return std::nullopt;
  return prepared{std::move(plan.cluster), std::move(lock)};
}

// Starts the children, waits for the cluster to be ready, and runs until a stop signal or until no node is
// left. The exit status of the command.
int run_cluster(const cluster::local_cluster& c) {
  // Stop signals and SIGCHLD are taken with sigtimedwait below; blocked before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) {
    sigaddset(&signals, s);
    ::signal(s, SIG_DFL); // a shell starts background jobs with SIGINT ignored; Ctrl-C must still stop us
  }
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::cout << "samsa cluster start: " << c.total() << " node" << (c.total() == 1 ? "" : "s") << " in " << c.dir;
  if (c.brokers == 0)
    std::cout << ", every node a broker and a quorum voter\n";
  else
    std::cout << ": " << c.nodes << " broker" << (c.nodes == 1 ? "" : "s") << " and quorum voter" << (c.nodes == 1 ? "" : "s")
              << ", " << c.brokers << " broker-only (quorum learner" << (c.brokers == 1 ? ")\n" : "s)\n");
  std::cout << "  controller.quorum.voters=" << c.voters() << std::endl;
  std::vector<child> children;
  for (const auto& n : c.node_list) {
    child ch;
    ch.node = &n;
    ch.pid = spawn_broker(n);
    children.push_back(ch);
    if (ch.pid < 0) {
      stop_all(children, signals);
      return 1;
    }
    std::cout << "  node " << n.id << (n.voter ? "" : " (broker only)") << ": Kafka 127.0.0.1:" << n.kafka_port << ", native 127.0.0.1:" << n.native_port
              << ", metrics http://127.0.0.1:" << n.http_port << "/metrics, data " << n.data_dir << ", log " << n.log << ", pid " << ch.pid << std::endl;
  }
  std::cout << "waiting for a quorum leader and " << c.total() << " unfenced brokers (Ctrl-C stops)" << std::endl;

  client_config cfg;
  caf::actor_system sys{cfg};
  readiness_probe probe{sys, c};
  bool ready = false;
  bool node_died = false;
  auto started = steady::now();
  auto next_report = started + waiting_report_every;
  int stop_signal = 0;
  while (stop_signal == 0) {
    for (auto i : reap(children)) {
      const auto& ch = children[i];
      node_died = true;
      std::cout << "node " << ch.node->id << " exited unexpectedly (" << describe_status(ch.status) << "); last lines of "
                << ch.node->log << ":\n"
                << log_tail(ch.node->log) << (ready ? "the other nodes keep running (Ctrl-C stops them)\n" : "")
                << std::flush;
    }
    if (node_died && !ready) {
      std::cout << "samsa cluster start: the cluster did not start; stopping the other nodes" << std::endl;
      stop_all(children, signals);
      return 1;
    }
    if (!any_running(children)) {
      std::cout << "samsa cluster start: every node has exited" << std::endl;
      return 1;
    }
    if (!ready && probe.ready()) {
      ready = true;
      auto secs = std::chrono::duration_cast<milliseconds>(steady::now() - started).count() / 1000.0;
      std::cout << "cluster ready after " << secs << " s: quorum leader node " << probe.leader() << " in term "
                << probe.term() << ", " << c.total() << (c.total() == 1 ? " broker" : " brokers") << " unfenced\n"
                << "  bootstrap servers: " << c.bootstrap_servers() << "\n"
                << "  try: kcat -L -b " << c.bootstrap_servers() << "\n"
                << "       samsa cluster status --broker 127.0.0.1:" << c.node_list.front().native_port << std::endl;
    } else if (!ready && steady::now() >= next_report) {
      next_report = steady::now() + waiting_report_every;
      std::cout << "still waiting: " << probe.missing() << std::endl;
    }
    timespec ts{0, static_cast<long>(std::chrono::nanoseconds(poll_interval).count())};
    int sig = ::sigtimedwait(&signals, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
      stop_signal = sig;
  }
  std::cout << (stop_signal == SIGINT ? "SIGINT" : stop_signal == SIGTERM ? "SIGTERM" : "SIGHUP")
            << ": stopping the nodes" << std::endl;
  bool clean = stop_all(children, signals);
  std::cout << "samsa cluster start: " << (clean && !node_died ? "every node stopped cleanly" : "stopped, not cleanly")
            << std::endl;
  return clean && !node_died ? 0 : 1;
}

} // namespace

command_spec cluster_start_command() {
  command_spec c{"start", "", 0, 0, "run a local cluster of N broker processes in the foreground"};
  c.options = {
    {"--nodes", "N", "voters to run, 1 to 5 (default 3, or what D already holds); each is a broker and a quorum voter"},
    {"--brokers", "M", "broker-only nodes beside them, 0 to 8 (default 0, or D's last): quorum learners that never vote"},
    {"--dir", "D", "where the nodes live (default ./samsa-cluster); starting again on D brings the cluster back"},
    {"--base-port", "P", "node i serves Kafka on P+i-1, the native API on P+10000+i-1 (default 9092, or D's last)"},
    {"--set", "key=value", "a broker setting for every node (repeatable), e.g. --set log.level=debug"},
  };
  c.examples = {"samsa cluster start --nodes 3", "samsa cluster start --nodes 3 --brokers 2",
                "samsa cluster start --dir /tmp/c --base-port 29092 --set log.retention.hours=1"};
  c.details = R"(Nodes 1..N are brokers and voters of the metadata quorum (combined mode); Kafka recommends 3 or 5
voters. Nodes N+1..N+M (--brokers M) are broker-only (process.roles=broker): they follow the metadata log as
learners, register as brokers and host replicas, but never vote; M may change between starts, N may not.
Ports: Kafka P+i-1, native API P+10000+i-1, metrics P+552+i-1; a port already taken is refused.
Files: D/node<i>/server.properties (generated at every start; `samsa broker --config` reads it),
D/node<i>/data (the node's log.dirs), D/node<i>/broker.log (the node's output, appended).

It prints "cluster ready" with the bootstrap servers once the quorum has a leader and every node is
registered and unfenced. A node that dies before that fails the start (exit 1); one that dies later is
reported and the others keep running. Ctrl-C, SIGTERM or SIGHUP stops every node with SIGTERM (SIGKILL
after 30 s, or at once on a second Ctrl-C); exit status 0 when every node stopped cleanly.)";
  c.run = [](const args& a) {
    int rc = 0;
    auto p = prepare_cluster(a, rc);
    return p ? run_cluster(p->cluster) : rc;
  };
  return c;
}

} // namespace samsa::cli
