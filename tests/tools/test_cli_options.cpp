// The `samsa` command's tables, parser, suggestions and help (tools/cli_options.hpp), and the real command
// list: every option of every table is in its help, an option not in the table is refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "tools/cli_common.hpp"
#include "tools/cli_options.hpp"

using namespace samsa::cli;

namespace {

// A small table with a recorder in place of a real command.
struct fixture {
  std::vector<args> calls;
  std::vector<command_group> commands;
  fixture() {
    command_spec produce{"", "TOPIC", 1, 1, "send lines"};
    produce.options = {{"--partition", "P", "the partition"}, {"--print-key", "", "a flag"}, {"--set", "k=v", "repeatable"}};
    produce.examples = {"samsa produce t"};
    produce.run = [this](const args& a) {
      calls.push_back(a);
      return 7;
    };
    command_spec list{"list", "", 0, 0, "list them"};
    list.run = produce.run;
    command_spec describe{"describe", "[TOPIC ...]", 0, any_number, "describe them"};
    describe.run = produce.run;
    commands = {{"produce", "send lines", {produce}}, {"topics", "topic admin", {list, describe}}};
  }
  int run(std::vector<std::string> argv, std::string* out = nullptr, std::string* err = nullptr) {
    std::ostringstream o, e;
    int rc = run_command_line(commands, argv, "samsa 9.9.9\n", o, e);
    if (out)
      *out = o.str();
    if (err)
      *err = e.str();
    return rc;
  }
};

} // namespace

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps") {
  CHECK(edit_distance("topics", "topics") == 0);
  CHECK(edit_distance("topcis", "topics") == 1); // one swap
  CHECK(edit_distance("topic", "topics") == 1);
  CHECK(edit_distance("tpoics", "topics") == 1);
  CHECK(edit_distance("--partiton", "--partition") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("suggest: the closest name within distance 2, else a unique prefix") {
  std::vector<std::string> cmds{"broker", "topics", "produce", "consume", "groups", "cluster", "help", "version"};
  CHECK(suggest("topcis", cmds) == std::optional<std::string>{"topics"});
  CHECK(suggest("prodcue", cmds) == std::optional<std::string>{"produce"});
  CHECK(suggest("grups", cmds) == std::optional<std::string>{"groups"});
  CHECK(suggest("clust", cmds) == std::optional<std::string>{"cluster"}); // a prefix, 2 away as well
  CHECK(suggest("vers", cmds) == std::optional<std::string>{"version"}); // 3 away, a prefix
  CHECK(suggest("xyzzy", cmds) == std::nullopt);
  CHECK(suggest("a", cmds) == std::nullopt); // too short to guess
  std::vector<std::string> opts{"--partition", "--print-key", "--print-offset", "--follow"};
  CHECK(suggest("--partiton", opts) == std::optional<std::string>{"--partition"});
  CHECK(suggest("--folow", opts) == std::optional<std::string>{"--follow"});
  CHECK(suggest("--pri", opts) == std::nullopt); // the prefix of two options: no guess
}

TEST_CASE("parse_command accepts the table's options and refuses others with a suggestion") {
  fixture f;
  const auto& spec = f.commands[0].subcommands[0];
  auto r = parse_command(spec, {"t", "--partition", "2", "--print-key", "--set=a=b", "--set", "c=d"});
  CHECK(r.error.empty());
  CHECK_FALSE(r.help);
  CHECK(r.parsed.positional == std::vector<std::string>{"t"});
  CHECK(r.parsed.get("--partition") == std::optional<std::string>{"2"});
  CHECK(r.parsed.has("--print-key"));
  CHECK(r.parsed.all("--set") == std::vector<std::string>{"a=b", "c=d"});

  CHECK(parse_command(spec, {"t", "--partiton", "2"}).error == "unknown option '--partiton'; did you mean '--partition'?");
  CHECK(parse_command(spec, {"t", "--bogus"}).error == "unknown option '--bogus'");
  CHECK(parse_command(spec, {"t", "--partition"}).error == "option --partition needs a value (P)");
  CHECK(parse_command(spec, {"t", "--print-key=yes"}).error == "option --print-key takes no value");
  CHECK(parse_command(spec, {}).error == "missing TOPIC");
  CHECK(parse_command(spec, {"t", "u"}).error == "unexpected argument 'u'");
  CHECK(parse_command(spec, {"t", "-partition", "1"}).error
        == "unexpected argument '-partition'; did you mean '--partition'?");
  // A value may start with a dash; "--" ends the options.
  CHECK(parse_command(spec, {"t", "--partition", "-1"}).parsed.get("--partition") == std::optional<std::string>{"-1"});
  CHECK(parse_command(spec, {"--", "--t"}).parsed.positional == std::vector<std::string>{"--t"});
  // --help wins over every other problem.
  CHECK(parse_command(spec, {"--partiton", "x", "y", "--help"}).help);
  CHECK(parse_command(spec, {"-h"}).help);
}

TEST_CASE("run_command_line: help and version without running anything, usage errors exit 2") {
  fixture f;
  std::string out, err;
  CHECK(f.run({"--help"}, &out) == exit_ok);
  CHECK(out.find("produce") != std::string::npos);
  CHECK(out.find("topics list") != std::string::npos);
  CHECK(out.find("exit status") != std::string::npos);
  CHECK(f.run({"help", "topics", "describe"}, &out) == exit_ok);
  CHECK(out.find("usage: samsa topics describe [TOPIC ...]") != std::string::npos);
  CHECK(f.run({"produce", "--help"}, &out) == exit_ok);
  CHECK(out.find("--partition P") != std::string::npos);
  CHECK(out.find("$ samsa produce t") != std::string::npos);
  CHECK(f.run({"topics", "--help"}, &out) == exit_ok);
  CHECK(out.find("describe them") != std::string::npos);
  CHECK(f.run({"--version"}, &out) == exit_ok);
  CHECK(out == "samsa 9.9.9\n");
  CHECK(f.run({"version"}, &out) == exit_ok);
  CHECK(f.calls.empty());

  CHECK(f.run({}, nullptr, &err) == exit_usage);
  CHECK(f.run({"topcis", "list"}, nullptr, &err) == exit_usage);
  CHECK(err.rfind("error: unknown command 'topcis'; did you mean 'topics'?\n", 0) == 0);
  CHECK(f.run({"--versoin"}, nullptr, &err) == exit_usage);
  CHECK(err.rfind("error: unknown option '--versoin'; did you mean '--version'?\n", 0) == 0);
  CHECK(f.run({"topics", "lst"}, nullptr, &err) == exit_usage);
  CHECK(err.rfind("error: unknown topics command 'lst'; did you mean 'list'?\n", 0) == 0);
  CHECK(f.run({"topics"}, nullptr, &err) == exit_usage);
  CHECK(f.run({"produce", "t", "--partiton", "1"}, nullptr, &err) == exit_usage);
  CHECK(err.rfind("error: unknown option '--partiton'; did you mean '--partition'?\n", 0) == 0);
  CHECK(f.calls.empty());

  CHECK(f.run({"topics", "describe", "a", "b"}) == 7);
  REQUIRE(f.calls.size() == 1);
  CHECK(f.calls[0].positional == std::vector<std::string>{"a", "b"}); // the subcommand is not an operand
}

TEST_CASE("every real command: a summary, an example, every option with a line in its help") {
  std::set<std::string> names;
  for (const auto& g : samsa_commands()) {
    CHECK(names.insert(g.name).second);
    for (const auto& c : g.subcommands) {
      auto path = g.leaf() ? g.name : g.name + " " + c.name;
      CAPTURE(path);
      CHECK_FALSE(c.summary.empty());
      CHECK_FALSE(c.examples.empty());
      CHECK(c.run);
      for (const auto& e : c.examples)
        CHECK(e.find("samsa " + path) != std::string::npos);
      auto help = command_help(path, c);
      CHECK(help.find("exit status") != std::string::npos);
      std::set<std::string> options;
      for (const auto& o : c.options) {
        CAPTURE(o.name);
        CHECK(options.insert(o.name).second);
        CHECK(o.name.rfind("--", 0) == 0);
        CHECK_FALSE(o.help.empty());
        CHECK(help.find("  " + o.name + (o.flag() ? "" : " " + o.value) + "  ") != std::string::npos);
        // The parser takes it (with a value when it has one) ...
        std::vector<std::string> argv;
        for (size_t i = 0; i < c.min_operands; ++i)
          argv.push_back("x");
        argv.push_back(o.name);
        if (!o.flag())
          argv.push_back("1");
        CHECK(parse_command(c, argv).error.empty());
        // ... and refuses it misspelt, naming it.
        argv[c.min_operands] = o.name + "x";
        CHECK(parse_command(c, argv).error.find("did you mean '" + o.name + "'") != std::string::npos);
      }
    }
  }
  CHECK(names == std::set<std::string>{"broker", "topics", "produce", "consume", "groups", "cluster", "experiment"});
  CHECK(version_text().find("CAF 0.17") != std::string::npos);
}

TEST_CASE("samsa groups delete: one GROUP, --broker, nothing else") {
  for (const auto& g : samsa_commands()) {
    if (g.name != "groups")
      continue;
    std::set<std::string> subs;
    for (const auto& c : g.subcommands)
      subs.insert(c.name);
    CHECK(subs == std::set<std::string>{"list", "describe", "reset-offsets", "delete"});
    for (const auto& c : g.subcommands) {
      if (c.name != "delete")
        continue;
      CHECK(parse_command(c, {"billing"}).error.empty());
      CHECK(parse_command(c, {"billing", "--broker", "h:1"}).parsed.get("--broker") == std::optional<std::string>{"h:1"});
      CHECK(parse_command(c, {}).error == "missing GROUP");
      CHECK(parse_command(c, {"a", "b"}).error == "unexpected argument 'b'");
      CHECK(parse_command(c, {"a", "--topic", "t"}).error.rfind("unknown option '--topic'", 0) == 0);
    }
  }
}

TEST_CASE("samsa completion bash: every command, subcommand and option of the tables, and nothing for a typo") {
  auto script = bash_completion(samsa_commands());
  CHECK(script.find("complete -F _samsa samsa\n") != std::string::npos);
  auto top = script.find("compgen -W \"");
  REQUIRE(top != std::string::npos);
  top += 12; // the first compgen: the words after "samsa"
  auto top_words = " " + script.substr(top, script.find('"', top) - top) + " ";
  for (const auto& g : samsa_commands()) {
    CAPTURE(g.name);
    CHECK(top_words.find(" " + g.name + " ") != std::string::npos);
    auto branch = script.find("\n  " + g.name + ")");
    REQUIRE(branch != std::string::npos);
    for (const auto& c : g.subcommands) {
      CAPTURE(c.name);
      std::string opts = "--help";
      for (const auto& o : c.options)
        opts += " " + o.name;
      // A leaf's options are on its own branch line; a group lists its subcommands, then one line for each.
      auto line = g.leaf() ? "\n  " + g.name + ") opts=\"" + opts + "\"" : "\n    " + c.name + ") opts=\"" + opts + "\"";
      CHECK(script.find(line, branch) != std::string::npos);
      if (!g.leaf()) { // offered as the word after the group's name
        auto subs = script.substr(branch, script.find("case \"$sub\"", branch) - branch);
        std::replace(subs.begin(), subs.end(), '"', ' ');
        CHECK(subs.find(" " + c.name + " ") != std::string::npos);
      }
    }
  }
  // `broker --config FILE` completes file names; `--set key=value` completes nothing.
  CHECK(script.find("\n  broker) opts=\"--help --config --set\" valued=\"--config --set\" files=\"--config\"")
        != std::string::npos);
  fixture f;
  std::string out, err;
  CHECK(f.run({"completion", "bash"}, &out) == exit_ok);
  CHECK(out == bash_completion(f.commands));
  CHECK(f.run({"completion", "zsh"}, nullptr, &err) == exit_usage);
  CHECK(f.run({"completoin"}, nullptr, &err) == exit_usage);
  CHECK(err.rfind("error: unknown command 'completoin'; did you mean 'completion'?\n", 0) == 0);
  CHECK(f.calls.empty());
}
