// The experiments' history (cluster/checker/history): JSON lines in and out, clear errors naming the line,
// and the pairing of invokes with completions.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "checker_support.hpp"
#include "cluster/checker/history.hpp"

using namespace samsa::cluster::checker;
using namespace samsa::cluster::checker::testing;

namespace {

// One line of each kind, as docs/experiments.md shows them (kept identical: the test compares the text).
const char* doc_example =
  R"({"process":0,"type":"invoke","f":"send","time":1000000,"topic":"t","partition":0,"value":"0-1"}
{"process":0,"type":"ok","f":"send","time":3000000,"offset":0}
{"process":0,"type":"invoke","f":"send","time":4000000,"topic":"t","partition":1,"value":"0-2"}
{"process":0,"type":"info","f":"send","time":34000000,"error":"request_timed_out"}
{"process":1,"type":"invoke","f":"assign","time":5000000,"partitions":[{"topic":"t","partition":0},{"topic":"t","partition":1}],"seek_to_beginning":true}
{"process":1,"type":"ok","f":"assign","time":5100000}
{"process":1,"type":"invoke","f":"poll","time":6000000}
{"process":1,"type":"ok","f":"poll","time":7000000,"reads":[{"topic":"t","partition":0,"offset":0,"value":"0-1"}]}
{"process":2,"type":"ok","f":"rebalance","time":8000000,"group":"g","generation":1,"member":"m2","partitions":[{"topic":"t","partition":0}],"offsets":[{"topic":"t","partition":0,"offset":0}]}
{"process":2,"type":"invoke","f":"commit","time":9000000,"group":"g","offsets":[{"topic":"t","partition":0,"offset":1}]}
{"process":2,"type":"ok","f":"commit","time":9500000}
{"type":"info","f":"fault","time":10000000,"name":"kill","phase":"start","target":"node 2"}
{"type":"info","f":"fault","time":20000000,"name":"kill","phase":"stop","target":"node 2"}
{"type":"info","f":"leader","time":21000000,"topic":"t","partition":0,"leader":3}
)";

std::string decode_error(const std::string& text) {
  try {
    pair_ops(decode_history(text, "h.jsonl"));
  } catch (const history_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("history: the documented lines decode into each kind of event and encode back to the same text") {
  auto h = decode_history(doc_example, "doc");
  REQUIRE(h.events.size() == 14);
  CHECK(encode_history(h) == doc_example);

  const auto& send = h.events[0];
  CHECK(send.f == op_f::send);
  CHECK(send.type == event_type::invoke);
  CHECK(send.process == 0);
  CHECK(send.time_ns == 1000000);
  CHECK(send.tp == t0);
  CHECK(send.value == "0-1");
  CHECK(send.line == 1);
  CHECK(h.events[1].offset == std::optional<int64_t>{0});
  CHECK(h.events[3].type == event_type::info);
  CHECK(h.events[3].error == "request_timed_out");
  CHECK_FALSE(h.events[3].offset);
  CHECK(h.events[4].partitions.size() == 2);
  CHECK(h.events[4].seek_to_beginning);
  REQUIRE(h.events[7].reads.size() == 1);
  CHECK(h.events[7].reads[0].value == "0-1");
  const auto& reb = h.events[8];
  CHECK(reb.group == "g");
  CHECK(reb.generation == 1);
  CHECK(reb.member == "m2");
  REQUIRE(reb.offsets.size() == 1);
  CHECK(reb.offsets[0].offset == 0);
  CHECK(h.events[9].offsets[0].offset == 1);
  CHECK(h.events[11].process == nemesis_process);
  CHECK(h.events[11].fault_name == "kill");
  CHECK(h.events[11].fault_start);
  CHECK(h.events[11].fault_target == "node 2");
  CHECK_FALSE(h.events[12].fault_start);
  CHECK(h.events[13].f == op_f::leader);
  CHECK(h.events[13].process == nemesis_process);
  CHECK(h.events[13].tp == t0);
  CHECK(h.events[13].leader == 3);

  auto ops = pair_ops(h);
  REQUIRE(ops.size() == 9); // 2 sends, assign, poll, rebalance, commit, 2 fault annotations, a leader change
  CHECK(ops[0].f == op_f::send);
  CHECK(ops[0].type == event_type::ok);
  CHECK(ops[0].invoke == 0);
  CHECK(ops[0].completion == 1);
  CHECK(ops[0].completion_ns == 3000000);
  CHECK(ops[1].type == event_type::info);
  CHECK(ops[4].f == op_f::rebalance);
  CHECK(ops[4].invoke == ops[4].completion);
}

TEST_CASE("history: a built history survives encode and decode, integer values and blank lines are accepted") {
  builder b;
  b.send(3, t1, "v\"quoted\"", event_type::ok, 7)
    .poll(4, {rd(t1, 7, "v\"quoted\"")})
    .rebalance(5, "g", 2, "m", {t0, t1})
    .fault("pause", true);
  auto again = decode_history(encode_history(b.h));
  REQUIRE(again.events.size() == b.h.events.size());
  CHECK(again.events[0].value == "v\"quoted\"");
  CHECK(again.events[1].offset == std::optional<int64_t>{7});
  CHECK(again.events[3].reads[0].tp == t1);
  CHECK(again.events[4].partitions.size() == 2);
  CHECK(encode_history(again) == encode_history(b.h));

  auto h = decode_history("\n{\"process\":1,\"type\":\"invoke\",\"f\":\"send\",\"time\":5,\"topic\":\"t\",\"partition\":0,"
                          "\"value\":42,\"extra\":\"ignored\"}\n   \n");
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].value == "42");
  CHECK(h.events[0].line == 2);
  auto ops = pair_ops(h);
  REQUIRE(ops.size() == 1);
  CHECK_FALSE(ops[0].completed); // never completed: indeterminate
  CHECK(ops[0].type == event_type::info);
}

TEST_CASE("history: malformed lines are refused with the line number and what is wrong") {
  const std::string ok_send = R"({"process":0,"type":"invoke","f":"send","time":1,"topic":"t","partition":0,"value":"a"})";
  CHECK(decode_error(ok_send + "\n{\"process\":0,") .find("h.jsonl line 2: not JSON") == 0);
  CHECK(decode_error("[1,2]") == "h.jsonl line 1: expected a JSON object, got [1,2]");
  CHECK(decode_error(R"({"process":0,"type":"invoke","f":"send","time":1,"topic":"t","partition":0})")
        == "h.jsonl line 1: missing \"value\"");
  CHECK(decode_error(R"({"process":0,"type":"invoke","f":"send","time":1,"topic":"t","partition":"0","value":"a"})")
        == "h.jsonl line 1: \"partition\" must be an integer, got \"0\"");
  CHECK(decode_error(R"({"process":0,"type":"invoke","f":"send","time":-5,"topic":"t","partition":0,"value":"a"})")
        == "h.jsonl line 1: \"time\" is out of range: -5");
  CHECK(decode_error(R"({"process":0,"type":"done","f":"send","time":1})")
        == "h.jsonl line 1: unknown \"type\" \"done\" (one of invoke, ok, fail, info)");
  CHECK(decode_error(R"({"process":0,"type":"invoke","f":"produce","time":1})")
        == "h.jsonl line 1: unknown \"f\" \"produce\" (one of send, poll, assign, commit, rebalance, fault, leader)");
  CHECK(decode_error(R"({"type":"invoke","f":"poll","time":1})") == "h.jsonl line 1: missing \"process\"");
  CHECK(decode_error(ok_send + "\n" + R"({"process":0,"type":"fail","f":"send","time":2,"offset":3})")
        == "h.jsonl line 2: a send that completes fail has no offset");
  CHECK(decode_error(R"({"process":0,"type":"ok","f":"poll","time":1,"reads":[{"topic":"t","partition":0,"value":"a"}]})")
        == "h.jsonl line 1: reads[0]: missing \"offset\"");
  CHECK(decode_error(R"({"process":0,"type":"ok","f":"poll","time":1,"reads":{"a":1}})")
        == "h.jsonl line 1: \"reads\" must be an array, got {\"a\":1}");
  CHECK(decode_error(R"({"process":0,"type":"invoke","f":"rebalance","time":1,"group":"g"})")
        == "h.jsonl line 1: a rebalance is one line of type \"ok\" (an observed assignment, not a call)");
  CHECK(decode_error(R"({"type":"ok","f":"leader","time":1,"topic":"t","partition":0,"leader":1})")
        == "h.jsonl line 1: a leader change is one line of type \"info\" (an observation, not a client call)");
  CHECK(decode_error(R"({"type":"info","f":"leader","time":1,"topic":"t","partition":0})")
        == "h.jsonl line 1: missing \"leader\"");
  CHECK(decode_error(R"({"type":"info","f":"fault","time":1,"name":"kill","phase":"begin"})")
        == "h.jsonl line 1: \"phase\" must be \"start\" or \"stop\", got \"begin\"");
}

TEST_CASE("history: pairing refuses overlapping operations of one process and completions that do not fit") {
  const std::string send = R"({"process":0,"type":"invoke","f":"send","time":5,"topic":"t","partition":0,"value":"a"})";
  const std::string poll = R"({"process":0,"type":"invoke","f":"poll","time":6})";
  CHECK(decode_error(send + "\n" + poll)
        == "h.jsonl line 2: process 0 invokes a poll while its send from h.jsonl line 1 has not completed");
  CHECK(decode_error(R"({"process":3,"type":"ok","f":"poll","time":1})")
        == "h.jsonl line 1: process 3 completes a poll it did not invoke");
  CHECK(decode_error(send + "\n" + R"({"process":0,"type":"ok","f":"poll","time":6})")
        == "h.jsonl line 2: process 0 completes a poll but its open operation is a send (h.jsonl line 1)");
  CHECK(decode_error(send + "\n" + R"({"process":0,"type":"ok","f":"send","time":4,"offset":0})")
        == "h.jsonl line 2: completes at time 4, before its invoke at 5 (h.jsonl line 1)");
  CHECK(decode_error(R"({"type":"info","f":"fault","time":1,"name":"kill","phase":"stop"})")
        == "h.jsonl line 1: fault \"kill\" stops but was not started");
  // A history built in code names events by number, which is the line they get when encoded.
  builder b;
  b.send_invoke(0, t0, "a").poll_invoke(0);
  try {
    pair_ops(b.h);
    FAIL("expected a history_error");
  } catch (const history_error& e) {
    CHECK(std::string{e.what()} == "history event 2: process 0 invokes a poll while its send from history event 1 "
                                   "has not completed");
  }
}

TEST_CASE("history: a file that cannot be read is named in the error") {
  CHECK_THROWS_WITH_AS(read_history_file("/nonexistent/h.jsonl"), "/nonexistent/h.jsonl: cannot open the history file",
                       history_error);
  std::string path = "test_history_file.jsonl";
  {
    std::ofstream out(path);
    out << doc_example << "{oops\n";
  }
  try {
    read_history_file(path);
    FAIL("expected a history_error");
  } catch (const history_error& e) {
    CHECK(std::string{e.what()}.find(path + " line 15: not JSON") == 0);
  }
  std::remove(path.c_str());
}
