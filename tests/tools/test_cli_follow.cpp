#include <doctest/doctest.h>

#include "tools/cli_follow.hpp"

using namespace samsa;
using namespace samsa::cli;
using std::chrono::milliseconds;

TEST_CASE("reconnect backoff: doubles from the first wait up to the cap, and starts over after a success") {
  reconnect_backoff b{milliseconds(100), milliseconds(2000)};
  std::vector<int64_t> waits;
  for (int i = 0; i < 8; ++i)
    waits.push_back(b.next().count());
  CHECK(waits == std::vector<int64_t>{100, 200, 400, 800, 1600, 2000, 2000, 2000});
  CHECK(b.attempts() == 8);
  b.reset();
  CHECK(b.attempts() == 0);
  CHECK(b.next() == milliseconds(100));
}

TEST_CASE("reconnect backoff: a cap below the first wait is the first wait") {
  reconnect_backoff b{milliseconds(500), milliseconds(100)};
  CHECK(b.next() == milliseconds(500));
  CHECK(b.next() == milliseconds(500));
}

TEST_CASE("printed positions: the offset after the last record printed, never moving back") {
  printed_positions p;
  CHECK(p.next(0) == -1);
  CHECK(p.fresh(0, 0));
  p.printed(0, 4);
  CHECK(p.next(0) == 5);
  p.printed(0, 2); // an older record (reported late) does not move it back
  CHECK(p.next(0) == 5);
  CHECK_FALSE(p.fresh(0, 4));
  CHECK(p.fresh(0, 5));
  CHECK(p.fresh(1, 0)); // partitions are apart
}

TEST_CASE("printed positions: a partition resumes past what was printed, or at the group's offset if further") {
  printed_positions p;
  p.printed(0, 9);
  CHECK(p.resume_at(0, 7) == 10);  // the group's commit of 8 and 9 was lost with the broker
  CHECK(p.resume_at(0, 10) == 10); // the commit covers exactly what was printed
  CHECK(p.resume_at(0, 15) == 15); // another member read further meanwhile
  CHECK(p.resume_at(1, 3) == 3);   // nothing printed of partition 1: the group's offset
}

TEST_CASE("follow messages: the loss once, the resume with every partition's offset") {
  CHECK(lost_broker_line("127.0.0.1:19092", "connection closed", true)
        == "lost the broker at 127.0.0.1:19092 (connection closed); reconnecting");
  CHECK(lost_broker_line("127.0.0.1:19092", "connection closed", false)
        == "lost the broker at 127.0.0.1:19092 (connection closed)");
  CHECK(resume_line("t", {{0, 10}, {1, 7}}) == "reconnected; resuming t-0 at offset 10, t-1 at offset 7");
  CHECK(resume_line("t", {{1, 0}}, "group g: ") == "group g: resuming t-1 at offset 0");
  CHECK(resume_line("t", {}, "group g: ") == "group g: no partition of t to resume");
}

TEST_CASE("follow retries leadership moves and timeouts, not errors no wait repairs") {
  CHECK(follow_retries(api_errc::not_leader_or_follower));
  CHECK(follow_retries(api_errc::leader_not_available));
  CHECK(follow_retries(api_errc::request_timed_out));
  CHECK(follow_retries(api_errc::broker_shutting_down));
  CHECK_FALSE(follow_retries(api_errc::offset_out_of_range));
  CHECK_FALSE(follow_retries(api_errc::unknown_topic_or_partition));
  CHECK_FALSE(follow_retries(api_errc::corrupt_message));
}
