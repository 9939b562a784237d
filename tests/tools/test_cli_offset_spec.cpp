// `samsa consume --offset` (tools/cli_offset_spec.hpp): what is accepted and where each spec starts.
#include <doctest/doctest.h>

#include "tools/cli_offset_spec.hpp"

using namespace samsa::cli;
using k = offset_spec::kind;

namespace {

offset_spec parsed(const std::string& s) {
  std::string error;
  auto o = parse_offset_spec(s, error);
  REQUIRE_MESSAGE(o, error);
  return *o;
}

} // namespace

TEST_CASE("offset spec: the accepted forms") {
  CHECK(parsed("earliest").what == k::earliest);
  CHECK(parsed("beginning").what == k::earliest);
  CHECK(parsed("latest").what == k::latest);
  CHECK(parsed("end").what == k::latest);
  CHECK(parsed("0").what == k::absolute);
  CHECK(parsed("17").value == 17);
  CHECK(parsed("-5").what == k::from_end);
  CHECK(parsed("-5").value == 5);
  CHECK(parsed("@1700000000000").what == k::timestamp);
  CHECK(parsed("@1700000000000").value == 1700000000000);
}

TEST_CASE("offset spec: anything else is refused with what is accepted") {
  for (const char* bad : {"", "-", "-0", "@", "@-1", "+3", "1x", "x", "--5", "Latest", "99999999999999999999"}) {
    CAPTURE(bad);
    std::string error;
    CHECK_FALSE(parse_offset_spec(bad, error));
    CHECK(error.find("earliest, latest, N") != std::string::npos);
  }
}

TEST_CASE("offset spec: resolved within the log's bounds") {
  partition_bounds b{10, 20, -1};
  CHECK(resolve_start(parsed("earliest"), b) == 10);
  CHECK(resolve_start(parsed("latest"), b) == 20);
  CHECK(resolve_start(parsed("15"), b) == 15);
  CHECK(resolve_start(parsed("3"), b) == 3);   // an explicit offset is asked as given: below the log start or
  CHECK(resolve_start(parsed("25"), b) == 25); // past the end the broker answers offset_out_of_range
  CHECK(resolve_start(parsed("-4"), b) == 16);
  CHECK(resolve_start(parsed("-50"), b) == 10);
  CHECK(resolve_start(parsed("@5"), b) == 20); // no record at or after the timestamp: the end
  b.timestamp_offset = 12;
  CHECK(resolve_start(parsed("@5"), b) == 12);
  CHECK(resolve_start(parsed("-3"), partition_bounds{0, 0, -1}) == 0); // an empty log
}
