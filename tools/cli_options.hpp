#pragma once
// The `samsa` command's command table and argument parser, free of CAF and I/O so it is unit-tested on its
// own (tests/tools). Each command declares its options once, in a `command_spec` next to the code that reads
// them (cli_client.cpp, cli_groups.cpp, ...): the parser accepts exactly the options of that table and the
// help is printed from it, so the two cannot drift. `run_command_line` finds the command (with "did you mean"
// for a typo), answers --help and --version without a broker, parses, and runs the command.
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace samsa::cli {

// Exit codes of every samsa command (README "Exit codes", `samsa --help`).
constexpr int exit_ok = 0;
constexpr int exit_failed = 1; // the operation failed: a broker error, an unreachable broker, a refused start
constexpr int exit_usage = 2;  // the command line (or a broker's configuration) is wrong; nothing was done

// Parsed command line: positional arguments and --options (repeatable; flags map to "").
struct args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;
  bool has(const std::string& k) const { return options.count(k) > 0; }
  std::optional<std::string> get(const std::string& k) const;
  std::vector<std::string> all(const std::string& k) const;
};

struct option_spec {
  std::string name;  // "--partition"
  std::string value; // what the value is called in the help ("N", "HOST:PORT"); empty for a flag
  std::string help;  // one line
  bool flag() const { return value.empty(); }
};

constexpr size_t any_number = std::numeric_limits<size_t>::max();

// One command (`samsa produce`) or subcommand (`samsa topics create`).
struct command_spec {
  std::string name;                  // "produce", "create"
  std::string operands;              // "TOPIC", "[TOPIC ...]": the positional arguments as the help shows them
  size_t min_operands = 0;
  size_t max_operands = 0;           // any_number: no limit
  std::string summary;               // one line, for the command lists
  std::vector<option_spec> options;  // the only options accepted (--help is always accepted too)
  std::vector<std::string> examples; // command lines, each shown after "$ "
  std::string details;               // optional paragraphs after the options
  std::function<int(const args&)> run;

  command_spec() = default;
  command_spec(std::string name, std::string operands, size_t min_operands, size_t max_operands, std::string summary)
    : name(std::move(name)), operands(std::move(operands)), min_operands(min_operands), max_operands(max_operands),
      summary(std::move(summary)) {}
};

// A top-level word: a command on its own (`broker`, one entry in `subcommands` with an empty name) or a
// group of subcommands (`topics create|list|...`).
struct command_group {
  std::string name;
  std::string summary;
  std::vector<command_spec> subcommands;
  bool leaf() const { return subcommands.size() == 1 && subcommands.front().name.empty(); }
};

// A command without subcommands: `spec` (its name empty) as the top-level word `name`.
inline command_group single_command(std::string name, command_spec spec) {
  auto summary = spec.summary;
  return {std::move(name), std::move(summary), {std::move(spec)}};
}

// Restricted Damerau-Levenshtein (optimal string alignment) distance: insertions, deletions, substitutions
// and swaps of two neighbouring characters each cost 1 ("topcis" is 1 away from "topics").
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate `word` was probably meant to be: the closest one within edit distance 2 (1 for words of up
// to 3 characters), else the only candidate `word` is a prefix of (at least 2 characters); nullopt if none.
std::optional<std::string> suggest(const std::string& word, const std::vector<std::string>& candidates);

// Parses `argv` (the words after the command) against `spec`'s options. On success `error` is empty; `help` is
// set when --help or -h was given. Otherwise `error` says what is wrong, with a suggestion for a mistyped option.
struct parse_result {
  args parsed;
  bool help = false;
  std::string error;
};
parse_result parse_command(const command_spec& spec, const std::vector<std::string>& argv);

// "samsa topics create TOPIC [OPTIONS]"
std::string usage_line(const std::string& path, const command_spec& spec);
// The full help of one command: usage, summary, every option with its line, examples, details, exit codes.
std::string command_help(const std::string& path, const command_spec& spec);
// The help of a group: its subcommands, one line each.
std::string group_help(const command_group& g);
// `samsa --help`: every command with one line, how to get more, exit codes.
std::string top_help(const std::vector<command_group>& commands);
// `samsa completion bash`: a bash completion script generated from `commands` (command words, subcommands,
// each command's options; file names after options whose value is a FILE or DIR), so it cannot drift from the
// tables. The Debian package installs it as /usr/share/bash-completion/completions/samsa.
std::string bash_completion(const std::vector<command_group>& commands);

// The exit-code paragraph shared by every help page.
std::string exit_codes_text();

// Runs one samsa command line (argv without the program name) against `commands`: help, version, errors (to
// `err`, with "did you mean"), or the command's `run`. Returns the exit code.
int run_command_line(const std::vector<command_group>& commands, const std::vector<std::string>& argv,
                     const std::string& version_text, std::ostream& out, std::ostream& err);

} // namespace samsa::cli
