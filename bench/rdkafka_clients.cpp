#include "rdkafka_clients.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

namespace bench {

namespace {

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

} // namespace

rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, const handle_callbacks& cb, std::string& why) {
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
  if (cb.opaque != nullptr) {
    rd_kafka_conf_set_opaque(conf, cb.opaque);
    rd_kafka_conf_set_dr_msg_cb(conf, cb.delivery);
    rd_kafka_conf_set_error_cb(conf, cb.error);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr)
    why = std::string("rd_kafka_new: ") + err;
  return rk;
}

rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, dr_counts* counts, std::string& why) {
  return new_handle(type, settings, handle_callbacks{counts, on_delivery, on_error}, why);
}

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

std::string random_payload(size_t n) {
  std::string s(n, '\0');
  std::mt19937_64 rng{42};
  for (auto& ch : s)
    ch = static_cast<char>(rng());
  return s;
}

namespace {

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
  if (c.idempotent)
    settings.push_back({"enable.idempotence", "true"});
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

} // namespace

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

} // namespace bench
