#include "kafka_bench.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

namespace {

using kv_list = std::vector<std::pair<std::string, std::string>>;

struct dr_counts {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> err{0};
  std::atomic<int> first_err{0};
  std::atomic<int64_t> timeouts{0}; // client-side errors: requests timed out, connection dropped
  std::mutex m;
  std::string first_client_error;
};

void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* c = static_cast<dr_counts*>(opaque);
  c->timeouts.fetch_add(1);
  std::lock_guard<std::mutex> g{c->m};
  if (c->first_client_error.empty())
    c->first_client_error = std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " + reason;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* c = static_cast<dr_counts*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    c->ok.fetch_add(1, std::memory_order_relaxed);
  } else {
    c->err.fetch_add(1, std::memory_order_relaxed);
    int zero = 0;
    c->first_err.compare_exchange_strong(zero, static_cast<int>(m->err));
  }
}

// A librdkafka handle; opaque (a dr_counts) enables delivery reports.
rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, dr_counts* opaque, std::string& why) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  kv_list all{{"log_level", verbose ? "6" : "3"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      why = "config " + k + "=" + v + ": " + err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  if (opaque != nullptr) {
    rd_kafka_conf_set_opaque(conf, opaque);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr)
    why = std::string("rd_kafka_new: ") + err;
  return rk;
}

// Waits until the client's metadata shows the topic with all its partitions led.
bool wait_topic(rd_kafka_t* rk, rd_kafka_topic_t* rkt, int partitions, std::string& why) {
  auto t0 = clock_type::now();
  while (seconds_since(t0) < 20) {
    const rd_kafka_metadata_t* md = nullptr;
    auto e = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
    bool ok = false;
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
        && md->topics[0].partition_cnt == partitions) {
      ok = true;
      for (int i = 0; i < partitions; ++i)
        ok = ok && md->topics[0].partitions[i].leader >= 0;
    }
    if (md != nullptr)
      rd_kafka_metadata_destroy(md);
    if (ok)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  why = "topic metadata not ready after 20 s";
  return false;
}

kv_list consumer_settings(const std::string& bootstrap) {
  // KafkaConsumer wants a group.id, but nothing uses the group: assign(), no subscribe, no commits.
  return {{"bootstrap.servers", bootstrap},     {"group.id", "samsa-bench"},
          {"enable.auto.commit", "false"},      {"enable.auto.offset.store", "false"},
          {"enable.partition.eof", "false"},    {"auto.offset.reset", "earliest"}};
}

// Reads the topic from the beginning until `expected` records arrived (or max_seconds passed).
// extra_wait: keep reading a little longer to catch records beyond `expected` (verification).
struct consumed {
  int64_t records = 0;
  int64_t bytes = 0;
  double seconds = 0;
  int64_t errors = 0;
  std::string why;
};

consumed consume_all(const std::string& bootstrap, const std::string& topic, int partitions, int64_t expected,
                     double max_seconds, double extra_wait) {
  consumed out;
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap), nullptr, out.why);
  if (rk == nullptr)
    return out;
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> msgs(10000);
  auto t0 = clock_type::now();
  auto e = rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.why = std::string("assign: ") + rd_kafka_err2str(e);
  } else {
    double done_at = -1;
    while (true) {
      double el = seconds_since(t0);
      if (el > max_seconds) {
        if (out.records < expected)
          out.why = "consumer timed out after " + fmt_num(max_seconds, 0) + " s";
        break;
      }
      if (out.records >= expected) {
        if (done_at < 0) {
          done_at = el;
          out.seconds = el;
        }
        if (el - done_at >= extra_wait)
          break;
      }
      auto n = rd_kafka_consume_batch_queue(q, out.records >= expected ? 50 : 100, msgs.data(), msgs.size());
      for (ssize_t i = 0; i < n; ++i) {
        auto* m = msgs[static_cast<size_t>(i)];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          ++out.records;
          out.bytes += static_cast<int64_t>(m->len);
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          if (++out.errors == 1)
            log("consumer error: " + std::string(rd_kafka_message_errstr(m)));
        }
        rd_kafka_message_destroy(m);
      }
    }
    if (out.seconds == 0)
      out.seconds = seconds_since(t0);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

// Sum of (high - low) watermarks of every partition.
int64_t topic_records(const std::string& bootstrap, const std::string& topic, int partitions, std::string& why) {
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}}, nullptr, why);
  if (rk == nullptr)
    return -1;
  int64_t total = 0;
  for (int p = 0; p < partitions && total >= 0; ++p) {
    int64_t lo = 0, hi = 0;
    auto e = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      why = "watermarks of partition " + std::to_string(p) + ": " + rd_kafka_err2str(e);
      total = -1;
    } else {
      total += hi - lo;
    }
  }
  rd_kafka_destroy(rk);
  return total;
}

// Low watermark of partition 0 (> 0 when the server dropped the head of the log), -1 on error.
int64_t low_watermark(const std::string& bootstrap, const std::string& topic) {
  std::string why;
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap}}, nullptr, why);
  if (rk == nullptr)
    return -1;
  int64_t lo = -1, hi = -1;
  if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), 0, &lo, &hi, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
    lo = -1;
  rd_kafka_destroy(rk);
  return lo;
}

struct start_gate {
  std::mutex m;
  std::condition_variable cv;
  int ready = 0;
  int failed = 0;
  bool go = false;
  clock_type::time_point t0;

  void arrive(bool ok) {
    std::lock_guard<std::mutex> g{m};
    (ok ? ready : failed) += 1;
    cv.notify_all();
  }
  bool wait_go() {
    std::unique_lock<std::mutex> g{m};
    cv.wait(g, [&] { return go; });
    return failed == 0;
  }
};

std::string random_payload(size_t n) {
  std::string s(n, '\0');
  std::mt19937_64 rng{42};
  for (auto& ch : s)
    ch = static_cast<char>(rng());
  return s;
}

struct producer_result {
  int64_t sent = 0;
  int64_t ok = 0;
  int64_t err = 0;
  int first_err = 0;
  int64_t client_errors = 0;
  std::string first_client_error;
  double seconds = 0;
  std::string why;
};

// One producer thread: connect, wait for the gate, send n records, flush.
void run_producer(const std::string& bootstrap, const std::string& topic, const produce_case& c, int index,
                  int64_t n, const std::string& payload, start_gate& gate, producer_result& out) {
  dr_counts counts;
  kv_list settings{{"bootstrap.servers", bootstrap},
                   {"acks", std::to_string(c.acks)},
                   {"linger.ms", "5"},
                   {"queue.buffering.max.messages", "200000"},
                   {"queue.buffering.max.kbytes", "262144"},
                   {"message.timeout.ms", "120000"},
                   // A broker that stops answering costs 10 s (then librdkafka reconnects and retries)
                   // instead of the default 60 s: the run stays bounded, and the stall is reported.
                   {"socket.timeout.ms", "10000"}};
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, settings, &counts, out.why);
  rd_kafka_topic_t* rkt = rk != nullptr ? rd_kafka_topic_new(rk, topic.c_str(), nullptr) : nullptr;
  bool ready = rkt != nullptr && wait_topic(rk, rkt, c.partitions, out.why);
  gate.arrive(ready);
  if (!gate.wait_go() || !ready) {
    if (rkt)
      rd_kafka_topic_destroy(rkt);
    if (rk)
      rd_kafka_destroy(rk);
    if (out.why.empty())
      out.why = "another producer failed to start";
    return;
  }
  auto deadline = gate.t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(c.max_seconds));
  int64_t i = 0;
  for (; i < n; ++i) {
    int32_t part = static_cast<int32_t>((index + i) % c.partitions);
    while (rd_kafka_produce(rkt, part, 0, const_cast<char*>(payload.data()), payload.size(), nullptr, 0, nullptr)
           == -1) {
      auto e = rd_kafka_last_error();
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        out.why = std::string("produce: ") + rd_kafka_err2str(e);
        break;
      }
      rd_kafka_poll(rk, 1);
    }
    if (!out.why.empty())
      break;
    if ((i & 1023) == 1023) {
      rd_kafka_poll(rk, 0);
      if (clock_type::now() > deadline) {
        ++i;
        break;
      }
    }
  }
  out.sent = i;
  if (rd_kafka_flush(rk, 120000) != RD_KAFKA_RESP_ERR_NO_ERROR && out.why.empty())
    out.why = "flush timed out";
  out.seconds = seconds_since(gate.t0);
  out.ok = counts.ok.load();
  out.err = counts.err.load();
  out.first_err = counts.first_err.load();
  out.client_errors = counts.timeouts.load();
  out.first_client_error = counts.first_client_error;
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
}

// All producers of a case; the clock starts when every producer is connected.
throughput produce_records(const std::string& bootstrap, const std::string& topic, const produce_case& c,
                           server_meter* meter) {
  throughput r;
  r.ran = true;
  auto payload = random_payload(static_cast<size_t>(c.record_size));
  std::vector<producer_result> results(static_cast<size_t>(c.producers));
  std::vector<std::thread> threads;
  start_gate gate;
  for (int k = 0; k < c.producers; ++k) {
    int64_t n = c.records / c.producers + (k < c.records % c.producers ? 1 : 0);
    threads.emplace_back([&, k, n] { run_producer(bootstrap, topic, c, k, n, payload, gate, results[static_cast<size_t>(k)]); });
  }
  {
    std::unique_lock<std::mutex> g{gate.m};
    gate.cv.wait(g, [&] { return gate.ready + gate.failed == c.producers; });
    if (meter)
      meter->start();
    gate.t0 = clock_type::now();
    gate.go = true;
    gate.cv.notify_all();
  }
  for (auto& t : threads)
    t.join();
  if (meter)
    meter->stop(r.server_cpu_s, r.server_peak_mib);
  int64_t sent = 0;
  for (auto& x : results) {
    sent += x.sent;
    r.records += x.ok;
    r.errors += x.err;
    r.seconds = std::max(r.seconds, x.seconds);
    if (!x.why.empty() && r.note.empty())
      r.note = x.why;
    if (x.first_err != 0 && r.note.empty())
      r.note = std::string("delivery failed: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(x.first_err));
    if (x.client_errors > 0 && r.warning.empty())
      r.warning = std::to_string(x.client_errors) + " client error(s), first: " + x.first_client_error;
  }
  r.bytes = r.records * c.record_size;
  r.ok = r.note.empty() && r.errors == 0 && r.records == sent && sent > 0;
  if (r.note.empty() && !r.ok)
    r.note = std::to_string(sent - r.records) + " records not acknowledged";
  return r;
}

} // namespace

// -- samsa ---------------------------------------------------------------------------------------------

std::unique_ptr<samsa_server> samsa_server::start(const std::string& samsa, const std::string& workdir,
                                                  std::string& why) {
  std::unique_ptr<samsa_server> s{new samsa_server};
  s->kafka_port_ = free_port();
  s->native_port_ = free_port();
  std::vector<std::string> argv{samsa,
                                "broker",
                                "--set",
                                "log.dirs=" + workdir + "/samsa-data",
                                "--set",
                                "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(s->kafka_port_),
                                "--set",
                                "samsa.native.listener=127.0.0.1:" + std::to_string(s->native_port_),
                                "--set",
                                "samsa.http.listener="}; // no /metrics: the default port may be taken
  // TLS on the native API when the bench's client has it (SAMSA_NATIVE_SSL_*): the broker uses the same files.
  for (auto [env, key] : {std::pair{"SAMSA_NATIVE_SSL_CAFILE", "cafile"}, std::pair{"SAMSA_NATIVE_SSL_CERTFILE", "certfile"},
                          std::pair{"SAMSA_NATIVE_SSL_KEYFILE", "keyfile"}})
    if (auto v = std::getenv(env)) {
      argv.push_back("--set");
      argv.push_back(std::string{"samsa.native.ssl."} + key + "=" + v);
    }
  s->proc_ = spawn(argv, workdir + "/samsa-broker.log");
  if (!wait_port(s->kafka_port_, s->proc_, std::chrono::seconds(30))
      || !wait_port(s->native_port_, s->proc_, std::chrono::seconds(10))) {
    why = "samsa broker did not start; its log:\n" + tail_file(s->proc_.log_path);
    s->stop();
    return nullptr;
  }
  s->admin_ = new_handle(RD_KAFKA_PRODUCER, {{"bootstrap.servers", s->bootstrap()}}, nullptr, why);
  if (s->admin_ == nullptr) {
    s->stop();
    return nullptr;
  }
  return s;
}

samsa_server::~samsa_server() {
  stop();
}

void samsa_server::stop() {
  if (admin_ != nullptr) {
    rd_kafka_destroy(admin_);
    admin_ = nullptr;
  }
  if (proc_.pid > 0) {
    auto t0 = clock_type::now();
    int status = bench::stop(proc_, std::chrono::seconds(5));
    stop_seconds_ = seconds_since(t0);
    clean_exit_ = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!clean_exit_)
      log("samsa broker did not exit cleanly within 5 s of SIGTERM (status " + std::to_string(status) + ")");
  }
}

bool samsa_server::prepare(const std::string& topic, int partitions, std::string& why) {
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (nt == nullptr) {
    why = std::string("NewTopic: ") + err;
    return false;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(admin_);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(admin_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, err, sizeof err);
  rd_kafka_CreateTopics(admin_, &nt, 1, opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 60000);
  bool ok = false;
  if (ev == nullptr) {
    why = "CreateTopics: no answer in 60 s";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    why = std::string("CreateTopics: ") + rd_kafka_event_error_string(ev);
  } else {
    size_t n = 0;
    auto** res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ok = n == 1 && rd_kafka_topic_result_error(res[0]) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!ok)
      why = std::string("CreateTopics: ") + (n == 1 ? rd_kafka_err2str(rd_kafka_topic_result_error(res[0])) : "no result");
  }
  if (ev)
    rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  return ok;
}

void samsa_server::finish(const std::string& topic) {
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* q = rd_kafka_queue_new(admin_);
  rd_kafka_DeleteTopics(admin_, &dt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 60000);
  if (ev == nullptr || rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
    log("DeleteTopics " + topic + " failed");
  if (ev)
    rd_kafka_event_destroy(ev);
  rd_kafka_DeleteTopic_destroy(dt);
  rd_kafka_queue_destroy(q);
}

// -- mock cluster --------------------------------------------------------------------------------------

void mock_server::stop() {
  if (proc_.pid > 0)
    bench::stop(proc_, std::chrono::seconds(5));
}

bool mock_server::prepare(const std::string& topic, int partitions, std::string& why) {
  stop();
  proc_ = spawn({self_, "--mock-server"}, workdir_ + "/mock.log", true, true);
  std::string line;
  if (!read_line(proc_.out_fd, line, std::chrono::seconds(10)) || line.rfind("BOOTSTRAP ", 0) != 0) {
    why = "mock cluster did not start: " + line + "\n" + tail_file(proc_.log_path);
    return false;
  }
  bootstrap_ = line.substr(10);
  if (!write_all(proc_.in_fd, "create " + topic + " " + std::to_string(partitions) + "\n")
      || !read_line(proc_.out_fd, line, std::chrono::seconds(10)) || line != "ok") {
    why = "mock cluster could not create " + topic + ": " + line;
    return false;
  }
  return true;
}

int mock_server_main() {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::cerr << "rd_kafka_new: " << err << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, 1);
  if (mc == nullptr) {
    std::cerr << "rd_kafka_mock_cluster_new failed\n";
    return 1;
  }
  std::cout << "BOOTSTRAP " << rd_kafka_mock_cluster_bootstraps(mc) << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in{line};
    std::string cmd, topic;
    int partitions = 0;
    in >> cmd >> topic >> partitions;
    if (cmd == "create" && partitions > 0) {
      auto e = rd_kafka_mock_topic_create(mc, topic.c_str(), partitions, 1);
      std::cout << (e == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string("ok") : std::string(rd_kafka_err2str(e)))
                << std::endl;
    } else {
      std::cout << "unknown command" << std::endl;
    }
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}

// -- the measurements ------------------------------------------------------------------------------------

throughput kafka_produce(kafka_server& s, const std::string& topic, const produce_case& c, bool verify) {
  throughput r;
  std::string why;
  if (!s.prepare(topic, c.partitions, why)) {
    r.ran = true;
    r.note = why;
    return r;
  }
  server_meter meter{s.pid()};
  r = produce_records(s.bootstrap(), topic, c, &meter);
  if (verify && r.ok) {
    auto stored = topic_records(s.bootstrap(), topic, c.partitions, why);
    auto back = consume_all(s.bootstrap(), topic, c.partitions, r.records, 30, 0.3);
    if (stored != r.records) {
      r.ok = false;
      r.note = "acknowledged " + std::to_string(r.records) + " but the topic holds " + std::to_string(stored) + " " + why;
    } else if (back.records != r.records) {
      r.ok = false;
      r.note = "acknowledged " + std::to_string(r.records) + " but consumed " + std::to_string(back.records) + " "
               + back.why;
    } else {
      log(s.name() + " " + c.label + ": verified " + std::to_string(back.records) + " records consumed back");
    }
  }
  s.finish(topic);
  return r;
}

throughput kafka_consume(kafka_server& s, const std::string& topic, int64_t records, int record_size,
                         double max_seconds) {
  throughput r;
  r.ran = true;
  std::string why;
  if (!s.prepare(topic, 1, why)) {
    r.note = why;
    return r;
  }
  produce_case fill;
  fill.record_size = record_size;
  fill.records = records;
  fill.max_seconds = 600;
  auto filled = produce_records(s.bootstrap(), topic, fill, nullptr);
  if (!filled.ok) {
    r.note = "filling the topic failed: " + filled.note;
    s.finish(topic);
    return r;
  }
  if (auto lo = low_watermark(s.bootstrap(), topic); lo > 0) {
    // librdkafka's mock keeps only the last few MB of a partition: there is no large topic to read.
    r.na = "keeps only the last " + std::to_string(filled.records - lo) + " of " + std::to_string(filled.records)
           + " records (log start offset " + std::to_string(lo) + ")";
    r.ok = true;
    s.finish(topic);
    return r;
  }
  server_meter meter{s.pid()};
  meter.start();
  auto got = consume_all(s.bootstrap(), topic, 1, filled.records, max_seconds, 0);
  meter.stop(r.server_cpu_s, r.server_peak_mib);
  r.records = got.records;
  r.bytes = got.bytes;
  r.seconds = got.seconds;
  r.errors = got.errors;
  r.ok = got.records == filled.records && got.errors == 0;
  if (!r.ok)
    r.note = "produced " + std::to_string(filled.records) + ", consumed " + std::to_string(got.records) + " " + got.why;
  s.finish(topic);
  return r;
}

latency kafka_latency(kafka_server& s, const std::string& topic, double rate, double seconds, double warmup_s) {
  latency r;
  r.ran = true;
  std::string why;
  if (!s.prepare(topic, 1, why)) {
    r.note = why;
    return r;
  }
  const int64_t total = static_cast<int64_t>(rate * seconds);
  const int64_t warm = static_cast<int64_t>(rate * warmup_s);
  constexpr size_t record_size = 100;

  // Consumer first, positioned at the beginning of the empty topic.
  rd_kafka_t* ck = new_handle(RD_KAFKA_CONSUMER, consumer_settings(s.bootstrap()), nullptr, why);
  dr_counts counts;
  rd_kafka_t* pk = new_handle(RD_KAFKA_PRODUCER,
                              {{"bootstrap.servers", s.bootstrap()},
                               {"acks", "1"},
                               {"linger.ms", "0"},
                               {"socket.nagle.disable", "true"},
                               {"message.timeout.ms", "10000"},
                               {"socket.timeout.ms", "10000"}},
                              &counts, why);
  rd_kafka_topic_t* rkt = pk ? rd_kafka_topic_new(pk, topic.c_str(), nullptr) : nullptr;
  if (ck == nullptr || pk == nullptr || !wait_topic(pk, rkt, 1, why)) {
    r.note = why;
    if (rkt)
      rd_kafka_topic_destroy(rkt);
    if (pk)
      rd_kafka_destroy(pk);
    if (ck)
      rd_kafka_destroy(ck);
    s.finish(topic);
    return r;
  }
  rd_kafka_poll_set_consumer(ck);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(ck, parts);
  rd_kafka_topic_partition_list_destroy(parts);

  std::vector<int64_t> samples;
  samples.reserve(static_cast<size_t>(std::max<int64_t>(total - warm, 0)));
  std::atomic<int64_t> received{0};
  std::atomic<bool> stop_consumer{false};
  std::atomic<bool> primed{false};
  std::thread consumer{[&] {
    while (!stop_consumer.load() && received.load() < total) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(ck, 100);
      if (m == nullptr)
        continue;
      auto t = now_ns();
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->len >= 16) {
        int64_t seq, sent;
        std::memcpy(&seq, m->payload, 8);
        std::memcpy(&sent, static_cast<char*>(m->payload) + 8, 8);
        if (seq < 0) {
          primed = true; // the priming record: the consumer is fetching
        } else {
          if (seq >= warm)
            samples.push_back(t - sent);
          received.fetch_add(1);
        }
      }
      rd_kafka_message_destroy(m);
    }
  }};

  // One priming record (seq -1) first: the clock starts once the consumer has received it, so connection
  // setup and the first fetch are not counted.
  std::string payload(record_size, 'x');
  {
    int64_t seq = -1, ts = now_ns();
    std::memcpy(&payload[0], &seq, 8);
    std::memcpy(&payload[8], &ts, 8);
    rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(), nullptr, 0, nullptr);
    rd_kafka_flush(pk, 10000);
    auto until = clock_type::now() + std::chrono::seconds(15);
    while (!primed.load() && clock_type::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_meter meter{s.pid()};
  meter.start();
  auto t0 = clock_type::now();
  int64_t sent = 0;
  bool behind = false;
  while (sent < total) {
    double el = seconds_since(t0);
    if (el > seconds * 2 + 2) { // the server cannot keep up with the rate: give up, report what arrived
      behind = true;
      break;
    }
    int64_t due = std::min<int64_t>(total, static_cast<int64_t>(el * rate) + 1);
    while (sent < due) {
      int64_t ts = now_ns();
      std::memcpy(&payload[0], &sent, 8);
      std::memcpy(&payload[8], &ts, 8);
      if (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(), nullptr, 0, nullptr) == -1) {
        rd_kafka_poll(pk, 1);
        continue;
      }
      ++sent;
    }
    rd_kafka_poll(pk, 0);
    if (sent < total) {
      double next = static_cast<double>(sent) / rate; // when record `sent` is due
      double wait = next - seconds_since(t0);
      if (wait > 0.0002)
        std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait - 0.0001, 0.001)));
    }
  }
  double send_seconds = seconds_since(t0);
  rd_kafka_flush(pk, 15000);
  auto wait_until = clock_type::now() + std::chrono::seconds(10);
  while (received.load() < sent - counts.err.load() && clock_type::now() < wait_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop_consumer = true;
  consumer.join();
  meter.stop(r.server_cpu_s, r.server_peak_mib);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(pk);
  rd_kafka_consumer_close(ck);
  rd_kafka_destroy(ck);

  r.sent = sent;
  r.received = received.load();
  r.achieved_rate = send_seconds > 0 ? static_cast<double>(sent) / send_seconds : 0;
  std::sort(samples.begin(), samples.end());
  r.p50_ms = percentile_ms(samples, 0.50);
  r.p99_ms = percentile_ms(samples, 0.99);
  r.p999_ms = percentile_ms(samples, 0.999);
  r.max_ms = samples.empty() ? 0 : static_cast<double>(samples.back()) / 1e6;
  if (counts.timeouts.load() > 0)
    r.warning = std::to_string(counts.timeouts.load()) + " client error(s), first: " + counts.first_client_error;
  r.ok = !behind && r.received == total && counts.err.load() == 0;
  if (!r.ok && !behind && counts.err.load() == 0) {
    if (auto lo = low_watermark(s.bootstrap(), topic); lo > 0) {
      // The consumer fell behind and the server dropped the head of the log (librdkafka's mock keeps a few MB).
      r.na = "dropped the head of the log (log start offset " + std::to_string(lo) + ") before the consumer read it; "
             + std::to_string(r.received) + " of " + std::to_string(total) + " received";
      r.ok = true;
    }
  }
  if (!r.ok)
    r.note = std::string(behind ? "could not sustain the rate; " : "") + "sent " + std::to_string(sent)
             + " of " + std::to_string(total) + ", received " + std::to_string(r.received) + ", delivery errors "
             + std::to_string(counts.err.load());
  s.finish(topic);
  return r;
}

} // namespace bench
