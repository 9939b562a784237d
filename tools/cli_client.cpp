// `samsa topics|produce|consume`: command-line clients of a broker's native actor API.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = std::chrono::seconds(60);

void print_error(const std::string& what, const caf::error& e) {
  std::cerr << "error: " << what << ": " << describe(e) << "\n";
}

int topics_create(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  topic_spec spec;
  spec.name = a.positional[0];
  std::optional<long long> partitions, rf;
  // Out-of-range values (0, negative) go to the broker, which answers with the Kafka error.
  if (!int_option(a, "--partitions", INT32_MIN, partitions) || !int_option(a, "--replication-factor", INT16_MIN, rf))
    return 2;
  if (partitions)
    spec.partitions = static_cast<int32_t>(*partitions);
  if (rf)
    spec.replication_factor = static_cast<int16_t>(*rf);
  for (auto& kv : a.all("--config")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::cerr << "error: --config needs key=value, got '" << kv << "'\n";
      return 2;
    }
    spec.configs[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  int rc = 0;
  self->request(b, timeout, create_atom::value, spec)
    .receive([&](const topic_description& d) { std::cout << "Created topic " << d.name << ".\n"; },
             [&](const caf::error& e) {
               print_error("cannot create topic " + spec.name, e);
               rc = 1;
             });
  return rc;
}

int topics_describe(caf::scoped_actor& self, const broker_actor& b, std::vector<std::string> names, bool names_only) {
  int rc = 0;
  self->request(b, timeout, describe_atom::value, std::move(names))
    .receive(
      [&](const std::vector<topic_description>& ds) {
        for (auto& d : ds) {
          if (names_only) {
            std::cout << d.name << "\n";
            continue;
          }
          std::string configs;
          for (auto& [k, v] : d.configs)
            configs += (configs.empty() ? "" : ",") + k + "=" + v;
          std::cout << "Topic: " << d.name << "\tTopicId: " << d.topic_id << "\tPartitionCount: " << d.partitions
                    << "\tReplicationFactor: " << d.replication_factor << "\tConfigs: " << configs << "\n";
          for (auto& p : d.partition_states)
            std::cout << "\tTopic: " << d.name << "\tPartition: " << p.partition << "\tLeader: " << p.leader
                      << "\tLeaderEpoch: " << p.leader_epoch << "\tReplicas: " << join_ids(p.replicas) << "\tIsr: " << join_ids(p.isr)
                      << "\tLogStartOffset: " << p.log_start_offset << "\tLogEndOffset: " << p.log_end_offset
                      << "\tSizeBytes: " << p.size_bytes << "\tSegments: " << p.segments
                      << (p.offline ? "\tOFFLINE (log cannot be opened; see the broker's log)" : "")
                      << (p.damaged_regions > 0 ? "\tDamagedRegions: " + std::to_string(p.damaged_regions) : "")
                      << "\n";
        }
      },
      [&](const caf::error& e) {
        print_error("cannot describe topics", e);
        rc = 1;
      });
  return rc;
}

int topics_delete(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  int rc = 0;
  self->request(b, timeout, delete_atom::value, a.positional[0])
    .receive([&](bool) { std::cout << "Deleted topic " << a.positional[0] << ".\n"; },
             [&](const caf::error& e) {
               print_error("cannot delete topic " + a.positional[0], e);
               rc = 1;
             });
  return rc;
}

} // namespace

command_group topics_commands() {
  command_spec create{"create", "TOPIC", 1, 1, "create a topic"};
  create.options = {
    {"--partitions", "N", "partitions of the topic (default: the broker's num.partitions)"},
    {"--replication-factor", "R", "replicas of each partition (default: the broker's default.replication.factor)"},
    {"--config", "key=value", "a topic-level config (repeatable), e.g. retention.ms=86400000"},
    broker_option(),
  };
  create.examples = {"samsa topics create orders --partitions 3 --config cleanup.policy=delete"};
  create.run = on_broker(topics_create);
  command_spec list{"list", "", 0, 0, "print the name of every topic, one per line"};
  list.options = {broker_option()};
  list.examples = {"samsa topics list --broker 127.0.0.1:19093"};
  list.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args&) {
    return topics_describe(self, b, {}, true);
  });
  command_spec describe{"describe", "[TOPIC ...]", 0, any_number,
                        "partitions, leaders, replicas, offsets and sizes (of every topic without TOPIC)"};
  describe.options = {{"--all-configs", "", "print every effective config of TOPIC with its source instead"},
                      broker_option()};
  describe.examples = {"samsa topics describe orders", "samsa topics describe orders --all-configs"};
  describe.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args& a) {
    if (a.has("--all-configs"))
      return topics_describe_configs(self, b, a.positional);
    return topics_describe(self, b, a.positional, false);
  });
  command_spec del{"delete", "TOPIC", 1, 1, "delete a topic and its data"};
  del.options = {broker_option()};
  del.examples = {"samsa topics delete orders"};
  del.run = on_broker(topics_delete);
  command_group g{"topics", "Create, list, describe, alter, delete and reassign topics through a broker's native API.",
                  {create, list, describe, del}};
  for (auto& c : reassign_commands())
    g.subcommands.push_back(std::move(c));
  for (auto& c : delete_records_commands())
    g.subcommands.push_back(std::move(c));
  for (auto& c : alter_commands())
    g.subcommands.push_back(std::move(c));
  return g;
}

// True when another line is already buffered or stdin becomes readable within `ms` (end of input counts
// as readable: getline then ends the loop).
bool more_input_within(int ms) {
  if (std::cin.rdbuf()->in_avail() > 0)
    return true;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

namespace {

int run_produce(const args& arguments) {
  const auto* a = &arguments;
  produce_request base;
  base.topic = a->positional[0];
  std::optional<long long> partition, batch, linger;
  if (!int_option(*a, "--partition", 0, partition) || !int_option(*a, "--batch-records", 1, batch)
      || !int_option(*a, "--linger-ms", 0, linger))
    return 2;
  // Lines are sent as they arrive: a batch closes when stdin has nothing more to give within linger.ms
  // (typing, `tail -f | samsa produce`), or at the size limits (a pipe full of lines still batches).
  const int linger_ms = linger ? static_cast<int>(std::min<long long>(*linger, 60000)) : 5;
  if (partition)
    base.partition = static_cast<int32_t>(*partition);
  if (auto s = a->get("--acks")) {
    auto v = s == std::string{"all"} ? std::optional<long long>{-1} : to_int(*s);
    if (!v || (*v != -1 && *v != 0 && *v != 1)) {
      std::cerr << "error: --acks must be -1 (all), 0 or 1, got '" << *s << "'\n";
      return 2;
    }
    base.acks = static_cast<int16_t>(*v);
  }
  size_t batch_records = batch ? static_cast<size_t>(*batch) : 5000;
  auto sep = a->get("--key-separator");
  if (sep && sep->empty()) {
    std::cerr << "error: --key-separator must not be empty\n";
    return 2;
  }
  return with_broker(*a, [&](caf::scoped_actor& self, const broker_actor& broker) {
  auto b = &broker;
  size_t acknowledged = 0;
  size_t failed = 0;
  constexpr size_t max_batch_bytes = 512 * 1024;
  auto send = [&](produce_request& req) {
    if (req.records.empty())
      return;
    auto n = req.records.size();
    self->request(*b, timeout, produce_atom::value, req)
      .receive(
        [&](const produce_response& resp) {
          size_t ok = 0;
          for (auto& p : resp.partitions) {
            if (p.error != 0) {
              std::cerr << "error: partition " << p.partition << ": "
                        << to_string(static_cast<api_errc>(p.error))
                        << (p.error_message.empty() ? "" : ": " + p.error_message) << "\n";
            } else {
              ok += static_cast<size_t>(p.record_count);
            }
          }
          // A failed partition's result carries no count: whatever was not acknowledged failed.
          acknowledged += ok;
          failed += n - std::min(ok, n);
        },
        [&](const caf::error& e) {
          print_error("produce to " + req.topic + " failed", e);
          failed += n;
        });
    req.records.clear();
  };
  produce_request req = base;
  size_t bytes = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    record r;
    if (sep) {
      auto pos = line.find(*sep);
      if (pos != std::string::npos) {
        r.key = line.substr(0, pos);
        r.value = line.substr(pos + sep->size());
      } else {
        r.value = line;
      }
    } else {
      r.value = std::move(line);
    }
    bytes += (r.key ? r.key->size() : 0) + r.value->size() + 16;
    req.records.push_back(std::move(r));
    if (req.records.size() >= batch_records || bytes >= max_batch_bytes || !more_input_within(linger_ms)) {
      send(req);
      bytes = 0;
    }
  }
  send(req);
  auto plural = [](size_t n) { return n == 1 ? " record" : " records"; };
  std::cerr << (base.acks == acks_none ? "sent " : "produced ") << acknowledged << plural(acknowledged) << " to "
            << base.topic << (failed ? ", " + std::to_string(failed) + " failed" : std::string{}) << "\n";
  return failed ? exit_failed : exit_ok;
  });
}

int run_consume(const args& arguments) {
  const auto* a = &arguments;
  auto topic = a->positional[0];
  std::optional<long long> start_offset, partition, max_count;
  if (!int_option(*a, "--offset", 0, start_offset) || !int_option(*a, "--partition", 0, partition)
      || !int_option(*a, "--max-messages", 0, max_count))
    return 2;
  std::optional<int32_t> only_partition;
  if (partition)
    only_partition = static_cast<int32_t>(*partition);
  int64_t max_messages = max_count ? *max_count : -1;
  bool follow = a->has("--follow");
  bool print_key = a->has("--print-key");
  bool print_offset = a->has("--print-offset");
  auto sep = a->get("--key-separator").value_or("\t");
  return with_broker(*a, [&](caf::scoped_actor& self, const broker_actor& broker) {
  auto b = &broker;
  int32_t partitions = 0;
  int rc = 0;
  self->request(*b, timeout, describe_atom::value, std::vector<std::string>{topic})
    .receive([&](const std::vector<topic_description>& ds) { partitions = ds.empty() ? 0 : ds.front().partitions; },
             [&](const caf::error& e) {
               print_error("cannot consume " + topic, e);
               rc = 1;
             });
  if (rc != 0)
    return rc;
  if (only_partition && *only_partition >= partitions) {
    std::cerr << "error: topic " << topic << " has " << partitions << " partitions, no partition " << *only_partition
              << "\n";
    return 1;
  }
  struct cursor {
    int32_t partition;
    int64_t offset;
    bool done = false;
  };
  std::vector<cursor> cursors;
  for (int32_t p = 0; p < partitions; ++p) {
    if (only_partition && p != *only_partition)
      continue;
    int64_t at = 0;
    if (start_offset) {
      at = *start_offset;
    } else {
      auto ts = a->has("--from-beginning") ? earliest_timestamp : latest_timestamp;
      self->request(*b, timeout, offsets_atom::value, topic, p, ts)
        .receive([&](const offset_answer& ans) { at = ans.offset; },
                 [&](const caf::error& e) {
                   print_error("cannot list offsets", e);
                   rc = 1;
                 });
      if (rc)
        return rc;
    }
    cursors.push_back({p, at});
  }
  int64_t printed = 0;
  std::string out;
  while (max_messages < 0 || printed < max_messages) {
    bool all_done = true;
    for (auto& c : cursors) {
      if (c.done)
        continue;
      fetch_request req;
      req.topic = topic;
      req.partition = c.partition;
      req.offset = c.offset;
      req.max_bytes = 1 << 20;
      req.max_wait_ms = follow ? static_cast<int32_t>(500 / std::max<size_t>(cursors.size(), 1)) : 0;
      fetch_response resp;
      bool failed = false;
      self->request(*b, timeout, fetch_atom::value, req)
        .receive([&](fetch_response& r) { resp = std::move(r); },
                 [&](const caf::error& e) {
                   print_error("fetch failed", e);
                   failed = true;
                 });
      if (failed)
        return 1;
      if (resp.error != 0) {
        std::cerr << "error: partition " << c.partition << " offset " << c.offset << ": "
                  << to_string(static_cast<api_errc>(resp.error)) << " (log start " << resp.log_start_offset
                  << ", high watermark " << resp.high_watermark << ")\n";
        return 1;
      }
      std::vector<record> recs;
      if (!decode_batches(resp.records.data(), resp.records.size(), c.offset, recs)) {
        std::cerr << "error: partition " << c.partition << ": undecodable batch at offset " << c.offset << "\n";
        return 1;
      }
      if (recs.empty() && !resp.records.empty()) {
        // Only batches without client records (control batches): step past them.
        size_t pos = 0;
        while (auto h = read_batch_header(resp.records.data() + pos, resp.records.size() - pos)) {
          if (h->total_size() > resp.records.size() - pos)
            break;
          c.offset = std::max(c.offset, h->last_offset() + 1);
          pos += h->total_size();
        }
      }
      out.clear();
      for (auto& r : recs) {
        if (max_messages >= 0 && printed >= max_messages)
          break;
        if (print_offset)
          out += std::to_string(c.partition) + ":" + std::to_string(r.offset) + sep;
        if (print_key)
          out += (r.key ? *r.key : std::string{"null"}) + sep;
        out += r.value ? *r.value : std::string{"null"};
        out += '\n';
        c.offset = r.offset + 1;
        ++printed;
      }
      std::cout << out;
      if (!follow && c.offset >= resp.high_watermark)
        c.done = true;
      if (!c.done)
        all_done = false;
    }
    std::cout.flush();
    if (all_done)
      break;
  }
  return exit_ok;
  });
}

} // namespace

command_group produce_command() {
  command_spec c{"", "TOPIC", 1, 1, "send stdin to a topic, one record per line"};
  c.options = {
    {"--key-separator", "SEP", "split each line at the first SEP into key and value (keyed records: murmur2 partitioning)"},
    {"--partition", "P", "write every record to partition P (default: by key, or round robin without keys)"},
    {"--acks", "-1|0|1", "acknowledgement wanted: -1 (all, the default), 1 (leader) or 0 (none)"},
    {"--batch-records", "N", "at most N records per batch (default 5000)"},
    {"--linger-ms", "MS", "a batch closes when input pauses for MS milliseconds (default 5)"},
    broker_option(),
  };
  c.examples = {"seq 1 100 | awk '{print \"key\" $1 % 10 \":order \" $1}' | samsa produce orders --key-separator :"};
  c.details = "Lines are sent as they arrive (typing and `tail -f | samsa produce` work). Exits 1 if any record\n"
              "was not acknowledged.";
  c.run = run_produce;
  return single_command("produce", std::move(c));
}

command_group consume_command() {
  command_spec c{"", "TOPIC", 1, 1, "print a topic's records, one value per line"};
  c.options = {
    {"--from-beginning", "", "start at each partition's first record (default: at the end of the log)"},
    {"--offset", "N", "start at offset N of each partition read"},
    {"--partition", "P", "read partition P only (default: every partition)"},
    {"--follow", "", "keep waiting for new records instead of exiting at the end of the log"},
    {"--max-messages", "N", "exit after printing N records"},
    {"--print-key", "", "print KEY<SEP>VALUE (a missing key as null)"},
    {"--print-offset", "", "print PARTITION:OFFSET<SEP> before each record"},
    {"--key-separator", "SEP", "the separator for --print-key and --print-offset (default a tab)"},
    broker_option(),
  };
  c.examples = {"samsa consume orders --from-beginning --print-key --max-messages 10"};
  c.details = "Starts at the end of the log unless --from-beginning or --offset (like Kafka's console consumer)\n"
              "and exits at the end of the log unless --follow.";
  c.run = run_consume;
  return single_command("consume", std::move(c));
}

} // namespace samsa::cli
