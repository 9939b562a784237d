// The experiments' scenario files (cluster/experiment/scenario), the fault schedule drawn from a seed
// (fault_plan) and role resolution against a cluster snapshot (roles): every shipped scenario parses, bad
// files are refused naming the line, the same seed gives the same plan, roles resolve to the right nodes.
#include <doctest/doctest.h>

#include <dirent.h>

#include <filesystem>
#include <set>

#include "cluster/experiment/clock_skew.hpp"
#include "cluster/experiment/roles.hpp"
#include "cluster/experiment/scenario.hpp"

using namespace samsa::cluster::experiment;

namespace {

const char* minimal = R"(
duration = 20
[cluster]
nodes = 3
config = { "replica.lag.time.max.ms" = 1500, "unclean.leader.election.enable" = false }

[[topic]]
name = "t"
partitions = 2
replication_factor = 3
config = { "min.insync.replicas" = 2 }

[[producer]]
acks = "all"
rate = 50

[[consumer]]
count = 2

[[fault]]
kind = "kill"
target = "leader"
partition = 1
at = 5
duration = 4

[[fault]]
kind = "pause"
target = "node"
node = 2
at = 12
)";

// The error message parse_scenario gives for `text` ("" when it parses).
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "s.toml", "s");
  } catch (const scenario_error& e) {
    return e.what();
  }
  return "";
}

const std::string base = "[[topic]]\nname = \"t\"\n[[producer]]\n"; // lines 1-3

} // namespace

TEST_CASE("scenario: a minimal file parses with its defaults") {
  auto s = parse_scenario(minimal, "x.toml", "leader-kill");
  CHECK(s.name == "leader-kill");
  CHECK_FALSE(s.unsafe());
  CHECK(s.duration_s == 20);
  CHECK(s.recovery_s == 5);
  CHECK(s.nodes == 3);
  CHECK(s.node_config.at("replica.lag.time.max.ms") == "1500");
  CHECK(s.node_config.at("unclean.leader.election.enable") == "false");
  REQUIRE(s.topics.size() == 1);
  CHECK(s.topics[0].partitions == 2);
  CHECK(s.topics[0].config.at("min.insync.replicas") == "2");
  REQUIRE(s.producers.size() == 1);
  CHECK(s.producers[0].topic == "t");
  CHECK(s.producers[0].acks == -1);
  CHECK(s.producers[0].idempotent);
  CHECK(s.producers[0].rate == 50);
  REQUIRE(s.consumers.size() == 1);
  CHECK(s.consumers[0].count == 2);
  REQUIRE(s.faults.size() == 2);
  CHECK(s.faults[0].kind == fault_kind::kill);
  CHECK(s.faults[0].target.str() == "leader of t-1");
  CHECK(s.faults[0].line == 20);
  CHECK(s.faults[1].target.str() == "node 2");
  CHECK(s.faults[1].duration_s == 5);
  CHECK_FALSE(s.random);
  CHECK(parse_scenario(base, "u.toml", "unsafe-x").unsafe());
}

TEST_CASE("scenario: refusals name the file, the line and what is wrong") {
  CHECK(error_of(base) == "");
  CHECK(error_of(base + "acks = 2\n") == "s.toml:4: [[producer]]: \"acks\" must be \"all\", -1, 0 or 1");
  CHECK(error_of(base + "acks = 1\n") == ""); // idempotence defaults to acks == all
  CHECK(error_of(base + "acks = 1\nidempotent = true\n") ==
        "s.toml:5: [[producer]]: an idempotent producer needs acks = \"all\" (librdkafka refuses it otherwise)");
  CHECK(error_of(base + "rte = 5\n") == "s.toml:4: [[producer]]: unknown key \"rte\"");
  CHECK(error_of(base + "topic = \"u\"\n") == "s.toml:4: [[producer]]: no [[topic]] named \"u\"");
  CHECK(error_of(base + "rate = \"fast\"\n") ==
        "s.toml:4: [[producer]]: \"rate\" must be a number (seconds, records/s)");
  CHECK(error_of("durtion = 3\n" + base) == "s.toml:1: unknown key \"durtion\"");
  CHECK(error_of("duration = 0\n" + base) == "s.toml:1: \"duration\" must be in [1, 86400], got 0");
  CHECK(error_of("[[topic]]\nname = \"t\"\nreplication_factor = 4\n[[producer]]\n") ==
        "s.toml:3: [[topic]]: replication_factor 4 is above the node count 3");
  CHECK(error_of("[[topic]]\nname = \"t\"\nconfig = { \"min.insync.replicas\" = 4 }\n[[producer]]\n") ==
        "s.toml:3: [[topic]]: min.insync.replicas 4 must be in [1, replication_factor 3]");
  CHECK(error_of("[[topic]]\nname = \"t\"\n") == "s.toml:1: no [[producer]]: a run without writes checks nothing");
  CHECK(error_of("[[producer]]\n") == "s.toml:1: no [[topic]]: the workload needs at least one topic");
  CHECK(error_of("[cluster]\nconfig = { \"node.id\" = 3 }\n" + base) ==
        "s.toml:2: [cluster]: \"node.id\" is set by the runner for each node");
  CHECK(error_of(base + "[[fault]]\nkind = \"nuke\"\ntarget = \"leader\"\nat = 1\n") ==
        "s.toml:5: [[fault]]: unknown fault kind \"nuke\"; known: kill, pause, stop, rolling-restart, isolate, split, ring, "
        "one-way, disk-full, clock");
  CHECK(error_of("[cluster]\nnodes = 2\n" + base + "[[fault]]\nkind = \"ring\"\nat = 1\n") ==
        "s.toml:7: [[fault]]: a ring of majorities needs at least 3 nodes, the cluster has 2");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"boss\"\nat = 1\n") ==
        "s.toml:6: [[fault]]: unknown target \"boss\"; known: leader, follower, quorum-leader, random, minority, "
        "majority, node, all, coordinator");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"leader\"\n") ==
        "s.toml:4: [[fault]]: \"at\" (seconds after the workload starts) is missing");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"leader\"\npartition = 1\nat = 1\n") ==
        "s.toml:4: [[fault]]: target leader of t-1: topic \"t\" has 1 partition(s)");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"node\"\nat = 1\n") ==
        "s.toml:4: [[fault]]: target \"node\" needs \"node = ID\"");
  CHECK(error_of(base + "[random_faults]\nkinds = [\"kill\"]\ntargets = [\"leader\", \"boss\"]\n") ==
        "s.toml:6: [random_faults]: unknown target \"boss\"; known: leader, follower, quorum-leader, random, "
        "minority, majority, node, all, coordinator");
  CHECK(error_of(base + "[random_faults]\nkinds = [\"kill\"]\ntargets = [\"leader\"]\ninterval = [9, 3]\n") ==
        "s.toml:7: [random_faults]: \"interval\": min 9 is above max 3");
  CHECK(error_of(base + "[[consumer]]\nmode = \"group\"\n") == "s.toml:5: [[consumer]]: mode \"group\" needs group = \"NAME\"");
  CHECK(error_of(base + "[[consumer]]\nmode = \"assign\"\ngroup = \"g\"\n") ==
        "s.toml:5: [[consumer]]: mode \"assign\" takes no group (group = \"g\")");
  CHECK(error_of(base + "[[consumer]]\ngroup = \"\"\n") == "s.toml:5: [[consumer]]: \"group\" must name the consumer group");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"coordinator\"\nat = 1\n") ==
        "s.toml:4: [[fault]]: target coordinator needs \"group = NAME\" (no [[consumer]] has a group)");
  CHECK(error_of(base + "[[consumer]]\ngroup = \"g\"\n[[fault]]\nkind = \"kill\"\ntarget = \"coordinator\"\n"
                        "group = \"h\"\nat = 1\n") ==
        "s.toml:6: [[fault]]: target coordinator of h: no [[consumer]] has group = \"h\"");
  // TOML syntax errors keep toml++'s description and line.
  CHECK(error_of(base + "rate = = 3\n").rfind("s.toml:4: ", 0) == 0);
}

TEST_CASE("scenario: disk-full faults and the nodes' tmpfs data disks") {
  auto s = parse_scenario("[cluster]\ndata_disk_mb = 256\n" + base +
                            "[[fault]]\nkind = \"disk-full\"\ntarget = \"follower\"\nat = 5\nduration = 10\n"
                            "[[fault]]\nkind = \"disk-full\"\ntarget = \"leader\"\nat = 20\n",
                          "s.toml", "d");
  CHECK(s.data_disk_mb == 256);
  CHECK(s.has_disk_faults());
  REQUIRE(s.faults.size() == 2);
  CHECK(s.faults[0].kind == fault_kind::disk_full);
  CHECK(is_disk_fault(s.faults[0].kind));
  CHECK_FALSE(is_network_fault(s.faults[0].kind));
  CHECK_FALSE(targets_every_node(s.faults[0].kind));
  CHECK(s.faults[0].duration_s == 10);
  CHECK(s.faults[1].duration_s == 5);
  auto plan = plan_faults(s, 1, 30);
  REQUIRE(plan.faults.size() == 2);
  CHECK(plan.faults[0].name() == "disk-full follower of t-0");
  CHECK(plan.faults[1].name() == "disk-full leader of t-0");
  CHECK(fault_kind_from("disk-full") == fault_kind::disk_full);
  CHECK(std::string{to_string(fault_kind::disk_full)} == "disk-full");
  // tmpfs data disks without disk faults are allowed; no data disks and no disk faults is the default.
  auto plain = parse_scenario("[cluster]\ndata_disk_mb = 64\n" + base, "s.toml", "p");
  CHECK(plain.data_disk_mb == 64);
  CHECK_FALSE(plain.has_disk_faults());
  CHECK(parse_scenario(base, "s.toml", "q").data_disk_mb == 0);
  // Random disk faults, drawn like the others.
  auto r = parse_scenario("[cluster]\ndata_disk_mb = 128\n" + base +
                            "[random_faults]\nkinds = [\"disk-full\", \"kill\"]\ntargets = [\"leader\", \"follower\"]\n",
                          "s.toml", "r");
  CHECK(r.has_disk_faults());
  bool drawn = false;
  for (uint64_t seed = 1; seed < 20 && !drawn; ++seed)
    for (const auto& f : plan_faults(r, seed, 60).faults)
      drawn = drawn || f.kind == fault_kind::disk_full;
  CHECK(drawn);
}

TEST_CASE("scenario: a disk-full fault needs tmpfs data disks, never a real disk") {
  CHECK(error_of(base + "[[fault]]\nkind = \"disk-full\"\ntarget = \"leader\"\nat = 1\n") ==
        "s.toml:4: [[fault]]: disk-full needs [cluster] data_disk_mb = SIZE (each node's data directory a tmpfs of "
        "SIZE MiB; a real disk is never filled)");
  CHECK(error_of(base + "[random_faults]\nkinds = [\"kill\", \"disk-full\"]\ntargets = [\"leader\"]\n") ==
        "s.toml:4: [random_faults]: disk-full needs [cluster] data_disk_mb = SIZE (each node's data directory a "
        "tmpfs of SIZE MiB; a real disk is never filled)");
  CHECK(error_of("[cluster]\ndata_disk_mb = 8\n" + base) ==
        "s.toml:2: [cluster]: \"data_disk_mb\" must be in [16, 65536], got 8");
  CHECK(error_of("[cluster]\ndata_disk_mb = \"1G\"\n" + base) ==
        "s.toml:2: [cluster]: \"data_disk_mb\" must be an integer");
  CHECK(error_of("[cluster]\ndata_disk_mb = 16\n" + base +
                 "[[fault]]\nkind = \"disk-full\"\ntarget = \"node\"\nnode = 3\nat = 1\n") == "");
}

TEST_CASE("scenario: clock faults shift a node's wall clock by offset_ms") {
  auto s = parse_scenario(base + "[[fault]]\nkind = \"clock\"\ntarget = \"leader\"\nat = 5\nduration = 10\n"
                                 "offset_ms = 7200000\n"
                                 "[[fault]]\nkind = \"clock\"\ntarget = \"follower\"\nat = 20\noffset_ms = -1500\n",
                          "s.toml", "c");
  CHECK(s.has_clock_faults());
  CHECK_FALSE(s.has_disk_faults());
  REQUIRE(s.faults.size() == 2);
  CHECK(s.faults[0].kind == fault_kind::clock);
  CHECK(is_clock_fault(s.faults[0].kind));
  CHECK_FALSE(is_network_fault(s.faults[0].kind));
  CHECK_FALSE(is_disk_fault(s.faults[0].kind));
  CHECK_FALSE(targets_every_node(s.faults[0].kind));
  CHECK(s.faults[0].offset_ms == 7200000);
  CHECK(s.faults[0].duration_s == 10);
  CHECK(s.faults[1].offset_ms == -1500);
  CHECK(s.faults[1].duration_s == 5);
  auto plan = plan_faults(s, 1, 30);
  REQUIRE(plan.faults.size() == 2);
  CHECK(plan.faults[0].name() == "clock +2h leader of t-0");
  CHECK(plan.faults[0].offset_ms == 7200000);
  CHECK(plan.faults[1].name() == "clock -1500ms follower of t-0");
  CHECK(fault_kind_from("clock") == fault_kind::clock);
  CHECK(std::string{to_string(fault_kind::clock)} == "clock");
  CHECK_FALSE(parse_scenario(base, "s.toml", "q").has_clock_faults());
  // Other kinds take no offset, clock needs one: non-zero, an integer, at most a year either way.
  const std::string clock = base + "[[fault]]\nkind = \"clock\"\ntarget = \"leader\"\nat = 1\n"; // fault at line 4
  CHECK(error_of(clock) == "s.toml:5: [[fault]]: a clock fault needs \"offset_ms = MS\" (the shift of the wall clock; "
                           "negative: backwards)");
  CHECK(error_of(clock + "offset_ms = 0\n") == "s.toml:8: [[fault]]: \"offset_ms\": an offset of 0 shifts nothing");
  CHECK(error_of(clock + "offset_ms = 1.5\n") ==
        "s.toml:8: [[fault]]: \"offset_ms\" must be an integer (milliseconds; negative: backwards)");
  CHECK(error_of(clock + "offset_ms = 31536000001\n") ==
        "s.toml:8: [[fault]]: \"offset_ms\" must be in [-31536000000, 31536000000] (a year either way), got 31536000001");
  CHECK(error_of(clock + "offset_ms = -31536000000\n") == "");
  CHECK(error_of(base + "[[fault]]\nkind = \"kill\"\ntarget = \"leader\"\nat = 1\noffset_ms = 5\n") ==
        "s.toml:8: [[fault]]: \"offset_ms\" is only for kind = \"clock\"");
  // Random clock faults draw their offset from offsets_ms; other kinds draw nothing more than before.
  auto r = parse_scenario(base + "[random_faults]\nkinds = [\"clock\", \"kill\"]\ntargets = [\"leader\"]\n"
                                 "offsets_ms = [3600000, -3600000]\n",
                          "s.toml", "r");
  CHECK(r.has_clock_faults());
  REQUIRE(r.random);
  CHECK(r.random->offsets_ms == std::vector<int64_t>{3600000, -3600000});
  std::set<int64_t> drawn;
  for (uint64_t seed = 1; seed < 20; ++seed)
    for (const auto& f : plan_faults(r, seed, 120).faults)
      drawn.insert(is_clock_fault(f.kind) ? f.offset_ms : 0);
  CHECK(drawn == std::set<int64_t>{-3600000, 0, 3600000});
  CHECK(error_of(base + "[random_faults]\nkinds = [\"clock\"]\ntargets = [\"leader\"]\n") ==
        "s.toml:5: [random_faults]: clock faults need \"offsets_ms = [MS, ...]\" (one drawn for each clock fault)");
  CHECK(error_of(base + "[random_faults]\nkinds = [\"kill\"]\ntargets = [\"leader\"]\noffsets_ms = [1000]\n") ==
        "s.toml:7: [random_faults]: \"offsets_ms\" is only for kinds with \"clock\"");
  CHECK(error_of(base + "[random_faults]\nkinds = [\"clock\"]\ntargets = [\"leader\"]\noffsets_ms = [1000, 0]\n") ==
        "s.toml:7: [random_faults]: \"offsets_ms\": an offset of 0 shifts nothing");
}

TEST_CASE("clock skew: libfaketime's timestamp file and the broker's environment") {
  // A relative offset in seconds, the fraction in three digits after a '.', a sign always.
  CHECK(faketime_file_text(7200000) == "+7200\n");
  CHECK(faketime_file_text(-7200000) == "-7200\n");
  CHECK(faketime_file_text(0) == "+0\n");
  CHECK(faketime_file_text(250) == "+0.250\n");
  CHECK(faketime_file_text(-1500) == "-1.500\n");
  CHECK(faketime_file_text(5) == "+0.005\n");
  CHECK(faketime_file_text(-max_clock_offset_ms) == "-31536000\n");
  CHECK(clock_offset_text(7200000) == "+2h");
  CHECK(clock_offset_text(-7200000) == "-2h");
  CHECK(clock_offset_text(5400000) == "+1h30m");
  CHECK(clock_offset_text(90000) == "+1m30s");
  CHECK(clock_offset_text(-250) == "-250ms");
  CHECK(clock_offset_text(86400000 + 1000) == "+1d1s");
  CHECK(clock_offset_text(0) == "+0");
  // The caller's own FAKETIME* settings go (FAKETIME would win over the file); its preloads stay, after ours.
  auto env = faketime_environment({"PATH=/usr/bin", "FAKETIME=+1d", "FAKETIME_NO_CACHE=0", "LD_PRELOAD=/x.so", "HOME=/r"},
                                  "/lib/ft.so", "/run/node2/faketime.rc");
  CHECK(env == std::vector<std::string>{"PATH=/usr/bin", "HOME=/r", "LD_PRELOAD=/lib/ft.so:/x.so",
                                        "FAKETIME_TIMESTAMP_FILE=/run/node2/faketime.rc", "FAKETIME_NO_CACHE=1",
                                        "FAKETIME_DONT_FAKE_MONOTONIC=1"});
  CHECK(faketime_environment({"LD_PRELOAD="}, "/lib/ft.so", "/f")[0] == "LD_PRELOAD=/lib/ft.so");
}

TEST_CASE("scenario: group consumers and faults aimed at their coordinator") {
  auto s = parse_scenario(base + "[[consumer]]\ncount = 1\n[[consumer]]\ngroup = \"g\"\ncount = 3\n"
                                 "[[fault]]\nkind = \"kill\"\ntarget = \"coordinator\"\nat = 5\n"
                                 "[random_faults]\nkinds = [\"pause\"]\ntargets = [\"coordinator\", \"leader\"]\n",
                          "s.toml", "g");
  REQUIRE(s.consumers.size() == 2);
  CHECK(s.consumers[0].group.empty());
  CHECK(s.consumers[1].group == "g");
  CHECK(s.consumers[1].count == 3);
  CHECK(s.has_group("g"));
  CHECK_FALSE(s.has_group(""));
  REQUIRE(s.faults.size() == 1);
  CHECK(s.faults[0].target.role == role_kind::coordinator);
  CHECK(s.faults[0].target.str() == "coordinator of g"); // the first group by default
  REQUIRE(s.random);
  CHECK(s.random->targets[0].str() == "coordinator of g");
  CHECK(s.random->targets[1].str() == "leader of t-0");
}

TEST_CASE("fault plan: fixed faults in order, random ones from the seed, cut to the duration") {
  auto s = parse_scenario(base + "[[fault]]\nkind = \"pause\"\ntarget = \"random\"\nat = 40\n"
                                 "[[fault]]\nkind = \"kill\"\ntarget = \"leader\"\nat = 3\nduration = 2\n"
                                 "[random_faults]\nkinds = [\"kill\", \"pause\", \"stop\"]\n"
                                 "targets = [\"leader\", \"follower\", \"quorum-leader\", \"minority\"]\n"
                                 "start = 5\ninterval = [1, 3]\nduration = [2, 4]\n",
                          "s.toml", "mix");
  auto a = plan_faults(s, 7, 30);
  auto b = plan_faults(s, 7, 30);
  auto c = plan_faults(s, 8, 30);
  REQUIRE(a.dropped.size() == 1);
  CHECK(a.dropped[0] == "pause random at 40 s: after the workload's 30 s");
  REQUIRE(a.faults.size() >= 4);
  CHECK(a.faults[0].name() == "kill leader of t-0");
  CHECK_FALSE(a.faults[0].random);
  CHECK(a.faults[1].at_s == 5);
  double end = 0;
  bool differs = a.faults.size() != c.faults.size();
  for (size_t i = 0; i < a.faults.size(); ++i) {
    CHECK(a.faults[i].name() == b.faults[i].name());
    CHECK(a.faults[i].at_s == b.faults[i].at_s);
    if (!a.faults[i].random)
      continue;
    CHECK(a.faults[i].at_s >= end); // random faults never overlap each other
    CHECK(a.faults[i].duration_s >= 2);
    CHECK(a.faults[i].duration_s <= 4);
    end = a.faults[i].at_s + a.faults[i].duration_s + 1;
    CHECK(end - 1 < 30);
    if (i < c.faults.size())
      differs = differs || a.faults[i].name() != c.faults[i].name() || a.faults[i].at_s != c.faults[i].at_s;
  }
  CHECK(differs);
}

TEST_CASE("roles: resolved against a snapshot of the cluster") {
  cluster_snapshot c;
  c.nodes = 5;
  c.up = {1, 2, 3, 4, 5};
  c.quorum_leader = 4;
  c.partitions[{"t", 0}] = partition_view{2, {2, 3, 5}, {2, 3, 5}};
  c.partitions[{"t", 1}] = partition_view{-1, {1, 2, 3}, {1}};
  seeded_rng rng{1};
  auto nodes = [&](target_spec t) { return resolve(t, c, rng).nodes; };
  using v = std::vector<int32_t>;
  CHECK(nodes({role_kind::leader, "t", 0, -1, ""}) == v{2});
  CHECK(nodes(target_spec{role_kind::quorum_leader, "", 0, -1, ""}) == v{4});
  CHECK(nodes({role_kind::node, "", 0, 5, ""}) == v{5});
  CHECK(nodes(target_spec{role_kind::all, "", 0, -1, ""}) == v{1, 2, 3, 4, 5});
  for (int i = 0; i < 50; ++i) {
    auto f = nodes({role_kind::follower, "t", 0, -1, ""});
    REQUIRE(f.size() == 1);
    CHECK((f[0] == 3 || f[0] == 5));
    CHECK(nodes(target_spec{role_kind::minority, "", 0, -1, ""}).size() == 2);
    CHECK(nodes(target_spec{role_kind::majority, "", 0, -1, ""}).size() == 3);
    CHECK(nodes(target_spec{role_kind::random, "", 0, -1, ""}).size() == 1);
  }
  CHECK(resolve({role_kind::leader, "t", 1, -1, ""}, c, rng).error == "no leader of t-1 in Metadata");
  CHECK(resolve({role_kind::leader, "u", 0, -1, ""}, c, rng).error == "no leader of u-0 in Metadata");
  c.up = {1, 3, 4};
  CHECK(resolve({role_kind::leader, "t", 0, -1, ""}, c, rng).error == "leader of t-0 (node 2) is not up");
  CHECK(nodes({role_kind::follower, "t", 0, -1, ""}) == v{3});
  CHECK(resolve(target_spec{role_kind::majority, "", 0, -1, ""}, c, rng).nodes == v{1, 3, 4});
  c.up = {1, 4};
  CHECK(resolve(target_spec{role_kind::majority, "", 0, -1, ""}, c, rng).error == "majority: needs 3 node(s) up, 2 are");
  c.quorum_leader = -1;
  CHECK(resolve(target_spec{role_kind::quorum_leader, "", 0, -1, ""}, c, rng).error == "no quorum leader known");
}

TEST_CASE("roles: a group's coordinator, as FindCoordinator named it") {
  cluster_snapshot c;
  c.nodes = 3;
  c.up = {1, 2, 3};
  c.coordinators = {{"g", 3}, {"h", 2}};
  seeded_rng rng{1};
  CHECK(resolve(target_spec{role_kind::coordinator, "", 0, -1, "g"}, c, rng).nodes == std::vector<int32_t>{3});
  CHECK(resolve(target_spec{role_kind::coordinator, "", 0, -1, "h"}, c, rng).nodes == std::vector<int32_t>{2});
  CHECK(resolve(target_spec{role_kind::coordinator, "", 0, -1, "x"}, c, rng).error ==
        "no coordinator of group x known");
  c.up = {1, 2};
  CHECK(resolve(target_spec{role_kind::coordinator, "", 0, -1, "g"}, c, rng).error ==
        "coordinator of group g (node 3) is not up");
}

TEST_CASE("scenario: every shipped file in config/experiments parses") {
  // The source tree's config/experiments, found from this file (no macro, no cwd).
  auto dir = (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "experiments")
               .string();
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  int n = 0;
  bool unsafe = false;
  while (auto* e = readdir(d)) {
    std::string f = e->d_name;
    if (f.size() < 5 || f.substr(f.size() - 5) != ".toml")
      continue;
    CAPTURE(f);
    auto s = load_scenario(dir + "/" + f);
    CHECK(s.name + ".toml" == f);
    CHECK_FALSE(s.description.empty());
    unsafe = unsafe || s.unsafe();
    ++n;
  }
  closedir(d);
  CHECK(n >= 6);
  CHECK(unsafe);
}
