// Fetch (key 1), v0-17. Reads whole stored batches from each partition actor (no decoding) and honours
// the request's max_bytes across partitions as Kafka does: the first partition with data may exceed it by
// one batch (so a batch larger than the limits never stalls a consumer), later partitions get at most what
// is left, each at most its partition_max_bytes; max_bytes itself is capped at kafka_fetch_max_bytes
// (Kafka's broker-side fetch.max.bytes default). Reads are bounded the same way: no partition is asked for
// more than the answer may still carry (see read_wave). Implements the long poll: when fewer than min_bytes
// are available, every partition is asked to hold a fetch until data arrives or max_wait_ms passes; the
// first arrival triggers a final read of all partitions. No transactions exist yet, so last_stable_offset
// is the high watermark and the aborted-transactions list is empty (kafkajs reads read_committed).
//
// Diverging epochs (KIP-320, v12+): a partition whose last_fetched_epoch the log ends before the fetch offset
// is answered without records and with diverging_epoch (the partition decides: cluster/replica/fetch_divergence).
//
// Topic ids (v13+): the request names topics by id, resolved to names through the connection's cache
// (topic_names_by_id); an id this node does not know is UNKNOWN_TOPIC_ID for each of its partitions.
//
// Fetch sessions (KIP-227, v7+; actors/fetch_sessions.hpp): a full fetch (epoch 0) is answered with a new
// session's id when the node's cache takes it; an incremental fetch (epoch > 0) reads every partition of its
// session (after the request's additions, changes and forgotten partitions) and its answer lists only the
// partitions with records, an error, or a high watermark, last stable offset or log start offset other than
// last answered; epoch -1 closes the session and is answered sessionless (session id 0).
//
// Memory: a fetch reserves min(max_bytes, sum of partition_max_bytes) of its connection's fetch budget
// before its first read and gives it back only when the session has written its answer to the socket.
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "actors/actor_clock.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/metadata_view.hpp"
#include "messages/cluster_api.hpp"
#include "messages/kafka/fetch.hpp"
#include "messages/record_batch.hpp"

namespace samsa::actors {

namespace {

struct fetch_slot {
  std::string topic;      // the topic's name; empty for a topic id this node does not know
  std::string topic_key;  // the topic as the request names it: its name (v0-12) or its id's text (v13+)
  kafka::uuid topic_id{}; // v13+
  int32_t partition;
  int64_t offset;
  int32_t max_bytes; // partition_max_bytes, >= 0
  int32_t leader_epoch = -1; // current_leader_epoch (v9+), checked by the partition
  int32_t last_fetched_epoch = -1; // v12+, kept in the session
  int64_t log_start_offset = -1;   // v5+, kept in the session
  partition_actor actor;
  uint8_t resolve_error = 0; // why `actor` is null (NOT_LEADER_OR_FOLLOWER on a cluster node that does not lead)
  fetch_response result;     // reset by every read pass (read_all)
  int32_t budget = 0;   // what this partition may read in the current wave
  bool min_one = false; // ... and whether it gets one batch even above that
};

struct fetch_job {
  kafka::request_header header;
  kafka::fetch_request request;
  std::vector<fetch_slot> slots;
  caf::response_promise rp;
  int64_t limit = 0;    // the request's max_bytes, capped at kafka_fetch_max_bytes
  int64_t reserved = 0; // fetch budget held until the session has written the answer
  std::shared_ptr<shared_fetch_sessions> sessions; // the node's cache; null: sessionless
  bool create_session = false; // a full fetch (epoch 0): its answer opens a session
  int32_t session_id = 0;      // an incremental fetch's session
  bool answered = false;
  bool finishing = false; // the final read after a long poll is under way
  // One pass over the partitions (read_all):
  size_t next = 0;         // partitions before it have their final result
  int64_t remaining = 0;   // bytes the answer may still carry
  bool have_data = false;  // a partition before `next` returned data
  // v12+ on a cluster node: the leader (id, epoch) of each partition answered NOT_LEADER_OR_FOLLOWER or
  // FENCED_LEADER_EPOCH (the partition's current_leader), and v16+ those leaders' endpoints (KIP-951).
  std::map<std::pair<std::string, int32_t>, std::pair<int32_t, int32_t>> leaders;
  std::vector<kafka::fetch_node_endpoint> endpoints;
};

using job_ptr = std::shared_ptr<fetch_job>;
using done_ptr = std::shared_ptr<std::function<void()>>;

kafka::fetch_partition_data partition_answer(const fetch_slot& s) {
  kafka::fetch_partition_data pd;
  pd.partition_index = s.partition;
  // Empty, never null, records on errors too: Kafka sends an empty record set and librdkafka refuses a
  // null one ("invalid MessageSetSize -1") and drops the whole response.
  pd.records = kafka::byte_span{};
  if (s.topic.empty()) {
    pd.error = kafka::error_code::unknown_topic_id;
  } else if (!s.actor) {
    pd.error = s.resolve_error != 0 ? to_kafka(s.resolve_error) : kafka::error_code::unknown_topic_or_partition;
  } else {
    pd.error = to_kafka(s.result.error);
    pd.high_watermark = s.result.high_watermark;
    pd.last_stable_offset = s.result.last_stable_offset;
    pd.log_start_offset = s.result.log_start_offset;
    pd.aborted_transactions = std::vector<kafka::fetch_aborted_transaction>{};
    pd.records = kafka::byte_span{s.result.records.data(), s.result.records.size()};
    if (s.result.diverging_epoch >= 0)
      pd.diverging_epoch = std::make_pair(s.result.diverging_epoch, s.result.diverging_end_offset);
  }
  return pd;
}

bool leader_moved(kafka::error_code e) {
  return e == kafka::error_code::not_leader_or_follower || e == kafka::error_code::fenced_leader_epoch;
}

fetch_session_partition session_partition(const fetch_slot& s) {
  fetch_session_partition p;
  p.topic = s.topic_key;
  p.partition = s.partition;
  p.fetch_offset = s.offset;
  p.max_bytes = s.max_bytes;
  p.current_leader_epoch = s.leader_epoch;
  p.last_fetched_epoch = s.last_fetched_epoch;
  p.log_start_offset = s.log_start_offset;
  return p;
}

// Which slots the answer lists, and the session id it carries: a full fetch lists all and may open a
// session; an incremental one lists what its session says is news.
std::vector<bool> settle_session(kafka_handler_ptr self, const job_ptr& job, int32_t& session_id) {
  std::vector<bool> listed(job->slots.size(), true);
  session_id = 0;
  auto& sessions = job->sessions;
  if (!sessions || (!job->create_session && job->session_id == 0))
    return listed;
  auto* metrics = self->state.cfg.metrics.get();
  std::lock_guard<std::mutex> guard{sessions->mutex};
  if (job->create_session) {
    std::vector<fetch_session_partition> parts;
    parts.reserve(job->slots.size());
    for (auto& s : job->slots) {
      auto p = session_partition(s);
      auto pd = partition_answer(s);
      p.high_watermark = pd.high_watermark;
      p.last_stable_offset = pd.last_stable_offset;
      p.answered_log_start_offset = pd.log_start_offset;
      parts.push_back(std::move(p));
    }
    session_id = sessions->cache.create(std::move(parts), actor_clock_ms(self));
    if (session_id != 0 && metrics)
      metrics->fetch_sessions_created.fetch_add(1, std::memory_order_relaxed);
  } else {
    std::vector<std::pair<fetch_session_cache::key, fetch_partition_outcome>> outcomes;
    outcomes.reserve(job->slots.size());
    for (auto& s : job->slots) {
      auto pd = partition_answer(s);
      fetch_partition_outcome o;
      o.error = pd.error != kafka::error_code::none || pd.diverging_epoch.has_value(); // both always listed
      o.has_records = pd.records && pd.records->size > 0;
      o.high_watermark = pd.high_watermark;
      o.last_stable_offset = pd.last_stable_offset;
      o.log_start_offset = pd.log_start_offset;
      outcomes.emplace_back(fetch_session_cache::key{s.topic_key, s.partition}, o);
    }
    listed = sessions->cache.settle(job->session_id, outcomes);
    session_id = job->session_id;
    if (metrics)
      metrics->fetch_sessions_incremental.fetch_add(1, std::memory_order_relaxed);
  }
  if (metrics)
    metrics->fetch_sessions_open.store(static_cast<int64_t>(sessions->cache.sessions()), std::memory_order_relaxed);
  return listed;
}

void answer(kafka_handler_ptr self, const job_ptr& job) {
  if (job->answered)
    return;
  job->answered = true;
  kafka::fetch_response resp;
  auto listed = settle_session(self, job, resp.session_id);
  std::map<std::string, size_t> topic_index;
  for (size_t i = 0; i < job->slots.size(); ++i) {
    if (!listed[i])
      continue;
    auto& s = job->slots[i];
    auto [it, fresh] = topic_index.emplace(s.topic_key, resp.responses.size());
    if (fresh) {
      kafka::fetch_topic_response tr;
      tr.topic = s.topic;
      tr.topic_id = s.topic_id;
      resp.responses.push_back(std::move(tr));
    }
    auto pd = partition_answer(s);
    if (leader_moved(pd.error)) {
      auto l = job->leaders.find({s.topic, s.partition});
      if (l != job->leaders.end())
        pd.current_leader = l->second;
    }
    resp.responses[it->second].partitions.push_back(std::move(pd));
  }
  resp.node_endpoints = std::move(job->endpoints);
  auto reply = encode_reply(job->header, resp);
  reply.credit = job->reserved;
  for (auto& s : job->slots)
    s.result.records = std::vector<char>{}; // the answer holds its own copy now
  job->rp.deliver(std::move(reply));
}

// Answers, after looking up (v12+, a cluster node) the current leader of the partitions whose leader moved.
void answer_with_leaders(kafka_handler_ptr self, const job_ptr& job) {
  bool moved = false;
  for (auto& s : job->slots)
    moved = moved || leader_moved(partition_answer(s).error);
  if (job->header.api_version < 12 || !moved || !self->state.cfg.controller) {
    answer(self, job);
    return;
  }
  self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request, view_atom::value)
    .then(
      [=](cluster_view& view) {
        if (view.image) {
          const auto& img = *view.image;
          std::set<int32_t> named;
          for (auto& s : job->slots) {
            auto t = img.topic_by_name(s.topic);
            if (!t || !leader_moved(partition_answer(s).error) || s.partition < 0 ||
                static_cast<size_t>(s.partition) >= t->partitions.size())
              continue;
            const auto& reg = t->partitions[static_cast<size_t>(s.partition)];
            job->leaders[{s.topic, s.partition}] = {reg.leader, reg.leader_epoch};
            if (reg.leader >= 0)
              named.insert(reg.leader);
          }
          for (auto id : named)
            if (auto ep = cluster::endpoint_of(img, id, "PLAINTEXT"))
              job->endpoints.push_back({id, ep->host, ep->port, std::nullopt});
        }
        answer(self, job);
      },
      [=](caf::error&) { answer(self, job); });
}

// Bytes of the whole batches at the front of `records` that fit in `limit`.
size_t whole_batches_within(const std::vector<char>& records, int64_t limit) {
  size_t q = 0;
  while (q < records.size()) {
    auto h = read_batch_header(records.data() + q, records.size() - q);
    if (!h || static_cast<int64_t>(q + h->total_size()) > limit)
      break;
    q += h->total_size();
  }
  return q;
}

// The offset after the last batch in `records`, or `from` when there is none.
int64_t offset_after(const std::vector<char>& records, int64_t from) {
  size_t q = 0;
  while (q < records.size()) {
    auto h = read_batch_header(records.data() + q, records.size() - q);
    if (!h)
      break;
    from = std::max(from, h->base_offset + h->last_offset_delta + 1);
    q += h->total_size();
  }
  return from;
}

void read_wave(kafka_handler_ptr self, const job_ptr& job, const done_ptr& done);

// Takes the results of a wave in partition order: trims what the earlier partitions left no room for, and
// finds where the next wave must start: at the first partition that got less than it was due (an earlier
// one used less than its share, or it is the first with data and had no right to an oversized batch in this
// wave). The first partition of a wave is always settled, so every wave makes progress.
void settle_wave(kafka_handler_ptr self, const job_ptr& job, const std::vector<size_t>& wave, size_t wave_end,
                 const done_ptr& done) {
  auto& slots = job->slots;
  size_t restart = wave_end;
  for (size_t w = 0; w < wave.size(); ++w) {
    auto& s = slots[wave[w]];
    auto& r = s.result;
    if (r.error != 0 || r.diverging_epoch >= 0)
      continue; // settled: an error or a diverging epoch carries no records
    bool has_more = offset_after(r.records, s.offset) < r.high_watermark;
    bool short_changed = w > 0 && has_more && s.budget < s.max_bytes && s.budget < job->remaining;
    bool stalled = r.records.empty() && has_more && !job->have_data && !s.min_one;
    if (short_changed || stalled) {
      restart = wave[w];
      break;
    }
    if (job->have_data)
      r.records.resize(whole_batches_within(r.records, job->remaining));
    if (r.records.empty())
      continue;
    job->remaining -= static_cast<int64_t>(r.records.size());
    job->have_data = true;
  }
  for (auto i : wave)
    if (i >= restart)
      slots[i].result = fetch_response{}; // read again in the next wave
  job->next = restart;
  if (job->next < slots.size())
    read_wave(self, job, done);
  else
    (*done)();
}

// One wave: from job->next, each partition in order gets min(partition_max_bytes, what is left after the
// earlier partitions of the wave used their whole share), so the reads of a wave never exceed what the
// answer may carry; partitions beyond that wait for the next wave, unless nothing is left at all (then
// every remaining partition is read with budget 0 for its offsets alone). Partition actors read in parallel.
void read_wave(kafka_handler_ptr self, const job_ptr& job, const done_ptr& done) {
  auto& slots = job->slots;
  std::vector<size_t> wave;
  int64_t assigned = 0;
  size_t k = job->next;
  for (; k < slots.size(); ++k) {
    auto& s = slots[k];
    if (!s.actor)
      continue;
    auto room = std::max<int64_t>(job->remaining - assigned, 0);
    if (!wave.empty() && room == 0 && job->remaining > 0)
      break;
    s.budget = static_cast<int32_t>(std::min<int64_t>(s.max_bytes, room));
    s.min_one = !job->have_data && wave.empty();
    assigned += s.budget;
    wave.push_back(k);
  }
  if (wave.empty()) {
    job->next = slots.size();
    (*done)();
    return;
  }
  auto pending = std::make_shared<size_t>(wave.size());
  auto shared_wave = std::make_shared<std::vector<size_t>>(std::move(wave));
  auto arrived = [=] {
    if (--*pending == 0)
      settle_wave(self, job, *shared_wave, k, done);
  };
  for (auto i : *shared_wave) {
    auto& s = slots[i];
    fetch_request fr;
    fr.topic = s.topic;
    fr.partition = s.partition;
    fr.offset = s.offset;
    fr.current_leader_epoch = s.leader_epoch;
    fr.last_fetched_epoch = s.last_fetched_epoch;
    fr.max_bytes = s.budget;
    fr.min_one_batch = s.min_one;
    fr.max_wait_ms = 0;
    self->request(s.actor, timeouts::request, fetch_atom::value, fr)
      .then(
        [=](fetch_response& r) {
          if (r.error == static_cast<uint8_t>(api_errc::not_leader_or_follower))
            forget_partition(self, job->slots[i].topic, job->slots[i].partition); // leadership moved
          job->slots[i].result = std::move(r);
          arrived();
        },
        [=](caf::error&) {
          forget_partition(self, job->slots[i].topic, job->slots[i].partition);
          job->slots[i].result = fetch_response{};
          job->slots[i].result.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
          arrived();
        });
  }
}

// Reads every partition once without waiting; calls `then` when all have their result.
void read_all(kafka_handler_ptr self, const job_ptr& job, std::function<void()> then) {
  job->next = 0;
  job->remaining = job->limit;
  job->have_data = false;
  for (auto& s : job->slots)
    s.result = fetch_response{};
  read_wave(self, job, std::make_shared<std::function<void()>>(std::move(then)));
}

int64_t available(const job_ptr& job) {
  int64_t n = 0;
  for (auto& s : job->slots)
    n += static_cast<int64_t>(s.result.records.size());
  return n;
}

// An error or a diverging epoch answers at once, without the long poll (Kafka's ReplicaManager.fetchMessages).
bool any_error(const job_ptr& job) {
  for (auto& s : job->slots)
    if (!s.actor || s.result.error != 0 || s.result.diverging_epoch >= 0)
      return true;
  return false;
}

void read_partitions(kafka_handler_ptr self, const job_ptr& job) {
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<size_t> slot_of; // slots of known topics, in order
  for (size_t i = 0; i < job->slots.size(); ++i) {
    if (job->slots[i].topic.empty())
      continue;
    wanted.emplace_back(job->slots[i].topic, job->slots[i].partition);
    slot_of.push_back(i);
  }
  resolve_partitions(self, std::move(wanted), [=](std::vector<partition_actor> actors, std::vector<api_errc> errors) {
    for (size_t n = 0; n < actors.size(); ++n) {
      auto& slot = job->slots[slot_of[n]];
      slot.actor = std::move(actors[n]);
      if (!slot.actor)
        slot.resolve_error = static_cast<uint8_t>(errors[n]);
    }
    read_all(self, job, [=] {
      auto min_bytes = std::max<int32_t>(job->request.min_bytes, 1);
      if (job->request.max_wait_ms <= 0 || available(job) >= min_bytes || any_error(job) || job->slots.empty()) {
        answer_with_leaders(self, job);
        return;
      }
      // Long poll: park a fetch in every partition; the first that sees data (or the deadline) ends the wait.
      auto wait = job->request.max_wait_ms;
      auto finish = [=] {
        if (job->answered || job->finishing)
          return;
        job->finishing = true;
        read_all(self, job, [=] { answer_with_leaders(self, job); });
      };
      for (auto& s : job->slots) {
        fetch_request fr;
        fr.topic = s.topic;
        fr.partition = s.partition;
        fr.offset = s.offset;
        fr.current_leader_epoch = s.leader_epoch;
        fr.last_fetched_epoch = s.last_fetched_epoch;
        fr.max_bytes = 0; // the parked read only detects data (its first batch); the final read fetches
        fr.max_wait_ms = wait;
        fr.min_bytes = 1;
        self->request(s.actor, std::chrono::milliseconds(wait) + std::chrono::seconds(5), fetch_atom::value, fr)
          // Each parked fetch answers on data or at the shared deadline: the first answer ends the wait.
          .then([=](fetch_response&) { finish(); }, [=](caf::error&) { finish(); });
      }
    });
  });
}

bool budget_fits(const kafka_handler_state& st, int64_t bytes) {
  return st.fetch_reserved == 0 || st.fetch_reserved + bytes <= kafka_fetch_budget;
}

// Fetches take budget in arrival order, so one waits only for earlier ones, whose answers the session
// writes first: no fetch can wait on a later one (no deadlock), and a connection whose client does not
// read holds at most the budget (or one fetch larger than it) in fetch answers.
void acquire_fetch_budget(kafka_handler_ptr self, int64_t bytes, std::function<void()> start) {
  auto& st = self->state;
  if (st.fetch_waiting.empty() && budget_fits(st, bytes)) {
    st.fetch_reserved += bytes;
    start();
    return;
  }
  st.fetch_waiting.emplace_back(bytes, std::move(start));
}

} // namespace

void release_fetch_budget(kafka_handler_ptr self, int64_t bytes) {
  auto& st = self->state;
  st.fetch_reserved = std::max<int64_t>(st.fetch_reserved - bytes, 0);
  while (!st.fetch_waiting.empty() && budget_fits(st, st.fetch_waiting.front().first)) {
    auto next = std::move(st.fetch_waiting.front());
    st.fetch_waiting.pop_front();
    st.fetch_reserved += next.first;
    next.second();
  }
}

namespace {

// v13+: the names of the slots' topic ids, then the reads.
void run_fetch(kafka_handler_ptr self, const job_ptr& job) {
  if (job->header.api_version < 13) {
    read_partitions(self, job);
    return;
  }
  std::vector<kafka::uuid> ids;
  for (auto& s : job->slots)
    ids.push_back(s.topic_id);
  topic_names_by_id(self, std::move(ids), [=](std::vector<std::string> names) {
    for (size_t i = 0; i < job->slots.size(); ++i)
      job->slots[i].topic = std::move(names[i]);
    read_partitions(self, job);
  });
}

fetch_slot slot_of(const fetch_session_partition& p, bool by_id) {
  fetch_slot s;
  s.topic_key = p.topic;
  if (by_id)
    s.topic_id = kafka::uuid_or_zero(p.topic);
  else
    s.topic = p.topic;
  s.partition = p.partition;
  s.offset = p.fetch_offset;
  s.leader_epoch = p.current_leader_epoch;
  s.last_fetched_epoch = p.last_fetched_epoch;
  s.log_start_offset = p.log_start_offset;
  s.max_bytes = std::max<int32_t>(p.max_bytes, 0);
  return s;
}

// The partitions of the request as the session cache keeps them (topics by name, or by id's text in v13+).
std::vector<fetch_session_partition> requested_partitions(const kafka::fetch_request& rq, bool by_id) {
  std::vector<fetch_session_partition> out;
  for (auto& t : rq.topics) {
    auto key = by_id ? kafka::uuid_to_string(t.topic_id) : t.topic;
    for (auto& p : t.partitions) {
      fetch_session_partition sp;
      sp.topic = key;
      sp.partition = p.partition;
      sp.fetch_offset = p.fetch_offset;
      sp.max_bytes = p.partition_max_bytes;
      sp.current_leader_epoch = p.current_leader_epoch;
      sp.last_fetched_epoch = p.last_fetched_epoch;
      sp.log_start_offset = p.log_start_offset;
      out.push_back(std::move(sp));
    }
  }
  return out;
}

// A fetch refused as a whole (an unknown session, a wrong session epoch): the error, no partitions.
kafka_reply session_error(kafka_handler_ptr self, const kafka::request_header& header, kafka::error_code e) {
  if (auto* metrics = self->state.cfg.metrics.get())
    metrics->fetch_session_errors.fetch_add(1, std::memory_order_relaxed);
  kafka::fetch_response resp;
  resp.error = e;
  return encode_reply(header, resp);
}

} // namespace

caf::result<kafka_reply> handle_fetch(kafka_handler_ptr self, const kafka_request& req) {
  auto job = std::make_shared<fetch_job>();
  if (!decode_body(req, job->request))
    return close_connection();
  job->header = req.header;
  job->limit = std::clamp<int64_t>(job->request.max_bytes, 0, kafka_fetch_max_bytes);
  const auto version = req.header.api_version;
  const bool by_id = version >= 13;
  auto& rq = job->request;
  auto requested = requested_partitions(rq, by_id);
  std::vector<fetch_session_partition> reads;
  if (version >= 7 && rq.session_epoch > 0) {
    // An incremental fetch: its session's partitions, after the request's changes.
    job->sessions = self->state.cfg.fetch_sessions;
    if (!job->sessions)
      return session_error(self, req.header, kafka::error_code::fetch_session_id_not_found);
    std::vector<fetch_session_cache::key> forgotten;
    for (auto& t : rq.forgotten_topics_data) {
      auto key = by_id ? kafka::uuid_to_string(t.topic_id) : t.topic;
      for (auto p : t.partitions)
        forgotten.emplace_back(key, p);
    }
    fetch_session_cache::status st;
    {
      std::lock_guard<std::mutex> guard{job->sessions->mutex};
      st = job->sessions->cache.update(rq.session_id, rq.session_epoch, requested, forgotten, actor_clock_ms(self),
                                       &reads);
      if (auto* metrics = self->state.cfg.metrics.get())
        metrics->fetch_sessions_open.store(static_cast<int64_t>(job->sessions->cache.sessions()),
                                           std::memory_order_relaxed);
    }
    if (st == fetch_session_cache::status::not_found)
      return session_error(self, req.header, kafka::error_code::fetch_session_id_not_found);
    if (st == fetch_session_cache::status::invalid_epoch)
      return session_error(self, req.header, kafka::error_code::invalid_fetch_session_epoch);
    job->session_id = rq.session_id;
  } else {
    // A full fetch (epoch 0: it opens a new session) or a sessionless one (epoch -1); either closes the
    // session it names.
    if (version >= 7 && (rq.session_id != 0 || rq.session_epoch == 0))
      job->sessions = self->state.cfg.fetch_sessions;
    if (job->sessions && rq.session_id != 0) {
      std::lock_guard<std::mutex> guard{job->sessions->mutex};
      job->sessions->cache.remove(rq.session_id);
    }
    job->create_session = job->sessions && rq.session_epoch == 0;
    reads = std::move(requested);
  }
  int64_t partitions_max = 0;
  for (auto& p : reads) {
    job->slots.push_back(slot_of(p, by_id));
    partitions_max += job->slots.back().max_bytes;
  }
  job->reserved = std::min(job->limit, partitions_max);
  job->rp = self->make_response_promise();
  acquire_fetch_budget(self, job->reserved, [=]() mutable { run_fetch(self, job); });
  return job->rp;
}

} // namespace samsa::actors
