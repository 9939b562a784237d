#include "tools/experiment/workload.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "cluster/experiment/rdkafka_group_metadata.hpp"
#include "messages/murmur2.hpp"

namespace samsa::experiment {

namespace {

namespace ex = cluster::experiment;
using checker::event;
using checker::event_type;
using checker::op_f;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

using kv_list = std::vector<std::pair<std::string, std::string>>;

// A librdkafka handle with `settings`; `setup` adds callbacks and the opaque to its configuration.
rd_kafka_t* new_handle(rd_kafka_type_t type, const kv_list& settings, std::string& why,
                       const std::function<void(rd_kafka_conf_t*)>& setup = {}) {
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
  if (setup)
    setup(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr)
    why = std::string{"rd_kafka_new: "} + err;
  return rk;
}

// An assign consumer's settings: KafkaConsumer wants a group.id, but nothing uses the group (assign(), no
// subscribe, no commits); a group member overrides some of them.
kv_list consumer_settings(const std::string& bootstrap, const std::string& group) {
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

// Up to `max` records, the first poll waiting up to timeout_ms. `on_record` sees each record as soon as
// librdkafka returned it, so in order with the rebalance callbacks that run inside the same polls.
using record_hook = std::function<void(const checker::record_read&)>;
std::vector<checker::record_read> poll_batch(rd_kafka_t* rk, int timeout_ms, size_t max, std::string& error,
                                             const record_hook& on_record) {
  std::vector<checker::record_read> reads;
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, timeout_ms);
  while (m != nullptr) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->rkt != nullptr) {
      checker::record_read r;
      r.tp = {rd_kafka_topic_name(m->rkt), m->partition};
      r.offset = m->offset;
      r.value.assign(static_cast<const char*>(m->payload), m->len);
      if (on_record)
        on_record(r);
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
             std::vector<checker::record_read>* seen = nullptr, const record_hook& on_record = {}) {
  event inv;
  inv.process = process;
  inv.type = event_type::invoke;
  inv.f = op_f::poll;
  h.write(inv);
  event e;
  e.process = process;
  e.type = event_type::ok;
  e.f = op_f::poll;
  e.reads = poll_batch(rk, timeout_ms, max, e.error, on_record); // a consumer error (offset reset, ...) is kept for people
  h.polled.fetch_add(static_cast<int64_t>(e.reads.size()));
  if (seen != nullptr)
    *seen = e.reads;
  h.write(std::move(e));
}

// ---- consumer group members ----

// What a group member's callbacks share with its thread: its history process, what it owns and read.
struct member_ctx {
  history_log* h = nullptr;
  int64_t process = 0;
  std::string group;
  std::set<checker::topic_partition> owned;           // the current assignment
  std::map<checker::topic_partition, int64_t> next;   // owned partition -> the offset after its last record read
  std::map<checker::topic_partition, int64_t> committed; // owned partition -> what this member last committed ok
  std::vector<std::string> notes;                     // for workload::note, taken by the thread
};

// The member's generation and id as librdkafka knows them now (after a JoinGroup); generation -1 and a note
// when librdkafka's serialised metadata is not the layout we read (another librdkafka version).
ex::group_member_metadata member_identity(rd_kafka_t* rk, member_ctx& m) {
  ex::group_member_metadata id;
  char* member = rd_kafka_memberid(rk);
  id.member = member != nullptr ? member : "";
  rd_kafka_mem_free(rk, member);
  auto* md = rd_kafka_consumer_group_metadata(rk);
  void* buf = nullptr;
  size_t size = 0;
  if (rd_kafka_error_t* e = rd_kafka_consumer_group_metadata_write(md, &buf, &size)) {
    rd_kafka_error_destroy(e);
  } else {
    auto parsed = ex::parse_rdkafka_group_metadata(buf, size);
    if (parsed && parsed->member == id.member && parsed->group == m.group)
      id.generation = parsed->generation;
    rd_kafka_mem_free(rk, buf);
  }
  rd_kafka_consumer_group_metadata_destroy(md);
  if (id.generation < 0 && m.notes.size() < 3)
    m.notes.push_back("group " + m.group + ": the generation of member " + id.member +
                      " is unknown (librdkafka's group metadata layout not recognised)");
  return id;
}

// librdkafka's rebalance callback (eager protocol), run inside rd_kafka_consumer_poll on the member's thread.
// On an assignment: fetch the committed offsets of the new partitions, assign from exactly those (librdkafka's
// own choice where none is committed: auto.offset.reset=earliest), and write the rebalance line (generation,
// member, partitions, fetched offsets). On a revocation: give everything up; nothing is written.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* m = static_cast<member_ctx*>(opaque);
  m->owned.clear();
  m->next.clear();
  m->committed.clear();
  if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, nullptr);
    return;
  }
  auto id = member_identity(rk, *m);
  event e;
  e.process = m->process;
  e.type = event_type::ok;
  e.f = op_f::rebalance;
  e.group = m->group;
  e.generation = id.generation;
  e.member = id.member;
  rd_kafka_topic_partition_list_t* start = rd_kafka_topic_partition_list_copy(parts);
  bool fetched = rd_kafka_committed(rk, start, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < parts->cnt; ++i) {
    checker::topic_partition tp{parts->elems[i].topic, parts->elems[i].partition};
    e.partitions.push_back(tp);
    m->owned.insert(tp);
    const auto& c = start->elems[i];
    if (fetched && c.err == RD_KAFKA_RESP_ERR_NO_ERROR && c.offset >= 0)
      e.offsets.push_back({tp, c.offset});
  }
  // When the fetch failed, librdkafka fetches the committed offsets itself (offsets left INVALID).
  auto assigned = rd_kafka_assign(rk, fetched ? start : parts);
  rd_kafka_topic_partition_list_destroy(start);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) {
    m->owned.clear();
    m->notes.push_back("group " + m->group + ": assign: " + rd_kafka_err2name(assigned));
    return;
  }
  m->h->write(std::move(e));
}

// Local refusals: nothing was sent, so nothing was committed.
bool commit_never_sent(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__NO_OFFSET || err == RD_KAFKA_RESP_ERR__STATE ||
         err == RD_KAFKA_RESP_ERR__INVALID_ARG || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
}

// A synchronous commit of what the member read since its assignment (the offset after each partition's last
// record read, Kafka's meaning), as one history operation: invoke with the offsets, then ok; fail when
// librdkafka refused it locally; info otherwise (the coordinator may have applied it before the error: a
// timeout, a disconnect, a retry answered NOT_COORDINATOR). Nothing to commit: no operation.
void commit_op(rd_kafka_t* rk, member_ctx& m) {
  event inv;
  inv.process = m.process;
  inv.type = event_type::invoke;
  inv.f = op_f::commit;
  inv.group = m.group;
  auto* list = rd_kafka_topic_partition_list_new(static_cast<int>(m.next.size()));
  for (const auto& [tp, next] : m.next) {
    auto c = m.committed.find(tp);
    if (c != m.committed.end() && c->second >= next)
      continue;
    inv.offsets.push_back({tp, next});
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = next;
  }
  if (inv.offsets.empty()) {
    rd_kafka_topic_partition_list_destroy(list);
    return;
  }
  m.h->write(inv);
  auto err = rd_kafka_commit(rk, list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  event done;
  done.process = m.process;
  done.f = op_f::commit;
  done.type = err == RD_KAFKA_RESP_ERR_NO_ERROR ? event_type::ok
              : commit_never_sent(err)          ? event_type::fail
                                                : event_type::info;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    done.error = rd_kafka_err2name(err);
  else
    for (const auto& po : inv.offsets)
      m.committed[po.tp] = po.offset;
  m.h->write(done);
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
  rd_kafka_t* rk = new_handle(RD_KAFKA_PRODUCER, settings, why, [&](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_opaque(conf, &ctx);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  });
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
  if (!spec.group.empty())
    return run_group_member(index, process);
  std::string why;
  rd_kafka_t* rk =
    new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap_, "samsa-experiment-" + std::to_string(process)), why);
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

void workload::run_group_member(size_t index, int64_t process) {
  const auto& spec = nth(s_.consumers, index);
  member_ctx m;
  m.h = &h_;
  m.process = process;
  m.group = spec.group;
  auto settings = consumer_settings(bootstrap_, spec.group);
  settings.insert(settings.end(), {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "1000"},
                                   {"partition.assignment.strategy", "range"}});
  std::string why;
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, settings, why, [&](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_opaque(conf, &m);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
  });
  if (rk == nullptr) {
    note("group member " + std::to_string(index) + ": " + why);
    return;
  }
  rd_kafka_poll_set_consumer(rk);
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, spec.topic.c_str(), RD_KAFKA_PARTITION_UA);
  auto err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    note("group member " + std::to_string(index) + ": subscribe: " + rd_kafka_err2name(err));
  double next_commit = now_s();
  while (err == RD_KAFKA_RESP_ERR_NO_ERROR && !stop_consumers_.load()) {
    poll_op(rk, h_, process, 100, 1000, nullptr, [&](const checker::record_read& r) {
      if (m.owned.count(r.tp)) // a record of a partition revoked within this poll is not ours to commit
        m.next[r.tp] = std::max(m.next[r.tp], r.offset + 1);
    });
    if (now_s() >= next_commit) {
      commit_op(rk, m);
      next_commit = now_s() + 0.2;
    }
    for (auto& n : m.notes)
      note(n);
    m.notes.clear();
  }
  rd_kafka_consumer_close(rk); // leaves the group; its revocation writes nothing
  rd_kafka_destroy(rk);
}

void workload::final_commits() {
  std::set<std::string> groups;
  for (const auto& c : s_.consumers)
    if (!c.group.empty())
      groups.insert(c.group);
  for (const auto& g : groups) {
    std::string why;
    rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap_, g), why);
    if (rk == nullptr) {
      note("group " + g + ": committed offsets at the end: " + why);
      continue;
    }
    auto* list = rd_kafka_topic_partition_list_new(4);
    for (const auto& c : s_.consumers)
      if (c.group == g)
        for (int32_t p = 0; p < s_.topic(c.topic)->partitions; ++p)
          if (!rd_kafka_topic_partition_list_find(list, c.topic.c_str(), p))
            rd_kafka_topic_partition_list_add(list, c.topic.c_str(), p);
    event e;
    e.process = next_process_++;
    e.type = event_type::ok;
    e.f = op_f::rebalance;
    e.group = g;
    e.generation = -1;
    e.member = "final";
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int attempt = 0; attempt < 10; ++attempt) // the coordinator may still be moving
      if ((err = rd_kafka_committed(rk, list, 5000)) == RD_KAFKA_RESP_ERR_NO_ERROR)
        break;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int i = 0; i < list->cnt; ++i)
        if (list->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR && list->elems[i].offset >= 0)
          e.offsets.push_back({{list->elems[i].topic, list->elems[i].partition}, list->elems[i].offset});
      h_.write(std::move(e));
    } else {
      note("group " + g + ": committed offsets at the end: " + rd_kafka_err2name(err));
    }
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(rk);
  }
}

bool workload::final_reads(double timeout_s, std::string& why) {
  int64_t process = next_process_++;
  rd_kafka_t* rk = new_handle(RD_KAFKA_CONSUMER, consumer_settings(bootstrap_, "samsa-experiment-final"), why);
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
