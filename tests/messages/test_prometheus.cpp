#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "messages/prometheus.hpp"

using namespace samsa::prometheus;

TEST_CASE("prometheus: counter and gauge families with HELP and TYPE lines") {
  exposition e;
  e.counter("samsa_records_in_total", "Records appended.", {{"topic", "orders"}, {"partition", "0"}}, 5);
  e.counter("samsa_records_in_total", "Records appended.", {{"topic", "orders"}, {"partition", "1"}}, 7);
  e.counter("samsa_records_in_total", "Records appended.", {{"topic", "orders"}, {"partition", "0"}}, 2); // adds
  e.gauge("samsa_connections_open", "Open connections.", {}, 3);
  e.gauge("samsa_connections_open", "Open connections.", {}, 4); // last wins
  CHECK(e.render()
        == "# HELP samsa_records_in_total Records appended.\n"
           "# TYPE samsa_records_in_total counter\n"
           "samsa_records_in_total{topic=\"orders\",partition=\"0\"} 7\n"
           "samsa_records_in_total{topic=\"orders\",partition=\"1\"} 7\n"
           "# HELP samsa_connections_open Open connections.\n"
           "# TYPE samsa_connections_open gauge\n"
           "samsa_connections_open 4\n");
}

TEST_CASE("prometheus: label values and HELP text are escaped") {
  CHECK(escape_label_value("plain") == "plain");
  CHECK(escape_label_value("a\"b") == "a\\\"b");
  CHECK(escape_label_value("back\\slash") == "back\\\\slash");
  CHECK(escape_label_value("two\nlines") == "two\\nlines");
  CHECK(escape_help("a \\ b\nc \"quoted\"") == "a \\\\ b\\nc \"quoted\""); // quotes stay in HELP
  exposition e;
  e.gauge("samsa_group_members", "Members\nof a group.", {{"group", "we\"ird\\g\nroup"}}, 1);
  CHECK(e.render()
        == "# HELP samsa_group_members Members\\nof a group.\n"
           "# TYPE samsa_group_members gauge\n"
           "samsa_group_members{group=\"we\\\"ird\\\\g\\nroup\"} 1\n");
}

TEST_CASE("prometheus: a histogram renders cumulative buckets, +Inf, _sum and _count") {
  histogram h({0.001, 0.01, 0.1});
  h.observe(0.0005);
  h.observe(0.001); // on a bound: counted in that bucket (le = less or equal)
  h.observe(0.05);
  h.observe(3);
  h.observe(std::nan("")); // ignored
  auto s = h.snapshot();
  CHECK(s.cumulative == std::vector<uint64_t>{2, 2, 3});
  CHECK(s.count == 4);
  CHECK(s.sum == doctest::Approx(3.0515));
  exposition e;
  e.histogram("samsa_kafka_request_duration_seconds", "Latency.", {{"api", "Produce"}}, s);
  CHECK(e.render()
        == "# HELP samsa_kafka_request_duration_seconds Latency.\n"
           "# TYPE samsa_kafka_request_duration_seconds histogram\n"
           "samsa_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"0.001\"} 2\n"
           "samsa_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"0.01\"} 2\n"
           "samsa_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"0.1\"} 3\n"
           "samsa_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"+Inf\"} 4\n"
           "samsa_kafka_request_duration_seconds_sum{api=\"Produce\"} 3.0515\n"
           "samsa_kafka_request_duration_seconds_count{api=\"Produce\"} 4\n");
}

TEST_CASE("prometheus: an empty histogram and a declared family without samples") {
  exposition e;
  e.declare("samsa_consumer_group_lag", "Lag.", metric_type::gauge);
  e.histogram("h_seconds", "H.", {}, histogram({1}).snapshot());
  CHECK(e.render()
        == "# HELP samsa_consumer_group_lag Lag.\n"
           "# TYPE samsa_consumer_group_lag gauge\n"
           "# HELP h_seconds H.\n"
           "# TYPE h_seconds histogram\n"
           "h_seconds_bucket{le=\"1\"} 0\n"
           "h_seconds_bucket{le=\"+Inf\"} 0\n"
           "h_seconds_sum 0\n"
           "h_seconds_count 0\n");
}

TEST_CASE("prometheus: values") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(-3) == "-3");
  CHECK(format_value(1234567890123.0) == "1234567890123");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(0.0005) == "0.0005");
  CHECK(format_value(1e300) == "1e+300");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
  CHECK(std::stod(format_value(0.1 + 0.2)) == 0.1 + 0.2); // reads back exactly
}

TEST_CASE("prometheus: names are checked") {
  CHECK(valid_metric_name("samsa_kafka_requests_total"));
  CHECK(valid_metric_name("job:rate5m"));
  CHECK_FALSE(valid_metric_name("9lives"));
  CHECK_FALSE(valid_metric_name("samsa-requests"));
  CHECK_FALSE(valid_metric_name(""));
  CHECK(valid_label_name("topic"));
  CHECK_FALSE(valid_label_name("__name__"));
  CHECK_FALSE(valid_label_name("a:b"));
  exposition e;
  CHECK_THROWS_AS(e.gauge("bad name", "", {}, 1), std::invalid_argument);
  CHECK_THROWS_AS(e.gauge("ok", "", {{"bad-label", "x"}}, 1), std::invalid_argument);
  CHECK_THROWS_AS(e.gauge("ok", "", {{"le", "x"}}, 1), std::invalid_argument); // reserved for buckets
  e.gauge("ok", "", {}, 1);
  CHECK_THROWS_AS(e.counter("ok", "", {}, 1), std::invalid_argument); // one type per family
  CHECK_THROWS_AS(histogram({1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(histogram({std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

TEST_CASE("prometheus: a histogram observed from several threads loses nothing") {
  histogram h(latency_buckets_seconds());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i)
        h.observe(0.002);
    });
  for (auto& t : threads)
    t.join();
  auto s = h.snapshot();
  CHECK(s.count == 40000);
  CHECK(s.cumulative.back() == 40000);
  CHECK(s.cumulative.front() == 0);
  CHECK(s.sum == doctest::Approx(80.0));
}
