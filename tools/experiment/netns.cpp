#include "tools/experiment/netns.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <stdexcept>

#include "tools/experiment/processes.hpp"

namespace samsa::experiment {

namespace {

namespace ex = cluster::experiment;

const char* ip_cmd() { return access("/usr/sbin/ip", X_OK) == 0 ? "/usr/sbin/ip" : "/sbin/ip"; }
const char* nft_cmd() { return access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft" : "/sbin/nft"; }

// Deletes the namespaces and bridges of runs whose runner is gone (killed with -9: no destructor ran).
void sweep_stale() {
  auto list = run_capture({ip_cmd(), "netns", "list"}, 10);
  if (!list)
    return;
  std::set<std::string> tags;
  size_t pos = 0;
  while (pos < list->size()) {
    auto end = list->find('\n', pos);
    auto line = list->substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? list->size() : end + 1;
    auto name = line.substr(0, line.find(' '));
    auto tag = ex::tag_of_netns(name);
    auto r = tag.find('r');
    if (tag.empty() || r == std::string::npos)
      continue;
    pid_t pid = static_cast<pid_t>(std::stol(tag.substr(0, r)));
    if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
      continue;
    run_capture({ip_cmd(), "netns", "delete", name}, 10);
    tags.insert(tag);
  }
  for (const auto& t : tags)
    run_capture({ip_cmd(), "link", "delete", ex::name_network(t, 0).bridge}, 10);
}

// The first 10.213.X.0/24 no interface of the root namespace has an address in, from a pid-dependent start.
int free_subnet() {
  auto addrs = run_capture({ip_cmd(), "-4", "-o", "addr", "show"}, 10).value_or("");
  int start = static_cast<int>(getpid() % 250);
  for (int i = 0; i < 250; ++i) {
    int x = (start + i) % 250;
    if (addrs.find("10.213." + std::to_string(x) + ".") == std::string::npos)
      return x;
  }
  throw std::runtime_error("no free subnet 10.213.X.0/24 for the run's network");
}

} // namespace

std::optional<std::string> run_network::unavailable() {
  if (geteuid() != 0)
    return std::string{"network partitions need root (network namespaces, a bridge, nftables); run as root"};
  if (access(ip_cmd(), X_OK) != 0)
    return std::string{"network partitions need `ip` (Debian iproute2)"};
  if (access(nft_cmd(), X_OK) != 0)
    return std::string{"network partitions need `nft` (Debian nftables, tools/install-deps.sh)"};
  auto probe = "samsa-exp-" + std::to_string(getpid()) + "rprobe-n0";
  if (!run_capture({ip_cmd(), "netns", "add", probe}, 10))
    return std::string{"network namespaces are not available here (`ip netns add` failed)"};
  run_capture({ip_cmd(), "netns", "delete", probe}, 10);
  return std::nullopt;
}

run_network::run_network(int nodes, const std::string& log) : nodes_(nodes), log_(log) {
  static std::atomic<int> runs{0};
  sweep_stale();
  names_ = ex::name_network(std::to_string(getpid()) + "r" + std::to_string(++runs), free_subnet());
  up_ = true;
  std::string why;
  auto step = [&](const std::vector<std::string>& argv) {
    if (!sh(argv, &why)) {
      teardown();
      throw std::runtime_error("building the run's network: " + why);
    }
  };
  const std::string ip = ip_cmd();
  const auto prefix = "/24";
  step({ip, "link", "add", names_.bridge, "type", "bridge"});
  step({ip, "addr", "add", names_.bridge_address() + prefix, "dev", names_.bridge});
  step({ip, "link", "set", names_.bridge, "up"});
  for (int i = 1; i <= nodes_; ++i) {
    auto ns = names_.netns(i), veth = names_.veth(i), peer = veth + "p";
    step({ip, "netns", "add", ns});
    step({ip, "link", "add", veth, "type", "veth", "peer", "name", peer});
    step({ip, "link", "set", peer, "netns", ns});
    step({ip, "link", "set", veth, "master", names_.bridge, "up"});
    step({ip, "-n", ns, "link", "set", peer, "name", "eth0"});
    step({ip, "-n", ns, "addr", "add", names_.address(i) + prefix, "dev", "eth0"});
    step({ip, "-n", ns, "link", "set", "eth0", "up"});
    step({ip, "-n", ns, "link", "set", "lo", "up"});
  }
  std::map<int32_t, std::set<int32_t>> none;
  for (int i = 1; i <= nodes_; ++i)
    none[i];
  if (!apply(none, why)) {
    teardown();
    throw std::runtime_error("building the run's network: " + why);
  }
}

run_network::~run_network() { teardown(); }

bool run_network::sh(const std::vector<std::string>& argv, std::string* why) {
  std::string line;
  for (const auto& a : argv)
    line += (line.empty() ? "" : " ") + a;
  auto out = run_capture(argv, 20, false); // also after Ctrl-C: the teardown must run to its end
  std::ofstream{log_, std::ios::app} << (out ? "ok:   " : "FAIL: ") << line << "\n";
  if (!out && why != nullptr)
    *why = "`" + line + "` failed (see " + log_ + ")";
  return out.has_value();
}

bool run_network::apply(const std::map<int32_t, std::set<int32_t>>& drops, std::string& why) {
  bool ok = true;
  for (const auto& [node, from] : drops) {
    auto old = applied_.find(node);
    if (old != applied_.end() && old->second == from)
      continue;
    std::vector<std::string> sources;
    for (auto f : from)
      sources.push_back(names_.address(f));
    auto file = log_ + ".n" + std::to_string(node) + ".nft";
    std::ofstream{file} << ex::nft_script(sources);
    std::ofstream{log_, std::ios::app} << "node " << node << " drops input from: "
                                       << (sources.empty() ? "nobody" : "") << [&] {
                                            std::string s;
                                            for (auto& a : sources)
                                              s += a + " ";
                                            return s;
                                          }() << "\n";
    if (sh({ip_cmd(), "netns", "exec", names_.netns(node), nft_cmd(), "-f", file}, &why))
      applied_[node] = from;
    else
      ok = false;
  }
  return ok;
}

void run_network::teardown() {
  if (!up_)
    return;
  up_ = false;
  const std::string ip = ip_cmd();
  // Deleting a namespace deletes its end of the veth pair, and with it the bridge's end.
  for (int i = 1; i <= nodes_; ++i)
    sh({ip, "netns", "delete", names_.netns(i)});
  sh({ip, "link", "delete", names_.bridge});
  applied_.clear();
}

} // namespace samsa::experiment
