#include <doctest/doctest.h>

#include "tools/cli_reset_plan.hpp"

using namespace samsa::cli;

namespace {
std::vector<partition_bounds> two() {
  // p0: log 10..100, committed 50, first record at the time is 70; p1: log 0..5, nothing committed, no record
  // at or after the time.
  return {{"t", 0, 10, 100, 50, 70}, {"t", 1, 0, 5, std::nullopt, -1}};
}
} // namespace

TEST_CASE("reset plan: earliest, latest and a fixed offset, clamped into the log") {
  auto p = plan_reset({reset_spec::kind::earliest, 0}, two());
  REQUIRE(p.error.empty());
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0].target == 10);
  CHECK(p.rows[0].current == std::optional<int64_t>{50});
  CHECK(p.rows[1].target == 0);
  CHECK_FALSE(p.rows[1].current);
  p = plan_reset({reset_spec::kind::latest, 0}, two());
  CHECK(p.rows[0].target == 100);
  CHECK(p.rows[1].target == 5);
  p = plan_reset({reset_spec::kind::offset, 3}, two());
  CHECK(p.rows[0].target == 10); // below the log start: clamped up
  CHECK(p.rows[1].target == 3);
  p = plan_reset({reset_spec::kind::offset, 1000}, two());
  CHECK(p.rows[0].target == 100); // beyond the end: clamped down
  CHECK(p.rows[1].target == 5);
}

TEST_CASE("reset plan: shift-by moves from the committed offset and needs one") {
  std::vector<partition_bounds> one{two()[0]};
  auto p = plan_reset({reset_spec::kind::shift_by, -20}, one);
  REQUIRE(p.error.empty());
  CHECK(p.rows[0].target == 30);
  p = plan_reset({reset_spec::kind::shift_by, -45}, one);
  CHECK(p.rows[0].target == 10); // clamped to the log start
  p = plan_reset({reset_spec::kind::shift_by, 70}, one);
  CHECK(p.rows[0].target == 100);
  p = plan_reset({reset_spec::kind::shift_by, 1}, two());
  CHECK(p.rows.empty());
  CHECK(p.error.find("t-1") != std::string::npos);
  CHECK(p.error.find("no committed offset") != std::string::npos);
}

TEST_CASE("reset plan: datetime takes the first offset at the time, the log end after the last record") {
  auto p = plan_reset({reset_spec::kind::datetime, 123}, two());
  CHECK(p.rows[0].target == 70);
  CHECK(p.rows[1].target == 5);
}

TEST_CASE("datetime parsing: ISO 8601 in UTC or with an offset, or epoch milliseconds") {
  CHECK(parse_datetime_ms("1970-01-01T00:00:00") == std::optional<int64_t>{0});
  CHECK(parse_datetime_ms("2026-12-02T09:30:00Z") == std::optional<int64_t>{1796203800000});
  CHECK(parse_datetime_ms("2026-12-02T09:30:00.250") == std::optional<int64_t>{1796203800250});
  CHECK(parse_datetime_ms("2026-12-02T10:30:00+01:00") == std::optional<int64_t>{1796203800000});
  CHECK(parse_datetime_ms("2026-12-02T08:00:00-01:30") == std::optional<int64_t>{1796203800000});
  CHECK(parse_datetime_ms("2000-02-29T12:00:00Z") == std::optional<int64_t>{951825600000});
  CHECK(parse_datetime_ms("1796203800000") == std::optional<int64_t>{1796203800000});
  CHECK_FALSE(parse_datetime_ms(""));
  CHECK_FALSE(parse_datetime_ms("yesterday"));
  CHECK_FALSE(parse_datetime_ms("2026-13-02T09:30:00"));
  CHECK_FALSE(parse_datetime_ms("2026-12-02 09:30:00"));
  CHECK_FALSE(parse_datetime_ms("2026-12-02T09:30:00+0100"));
  CHECK_FALSE(parse_datetime_ms("2026-12-02T09:30:00Zjunk"));
}

TEST_CASE("topic selection: a topic, or a topic and some of its partitions") {
  auto s = parse_topic_selection("orders");
  REQUIRE(s);
  CHECK(s->topic == "orders");
  CHECK(s->partitions.empty());
  s = parse_topic_selection("orders:2,0,2");
  REQUIRE(s);
  CHECK(s->partitions == std::vector<int32_t>{0, 2});
  CHECK_FALSE(parse_topic_selection(":1"));
  CHECK_FALSE(parse_topic_selection("orders:"));
  CHECK_FALSE(parse_topic_selection("orders:1,,2"));
  CHECK_FALSE(parse_topic_selection("orders:x"));
}
