// The experiments' checker (cluster/checker/queue_checker, availability): hand-made histories, one per
// anomaly it must report and clean ones it must accept (indeterminate sends read or not, offset gaps,
// rebalances that rewind a consumer), availability figures, the JSON summary.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "checker_support.hpp"
#include "cluster/checker/queue_checker.hpp"

using namespace samsa::cluster::checker;
using namespace samsa::cluster::checker::testing;

namespace {

std::vector<std::string> names(const check_result& r) {
  std::vector<std::string> out;
  for (const auto& [name, a] : r.anomalies)
    out.push_back(name);
  return out;
}

using list = std::vector<std::string>;

// Producer 0 writes a, b, c at offsets 0, 1, 2 of t-0.
builder abc() {
  builder b;
  b.send(0, t0, "a", event_type::ok, 0).send(0, t0, "b", event_type::ok, 1).send(0, t0, "c", event_type::ok, 2);
  return b;
}

} // namespace

TEST_CASE("checker: a clean history with indeterminate and failed sends, offset gaps and every op kind is valid") {
  builder b = abc();
  b.send(0, t0, "x", event_type::info)     // timed out, but applied: read at offset 3
    .send(0, t0, "y", event_type::info)    // timed out, never applied: nobody reads it
    .send(0, t0, "z", event_type::fail)    // definitely not applied
    .send(0, t0, "e", event_type::ok, 10)  // offsets 4..9 never held a value anyone saw (a gap)
    .send(0, t1, "d", event_type::ok, 0)
    .send_invoke(0, t1, "open");           // never completed: indeterminate
  b.assign(1, {t0, t1}).poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b")}).poll(1, {}).poll(1, {rd(t0, 2, "c"), rd(t0, 3, "x")});
  b.poll(1, {rd(t0, 10, "e"), rd(t1, 0, "d")}).poll(1, {}, event_type::info);
  b.rebalance(2, "g", 1, "m2", {t0}).commit(2, "g", {{t0, 4}}).commit(2, "g", {{t0, 11}});
  b.fault("kill", true, "node 1").fault("kill", false, "node 1");
  auto r = check(b.h);
  CHECK_MESSAGE(r.valid, to_text(r));
  CHECK(r.anomalies.empty());
  CHECK(r.ops["send"].ok == 5);
  CHECK(r.ops["send"].info == 3);
  CHECK(r.ops["send"].fail == 1);
  CHECK(r.ops["poll"].ok == 4);
  CHECK(r.ops["poll"].info == 1);
  CHECK(r.ops["commit"].ok == 2);
  CHECK(r.ops["fault"].info == 2);
  CHECK(r.availability.acknowledged_sends == 5);
}

TEST_CASE("checker: a rebalance lets a group member rewind to the committed offset, also inside an open poll") {
  auto rewinding = [](bool with_rebalances) {
    builder b = abc();
    b.rebalance(2, "g", 1, "m1", {t0}).poll(2, {rd(t0, 0, "a"), rd(t0, 1, "b")}).commit(2, "g", {{t0, 1}});
    if (with_rebalances)
      b.rebalance(2, "g", 2, "m1", {t0}, {{t0, 1}});
    b.poll(2, {rd(t0, 1, "b"), rd(t0, 2, "c")}).commit(2, "g", {{t0, 2}});
    // A rebalance while a poll is open: the poll read c before it and again from the committed offset after.
    b.poll_invoke(2);
    if (with_rebalances)
      b.rebalance(2, "g", 3, "m1", {t0}, {{t0, 2}});
    b.poll_complete(2, {rd(t0, 2, "c"), rd(t0, 2, "c")});
    return check(b.h);
  };
  auto r = rewinding(true);
  CHECK_MESSAGE(r.valid, to_text(r));
  // The same reads without the rebalances are a consumer going backwards.
  CHECK(names(rewinding(false)) == list{"int-nonmonotonic-poll", "nonmonotonic-poll"});
}

TEST_CASE("checker: an assign keeps the position of the partitions it keeps, seek_to_beginning restarts it") {
  builder b = abc();
  b.send(0, t1, "d", event_type::ok, 0);
  b.assign(1, {t0}).poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c")});
  b.assign(1, {t0}, true).poll(1, {rd(t0, 0, "a")});                // seek: back to the start
  b.assign(1, {t1}).poll(1, {rd(t1, 0, "d")}).assign(1, {t0, t1}).poll(1, {rd(t0, 0, "a")}); // t-0 dropped, then new
  CHECK_MESSAGE(check(b.h).valid, to_text(check(b.h)));
  b.assign(1, {t0, t1}).poll(1, {rd(t0, 2, "c")}); // kept: skipping b is a skip
  CHECK(names(check(b.h)) == list{"poll-skip"});
}

TEST_CASE("checker: lost-write: acknowledged, below what polls reached, never read (and so unseen)") {
  builder b = abc();
  b.poll(1, {rd(t0, 0, "a")}).poll(2, {rd(t0, 2, "c")});
  auto r = check(b.h);
  CHECK(names(r) == list{"lost-write", "unseen"});
  const auto& ex = r.anomalies.at("lost-write").examples.at(0);
  CHECK(ex.partition == "t-0");
  CHECK(ex.values == list{"b"});
  CHECK(ex.offsets == std::vector<int64_t>{1, 2});
  REQUIRE(ex.ops.size() == 2); // the send of b and the poll that read c
  CHECK(ex.ops[0].f == op_f::send);
  CHECK(ex.ops[0].invoke_line == 3);
  CHECK(ex.ops[0].completion_line == 4);
  CHECK(ex.ops[1].f == op_f::poll);
  CHECK(ex.ops[1].process == 2);
  // The last acknowledged value unread is unseen only: nothing read beyond it.
  builder tail = abc();
  tail.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b")});
  auto u = check(tail.h);
  CHECK(names(u) == list{"unseen"});
  CHECK(u.anomalies.at("unseen").examples.at(0).values == list{"c"});
}

TEST_CASE("checker: duplicate: one value at two offsets") {
  builder b = abc();
  b.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c"), rd(t0, 3, "a")});
  auto r = check(b.h);
  CHECK(names(r) == list{"duplicate"});
  CHECK(r.anomalies.at("duplicate").examples.at(0).offsets == std::vector<int64_t>{0, 3});
}

TEST_CASE("checker: inconsistent-offsets: two values read at one offset, or read against the acknowledged one") {
  builder b;
  b.send(0, t0, "a", event_type::ok, 0).send(0, t0, "b", event_type::ok, 1).send(3, t0, "c", event_type::info);
  b.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b")}).poll(2, {rd(t0, 0, "a"), rd(t0, 1, "c")});
  auto r = check(b.h);
  CHECK_MESSAGE((names(r) == list{"inconsistent-offsets"}), to_text(r));
  CHECK(r.anomalies.at("inconsistent-offsets").examples.at(0).values == list{"b", "c"});

  builder acked;
  acked.send(0, t0, "a", event_type::ok, 0).send(3, t0, "b", event_type::ok, 0);
  acked.poll(1, {rd(t0, 0, "a")});
  // b was acknowledged at offset 0 where a was read: b must have committed, is at or below the highest read
  // index, and was never read.
  CHECK_MESSAGE((names(check(acked.h)) == list{"inconsistent-offsets", "lost-write", "unseen"}), to_text(check(acked.h)));
}

TEST_CASE("checker: G1a: a poll read a value whose send definitely failed") {
  builder b;
  b.send(0, t0, "a", event_type::fail).poll(1, {rd(t0, 0, "a")});
  auto r = check(b.h);
  CHECK(names(r) == list{"G1a"});
  CHECK(r.anomalies.at("G1a").examples.at(0).ops.size() == 2);
  // The same read of an indeterminate send is fine.
  builder info;
  info.send(0, t0, "a", event_type::info).poll(1, {rd(t0, 0, "a")});
  CHECK(check(info.h).valid);
}

TEST_CASE("checker: poll-skip counts only offsets that hold values someone saw") {
  builder b = abc();
  b.poll(1, {rd(t0, 0, "a")}).poll(1, {rd(t0, 2, "c")}).poll(2, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c")});
  auto r = check(b.h);
  CHECK(names(r) == list{"poll-skip"});
  const auto& ex = r.anomalies.at("poll-skip").examples.at(0);
  CHECK(ex.values == list{"b"}); // what it skipped
  CHECK(ex.offsets == std::vector<int64_t>{1});
  CHECK(ex.ops.size() == 2);
  // Offsets 1..4 were never seen holding a value (a gap): no skip.
  builder gap;
  gap.send(0, t0, "a", event_type::ok, 0).send(0, t0, "c", event_type::ok, 5);
  gap.poll(1, {rd(t0, 0, "a")}).poll(1, {rd(t0, 5, "c")});
  CHECK(check(gap.h).valid);
}

TEST_CASE("checker: nonmonotonic-poll: a process's next poll starts at or before where the last one ended") {
  builder b = abc();
  b.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b")}).poll(1, {rd(t0, 1, "b"), rd(t0, 2, "c")});
  auto r = check(b.h);
  CHECK(names(r) == list{"nonmonotonic-poll"});
  CHECK(r.anomalies.at("nonmonotonic-poll").examples.at(0).offsets == std::vector<int64_t>{1, 1});
  // Another process reading again from the start is not one consumer going backwards.
  builder other = abc();
  other.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c")}).poll(2, {rd(t0, 0, "a")});
  CHECK(check(other.h).valid);
}

TEST_CASE("checker: int-poll-skip and int-nonmonotonic-poll inside one poll") {
  builder skip = abc();
  skip.poll(1, {rd(t0, 0, "a"), rd(t0, 2, "c")}).poll(2, {rd(t0, 1, "b")});
  CHECK(names(check(skip.h)) == list{"int-poll-skip"});
  builder back = abc();
  back.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c"), rd(t0, 1, "b")});
  CHECK_MESSAGE((names(check(back.h)) == list{"int-nonmonotonic-poll"}), to_text(check(back.h)));
  // Reads of different partitions interleaved in one poll are each in order.
  builder two = abc();
  two.send(0, t1, "d", event_type::ok, 0).send(0, t1, "e", event_type::ok, 1);
  two.poll(1, {rd(t0, 0, "a"), rd(t1, 0, "d"), rd(t0, 1, "b"), rd(t1, 1, "e"), rd(t0, 2, "c")});
  CHECK(check(two.h).valid);
}

TEST_CASE("checker: nonmonotonic-send: a producer's later send lands at a lower offset") {
  builder b;
  b.send(0, t0, "a", event_type::ok, 1).send(0, t0, "b", event_type::ok, 0).poll(1, {rd(t0, 0, "b"), rd(t0, 1, "a")});
  auto r = check(b.h);
  CHECK(names(r) == list{"nonmonotonic-send"});
  CHECK(r.anomalies.at("nonmonotonic-send").examples.at(0).values == list{"a", "b"});
  // An indeterminate send whose value was read has a place in the order too.
  builder info;
  info.send(0, t0, "a", event_type::ok, 1).send(0, t0, "b", event_type::info).poll(1, {rd(t0, 0, "b"), rd(t0, 1, "a")});
  CHECK(names(check(info.h)) == list{"nonmonotonic-send"});
  // Two producers interleaving is not a reorder.
  builder two;
  two.send(0, t0, "a", event_type::ok, 1).send(3, t0, "b", event_type::ok, 0).poll(1, {rd(t0, 0, "b"), rd(t0, 1, "a")});
  CHECK(check(two.h).valid);
}

TEST_CASE("checker: double-ownership: two members own one partition in one generation") {
  builder b;
  b.rebalance(1, "g", 5, "m1", {t0}).rebalance(2, "g", 5, "m2", {t0, t1}).rebalance(1, "g", 6, "m1", {t1});
  b.rebalance(3, "other", 5, "m3", {t0}); // another group
  auto r = check(b.h);
  CHECK(names(r) == list{"double-ownership"});
  CHECK(r.anomalies.at("double-ownership").count == 1);
  const auto& ex = r.anomalies.at("double-ownership").examples.at(0);
  CHECK(ex.partition == "t-0");
  CHECK(ex.values == list{"m1", "m2"});
}

TEST_CASE("checker: backwards-commit: a committed offset below one already committed, set or fetched") {
  builder b;
  b.commit(1, "g", {{t0, 5}}).commit(2, "g", {{t0, 3}}).commit(2, "g", {{t1, 1}}).commit(3, "h", {{t0, 1}});
  auto r = check(b.h);
  CHECK(names(r) == list{"backwards-commit"});
  CHECK(r.anomalies.at("backwards-commit").count == 1);
  CHECK(r.anomalies.at("backwards-commit").examples.at(0).offsets == std::vector<int64_t>{5, 3});

  builder fetched;
  fetched.commit(1, "g", {{t0, 5}}).rebalance(2, "g", 2, "m2", {t0}, {{t0, 4}});
  CHECK(names(check(fetched.h)) == list{"backwards-commit"});

  // Concurrent commits may apply in either order; a failed commit changed nothing.
  builder concurrent;
  concurrent.commit(1, "g", {{t0, 5}}, event_type::fail);
  concurrent.commit(1, "g", {{t0, 2}});
  concurrent.h.events.push_back(concurrent.h.events[0]); // process 3 invokes a commit of 9 ...
  auto& inv = concurrent.h.events.back();
  inv.process = 3;
  inv.type = event_type::invoke;
  inv.offsets = {{t0, 9}};
  concurrent.commit(4, "g", {{t0, 7}}); // ... process 4 commits 7 meanwhile ...
  concurrent.add(3, event_type::ok, op_f::commit); // ... and process 3's commit of 9 completes
  CHECK_MESSAGE(check(concurrent.h).valid, to_text(check(concurrent.h)));
}

TEST_CASE("checker: examples are capped, counts are not") {
  builder b;
  for (int i = 0; i < 5; ++i)
    b.send(0, t0, "v" + std::to_string(i), event_type::ok, i);
  check_options opt;
  opt.max_examples = 2;
  auto r = check(b.h, opt);
  CHECK(r.anomalies.at("unseen").count == 5);
  CHECK(r.anomalies.at("unseen").examples.size() == 2);
}

TEST_CASE("availability: the longest gap between acknowledged sends, overall and per fault, and the time to the "
          "first acknowledgement after each fault") {
  constexpr int64_t ms = 1'000'000;
  builder b;
  b.at(0).send(0, t0, "a", event_type::ok, 0);    // invoke 1 ms, ack 2 ms
  b.at(9 * ms).fault("kill", true, "node 2");     // 10 ms
  b.send(0, t0, "b", event_type::info);           // 11 .. 12 ms
  b.at(20 * ms).send(0, t0, "c", event_type::ok, 1); // 21 .. 22 ms: the first ack after the kill
  b.at(29 * ms).fault("kill", false, "node 2");   // 30 ms
  b.send(0, t0, "d", event_type::ok, 2);          // 31 .. 32 ms
  b.at(39 * ms).fault("pause", true);             // 40 ms, never stopped, writes never recover
  b.send(0, t0, "e", event_type::info);           // 41 .. 42 ms
  b.at(59 * ms).send(0, t0, "f", event_type::fail); // 60 .. 61 ms
  b.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "c"), rd(t0, 2, "d")});
  auto r = check(b.h);
  CHECK_MESSAGE(r.valid, to_text(r));
  const auto& av = r.availability;
  CHECK(av.acknowledged_sends == 3);
  CHECK(av.max_unavailability_ns == 29 * ms); // 32 -> 61 ms, never recovered
  CHECK(av.gap_start_ns == 32 * ms);
  CHECK(av.gap_end_ns == 61 * ms);
  REQUIRE(av.faults.size() == 2);
  CHECK(av.faults[0].name == "kill");
  CHECK(av.faults[0].target == "node 2");
  CHECK(av.faults[0].start_ns == 10 * ms);
  CHECK(av.faults[0].stop_ns == std::optional<int64_t>{30 * ms});
  CHECK(av.faults[0].first_ack_after_ns == std::optional<int64_t>{12 * ms}); // 10 -> 22 ms
  CHECK(av.faults[0].max_unavailability_ns == 20 * ms);                    // 2 -> 22 ms
  // From the heal (30 ms) to the pause (40 ms): the gaps 22 -> 32 and 32 -> 61 ms overlap it.
  CHECK(av.faults[0].after_heal_max_unavailability_ns == std::optional<int64_t>{29 * ms});
  CHECK(av.faults[1].name == "pause");
  CHECK_FALSE(av.faults[1].stop_ns);
  CHECK_FALSE(av.faults[1].after_heal_max_unavailability_ns);
  CHECK_FALSE(av.faults[1].first_ack_after_ns);
  CHECK(av.faults[1].max_unavailability_ns == 29 * ms);

  // A stall that starts after the heal (a restarted node's rejoin) is the heal's, not the fault's.
  builder rejoin;
  rejoin.at(0).send(0, t0, "a", event_type::ok, 0);      // 1 .. 2 ms
  rejoin.at(9 * ms).fault("kill", true, "node 1");       // 10 ms
  rejoin.at(11 * ms).send(0, t0, "b", event_type::ok, 1); // 12 .. 13 ms
  rejoin.at(19 * ms).fault("kill", false, "node 1");     // 20 ms: restarted
  rejoin.at(21 * ms).send(0, t0, "c", event_type::ok, 2); // 22 .. 23 ms
  rejoin.at(49 * ms).send(0, t0, "d", event_type::ok, 3); // 50 .. 51 ms: a 28 ms stall after the restart
  rejoin.at(59 * ms).fault("pause", true, "node 2");     // 60 ms
  rejoin.at(61 * ms).send(0, t0, "e", event_type::ok, 4); // 62 .. 63 ms
  rejoin.at(99 * ms).send(0, t0, "f", event_type::ok, 5); // 100 .. 101 ms: after the next fault: not counted
  rejoin.at(104 * ms).fault("pause", false, "node 2");   // 105 ms
  rejoin.at(105 * ms).send(0, t0, "g", event_type::ok, 6); // 106 .. 107 ms
  rejoin.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c"), rd(t0, 3, "d"), rd(t0, 4, "e"), rd(t0, 5, "f"),
                  rd(t0, 6, "g")});
  auto rr = check(rejoin.h);
  CHECK_MESSAGE(rr.valid, to_text(rr));
  REQUIRE(rr.availability.faults.size() == 2);
  CHECK(rr.availability.faults[0].max_unavailability_ns == 11 * ms); // 2 -> 13 ms
  CHECK(rr.availability.faults[0].after_heal_max_unavailability_ns == std::optional<int64_t>{28 * ms});
  CHECK(rr.availability.faults[1].after_heal_max_unavailability_ns == std::optional<int64_t>{6 * ms}); // 101 -> 107
  CHECK(to_text(rr).find("after the heal 0.028 s") != std::string::npos);

  builder none;
  none.poll(1, {});
  CHECK(check(none.h).availability.max_unavailability_ns == 0);
}

TEST_CASE("checker: the JSON summary for scripts, and check_history_file") {
  builder b = abc();
  b.poll(1, {rd(t0, 0, "a")}).poll(2, {rd(t0, 2, "c")}).fault("kill", true, "node 1");
  std::string path = "test_queue_checker_history.jsonl";
  {
    std::ofstream out(path);
    out << encode_history(b.h);
  }
  auto r = check_history_file(path);
  std::remove(path.c_str());
  auto j = nlohmann::json::parse(to_json(r));
  CHECK(j["valid"] == false);
  CHECK(j["anomaly_types"] == nlohmann::json::array({"lost-write", "unseen"}));
  CHECK(j["anomalies"]["lost-write"]["count"] == 1);
  const auto& ex = j["anomalies"]["lost-write"]["examples"][0];
  CHECK(ex["partition"] == "t-0");
  CHECK(ex["values"][0] == "b");
  CHECK(ex["ops"][0]["f"] == "send");
  CHECK(ex["ops"][0]["invoke_line"] == 3);
  CHECK(ex["ops"][0]["invoke_ms"] == 3.0);
  CHECK(j["ops"]["send"]["ok"] == 3);
  CHECK(j["availability"]["acknowledged_sends"] == 3);
  CHECK(j["availability"]["faults"][0]["name"] == "kill");
  CHECK(j["availability"]["faults"][0]["stop_ms"].is_null());
  CHECK(j["availability"]["faults"][0]["first_ack_after_ms"].is_null());
  auto text = to_text(r);
  CHECK(text.find("INVALID: lost-write (1) unseen (1)") == 0);
  CHECK(text.find("t-0: value b at offset 1 must have committed") != std::string::npos);

  builder clean = abc();
  clean.poll(1, {rd(t0, 0, "a"), rd(t0, 1, "b"), rd(t0, 2, "c")});
  auto valid = nlohmann::json::parse(to_json(check(clean.h)));
  CHECK(valid["valid"] == true);
  CHECK(valid["anomaly_types"].empty());
}
