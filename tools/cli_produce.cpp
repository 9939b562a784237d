// `samsa produce`: stdin to a topic, one record per line, through a broker's native actor API.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "messages/compression.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

// True when another line is already buffered or stdin becomes readable within `ms` (end of input counts
// as readable: getline then ends the loop).
bool more_input_within(int ms) {
  if (std::cin.rdbuf()->in_avail() > 0)
    return true;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

// What every record of one `samsa produce` carries besides its line: --header, --timestamp.
struct record_template {
  std::vector<record_header> headers;
  int64_t timestamp = -1; // -1: the partition stamps the time of the append
};

// Reads --header k=v (repeatable) and --timestamp MS; false (after printing why) when malformed.
bool read_template(const args& a, record_template& t) {
  for (auto& kv : a.all("--header")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --header needs key=value, got '" << kv << "'\n";
      return false;
    }
    t.headers.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
  }
  std::optional<long long> ts;
  if (!int_option(a, "--timestamp", 0, ts))
    return false;
  if (ts)
    t.timestamp = *ts;
  return true;
}

int run_produce(const args& arguments) {
  const auto* a = &arguments;
  produce_request base;
  base.topic = a->positional[0];
  std::optional<long long> partition, batch, linger;
  if (!int_option(*a, "--partition", 0, partition) || !int_option(*a, "--batch-records", 1, batch)
      || !int_option(*a, "--linger-ms", 0, linger))
    return exit_usage;
  record_template tmpl;
  if (!read_template(*a, tmpl))
    return exit_usage;
  if (auto name = a->get("--compression")) {
    auto c = codec_by_name(*name);
    if (!c) {
      std::cerr << "error: --compression must be none, gzip, snappy, lz4 or zstd, got '" << *name << "'\n";
      return exit_usage;
    }
    base.compression = static_cast<int8_t>(*c);
  }
  // Lines are sent as they arrive: a batch closes when stdin has nothing more to give within linger.ms
  // (typing, `tail -f | samsa produce`), or at the size limits (a pipe full of lines still batches).
  const int linger_ms = linger ? static_cast<int>(std::min<long long>(*linger, 60000)) : 5;
  if (partition)
    base.partition = static_cast<int32_t>(*partition);
  if (auto s = a->get("--acks")) {
    auto v = s == std::string{"all"} ? std::optional<long long>{-1} : to_int(*s);
    if (!v || (*v != -1 && *v != 0 && *v != 1)) {
      std::cerr << "error: --acks must be -1 (all), 0 or 1, got '" << *s << "'\n";
      return exit_usage;
    }
    base.acks = static_cast<int16_t>(*v);
  }
  size_t batch_records = batch ? static_cast<size_t>(*batch) : 5000;
  auto sep = a->get("--key-separator");
  if (sep && sep->empty()) {
    std::cerr << "error: --key-separator must not be empty\n";
    return exit_usage;
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
    self->request(*b, request_timeout, produce_atom::value, req)
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
  size_t header_bytes = 0;
  for (auto& h : tmpl.headers)
    header_bytes += h.key.size() + (h.value ? h.value->size() : 0) + 4;
  std::string line;
  while (std::getline(std::cin, line)) {
    record r;
    r.headers = tmpl.headers;
    r.timestamp = tmpl.timestamp;
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
    bytes += (r.key ? r.key->size() : 0) + r.value->size() + header_bytes + 16;
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

} // namespace

command_group produce_command() {
  command_spec c{"", "TOPIC", 1, 1, "send stdin to a topic, one record per line"};
  c.options = {
    {"--key-separator", "SEP", "split each line at the first SEP into key and value (keyed records: murmur2 partitioning)"},
    {"--header", "KEY=VALUE", "a header added to every record (repeatable)"},
    {"--timestamp", "MS", "the timestamp of every record, in ms since the epoch (default: the time of the append)"},
    {"--compression", "CODEC", "none (default), gzip, snappy, lz4 or zstd: how the batches are stored and served"},
    {"--partition", "P", "write every record to partition P (default: by key, or round robin without keys)"},
    {"--acks", "-1|0|1", "acknowledgement wanted: -1 (all, the default), 1 (leader) or 0 (none)"},
    {"--batch-records", "N", "at most N records per batch (default 5000)"},
    {"--linger-ms", "MS", "a batch closes when input pauses for MS milliseconds (default 5)"},
    broker_option(),
  };
  c.examples = {"seq 1 100 | awk '{print \"key\" $1 % 10 \":order \" $1}' | samsa produce orders --key-separator :",
                "echo '{\"id\":1}' | samsa produce orders --header source=cli --header type=json --compression zstd"};
  c.details = "Lines are sent as they arrive (typing and `tail -f | samsa produce` work). At the end a summary goes\n"
              "to stderr: 'produced N records to TOPIC'. Exits 1 if any record was not acknowledged.";
  c.run = run_produce;
  return single_command("produce", std::move(c));
}

} // namespace samsa::cli
