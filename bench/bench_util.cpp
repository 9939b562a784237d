#include "bench_util.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace bench {

bool verbose = false;

void log(const std::string& line) {
  static std::mutex m;
  std::lock_guard<std::mutex> g{m};
  std::cerr << "[bench] " << line << std::endl;
}

// -- processes -------------------------------------------------------------------------------------

namespace {
// Process groups to kill on exit; a fixed array so the signal handler can walk it safely.
constexpr int max_children = 64;
std::atomic<pid_t> children[max_children];

void register_child(pid_t pid) {
  for (auto& c : children) {
    pid_t expected = 0;
    if (c.compare_exchange_strong(expected, pid))
      return;
  }
}

void unregister_child(pid_t pid) {
  for (auto& c : children) {
    pid_t expected = pid;
    if (c.compare_exchange_strong(expected, 0))
      return;
  }
}

char cleanup_dir[4096] = {0};

void on_fatal_signal(int sig) {
  kill_all_children();
  if (cleanup_dir[0] != '\0') {
    // Only async-signal-safe calls here: fork + exec rm.
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/rm", "rm", "-rf", cleanup_dir, static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0)
      waitpid(pid, nullptr, 0);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}
} // namespace

bool child::alive() const {
  return pid > 0 && kill(pid, 0) == 0;
}

void kill_all_children() {
  for (auto& c : children) {
    pid_t pid = c.exchange(0);
    if (pid > 0) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
}

void set_cleanup_dir(const std::string& dir) {
  if (dir.size() < sizeof cleanup_dir) {
    std::memcpy(cleanup_dir, dir.c_str(), dir.size() + 1);
  }
}

void install_cleanup_handlers() {
  std::atexit(kill_all_children);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
    signal(sig, on_fatal_signal);
  signal(SIGPIPE, SIG_IGN);
}

child spawn(const std::vector<std::string>& argv, const std::string& log_path, bool pipe_stdin, bool pipe_stdout) {
  child c;
  c.log_path = log_path;
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0)
    throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
  if (pipe_stdin && pipe2(in_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  if (pipe_stdout && pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(pipe_stdin ? in_pipe[0] : devnull, 0);
    dup2(pipe_stdout ? out_pipe[1] : log_fd, 1);
    dup2(log_fd, 2);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE})
      signal(sig, SIG_DFL);
    execvp(args[0], args.data());
    const char msg[] = "exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  setpgid(pid, pid); // also here, so there is no window where the group does not exist yet
  register_child(pid);
  close(log_fd);
  if (pipe_stdin) {
    close(in_pipe[0]);
    c.in_fd = in_pipe[1];
  }
  if (pipe_stdout) {
    close(out_pipe[1]);
    c.out_fd = out_pipe[0];
  }
  c.pid = pid;
  return c;
}

int stop(child& c, std::chrono::milliseconds grace) {
  if (c.pid <= 0)
    return -1;
  if (c.in_fd >= 0) {
    close(c.in_fd);
    c.in_fd = -1;
  }
  kill(-c.pid, SIGTERM);
  int status = -1;
  auto t0 = clock_type::now();
  while (true) {
    pid_t r = waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid || r < 0)
      break;
    if (clock_type::now() - t0 > grace) {
      log("pid " + std::to_string(c.pid) + " did not stop on SIGTERM: SIGKILL");
      kill(-c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(-c.pid, SIGKILL); // anything left in its group
  unregister_child(c.pid);
  if (c.out_fd >= 0) {
    close(c.out_fd);
    c.out_fd = -1;
  }
  c.pid = -1;
  return status;
}

bool read_line(int fd, std::string& line, std::chrono::milliseconds timeout) {
  line.clear();
  auto deadline = clock_type::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
    if (left <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r <= 0)
      continue;
    char ch;
    auto n = read(fd, &ch, 1);
    if (n <= 0)
      return false;
    if (ch == '\n')
      return true;
    line.push_back(ch);
  }
}

bool write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    auto n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0)
      return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string tail_file(const std::string& path, int lines) {
  std::ifstream in{path};
  std::deque<std::string> last;
  std::string l;
  while (std::getline(in, l)) {
    last.push_back(l);
    if (static_cast<int>(last.size()) > lines)
      last.pop_front();
  }
  std::string out;
  for (auto& x : last)
    out += "    " + x + "\n";
  return out;
}

// -- network and files -----------------------------------------------------------------------------

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool wait_port(uint16_t port, const child& c, std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok)
      return true;
    int status;
    if (waitpid(c.pid, &status, WNOHANG) == c.pid)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  return std::string(buf.data());
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream ss{path ? path : "/usr/bin:/bin"};
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    auto p = dir + "/" + name;
    if (access(p.c_str(), X_OK) == 0)
      return p;
  }
  return "";
}

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : p.string();
}

// -- /proc accounting ------------------------------------------------------------------------------

double cpu_seconds(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string s;
  if (!std::getline(in, s))
    return -1;
  auto rp = s.rfind(')');
  if (rp == std::string::npos)
    return -1;
  std::istringstream rest{s.substr(rp + 2)};
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok)
    f.push_back(tok);
  // f[0] is field 3 (state); utime and stime are fields 14 and 15.
  if (f.size() < 13)
    return -1;
  double ticks = std::stod(f[11]) + std::stod(f[12]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

namespace {
double status_kib(pid_t pid, const std::string& key) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string l;
  while (std::getline(in, l)) {
    if (l.compare(0, key.size(), key) == 0 && l.size() > key.size() && l[key.size()] == ':')
      return std::stod(l.substr(key.size() + 1));
  }
  return -1;
}
} // namespace

double peak_rss_mib(pid_t pid) {
  auto k = status_kib(pid, "VmHWM");
  return k < 0 ? -1 : k / 1024.0;
}

double rss_mib(pid_t pid) {
  auto k = status_kib(pid, "VmRSS");
  return k < 0 ? -1 : k / 1024.0;
}

void reset_peak_rss(pid_t pid) {
  std::ofstream out{"/proc/" + std::to_string(pid) + "/clear_refs"};
  out << "5";
}

void server_meter::start() {
  if (pid <= 0)
    return;
  reset_peak_rss(pid);
  cpu0 = cpu_seconds(pid);
}

void server_meter::stop(double& cpu_s, double& peak_mib) const {
  if (pid <= 0)
    return;
  auto c = cpu_seconds(pid);
  cpu_s = c >= 0 && cpu0 >= 0 ? c - cpu0 : -1;
  peak_mib = peak_rss_mib(pid);
}

double percentile_ms(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  if (rank < 1)
    rank = 1;
  if (rank > sorted.size())
    rank = sorted.size();
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

// -- formatting --------------------------------------------------------------------------------------

std::string fmt_num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string fmt_count(double v) {
  char buf[64];
  if (v >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string fmt_ratio(double a, double b) {
  if (a <= 0 || b <= 0)
    return "-";
  return fmt_num(a / b, 2) + "x";
}

} // namespace bench
