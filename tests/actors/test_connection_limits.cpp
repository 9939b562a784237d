// The Kafka listener's connection accounting and log rate limit (pure logic), and the descriptor probe.
#include <doctest/doctest.h>

#include <unistd.h>

#include "actors/connection_limits.hpp"

using samsa::actors::connection_limits;
using samsa::actors::log_rate_limit;

TEST_CASE("connection limits: per address, released slots are reused, addresses are independent") {
  connection_limits c{100, 2};
  CHECK(c.admit("10.0.0.1"));
  CHECK(c.admit("10.0.0.1"));
  CHECK_FALSE(c.admit("10.0.0.1"));
  CHECK(c.from("10.0.0.1") == 2);
  CHECK(c.admit("10.0.0.2"));
  CHECK(c.total() == 3);
  c.release("10.0.0.1");
  CHECK(c.from("10.0.0.1") == 1);
  CHECK(c.admit("10.0.0.1"));
  c.release("10.0.0.1");
  c.release("10.0.0.1");
  c.release("10.0.0.2");
  CHECK(c.total() == 0);
  CHECK(c.from("10.0.0.1") == 0);
  c.release("10.0.0.9"); // never admitted: ignored
  CHECK(c.total() == 0);
}

TEST_CASE("connection limits: the total limit is reported, not enforced by admit") {
  connection_limits c{2, 10};
  CHECK(c.admit("a"));
  CHECK_FALSE(c.at_total_limit());
  CHECK(c.admit("b"));
  CHECK(c.at_total_limit());
  c.release("a");
  CHECK_FALSE(c.at_total_limit());
}

TEST_CASE("log rate limit: one line per window, the swallowed events counted on the next") {
  log_rate_limit l{10000};
  int64_t n = -1;
  CHECK(l.should_log(1000, &n));
  CHECK(n == 0);
  for (int i = 0; i < 5; ++i)
    CHECK_FALSE(l.should_log(1000 + i * 100, &n));
  CHECK(l.suppressed() == 5);
  CHECK(l.should_log(11000, &n));
  CHECK(n == 5);
  CHECK_FALSE(l.should_log(12000, &n));
  CHECK(l.take_suppressed() == 1); // a flush timer reports it
  CHECK(l.suppressed() == 0);
}

TEST_CASE("descriptors: the lowest free descriptor follows what is open") {
  auto before = samsa::actors::lowest_free_descriptor();
  REQUIRE(before >= 0);
  int fd = ::dup(0);
  REQUIRE(fd == before);
  CHECK(samsa::actors::lowest_free_descriptor() > before);
  ::close(fd);
  CHECK(samsa::actors::lowest_free_descriptor() == before);
  CHECK(samsa::actors::open_files_limit() > before);
}
