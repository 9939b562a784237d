// `samsa_bench --client MODE ...`: librdkafka clients against Kafka servers the bench did not start (a
// cluster that bench/cluster_replication.sh runs), each printing one line of `key=value` results on stdout:
//
//   produce --bootstrap B --topic T --partitions N [--acks 1|all|0] [--idempotent] [--record-size BYTES]
//           [--records N] [--seconds S] [--server-pids P,P,...]
//       one producer sends records round-robin over the partitions (the same code as the produce cases);
//       prints records (acknowledged), sent, bytes, seconds, errors, server_cpu_s (summed over the pids),
//       then note=... (empty when every record was acknowledged).
//   consume --bootstrap B --topic T --partitions N --records N [--seconds S] [--server-pids P,P,...]
//       one consumer reads every partition from the beginning until N records arrived.
//   failover-writer --bootstrap B --topic T --partitions N --acks-out FILE --status FILE --stop-file FILE
//           [--rate R] [--seconds MAX] [--debug CONTEXTS]
//       an idempotent acks=all producer writes R records/s (values "0", "1", ...) round-robin over the
//       partitions until FILE --stop-file exists (or MAX seconds), then flushes. Every acknowledgement is
//       appended to --acks-out as a JSON array [value, partition, offset, unix time in s, broker id], the
//       format of tests/e2e/cluster_replication_check.py verify; --status is rewritten every ~20 ms with one
//       line per partition "PARTITION LAST_ACK_UNIX_MS BROKER ACKNOWLEDGED" (where its last acknowledgement
//       came from), so a script can wait for writes to resume. Prints the counts and the delivery errors.
//       --debug CONTEXTS: librdkafka's debug log (e.g. eos,msg,broker) on stderr.
// Exit status 0 when the client ran (the counts say how well), 1 when it could not, 2 on bad usage.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kafka_bench.hpp"

namespace bench {
namespace {

struct client_options {
  std::string mode, bootstrap, topic, acks_out, status, stop_file, acks = "1";
  std::string debug; // librdkafka's debug contexts (its log goes to stderr)
  int partitions = 1;
  int record_size = 1024;
  bool idempotent = false;
  int64_t records = 1000000;
  double seconds = 10;
  double rate = 2000;
  std::vector<pid_t> server_pids;
};

bool parse_client(int argc, char** argv, client_options& o) {
  if (argc < 1)
    return false;
  o.mode = argv[0];
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--idempotent") {
      o.idempotent = true;
      continue;
    }
    if (i + 1 >= argc)
      return false;
    std::string v = argv[++i];
    if (a == "--bootstrap")
      o.bootstrap = v;
    else if (a == "--topic")
      o.topic = v;
    else if (a == "--partitions")
      o.partitions = std::atoi(v.c_str());
    else if (a == "--acks")
      o.acks = v;
    else if (a == "--record-size")
      o.record_size = std::atoi(v.c_str());
    else if (a == "--records")
      o.records = std::atoll(v.c_str());
    else if (a == "--seconds")
      o.seconds = std::atof(v.c_str());
    else if (a == "--rate")
      o.rate = std::atof(v.c_str());
    else if (a == "--acks-out")
      o.acks_out = v;
    else if (a == "--status")
      o.status = v;
    else if (a == "--stop-file")
      o.stop_file = v;
    else if (a == "--debug")
      o.debug = v;
    else if (a == "--server-pids") {
      std::stringstream ss{v};
      std::string p;
      while (std::getline(ss, p, ','))
        o.server_pids.push_back(static_cast<pid_t>(std::atoi(p.c_str())));
    } else
      return false;
  }
  return !o.bootstrap.empty() && !o.topic.empty() && o.partitions > 0 && o.record_size > 0 && o.records > 0
         && o.seconds > 0 && o.rate > 0 && (o.acks == "0" || o.acks == "1" || o.acks == "all");
}

// CPU seconds (utime + stime) of the server processes together.
double servers_cpu(const std::vector<pid_t>& pids) {
  double sum = 0;
  for (auto p : pids)
    sum += std::max(cpu_seconds(p), 0.0);
  return sum;
}

int client_produce(const client_options& o) {
  produce_case c;
  c.record_size = o.record_size;
  c.acks = o.acks == "all" ? -1 : std::atoi(o.acks.c_str());
  c.idempotent = o.idempotent;
  c.partitions = o.partitions;
  c.records = o.records;
  c.max_seconds = o.seconds;
  double cpu0 = servers_cpu(o.server_pids);
  auto r = produce_records(o.bootstrap, o.topic, c, nullptr);
  double cpu = servers_cpu(o.server_pids) - cpu0;
  std::printf("records=%lld bytes=%lld seconds=%.3f errors=%lld server_cpu_s=%.2f note=%s%s\n",
              static_cast<long long>(r.records), static_cast<long long>(r.bytes), r.seconds,
              static_cast<long long>(r.errors), cpu, r.note.c_str(),
              r.warning.empty() ? "" : (" (" + r.warning + ")").c_str());
  return 0;
}

int client_consume(const client_options& o) {
  double cpu0 = servers_cpu(o.server_pids);
  auto r = consume_all(o.bootstrap, o.topic, o.partitions, o.records, o.seconds, 0);
  double cpu = servers_cpu(o.server_pids) - cpu0;
  std::printf("records=%lld bytes=%lld seconds=%.3f errors=%lld server_cpu_s=%.2f note=%s\n",
              static_cast<long long>(r.records), static_cast<long long>(r.bytes), r.seconds,
              static_cast<long long>(r.errors), cpu, r.why.c_str());
  return 0;
}

// -- failover-writer -------------------------------------------------------------------------------------

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct partition_acks {
  int64_t last_ms = 0;
  int32_t broker = -1;
  int64_t acked = 0;
};

// Delivery reports of the failover writer: all run on its own thread, inside rd_kafka_poll/flush.
struct writer_state {
  std::ofstream acks;
  std::vector<partition_acks> parts;
  int64_t acked = 0;
  int64_t failed = 0;
  std::map<std::string, int64_t> errors; // delivery error name -> count
  int64_t client_errors = 0;
  std::string fatal;
};

void writer_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* w = static_cast<writer_state*>(opaque);
  auto value = reinterpret_cast<intptr_t>(m->_private);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++w->failed;
    ++w->errors[rd_kafka_err2name(m->err)];
    return;
  }
  int64_t now = unix_ms();
  int32_t broker = rd_kafka_message_broker_id(m);
  auto& p = w->parts.at(static_cast<size_t>(m->partition));
  p.last_ms = now;
  p.broker = broker;
  ++p.acked;
  ++w->acked;
  char line[128];
  std::snprintf(line, sizeof line, "[%lld, %d, %lld, %.3f, %d]\n", static_cast<long long>(value),
                static_cast<int>(m->partition), static_cast<long long>(m->offset), static_cast<double>(now) / 1000,
                static_cast<int>(broker));
  w->acks << line;
}

void writer_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* w = static_cast<writer_state*>(opaque);
  ++w->client_errors;
  if (err == RD_KAFKA_RESP_ERR__FATAL && w->fatal.empty()) {
    char why[512];
    rd_kafka_fatal_error(rk, why, sizeof why);
    w->fatal = why;
  }
  if (verbose)
    log(std::string("failover-writer: ") + rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ": " + reason);
}

void write_status(const std::string& path, const writer_state& w) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f{tmp};
    for (size_t p = 0; p < w.parts.size(); ++p)
      f << p << " " << w.parts[p].last_ms << " " << w.parts[p].broker << " " << w.parts[p].acked << "\n";
  }
  std::rename(tmp.c_str(), path.c_str());
}

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

int client_failover_writer(const client_options& o) {
  if (o.acks_out.empty() || o.status.empty() || o.stop_file.empty()) {
    std::cerr << "failover-writer needs --acks-out, --status and --stop-file\n";
    return 2;
  }
  writer_state w;
  w.acks.open(o.acks_out, std::ios::app);
  w.parts.resize(static_cast<size_t>(o.partitions));
  std::string why;
  // librdkafka's defaults otherwise (retry.backoff.ms=100, topic.metadata.refresh.fast.interval.ms=250,
  // socket.timeout.ms=60000): the failover time includes what an unmodified client takes to follow a leader.
  kv_list settings{{"bootstrap.servers", o.bootstrap},
                    {"enable.idempotence", "true"},
                    {"acks", "all"},
                    {"linger.ms", "5"},
                    {"message.timeout.ms", "120000"}};
  if (!o.debug.empty())
    settings.insert(settings.end(), {{"debug", o.debug}, {"log_level", "7"}});
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, settings, handle_callbacks{&w, writer_delivery, writer_error}, why);
  rd_kafka_topic_t* rkt = rk != nullptr ? rd_kafka_topic_new(rk, o.topic.c_str(), nullptr) : nullptr;
  if (rkt == nullptr || !wait_topic(rk, rkt, o.partitions, why)) {
    std::cerr << "failover-writer: " << why << "\n";
    if (rkt)
      rd_kafka_topic_destroy(rkt);
    if (rk)
      rd_kafka_destroy(rk);
    return 1;
  }
  auto t0 = clock_type::now();
  auto last_status = t0;
  int64_t sent = 0;
  while (seconds_since(t0) < o.seconds) {
    auto due = static_cast<int64_t>(seconds_since(t0) * o.rate) + 1;
    while (sent < due) {
      auto value = std::to_string(sent);
      auto part = static_cast<int32_t>(sent % o.partitions);
      if (rd_kafka_produce(rkt, part, RD_KAFKA_MSG_F_COPY, value.data(), value.size(), nullptr, 0,
                           reinterpret_cast<void*>(static_cast<intptr_t>(sent)))
          == -1)
        break; // queue full: try again after serving callbacks
      ++sent;
    }
    rd_kafka_poll(rk, 1);
    if (seconds_since(last_status) >= 0.02) {
      last_status = clock_type::now();
      w.acks.flush();
      write_status(o.status, w);
      if (exists(o.stop_file) || !w.fatal.empty())
        break;
    }
  }
  rd_kafka_flush(rk, 60000);
  int64_t unfinished = rd_kafka_outq_len(rk);
  w.acks.flush();
  write_status(o.status, w);
  std::string errors;
  for (auto& [name, n] : w.errors)
    errors += (errors.empty() ? "" : ",") + name + ":" + std::to_string(n);
  std::printf("sent=%lld acknowledged=%lld failed=%lld unfinished=%lld client_errors=%lld errors=%s fatal=%s\n",
              static_cast<long long>(sent), static_cast<long long>(w.acked), static_cast<long long>(w.failed),
              static_cast<long long>(unfinished), static_cast<long long>(w.client_errors),
              errors.empty() ? "-" : errors.c_str(), w.fatal.empty() ? "-" : w.fatal.c_str());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return 0;
}

} // namespace

int client_main(int argc, char** argv) {
  client_options o;
  if (!parse_client(argc, argv, o)) {
    std::cerr << "usage: samsa_bench --client produce|consume|failover-writer --bootstrap HOST:PORT[,...] --topic T "
                 "--partitions N [options] (see bench/kafka_client.cpp)\n";
    return 2;
  }
  if (o.mode == "produce")
    return client_produce(o);
  if (o.mode == "consume")
    return client_consume(o);
  if (o.mode == "failover-writer")
    return client_failover_writer(o);
  std::cerr << "samsa_bench --client: unknown mode " << o.mode << "\n";
  return 2;
}

} // namespace bench
