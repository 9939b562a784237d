// Fetch (key 1), v4-11. Reads whole stored batches from each partition actor (no decoding), trims the
// answer to the request's max_bytes (the first non-empty partition always gets its data, as Kafka does so
// a large batch never blocks a consumer), and implements the long poll: when fewer than min_bytes are
// available, every partition is asked to hold a fetch until data arrives or max_wait_ms passes; the first
// arrival triggers a final read of all partitions. No transactions exist yet, so last_stable_offset is
// the high watermark and the aborted-transactions list is empty (kafkajs reads read_committed).
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "messages/kafka/fetch.hpp"

namespace samsa::actors {

namespace {

struct fetch_slot {
  std::string topic;
  int32_t partition;
  int64_t offset;
  int32_t max_bytes;
  partition_actor actor;
  fetch_response result;
};

struct fetch_job {
  kafka::request_header header;
  kafka::fetch_request request;
  std::vector<fetch_slot> slots;
  caf::response_promise rp;
  bool answered = false;
  bool finishing = false; // the final read after a long poll is under way
};

using job_ptr = std::shared_ptr<fetch_job>;

void answer(kafka_handler_ptr self, const job_ptr& job) {
  if (job->answered)
    return;
  job->answered = true;
  kafka::fetch_response resp;
  int64_t total = 0;
  auto limit = static_cast<int64_t>(std::max<int32_t>(job->request.max_bytes, 0));
  std::map<std::string, size_t> topic_index;
  for (auto& s : job->slots) {
    auto [it, fresh] = topic_index.emplace(s.topic, resp.responses.size());
    if (fresh) {
      kafka::fetch_topic_response tr;
      tr.topic = s.topic;
      resp.responses.push_back(std::move(tr));
    }
    kafka::fetch_partition_data pd;
    pd.partition_index = s.partition;
    if (!s.actor) {
      pd.error = kafka::error_code::unknown_topic_or_partition;
    } else {
      pd.error = to_kafka(s.result.error);
      pd.high_watermark = s.result.high_watermark;
      pd.last_stable_offset = s.result.last_stable_offset;
      pd.log_start_offset = s.result.log_start_offset;
      pd.aborted_transactions = std::vector<kafka::fetch_aborted_transaction>{};
      auto n = static_cast<int64_t>(s.result.records.size());
      if (n > 0 && (total == 0 || total + n <= limit)) {
        pd.records = kafka::byte_span{s.result.records.data(), s.result.records.size()};
        total += n;
      } else {
        pd.records = kafka::byte_span{nullptr, 0};
      }
    }
    resp.responses[it->second].partitions.push_back(std::move(pd));
  }
  job->rp.deliver(encode_reply(job->header, resp));
}

// Reads every partition once without waiting; calls `then` when all have answered.
void read_all(kafka_handler_ptr self, const job_ptr& job, std::function<void()> then) {
  auto pending = std::make_shared<size_t>(0);
  for (auto& s : job->slots)
    if (s.actor)
      ++*pending;
  if (*pending == 0) {
    then();
    return;
  }
  auto cb = std::make_shared<std::function<void()>>(std::move(then));
  for (size_t i = 0; i < job->slots.size(); ++i) {
    auto& s = job->slots[i];
    if (!s.actor)
      continue;
    fetch_request fr;
    fr.topic = s.topic;
    fr.partition = s.partition;
    fr.offset = s.offset;
    fr.max_bytes = s.max_bytes;
    fr.max_wait_ms = 0;
    self->request(s.actor, std::chrono::seconds(30), fetch_atom::value, fr)
      .then(
        [=](fetch_response& r) {
          job->slots[i].result = std::move(r);
          if (--*pending == 0)
            (*cb)();
        },
        [=](caf::error&) {
          forget_partition(self, job->slots[i].topic, job->slots[i].partition);
          job->slots[i].result = fetch_response{};
          job->slots[i].result.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
          if (--*pending == 0)
            (*cb)();
        });
  }
}

int64_t available(const job_ptr& job) {
  int64_t n = 0;
  for (auto& s : job->slots)
    n += static_cast<int64_t>(s.result.records.size());
  return n;
}

bool any_error(const job_ptr& job) {
  for (auto& s : job->slots)
    if (!s.actor || s.result.error != 0)
      return true;
  return false;
}

} // namespace

caf::result<kafka_reply> handle_fetch(kafka_handler_ptr self, const kafka_request& req) {
  auto job = std::make_shared<fetch_job>();
  if (!decode_body(req, job->request))
    return close_connection();
  job->header = req.header;
  std::vector<std::pair<std::string, int32_t>> wanted;
  for (auto& t : job->request.topics) {
    for (auto& p : t.partitions) {
      fetch_slot s;
      s.topic = t.topic;
      s.partition = p.partition;
      s.offset = p.fetch_offset;
      s.max_bytes = std::max<int32_t>(p.partition_max_bytes, 0);
      job->slots.push_back(std::move(s));
      wanted.emplace_back(t.topic, p.partition);
    }
  }
  job->rp = self->make_response_promise();
  resolve_partitions(self, wanted, [=](std::vector<partition_actor> actors) {
    for (size_t i = 0; i < actors.size(); ++i)
      job->slots[i].actor = std::move(actors[i]);
    read_all(self, job, [=] {
      auto min_bytes = std::max<int32_t>(job->request.min_bytes, 1);
      if (job->request.max_wait_ms <= 0 || available(job) >= min_bytes || any_error(job) || job->slots.empty()) {
        answer(self, job);
        return;
      }
      // Long poll: park a fetch in every partition; the first that sees data (or the deadline) ends the wait.
      auto wait = job->request.max_wait_ms;
      auto finish = [=] {
        if (job->answered || job->finishing)
          return;
        job->finishing = true;
        read_all(self, job, [=] { answer(self, job); });
      };
      for (auto& s : job->slots) {
        fetch_request fr;
        fr.topic = s.topic;
        fr.partition = s.partition;
        fr.offset = s.offset;
        fr.max_bytes = s.max_bytes;
        fr.max_wait_ms = wait;
        fr.min_bytes = 1;
        self->request(s.actor, std::chrono::milliseconds(wait) + std::chrono::seconds(5), fetch_atom::value, fr)
          // Each parked fetch answers on data or at the shared deadline: the first answer ends the wait.
          .then([=](fetch_response&) { finish(); }, [=](caf::error&) { finish(); });
      }
    });
  });
  return job->rp;
}

} // namespace samsa::actors
