#include "kafka_bench.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

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
