#include <doctest/doctest.h>

#include "actors/node_metrics.hpp"

using namespace samsa::actors;

TEST_CASE("node_metrics: /proc/self/stat is parsed after the command, whatever it holds") {
  // Fields 14/15 (utime, stime) = 250 + 150 ticks, 23 (vsize) = 1000000 bytes, 24 (rss) = 300 pages.
  std::string line = "4242 (samsa (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 7 0 "
                     "12345 1000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  auto s = parse_proc_stat(line, 100, 4096);
  REQUIRE(s);
  CHECK(s->cpu_seconds == doctest::Approx(4.0));
  CHECK(s->virtual_bytes == 1000000);
  CHECK(s->resident_bytes == 300 * 4096);
  CHECK_FALSE(parse_proc_stat("", 100, 4096));
  CHECK_FALSE(parse_proc_stat("1 (x) S 1 2 3", 100, 4096));
  CHECK_FALSE(parse_proc_stat(line, 0, 4096));
}

TEST_CASE("node_metrics: this process's own numbers are read") {
  auto s = read_process_stats();
  CHECK(s.resident_bytes > 0);
  CHECK(s.open_fds >= 3); // stdin, stdout, stderr at least
  CHECK(s.max_fds >= s.open_fds);
}
