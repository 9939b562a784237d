#include "tools/cli_options.hpp"

#include <algorithm>
#include <sstream>

namespace samsa::cli {

std::optional<std::string> args::get(const std::string& k) const {
  auto i = options.find(k);
  if (i == options.end())
    return std::nullopt;
  return i->second;
}

std::vector<std::string> args::all(const std::string& k) const {
  std::vector<std::string> out;
  auto [b, e] = options.equal_range(k);
  for (auto i = b; i != e; ++i)
    out.push_back(i->second);
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  // d[i][j]: distance between the first i characters of a and the first j of b.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> suggest(const std::string& word, const std::vector<std::string>& candidates) {
  // Option names carry their "--" into the comparison; the limit counts only the word itself.
  auto bare = word.size() - std::min<size_t>(word.find_first_not_of('-'), word.size());
  size_t limit = bare <= 3 ? 1 : 2;
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_distance && d < bare) {
      best = c;
      best_distance = d;
    }
  }
  if (best)
    return best;
  std::vector<std::string> prefixed;
  for (const auto& c : candidates)
    if (bare >= 2 && c.size() > word.size() && c.compare(0, word.size(), word) == 0)
      prefixed.push_back(c);
  if (prefixed.size() == 1)
    return prefixed.front();
  return std::nullopt;
}

namespace {

bool is_help(const std::string& s) { return s == "--help" || s == "-h"; }

std::vector<std::string> option_names(const command_spec& spec) {
  std::vector<std::string> names;
  for (const auto& o : spec.options)
    names.push_back(o.name);
  names.push_back("--help");
  return names;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto s = suggest(word, candidates);
  return s ? "; did you mean '" + *s + "'?" : std::string{};
}

} // namespace

parse_result parse_command(const command_spec& spec, const std::vector<std::string>& argv) {
  parse_result r;
  auto set_error = [&](std::string e) {
    if (r.error.empty()) // the first problem; --help anywhere still wins
      r.error = std::move(e);
  };
  bool options_done = false; // after "--" every word is an operand
  for (size_t i = 0; i < argv.size(); ++i) {
    const auto& s = argv[i];
    if (!options_done && is_help(s)) {
      r.help = true;
      continue;
    }
    if (!options_done && s == "--") {
      options_done = true;
      continue;
    }
    if (options_done || s.size() <= 2 || s.compare(0, 2, "--") != 0) {
      r.parsed.positional.push_back(s);
      continue;
    }
    auto eq = s.find('=');
    auto name = s.substr(0, eq);
    auto o = std::find_if(spec.options.begin(), spec.options.end(), [&](const option_spec& x) { return x.name == name; });
    if (o == spec.options.end()) {
      set_error("unknown option '" + name + "'" + did_you_mean(name, option_names(spec)));
    } else if (o->flag()) {
      if (eq != std::string::npos)
        set_error("option " + name + " takes no value");
      else
        r.parsed.options.emplace(name, "");
    } else if (eq != std::string::npos) {
      r.parsed.options.emplace(name, s.substr(eq + 1));
    } else if (i + 1 < argv.size()) {
      r.parsed.options.emplace(name, argv[++i]);
    } else {
      set_error("option " + name + " needs a value (" + o->value + ")");
    }
  }
  if (r.error.empty() && r.parsed.positional.size() < spec.min_operands) {
    set_error("missing " + spec.operands);
  } else if (r.error.empty() && r.parsed.positional.size() > spec.max_operands) {
    const auto& extra = r.parsed.positional[spec.max_operands];
    // "-partition 3": an option with one dash too few.
    auto hint = extra.size() > 1 && extra[0] == '-' && extra[1] != '-' ? did_you_mean("-" + extra, option_names(spec))
                                                                         : std::string{};
    set_error("unexpected argument '" + extra + "'" + hint);
  }
  return r;
}

std::string usage_line(const std::string& path, const command_spec& spec) {
  std::string s = "samsa " + path;
  if (!spec.operands.empty())
    s += " " + spec.operands;
  if (!spec.options.empty())
    s += " [OPTIONS]";
  return s;
}

std::string exit_codes_text() {
  return "exit status:\n  " + std::to_string(exit_ok) + "  success\n  " + std::to_string(exit_failed)
         + "  the operation failed: a broker error, no broker reachable, a node that cannot start,\n"
           "     anomalies found by experiment check\n  "
         + std::to_string(exit_usage)
         + "  usage error: unknown command or option, missing or bad argument, invalid broker configuration\n"
           "     (nothing was done)\n";
}

namespace {

// Left column of `rows`, padded to one width, then the text.
std::string two_columns(const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t w = 0;
  for (const auto& r : rows)
    w = std::max(w, r.first.size());
  std::string out;
  for (const auto& [left, right] : rows)
    out += "  " + left + std::string(w - left.size() + 2, ' ') + right + "\n";
  return out;
}

} // namespace

std::string command_help(const std::string& path, const command_spec& spec) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& o : spec.options)
    rows.emplace_back(o.name + (o.flag() ? "" : " " + o.value), o.help);
  rows.emplace_back("-h, --help", "print this help and exit (no broker needed)");
  std::string out = "usage: " + usage_line(path, spec) + "\n\n" + spec.summary + "\n\noptions:\n" + two_columns(rows);
  if (!spec.examples.empty()) {
    out += spec.examples.size() == 1 ? "\nexample:\n" : "\nexamples:\n";
    for (const auto& e : spec.examples)
      out += "  $ " + e + "\n";
  }
  if (!spec.details.empty())
    out += "\n" + spec.details + (spec.details.back() == '\n' ? "" : "\n");
  return out + "\n" + exit_codes_text();
}

std::string group_help(const command_group& g) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& s : g.subcommands)
    rows.emplace_back(usage_line(g.name + " " + s.name, s), s.summary);
  return "usage: samsa " + g.name + " COMMAND [OPTIONS]\n\n" + g.summary + "\n\ncommands:\n" + two_columns(rows)
         + "\n'samsa " + g.name + " COMMAND --help' shows a command's options and an example.\n";
}

std::string top_help(const std::vector<command_group>& commands) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& g : commands)
    for (const auto& s : g.subcommands)
      rows.emplace_back(g.leaf() ? g.name : g.name + " " + s.name, s.summary);
  rows.emplace_back("version", "print samsa's version (also --version)");
  rows.emplace_back("help [COMMAND]", "this list, or a command's help (also COMMAND --help)");
  rows.emplace_back("completion bash", "print a bash completion script (source it, or install it, as the package does)");
  return "usage: samsa COMMAND [OPTIONS]\n\ncommands:\n" + two_columns(rows)
         + "\n'samsa COMMAND --help' shows a command's options and an example; help never contacts a broker.\n"
           "Client commands talk to the broker's native API on 127.0.0.1:19092 unless --broker HOST:PORT is given.\n\n"
         + exit_codes_text();
}

namespace {

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

// One command's case branch: its options, those taking a value, those whose value is a file or directory.
std::string completion_branch(const std::string& pattern, const command_spec& c, const std::string& indent) {
  std::vector<std::string> all{"--help"}, valued, files;
  for (const auto& o : c.options) {
    all.push_back(o.name);
    if (o.flag())
      continue;
    valued.push_back(o.name);
    if (o.value.find("FILE") != std::string::npos || o.value.find("DIR") != std::string::npos)
      files.push_back(o.name);
  }
  bool file_operands = c.operands.find("FILE") != std::string::npos;
  return indent + pattern + ") opts=\"" + join_words(all) + "\" valued=\"" + join_words(valued) + "\" files=\""
         + join_words(files) + "\" operand_files=" + (file_operands ? "1" : "0") + " ;;\n";
}

} // namespace

std::string bash_completion(const std::vector<command_group>& commands) {
  std::vector<std::string> words;
  for (const auto& g : commands)
    words.push_back(g.name);
  for (const char* w : {"help", "version", "completion", "--help", "--version"})
    words.emplace_back(w);
  std::string out = "# bash completion for samsa, generated by `samsa completion bash` from the command tables\n"
                    "# (tools/cli_options.hpp). Install as /usr/share/bash-completion/completions/samsa, or source it.\n"
                    "_samsa() {\n"
                    "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\"\n"
                    "  [ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                    "  local cmd=\"${COMP_WORDS[1]}\" sub=\"${COMP_WORDS[2]}\"\n"
                    "  local opts=\"\" valued=\"\" files=\"\" operand_files=0\n"
                    "  COMPREPLY=()\n"
                    "  if [ \"$COMP_CWORD\" -le 1 ]; then\n"
                    "    COMPREPLY=($(compgen -W \""
                    + join_words(words)
                    + "\" -- \"$cur\"))\n"
                      "    return 0\n"
                      "  fi\n"
                      "  case \"$cmd\" in\n"
                      "  help)\n"
                      "    [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"";
  std::vector<std::string> names;
  for (const auto& g : commands)
    names.push_back(g.name);
  out += join_words(names) + "\" -- \"$cur\"))\n    return 0 ;;\n";
  out += "  completion)\n    [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"bash\" -- \"$cur\"))\n    return 0 ;;\n";
  for (const auto& g : commands) {
    if (g.leaf()) {
      out += completion_branch(g.name, g.subcommands.front(), "  ");
      continue;
    }
    std::vector<std::string> subs;
    for (const auto& s : g.subcommands)
      subs.push_back(s.name);
    out += "  " + g.name + ")\n    if [ \"$COMP_CWORD\" -eq 2 ]; then\n      COMPREPLY=($(compgen -W \"" + join_words(subs)
           + " --help\" -- \"$cur\"))\n      return 0\n    fi\n    case \"$sub\" in\n";
    for (const auto& s : g.subcommands)
      out += completion_branch(s.name, s, "    ");
    out += "    *) return 0 ;;\n    esac ;;\n";
  }
  out += "  *) return 0 ;;\n"
         "  esac\n"
         "  case \" $files \" in *\" $prev \"*) [ -n \"$prev\" ] && { compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return 0; } ;; esac\n"
         "  case \" $valued \" in *\" $prev \"*) [ -n \"$prev\" ] && return 0 ;; esac\n"
         "  if [[ \"$cur\" != -* && \"$operand_files\" = 1 ]]; then\n"
         "    compopt -o filenames 2>/dev/null\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "    return 0\n"
         "  fi\n"
         "  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "}\n"
         "complete -F _samsa samsa\n";
  return out;
}

namespace {

const command_group* find_group(const std::vector<command_group>& commands, const std::string& name) {
  for (const auto& g : commands)
    if (g.name == name)
      return &g;
  return nullptr;
}

const command_spec* find_sub(const command_group& g, const std::string& name) {
  for (const auto& s : g.subcommands)
    if (s.name == name)
      return &s;
  return nullptr;
}

int unknown_command(const std::vector<command_group>& commands, const std::string& word, std::ostream& err) {
  std::vector<std::string> names;
  for (const auto& g : commands)
    names.push_back(g.name);
  bool dashed = !word.empty() && word[0] == '-';
  if (dashed)
    names = {"--help", "--version"};
  else
    names.insert(names.end(), {"help", "version", "completion"});
  err << "error: unknown " << (dashed ? "option" : "command") << " '" << word << "'" << did_you_mean(word, names)
      << "\nrun 'samsa --help' for the list of commands\n";
  return exit_usage;
}

int unknown_subcommand(const command_group& g, const std::string& word, std::ostream& err) {
  std::vector<std::string> names;
  for (const auto& s : g.subcommands)
    names.push_back(s.name);
  err << "error: unknown " << g.name << " command '" << word << "'" << did_you_mean(word, names) << "\nrun 'samsa "
      << g.name << " --help' for its commands\n";
  return exit_usage;
}

// `samsa help [COMMAND [SUB]]`
int help_for(const std::vector<command_group>& commands, const std::vector<std::string>& words, std::ostream& out,
             std::ostream& err) {
  if (words.empty()) {
    out << top_help(commands);
    return exit_ok;
  }
  const auto* g = find_group(commands, words[0]);
  if (!g)
    return unknown_command(commands, words[0], err);
  if (g->leaf()) {
    out << command_help(g->name, g->subcommands.front());
    return exit_ok;
  }
  if (words.size() == 1) {
    out << group_help(*g);
    return exit_ok;
  }
  const auto* s = find_sub(*g, words[1]);
  if (!s)
    return unknown_subcommand(*g, words[1], err);
  out << command_help(g->name + " " + s->name, *s);
  return exit_ok;
}

} // namespace

int run_command_line(const std::vector<command_group>& commands, const std::vector<std::string>& argv,
                     const std::string& version_text, std::ostream& out, std::ostream& err) {
  if (argv.empty()) {
    err << top_help(commands);
    return exit_usage;
  }
  const auto& first = argv[0];
  if (is_help(first) || first == "help")
    return help_for(commands, {argv.begin() + 1, argv.end()}, out, err);
  if (first == "--version" || first == "version") {
    out << version_text;
    return exit_ok;
  }
  if (first == "completion") {
    if (argv.size() == 2 && argv[1] == "bash") {
      out << bash_completion(commands);
      return exit_ok;
    }
    err << "usage: samsa completion bash  (bash is the only shell with a completion script)\n";
    return exit_usage;
  }
  const auto* g = find_group(commands, first);
  if (!g)
    return unknown_command(commands, first, err);
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  const command_spec* spec = &g->subcommands.front();
  std::string path = g->name;
  if (!g->leaf()) {
    if (rest.empty()) {
      err << "error: 'samsa " << g->name << "' needs a command\n\n" << group_help(*g);
      return exit_usage;
    }
    if (is_help(rest[0])) {
      out << group_help(*g);
      return exit_ok;
    }
    spec = find_sub(*g, rest[0]);
    if (!spec)
      return unknown_subcommand(*g, rest[0], err);
    path += " " + spec->name;
    rest.erase(rest.begin());
  }
  auto r = parse_command(*spec, rest);
  if (r.help) {
    out << command_help(path, *spec);
    return exit_ok;
  }
  if (!r.error.empty()) {
    err << "error: " << r.error << "\nusage: " << usage_line(path, *spec) << "  ('samsa " << path
        << " --help' for the options)\n";
    return exit_usage;
  }
  return spec->run(r.parsed);
}

} // namespace samsa::cli
