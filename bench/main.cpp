// samsa_bench: what Kafka users see of samsa, beside librdkafka's mock cluster and Redis Streams, on the
// same machine with the same client. See bench/README.md and docs/benchmarks.md.
//
//   samsa_bench --samsa build/samsa [--smoke] [--scale F] [--seconds S] [--peers mock,redis,redis-aof|none]
//               [--redis-server PATH] [--out FILE] [--verify] [--keep] [--verbose]
//
// It starts everything it measures (a samsa broker on free ports with a temporary data directory, a mock
// cluster process, private redis-servers), stops all of it at the end (child process groups are killed
// even when the bench fails or is killed), and prints Markdown tables on stdout; progress goes to stderr.
// Exit status: 0 when every case ran and its counts matched, 1 otherwise, 2 on bad usage.
//
//   samsa_bench --client produce|consume|failover-writer --bootstrap HOST:PORT[,...] ...
//
// runs one librdkafka client against servers it did not start (bench/kafka_client.cpp; the clients of
// bench/cluster_replication.sh).
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "kafka_bench.hpp"
#include "native_bench.hpp"
#include "redis_bench.hpp"

namespace bench {
namespace {

struct options {
  std::string samsa;
  std::string redis = "redis-server";
  std::string out;
  std::vector<std::string> peers{"mock", "redis", "redis-aof"};
  std::vector<std::string> only; // sections to run (empty: all): produce, consume, latency, native
  bool smoke = false;
  bool verify = false;
  bool keep = false;
  double scale = 1.0;
  double seconds = 3.0; // time cap of one produce case
  int repeat = 1;       // runs of each produce case (the median is kept)
  std::string filter;   // only produce cases whose label contains this
};

void usage() {
  std::cerr << "usage: samsa_bench [--samsa PATH] [--smoke] [--scale F] [--seconds S]\n"
               "                   [--peers mock,redis,redis-aof|none] [--redis-server PATH] [--out FILE]\n"
               "                   [--only produce,consume,latency,native] [--filter TEXT] [--repeat N]\n"
               "                   [--verify] [--keep] [--verbose]\n";
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= argc)
        return false;
      dst = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--samsa") {
      if (!value(o.samsa))
        return false;
    } else if (a == "--redis-server") {
      if (!value(o.redis))
        return false;
    } else if (a == "--out") {
      if (!value(o.out))
        return false;
    } else if (a == "--peers") {
      if (!value(v))
        return false;
      o.peers.clear();
      std::stringstream ss{v};
      std::string p;
      while (std::getline(ss, p, ','))
        if (!p.empty() && p != "none")
          o.peers.push_back(p);
    } else if (a == "--only") {
      if (!value(v))
        return false;
      std::stringstream ss{v};
      std::string x;
      while (std::getline(ss, x, ','))
        o.only.push_back(x);
    } else if (a == "--scale") {
      if (!value(v))
        return false;
      o.scale = std::atof(v.c_str());
    } else if (a == "--repeat") {
      if (!value(v))
        return false;
      o.repeat = std::atoi(v.c_str());
    } else if (a == "--filter") {
      if (!value(o.filter))
        return false;
    } else if (a == "--seconds") {
      if (!value(v))
        return false;
      o.seconds = std::atof(v.c_str());
    } else if (a == "--smoke") {
      o.smoke = true;
    } else if (a == "--verify") {
      o.verify = true;
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      return false;
    }
  }
  return o.scale > 0 && o.seconds > 0;
}

bool has_peer(const options& o, const std::string& p) {
  return std::find(o.peers.begin(), o.peers.end(), p) != o.peers.end();
}

// -- the plan --------------------------------------------------------------------------------------------

struct latency_case {
  double rate;
  double seconds;
  double warmup;
};

struct plan {
  std::vector<produce_case> produce;
  int64_t consume_records = 0;
  std::vector<latency_case> latency;
  native_case native;
  bool run_native = true;
};

std::string size_label(int bytes) {
  if (bytes >= 1024)
    return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string acks_label(int acks) {
  return acks < 0 ? "all" : std::to_string(acks);
}

// One dimension varied at a time around the base case (100 B, acks=1, 1 partition, 1 producer).
plan make_plan(const options& o) {
  plan p;
  auto count = [&](int size) {
    double n = size <= 100 ? 30e6 : size <= 1024 ? 5e6 : 5e4; // enough to last past the time cap
    return std::max<int64_t>(static_cast<int64_t>(n * o.scale), 100);
  };
  auto add = [&](std::string dim, int size, int acks, int parts, int prods) {
    produce_case c;
    c.record_size = size;
    c.acks = acks;
    c.partitions = parts;
    c.producers = prods;
    c.records = count(size);
    c.max_seconds = o.seconds;
    c.label = dim + ": " + size_label(size) + ", acks=" + acks_label(acks) + ", " + std::to_string(parts) + " part, "
              + std::to_string(prods) + " prod";
    p.produce.push_back(c);
  };
  auto want = [&](const char* section) {
    return o.only.empty() || std::find(o.only.begin(), o.only.end(), section) != o.only.end();
  };
  p.run_native = want("native");
  if (o.smoke) {
    add("base", 100, 1, 1, 1);
    p.produce[0].records = 20000;
    p.produce[0].max_seconds = 60;
    p.consume_records = 20000;
    p.latency = {{1000, 1.0, 0.2}};
    p.native.records = 20000;
    p.native.max_seconds = 60;
    return p;
  }
  add("base", 100, 1, 1, 1);
  add("size", 10, 1, 1, 1);
  add("size", 1024, 1, 1, 1);
  add("size", 100 * 1024, 1, 1, 1);
  add("acks", 100, 0, 1, 1);
  add("acks", 100, -1, 1, 1);
  add("partitions", 100, 1, 16, 1);
  add("partitions", 100, 1, 256, 1);
  add("producers", 100, 1, 1, 4);
  add("producers", 100, 1, 1, 32);
  p.consume_records = std::max<int64_t>(static_cast<int64_t>(3e6 * o.scale), 1000);
  p.latency = {{1000, 4.0, 0.5}, {10000, 3.0, 0.5}, {100000, 2.5, 0.5}};
  p.native.records = std::max<int64_t>(static_cast<int64_t>(2e6 * o.scale), 1000);
  p.native.max_seconds = 10;
  if (!want("produce"))
    p.produce.clear();
  if (!o.filter.empty())
    p.produce.erase(std::remove_if(p.produce.begin(), p.produce.end(),
                                   [&](const produce_case& c) { return c.label.find(o.filter) == std::string::npos; }),
                    p.produce.end());
  if (!want("consume"))
    p.consume_records = 0;
  if (!want("latency"))
    p.latency.clear();
  return p;
}

// -- results ---------------------------------------------------------------------------------------------

struct system_results {
  bool ran = false;
  std::string skipped; // why the system did not run
  std::vector<throughput> produce;
  throughput consume;
  std::vector<latency> lat;
};

struct all_results {
  std::vector<std::string> systems; // samsa first
  std::map<std::string, system_results> by_system;
  native_result native_local, native_remote;
  std::vector<std::string> failures;
  std::vector<std::string> notes; // observations that are not failures
};

std::string describe_fail(const std::string& sys, const std::string& what, const std::string& note) {
  return sys + " / " + what + ": " + (note.empty() ? "counts did not match" : note);
}

// One system under test: what it does for each section. produce returns ran=false where a case does not
// apply (Redis has no acks).
struct participant {
  std::string name;
  std::function<throughput(const produce_case&, int index)> produce;
  std::function<throughput(int64_t records)> consume;
  std::function<latency(const latency_case&, int index)> lat;
};

// Runs a produce case `repeat` times and keeps the run with the median rate (failed runs win: they are
// what must be seen).
throughput median_of(int repeat, const std::function<throughput()>& f) {
  std::vector<throughput> runs;
  for (int i = 0; i < repeat; ++i) {
    runs.push_back(f());
    if (!runs.back().ran || !runs.back().ok)
      return runs.back();
  }
  std::sort(runs.begin(), runs.end(), [](const throughput& a, const throughput& b) { return a.rps() < b.rps(); });
  return runs[runs.size() / 2];
}

// Every section, each case on every system in turn (interleaved, so that a change in the machine's
// background load hits all systems alike rather than one).
void run_sections(std::vector<participant>& ps, const plan& p, int repeat, all_results& R) {
  for (size_t i = 0; i < p.produce.size(); ++i) {
    auto& c = p.produce[i];
    for (auto& x : ps) {
      auto t = median_of(repeat, [&] { return x.produce(c, static_cast<int>(i)); });
      if (t.ran) {
        log(x.name + " produce " + c.label + ": " + fmt_count(t.rps()) + " rec/s, " + fmt_num(t.mbps(), 1)
            + " MB/s in " + fmt_num(t.seconds, 2) + " s" + (t.ok ? "" : "  FAILED: " + t.note));
        if (!t.ok)
          R.failures.push_back(describe_fail(x.name, "produce " + c.label, t.note));
        if (!t.warning.empty())
          R.notes.push_back(x.name + " / produce " + c.label + ": " + t.warning);
      }
      R.by_system[x.name].produce.push_back(t);
    }
  }
  if (p.consume_records > 0) {
    for (auto& x : ps) {
      auto t = x.consume(p.consume_records);
      log(x.name + " consume: " + (t.na.empty() ? fmt_count(t.rps()) + " rec/s in " + fmt_num(t.seconds, 2) + " s" : "n/a: " + t.na)
          + (t.ok ? "" : "  FAILED: " + t.note));
      if (!t.na.empty())
        R.notes.push_back(x.name + " / consume: n/a, the server " + t.na);
      if (!t.ok)
        R.failures.push_back(describe_fail(x.name, "consume", t.note));
      R.by_system[x.name].consume = t;
    }
  }
  for (size_t i = 0; i < p.latency.size(); ++i) {
    auto& lc = p.latency[i];
    for (auto& x : ps) {
      auto l = x.lat(lc, static_cast<int>(i));
      log(x.name + " latency at " + fmt_count(lc.rate) + "/s: p50 " + fmt_num(l.p50_ms, 2) + " ms, p99 "
          + fmt_num(l.p99_ms, 2) + " ms" + (l.ok ? "" : "  FAILED: " + l.note));
      if (!l.ok)
        R.failures.push_back(describe_fail(x.name, "latency " + fmt_count(lc.rate) + "/s", l.note));
      if (!l.warning.empty())
        R.notes.push_back(x.name + " / latency " + fmt_count(lc.rate) + "/s: " + l.warning);
      if (!l.na.empty())
        R.notes.push_back(x.name + " / latency " + fmt_count(lc.rate) + "/s: n/a, the server " + l.na);
      R.by_system[x.name].lat.push_back(l);
    }
  }
  for (auto& x : ps)
    R.by_system[x.name].ran = true;
}

participant kafka_participant(kafka_server& s, bool verify) {
  participant x;
  x.name = s.name();
  x.produce = [&s, verify](const produce_case& c, int i) {
    return kafka_produce(s, "bench-produce-" + std::to_string(i), c, verify);
  };
  x.consume = [&s](int64_t n) { return kafka_consume(s, "bench-consume", n, 100, 120); };
  x.lat = [&s](const latency_case& lc, int i) {
    return kafka_latency(s, "bench-latency-" + std::to_string(i), lc.rate, lc.seconds, lc.warmup);
  };
  return x;
}

participant redis_participant(redis_server& s, bool verify) {
  participant x;
  x.name = s.name();
  x.produce = [&s, verify](const produce_case& c, int) {
    return c.acks == 1 ? redis_produce(s, c, verify) : throughput{}; // Redis has no acks: rows stay empty
  };
  x.consume = [&s](int64_t n) { return redis_consume(s, n, 100, 120); };
  x.lat = [&s](const latency_case& lc, int) { return redis_latency(s, lc.rate, lc.seconds, lc.warmup); };
  return x;
}

// -- report ------------------------------------------------------------------------------------------------

std::string read_first(const std::string& path, const std::string& key) {
  std::ifstream in{path};
  std::string l;
  while (std::getline(in, l))
    if (l.compare(0, key.size(), key) == 0) {
      auto c = l.find(':');
      auto v = c == std::string::npos ? l : l.substr(c + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  return "?";
}

std::string machine_line() {
  utsname u{};
  uname(&u);
  std::ostringstream out;
  out << "machine: " << sysconf(_SC_NPROCESSORS_ONLN) << " CPUs (" << read_first("/proc/cpuinfo", "model name")
      << "), " << read_first("/proc/meminfo", "MemTotal") << " memory, Linux " << u.release;
  return out.str();
}

std::string cell_rps(const throughput& t) {
  if (!t.ran)
    return "-";
  if (!t.na.empty())
    return "n/a";
  if (!t.ok && t.records == 0)
    return "failed";
  return fmt_count(t.rps()) + (t.ok ? "" : " (!)") + (t.warning.empty() ? "" : " *");
}

std::string cell_or_dash(double v, int decimals) {
  return v < 0 ? "-" : fmt_num(v, decimals);
}

std::string report(const options& o, const plan& p, const all_results& R) {
  std::ostringstream out;
  auto get = [&](const std::string& s) -> const system_results* {
    auto i = R.by_system.find(s);
    return i == R.by_system.end() || !i->second.ran ? nullptr : &i->second;
  };
  const system_results* sam = get("samsa");
  std::vector<std::string> peers(R.systems.begin() + 1, R.systems.end());

  out << "## samsa_bench " << (o.smoke ? "(smoke)" : "") << "\n\n";
  out << machine_line() << "\n\n";
  for (auto& s : R.systems) {
    auto i = R.by_system.find(s);
    if (i != R.by_system.end() && !i->second.skipped.empty())
      out << "- " << s << ": skipped (" << i->second.skipped << ")\n";
  }
  out << "Client: librdkafka " << "(same build for every Kafka-protocol server); Redis: hiredis, pipelined XADD, "
         "XREAD COUNT 10000. Rates count acknowledged records; MB/s counts value bytes (1 MB = 10^6 B). "
         "(!) marks a failed case, * a case with client errors such as request timeouts (see Notes).\n\n";

  // Produce
  if (!p.produce.empty()) {
  out << "### Produce throughput (one dimension varied around the base case: 100 B, acks=1, 1 partition, 1 "
         "producer; each case stops producing after "
      << fmt_num(p.produce.empty() ? 0 : p.produce[0].max_seconds, 0) << " s)\n\n";
  out << "| case | samsa rec/s | samsa MB/s |";
  for (auto& s : peers)
    out << " " << s << " rec/s | samsa/" << s << " |";
  out << "\n|---|---:|---:|";
  for (size_t i = 0; i < peers.size(); ++i)
    out << "---:|---:|";
  out << "\n";
  for (size_t i = 0; i < p.produce.size(); ++i) {
    const throughput* st = sam && i < sam->produce.size() ? &sam->produce[i] : nullptr;
    out << "| " << p.produce[i].label << " | " << (st ? cell_rps(*st) : "-") << " | "
        << (st && st->ran ? fmt_num(st->mbps(), 1) : "-") << " |";
    for (auto& s : peers) {
      auto* r = get(s);
      const throughput* pt = r && i < r->produce.size() ? &r->produce[i] : nullptr;
      out << " " << (pt ? cell_rps(*pt) : "-") << " | "
          << (pt && st && pt->ran ? fmt_ratio(st->rps(), pt->rps()) : "-") << " |";
    }
    out << "\n";
  }

  // Server cost
  out << "\n### Server cost in the produce cases (CPU seconds of the server process per million records; "
         "peak resident memory during the case, VmHWM)\n\n";
  out << "| case |";
  for (auto& s : R.systems)
    out << " " << s << " CPU s/M | " << s << " peak MiB |";
  out << "\n|---|";
  for (size_t i = 0; i < R.systems.size(); ++i)
    out << "---:|---:|";
  out << "\n";
  for (size_t i = 0; i < p.produce.size(); ++i) {
    out << "| " << p.produce[i].label << " |";
    for (auto& s : R.systems) {
      auto* r = get(s);
      const throughput* t = r && i < r->produce.size() && r->produce[i].ran ? &r->produce[i] : nullptr;
      out << " " << (t ? cell_or_dash(t->cpu_per_million(), 2) : "-") << " | "
          << (t ? cell_or_dash(t->server_peak_mib, 0) : "-") << " |";
    }
    out << "\n";
  }
  }

  // Consume
  if (p.consume_records > 0) {
  out << "\n### Consume from the beginning (" << fmt_count(static_cast<double>(p.consume_records))
      << " records of 100 B, 1 partition / 1 stream, one consumer)\n\n";
  out << "| system | records | rec/s | MB/s | samsa/system | server CPU s/M |\n|---|---:|---:|---:|---:|---:|\n";
  for (auto& s : R.systems) {
    auto* r = get(s);
    if (!r)
      continue;
    auto& t = r->consume;
    bool na = !t.na.empty();
    out << "| " << s << " | " << (na ? std::string("-") : std::to_string(t.records)) << " | " << cell_rps(t) << " | "
        << (na ? "-" : fmt_num(t.mbps(), 1)) << " | " << (sam && !na ? fmt_ratio(sam->consume.rps(), t.rps()) : "-")
        << " | " << cell_or_dash(na ? -1 : t.cpu_per_million(), 2) << " |\n";
  }
  }

  // Latency
  if (!p.latency.empty()) {
  out << "\n### End-to-end latency (producer send -> consumer receive, 100 B records, linger.ms=0, acks=1, "
         "first 0.5 s dropped)\n\n";
  out << "| rate | system | achieved rec/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU s/M |\n"
         "|---:|---|---:|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < p.latency.size(); ++i) {
    for (auto& s : R.systems) {
      auto* r = get(s);
      if (!r || i >= r->lat.size())
        continue;
      auto& l = r->lat[i];
      double cpm = l.server_cpu_s >= 0 && l.received > 0 ? l.server_cpu_s / (l.received / 1e6) : -1;
      if (!l.na.empty()) {
        out << "| " << fmt_count(p.latency[i].rate) << "/s | " << s << " | n/a | - | - | - | - | - |\n";
        continue;
      }
      out << "| " << fmt_count(p.latency[i].rate) << "/s | " << s << " | " << fmt_count(l.achieved_rate) << " | "
          << fmt_num(l.p50_ms, 2) << " | " << fmt_num(l.p99_ms, 2) << " | " << fmt_num(l.p999_ms, 2) << " | "
          << fmt_num(l.max_ms, 2) << (l.ok ? "" : " (!)") << (l.warning.empty() ? "" : " *") << " | "
          << cell_or_dash(cpm, 2) << " |\n";
    }
  }

  }

  // Native API
  if (p.run_native) {
  out << "\n### samsa native CAF actor API (" << fmt_count(static_cast<double>(p.native.records))
      << " records of 100 B, produce_atom batches of " << p.native.batch << " records, " << p.native.window
      << " requests in flight, then fetch_atom from offset 0)\n\n";
  out << "| path | produce rec/s | produce MB/s | fetch rec/s | fetch MB/s | broker CPU s/M (produce) |\n"
         "|---|---:|---:|---:|---:|---:|\n";
  auto native_row = [&](const std::string& name, const native_result& n) {
    out << "| " << name << " | " << cell_rps(n.produce) << " | " << (n.produce.ran ? fmt_num(n.produce.mbps(), 1) : "-")
        << " | " << cell_rps(n.fetch) << " | " << (n.fetch.ran ? fmt_num(n.fetch.mbps(), 1) : "-") << " | "
        << cell_or_dash(n.produce.cpu_per_million(), 2) << " |\n";
  };
  native_row("in-process (node embedded in the bench's actor_system)", R.native_local);
  native_row("remote (remote_actor to the broker process)", R.native_remote);
  if (sam && !sam->produce.empty())
    out << "| (Kafka protocol, librdkafka, base case, for comparison) | " << cell_rps(sam->produce[0]) << " | "
        << fmt_num(sam->produce[0].mbps(), 1) << " | " << cell_rps(sam->consume) << " | "
        << fmt_num(sam->consume.mbps(), 1) << " | " << cell_or_dash(sam->produce[0].cpu_per_million(), 2) << " |\n";
  }

  // Targets
  if (!o.smoke && sam) {
    out << "\n### Targets\n\n| target | measured | verdict |\n|---|---|---|\n";
    auto verdict = [](bool ok) { return ok ? std::string("met") : std::string("MISSED"); };
    auto* mock = get("mock");
    auto* redis = get("redis");
    if (mock && !sam->produce.empty()) {
      double ratio = mock->produce[0].rps() > 0 ? sam->produce[0].rps() / mock->produce[0].rps() : 0;
      out << "| produce, acks=1, 1 producer >= 1.0x mock cluster | " << fmt_num(ratio, 2) << "x ("
          << fmt_count(sam->produce[0].rps()) << " vs " << fmt_count(mock->produce[0].rps()) << " rec/s) | "
          << verdict(ratio >= 1.0) << (ratio < 1.0 ? " by " + fmt_num((1.0 - ratio) * 100, 0) + "%" : "") << " |\n";
    }
    if (p.consume_records > 0) {
      double c = sam->consume.rps();
      out << "| consume from the beginning >= 3M rec/s | " << fmt_count(c) << " rec/s | " << verdict(c >= 3e6)
          << (c < 3e6 ? " by " + fmt_num((1.0 - c / 3e6) * 100, 0) + "%" : "") << " |\n";
      if (redis) {
        double rr = redis->consume.rps();
        out << "| consume faster than Redis XREAD | " << fmt_ratio(c, rr) << " (" << fmt_count(c) << " vs "
            << fmt_count(rr) << " rec/s) | " << verdict(c > rr)
            << (c <= rr && rr > 0 ? " by " + fmt_num((1.0 - c / rr) * 100, 0) + "%" : "") << " |\n";
      }
    }
    for (size_t i = 0; i < p.latency.size(); ++i) {
      if (p.latency[i].rate != 10000 || i >= sam->lat.size())
        continue;
      double v = sam->lat[i].p99_ms;
      out << "| p99 end-to-end latency at 10k rec/s < 5 ms | " << fmt_num(v, 2) << " ms | " << verdict(v < 5 && sam->lat[i].ok)
          << (v >= 5 ? " by " + fmt_num(v - 5, 2) + " ms (" + fmt_num(v / 5, 1) + "x)" : "") << " |\n";
    }
    const throughput *p1 = nullptr, *p256 = nullptr, *prod32 = nullptr;
    for (size_t i = 0; i < p.produce.size() && i < sam->produce.size(); ++i) {
      auto& c = p.produce[i];
      if (c.partitions == 1 && c.producers == 1 && c.acks == 1 && c.record_size == 100 && !p1)
        p1 = &sam->produce[i];
      if (c.partitions == 256)
        p256 = &sam->produce[i];
      if (c.producers == 32)
        prod32 = &sam->produce[i];
    }
    if (p1 && p256 && p1->rps() > 0) {
      double cost = 1.0 - p256->rps() / p1->rps();
      out << "| 1 -> 256 partitions costs < 30% of single-partition throughput | " << fmt_num(cost * 100, 0)
          << "% (" << fmt_count(p256->rps()) << " vs " << fmt_count(p1->rps()) << " rec/s) | " << verdict(cost < 0.30)
          << (cost >= 0.30 ? " by " + fmt_num((cost - 0.30) * 100, 0) + " points" : "") << " |\n";
    }
    if (prod32) {
      double m = prod32->server_peak_mib;
      out << "| broker peak memory < 512 MiB with 32 producers | " << fmt_num(m, 0) << " MiB | "
          << verdict(m >= 0 && m < 512) << (m >= 512 ? " by " + fmt_num(m - 512, 0) + " MiB" : "") << " |\n";
    }
  }

  out << "\n### Checks\n\n";
  if (R.failures.empty()) {
    out << "Every case ran and its counts matched (acknowledged == stored"
        << (o.smoke || o.verify ? " == consumed back" : "") << "; consumed == produced; received == sent).\n";
  } else {
    for (auto& f : R.failures)
      out << "- FAILED " << f << "\n";
  }
  if (!R.notes.empty())
    out << "\nNotes:\n\n";
  for (auto& n : R.notes)
    out << "- " << n << "\n";
  return out.str();
}

int run(const options& o) {
  auto p = make_plan(o);
  const bool verify = o.smoke || o.verify;
  auto workdir = make_temp_dir("samsa-bench");
  log("work directory " + workdir);
  // Declared before the servers, so it runs after they are stopped, also when an exception unwinds.
  struct workdir_guard {
    std::string dir;
    bool keep;
    ~workdir_guard() {
      if (keep)
        log("kept " + dir);
      else
        remove_tree(dir);
    }
  } guard{workdir, o.keep};
  if (!o.keep)
    set_cleanup_dir(workdir);
  all_results R;
  R.systems.push_back("samsa");
  for (auto& s : {"mock", "redis", "redis-aof"})
    if (has_peer(o, s))
      R.systems.push_back(s);
  auto fail_all = [&](const std::string& sys, const std::string& why) {
    R.by_system[sys].skipped = why;
    R.failures.push_back(sys + ": " + why);
  };

  // Every server is started first and stays up (idle when it is not measured); cases are interleaved.
  std::vector<participant> ps;
  std::string why;
  auto samsa = samsa_server::start(o.samsa, workdir, why);
  if (!samsa) {
    fail_all("samsa", why);
  } else {
    log("samsa broker pid " + std::to_string(samsa->pid()) + " on " + samsa->bootstrap() + ", native 127.0.0.1:"
        + std::to_string(samsa->native_port()));
    ps.push_back(kafka_participant(*samsa, verify));
  }
  std::unique_ptr<mock_server> mock;
  if (has_peer(o, "mock")) {
    mock = std::make_unique<mock_server>(self_exe(), workdir);
    ps.push_back(kafka_participant(*mock, verify));
  }
  std::vector<std::unique_ptr<redis_server>> redis;
  for (bool aof : {false, true}) {
    std::string name = aof ? "redis-aof" : "redis";
    if (!has_peer(o, name))
      continue;
    auto path = find_program(o.redis);
    if (path.empty()) {
      // Peers are optional: a missing redis-server is reported, not failed.
      R.by_system[name].skipped = o.redis + " not installed (tools/install-deps.sh installs it)";
      log(name + " skipped: " + R.by_system[name].skipped);
      continue;
    }
    auto s = redis_server::start(path, workdir, aof, why);
    if (!s) {
      fail_all(name, why);
      continue;
    }
    redis.push_back(std::move(s));
    ps.push_back(redis_participant(*redis.back(), verify));
  }

  run_sections(ps, p, std::max(o.repeat, 1), R);

  for (auto& r : redis)
    r->stop();
  if (mock)
    mock->stop();
  if (samsa) {
    if (p.run_native) {
      log("samsa native API, remote");
      R.native_remote = native_remote(samsa->native_port(), samsa->pid(), p.native);
    }
    pid_t pid = samsa->pid();
    samsa->stop();
    if (kill(pid, 0) == 0)
      R.failures.push_back("samsa broker still running after stop");
    if (!samsa->clean_exit())
      R.notes.push_back("the samsa broker did not exit within 5 s of SIGTERM and was killed (SIGKILL)");
    else
      R.notes.push_back("the samsa broker exited cleanly " + fmt_num(samsa->stop_seconds(), 2) + " s after SIGTERM");
  }
  if (p.run_native) {
    log("samsa native API, in-process");
    R.native_local = native_in_process(workdir, p.native);
  }
  for (auto* n : {&R.native_remote, &R.native_local}) {
    if (!n->produce.ran)
      continue;
    auto which = n == &R.native_remote ? std::string("native remote") : std::string("native in-process");
    if (!n->produce.ok)
      R.failures.push_back(describe_fail("samsa", which + " produce", n->produce.note));
    else if (!n->fetch.ok)
      R.failures.push_back(describe_fail("samsa", which + " fetch", n->fetch.note));
    log(which + ": produce " + fmt_count(n->produce.rps()) + " rec/s, fetch " + fmt_count(n->fetch.rps()) + " rec/s");
  }

  auto text = report(o, p, R);
  std::cout << text << std::flush;
  if (!o.out.empty()) {
    std::ofstream f{o.out};
    f << text;
  }
  return R.failures.empty() ? 0 : 1;
}

} // namespace
} // namespace bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--mock-server") == 0)
    return bench::mock_server_main();
  if (argc >= 2 && std::strcmp(argv[1], "--client") == 0)
    return bench::client_main(argc - 2, argv + 2);
  bench::options o;
  if (!bench::parse(argc, argv, o)) {
    bench::usage();
    return 2;
  }
  if (o.samsa.empty()) {
    // Default: the samsa binary beside the bench's own build directory (build/bench/samsa_bench -> build/samsa).
    auto self = std::filesystem::path{bench::self_exe()};
    o.samsa = (self.parent_path().parent_path() / "samsa").string();
  }
  if (bench::find_program(o.samsa).empty()) {
    std::cerr << "samsa_bench: no samsa executable at " << o.samsa << " (use --samsa PATH)\n";
    return 2;
  }
  o.samsa = std::filesystem::absolute(o.samsa).string();
  bench::install_cleanup_handlers();
  try {
    return bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "samsa_bench: " << e.what() << "\n";
    bench::kill_all_children();
    return 1;
  }
}
