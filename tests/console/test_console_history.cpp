// The console's bounded memory: lag history ring and topic rates (console/history.hpp).
#include <doctest/doctest.h>

#include "console/history.hpp"

using namespace samsa::console;

TEST_CASE("lag history keeps the last N samples per series, oldest first") {
  lag_history h{3, 10};
  for (int i = 0; i < 5; ++i)
    h.record(1000 * i, {"g", "t", 0}, 10 * i);
  h.record(0, {"g", "t", 1}, 7);
  h.record(0, {"other", "t", 0}, 1);
  auto s = h.of_group("g");
  REQUIRE(s.size() == 2);
  auto& p0 = s[{"t", 0}];
  REQUIRE(p0.size() == 3);
  CHECK(p0[0].time_ms == 2000);
  CHECK(p0[0].lag == 20);
  CHECK(p0[2].lag == 40);
  CHECK(s[{"t", 1}].size() == 1);
  CHECK(h.of_group("nope").empty());
}

TEST_CASE("lag history is bounded in series: the stalest series goes") {
  lag_history h{2, 3};
  h.record(10, {"a", "t", 0}, 1);
  h.record(5, {"b", "t", 0}, 1); // the stalest
  h.record(20, {"c", "t", 0}, 1);
  h.record(30, {"d", "t", 0}, 1);
  CHECK(h.series_count() == 3);
  CHECK(h.of_group("b").empty());
  CHECK(h.of_group("a").size() == 1);
  CHECK(h.of_group("d").size() == 1);
  h.forget_older_than(25);
  CHECK(h.series_count() == 1);
  CHECK(h.of_group("d").size() == 1);
}

TEST_CASE("rates come from the last two readings, never negative") {
  rate_tracker r;
  topic_rates out;
  r.record(1000, {{"t", {100, 1000, 0}}});
  CHECK_FALSE(r.rate("t", out));
  CHECK(r.window_ms() == 0);
  r.record(3000, {{"t", {300, 5000, 10}}, {"new", {5, 5, 5}}});
  REQUIRE(r.rate("t", out));
  CHECK(out.records_in_per_s == doctest::Approx(100));
  CHECK(out.bytes_in_per_s == doctest::Approx(2000));
  CHECK(out.bytes_out_per_s == doctest::Approx(5));
  CHECK(r.window_ms() == 2000);
  CHECK_FALSE(r.rate("new", out));
  r.record(4000, {{"t", {0, 0, 0}}}); // counters restarted (topic recreated)
  REQUIRE(r.rate("t", out));
  CHECK(out.records_in_per_s == 0);
  CHECK_FALSE(r.rate("new", out)); // gone from the last reading
}
