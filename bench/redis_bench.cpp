#include "redis_bench.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace bench {

namespace {

struct reply_ptr {
  redisReply* r = nullptr;
  explicit reply_ptr(void* p) : r(static_cast<redisReply*>(p)) {}
  ~reply_ptr() {
    if (r)
      freeReplyObject(r);
  }
  reply_ptr(const reply_ptr&) = delete;
  reply_ptr& operator=(const reply_ptr&) = delete;
};

redisContext* connect(uint16_t port, std::string& why) {
  timeval tv{5, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr || c->err) {
    why = std::string("redis connect: ") + (c ? c->errstr : "out of memory");
    if (c)
      redisFree(c);
    return nullptr;
  }
  return c;
}

std::string stream_key(const std::string& base, int partition) {
  return base + "-" + std::to_string(partition);
}

struct producer_result {
  int64_t sent = 0;
  int64_t ok = 0;
  int64_t err = 0;
  double seconds = 0;
  std::string why;
};

struct gate {
  std::mutex m;
  std::condition_variable cv;
  int ready = 0;
  bool go = false;
  clock_type::time_point t0;
};

// Pipelined XADDs: up to `window` commands written before their replies are read.
void run_producer(uint16_t port, const std::string& base, const produce_case& c, int index, int64_t n,
                  const std::string& payload, gate& g, producer_result& out) {
  redisContext* ctx = connect(port, out.why);
  {
    std::unique_lock<std::mutex> l{g.m};
    ++g.ready;
    g.cv.notify_all();
    g.cv.wait(l, [&] { return g.go; });
  }
  if (ctx == nullptr)
    return;
  auto deadline = g.t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(c.max_seconds));
  const int64_t window = std::clamp<int64_t>(int64_t{4 << 20} / std::max<int64_t>(c.record_size, 1), 1, 1000);
  std::vector<std::string> keys;
  for (int p = 0; p < c.partitions; ++p)
    keys.push_back(stream_key(base, p));
  while (out.sent < n && clock_type::now() < deadline && out.why.empty()) {
    int64_t k = std::min(window, n - out.sent);
    for (int64_t j = 0; j < k; ++j) {
      auto& key = keys[static_cast<size_t>((index + out.sent + j) % c.partitions)];
      redisAppendCommand(ctx, "XADD %b * v %b", key.data(), key.size(), payload.data(), payload.size());
    }
    for (int64_t j = 0; j < k; ++j) {
      void* raw = nullptr;
      if (redisGetReply(ctx, &raw) != REDIS_OK) {
        out.why = std::string("redis: ") + ctx->errstr;
        break;
      }
      reply_ptr r{raw};
      if (r.r->type == REDIS_REPLY_STRING)
        ++out.ok;
      else if (++out.err == 1 && r.r->type == REDIS_REPLY_ERROR)
        out.why = std::string("XADD: ") + r.r->str;
    }
    out.sent += k;
  }
  out.seconds = seconds_since(g.t0);
  redisFree(ctx);
}

throughput produce_entries(redis_server& s, const std::string& base, const produce_case& c, server_meter* meter) {
  throughput r;
  r.ran = true;
  std::string payload(static_cast<size_t>(c.record_size), '\0');
  std::mt19937_64 rng{42};
  for (auto& ch : payload)
    ch = static_cast<char>(rng());
  std::vector<producer_result> results(static_cast<size_t>(c.producers));
  std::vector<std::thread> threads;
  gate g;
  for (int k = 0; k < c.producers; ++k) {
    int64_t n = c.records / c.producers + (k < c.records % c.producers ? 1 : 0);
    threads.emplace_back(
      [&, k, n] { run_producer(s.port(), base, c, k, n, payload, g, results[static_cast<size_t>(k)]); });
  }
  {
    std::unique_lock<std::mutex> l{g.m};
    g.cv.wait(l, [&] { return g.ready == c.producers; });
    if (meter)
      meter->start();
    g.t0 = clock_type::now();
    g.go = true;
    g.cv.notify_all();
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
  }
  r.bytes = r.records * c.record_size;
  r.ok = r.note.empty() && r.errors == 0 && r.records == sent && sent > 0;
  if (r.note.empty() && !r.ok)
    r.note = std::to_string(sent - r.records) + " entries not acknowledged";
  return r;
}

struct read_result {
  int64_t records = 0;
  int64_t bytes = 0;
  double seconds = 0;
  std::string why;
};

// XREAD COUNT 10000 from the start of one stream until `expected` entries (or an empty answer).
read_result read_stream(uint16_t port, const std::string& key, int64_t expected, double max_seconds) {
  read_result out;
  redisContext* ctx = connect(port, out.why);
  if (ctx == nullptr)
    return out;
  std::string last = "0-0";
  auto t0 = clock_type::now();
  while (out.records < expected) {
    if (seconds_since(t0) > max_seconds) {
      out.why = "XREAD timed out";
      break;
    }
    reply_ptr r{redisCommand(ctx, "XREAD COUNT 10000 STREAMS %b %b", key.data(), key.size(), last.data(), last.size())};
    if (r.r == nullptr) {
      out.why = std::string("redis: ") + ctx->errstr;
      break;
    }
    if (r.r->type != REDIS_REPLY_ARRAY || r.r->elements != 1)
      break; // nil: nothing more
    redisReply* entries = r.r->element[0]->element[1];
    for (size_t i = 0; i < entries->elements; ++i) {
      redisReply* e = entries->element[i];
      redisReply* fields = e->element[1];
      ++out.records;
      if (fields->elements >= 2)
        out.bytes += static_cast<int64_t>(fields->element[1]->len);
    }
    if (entries->elements == 0)
      break;
    redisReply* lastid = entries->element[entries->elements - 1]->element[0];
    last.assign(lastid->str, lastid->len);
  }
  out.seconds = seconds_since(t0);
  redisFree(ctx);
  return out;
}

} // namespace

std::unique_ptr<redis_server> redis_server::start(const std::string& redis, const std::string& workdir, bool aof,
                                                  std::string& why) {
  std::unique_ptr<redis_server> s{new redis_server};
  s->aof_ = aof;
  s->port_ = free_port();
  auto dir = workdir + (aof ? "/redis-aof" : "/redis");
  std::filesystem::create_directories(dir);
  std::vector<std::string> argv{redis, "--port", std::to_string(s->port_), "--bind", "127.0.0.1", "--dir", dir,
                                "--save", "", "--daemonize", "no", "--protected-mode", "no"};
  if (aof) {
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "everysec"});
  } else {
    argv.insert(argv.end(), {"--appendonly", "no"});
  }
  s->proc_ = spawn(argv, workdir + "/" + s->name() + ".log");
  if (!wait_port(s->port_, s->proc_, std::chrono::seconds(15))) {
    why = s->name() + " did not start; its log:\n" + tail_file(s->proc_.log_path);
    s->stop();
    return nullptr;
  }
  return s;
}

redis_server::~redis_server() {
  stop();
}

void redis_server::stop() {
  if (proc_.pid > 0)
    bench::stop(proc_, std::chrono::seconds(10));
}

bool redis_server::flush(std::string& why) {
  redisContext* ctx = connect(port_, why);
  if (ctx == nullptr)
    return false;
  reply_ptr r{redisCommand(ctx, "FLUSHALL")};
  bool ok = r.r != nullptr && r.r->type == REDIS_REPLY_STATUS;
  if (!ok)
    why = "FLUSHALL failed";
  redisFree(ctx);
  return ok;
}

throughput redis_produce(redis_server& s, const produce_case& c, bool verify) {
  throughput r;
  std::string why;
  if (!s.flush(why)) {
    r.ran = true;
    r.note = why;
    return r;
  }
  server_meter meter{s.pid()};
  r = produce_entries(s, "produce", c, &meter);
  if (verify && r.ok) {
    redisContext* ctx = connect(s.port(), why);
    int64_t stored = 0, back = 0;
    for (int p = 0; ctx && p < c.partitions; ++p) {
      auto key = stream_key("produce", p);
      reply_ptr x{redisCommand(ctx, "XLEN %b", key.data(), key.size())};
      if (x.r && x.r->type == REDIS_REPLY_INTEGER)
        stored += x.r->integer;
      back += read_stream(s.port(), key, x.r ? x.r->integer : 0, 30).records;
    }
    if (ctx)
      redisFree(ctx);
    if (stored != r.records || back != r.records) {
      r.ok = false;
      r.note = "acknowledged " + std::to_string(r.records) + ", XLEN " + std::to_string(stored) + ", read back "
               + std::to_string(back);
    } else {
      log(s.name() + " " + c.label + ": verified " + std::to_string(back) + " entries read back");
    }
  }
  return r;
}

throughput redis_consume(redis_server& s, int64_t records, int record_size, double max_seconds) {
  throughput r;
  r.ran = true;
  std::string why;
  if (!s.flush(why)) {
    r.note = why;
    return r;
  }
  produce_case fill;
  fill.record_size = record_size;
  fill.records = records;
  fill.producers = 4; // untimed: only quicker
  fill.max_seconds = 600;
  auto filled = produce_entries(s, "consume", fill, nullptr);
  if (!filled.ok) {
    r.note = "filling the stream failed: " + filled.note;
    return r;
  }
  server_meter meter{s.pid()};
  meter.start();
  auto got = read_stream(s.port(), stream_key("consume", 0), filled.records, max_seconds);
  meter.stop(r.server_cpu_s, r.server_peak_mib);
  r.records = got.records;
  r.bytes = got.bytes;
  r.seconds = got.seconds;
  r.ok = got.records == filled.records;
  if (!r.ok)
    r.note = "produced " + std::to_string(filled.records) + ", read " + std::to_string(got.records) + " " + got.why;
  return r;
}

latency redis_latency(redis_server& s, double rate, double seconds, double warmup_s) {
  latency r;
  r.ran = true;
  std::string why;
  if (!s.flush(why)) {
    r.note = why;
    return r;
  }
  const int64_t total = static_cast<int64_t>(rate * seconds);
  const int64_t warm = static_cast<int64_t>(rate * warmup_s);
  const std::string key = "latency";
  redisContext* pc = connect(s.port(), why);
  redisContext* cc = connect(s.port(), why);
  if (pc == nullptr || cc == nullptr) {
    r.note = why;
    if (pc)
      redisFree(pc);
    if (cc)
      redisFree(cc);
    return r;
  }
  std::vector<int64_t> samples;
  samples.reserve(static_cast<size_t>(std::max<int64_t>(total - warm, 0)));
  std::atomic<int64_t> received{0};
  std::atomic<bool> stop_consumer{false};
  std::thread consumer{[&] {
    std::string last = "0-0";
    while (!stop_consumer.load() && received.load() < total) {
      reply_ptr x{redisCommand(cc, "XREAD COUNT 1000 BLOCK 100 STREAMS %b %b", key.data(), key.size(), last.data(),
                               last.size())};
      auto t = now_ns();
      if (x.r == nullptr)
        break;
      if (x.r->type != REDIS_REPLY_ARRAY || x.r->elements != 1)
        continue;
      redisReply* entries = x.r->element[0]->element[1];
      for (size_t i = 0; i < entries->elements; ++i) {
        redisReply* fields = entries->element[i]->element[1];
        if (fields->elements >= 2 && fields->element[1]->len >= 16) {
          int64_t seq, sent;
          std::memcpy(&seq, fields->element[1]->str, 8);
          std::memcpy(&sent, fields->element[1]->str + 8, 8);
          if (seq >= warm)
            samples.push_back(t - sent);
        }
        received.fetch_add(1);
      }
      if (entries->elements > 0) {
        redisReply* id = entries->element[entries->elements - 1]->element[0];
        last.assign(id->str, id->len);
      }
    }
  }};

  server_meter meter{s.pid()};
  meter.start();
  std::string payload(100, 'x');
  int64_t sent = 0, errors = 0;
  auto t0 = clock_type::now();
  while (sent < total) {
    double el = seconds_since(t0);
    int64_t due = std::min<int64_t>(total, static_cast<int64_t>(el * rate) + 1);
    int64_t k = 0;
    for (; sent < due; ++sent, ++k) {
      int64_t ts = now_ns();
      std::memcpy(&payload[0], &sent, 8);
      std::memcpy(&payload[8], &ts, 8);
      redisAppendCommand(pc, "XADD %b * v %b", key.data(), key.size(), payload.data(), payload.size());
    }
    for (int64_t j = 0; j < k; ++j) {
      void* raw = nullptr;
      if (redisGetReply(pc, &raw) != REDIS_OK) {
        ++errors;
        break;
      }
      reply_ptr x{raw};
      if (x.r->type != REDIS_REPLY_STRING)
        ++errors;
    }
    if (sent < total) {
      double wait = static_cast<double>(sent) / rate - seconds_since(t0);
      if (wait > 0.0002)
        std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait - 0.0001, 0.001)));
    }
  }
  double send_seconds = seconds_since(t0);
  auto wait_until = clock_type::now() + std::chrono::seconds(10);
  while (received.load() < total && clock_type::now() < wait_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop_consumer = true;
  consumer.join();
  meter.stop(r.server_cpu_s, r.server_peak_mib);
  redisFree(pc);
  redisFree(cc);
  r.sent = sent;
  r.received = received.load();
  r.achieved_rate = send_seconds > 0 ? static_cast<double>(sent) / send_seconds : 0;
  std::sort(samples.begin(), samples.end());
  r.p50_ms = percentile_ms(samples, 0.50);
  r.p99_ms = percentile_ms(samples, 0.99);
  r.p999_ms = percentile_ms(samples, 0.999);
  r.max_ms = samples.empty() ? 0 : static_cast<double>(samples.back()) / 1e6;
  r.ok = r.received == total && errors == 0;
  if (!r.ok)
    r.note = "sent " + std::to_string(sent) + ", received " + std::to_string(r.received) + ", errors "
             + std::to_string(errors);
  return r;
}

} // namespace bench
