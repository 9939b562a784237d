// The checker against simulated correct runs: a seeded model of a correct log (producers with ok, fail and
// indeterminate sends, offset gaps, assign consumers that reassign and seek, a consumer group that
// rebalances and rewinds to its committed offsets, faults, final reads from the beginning) must give a valid
// history; then each anomaly kind is injected by one mutation of that history and must be found.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <random>

#include "checker_support.hpp"
#include "cluster/checker/queue_checker.hpp"

using namespace samsa::cluster::checker;
using namespace samsa::cluster::checker::testing;

namespace {

constexpr int64_t final_reader = 99;
const std::vector<topic_partition> partitions{t0, t1, {"u", 0}};

class simulation {
public:
  explicit simulation(uint64_t seed) : rng_(seed) {}

  history run() {
    for (int step = 0; step < 400; ++step) {
      if (chance(0.2))
        b_.now_ns += pick(50) * 1'000'000; // quiet time, for the availability figures
      auto r = pick(100);
      if (r < 40)
        send(pick(3));
      else if (r < 60)
        poll(10 + pick(2));
      else if (r < 64)
        assign(10 + pick(2));
      else if (r < 78)
        group_poll(pick(2));
      else if (r < 86)
        group_commit(pick(2));
      else if (r < 89)
        rebalance();
      else if (r < 92)
        toggle_fault();
      else
        send(pick(3));
    }
    for (auto& [name, on] : faults_)
      if (on)
        b_.fault(name, false);
    final_reads();
    return b_.h;
  }

private:
  struct consumer {
    std::vector<topic_partition> assigned;
    std::map<topic_partition, int64_t> position; // the next offset to read
  };

  std::mt19937_64 rng_;
  builder b_;
  std::map<topic_partition, std::vector<record_read>> log_; // what was applied, in offset order
  std::map<topic_partition, int64_t> next_offset_;
  std::map<int64_t, consumer> consumers_;
  std::map<topic_partition, int64_t> committed_;
  int32_t generation_ = 0;
  std::map<std::string, bool> faults_{{"kill", false}, {"partition", false}};
  int values_ = 0;

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  int64_t apply(const topic_partition& tp, const std::string& v) {
    if (chance(0.05))
      next_offset_[tp] += 1 + pick(3); // offsets no acknowledged write ever held (repaired damage)
    auto o = next_offset_[tp]++;
    log_[tp].push_back({tp, o, v});
    return o;
  }

  void send(int64_t p) {
    const auto& tp = partitions[pick(partitions.size())];
    auto v = "p" + std::to_string(p) + "-" + std::to_string(values_++);
    b_.send_invoke(p, tp, v);
    auto r = pick(100);
    if (r < 75)
      b_.send_complete(p, event_type::ok, apply(tp, v));
    else if (r < 85) {
      apply(tp, v);
      b_.send_complete(p, event_type::info, std::nullopt, "request_timed_out"); // applied, not acknowledged
    } else if (r < 93)
      b_.send_complete(p, event_type::info, std::nullopt, "not_leader_or_follower"); // not applied
    else
      b_.send_complete(p, event_type::fail, std::nullopt, "not_enough_replicas");
  }

  // Reads up to a few records of each assigned partition from the consumer's positions.
  std::vector<record_read> read(consumer& c, size_t max_per_partition) {
    std::vector<record_read> out;
    for (const auto& tp : c.assigned) {
      auto& pos = c.position[tp];
      size_t n = 0;
      for (const auto& r : log_[tp])
        if (r.offset >= pos && n < max_per_partition) {
          out.push_back(r);
          pos = r.offset + 1;
          ++n;
        }
    }
    return out;
  }

  void poll(int64_t p) {
    auto& c = consumers_[p];
    if (chance(0.1)) {
      b_.poll(p, {}, event_type::info); // timed out
      return;
    }
    b_.poll(p, read(c, 1 + pick(4)));
  }

  void assign(int64_t p) {
    auto& c = consumers_[p];
    std::vector<topic_partition> tps;
    for (const auto& tp : partitions)
      if (chance(0.6))
        tps.push_back(tp);
    bool seek = chance(0.3);
    b_.assign(p, tps, seek);
    std::map<topic_partition, int64_t> pos;
    for (const auto& tp : tps)
      pos[tp] = seek || !c.position.count(tp) ? 0 : c.position[tp];
    c.assigned = tps;
    c.position = pos;
  }

  // The group "g": members 20 and 21; a rebalance splits the partitions between them and each starts at
  // the committed offsets.
  static int64_t member(size_t i) { return 20 + static_cast<int64_t>(i); }

  void rebalance() {
    ++generation_;
    auto shuffled = partitions;
    std::shuffle(shuffled.begin(), shuffled.end(), rng_);
    for (size_t m = 0; m < 2; ++m) {
      auto& c = consumers_[member(m)];
      c.assigned.clear();
      c.position.clear();
      std::vector<partition_offset> fetched;
      for (size_t i = m; i < shuffled.size(); i += 2) {
        const auto& tp = shuffled[i];
        c.assigned.push_back(tp);
        c.position[tp] = committed_.count(tp) ? committed_[tp] : 0;
        if (committed_.count(tp))
          fetched.push_back({tp, committed_[tp]});
      }
      b_.rebalance(member(m), "g", generation_, "m" + std::to_string(member(m)), c.assigned, fetched);
    }
  }

  void group_poll(size_t m) {
    if (generation_ == 0)
      return rebalance();
    b_.poll(member(m), read(consumers_[member(m)], 1 + pick(3)));
  }

  void group_commit(size_t m) {
    if (generation_ == 0)
      return;
    auto& c = consumers_[member(m)];
    std::vector<partition_offset> offsets;
    for (const auto& tp : c.assigned)
      offsets.push_back({tp, c.position[tp]});
    if (chance(0.1)) {
      b_.commit(member(m), "g", offsets, event_type::fail);
      return;
    }
    b_.commit(member(m), "g", offsets);
    for (const auto& o : offsets)
      committed_[o.tp] = std::max(committed_[o.tp], o.offset);
  }

  void toggle_fault() {
    auto it = std::next(faults_.begin(), static_cast<long>(pick(faults_.size())));
    it->second = !it->second;
    b_.fault(it->first, it->second, it->second ? "node " + std::to_string(1 + pick(3)) : "");
  }

  void final_reads() {
    auto& c = consumers_[final_reader];
    b_.assign(final_reader, partitions, true);
    for (const auto& tp : partitions)
      c.position[tp] = 0;
    c.assigned = partitions;
    for (;;) {
      auto reads = read(c, 5);
      if (reads.empty())
        break;
      b_.poll(final_reader, std::move(reads));
    }
  }
};

// ---- mutations: each changes a valid history so that one anomaly kind must be found ----

using mutation = std::function<bool(history&, std::mt19937_64&)>;

event& completion(history& h, const op& o) {
  return h.events[o.completion];
}

int64_t end_time(const history& h) {
  return h.events.empty() ? 0 : h.events.back().time_ns;
}

// Ok sends (tp, value, offset) with their ops.
std::vector<op> ok_sends(const history& h, const std::vector<op>& ops) {
  std::vector<op> out;
  for (const auto& o : ops)
    if (o.f == op_f::send && o.type == event_type::ok && h.events[o.completion].offset)
      out.push_back(o);
  return out;
}

template <class T>
const T* choose(const std::vector<T>& xs, std::mt19937_64& rng) {
  if (xs.empty())
    return nullptr;
  return &xs[std::uniform_int_distribution<size_t>(0, xs.size() - 1)(rng)];
}

// Pairs of consecutive ok polls of an assign consumer (processes 10, 11) that both read partition tp,
// the second with at least `min_reads` reads of it.
struct poll_pair {
  op first, second;
  topic_partition tp;
};
std::vector<poll_pair> poll_pairs(const history& h, size_t min_reads) {
  auto ops = pair_ops(h);
  std::map<int64_t, std::vector<op>> by_process;
  for (const auto& o : ops)
    if (o.process == 10 || o.process == 11)
      by_process[o.process].push_back(o);
  std::vector<poll_pair> out;
  for (const auto& [p, list] : by_process)
    for (size_t i = 1; i < list.size(); ++i) {
      const auto &a = list[i - 1], &b = list[i];
      if (a.f != op_f::poll || b.f != op_f::poll || a.type != event_type::ok || b.type != event_type::ok)
        continue;
      for (const auto& tp : partitions) {
        size_t in_a = 0, in_b = 0;
        for (const auto& r : h.events[a.completion].reads)
          in_a += r.tp == tp;
        for (const auto& r : h.events[b.completion].reads)
          in_b += r.tp == tp;
        if (in_a >= 1 && in_b >= min_reads)
          out.push_back({a, b, tp});
      }
    }
  return out;
}

// Index (in reads) of the n-th read of tp.
size_t nth_read(const std::vector<record_read>& reads, const topic_partition& tp, size_t n) {
  for (size_t i = 0; i < reads.size(); ++i)
    if (reads[i].tp == tp && n-- == 0)
      return i;
  return reads.size();
}

// A mutation that edits the reads of the second poll of a random pair (its tp read at least min_reads
// times), given the first poll's reads.
using reads_t = std::vector<record_read>;
mutation on_second_poll(size_t min_reads, std::function<void(const poll_pair&, const reads_t&, reads_t&)> edit) {
  return [=](history& h, std::mt19937_64& rng) {
    auto pairs = poll_pairs(h, min_reads);
    auto p = choose(pairs, rng);
    if (!p)
      return false;
    auto before = completion(h, p->first).reads;
    edit(*p, before, completion(h, p->second).reads);
    return true;
  };
}

// Appends a call by a new process at the end of the history: `invoke`, then its ok completion.
void append_ok_call(history& h, event invoke) {
  invoke.type = event_type::invoke;
  invoke.time_ns = end_time(h) + 1;
  event ok = invoke;
  ok.type = event_type::ok;
  h.events.push_back(std::move(invoke));
  h.events.push_back(std::move(ok));
}

const std::map<std::string, mutation>& mutations() {
  static const std::map<std::string, mutation> all{
    {"lost-write",
     [](history& h, std::mt19937_64& rng) {
       auto ops = pair_ops(h);
       auto sends = ok_sends(h, ops);
       // Not the last record of its partition: the final reads go beyond it.
       std::vector<op> inner;
       for (const auto& s : sends) {
         const auto& tp = h.events[s.invoke].tp;
         for (const auto& t : sends)
           if (h.events[t.invoke].tp == tp && *h.events[t.completion].offset > *h.events[s.completion].offset) {
             inner.push_back(s);
             break;
           }
       }
       auto s = choose(inner, rng);
       if (!s)
         return false;
       auto v = h.events[s->invoke].value;
       for (auto& e : h.events) {
         std::vector<record_read> kept;
         for (auto& r : e.reads)
           if (r.value != v)
             kept.push_back(r);
         e.reads = kept;
       }
       return true;
     }},
    {"unseen",
     [](history& h, std::mt19937_64&) {
       event send;
       send.process = 7;
       send.f = op_f::send;
       send.tp = t0;
       send.value = "never-read";
       send.offset = 1'000'000; // only the completion's counts
       append_ok_call(h, send);
       return true;
     }},
    {"duplicate",
     [](history& h, std::mt19937_64& rng) {
       // The final reader's last poll reads an earlier value of a partition again, at a new offset.
       for (size_t i = h.events.size(); i-- > 0;) {
         auto& e = h.events[i];
         if (e.process != final_reader || e.f != op_f::poll || e.reads.empty())
           continue;
         auto last = e.reads.back();
         std::vector<record_read> earlier;
         for (const auto& x : h.events)
           for (const auto& r : x.reads)
             if (r.tp == last.tp && r.offset < last.offset)
               earlier.push_back(r);
         auto pick = choose(earlier, rng);
         if (!pick)
           return false;
         e.reads.push_back({last.tp, last.offset + 1, pick->value});
         return true;
       }
       return false;
     }},
    {"inconsistent-offsets",
     [](history& h, std::mt19937_64& rng) {
       // An acknowledgement names the offset of another record of its partition.
       auto ops = pair_ops(h);
       auto sends = ok_sends(h, ops);
       auto s = choose(sends, rng);
       if (!s)
         return false;
       for (const auto& t : sends)
         if (h.events[t.invoke].tp == h.events[s->invoke].tp && t.invoke != s->invoke) {
           completion(h, *s).offset = h.events[t.completion].offset;
           return true;
         }
       return false;
     }},
    {"G1a",
     [](history& h, std::mt19937_64& rng) {
       auto ops = pair_ops(h);
       auto s = choose(ok_sends(h, ops), rng); // every ok send is read by the final reads
       if (!s)
         return false;
       completion(h, *s).type = event_type::fail;
       completion(h, *s).offset.reset();
       return true;
     }},
    {"poll-skip", on_second_poll(2, [](const poll_pair& p, const std::vector<record_read>&, reads_t& reads) {
       reads.erase(reads.begin() + static_cast<long>(nth_read(reads, p.tp, 0)));
     })},
    {"nonmonotonic-poll", on_second_poll(1, [](const poll_pair& p, const std::vector<record_read>& before, reads_t& reads) {
       auto again = before[nth_read(before, p.tp, 0)];
       for (const auto& r : before)
         if (r.tp == p.tp)
           again = r; // its last read of tp
       reads.insert(reads.begin() + static_cast<long>(nth_read(reads, p.tp, 0)), again);
     })},
    {"int-poll-skip", on_second_poll(3, [](const poll_pair& p, const std::vector<record_read>&, reads_t& reads) {
       reads.erase(reads.begin() + static_cast<long>(nth_read(reads, p.tp, 1)));
     })},
    {"int-nonmonotonic-poll", on_second_poll(2, [](const poll_pair& p, const std::vector<record_read>&, reads_t& reads) {
       std::swap(reads[nth_read(reads, p.tp, 0)], reads[nth_read(reads, p.tp, 1)]);
     })},
    {"nonmonotonic-send",
     [](history& h, std::mt19937_64& rng) {
       // Two successive acknowledged sends of one producer to one partition trade places in the log.
       auto ops = pair_ops(h);
       std::vector<std::pair<op, op>> pairs;
       std::map<std::pair<int64_t, topic_partition>, op> last;
       for (const auto& o : ops) {
         if (o.f != op_f::send || (o.type != event_type::ok && o.type != event_type::info))
           continue;
         auto key = std::make_pair(o.process, h.events[o.invoke].tp);
         auto it = last.find(key);
         if (it != last.end() && it->second.type == event_type::ok && o.type == event_type::ok)
           pairs.emplace_back(it->second, o);
         last[key] = o;
       }
       auto p = choose(pairs, rng);
       if (!p)
         return false;
       auto& e1 = completion(h, p->first);
       auto& e2 = completion(h, p->second);
       const auto tp = h.events[p->first.invoke].tp;
       const auto v1 = h.events[p->first.invoke].value, v2 = h.events[p->second.invoke].value;
       const auto o1 = *e1.offset, o2 = *e2.offset;
       std::swap(e1.offset, e2.offset);
       for (auto& e : h.events)
         for (auto& r : e.reads)
           if (r.tp == tp && r.offset == o1)
             r.value = v2;
           else if (r.tp == tp && r.offset == o2)
             r.value = v1;
       return true;
     }},
    {"double-ownership",
     [](history& h, std::mt19937_64& rng) {
       std::vector<event> rebalances;
       for (const auto& e : h.events)
         if (e.f == op_f::rebalance && !e.partitions.empty())
           rebalances.push_back(e);
       auto r = choose(rebalances, rng);
       if (!r)
         return false;
       event twin = *r;
       twin.process = 30;
       twin.member = "intruder";
       twin.partitions = {r->partitions.front()};
       twin.offsets.clear();
       twin.time_ns = end_time(h) + 1;
       twin.line = 0;
       h.events.push_back(twin);
       return true;
     }},
    {"backwards-commit",
     [](history& h, std::mt19937_64&) {
       std::map<topic_partition, int64_t> highest;
       for (const auto& o : pair_ops(h))
         if (o.f == op_f::commit && o.type == event_type::ok)
           for (const auto& po : h.events[o.invoke].offsets)
             highest[po.tp] = std::max(highest[po.tp], po.offset);
       for (const auto& [tp, offset] : highest)
         if (offset > 0) {
           event commit;
           commit.process = 31;
           commit.f = op_f::commit;
           commit.group = "g";
           commit.offsets = {{tp, offset - 1}};
           append_ok_call(h, commit);
           return true;
         }
       return false;
     }},
  };
  return all;
}

} // namespace

TEST_CASE("checker simulation: seeded correct runs are valid and each injected anomaly is found") {
  constexpr uint64_t seeds = 30;
  std::map<std::string, int> injected;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);
    auto h = simulation(seed).run();
    auto r = check(h);
    REQUIRE_MESSAGE(r.valid, to_text(r));
    REQUIRE(r.ops["send"].ok > 50);
    CHECK(r.availability.acknowledged_sends == r.ops["send"].ok);
    // Decoding what was encoded gives the same verdict (the file path of a real run).
    CHECK(check(decode_history(encode_history(h))).valid);

    std::mt19937_64 rng(seed * 7919);
    for (const auto& [name, mutate] : mutations()) {
      CAPTURE(name);
      auto mutated = h;
      if (!mutate(mutated, rng))
        continue;
      ++injected[name];
      auto m = check(mutated);
      CHECK_MESSAGE(m.anomalies.count(name) == 1, to_text(m));
      CHECK_FALSE(m.valid);
    }
  }
  // Every kind was injected into most runs (the simulation gives each mutation something to work on).
  for (const auto& [name, mutate] : mutations()) {
    CAPTURE(name);
    CHECK(injected[name] >= static_cast<int>(seeds) / 2);
  }
  CHECK(mutations().size() == anomaly_names().size());
}
