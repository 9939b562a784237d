#!/usr/bin/env bash
# `samsa completion bash` (the script the package installs as /usr/share/bash-completion/completions/samsa),
# exercised in bash as the shell would: every command that `samsa --help` lists completes from its prefix,
# every option that its `--help` lists completes after "--", a subcommand from its prefix, file names after
# `broker --config`, nothing after an option that takes another kind of value. No broker is started.
source "$(dirname "$0")/lib.sh"

run completion bash
expect_rc 0 "completion bash"
cp "$WORK/out" "$WORK/samsa.bash"
bash -n "$WORK/samsa.bash" || fail "samsa completion bash: not valid bash"
run completion zsh
expect_rc 2 "completion zsh"

# complete WORD...: COMPREPLY for the command line "samsa WORD..." with the cursor on the last word, one per line.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=(samsa "$@"); COMP_CWORD=$#; _samsa; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$WORK/samsa.bash" "$@"
}
offers() { # offers WANT WORD...: the completion of "samsa WORD..." includes WANT
  local want=$1 got
  shift
  got=$(complete_words "$@")
  grep -qxF -- "$want" <<<"$got" || fail "samsa $* <TAB>: '$want' not offered: $(tr '\n' ' ' <<<"$got")"
}

run --help
expect_rc 0 "--help"
# The command list of `samsa --help`: "  topics create  create a topic ..." until the blank line.
paths=$(awk '/^commands:/{on=1; next} on && /^$/{exit} on {print}' <<<"$OUT" | sed -E 's/^  //; s/  .*//; s/ [A-Z[].*//')
[ "$(wc -l <<<"$paths")" -ge 15 ] || fail "samsa --help lists too few commands: $paths"
n_opts=0
while read -r path; do
  read -r -a words <<<"$path"
  case "${words[0]}" in version | help | completion) continue ;; esac
  offers "${words[0]}" "${words[0]:0:3}"
  if [ ${#words[@]} -eq 2 ]; then offers "${words[1]}" "${words[0]}" "${words[1]:0:2}"; fi
  run "${words[@]}" --help
  expect_rc 0 "$path --help"
  for o in $(grep -oE '^  --[a-z][a-z-]*' <<<"$OUT"); do
    offers "$o" "${words[@]}" --
    n_opts=$((n_opts + 1))
  done
done <<<"$paths"
[ "$n_opts" -ge 40 ] || fail "only $n_opts options checked"
offers completion comp
offers bash completion ""
offers --help topics create --
touch "$WORK/node1.properties"
got=$(cd "$WORK" && complete_words broker --config node)
[ "$got" = node1.properties ] || fail "broker --config node<TAB>: '$got', not the file name"
[ -z "$(complete_words produce t --partition "")" ] || fail "produce --partition <TAB>: offered something"
[ -z "$(complete_words topcis "")" ] || fail "an unknown command: offered something"
echo "OK: completion of every command and $n_opts options"
