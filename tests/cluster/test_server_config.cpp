#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cluster/server_config.hpp"

using namespace samsa::cluster;
namespace fs = std::filesystem;

namespace {

// The source tree's config/server.properties, found from this file so the test needs no macro or cwd.
fs::path default_properties_path() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "server.properties";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// True when some error contains every given fragment.
bool has_error(const config_result& r, std::initializer_list<std::string> fragments) {
  for (const auto& e : r.errors) {
    bool all = true;
    for (const auto& f : fragments)
      all = all && e.find(f) != std::string::npos;
    if (all)
      return true;
  }
  return false;
}

std::string joined(const config_result& r) {
  std::string out;
  for (const auto& e : r.errors)
    out += e + "\n";
  return out;
}

} // namespace

TEST_CASE("server_config: defaults") {
  server_config c;
  CHECK(c.node_id == 1);
  CHECK(c.listener_host() == "127.0.0.1");
  CHECK(c.listener_port() == 9092);
  CHECK(c.advertised_host() == "127.0.0.1");
  CHECK(c.advertised_port() == 9092);
  CHECK(c.native_host() == "127.0.0.1");
  CHECK(c.native_port() == 19092);
  CHECK(c.log_retention_ms == 7 * 24 * 3600 * 1000LL);

  auto lc = c.default_log_config();
  CHECK(lc.segment_bytes == c.log_segment_bytes);
  CHECK(lc.segment_ms == c.log_roll_ms);
  CHECK(lc.retention_ms == c.log_retention_ms);
  CHECK(lc.retention_bytes == -1);
  CHECK(lc.flush_messages == -1);
  CHECK(lc.flush_ms == -1);
  CHECK(lc.index_interval_bytes == 4096);
  CHECK(lc.max_message_bytes == 1048588);

  auto empty = parse_server_properties("");
  CHECK(empty.ok());
  CHECK(empty.config == server_config{});
  auto none = load_server_config(std::nullopt, {});
  CHECK(none.ok());
  CHECK(none.config == server_config{});
}

TEST_CASE("server_config: parses comments, blank lines and both separators") {
  auto r = parse_server_properties("# a comment\n"
                                   "! another comment\n"
                                   "\n"
                                   "   node.id = 4   \n"
                                   "num.partitions: 12\r\n"
                                   "listeners=PLAINTEXT://:29092,CONTROLLER://localhost:29093\n"
                                   "advertised.listeners=PLAINTEXT://broker4.example.com:9092\n"
                                   "samsa.native.listener=[::1]:4242\n"
                                   "auto.create.topics.enable=FALSE\n"
                                   "log.dirs=/var/lib/samsa/a, /var/lib/samsa/b\n"
                                   "default.replication.factor=3\n"
                                   "log.flush.interval.messages=9223372036854775807\n"
                                   "log.segment.bytes=\\\n"
                                   "    1048576\n");
  INFO(joined(r));
  REQUIRE(r.ok());
  CHECK(r.config.node_id == 4);
  CHECK(r.config.num_partitions == 12);
  CHECK(r.config.listener_host() == "0.0.0.0");
  CHECK(r.config.listener_port() == 29092);
  CHECK(r.config.advertised_host() == "broker4.example.com");
  CHECK(r.config.native_host() == "::1");
  CHECK(r.config.native_port() == 4242);
  CHECK_FALSE(r.config.auto_create_topics_enable);
  CHECK(r.config.log_dirs == "/var/lib/samsa/a, /var/lib/samsa/b");
  CHECK(r.config.default_replication_factor == 3);
  CHECK(r.config.log_flush_interval_messages == -1);  // Kafka's Long.MAX means never
  CHECK(r.config.log_segment_bytes == 1048576);       // continued line
}

TEST_CASE("server_config: unknown key names the key and the line") {
  auto r = parse_server_properties("node.id=2\n\n# typo below\n\n\n\nlog.retenton.ms=1000\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].rfind("config line 7: unknown key 'log.retenton.ms'", 0) == 0);
  CHECK(r.errors[0].find("did you mean 'log.retention.ms'") != std::string::npos);
  CHECK(r.config.node_id == 2);  // the good lines still apply
}

TEST_CASE("server_config: bad values are errors") {
  SUBCASE("not a number") {
    auto r = parse_server_properties("num.partitions=twelve\n");
    CHECK(has_error(r, {"config line 1", "num.partitions", "twelve", "not a number"}));
  }
  SUBCASE("trailing garbage") {
    CHECK_FALSE(parse_server_properties("num.partitions=12x\n").ok());
  }
  SUBCASE("negative segment bytes") {
    auto r = parse_server_properties("log.segment.bytes=-5\n");
    CHECK(has_error(r, {"config line 1", "log.segment.bytes", "at least 14"}));
  }
  SUBCASE("segment bytes beyond 32 bits") {
    CHECK(has_error(parse_server_properties("log.segment.bytes=4294967296\n"), {"log.segment.bytes", "at most"}));
  }
  SUBCASE("out of range for the type") {
    CHECK(has_error(parse_server_properties("default.replication.factor=40000\n"), {"at most 32767"}));
    CHECK(has_error(parse_server_properties("node.id=99999999999999999999\n"), {"node.id"}));
  }
  SUBCASE("bad listener") {
    CHECK(has_error(parse_server_properties("listeners=localhost:9092\n"), {"listeners", "NAME://host:port"}));
    CHECK(has_error(parse_server_properties("listeners=PLAINTEXT://localhost:99999\n"), {"listeners", "port"}));
    CHECK(has_error(parse_server_properties("listeners=SSL://localhost:9093\n"), {"listeners", "PLAINTEXT"}));
    CHECK(has_error(parse_server_properties("samsa.native.listener=localhost\n"), {"samsa.native.listener"}));
    CHECK(has_error(parse_server_properties("advertised.listeners=PLAINTEXT://0.0.0.0:9092\n"),
                    {"advertised.listeners", "non-routable"}));
  }
  SUBCASE("bad boolean") {
    CHECK(has_error(parse_server_properties("auto.create.topics.enable=yes\n"), {"true or false"}));
  }
  SUBCASE("flush interval zero") {
    CHECK(has_error(parse_server_properties("log.flush.interval.messages=0\n"), {"-1 (never)"}));
  }
  SUBCASE("line without separator") {
    CHECK(has_error(parse_server_properties("just-a-word\n"), {"config line 1", "expected key=value"}));
  }
  SUBCASE("native listener on the Kafka port") {
    auto r = parse_server_properties("samsa.native.listener=127.0.0.1:9092\n");
    CHECK(has_error(r, {"config line 1", "samsa.native.listener", "9092"}));
  }
}

TEST_CASE("server_config: samsa.http.listener") {
  server_config d;
  CHECK(d.http_enabled());
  CHECK(d.http_host() == "127.0.0.1");
  CHECK(d.http_port() == 9644);
  SUBCASE("empty turns it off") {
    auto r = parse_server_properties("samsa.http.listener=\n");
    INFO(joined(r));
    REQUIRE(r.ok());
    CHECK_FALSE(r.config.http_enabled());
    CHECK(r.config.http_port() == 0);
  }
  SUBCASE("all interfaces, any port") {
    auto r = parse_server_properties("samsa.http.listener=:0\n");
    REQUIRE(r.ok());
    CHECK(r.config.http_host() == "0.0.0.0");
    CHECK(r.config.http_port() == 0);
  }
  SUBCASE("not host:port") {
    CHECK(has_error(parse_server_properties("samsa.http.listener=localhost\n"),
                    {"config line 1", "samsa.http.listener", "expected host:port", "empty to turn"}));
  }
  SUBCASE("a port another listener uses") {
    CHECK(has_error(parse_server_properties("samsa.http.listener=127.0.0.1:9092\n"),
                    {"config line 1", "samsa.http.listener uses port 9092", "the Kafka listener"}));
    CHECK(has_error(parse_server_properties("samsa.http.listener=0.0.0.0:19092\n"),
                    {"samsa.http.listener uses port 19092", "samsa.native.listener"}));
    CHECK(has_error(parse_server_properties("", {{"samsa.http.listener", "127.0.0.1:19092"}}),
                    {"--set samsa.http.listener"}));
    CHECK(parse_server_properties("samsa.http.listener=127.0.0.2:9092\n").ok()); // another address
  }
}

TEST_CASE("server_config: every error is reported, not just the first") {
  auto r = parse_server_properties("num.partitions=x\n"
                                   "bogus.key=1\n"
                                   "log.segment.bytes=-1\n"
                                   "num.io.threads=0\n");
  CHECK(r.errors.size() == 4);
  CHECK(has_error(r, {"config line 1"}));
  CHECK(has_error(r, {"config line 2", "bogus.key"}));
  CHECK(has_error(r, {"config line 3"}));
  CHECK(has_error(r, {"config line 4", "num.io.threads"}));
}

TEST_CASE("server_config: --set overrides apply after the file and are validated") {
  auto r = parse_server_properties("num.partitions=3\nnode.id=1\n",
                                   {{"num.partitions", "8"}, {"log.dirs", "/tmp/x"}});
  REQUIRE(r.ok());
  CHECK(r.config.num_partitions == 8);
  CHECK(r.config.node_id == 1);
  CHECK(r.config.log_dirs == "/tmp/x");

  auto bad = parse_server_properties("", {{"log.x", "1"}, {"num.partitions", "-1"}});
  CHECK(has_error(bad, {"--set log.x", "unknown key 'log.x'"}));
  CHECK(has_error(bad, {"--set num.partitions", "at least 1"}));

  auto loaded = load_server_config(std::nullopt, {"node.id=5", "missing-equals", "listeners=PLAINTEXT://h:1"});
  CHECK(loaded.config.node_id == 5);
  CHECK(loaded.config.listener_host() == "h");
  CHECK(has_error(loaded, {"--set 'missing-equals'", "expected key=value"}));
}

TEST_CASE("server_config: load_server_config reads files and reports read errors") {
  std::string tmpl = "/tmp/samsa_cfg_XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  fs::path dir = tmpl;
  {
    std::ofstream(dir / "a.properties") << "node.id=9\nlog.retention.hours=1\n";
  }
  auto r = load_server_config((dir / "a.properties").string(), {"num.partitions=2"});
  CHECK(r.ok());
  CHECK(r.config.node_id == 9);
  CHECK(r.config.log_retention_ms == 3'600'000);
  CHECK(r.config.num_partitions == 2);

  auto missing = load_server_config((dir / "nope.properties").string(), {});
  CHECK(has_error(missing, {"cannot read config file", "nope.properties"}));
  CHECK(has_error(load_server_config(dir.string(), {}), {"is a directory"}));
  fs::remove_all(dir);
}

TEST_CASE("server_config: retention ms beats minutes beats hours") {
  CHECK(parse_server_properties("log.retention.hours=1\n").config.log_retention_ms == 3'600'000);
  CHECK(parse_server_properties("log.retention.hours=1\nlog.retention.minutes=2\n").config.log_retention_ms
        == 120'000);
  CHECK(parse_server_properties("log.retention.ms=5\nlog.retention.hours=1\nlog.retention.minutes=2\n")
          .config.log_retention_ms
        == 5);
  // Precedence is by key, not by order: a later --set of hours does not beat ms from the file.
  CHECK(parse_server_properties("log.retention.ms=5\n", {{"log.retention.hours", "2"}}).config.log_retention_ms == 5);
  CHECK(parse_server_properties("log.retention.hours=-1\n").config.log_retention_ms == -1);
  CHECK(parse_server_properties("log.retention.minutes=-1\n").config.log_retention_ms == -1);
  CHECK(parse_server_properties("log.roll.hours=2\n").config.log_roll_ms == 7'200'000);
  CHECK(parse_server_properties("log.roll.hours=2\nlog.roll.ms=10\n").config.log_roll_ms == 10);
}

TEST_CASE("server_config: config/server.properties parses cleanly and equals the defaults") {
  auto path = default_properties_path();
  INFO(path.string());
  auto text = read_file(path);
  auto r = parse_server_properties(text);
  INFO(joined(r));
  CHECK(r.ok());
  CHECK(r.config == server_config{});
  // Every supported key is written out (not only commented), so the file documents all of them.
  for (auto key : server_config_keys()) {
    INFO(key);
    CHECK(text.find("\n" + std::string(key) + "=") != std::string::npos);
  }
  auto loaded = load_server_config(path.string(), {});
  CHECK(loaded.ok());
  CHECK(loaded.config == server_config{});
}

TEST_CASE("server_config: topic config validation") {
  CHECK(validate_topic_configs({}) == "");
  CHECK(validate_topic_configs({{"cleanup.policy", "delete"},
                                {"retention.ms", "-1"},
                                {"retention.bytes", "1073741824"},
                                {"segment.bytes", "14"},
                                {"segment.ms", "3600000"},
                                {"max.message.bytes", "2097152"},
                                {"min.insync.replicas", "2"},
                                {"flush.messages", "1"},
                                {"flush.ms", "1000"},
                                {"index.interval.bytes", "1024"}})
        == "");
  auto unknown = validate_topic_configs({{"retention.msec", "1"}});
  CHECK(unknown.find("retention.msec") != std::string::npos);
  auto bad = validate_topic_configs({{"retention.ms", "soon"}});
  CHECK(bad.find("retention.ms") != std::string::npos);
  CHECK(validate_topic_configs({{"segment.bytes", "13"}}).find("segment.bytes") != std::string::npos);
  CHECK(validate_topic_configs({{"min.insync.replicas", "0"}}) != "");
  CHECK(validate_topic_configs({{"cleanup.policy", "compact"}}) == "");
  CHECK(validate_topic_configs({{"cleanup.policy", "delete,compact"}}) == "");
  CHECK(validate_topic_configs({{"cleanup.policy", "shred"}}) != "");
  CHECK(validate_topic_configs({{"cleanup.policy", ""}}) != "");
  CHECK(validate_topic_configs({{"delete.retention.ms", "-1"}}) != "");
  CHECK(validate_topic_configs({{"min.cleanable.dirty.ratio", "0.25"}}) == "");
  CHECK(validate_topic_configs({{"min.cleanable.dirty.ratio", "1.5"}}).find("0 to 1") != std::string::npos);
  CHECK(validate_topic_configs({{"min.cleanable.dirty.ratio", "half"}}) != "");
  CHECK(validate_topic_configs({{"unclean.leader.election.enable", "TRUE"}}) == "");
  CHECK(validate_topic_configs({{"unclean.leader.election.enable", "yes"}}).find("true or false") != std::string::npos);
  CHECK(topic_config_keys().size() == 13);
}

TEST_CASE("server_config: partition leadership keys, and a topic's unclean election override") {
  server_config c;
  CHECK_FALSE(c.unclean_leader_election_enable); // Kafka's defaults
  CHECK(c.auto_leader_rebalance_enable);
  CHECK(c.leader_imbalance_check_interval_seconds == 300);
  auto r = parse_server_properties("unclean.leader.election.enable=true\nauto.leader.rebalance.enable=False\n"
                                   "leader.imbalance.check.interval.seconds=5\n");
  REQUIRE_MESSAGE(r.ok(), joined(r));
  CHECK(r.config.unclean_leader_election_enable);
  CHECK_FALSE(r.config.auto_leader_rebalance_enable);
  CHECK(r.config.leader_imbalance_check_interval_seconds == 5);
  CHECK(has_error(parse_server_properties("leader.imbalance.check.interval.seconds=0\n"), {"at least 1"}));
  CHECK(has_error(parse_server_properties("auto.leader.rebalance.enable=1\n"), {"true or false"}));

  std::map<std::string, std::string> on{{"unclean.leader.election.enable", "true"}};
  std::map<std::string, std::string> off{{"unclean.leader.election.enable", "false"}};
  std::map<std::string, std::string> other{{"retention.ms", "1"}};
  CHECK(unclean_leader_election(&on, false));
  CHECK_FALSE(unclean_leader_election(&off, true));
  CHECK(unclean_leader_election(&other, true));
  CHECK_FALSE(unclean_leader_election(nullptr, false));
}

TEST_CASE("server_config: effective log config applies topic overrides") {
  server_config s;
  s.log_segment_bytes = 1 << 20;
  auto lc = effective_log_config(s, {{"retention.ms", "1000"},
                                     {"segment.ms", "60000"},
                                     {"flush.messages", "9223372036854775807"},
                                     {"max.message.bytes", "100"},
                                     {"cleanup.policy", "delete"},
                                     {"retention.bytes", "bad"}});
  CHECK(lc.retention_ms == 1000);
  CHECK(lc.segment_ms == 60000);
  CHECK(lc.segment_bytes == 1 << 20);  // broker value where the topic has no override
  CHECK(lc.flush_messages == -1);
  CHECK(lc.max_message_bytes == 100);
  CHECK(lc.retention_bytes == -1);  // an unparsable override keeps the broker default
  CHECK(lc.delete_policy);
  CHECK_FALSE(lc.compact_policy);
  auto compacted = effective_log_config(s, {{"cleanup.policy", "compact"},
                                            {"delete.retention.ms", "5000"},
                                            {"min.cleanable.dirty.ratio", "0.1"}});
  CHECK_FALSE(compacted.delete_policy);
  CHECK(compacted.compact_policy);
  CHECK(compacted.delete_retention_ms == 5000);
  CHECK(compacted.min_cleanable_dirty_ratio == doctest::Approx(0.1));
  auto both = effective_log_config(s, {{"cleanup.policy", "compact, delete"}});
  CHECK(both.delete_policy);
  CHECK(both.compact_policy);
}

TEST_CASE("server_config: topic names") {
  CHECK(validate_topic_name("orders") == "");
  CHECK(validate_topic_name("a.b_c-D9") == "");
  CHECK(validate_topic_name(std::string(249, 'x')) == "");
  CHECK(validate_topic_name("") != "");
  CHECK(validate_topic_name(".") != "");
  CHECK(validate_topic_name("..") != "");
  CHECK(validate_topic_name("...") == "");
  CHECK(validate_topic_name(std::string(250, 'x')).find("249") != std::string::npos);
  CHECK(validate_topic_name("has space") != "");
  CHECK(validate_topic_name("slash/name") != "");
  CHECK(validate_topic_name("caf\xc3\xa9") != "");
}

TEST_CASE("server_config: native API security keys") {
  auto d = parse_server_properties("");
  CHECK(d.config.native_max_message_bytes == 104857600);
  CHECK(d.config.native_ssl_cafile.empty());
  CHECK_FALSE(d.config.native_allow_unauthenticated);
  auto r = parse_server_properties("samsa.native.max.message.bytes=1048576\n"
                                   "samsa.native.ssl.cafile = /etc/samsa/ca.pem \n"
                                   "samsa.native.ssl.certfile=/etc/samsa/node1.pem\n"
                                   "samsa.native.ssl.keyfile=/etc/samsa/node1.key\n"
                                   "samsa.native.ssl.key.password=s3cret\n"
                                   "samsa.native.allow.unauthenticated=true\n");
  INFO(joined(r));
  REQUIRE(r.ok());
  CHECK(r.config.native_max_message_bytes == 1048576);
  CHECK(r.config.native_ssl_cafile == "/etc/samsa/ca.pem");
  CHECK(r.config.native_ssl_certfile == "/etc/samsa/node1.pem");
  CHECK(r.config.native_ssl_keyfile == "/etc/samsa/node1.key");
  CHECK(r.config.native_ssl_key_password == "s3cret");
  CHECK(r.config.native_allow_unauthenticated);
  CHECK(r.config != server_config{});
  // Below 1 KiB not even a BASP handshake fits; the cap is a 32-bit payload length in BASP.
  CHECK_FALSE(parse_server_properties("samsa.native.max.message.bytes=100\n").ok());
  CHECK_FALSE(parse_server_properties("samsa.native.max.message.bytes=4294967296\n").ok());
  CHECK_FALSE(parse_server_properties("samsa.native.allow.unauthenticated=maybe\n").ok());
}

TEST_CASE("server_config: controller quorum keys") {
  SUBCASE("defaults: no quorum") {
    server_config c;
    CHECK(c.controller_quorum_voters.empty());
    CHECK(c.process_roles == "broker,controller");
    CHECK(c.controller_quorum_election_timeout_ms == 1000);
    CHECK(c.controller_quorum_fetch_timeout_ms == 2000);
    CHECK(c.broker_session_timeout_ms == 9000);
    CHECK(c.broker_heartbeat_interval_ms == 2000);
    CHECK(c.metadata_log_max_record_bytes_between_snapshots == 20971520); // Kafka's default
    CHECK(c.quorum_voters().empty());
    CHECK_FALSE(c.runs_quorum());
  }
  SUBCASE("three voters, this node one of them on its native port") {
    auto r = parse_server_properties("node.id=2\nsamsa.native.listener=127.0.0.1:19093\n"
                                     "controller.quorum.voters=1@127.0.0.1:19092, 2@127.0.0.1:19093,3@[::1]:19094\n"
                                     "controller.quorum.election.timeout.ms=500\n");
    REQUIRE_MESSAGE(r.ok(), joined(r));
    auto v = r.config.quorum_voters();
    REQUIRE(v.size() == 3);
    CHECK(v[1].id == 2);
    CHECK(v[1].host == "127.0.0.1");
    CHECK(v[1].port == 19093);
    CHECK(v[2].host == "::1");
    CHECK(r.config.runs_quorum());
    CHECK(r.config.controller_quorum_election_timeout_ms == 500);
    CHECK(r.config.quorum_voter_role());
    CHECK_FALSE(r.config.quorum_learner_role());
    // A node that follows the quorum without voting (a KRaft observer): a learner, a cluster node.
    auto broker_only = parse_server_properties("node.id=4\nprocess.roles=broker\nsamsa.native.listener=127.0.0.1:19095\n"
                                               "controller.quorum.voters=1@127.0.0.1:19092\n");
    REQUIRE_MESSAGE(broker_only.ok(), joined(broker_only));
    CHECK(broker_only.config.runs_quorum());
    CHECK(broker_only.config.quorum_learner_role());
    CHECK_FALSE(broker_only.config.quorum_voter_role());
  }
  SUBCASE("this node's entry must name its native listener's port") {
    auto r = parse_server_properties("node.id=1\nsamsa.native.listener=127.0.0.1:19092\n"
                                     "controller.quorum.voters=1@127.0.0.1:19999,2@127.0.0.1:19093\n");
    CHECK(has_error(r, {"config line 3", "lists node 1 at 127.0.0.1:19999", "samsa.native.listener is 127.0.0.1:19092"}));
  }
  SUBCASE("bad values are refused with the key named") {
    CHECK(has_error(parse_server_properties("controller.quorum.voters=1@127.0.0.1\n"), {"controller.quorum.voters", "host:port"}));
    CHECK(has_error(parse_server_properties("controller.quorum.voters=x@127.0.0.1:1\n"), {"invalid node id 'x'"}));
    CHECK(has_error(parse_server_properties("controller.quorum.voters=127.0.0.1:1\n"), {"expected id@host:port"}));
    CHECK(has_error(parse_server_properties("controller.quorum.voters=1@127.0.0.1:19092,1@127.0.0.1:19093\n"),
                    {"listed twice"}));
    CHECK(has_error(parse_server_properties("controller.quorum.voters=1@0.0.0.0:19092\n"), {"reachable host"}));
    CHECK(has_error(parse_server_properties("process.roles=broker,zookeeper\n"), {"process.roles", "broker, controller"}));
    CHECK(has_error(parse_server_properties("process.roles=controller\n"), {"not supported yet"}));
    CHECK(has_error(parse_server_properties("controller.quorum.election.timeout.ms=0\n"), {"at least 10"}));
    CHECK(has_error(parse_server_properties("controller.quorum.fetch.timeout.ms=soon\n"), {"not a number"}));
    CHECK(has_error(parse_server_properties("broker.session.timeout.ms=soon\n"), {"not a number"}));
    auto b = parse_server_properties("broker.session.timeout.ms=3000\nbroker.heartbeat.interval.ms=500\n");
    REQUIRE(b.errors.empty());
    CHECK(b.config.broker_session_timeout_ms == 3000);
    CHECK(b.config.broker_heartbeat_interval_ms == 500);
    // A cluster node's lease on its leaderships lasts one session from each answered heartbeat.
    CHECK(has_error(parse_server_properties("node.id=1\nsamsa.native.listener=127.0.0.1:19092\n"
                                            "controller.quorum.voters=1@127.0.0.1:19092\n"
                                            "broker.session.timeout.ms=2000\nbroker.heartbeat.interval.ms=2000\n"),
                    {"broker.heartbeat.interval.ms (2000) must be below broker.session.timeout.ms (2000)"}));
    CHECK(has_error(parse_server_properties("metadata.log.max.record.bytes.between.snapshots=0\n"), {"at least 1"}));
    auto s = parse_server_properties("metadata.log.max.record.bytes.between.snapshots=4096\n");
    REQUIRE(s.errors.empty());
    CHECK(s.config.metadata_log_max_record_bytes_between_snapshots == 4096);
  }
  SUBCASE("roles and membership agree") {
    // A broker-only node without a quorum to follow would start as a standalone node clients take for a member.
    CHECK(has_error(parse_server_properties("node.id=4\nprocess.roles=broker\n"),
                    {"config line 2", "process.roles=broker", "needs controller.quorum.voters"}));
    CHECK(has_error(parse_server_properties("node.id=5\nprocess.roles=broker,controller\n"
                                            "controller.quorum.voters=1@127.0.0.1:19092\n"),
                    {"node.id 5 is not in controller.quorum.voters", "process.roles=broker makes it"}));
    CHECK(has_error(parse_server_properties("node.id=5\ncontroller.quorum.voters=1@127.0.0.1:19092\n"),
                    {"node.id 5 is not in controller.quorum.voters"}));
    CHECK(has_error(parse_server_properties("node.id=1\nprocess.roles=broker\ncontroller.quorum.voters=1@127.0.0.1:19092\n"),
                    {"has no 'controller'"}));
  }
  SUBCASE("did you mean") {
    CHECK(has_error(parse_server_properties("controller.quorum.voter=1@127.0.0.1:19092\n"),
                    {"did you mean 'controller.quorum.voters'"}));
  }
}
