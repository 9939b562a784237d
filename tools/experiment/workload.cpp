#include "tools/experiment/workload.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "messages/murmur2.hpp"

namespace samsa::experiment {

namespace {

using checker::event;
using checker::event_type;
using checker::op_f;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

using kv_list = std::vector<std::pair<std::string, std::string>>;

rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, void* opaque,
                       void (*dr)(rd_kafka_t*, const rd_kafka_message_t*, void*), std::string& why) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  kv_list all{{"log_level", "2"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (auto& [k, v] : all)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      why = "librdkafka setting " + k + "=" + v + ": " + err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  if (opaque != nullptr) {
    rd_kafka_conf_set_opaque(conf, opaque);
    rd_kafka_conf_set_dr_msg_cb(conf, dr);
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr)
    why = std::string{"rd_kafka_new: "} + err;
  return rk;
}

kv_list consumer_settings(const std::string& bootstrap, const std::string& group) {
  // KafkaConsumer wants a group.id, but nothing uses the group: assign(), no subscribe, no commits.
  return {{"bootstrap.servers", bootstrap},  {"group.id", group},
          {"enable.auto.commit", "false"},   {"enable.auto.offset.store", "false"},
          {"enable.partition.eof", "false"}, {"auto.offset.reset", "earliest"},
          {"topic.metadata.refresh.interval.ms", "1000"}};
}

// A producer's history slots: slot i is history process first_process + i, busy while its record is out.
struct producer_ctx {
  history_log* h = nullptr;
  int64_t first_process = 0;
  std::vector<bool> busy;
  size_t open = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* c = static_cast<producer_ctx*>(opaque);
  auto slot = reinterpret_cast<intptr_t>(m->_private);
  event e;
  e.process = c->first_process + slot;
  e.f = op_f::send;
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    e.type = event_type::ok;
    if (m->offset >= 0)
      e.offset = m->offset;
    c->h->send_ok.fetch_add(1);
  } else {
    e.type = rd_kafka_message_status(m) == RD_KAFKA_MSG_STATUS_NOT_PERSISTED ? event_type::fail : event_type::info;
    e.error = rd_kafka_err2name(m->err);
    (e.type == event_type::fail ? c->h->send_fail : c->h->send_info).fetch_add(1);
  }
  c->h->write(std::move(e));
  c->busy[static_cast<size_t>(slot)] = false;
  --c->open;
}

std::vector<checker::record_read> poll_batch(rd_kafka_t* rk, int timeout_ms, size_t max, std::string& error) {
  std::vector<checker::record_read> reads;
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, timeout_ms);
  while (m != nullptr) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->rkt != nullptr) {
      checker::record_read r;
      r.tp = {rd_kafka_topic_name(m->rkt), m->partition};
      r.offset = m->offset;
      r.value.assign(static_cast<const char*>(m->payload), m->len);
      reads.push_back(std::move(r));
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && error.empty()) {
      error = rd_kafka_err2name(m->err);
    }
    rd_kafka_message_destroy(m);
    if (reads.size() >= max)
      break;
    m = rd_kafka_consumer_poll(rk, 0);
  }
  return reads;
}

// The index-th client over all entries of a list of specs with a count each ([[producer]], [[consumer]]).
template <class Spec>
const Spec& nth(const std::vector<Spec>& specs, size_t index) {
  for (const auto& s : specs) {
    if (index < static_cast<size_t>(s.count))
      return s;
    index -= static_cast<size_t>(s.count);
  }
  throw std::out_of_range("no such client");
}

// Assigns `parts` from their beginning as one history operation of `process` (invoke, then ok or fail).
rd_kafka_resp_err_t assign_from_beginning(rd_kafka_t* rk, history_log& h, int64_t process,
                                          const std::vector<checker::topic_partition>& parts) {
  event a;
  a.process = process;
  a.type = event_type::invoke;
  a.f = op_f::assign;
  a.seek_to_beginning = true;
  a.partitions = parts;
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  for (const auto& tp : parts)
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
  h.write(a);
  auto err = rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  event done;
  done.process = process;
  done.f = op_f::assign;
  done.type = err == RD_KAFKA_RESP_ERR_NO_ERROR ? event_type::ok : event_type::fail;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    done.error = rd_kafka_err2name(err);
  h.write(done);
  return err;
}

// One poll operation of `process`: invoke, then ok with what came back; the reads also go to `seen`.
void poll_op(rd_kafka_t* rk, history_log& h, int64_t process, int timeout_ms, size_t max,
             std::vector<checker::record_read>* seen = nullptr) {
  event inv;
  inv.process = process;
  inv.type = event_type::invoke;
  inv.f = op_f::poll;
  h.write(inv);
  event e;
  e.process = process;
  e.type = event_type::ok;
  e.f = op_f::poll;
  e.reads = poll_batch(rk, timeout_ms, max, e.error); // a consumer error (offset reset, ...) is kept for people
  h.polled.fetch_add(static_cast<int64_t>(e.reads.size()));
  if (seen != nullptr)
    *seen = e.reads;
  h.write(std::move(e));
}

} // namespace

workload::workload(const cluster::experiment::scenario& s, std::string bootstrap, history_log& h)
  : s_(s), bootstrap_(std::move(bootstrap)), h_(h) {}

workload::~workload() { stop(0); }

void workload::note(const std::string& s) {
  std::lock_guard<std::mutex> g{notes_m_};
  if (notes_.size() < 20)
    notes_.push_back(s);
}

std::vector<std::string> workload::notes() {
  std::lock_guard<std::mutex> g{notes_m_};
  return notes_;
}

void workload::start() {
  size_t index = 0;
  for (const auto& c : s_.consumers)
    for (int i = 0; i < c.count; ++i, ++index)
      threads_.emplace_back([this, index, p = next_process_++] { run_consumer(index, p); });
  index = 0;
  for (const auto& p : s_.producers)
    for (int i = 0; i < p.count; ++i, ++index) {
      threads_.emplace_back([this, index, first = next_process_] { run_producer(index, first); });
      next_process_ += p.max_in_flight;
    }
}

void workload::stop(double drain_s) {
  drain_s_ = drain_s;
  stop_producers_ = true;
  stop_consumers_ = true;
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

void workload::run_producer(size_t index, int64_t first_process) {
  const auto* spec = &nth(s_.producers, index);
  const auto& topic = spec->topic;
  int32_t partitions = s_.topic(topic)->partitions;
  producer_ctx ctx;
  ctx.h = &h_;
  ctx.first_process = first_process;
  ctx.busy.assign(static_cast<size_t>(spec->max_in_flight), false);
  kv_list settings{{"bootstrap.servers", bootstrap_},
                   {"acks", spec->acks == -1 ? "all" : std::to_string(spec->acks)},
                   {"enable.idempotence", spec->idempotent ? "true" : "false"},
                   {"linger.ms", "0"},
                   {"message.timeout.ms", "15000"},
                   {"request.timeout.ms", "5000"},
                   {"retry.backoff.ms", "100"},
                   {"topic.metadata.refresh.interval.ms", "1000"}};
  for (const auto& [k, v] : spec->config)
    settings.emplace_back(k, v);
  std::string why;
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, settings, &ctx, on_delivery, why);
  if (rk == nullptr) {
    note("producer " + std::to_string(index) + ": " + why);
    return;
  }
  const double interval = 1.0 / spec->rate;
  double next_t = now_s();
  int64_t seq = 0;
  bool fatal_noted = false;
  while (!stop_producers_.load()) {
    char fatal[256];
    if (!fatal_noted && rd_kafka_fatal_error(rk, fatal, sizeof fatal) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      note("producer " + std::to_string(index) + ": fatal librdkafka error: " + fatal);
      fatal_noted = true; // every later record fails; the history shows it
    }
    double now = now_s();
    size_t slot = ctx.busy.size();
    if (now >= next_t)
      for (size_t i = 0; i < ctx.busy.size(); ++i)
        if (!ctx.busy[i]) {
          slot = i;
          break;
        }
    if (slot == ctx.busy.size()) {
      rd_kafka_poll(rk, now >= next_t ? 5 : std::max(1, std::min(5, static_cast<int>((next_t - now) * 1000))));
      continue;
    }
    next_t = std::max(next_t + interval, now - 1.0); // no burst to catch up after a stall
    auto value = "p" + std::to_string(index) + "-" + std::to_string(seq);
    auto key = spec->keys > 0 ? "k" + std::to_string(seq % spec->keys) : std::string{};
    int32_t partition = spec->keys > 0 ? samsa::partition_for_key(key.data(), key.size(), partitions)
                                       : static_cast<int32_t>(seq % partitions);
    ++seq;
    event inv;
    inv.process = first_process + static_cast<int64_t>(slot);
    inv.type = event_type::invoke;
    inv.f = op_f::send;
    inv.tp = {topic, partition};
    inv.value = value;
    ctx.busy[slot] = true;
    ++ctx.open;
    h_.write(inv);
    auto err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_VALUE(value.data(), value.size()),
                                 RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(slot))), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) { // never enqueued: definitely not written
      event e;
      e.process = inv.process;
      e.type = event_type::fail;
      e.f = op_f::send;
      e.error = rd_kafka_err2name(err);
      h_.send_fail.fetch_add(1);
      h_.write(e);
      ctx.busy[slot] = false;
      --ctx.open;
    }
    rd_kafka_poll(rk, 0);
  }
  // Drain: what is still out gets drain_s to complete; purged in-flight records complete as indeterminate,
  // purged queued ones as failed (rd_kafka_message_status), all through on_delivery.
  rd_kafka_flush(rk, static_cast<int>(drain_s_.load() * 1000));
  rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  for (int i = 0; i < 20 && ctx.open > 0; ++i)
    rd_kafka_poll(rk, 50);
  rd_kafka_destroy(rk);
}

void workload::run_consumer(size_t index, int64_t process) {
  const auto& spec = nth(s_.consumers, index);
  std::string why;
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap_, "samsa-experiment-" + std::to_string(process)),
                              nullptr, nullptr, why);
  if (rk == nullptr) {
    note("consumer " + std::to_string(index) + ": " + why);
    return;
  }
  rd_kafka_poll_set_consumer(rk);
  std::vector<checker::topic_partition> parts;
  for (int32_t p = 0; p < s_.topic(spec.topic)->partitions; ++p)
    parts.push_back({spec.topic, p});
  auto err = assign_from_beginning(rk, h_, process, parts);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    note("consumer " + std::to_string(index) + ": assign: " + rd_kafka_err2name(err));
  while (err == RD_KAFKA_RESP_ERR_NO_ERROR && !stop_consumers_.load())
    poll_op(rk, h_, process, 100, 1000);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

bool workload::final_reads(double timeout_s, std::string& why) {
  int64_t process = next_process_++;
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap_, "samsa-experiment-final"), nullptr,
                              nullptr, why);
  if (rk == nullptr)
    return false;
  rd_kafka_poll_set_consumer(rk);
  double end = now_s() + timeout_s;
  // The end of every partition (its high watermark), asked until each answers.
  std::map<checker::topic_partition, int64_t> high, next;
  for (const auto& t : s_.topics)
    for (int32_t p = 0; p < t.partitions; ++p) {
      int64_t lo = 0, hi = -1;
      while (now_s() < end && rd_kafka_query_watermark_offsets(rk, t.name.c_str(), p, &lo, &hi, 2000) !=
                                RD_KAFKA_RESP_ERR_NO_ERROR)
        ;
      if (hi < 0) {
        why = "no high watermark of " + t.name + "-" + std::to_string(p) + " within " + std::to_string(int(timeout_s)) + " s";
        rd_kafka_destroy(rk);
        return false;
      }
      high[{t.name, p}] = hi;
      next[{t.name, p}] = 0;
    }
  std::vector<checker::topic_partition> parts;
  for (const auto& [tp, hi] : high)
    parts.push_back(tp);
  auto err = assign_from_beginning(rk, h_, process, parts);
  auto finished = [&] {
    for (const auto& [tp, hi] : high)
      if (next[tp] < hi)
        return false;
    return true;
  };
  while (err == RD_KAFKA_RESP_ERR_NO_ERROR && !finished() && now_s() < end) {
    std::vector<checker::record_read> reads;
    poll_op(rk, h_, process, 500, 5000, &reads);
    for (const auto& r : reads)
      next[r.tp] = std::max(next[r.tp], r.offset + 1);
  }
  bool ok = err == RD_KAFKA_RESP_ERR_NO_ERROR && finished();
  if (!ok) {
    why = err != RD_KAFKA_RESP_ERR_NO_ERROR ? std::string{"assign: "} + rd_kafka_err2name(err) : "";
    for (const auto& [tp, hi] : high)
      if (next[tp] < hi)
        why += (why.empty() ? "" : ", ") + tp.str() + " read up to " + std::to_string(next[tp]) + " of " +
               std::to_string(hi);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return ok;
}

} // namespace samsa::experiment
