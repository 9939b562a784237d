#pragma once
// Helpers of the benchmark: child processes in their own process groups (always killed at exit), free
// ports, temporary directories, /proc accounting of a server process, result types and table formatting.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

using clock_type = std::chrono::steady_clock;

inline double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch()).count();
}

// Progress and problems go to stderr (stdout carries only the tables).
void log(const std::string& line);
extern bool verbose;

// -- processes -------------------------------------------------------------------------------------

// A child process started in its own process group, with PR_SET_PDEATHSIG so that it dies with the
// bench even on kill -9. stdout/stderr go to log_path; with pipes, stdin and/or stdout are pipes instead.
struct child {
  pid_t pid = -1;
  int in_fd = -1;  // write end of the child's stdin (pipe_stdin)
  int out_fd = -1; // read end of the child's stdout (pipe_stdout)
  std::string log_path;
  bool alive() const;
};

child spawn(const std::vector<std::string>& argv, const std::string& log_path, bool pipe_stdin = false,
            bool pipe_stdout = false);

// SIGTERM to the child's process group, up to `grace` for it to exit, then SIGKILL. Returns the exit
// status as waitpid reports it (or -1).
int stop(child& c, std::chrono::milliseconds grace = std::chrono::seconds(10));

// Kills every child process group still registered (SIGKILL). Installed for exit and fatal signals.
void kill_all_children();
void install_cleanup_handlers();
// A directory that the fatal-signal handler removes (rm -rf) after killing the children; "" for none.
void set_cleanup_dir(const std::string& dir);

// Reads one line from fd (blocking, up to timeout); false on EOF/timeout.
bool read_line(int fd, std::string& line, std::chrono::milliseconds timeout);
bool write_all(int fd, const std::string& s);

// Last lines of a log file, for error messages.
std::string tail_file(const std::string& path, int lines = 15);

// -- network and files -----------------------------------------------------------------------------

uint16_t free_port();
// Waits until 127.0.0.1:port accepts connections; false if the child died or the time ran out.
bool wait_port(uint16_t port, const child& c, std::chrono::milliseconds timeout);

std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& path);
// Searches PATH like execvp; empty when not found.
std::string find_program(const std::string& name);
std::string self_exe();

// -- /proc accounting of a server process ----------------------------------------------------------

double cpu_seconds(pid_t pid); // utime + stime, -1 if unreadable
double peak_rss_mib(pid_t pid); // VmHWM, -1 if unreadable
double rss_mib(pid_t pid);      // VmRSS
void reset_peak_rss(pid_t pid); // echo 5 > /proc/PID/clear_refs (Linux >= 4.0)

// Measures one server process around a case: CPU seconds used and peak RSS during it.
struct server_meter {
  pid_t pid = -1;
  double cpu0 = 0;
  void start();
  void stop(double& cpu_s, double& peak_mib) const;
};

// -- results -----------------------------------------------------------------------------------------

struct throughput {
  bool ran = false;
  bool ok = false;       // every requested record was acknowledged without error (and verified in --smoke)
  int64_t records = 0;   // acknowledged (or consumed) records
  int64_t errors = 0;
  int64_t bytes = 0;     // value bytes of those records
  double seconds = 0;
  double server_cpu_s = -1;
  double server_peak_mib = -1;
  std::string note;      // why it failed or was skipped
  std::string warning;   // something seen that did not fail the case (e.g. a connection stall)
  std::string na;        // the server cannot do this case (why); no figure
  double rps() const { return seconds > 0 ? records / seconds : 0; }
  double mbps() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
  double cpu_per_million() const {
    return server_cpu_s >= 0 && records > 0 ? server_cpu_s / (records / 1e6) : -1;
  }
};

struct latency {
  bool ran = false;
  bool ok = false;
  int64_t sent = 0;
  int64_t received = 0;
  double achieved_rate = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  double server_cpu_s = -1;
  double server_peak_mib = -1;
  std::string note;
  std::string warning;
  std::string na;
};

// Nearest-rank percentile of sorted nanosecond samples, in milliseconds.
double percentile_ms(const std::vector<int64_t>& sorted, double q);

// -- formatting --------------------------------------------------------------------------------------

std::string fmt_count(double v); // 1234567 -> "1.23M", 12345 -> "12.3k"
std::string fmt_num(double v, int decimals);
std::string fmt_ratio(double a, double b); // a/b as "1.23x", "-" when either is missing

} // namespace bench
