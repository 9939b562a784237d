// `samsa consume`: a topic's records on stdout, from chosen partitions and offsets (the group mode is in
// cli_consume_group.cpp), through a broker's native actor API.
#include "tools/cli_consume.hpp"

#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "tools/cli_follow.hpp"

namespace samsa::cli {

std::string record_printer::line(const located_record& x) const {
  switch (how) {
    case mode::format:
      return render_record(format, x);
    case mode::json:
      return record_json(x) + "\n";
    case mode::plain:
      break;
  }
  std::string out;
  if (print_offset)
    out += std::to_string(x.partition) + ":" + std::to_string(x.r.offset) + separator;
  if (print_key)
    out += (x.r.key ? *x.r.key : std::string{"null"}) + separator;
  out += x.r.value ? *x.r.value : std::string{"null"};
  return out + "\n";
}

std::optional<record_printer> make_printer(const args& a) {
  record_printer p;
  p.print_key = a.has("--print-key");
  p.print_offset = a.has("--print-offset");
  p.separator = a.get("--key-separator").value_or("\t");
  auto output = output_format(a);
  if (!output)
    return std::nullopt;
  auto fmt = a.get("--format");
  if (fmt && *output == "json") {
    std::cerr << "error: --format and --output json cannot be combined\n";
    return std::nullopt;
  }
  if ((fmt || *output == "json") && (p.print_key || p.print_offset || a.has("--key-separator"))) {
    std::cerr << "error: --print-key, --print-offset and --key-separator belong to the default output; with "
              << (fmt ? "--format use %k and %o" : "--output json every field is printed") << "\n";
    return std::nullopt;
  }
  if (*output == "json")
    p.how = record_printer::mode::json;
  if (fmt) {
    std::string error;
    auto f = parse_record_format(*fmt, error);
    if (!f) {
      std::cerr << "error: --format: " << error << "\n";
      return std::nullopt;
    }
    p.how = record_printer::mode::format;
    p.format = std::move(*f);
  }
  return p;
}

namespace {

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int sig) { stop_signal = sig; }

} // namespace

stop_signals::stop_signals() {
  stop_signal = 0;
  old_int_ = std::signal(SIGINT, on_stop_signal);
  old_term_ = std::signal(SIGTERM, on_stop_signal);
}

stop_signals::~stop_signals() {
  std::signal(SIGINT, old_int_);
  std::signal(SIGTERM, old_term_);
}

bool stop_requested() { return stop_signal != 0; }

std::string lost_reason(const caf::error& reason) {
  if (reason == caf::exit_reason::remote_link_unreachable)
    return "connection closed";
  if (reason == caf::exit_reason::user_shutdown || reason == caf::exit_reason::normal)
    return "it shut down"; // SIGTERM: its actor stopped before the connection closed
  return describe(reason);
}

std::optional<broker_actor> reconnect(caf::scoped_actor& self, const args& a) {
  reconnect_backoff backoff;
  while (!stop_requested()) {
    auto wait = std::chrono::steady_clock::now() + backoff.next();
    while (!stop_requested() && std::chrono::steady_clock::now() < wait)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (stop_requested())
      break;
    // A refused connection fails at once; a silent peer after connect_timeout (5 s), the longest a Ctrl-C waits.
    auto res = try_connect(self->home_system(), a);
    if (auto b = std::get_if<broker_actor>(&res)) {
      self->monitor(*b);
      return *b;
    }
  }
  return std::nullopt;
}

namespace {

// The offset `spec` names in one partition, asking the broker for the log's bounds (and the timestamp
// lookup for @TS); nullopt after printing why the broker could not answer.
std::optional<int64_t> start_offset(caf::scoped_actor& self, const broker_actor& b, const std::string& topic,
                                    int32_t p, const offset_spec& spec) {
  auto ask = [&](int64_t ts) -> std::optional<offset_answer> {
    std::optional<offset_answer> out;
    self->request(b, request_timeout, offsets_atom::value, topic, p, ts)
      .receive([&](const offset_answer& ans) { out = ans; },
               [&](const caf::error& e) { print_error("cannot list offsets of partition " + std::to_string(p), e); });
    if (out && out->error != 0) {
      std::cerr << "error: cannot list offsets of partition " << p << ": "
                << to_string(static_cast<api_errc>(out->error)) << "\n";
      return std::nullopt;
    }
    return out;
  };
  auto first = ask(earliest_timestamp);
  auto end = first ? ask(latest_timestamp) : std::nullopt;
  if (!end)
    return std::nullopt;
  partition_bounds bounds{first->offset, end->offset, -1};
  if (spec.what == offset_spec::kind::timestamp) {
    auto at = ask(spec.value);
    if (!at)
      return std::nullopt;
    bounds.timestamp_offset = at->offset;
  }
  return resolve_start(spec, bounds);
}

struct cursor {
  int32_t partition;
  int64_t offset;
  bool done = false;
};

enum class fetch_outcome { answered, failed, lost, stopped };

// One fetch, sent as a plain message rather than a request: the broker's answer then comes back as an
// ordinary message, so one receive waits for it, for the broker's down message (the connection closed: the
// answer will never come, where a request would wait out its timeout) and for Ctrl-C together. One fetch is
// in flight at a time, so an answer is always the one awaited. `why`: the error (failed) or the down
// reason (lost).
fetch_outcome fetch_once(caf::scoped_actor& self, const broker_actor& b, const fetch_request& req, fetch_response& resp,
                         caf::error& why) {
  self->send(b, fetch_atom::value, req);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(req.max_wait_ms) + request_timeout;
  std::optional<fetch_outcome> out;
  while (!out)
    self->receive(
      [&](fetch_response& r) {
        resp = std::move(r);
        out = fetch_outcome::answered;
      },
      [&](caf::error& e) {
        why = std::move(e);
        out = fetch_outcome::failed;
      },
      [&](caf::down_msg& d) {
        if (d.source != b.address())
          return; // a broker lost before, already reconnected
        why = std::move(d.reason);
        out = fetch_outcome::lost;
      },
      caf::after(std::chrono::milliseconds(100)) >> [&] {
        if (stop_requested())
          out = fetch_outcome::stopped;
        else if (std::chrono::steady_clock::now() > give_up) {
          why = caf::make_error(caf::sec::request_timeout, "no answer to a fetch");
          out = fetch_outcome::failed;
        }
      });
  return *out;
}

std::vector<std::pair<int32_t, int64_t>> positions_of(const std::vector<cursor>& cursors) {
  std::vector<std::pair<int32_t, int64_t>> out;
  for (auto& c : cursors)
    out.emplace_back(c.partition, c.offset);
  return out;
}

// Reads `cursors` round robin until each reaches the end of its log (or forever with follow: across broker
// restarts, each cursor being the offset after the last record printed), max_messages are printed or the
// user stops it.
int read_partitions(caf::scoped_actor& self, broker_actor b, const args& a, const consume_plan& plan,
                    std::vector<cursor>& cursors, const record_printer& printer) {
  stop_signals signals;
  int64_t printed = 0;
  std::string out;
  self->monitor(b);
  reconnect_backoff retry;
  while (plan.max_messages < 0 || printed < plan.max_messages) {
    bool all_done = true;
    for (auto& c : cursors) {
      if (c.done)
        continue;
      fetch_request req;
      req.topic = plan.topic;
      req.partition = c.partition;
      req.offset = c.offset;
      req.max_bytes = 1 << 20;
      req.max_wait_ms = plan.follow ? static_cast<int32_t>(500 / std::max<size_t>(cursors.size(), 1)) : 0;
      fetch_response resp;
      caf::error why;
      auto outcome = fetch_once(self, b, req, resp, why);
      if (outcome == fetch_outcome::stopped)
        return exit_ok;
      if (outcome == fetch_outcome::failed) {
        print_error("fetch failed", why);
        return exit_failed;
      }
      if (outcome == fetch_outcome::lost) {
        std::cerr << (plan.follow ? "" : "error: ")
                  << lost_broker_line(broker_address(a), lost_reason(why), plan.follow) << "\n";
        if (!plan.follow)
          return exit_failed;
        auto again = reconnect(self, a);
        if (!again)
          return exit_ok; // stopped while reconnecting: everything printed was whole
        b = *again;
        std::cerr << resume_line(plan.topic, positions_of(cursors)) << "\n";
        all_done = false;
        continue; // this cursor's fetch again, at the same offset
      }
      if (resp.error != 0) {
        auto e = static_cast<api_errc>(resp.error);
        if (plan.follow && follow_retries(e)) {
          // Leadership moving or a broker busy restarting: the same fetch again after a bounded wait.
          if (retry.attempts() == 0)
            std::cerr << "partition " << c.partition << ": " << to_string(e) << "; retrying\n";
          auto wait = std::chrono::steady_clock::now() + retry.next();
          while (!stop_requested() && std::chrono::steady_clock::now() < wait)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          all_done = false;
          continue;
        }
        std::cerr << "error: partition " << c.partition << " offset " << c.offset << ": " << to_string(e)
                  << " (log start " << resp.log_start_offset << ", high watermark " << resp.high_watermark << ")\n";
        return exit_failed;
      }
      retry.reset();
      std::vector<record> recs;
      if (!decode_batches(resp.records.data(), resp.records.size(), c.offset, recs)) {
        std::cerr << "error: partition " << c.partition << ": undecodable batch at offset " << c.offset << "\n";
        return exit_failed;
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
        if (plan.max_messages >= 0 && printed >= plan.max_messages)
          break;
        out += printer.line({plan.topic, c.partition, r});
        c.offset = r.offset + 1;
        ++printed;
      }
      std::cout << out;
      if (!plan.follow && c.offset >= resp.high_watermark)
        c.done = true;
      if (!c.done)
        all_done = false;
    }
    std::cout.flush();
    if (all_done || stop_requested())
      break;
  }
  return exit_ok;
}

int run_consume(const args& a) {
  consume_plan plan;
  plan.topic = a.positional[0];
  std::optional<long long> partition, max_count;
  if (!int_option(a, "--partition", 0, partition) || !int_option(a, "--max-messages", 0, max_count))
    return exit_usage;
  plan.max_messages = max_count ? *max_count : -1;
  plan.follow = a.has("--follow");
  plan.start.what = a.has("--from-beginning") ? offset_spec::kind::earliest : offset_spec::kind::latest;
  if (auto s = a.get("--offset")) {
    if (a.has("--from-beginning")) {
      std::cerr << "error: --from-beginning is --offset earliest; give one of them\n";
      return exit_usage;
    }
    std::string error;
    auto spec = parse_offset_spec(*s, error);
    if (!spec) {
      std::cerr << "error: " << error << "\n";
      return exit_usage;
    }
    plan.start = *spec;
  }
  auto group = a.get("--group");
  if (group) {
    using k = offset_spec::kind;
    if (partition) {
      std::cerr << "error: --group reads the partitions the group assigns; --partition cannot be combined with it\n";
      return exit_usage;
    }
    if (plan.start.what != k::earliest && plan.start.what != k::latest) {
      std::cerr << "error: with --group, --offset takes earliest or latest (where a partition without a committed "
                   "offset starts); move the group's offsets with 'samsa groups reset-offsets'\n";
      return exit_usage;
    }
    if (group->empty()) {
      std::cerr << "error: --group needs a group name\n";
      return exit_usage;
    }
  }
  auto printer = make_printer(a);
  if (!printer)
    return exit_usage;
  return with_broker(a, [&](caf::scoped_actor& self, const broker_actor& b) {
    int32_t partitions = 0;
    int rc = exit_ok;
    self->request(b, request_timeout, describe_atom::value, std::vector<std::string>{plan.topic})
      .receive([&](const std::vector<topic_description>& ds) { partitions = ds.empty() ? 0 : ds.front().partitions; },
               [&](const caf::error& e) {
                 print_error("cannot consume " + plan.topic, e);
                 rc = exit_failed;
               });
    if (rc != exit_ok)
      return rc;
    if (group)
      return consume_in_group(self, b, a, *group, plan, *printer);
    if (partition && *partition >= partitions) {
      std::cerr << "error: topic " << plan.topic << " has " << partitions << " partitions, no partition "
                << *partition << "\n";
      return exit_failed;
    }
    std::vector<cursor> cursors;
    for (int32_t p = 0; p < partitions; ++p) {
      if (partition && p != *partition)
        continue;
      auto at = start_offset(self, b, plan.topic, p, plan.start);
      if (!at)
        return exit_failed;
      cursors.push_back({p, *at});
    }
    return read_partitions(self, b, a, plan, cursors, *printer);
  });
}

} // namespace

command_group consume_command() {
  command_spec c{"", "TOPIC", 1, 1, "print a topic's records, one value per line"};
  c.options = {
    {"--offset", "SPEC", "where to start in each partition: earliest, latest (default), N, -N (N records before the "
                         "end) or @TIMESTAMP_MS (the first record at or after it)"},
    {"--from-beginning", "", "the same as --offset earliest"},
    {"--partition", "P", "read partition P only (default: every partition)"},
    {"--group", "GROUP", "read as a member of consumer group GROUP: its assigned partitions from its committed "
                         "offsets, committing what was printed"},
    {"--follow", "", "keep waiting for new records instead of exiting at the end of the log; a restarted broker is "
                     "reconnected and reading resumes after the last record printed"},
    {"--max-messages", "N", "exit after printing N records"},
    {"--format", "FMT", "print each record as FMT: %t topic, %p partition, %o offset, %k key, %s value, %h headers, "
                        "%T timestamp, %K/%S key/value length, %% and \\n \\t escapes"},
    output_option("one JSON object per record (topic, partition, offset, timestamp, key, value, headers)"),
    {"--print-key", "", "print KEY<SEP>VALUE (a missing key as null)"},
    {"--print-offset", "", "print PARTITION:OFFSET<SEP> before each record"},
    {"--key-separator", "SEP", "the separator for --print-key and --print-offset (default a tab)"},
    broker_option(),
  };
  c.examples = {"samsa consume orders --from-beginning --print-key --max-messages 10",
                "samsa consume orders --offset -5 --format '%p:%o %k=%s [%h] @%T\\n'",
                "samsa consume orders --group billing --max-messages 100 --output json"};
  c.details = "Starts at the end of the log unless --offset or --from-beginning (like Kafka's console consumer)\n"
              "and exits at the end of the log unless --follow. With --group, --offset earliest|latest only says\n"
              "where a partition without a committed offset starts; the group commits what was printed and\n"
              "the consumer leaves the group when it exits (end of the log, --max-messages, Ctrl-C).\n"
              "With --follow a lost broker is reported once on stderr and reconnected (waits of 0.1 s doubling\n"
              "up to 2 s); without it the command exits 1.\n"
              "--output json escapes bytes that are not UTF-8 as \\u00XX, so every line is valid JSON.";
  c.run = run_consume;
  return single_command("consume", std::move(c));
}

} // namespace samsa::cli
