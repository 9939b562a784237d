// The console's routes and input validation (console/console_request.hpp).
#include <doctest/doctest.h>

#include "console/console_request.hpp"

using namespace samsa::console;
using query = std::multimap<std::string, std::string>;

TEST_CASE("pages and static files") {
  auto r = parse_request("/", {});
  REQUIRE(r.ok());
  CHECK(r.request.kind == route::page);
  CHECK(r.request.asset == "console.html");
  CHECK(parse_request("/groups", {}).request.asset == "console.html");
  auto t = parse_request("/topics/orders.v1", {});
  REQUIRE(t.ok());
  CHECK(t.request.asset == "console.html");
  CHECK(t.request.name == "orders.v1");
  auto g = parse_request("/groups/my group", {});
  REQUIRE(g.ok());
  CHECK(g.request.asset == "console.html");
  auto s = parse_request("/static/console.js", {});
  REQUIRE(s.ok());
  CHECK(s.request.kind == route::asset);
  CHECK(s.request.asset == "console.js");
}

TEST_CASE("JSON endpoints") {
  CHECK(parse_request("/api/overview", {}).request.kind == route::overview);
  CHECK(parse_request("/api/groups", {}).request.kind == route::groups);
  auto g = parse_request("/api/groups/g-1", {});
  REQUIRE(g.ok());
  CHECK(g.request.kind == route::group);
  CHECK(g.request.name == "g-1");
  auto t = parse_request("/api/topics/t_1", {});
  REQUIRE(t.ok());
  CHECK(t.request.kind == route::topic);
  CHECK(t.request.name == "t_1");
  auto r = parse_request("/api/topics/t/partitions/3/records", {});
  REQUIRE(r.ok());
  CHECK(r.request.kind == route::records);
  CHECK(r.request.partition == 3);
  CHECK(r.request.offset == -1);
  CHECK(r.request.limit == default_records_limit);
  auto q = parse_request("/api/topics/t/partitions/0/records", query{{"offset", "42"}, {"limit", "200"}});
  REQUIRE(q.ok());
  CHECK(q.request.offset == 42);
  CHECK(q.request.limit == 200);
}

TEST_CASE("bad values are 400 with a message naming them") {
  auto bad = [](const std::string& path, query q = {}) {
    auto r = parse_request(path, q);
    CHECK(r.status == 400);
    return r.message;
  };
  CHECK(bad("/api/topics/bad name").find("invalid topic name") != std::string::npos);
  CHECK(bad("/api/topics/" + std::string(250, 'a')).find("invalid topic name") != std::string::npos);
  CHECK(bad("/api/topics/..").find("invalid topic name") != std::string::npos);
  CHECK(bad("/topics/a$b").find("invalid topic name") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/-1/records").find("invalid partition '-1'") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/x/records").find("invalid partition") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/99999999999/records").find("invalid partition") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"offset", "-5"}}).find("invalid offset '-5'") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"offset", "1e3"}}).find("invalid offset") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"offset", "99999999999999999999"}}).find("invalid offset")
        != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"limit", "0"}}).find("1 to 200") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"limit", "201"}}).find("invalid limit") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"limit", ""}}).find("invalid limit") != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"limit", "1"}, {"limit", "2"}}).find("more than once")
        != std::string::npos);
  CHECK(bad("/api/topics/t/partitions/0/records", {{"max_bytes", "1"}}).find("unknown parameter") != std::string::npos);
  CHECK(bad("/api/groups/" + std::string("a\x01") ).find("control character") != std::string::npos);
  CHECK(bad("/api/groups/" + std::string(max_group_name_bytes + 1, 'g')).find("longer than") != std::string::npos);
}

TEST_CASE("unknown paths are 404") {
  CHECK(parse_request("/nothing-here", {}).status == 404);
  CHECK(parse_request("/nothing-here", {}).message.find("/metrics") != std::string::npos);
  CHECK(parse_request("/api/nothing", {}).status == 404);
  CHECK(parse_request("/api/topics/t/partitions/0", {}).status == 404);
  CHECK(parse_request("/api/topics/t/partitions/0/records/more", {}).status == 404);
}

TEST_CASE("parse_bounded_int") {
  int64_t v = 0;
  CHECK(parse_bounded_int("9223372036854775807", 0, INT64_MAX, v));
  CHECK(v == INT64_MAX);
  CHECK_FALSE(parse_bounded_int("9223372036854775808", 0, INT64_MAX, v));
  CHECK_FALSE(parse_bounded_int("+1", 0, 10, v));
  CHECK_FALSE(parse_bounded_int(" 1", 0, 10, v));
  CHECK_FALSE(parse_bounded_int("11", 0, 10, v));
  CHECK(parse_bounded_int("007", 0, 10, v));
  CHECK(v == 7);
}
