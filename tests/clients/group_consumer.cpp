// One member of a Kafka consumer group (librdkafka C++ KafkaConsumer with subscribe()), driven by the
// tests/e2e/group_*.sh scripts.
//
//   group_consumer BOOTSTRAP GROUP TOPIC RECORDS_FILE [--name NAME] [--client-id ID] [--idle-exit SECONDS]
//                  [--max-rate RECORDS_PER_SECOND] [--session-timeout-ms MS] [--strategy NAME] [--log-commits 1]
//
// NAME labels the member's output (default "member"); client.id is NAME unless --client-id is given
// (e.g. "rdkafka", librdkafka's default, which real deployments share between members).
//
// Every consumed record is appended to RECORDS_FILE as one line `partition offset value`. Events go to
// stdout, one line each, prefixed with the wall clock in milliseconds since the epoch:
//
//   <ms> NAME ASSIGNED gen=G member=MEMBER_ID partitions=0,3,5      (after every rebalance, even if empty)
//   <ms> NAME REVOKED gen=G partitions=... lost=0|1
//   <ms> NAME COMMIT_FAILED error=... / <ms> NAME ERROR ... / <ms> NAME STARTED / <ms> NAME CLOSED consumed=N
//   <ms> NAME COMMITTED P:OFFSET ...        (acknowledged asynchronous commits, with --log-commits 1)
//
// gen is the group generation the member was in when the callback ran (read from the consumer's group
// metadata, see generation_of); -1 if it could not be determined.
//
// Commits: enable.auto.commit=false. Records are consumed in batches (up to 500 records or 100 ms); a batch
// is written to RECORDS_FILE and flushed to the kernel first, then its offsets (last offset + 1 per
// partition) are committed with commitAsync. Before partitions are revoked, the pending batch is written
// and committed with commitSync, so the next owner resumes exactly after what this member processed.
// On SIGTERM/SIGINT, or after --idle-exit seconds without a record, the member writes its last batch,
// commits synchronously and close()s (LeaveGroup). Because records are written before their offsets are
// committed, RECORDS_FILE always holds everything the group's committed offsets cover, even after kill -9:
// the group is at-least-once (a member killed between writing and committing causes duplicates, never gaps).
//
// --max-rate throttles this member (records per second) so a test can act while consumption is under way.
// A watchdog ends the process (exit 3) if shutting down takes longer than 60 s.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::atomic<bool> stop_requested{false};

void on_signal(int) { stop_requested = true; }

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string name = "member";

void event(const std::string& what) {
  std::printf("%lld %s %s\n", now_ms(), name.c_str(), what.c_str());
  std::fflush(stdout);
}

[[noreturn]] void die(const std::string& what) {
  event("FATAL " + what);
  std::fprintf(stderr, "FATAL: %s\n", what.c_str());
  std::exit(2);
}

void set(RdKafka::Conf* conf, const std::string& key, const std::string& value) {
  std::string err;
  if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK)
    die("config " + key + "=" + value + ": " + err);
}

// librdkafka has no getter for the generation id; its serialized group metadata ("CGMDv2:" then the
// generation as a native int32, then the strings) carries it. The offset of the generation is found once by
// serializing metadata built with a known generation, so a different layout yields -1, never a wrong number.
long generation_offset = -2; // -2: not calibrated yet, -1: unknown layout

void calibrate_generation(const std::string& group) {
  const int32_t probe = 0x5a3c1e07;
  generation_offset = -1;
  auto* md = rd_kafka_consumer_group_metadata_new_with_genid(group.c_str(), probe, "probe-member", nullptr);
  void* buf = nullptr;
  size_t n = 0;
  if (auto* e = rd_kafka_consumer_group_metadata_write(md, &buf, &n)) {
    rd_kafka_error_destroy(e);
    rd_kafka_consumer_group_metadata_destroy(md);
    return;
  }
  for (size_t i = 0; i + 4 <= n; ++i) {
    int32_t v;
    std::memcpy(&v, static_cast<char*>(buf) + i, 4);
    if (v == probe) {
      generation_offset = static_cast<long>(i);
      break;
    }
  }
  rd_kafka_mem_free(nullptr, buf);
  rd_kafka_consumer_group_metadata_destroy(md);
}

int32_t generation_of(RdKafka::KafkaConsumer* consumer) {
  if (generation_offset < 0)
    return -1;
  auto* md = rd_kafka_consumer_group_metadata(consumer->c_ptr());
  if (md == nullptr)
    return -1;
  void* buf = nullptr;
  size_t n = 0;
  int32_t gen = -1;
  if (auto* e = rd_kafka_consumer_group_metadata_write(md, &buf, &n)) {
    rd_kafka_error_destroy(e);
  } else {
    if (static_cast<size_t>(generation_offset) + 4 <= n && std::memcmp(buf, "CGMD", 4) == 0)
      std::memcpy(&gen, static_cast<char*>(buf) + generation_offset, 4);
    rd_kafka_mem_free(nullptr, buf);
  }
  rd_kafka_consumer_group_metadata_destroy(md);
  return gen;
}

std::string partition_list(const std::vector<RdKafka::TopicPartition*>& parts) {
  std::vector<int32_t> ps;
  for (auto* p : parts)
    ps.push_back(p->partition());
  std::sort(ps.begin(), ps.end());
  std::string out;
  for (auto p : ps)
    out += (out.empty() ? "" : ",") + std::to_string(p);
  return out.empty() ? "-" : out;
}

struct record {
  int32_t partition;
  int64_t offset;
  std::string value;
};

class member {
public:
  member(std::string topic, FILE* out) : topic_(std::move(topic)), out_(out) {}

  void attach(RdKafka::KafkaConsumer* c) { consumer_ = c; }

  void add(RdKafka::Message* m) {
    batch_.push_back({m->partition(), m->offset(),
                      std::string(static_cast<const char*>(m->payload()), m->len())});
    ++consumed_;
  }

  size_t batch_size() const { return batch_.size(); }
  long long consumed() const { return consumed_; }

  // Writes the pending batch to the records file and commits its offsets (sync or async).
  void flush(bool sync) {
    if (batch_.empty())
      return;
    std::map<int32_t, int64_t> next;
    for (auto& r : batch_) {
      std::fprintf(out_, "%d %lld %s\n", r.partition, static_cast<long long>(r.offset), r.value.c_str());
      next[r.partition] = r.offset + 1;
    }
    if (std::fflush(out_) != 0)
      die("cannot write the records file");
    batch_.clear();
    std::vector<RdKafka::TopicPartition*> offsets;
    for (auto& [p, o] : next)
      offsets.push_back(RdKafka::TopicPartition::create(topic_, p, o));
    auto err = sync ? consumer_->commitSync(offsets) : consumer_->commitAsync(offsets);
    if (err != RdKafka::ERR_NO_ERROR)
      event("COMMIT_FAILED error=" + RdKafka::err2str(err) + (sync ? " sync" : " async"));
    else if (sync)
      for (auto* tp : offsets)
        if (tp->err() != RdKafka::ERR_NO_ERROR)
          event("COMMIT_FAILED partition=" + std::to_string(tp->partition()) + " error=" + RdKafka::err2str(tp->err()));
    RdKafka::TopicPartition::destroy(offsets);
  }

private:
  std::string topic_;
  FILE* out_;
  RdKafka::KafkaConsumer* consumer_ = nullptr;
  std::vector<record> batch_;
  long long consumed_ = 0;
};

class rebalance_handler : public RdKafka::RebalanceCb {
public:
  explicit rebalance_handler(member& m) : m_(m) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      event("ASSIGNED gen=" + std::to_string(generation_of(consumer)) + " member=" + consumer->memberid()
            + " partitions=" + partition_list(partitions) + (cooperative ? " incremental=1" : ""));
      RdKafka::Error* e = nullptr;
      RdKafka::ErrorCode ec = RdKafka::ERR_NO_ERROR;
      if (cooperative)
        e = consumer->incremental_assign(partitions);
      else
        ec = consumer->assign(partitions);
      if (e != nullptr) {
        event("ERROR incremental_assign " + e->str());
        delete e;
      }
      if (ec != RdKafka::ERR_NO_ERROR)
        event("ERROR assign " + RdKafka::err2str(ec));
    } else if (err == RdKafka::ERR__REVOKE_PARTITIONS) {
      bool lost = consumer->assignment_lost();
      // What was processed so far is written and committed before the partitions go to another member.
      m_.flush(!lost);
      event("REVOKED gen=" + std::to_string(generation_of(consumer)) + " partitions=" + partition_list(partitions)
            + " lost=" + (lost ? "1" : "0"));
      if (cooperative) {
        if (auto* e = consumer->incremental_unassign(partitions)) {
          event("ERROR incremental_unassign " + e->str());
          delete e;
        }
      } else {
        consumer->unassign();
      }
    } else {
      event("ERROR rebalance " + RdKafka::err2str(err));
      consumer->unassign();
    }
  }

private:
  member& m_;
};

class event_handler : public RdKafka::EventCb {
public:
  void event_cb(RdKafka::Event& e) override {
    if (e.type() == RdKafka::Event::EVENT_ERROR)
      event("ERROR " + RdKafka::err2str(e.err()) + " " + e.str());
  }
};

bool log_commits = false;

class commit_handler : public RdKafka::OffsetCommitCb {
public:
  void offset_commit_cb(RdKafka::ErrorCode err, std::vector<RdKafka::TopicPartition*>& offsets) override {
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
      event("COMMIT_FAILED error=" + RdKafka::err2str(err) + " async");
    } else if (log_commits) {
      std::string what;
      for (auto* tp : offsets)
        what += " " + std::to_string(tp->partition()) + ":" + std::to_string(tp->offset())
                + (tp->err() != RdKafka::ERR_NO_ERROR ? "(" + RdKafka::err2str(tp->err()) + ")" : "");
      event("COMMITTED" + what);
    }
  }
};

int usage() {
  std::fprintf(stderr, "usage: group_consumer BOOTSTRAP GROUP TOPIC RECORDS_FILE [--name NAME] [--client-id ID] [--idle-exit S]\n"
                       "                      [--max-rate N] [--session-timeout-ms MS] [--strategy NAME] [--log-commits 1]\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 5)
    return usage();
  std::string bootstrap = argv[1], group = argv[2], topic = argv[3], out_path = argv[4];
  double idle_exit = 0;
  double max_rate = 0;
  std::string session_timeout = "6000";
  std::string strategy = "range,roundrobin";
  std::string client_id;
  for (int i = 5; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc)
      return usage();
    std::string v = argv[++i];
    if (a == "--name")
      name = v;
    else if (a == "--log-commits")
      log_commits = v == "1";
    else if (a == "--client-id")
      client_id = v;
    else if (a == "--idle-exit")
      idle_exit = std::atof(v.c_str());
    else if (a == "--max-rate")
      max_rate = std::atof(v.c_str());
    else if (a == "--session-timeout-ms")
      session_timeout = v;
    else if (a == "--strategy")
      strategy = v;
    else
      return usage();
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  calibrate_generation(group);

  FILE* out = std::fopen(out_path.c_str(), "a");
  if (out == nullptr)
    die("cannot open " + out_path);
  member m(topic, out);
  rebalance_handler rcb(m);
  event_handler ecb;
  commit_handler ccb;

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set(conf.get(), "bootstrap.servers", bootstrap);
  set(conf.get(), "group.id", group);
  set(conf.get(), "client.id", client_id.empty() ? name : client_id);
  set(conf.get(), "enable.auto.commit", "false");
  set(conf.get(), "auto.offset.reset", "earliest");
  set(conf.get(), "session.timeout.ms", session_timeout);
  set(conf.get(), "heartbeat.interval.ms", "500");
  set(conf.get(), "partition.assignment.strategy", strategy);
  set(conf.get(), "reconnect.backoff.ms", "100");
  set(conf.get(), "reconnect.backoff.max.ms", "1000");
  std::string err;
  if (conf->set("rebalance_cb", &rcb, err) != RdKafka::Conf::CONF_OK
      || conf->set("event_cb", &ecb, err) != RdKafka::Conf::CONF_OK
      || conf->set("offset_commit_cb", &ccb, err) != RdKafka::Conf::CONF_OK)
    die("callbacks: " + err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer)
    die("KafkaConsumer: " + err);
  m.attach(consumer.get());
  if (auto e = consumer->subscribe({topic}); e != RdKafka::ERR_NO_ERROR)
    die("subscribe: " + RdKafka::err2str(e));
  event("STARTED group=" + group + " topic=" + topic + " generation_offset=" + std::to_string(generation_offset)
        + " strategy=" + strategy);

  using clock = std::chrono::steady_clock;
  auto last_record = clock::now();
  auto due = clock::now();
  auto batch_start = clock::now();
  while (!stop_requested) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(50));
    auto now = clock::now();
    if (msg->err() == RdKafka::ERR_NO_ERROR) {
      if (m.batch_size() == 0)
        batch_start = now;
      m.add(msg.get());
      last_record = now;
    } else if (msg->err() != RdKafka::ERR__TIMED_OUT && msg->err() != RdKafka::ERR__PARTITION_EOF) {
      event("ERROR consume " + msg->errstr());
    }
    if (m.batch_size() >= 500 || (m.batch_size() > 0 && now - batch_start >= std::chrono::milliseconds(100)))
      m.flush(false);
    if (max_rate > 0 && msg->err() == RdKafka::ERR_NO_ERROR) {
      // Each record earns the next one 1/max_rate seconds later; sleep in small steps so signals count.
      due = std::max(due, now)
            + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / max_rate));
      while (!stop_requested && clock::now() + std::chrono::milliseconds(2) < due)
        std::this_thread::sleep_for(std::min<clock::duration>(due - clock::now(), std::chrono::milliseconds(20)));
    }
    if (idle_exit > 0 && clock::now() - last_record > std::chrono::duration<double>(idle_exit)) {
      event("IDLE " + std::to_string(idle_exit) + " s");
      break;
    }
  }
  // Bounded shutdown: whatever librdkafka waits for, the process is gone within 60 s.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    event("FATAL shutdown took longer than 60 s");
    std::_Exit(3);
  }).detach();
  m.flush(true);
  event("CLOSING consumed=" + std::to_string(m.consumed()));
  consumer->close(); // revokes (rebalance_cb, which commits nothing new) and sends LeaveGroup
  std::fclose(out);
  event("CLOSED consumed=" + std::to_string(m.consumed()));
  consumer.reset();
  RdKafka::wait_destroyed(10000);
  return 0;
}
